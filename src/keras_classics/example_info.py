"""What an example offers, read from its source without importing it (no keras, well under a
second): its config keys with type, default and meaning, its presets, its docstring.

`keras-classics info NAME` prints it, and the command line checks a preset and `--set` keys and
values with it before keras is imported, so a mistake costs no keras start-up. The example's own
`Config.check()` (ranges, combinations) still runs once the module is imported.
"""

from __future__ import annotations

import ast
import dataclasses
import io
import tokenize
import typing
from pathlib import Path
from typing import Any

from keras_classics import config as config_lib
from keras_classics import registry
from keras_classics.errors import UserError

EXAMPLES = Path(registry.__file__).parent / "examples"
# What a Config annotation may name; anything else is left to the check after import.
_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "tuple": tuple, "None": None}
_TYPES.update(Literal=typing.Literal, Optional=typing.Optional)
_BASE_MEANINGS = {  # BaseConfig's fields, from its docstring
    "seed": "seeds Python, NumPy and the backend",
    "epochs": "passes over the training data",
    "batch_size": "samples per gradient step",
    "train_samples": "use only the first N training samples (0 = all)",
    "test_samples": "use only the first N test samples (0 = all)",
}


@dataclasses.dataclass(frozen=True)
class Field:
    """One config key."""

    name: str
    annotation: str
    default: str
    meaning: str


@dataclasses.dataclass(frozen=True)
class Info:
    """What `info` shows of an example."""

    name: str
    docstring: str
    fields: tuple[Field, ...]
    presets: dict[str, dict[str, Any]]
    preset_notes: dict[str, str]  # what each preset is for: the comment lines above its key


def _comments(source: str) -> dict[int, str]:
    """Line number -> the comment at the end of that line."""
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string.lstrip("# ").strip()
    return found


def _base_fields() -> list[Field]:
    return [
        Field(
            f.name,
            f.type if isinstance(f.type, str) else f.type.__name__,
            repr(f.default),
            _BASE_MEANINGS.get(f.name, ""),
        )  # fmt: skip
        for f in dataclasses.fields(config_lib.BaseConfig)
    ]


def read(name: str) -> Info:
    """Reads example `name`'s module source.

    Raises:
        UserError: for an unknown example name.
    """
    name = registry.spec(name).name
    source = (EXAMPLES / f"{name}.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    comments = _comments(source)
    own: dict[str, Field] = {}
    presets: dict[str, dict[str, Any]] = {}
    notes: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Config":
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    default = ast.get_source_segment(source, item.value) if item.value else ""
                    own[item.target.id] = Field(
                        item.target.id,
                        ast.get_source_segment(source, item.annotation) or "",
                        default or "",
                        comments.get(item.end_lineno, ""),
                    )
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "PRESETS" for t in node.targets
        ):
            presets = _literal(node.value)
            notes = {
                _literal(key): _comment_above(comments, key.lineno)
                for key in node.value.keys  # type: ignore[attr-defined]
            }
    fields = [own.pop(f.name, f) for f in _base_fields()]  # an example may change a default
    fields.extend(own.values())
    return Info(name, ast.get_docstring(tree) or "", tuple(fields), presets, notes)


def _comment_above(comments: dict[int, str], line: int) -> str:
    """The comment lines right above `line`, joined."""
    lines = []
    while line - 1 in comments:
        line -= 1
        lines.insert(0, comments[line])
    return " ".join(lines)


_OPERATORS = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b, ast.Pow: lambda a, b: a**b,
}  # fmt: skip


def _literal(node: ast.AST) -> Any:
    """ast.literal_eval, plus arithmetic on numbers (a preset may say 2**20)."""
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_literal(node.left), _literal(node.right))
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True)}
    return ast.literal_eval(node)


def _annotation(text: str) -> Any:
    try:
        return eval(text, {"__builtins__": {}}, _TYPES)  # noqa: S307 - our own source, typed names only
    except Exception:  # noqa: BLE001 - a type this reader does not know: checked after import
        return None


def check(name: str, preset: str | None, sets: tuple[str, ...] | list[str]) -> None:
    """Checks the preset name and every `--set key=value` (key known, value of its type).

    Raises:
        UserError: one line, as the check after import would say it.
    """
    info = read(name)
    if preset and preset not in info.presets:
        names = ", ".join(sorted(info.presets)) or "none"
        raise UserError(f"unknown preset {preset!r} (this example has: {names})")
    by_name = {f.name: f for f in info.fields}
    for item in sets:
        key, text = config_lib.split_override(item, by_name)
        annotation = _annotation(by_name[key].annotation)
        if annotation is not None:
            config_lib.parse_value(key, text, annotation)


def _section(docstring: str, title: str) -> str:
    """The paragraph of the module docstring that starts with `title`."""
    for block in docstring.split("\n\n"):
        if block.startswith(title):
            return block
    return ""


def text(name: str) -> str:
    """What `keras-classics info NAME` prints."""
    info = read(name)
    example = registry.spec(info.name)
    lines = [f"{info.name}: {example.task}", "", f"dataset: {example.dataset}"]
    lines.append(f"the original documented: {example.documented}")
    lines += ["", "config keys (--set KEY=VALUE):"]
    width = max(len(f.name) for f in info.fields)
    for field in info.fields:
        meaning = f"  {field.meaning}" if field.meaning else ""
        lines.append(f"  {field.name:<{width}}  {field.annotation} = {field.default}{meaning}")
    lines += ["", "presets (--preset NAME; without one: the original's recipe):"]
    for preset, values in info.presets.items():
        shown = ", ".join(f"{k}={v}" for k, v in values.items()) or "(the defaults)"
        lines.append(f"  {preset}: {shown}")
        if info.preset_notes.get(preset):
            lines.append(f"      {info.preset_notes[preset]}")
    for title in ("Documented result", "Measured", "Differences from the original"):
        block = _section(info.docstring, title)
        if block:
            lines += ["", block]
    return "\n".join(lines)

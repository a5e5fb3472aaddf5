"""Configs are frozen dataclasses; presets and `--set key=value` make new ones, typed and checked."""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from keras_classics.errors import UserError

C = TypeVar("C", bound="BaseConfig")


@dataclasses.dataclass(frozen=True)
class BaseConfig:
    """Fields every example has. Each example's `Config` subclasses this with the original's defaults.

    Attributes:
        seed: seeds Python, NumPy and the backend (keras.utils.set_random_seed).
        epochs: passes over the training data.
        batch_size: samples per gradient step.
        train_samples: use only the first N training samples (0 = all); tiny presets use it.
        test_samples: use only the first N test samples (0 = all).
    """

    seed: int = 1337
    epochs: int = 1
    batch_size: int = 128
    train_samples: int = 0
    test_samples: int = 0


def field_types(config_cls: type[BaseConfig]) -> dict[str, Any]:
    """Maps each field name of a config class to its resolved type annotation."""
    hints = typing.get_type_hints(config_cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(config_cls)}


def shown(text: str) -> str:
    """`text` as typed, or quoted with escapes when it holds a newline or another control
    character: an error message stays one line."""
    return text if text.isprintable() else repr(text)


def parse_value(key: str, text: str, annotation: Any) -> Any:
    """Parses the text of `--set key=text` into the field's type.

    Supports bool, int, float, str, Optional[...] ("none" gives None) and tuple[T, ...]
    (comma-separated).

    Raises:
        UserError: when the text cannot be read as that type.
    """
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if text.lower() in ("none", "null", "") and len(inner) < len(args):
            return None
        errors = []
        for candidate in inner:
            try:
                return parse_value(key, text, candidate)
            except UserError as error:
                errors.append(str(error))
        raise UserError(errors[0])
    if origin is tuple:
        item_type = args[0] if args else str
        parts = [p.strip() for p in text.split(",") if p.strip()]
        return tuple(parse_value(key, p, item_type) for p in parts)
    if origin is typing.Literal:
        if text not in args:
            raise UserError(
                f"--set {shown(key)}={shown(text)}: expected one of {', '.join(map(str, args))}"
            )
        return text
    if annotation is bool:
        lowered = text.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise UserError(f"--set {shown(key)}={shown(text)}: expected true or false")
    if annotation in (int, float):
        try:
            return annotation(text)
        except ValueError:
            raise UserError(
                f"--set {shown(key)}={shown(text)}: "
                f"expected {'an integer' if annotation is int else 'a number'}"
            ) from None
    if annotation is str:
        return text
    raise UserError(
        f"--set {shown(key)}: values of type {annotation} cannot be set from the command line"
    )


def split_override(item: str, known: Iterable[str]) -> tuple[str, str]:
    """`key=value` -> (key, value text), the key one of `known`.

    Raises:
        UserError: for an item without '=' or a key the example does not have.
    """
    key, sep, text = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise UserError(f"--set {item!r}: expected key=value")
    if key not in known:
        names = ", ".join(sorted(known))
        raise UserError(f"--set {shown(key)}: unknown key for this example (known: {names})")
    return key, text.strip()


def parse_overrides(config_cls: type[BaseConfig], items: Iterable[str]) -> dict[str, Any]:
    """Turns ["key=value", ...] into a typed dict, rejecting unknown keys.

    Raises:
        UserError: for a malformed item, an unknown key or a badly typed value.
    """
    types_by_name = field_types(config_cls)
    values: dict[str, Any] = {}
    for item in items:
        key, text = split_override(item, types_by_name)
        values[key] = parse_value(key, text, types_by_name[key])
    return values


def resolve(
    config_cls: type[C],
    presets: Mapping[str, Mapping[str, Any]],
    preset: str | None = None,
    overrides: Iterable[str] = (),
    seed: int | None = None,
) -> C:
    """Builds a config: defaults, then the preset, then `--set` values, then `--seed`.

    Raises:
        UserError: for an unknown preset or a bad override.
    """
    values: dict[str, Any] = {}
    if preset:
        if preset not in presets:
            names = ", ".join(sorted(presets)) or "none"
            raise UserError(f"unknown preset {preset!r} (this example has: {names})")
        values.update(presets[preset])
    values.update(parse_overrides(config_cls, overrides))
    if seed is not None:
        values["seed"] = seed
    config = config_cls(**values)
    validate(config)
    return config


def validate(config: BaseConfig) -> None:
    """Checks generic bounds and the example's own `check()` if it has one.

    Raises:
        UserError: when a value is out of range.
    """
    for name in ("epochs", "batch_size"):
        if getattr(config, name) < 1:
            raise UserError(f"{name} must be at least 1, got {getattr(config, name)}")
    for name in ("train_samples", "test_samples"):
        if getattr(config, name) < 0:
            raise UserError(f"{name} must be 0 (all) or positive, got {getattr(config, name)}")
    _check_by_name(config)
    check = getattr(config, "check", None)
    if callable(check):
        check()


# Checks that hold for a field of that name in every example (an example's `check()` adds its
# own). Integers may be negative only where a negative value means something.
NEGATIVE_ALLOWED = ("digit", "target_class")  # -1: every digit / the default class
UNIT_INTERVAL = ("dropout", "recurrent_dropout", "validation_split", "holdout", "momentum",
                 "beta_1", "rho", "width_shift", "height_shift")  # fmt: skip
# The width or size of a layer, by the end of its name (hidden_units, latent_dim, kernel_size,
# conv_filters, row_hidden, width; tuples such as filters=32,64 item by item): at least 1 (Keras
# fails deep inside the model on 0) and at most MAX_WIDTH. The classics use at most 512; a typo
# such as 1000000 would end as an out-of-memory traceback, an integer overflow or a hang.
WIDTH_ENDINGS = ("units", "_dim", "_dims", "_hidden", "filters", "width", "_size")
NOT_WIDTHS = ("batch_size", "training_size")  # counts of samples, checked on their own
MAX_WIDTH = 65536


def is_width(name: str) -> bool:
    """Whether the field `name` is a layer's width or size (see WIDTH_ENDINGS)."""
    return name.endswith(WIDTH_ENDINGS) and name not in NOT_WIDTHS


def _check_by_name(config: BaseConfig) -> None:
    for field in dataclasses.fields(config):
        name, value = field.name, getattr(config, field.name)
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                _check_number(name, item, shown=value)


def _check_number(name: str, value: float, shown: Any) -> None:
    """One number of field `name` (`shown`: the field's whole value, for the message)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise UserError(f"{name} must be a finite number, got {shown}")
    if (name == "seed" or name.endswith("_seed")) and not 0 <= value < 2**32:
        raise UserError(f"{name} must be between 0 and 2**32 - 1, got {shown}")
    if isinstance(value, int) and value < 0 and name not in NEGATIVE_ALLOWED:
        raise UserError(f"{name} must not be negative, got {shown}")
    if name.endswith("learning_rate") and value <= 0:
        raise UserError(f"{name} must be positive, got {shown}")
    if name in UNIT_INTERVAL and not 0 <= value < 1:
        raise UserError(f"{name} must be in [0, 1), got {shown}")
    if is_width(name) and isinstance(value, int) and not 1 <= value <= MAX_WIDTH:
        what = "each of " if isinstance(shown, tuple) else ""
        raise UserError(f"{what}{name} must be between 1 and {MAX_WIDTH}, got {_plain(shown)}")


def check_range(
    name: str,
    value: float,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    why: str = "",
) -> None:
    """How a `check()` refuses a number out of range: unless low <= value <= high (< where `low_open`
    or `high_open`; None: no bound), a UserError of one line naming the field, the allowed range
    and the value, with `why` in parentheses when the bound needs a reason.

        check_range("n", self.n, 1, 200)  ->  "n must be between 1 and 200, got 0"
    """
    below = value < low or (low_open and value == low) if low is not None else False
    above = value > high or (high_open and value == high) if high is not None else False
    if not (below or above):
        return
    if low is not None and high is not None:
        allowed = (
            f"between {low} and {high}"
            if not (low_open or high_open)
            else f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        )
    elif low is not None:
        allowed = f"above {low}" if low_open else f"at least {low}"
    else:
        allowed = f"below {high}" if high_open else f"at most {high}"
    reason = f" ({why})" if why else ""
    raise UserError(f"{name} must be {allowed}, got {_plain(value)}{reason}")


def _plain(value: Any) -> str:
    """A tuple as the user typed it (32,64), anything else as itself."""
    return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)


def to_dict(config: BaseConfig) -> dict[str, Any]:
    """Returns the config as a JSON-ready dict (tuples become lists)."""
    return json.loads(json.dumps(dataclasses.asdict(config)))


def from_dict(config_cls: type[C], data: Mapping[str, Any]) -> C:
    """Rebuilds a config saved by `to_dict`, ignoring keys the class no longer has."""
    types_by_name = field_types(config_cls)
    values = {}
    for key, value in data.items():
        if key not in types_by_name:
            continue
        if isinstance(value, list):
            value = tuple(value)
        values[key] = value
    return config_cls(**values)

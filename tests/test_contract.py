"""The example contract (registry.py's docstring): every module against its registry entry."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from keras_classics import registry

PACKAGE = Path(registry.__file__).parent
EXAMPLES = PACKAGE / "examples"
WALKTHROUGHS = PACKAGE / "walkthroughs"


def _modules(folder: Path) -> set[str]:
    return {path.stem for path in folder.glob("*.py") if not path.stem.startswith("_")}


def test_the_registry_and_the_example_files_list_the_same_names():
    assert _modules(EXAMPLES) == set(registry.names())


def test_every_example_has_a_walkthrough_module_and_nothing_else_is_one():
    assert _modules(WALKTHROUGHS) == set(registry.names())


@pytest.mark.parametrize("name", registry.names())
def test_each_module_keeps_the_contract_its_entry_declares(name):
    example = registry.spec(name)
    assert registry.check_module(example, registry.load(name)) == []
    assert callable(registry.walkthrough(name).explain)


def test_the_check_finds_a_broken_module():
    class Module:  # stands in for a module: attributes as a module has them
        Config = PRESETS = load_data = build_model = train = object
        explain = object

    Module.PRESETS = {"quick": {}}
    problems = registry.check_module(registry.spec("mnist_acgan"), Module)
    assert "defines no evaluate" in problems
    assert "has no tiny preset" in problems
    assert "lacks sample" in problems and "lacks benchmark" in problems  # declared: own_benchmark
    assert any("explain" in problem for problem in problems)


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("name", registry.names())
def test_no_example_imports_another_example(name):
    others = {f"keras_classics.examples.{other}" for other in registry.names() if other != name}
    assert not _imported_modules(EXAMPLES / f"{name}.py") & others


LAYERS = {  # a package may not import these (arrows point one way)
    "datasets": ("explaining", "runs", "training", "examples", "walkthroughs", "commands"),
    "examples": ("walkthroughs", "commands", "cli"),
}


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_arrows_point_one_way(package):
    for path in (PACKAGE / package).rglob("*.py"):
        imported = _imported_modules(path)
        for forbidden in LAYERS[package]:
            bad = {m for m in imported if m.startswith(f"keras_classics.{forbidden}")}
            assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


@pytest.mark.parametrize("name", registry.names())
def test_the_source_reader_sees_what_the_module_defines(name):
    """`info` and the checks before keras read the source: they must agree with the import."""
    import dataclasses

    from keras_classics import example_info

    module = registry.load(name)
    info = example_info.read(name)
    assert info.presets == module.PRESETS
    assert [f.name for f in info.fields] == [f.name for f in dataclasses.fields(module.Config)]
    for field in info.fields:  # every annotation the reader can type-check, it types as Python
        annotation = example_info._annotation(field.annotation)
        real = dataclasses.fields(module.Config)[[f.name for f in info.fields].index(field.name)]
        assert (
            annotation is None
            or str(annotation) == str(real.type)
            or annotation.__name__ == real.type
        )


@pytest.mark.parametrize("name", registry.names())
def test_presets_mean_the_same_everywhere(name):
    """`tiny` (seconds, tests) and `quick` (a few minutes on 2 cores, a result worth seeing)
    exist in every example, each with a comment above it saying what it gives: `info` shows
    it. Without a preset, an example runs the original's recipe."""
    from keras_classics import example_info

    info = example_info.read(name)
    assert {"tiny", "quick"} <= set(info.presets), f"{name} lacks tiny or quick"
    for preset in ("tiny", "quick"):
        assert info.preset_notes.get(preset), f"{name}: say what --preset {preset} gives"
    assert any(unit in info.preset_notes["quick"] for unit in (" s ", " min")), name

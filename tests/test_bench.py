"""`keras-classics bench`: the package beside a bare model.fit, `--all`, and `--backend auto`'s
table (no timing asserts: only that the numbers exist and are laid out and used correctly)."""

from __future__ import annotations

import json

import pytest

from conftest import BACKEND
from keras_classics import autotable, backend, bench_runner, registry
from keras_classics.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _number(cell: str) -> float:
    return float(cell.split()[0].replace(",", ""))


def test_bench_times_the_package_beside_a_bare_fit(capsys):
    code, out, _ = run_cli(
        capsys, "bench", "mnist_mlp", "--backend", BACKEND, "--baseline",
        "--steps", "2", "--repeats", "1", "--preset", "tiny",
    )  # fmt: skip
    assert code == 0, out
    lines = out.strip().splitlines()
    assert lines[0].startswith("mnist_mlp: training samples/s") and "auto:" in lines[0]
    header = lines[1]
    assert "package samples/s" in header and "baseline samples/s" in header
    cells = [cell.strip() for cell in lines[3].split("  ") if cell.strip()]
    assert cells[0] == BACKEND
    package, baseline, ratio = _number(cells[1]), _number(cells[2]), float(cells[3])
    assert package > 0 and baseline > 0
    assert ratio == pytest.approx(package / baseline, rel=0.02)


@pytest.mark.backend_free
def test_bench_all_covers_every_example_saves_rows_and_writes_the_auto_table(
    capsys, monkeypatch, tmp_path
):
    # Two examples stand for all 25 (one with model.fit, one with its own loop): the real
    # `--all` takes most of an hour. The children are real `keras-classics bench` processes.
    monkeypatch.setattr(registry, "names", lambda: ["mnist_mlp", "mnist_acgan"])
    table = tmp_path / "auto_backend.json"
    monkeypatch.setattr(autotable, "table_path", lambda: table)
    saved = tmp_path / "bench.json"
    code, out, err = run_cli(
        capsys, "bench", "--all", "--backend", BACKEND, "--steps", "2", "--repeats", "1",
        "--preset", "tiny", "--save", str(saved), "--update-auto-table", "--markdown",
    )  # fmt: skip
    assert code == 0, err
    rows = json.loads(saved.read_text())["rows"]
    paths = {(row["example"], row["path"]) for row in rows if "error" not in row}
    # The GAN's baseline is its own loop in plain Keras (no fast paths, no tuning).
    assert paths == {(name, path) for name in ("mnist_mlp", "mnist_acgan")
                     for path in ("package", "baseline")}  # fmt: skip
    assert all(row["first_step_s"] > 0 for row in rows)
    lines = [line for line in out.splitlines() if line.startswith("| mnist")]
    assert len(lines) == 2
    mlp = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert mlp[0] == "mnist_mlp" and BACKEND in mlp
    written = json.loads(table.read_text())
    entry = written["devices"][autotable.device_kind()]["mnist_mlp"]
    assert entry["backend"] == BACKEND and entry["samples_per_s"][BACKEND] > 0
    assert "error" not in err.lower()


@pytest.mark.backend_free
@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["bench"], "an example name or --all"),
        (["bench", "mnist_mlp", "--all"], "not both"),
        (["bench", "mnist_mlp", "--steps", "0"], "at least 1"),
        (["bench", "mnist_mlp", "--repeats", "-5"], "at least 1"),
        (["bench", "mnist_mlp", "--timeout", "0"], "positive"),
        (["bench", "mnist_mpl"], "unknown example"),
        (["bench", "mnist_mlp", "--backend", "theano"], "unknown backend"),
    ],
)
def test_bench_mistakes_are_one_line(capsys, argv, fragment):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0]


def _table(tmp_path, monkeypatch, devices):
    path = tmp_path / "auto_backend.json"
    path.write_text(json.dumps({"measured": "2026-11-28", "devices": devices}))
    monkeypatch.setattr(autotable, "table_path", lambda: path)


@pytest.mark.backend_free
def test_auto_picks_the_fastest_installed_backend_of_the_table(tmp_path, monkeypatch):
    speeds = {"jax": 300.0, "torch": 600.0, "tensorflow": 2800.0}
    _table(tmp_path, monkeypatch, {"cpu": {"mnist_cnn": {"samples_per_s": speeds}}})
    chosen, reason = autotable.choose("mnist_cnn", ["jax", "torch", "tensorflow"], "cpu")
    assert chosen == "tensorflow"
    assert "fastest for mnist_cnn on cpu" in reason and "2,800" in reason
    chosen, reason = autotable.choose("mnist_cnn", ["jax", "torch"], "cpu")
    assert chosen == "torch" and "tensorflow not installed" in reason
    chosen, reason = autotable.choose("mnist_cnn", ["jax", "torch"], "cuda")
    assert chosen == "jax" and "no measured row for mnist_cnn on cuda" in reason
    assert autotable.choose(None, ["torch"], "cpu")[0] == "torch"


@pytest.mark.backend_free
def test_backend_auto_follows_the_table_unless_told_otherwise(tmp_path, monkeypatch):
    installed = backend.installed()
    slowest_first = {name: 100.0 * (i + 1) for i, name in enumerate(installed)}
    _table(tmp_path, monkeypatch, {autotable.device_kind(): {
        "mnist_cnn": {"samples_per_s": slowest_first}}})  # fmt: skip
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    assert backend.choose("auto", "mnist_cnn")[0] == installed[-1]
    assert backend.choose(installed[0], "mnist_cnn") == (installed[0], "chosen with --backend")
    monkeypatch.setenv("KERAS_BACKEND", installed[0])
    chosen, reason = backend.choose("auto", "mnist_cnn")
    assert chosen == installed[0] and "KERAS_BACKEND" in reason


@pytest.mark.backend_free
def test_the_shipped_auto_table_covers_every_example():
    table = autotable.load()
    cpu = table["devices"]["cpu"]
    assert set(cpu) == set(registry.names())
    for entry in cpu.values():
        assert entry["backend"] == max(entry["samples_per_s"], key=entry["samples_per_s"].get)
    assert table["regenerate"].startswith("keras-classics bench --all")


@pytest.mark.backend_free
def test_summary_ratios_come_from_the_rows():
    rows = [
        {"example": "e", "backend": "jax", "path": "package", "samples_per_s": 300.0,
         "batch_size": 8, "first_step_s": 1.0},
        {"example": "e", "backend": "jax", "path": "baseline", "samples_per_s": 240.0},
        {"example": "e", "backend": "torch", "path": "package", "samples_per_s": 100.0,
         "batch_size": 8, "first_step_s": 0.5},
        {"example": "e", "backend": "torch", "path": "baseline", "samples_per_s": 125.0},
    ]  # fmt: skip
    (line,) = bench_runner.summary(rows, ["jax", "torch"], "nowhere")
    # No table row for "e": auto falls back to JAX (installed), 300 / best bare 240.
    assert line["auto"] == "jax"
    assert line["auto/best bare"] == "1.25 (jax)"
    assert line["min pkg/bare"] == "0.80"
    assert line["first step s"] == "1.0"

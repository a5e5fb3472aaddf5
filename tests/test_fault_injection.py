"""Fault injection: a run SIGKILLed anywhere (between epochs, mid-epoch, inside each file write of
an epoch's save, at the end) and resumed ends with exactly the weights of an uninterrupted run.

tests/kill_runner.py forks real `keras-classics train` processes and kills them at the points
drawn here; this file checks what each kill left on disk and where the resumed runs end. Equality
is exact (checkpoint, model.keras, the metrics rows, final.json): resume restores every variable,
and the batches and dropout masks of epoch e depend only on (seed, e).

What it found: a writer killed mid-write leaves its temporary file (`.state.npz.<random>.tmp`: a
whole checkpoint's size, one more per kill); `--resume` now removes them (`Run.reopen`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import kill_runner
from conftest import BACKEND
from keras_classics import reports, runs, training

EXAMPLE = "mnist_mlp"  # dropout: equal weights need the same batches *and* the same masks
EPOCHS = 3
# 512 samples in batches of 32: 16 steps, two executions of 8 on JAX and TensorFlow, so that
# "batch1" is inside the epoch on every backend.
ARGV = [EXAMPLE, "--preset", "tiny", "--data", "synthetic", "--set", f"epochs={EPOCHS}"]
ARGV += ["--set", "train_samples=512", "--set", "test_samples=128", "--set", "batch_size=32"]
# The full sweep (20 points drawn from every point of the run, in 5 runs) runs on JAX; torch and
# TensorFlow run the same machinery on 3 chosen points in one run (mid-epoch, a half-written
# checkpoint, the checkpoint's commit point). Each point costs a killed and a resumed process:
# measured on 2 cores shared with other work, the sweep takes 87 s on JAX (60 s of CPU, 25
# processes) and the 3-point runs 15 s each on torch and TensorFlow; the sweep on all three
# would add some three minutes to `make test`. (All 20 points pass on torch and TensorFlow too.)
SWEEP = BACKEND == "jax"
SEED = 15  # the number: the drawn points are the same on every machine
TIMING = ("epoch_time_s", "samples_per_s")


def draw(count: int, chains: int) -> list[list[str]]:
    """`count` kill points drawn from every point of the run, dealt in timeline order to `chains`
    runs (each run meets its points in order: a later one is reached after the resume)."""
    universe = kill_runner.all_points(EPOCHS)
    rng = np.random.default_rng(SEED)
    chosen = sorted(rng.choice(len(universe), size=count, replace=False))
    return [[universe[i] for i in chosen[c::chains]] for c in range(chains)]


def _state(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def _assert_same_state(actual: Path, expected: Path, where: str) -> None:
    got, want = _state(actual), _state(expected)
    assert got.keys() == want.keys(), where
    for key in want:
        np.testing.assert_array_equal(got[key], want[key], err_msg=f"{where}: {key}")


def _rows(run: runs.Run) -> list[dict[str, str]]:
    return [{k: v for k, v in row.items() if k not in TIMING} for row in run.read_metrics()]


def _left_by_the_kill(point: str) -> tuple[int, int, str]:
    """(epochs in the checkpoint, rows in metrics.csv, status) right after a kill at `point`."""
    where, event = point.split(":", 1)
    if where == "end":
        finished = event == "status.json:after" or event.startswith("report.html")
        return EPOCHS, EPOCHS, "finished" if finished else "running"
    epoch, index = int(where[1:]), kill_runner.EPOCH_EVENTS.index(event)
    committed = index >= kill_runner.EPOCH_EVENTS.index("state.npz:after")
    row_written = index >= kill_runner.EPOCH_EVENTS.index("metrics.csv:after")
    return epoch + committed, epoch + row_written, "running"


@pytest.mark.backend_free
def test_the_drawn_points_cover_epochs_and_every_file_write():
    points = [p for chain in draw(20, 5) for p in chain]
    assert len(set(points)) == 20
    assert {p.split(":")[0] for p in points} >= {"e0", "e1", "e2"}
    assert {p.split(":")[1] for p in points} >= {*kill_runner.FILES, "batch1"}


@pytest.mark.slow
def test_runs_killed_anywhere_resume_to_the_weights_of_an_uninterrupted_run(tmp_path):
    chains = draw(20, 5) if SWEEP else [["e0:batch1", "e1:state.npz:mid", "e1:state.npz:after"]]
    plan = {"argv": ARGV, "out": str(tmp_path), "example": EXAMPLE, "chains": chains}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    runner = Path(__file__).with_name("kill_runner.py")
    done = subprocess.run(
        [sys.executable, str(runner), str(tmp_path / "plan.json")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    children = json.loads((tmp_path / "children.json").read_text())

    def log_of(child: dict) -> str:
        return Path(child["log"]).read_text(errors="replace")[-3000:]

    reference_child = children[0]
    assert reference_child["ended"] == "exit 0", log_of(reference_child)
    (reference_dir,) = (tmp_path / "reference" / "runs" / EXAMPLE).iterdir()
    reference = runs.Run(reference_dir)
    kept = tmp_path / "reference"
    assert sorted(p.name for p in kept.glob("state-*.npz")) == [
        f"state-{n}.npz" for n in range(1, EPOCHS + 1)
    ]
    expected_rows = _rows(reference)
    assert len(expected_rows) == EPOCHS
    expected_weights = runs.load_model(reference).get_weights()

    for c, chain in enumerate(chains):
        folder = tmp_path / f"chain-{c}"
        mine = [child for child in children[1:] if child["chain"] == c]
        for i, point in enumerate(chain):
            child = mine[i]
            assert child["ended"] == "killed", f"{point}: {child['ended']}\n{log_of(child)}"
            # What the kill left: a readable run, the checkpoint of its last whole epoch, and
            # rows equal to the uninterrupted run's (a row may run ahead of the checkpoint).
            run = runs.Run.open(folder / f"after-{i}")
            epochs_done, row_count, status = _left_by_the_kill(point)
            assert run.status == status, point
            checkpoint = run.checkpoint_dir / training.CHECKPOINT_FILE
            if epochs_done:
                _assert_same_state(checkpoint, kept / f"state-{epochs_done}.npz", point)
            else:
                assert not checkpoint.exists(), point
            assert _rows(run) == expected_rows[:row_count], point
            reports.summary(run)  # every file the report reads still reads
        last = mine[-1]
        finished_by_kill = _left_by_the_kill(chain[-1])[2] == "finished"
        if not finished_by_kill:
            assert len(mine) == len(chain) + 1
            assert last["ended"] == "exit 0", f"resume after {chain[-1]}:\n{log_of(last)}"
        (run_dir,) = (folder / "runs" / EXAMPLE).iterdir()
        run = runs.Run(run_dir)
        assert run.status == "finished", chain
        _assert_same_state(
            run.checkpoint_dir / training.CHECKPOINT_FILE,
            reference.checkpoint_dir / training.CHECKPOINT_FILE,
            f"chain {chain}",
        )
        assert _rows(run) == expected_rows, chain
        assert run.read_json("final.json") == reference.read_json("final.json"), chain
        for got, want in zip(runs.load_model(run).get_weights(), expected_weights, strict=True):
            np.testing.assert_array_equal(got, want, err_msg=f"model.keras, chain {chain}")
        if not finished_by_kill:
            # A resume clears what the killed writers left half done.
            leftovers = [
                p.name for p in run_dir.rglob("*") if p.name.endswith((".tmp", ".partial.keras"))
            ]
            assert leftovers == [], chain

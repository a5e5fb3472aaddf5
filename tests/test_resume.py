"""--resume: an interrupted run, resumed, ends with exactly the weights of an uninterrupted one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import BACKEND
from keras_classics import commands, training
from keras_classics.errors import UserError

SETS = ("epochs=3",)


def _state(run) -> dict[str, np.ndarray]:
    with np.load(run.checkpoint_dir / training.CHECKPOINT_FILE) as data:
        return {key: data[key] for key in data.files}


def test_resume_after_an_interruption_matches_an_uninterrupted_run(options, monkeypatch):
    # mnist_mlp has dropout: equal weights need the same batch order *and* the same dropout masks.
    whole = commands.train("mnist_mlp", options(sets=SETS))

    original = training.EpochRecorder.on_epoch_end

    def crash_after_first_epoch(self, epoch, logs=None):
        original(self, epoch, logs)
        if epoch == 0:
            raise KeyboardInterrupt

    monkeypatch.setattr(training.EpochRecorder, "on_epoch_end", crash_after_first_epoch)
    with pytest.raises(KeyboardInterrupt):
        commands.train("mnist_mlp", options(sets=SETS))
    monkeypatch.setattr(training.EpochRecorder, "on_epoch_end", original)
    (interrupted,) = [p for p in whole.path.parent.iterdir() if p != whole.path]
    assert commands.runs.Run(interrupted).status == "interrupted"
    assert len(commands.runs.Run(interrupted).read_metrics()) == 1

    resumed = commands.train(None, options(preset=None, data=None, resume=interrupted))
    assert resumed.status == "finished" and len(resumed.read_metrics()) == 3
    expected, actual = _state(whole), _state(resumed)
    assert expected.keys() == actual.keys()
    for key in expected:
        np.testing.assert_array_equal(actual[key], expected[key], err_msg=key)


def test_resume_refuses_new_settings(options, tmp_path):
    run = commands.runs.Run.create(tmp_path, "mnist_mlp")
    commands.runs.write_json(run.path / "config.json", {"example": "mnist_mlp", "config": {}})
    with pytest.raises(UserError, match="saved config"):
        commands.train(None, options(preset=None, resume=run.path, sets=("epochs=9",)))
    with pytest.raises(UserError, match="not mnist_cnn"):
        commands.train("mnist_cnn", options(preset=None, resume=run.path))


@pytest.mark.skipif(
    BACKEND != "jax", reason="one real SIGKILL is enough; the logic is per backend above"
)
def test_a_run_killed_mid_epoch_resumes_and_finishes(tmp_path, options):
    """While the run trains, a second --resume of it is refused; killed, it reads "killed" in
    the report and resumes to the end."""
    from keras_classics import reports

    runs_dir = tmp_path / "runs"
    command = [sys.executable, "-m", "keras_classics", "train", "mnist_mlp", "--data", "synthetic"]
    command += ["--runs-dir", str(runs_dir), "--set", "epochs=16", "--set", "train_samples=6000"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    metrics = None
    while time.time() < deadline and process.poll() is None:
        found = list(runs_dir.glob("mnist_mlp/*/metrics.csv"))
        if found and len(found[0].read_text().splitlines()) >= 3:  # header + 2 epochs
            metrics = found[0]
            break
        time.sleep(0.02)
    try:
        assert metrics is not None, "the run did not reach its second epoch in time"
        run_dir = metrics.parent
        assert process.poll() is None, "the run ended before it could be resumed twice"
        with pytest.raises(
            UserError, match=rf"being trained by another process \(pid {process.pid}\)"
        ):
            commands.train(None, options(preset=None, data=None, resume=run_dir))
        (live,), _ = reports.collect(runs_dir)
        assert live["status"] == "running"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert commands.runs.Run(run_dir).status == "running"  # killed: never marked finished
    (killed,), _ = reports.collect(runs_dir)
    assert killed["status"] == "killed" and f"train --resume {run_dir}" in killed["reason"]
    assert killed["ended"] and killed["wall"]  # when it was last heard of, not "not yet"
    done = subprocess.run(
        [sys.executable, "-m", "keras_classics", "train", "--resume", str(run_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    run = commands.runs.Run(run_dir)
    assert run.status == "finished"
    assert [int(row["epoch"]) for row in run.read_metrics()] == list(range(1, 17))


@pytest.mark.parametrize("failing_write", [4, 5, 6, 7, 9, 13, 15])
def test_a_failing_write_leaves_a_readable_resumable_run(options, monkeypatch, failing_write):
    """Disk full in the middle of an epoch's writes (checkpoint, model, metrics, curves: each an
    atomic replace): the run fails with one line, stays readable, and --resume ends with the
    weights of an uninterrupted run."""
    from keras_classics import reports, runs

    whole = commands.train("mnist_mlp", options(sets=SETS))
    real_replace, calls = os.replace, {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == failing_write:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="No space left"):
        commands.train("mnist_mlp", options(sets=SETS))
    monkeypatch.setattr(os, "replace", real_replace)
    (broken,) = [p for p in whole.path.parent.iterdir() if p != whole.path]
    run = runs.Run.open(broken)
    assert run.status == "failed" and "No space left" in run.read_json("status.json")["reason"]
    assert not list(broken.rglob("*.tmp"))  # no half-written file left behind
    reports.summary(run)  # every file still reads
    resumed = commands.train(None, options(preset=None, data=None, resume=broken))
    assert resumed.status == "finished"
    assert [row["epoch"] for row in resumed.read_metrics()] == ["1", "2", "3"]
    expected, actual = _state(whole), _state(resumed)
    for key in expected:
        np.testing.assert_array_equal(actual[key], expected[key], err_msg=key)

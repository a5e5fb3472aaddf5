"""Run directories: never reused, atomic files, metrics rows, status."""

from __future__ import annotations

import os

import pytest

from keras_classics import runs
from keras_classics.errors import UserError

pytestmark = pytest.mark.backend_free  # numpy and files only: run in the jax pass


def test_runs_are_never_reused(tmp_path):
    first = runs.Run.create(tmp_path, "demo")
    second = runs.Run.create(tmp_path, "demo")
    assert first.path != second.path and first.path.is_dir() and second.path.is_dir()
    assert first.status == "running"


def test_atomic_write_leaves_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "a.json"
    runs.write_json(target, {"v": 1})

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        runs.write_json(target, {"v": 2})
    assert runs.read_json(target) == {"v": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]  # no temporary file left behind


def test_metrics_rows_accumulate_and_replace_a_repeated_epoch(tmp_path):
    run = runs.Run.create(tmp_path, "demo")
    run.append_metrics({"epoch": 1, "loss": 0.5})
    run.append_metrics({"epoch": 2, "loss": 0.25, "lr": 0.001})
    run.append_metrics({"epoch": 2, "loss": 0.2, "lr": 0.001})
    rows = run.read_metrics()
    assert [(r["epoch"], r["loss"]) for r in rows] == [("1", "0.5"), ("2", "0.2")]


def test_finish_and_fail_record_status(tmp_path):
    run = runs.Run.create(tmp_path, "demo")
    run.fail("no data")
    assert run.status == "failed" and run.read_json("status.json")["reason"] == "no data"
    run.finish({"test_accuracy": 0.9})
    assert run.status == "finished" and run.read_json("final.json") == {"test_accuracy": 0.9}


def test_opening_something_else_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="not a run directory"):
        runs.Run.open(tmp_path)
    (tmp_path / "config.json").write_text("{broken")
    with pytest.raises(UserError, match="not valid JSON"):
        runs.Run.open(tmp_path).read_json("config.json")

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


def test_resume_removes_what_a_killed_writer_left(tmp_path):
    """SIGKILL mid-write leaves a temporary file no `except` could remove; --resume removes it
    (tests/test_fault_injection.py kills real runs there)."""
    run = runs.Run.start(tmp_path, "demo", {}, {})
    (run.checkpoint_dir).mkdir()
    left = [
        run.checkpoint_dir / ".state.npz.k2j4x9.tmp",
        run.artifacts / ".curves.png.a8b7c6.tmp",
        run.path / "model.partial.keras",
    ]
    for path in left:
        path.write_bytes(b"half")
    kept = run.artifacts / "notes.txt"
    kept.write_text("an artifact")
    assert run.unfinished_writes() == sorted(left)
    run.reopen({})
    assert run.unfinished_writes() == [] and kept.is_file() and run.status == "running"


def test_one_process_at_a_time_holds_a_run(tmp_path):
    run = runs.Run.start(tmp_path, "demo", {}, {})
    assert not run.is_live()
    with run.hold():
        assert run.is_live()
        assert (run.path / runs.LOCK_FILE).read_text() == str(os.getpid())
        with pytest.raises(
            UserError, match=rf"being trained by another process \(pid {os.getpid()}\)"
        ):
            with runs.Run(run.path).hold():
                pass
    assert not run.is_live()  # released at the end, and taken again freely
    with runs.Run(run.path).hold():
        assert run.is_live()


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


def test_execute_records_how_a_run_ends(tmp_path):
    def started(name):
        return runs.Run.start(tmp_path, name, {"config": {}}, {"backend": "jax"})

    done = started("demo")
    saved = done.read_json("config.json")
    assert saved.pop("started") > 0 and saved == {"example": "demo", "config": {}}
    assert runs.execute(done, lambda: {"test_loss": 1}) == {"test_loss": 1.0}
    assert done.status == "finished" and done.read_json("final.json") == {"test_loss": 1.0}

    broken = started("demo")
    with pytest.raises(ValueError):
        runs.execute(broken, lambda: (_ for _ in ()).throw(ValueError("bad batch\nmore")))
    assert broken.status == "failed" and broken.read_json("status.json")["reason"] == "bad batch"

    stopped = started("demo")
    with pytest.raises(KeyboardInterrupt):
        runs.execute(stopped, lambda: (_ for _ in ()).throw(KeyboardInterrupt()))
    assert (
        stopped.status == "interrupted" and "Ctrl-C" in stopped.read_json("status.json")["reason"]
    )
    assert not (stopped.path / "final.json").exists()


def test_latest_finished_skips_unfinished_and_modelless_runs(tmp_path):
    assert runs.latest_finished(tmp_path, "demo") is None
    older = runs.Run.start(tmp_path, "demo", {}, {})
    older.finish({})
    older.model_path.write_bytes(b"model")
    newer = runs.Run.start(tmp_path, "demo", {}, {})
    newer.finish({})  # finished but without model.keras
    runs.Run.start(tmp_path, "demo", {}, {})  # still running
    assert runs.latest_finished(tmp_path, "demo").path == newer.path
    assert runs.latest_finished(tmp_path, "demo", with_model=True).path == older.path


def test_output_folder_prefers_output_then_the_run_then_a_new_folder(tmp_path):
    run = runs.Run.start(tmp_path, "demo", {}, {})
    assert runs.output_folder(tmp_path / "out", run, tmp_path, "demo") == tmp_path / "out"
    assert runs.output_folder(None, run, tmp_path, "demo") == run.artifacts
    first = runs.output_folder(None, None, tmp_path, "demo", prefix="imagenet")
    second = runs.output_folder(None, None, tmp_path, "demo", prefix="imagenet")
    assert first != second and first.name.startswith("imagenet-") and second.is_dir()
    (tmp_path / "file").write_text("")
    with pytest.raises(UserError, match="--output"):
        runs.output_folder(tmp_path / "file" / "sub", None, tmp_path, "demo")


def test_loading_a_missing_model_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no model.keras"):
        runs.load_model(runs.Run.start(tmp_path, "demo", {}, {}))

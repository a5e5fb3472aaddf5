"""Bad values and paths end in one line and exit 2 before anything is loaded; a diverging run
stops, says where, and keeps its last good epoch."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from conftest import BACKEND
from keras_classics import commands, config, runs, training
from keras_classics.cli import main
from keras_classics.examples import mnist_mlp


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--seed", "-3"], "seed must be between 0 and 2**32 - 1"),
        (["--set", "learning_rate=-1"], "learning_rate must be positive"),
        (["--set", "learning_rate=nan"], "learning_rate must be a finite number"),
        (["--set", "dropout=1.5"], "dropout must be in [0, 1)"),
        (["--set", "hidden_units=-4"], "hidden_units must not be negative"),
        (["--data-dir", "/nonexistent/data"], "--data-dir /nonexistent/data: no such folder"),
    ],
)
def test_bad_values_are_one_line_and_write_nothing(extra, fragment, tmp_path, capsys):
    runs_dir = tmp_path / "runs"
    argv = ["train", "mnist_mlp", "--preset", "tiny", "--data", "synthetic"]
    assert main([*argv, "--runs-dir", str(runs_dir), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and fragment in err, err
    assert not runs_dir.exists()


def test_unusable_paths_are_named(tmp_path, capsys):
    a_file = tmp_path / "file"
    a_file.write_text("")
    cases = [
        (["train", "mnist_mlp", "--runs-dir", str(a_file)], "is a file, not a folder"),
        (["train", "mnist_mlp", "--runs-dir", str(a_file / "sub")], "cannot be created"),
        (["sample", "deep_dream", "--output", str(a_file)], "is a file, not a folder"),
        (["sample", "deep_dream", "--weights", str(tmp_path / "no.h5")], "no such file"),
        (["train", "mnist_mlp", "--data-dir", str(a_file)], "is a file, not a folder"),
    ]
    for argv, fragment in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and fragment in err, (argv, err)


def test_validate_checks_fields_by_name():
    good = mnist_mlp.Config()
    config.validate(good)
    for change, fragment in (
        ({"learning_rate": 0.0}, "must be positive"),
        ({"learning_rate": math.inf}, "finite"),
        ({"dropout": -0.1}, "[0, 1)"),
        ({"seed": 2**32}, "seed"),
    ):
        with pytest.raises(
            config.UserError, match=fragment.replace("[", r"\[").replace(")", r"\)")
        ):
            config.validate(dataclasses.replace(good, **change))


def test_a_diverging_run_stops_says_where_and_keeps_its_good_epochs(options, monkeypatch):
    real_begin = training.EpochLog.begin

    def begin(self, epoch):  # from epoch 2 on, every weight is NaN: so is the loss
        real_begin(self, epoch)
        if epoch == 1:
            for model in self.models.values():
                for variable in model.trainable_variables:
                    variable.assign(np.full(variable.shape, np.nan, dtype="float32"))

    monkeypatch.setattr(training.EpochLog, "begin", begin)
    with pytest.raises(training.TrainingDiverged, match="loss is nan at epoch 2") as error:
        commands.train("mnist_mlp", options(sets=("epochs=3",)))
    assert "\n" not in str(error.value) and "last good epoch is kept" in str(error.value)
    (folder,) = (options().runs_dir / "mnist_mlp").iterdir()
    run = runs.Run(folder)
    assert run.status == "failed" and "diverged" in run.read_json("status.json")["reason"]
    assert [row["epoch"] for row in run.read_metrics()] == ["1"]  # epoch 2 was never recorded
    assert training.has_checkpoint(run) and (folder / "report.html").is_file()


def test_a_custom_loop_stops_at_a_non_finite_loss_too():
    log = training.EpochLog(None, {}, seed=0)
    log.begin(0)
    with pytest.raises(training.TrainingDiverged, match="generator_loss is inf at epoch 1"):
        log.end(1, {"generator_loss": math.inf, "accuracy": 0.5}, samples=10, model=None)


@pytest.mark.skipif(BACKEND != "jax", reason="argument checks do not depend on the backend")
def test_bench_refuses_zero_or_negative_steps(capsys):
    for steps in ("0", "-5"):
        assert main(["bench", "mnist_mlp", "--steps", steps]) == 2
        assert "--steps and --repeats must be at least 1" in capsys.readouterr().err


def test_a_model_file_with_code_in_it_is_refused(tmp_path):
    """model.keras loads in Keras' safe mode: a Lambda layer's bytecode never runs."""
    import keras

    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    run = runs.Run.start(tmp_path, "mnist_mlp", {"config": {}}, {})
    model.save(run.model_path)
    with pytest.raises(config.UserError, match="cannot load") as error:
        runs.load_model(run)
    assert "\n" not in str(error.value)


def test_a_full_disk_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    import os

    def replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", replace)
    argv = ["train", "mnist_mlp", "--preset", "tiny", "--data", "synthetic"]
    assert main([*argv, "--runs-dir", str(tmp_path / "runs")]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "keras-classics: error: No space left on device"


@pytest.mark.parametrize(
    "error",
    [
        MemoryError("Unable to allocate 7.28 TiB for an array"),
        RuntimeError("RESOURCE_EXHAUSTED: Out of memory allocating 14400000000 bytes."),
        RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried to allocate 1 bytes"),
        type("ResourceExhaustedError", (Exception,), {})("{{function_node x}} OOM when allocating"),
    ],
)
def test_running_out_of_memory_is_one_line(error, monkeypatch, capsys, tmp_path):
    """Each backend's own out-of-memory error (checked for real on all three with a width of
    60000 under `ulimit -v`): one line and exit 1, not a traceback."""

    def train(name, options):
        raise error

    monkeypatch.setattr(commands, "train", train)
    argv = ["train", "mnist_mlp", "--preset", "tiny", "--runs-dir", str(tmp_path)]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("keras-classics: error: out of memory (")
    assert "{{" not in err and "try smaller sizes" in err


def test_other_crashes_still_show_their_traceback(monkeypatch, tmp_path):
    def train(name, options):
        raise RuntimeError("a bug")

    monkeypatch.setattr(commands, "train", train)
    with pytest.raises(RuntimeError, match="a bug"):
        main(["train", "mnist_mlp", "--runs-dir", str(tmp_path)])


@pytest.mark.backend_free
def test_more_samples_than_the_data_has_means_all_of_it_for_the_synthetic_twins_too():
    from keras_classics.datasets import DataSource, babi, source

    assert source.at_most(0, 60000) == 60000 and source.at_most(10**12, 60000) == 60000
    assert source.at_most(64, 60000) == 64
    # Before, the twin generated 10**12 questions (a hang); now the 1,000 the real file has.
    stories = babi.load(1, "1k", DataSource("synthetic"), train_count=10**12, test_count=10**12)
    assert sum(1 for _ in stories.train) == 1000 and sum(1 for _ in stories.test) == 1000


def test_a_split_that_leaves_no_training_sample_is_one_line(tmp_path):
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(loss="mse")
    empty = np.zeros((0, 3), "float32")
    with pytest.raises(config.UserError, match="no training samples left"):
        training.fit(model, None, empty, np.zeros((0, 1)), epochs=1, batch_size=4, seed=0)


def test_a_loop_that_saves_its_own_rows_stops_at_a_nan_loss_too():
    """mnist_net2net writes its rows itself (every network's numbers in one row): a NaN loss there
    stopped nothing, and report.html then failed on the NaN (found by the audit)."""
    with pytest.raises(training.TrainingDiverged, match="teacher_val_loss is nan at epoch 2"):
        training.check_losses(2, {"teacher_loss": "0.5", "teacher_val_loss": "nan"})
    training.check_losses(1, {"student_loss": "", "accuracy": float("nan")})  # not losses


@pytest.mark.backend_free
def test_a_report_shows_nan_and_inf_cells():
    from keras_classics import reports

    assert [reports._cell(v) for v in ("nan", "inf", "-inf", "3", "0.25")] == [
        "nan", "inf", "-inf", "3", "0.25"
    ]  # fmt: skip


@pytest.mark.backend_free
def test_a_step_longer_than_the_text_gives_one_window_not_a_text_of_10_12_characters():
    """lstm_text_generation sized its synthetic text from train_samples * step: --set step=10**12
    hung generating it (found by the audit); the text is never longer than the book now."""
    from keras_classics.datasets import DataSource
    from keras_classics.examples import lstm_text_generation as ex

    cfg = config.resolve(ex.Config, ex.PRESETS, "tiny", ["step=1000000000000"])
    data = ex.load_data(cfg, DataSource("synthetic"))
    assert len(data.train[0]) == 1 and len(data.train_text) < ex.BOOK_CHARS

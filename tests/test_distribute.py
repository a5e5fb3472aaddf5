"""--distribute and --devices: keras.distribution over virtual CPU devices.

JAX fixes its device count when it starts, so every distributed run here is a child process
(`keras-classics train ... --devices N`); the checks that refuse a flag run in this process.
Tolerance: a distributed step sums the devices' gradients in another order than one device
does. For the dense models (mnist_mlp, imdb_fasttext) weights agree to float32 rounding
(measured: at most 6e-8 after two tiny epochs; allowed: 1e-5). XLA's CPU convolutions are not
bit-reproducible under load: mnist_cnn's tiny run (Adadelta at learning rate 1) gave an epoch-2
loss of 1.86096, 1.86113 and 1.86225 on one device and on four in different runs, so its loss
curve is held to 1% (LOSS_TOLERANCE) and its weights are not compared.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import BACKEND
from keras_classics import distribute, training
from keras_classics.cli import main

JAX_ONLY = pytest.mark.skipif(BACKEND != "jax", reason="keras.distribution runs on JAX only")
TOLERANCE = 1e-5
LOSS_TOLERANCE = 1e-2
# Interrupts a run after its first epoch, as Ctrl-C would (the child's `cli.main` returns 130).
INTERRUPT_AFTER_FIRST_EPOCH = """
import sys
from keras_classics import cli, training
original = training.EpochRecorder.on_epoch_end
def on_epoch_end(self, epoch, logs=None):
    original(self, epoch, logs)
    if epoch == 0:
        raise KeyboardInterrupt
training.EpochRecorder.on_epoch_end = on_epoch_end
sys.exit(cli.main(sys.argv[1:]))
"""


def _child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KERAS_DISTRIBUTION_")}
    env.pop("JAX_NUM_CPU_DEVICES", None)
    (tmp_path / "tmp").mkdir(exist_ok=True)
    env.update(TMPDIR=str(tmp_path / "tmp"), **extra)
    return env


def _train(tmp_path: Path, runs: str, *args: str, script: str | None = None, env=None):
    command = [sys.executable, *(["-c", script] if script else ["-m", "keras_classics"])]
    command += ["train", *args, "--backend", "jax", "--data", "synthetic", "--quiet"]
    command += ["--runs-dir", str(tmp_path / runs)]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=300, env=env or _child_env(tmp_path)
    )


def _only_run(folder: Path) -> Path:
    (run,) = [path for path in folder.glob("*/*") if (path / "config.json").is_file()]
    return run


def _losses(run: Path) -> np.ndarray:
    with open(run / "metrics.csv") as handle:
        rows = list(csv.DictReader(handle))
    return np.array([[float(row["loss"]), float(row["val_loss"])] for row in rows])


def _weights(run: Path) -> dict[str, np.ndarray]:
    with np.load(run / "checkpoint" / training.CHECKPOINT_FILE) as data:
        return {key: data[key] for key in data.files}


def _assert_same_weights(actual: Path, expected: Path) -> None:
    a, b = _weights(actual), _weights(expected)
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_allclose(a[key], b[key], atol=TOLERANCE, err_msg=key)


@JAX_ONLY
@pytest.mark.parametrize("name", ["mnist_mlp", "mnist_cnn"])
def test_four_devices_follow_the_loss_curve_of_one(tmp_path, name):
    one = _train(tmp_path, "one", name, "--preset", "tiny")
    four = _train(
        tmp_path, "four", name, "--preset", "tiny", "--distribute", "data", "--devices", "4"
    )
    assert one.returncode == 0, one.stderr[-2000:]
    assert four.returncode == 0, four.stderr[-2000:]
    assert "distribute: data parallel over 4 devices: cpu:0, cpu:1, cpu:2, cpu:3" in four.stdout
    single, split = _only_run(tmp_path / "one"), _only_run(tmp_path / "four")
    np.testing.assert_allclose(_losses(split), _losses(single), rtol=LOSS_TOLERANCE)
    if name == "mnist_mlp":
        _assert_same_weights(split, single)
        # The distributed run's model evaluates here, on this process's one device.
        assert main(["evaluate", str(split)]) == 0
    env = (split / "env.json").read_text()
    assert '"distribute": "data"' in env and '"devices": 4' in env


@JAX_ONLY
def test_a_run_resumes_across_device_counts(tmp_path):
    sets = ("--preset", "tiny", "--set", "epochs=3")
    whole = _train(tmp_path, "whole", "mnist_mlp", *sets)
    assert whole.returncode == 0, whole.stderr[-2000:]
    for first, then in ((("--distribute", "data", "--devices", "4"), ()),
                        ((), ("--distribute", "data", "--devices", "2"))):  # fmt: skip
        runs = f"from{len(first)}"
        cut = _train(tmp_path, runs, "mnist_mlp", *sets, *first, script=INTERRUPT_AFTER_FIRST_EPOCH)
        assert cut.returncode == 130, cut.stderr[-2000:]
        run = _only_run(tmp_path / runs)
        assert len(_losses(run)) == 1
        command = [sys.executable, "-m", "keras_classics", "train", "--resume", str(run), *then]
        resumed = subprocess.run(
            command, capture_output=True, text=True, timeout=300, env=_child_env(tmp_path)
        )
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        assert len(_losses(run)) == 3
        _assert_same_weights(run, _only_run(tmp_path / "whole"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@JAX_ONLY
def test_two_processes_train_as_one_and_only_process_0_writes(tmp_path):
    one = _train(tmp_path, "one", "mnist_mlp", "--preset", "tiny")
    assert one.returncode == 0, one.stderr[-2000:]
    hosts = {
        "KERAS_DISTRIBUTION_JOB_ADDRESSES": f"127.0.0.1:{_free_port()}",
        "KERAS_DISTRIBUTION_NUM_PROCESSES": "2",
    }
    args = ("mnist_mlp", "--preset", "tiny", "--distribute", "data", "--devices", "2")
    command = [sys.executable, "-m", "keras_classics", "train", *args, "--backend", "jax"]
    command += ["--data", "synthetic", "--quiet", "--runs-dir", str(tmp_path / "two")]
    children = [
        subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_child_env(tmp_path, KERAS_DISTRIBUTION_PROCESS_ID=str(index), **hosts),
        )
        for index in range(2)
    ]
    outputs = [child.communicate(timeout=300) for child in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err[-2000:]
    assert "over 4 devices" in outputs[0][0] and "in 2 processes" in outputs[0][0]
    assert "process 1 of 2: process 0 writes the run directory" in outputs[1][0]
    run = _only_run(tmp_path / "two")  # one run directory: process 1 wrote nothing there
    np.testing.assert_allclose(_losses(run), _losses(_only_run(tmp_path / "one")), rtol=TOLERANCE)
    _assert_same_weights(run, _only_run(tmp_path / "one"))
    assert not list((tmp_path / "tmp").glob("keras-classics-process-*"))  # scratch removed


@JAX_ONLY
def test_model_parallel_shards_the_fasttext_embedding(tmp_path):
    one = _train(tmp_path, "one", "imdb_fasttext", "--preset", "tiny")
    four = _train(
        tmp_path, "four", "imdb_fasttext", "--preset", "tiny", "--distribute", "model",
        "--devices", "4",
    )  # fmt: skip
    assert one.returncode == 0 and four.returncode == 0, four.stderr[-2000:]
    (line,) = [line for line in four.stdout.splitlines() if "variables:" in line]
    # 28,609 float32 parameters: the embedding in four parts, the Dense(1) copied to each device.
    assert line == "imdb_fasttext's variables: 114.4 KB in all, 28.7 KB on each of 4 devices"
    _assert_same_weights(_only_run(tmp_path / "four"), _only_run(tmp_path / "one"))


@JAX_ONLY
def test_a_batch_that_does_not_split_over_the_devices_is_refused_before_a_run(tmp_path):
    done = _train(
        tmp_path, "runs", "mnist_mlp", "--preset", "tiny", "--set", "batch_size=126",
        "--distribute", "data", "--devices", "4",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "keras-classics: error: batch_size 126 does not split over 4 devices: use a multiple "
        "of 4 (--set batch_size=...)"
    )
    assert not list((tmp_path / "runs").glob("*/*"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--backend", "torch", "--distribute", "data"], "--distribute needs the JAX backend"),
        (["--backend", "tensorflow", "--devices", "2"], "--devices needs the JAX backend"),
        (["--distribute", "model"], "mnist_mlp has no layout map"),
        (["--devices", "0"], "--devices 0: give a number of devices of at least 1"),
        (["--distribute", "data", "--devices", "-3"], "--devices -3"),
        (["--distribute", "fast"], "invalid choice: 'fast'"),
    ],
)
def test_flags_that_cannot_work_are_one_line_before_anything_runs(args, message, tmp_path, capsys):
    code = main(["train", "mnist_mlp", "--preset", "tiny", "--runs-dir", str(tmp_path), *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_an_example_with_its_own_loop_says_it_cannot_be_distributed(capsys, tmp_path):
    code = main(["train", "mnist_acgan", "--distribute", "data", "--runs-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "mnist_acgan trains in its own loop, which keras.distribution does not split" in err


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"KERAS_DISTRIBUTION_NUM_PROCESSES": "two"}, "expected a whole number"),
        (
            {"KERAS_DISTRIBUTION_NUM_PROCESSES": "2", "KERAS_DISTRIBUTION_PROCESS_ID": "2"},
            "must be below",
        ),
        (
            {"KERAS_DISTRIBUTION_NUM_PROCESSES": "2", "KERAS_DISTRIBUTION_PROCESS_ID": "0"},
            "KERAS_DISTRIBUTION_JOB_ADDRESSES is not set",
        ),
    ],
)
def test_malformed_host_variables_are_one_line(variables, message, monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("KERAS_DISTRIBUTION_JOB_ADDRESSES", raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    code = main(["train", "mnist_mlp", "--distribute", "data", "--runs-dir", str(tmp_path)])
    assert code == 2 and message in capsys.readouterr().err


def test_registry_says_which_examples_distribute():
    from keras_classics import registry

    for example in registry.EXAMPLES:
        expected = () if example.custom_loop else ("data",)
        if example.name == "imdb_fasttext":
            expected = ("data", "model")
        assert example.distribute == expected, example.name
    assert {e.name for e in registry.EXAMPLES if not e.distribute} == {
        "lstm_stateful", "mnist_acgan", "mnist_net2net",
    }  # fmt: skip


def test_each_process_feeds_its_part_of_every_batch_cut_to_the_devices():
    x = np.arange(22)
    whole = training.EpochBatches(x, batch_size=8, seed=3)
    parts = [
        training.EpochBatches(x, batch_size=8, seed=3, shard=(4, 2, process)) for process in (0, 1)
    ]
    # 22 samples: batches of 8, 8 and 6; the last is cut to 4 to split over 4 devices.
    assert [len(whole[i][0]) for i in range(len(whole))] == [8, 8, 6]
    assert parts[0].trimmed() == 2 and len(parts[0]) == 3
    for index in range(3):
        joined = np.concatenate([part[index][0] for part in parts])
        expected = whole[index][0]
        np.testing.assert_array_equal(joined, expected[: len(expected) // 4 * 4])
    # A last batch smaller than the device count is left out whole.
    tail = training.EpochBatches(np.arange(19), batch_size=8, seed=3, shard=(4, 1, 0))
    assert len(tail) == 2 and tail.trimmed() == 3


def test_without_the_flags_nothing_is_distributed():
    distribute.prepare(None, None, BACKEND, None)
    assert distribute.data_shard() is None and distribute.environment() == {}

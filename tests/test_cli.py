"""The command line, in-process: every user mistake is one line on stderr and exit code 2."""

from __future__ import annotations

import json

import pytest

from conftest import BACKEND
from keras_classics import registry
from keras_classics.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(err: str, *fragments: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("keras-classics: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_list_shows_every_example_with_its_documented_result(capsys):
    code, out, _ = run_cli(capsys, "list")
    assert code == 0
    for example in registry.EXAMPLES:
        assert example.name in out and example.documented in out


@pytest.mark.parametrize(
    ("name", "total"),
    [("mnist_cnn", "1,199,882"), ("mnist_mlp", "669,706"), ("addition_rnn", "205,324")],
)
def test_summary_prints_the_seeds_parameter_counts(capsys, name, total):
    code, out, _ = run_cli(capsys, "summary", name)
    assert code == 0 and f"total {total} | trainable {total} | non-trainable 0" in out


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["summary", "mnist_cnnn"], ["unknown example", "mnist_cnn"]),
        (["summary", "mnist_cnn", "--set", "learning_rate=fast"], ["expected a number"]),
        (["summary", "mnist_cnn", "--set", "colour=red"], ["unknown key"]),
        (["summary", "mnist_cnn", "--preset", "huge"], ["unknown preset"]),
        (["summary", "mnist_cnn", "--backend", "theano"], ["unknown backend"]),
        (["train", "mnist_mlp", "--set", "dataset=cifar"], ["mnist or fashion_mnist"]),
        (["train", "mnist_mlp", "--data", "fake"], ["invalid choice"]),
        (["frobnicate"], ["invalid choice"]),
        (["evaluate", "/nonexistent/run"], ["not a run directory"]),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(capsys, argv, fragments):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2
    assert_one_line_error(err, *fragments)


def test_missing_data_offline_writes_nothing(capsys, tmp_path):
    runs_dir = tmp_path / "runs"
    code, _, err = run_cli(
        capsys,
        "train",
        "mnist_cnn",
        "--offline",
        "--data-dir",
        str(tmp_path),
        "--runs-dir",
        str(runs_dir),
    )
    assert code == 2
    assert_one_line_error(err, "mnist.npz", "https://", "sha256", "--data synthetic")
    assert not runs_dir.exists()


def test_a_run_remembers_its_data_dir_for_evaluate(capsys, tmp_path, shared_data):
    runs_dir = tmp_path / "runs"
    common = ("--runs-dir", str(runs_dir), "--offline")
    code, _, err = run_cli(
        capsys, "train", "babi_rnn", "--preset", "tiny", "--data-dir", str(shared_data), *common
    )
    assert code == 0, err
    (run_dir,) = (runs_dir / "babi_rnn").iterdir()
    saved = json.loads((run_dir / "config.json").read_text())
    assert saved["data"] == "real" and saved["data_dir"] == str(shared_data.resolve())
    # No --data-dir now: the run's own folder is used, so the real bAbI files are found.
    code, out, err = run_cli(capsys, "evaluate", str(run_dir), *common)
    assert code == 0, err
    assert "test_accuracy" in out


def test_corrupt_data_file_is_reported(capsys, tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"\x00" * 1000)
    code, _, err = run_cli(
        capsys,
        "train",
        "mnist_mlp",
        "--offline",
        "--data-dir",
        str(tmp_path),
        "--runs-dir",
        str(tmp_path),
    )
    assert code == 2
    assert_one_line_error(err, "corrupt")


def test_train_evaluate_sample_and_report_end_to_end(capsys, tmp_path):
    runs_dir = str(tmp_path / "runs")
    common = ["--preset", "tiny", "--runs-dir", runs_dir]
    code, out, _ = run_cli(capsys, "train", "addition_rnn", *common)
    assert code == 0 and "Q " in out and "final: " in out  # per-epoch sample questions printed
    (run_dir,) = (tmp_path / "runs" / "addition_rnn").iterdir()
    assert (run_dir / "artifacts" / "predictions.txt").read_text().count("-- epoch") == 2
    env = json.loads((run_dir / "env.json").read_text())
    assert env["backend"] == BACKEND and env["keras"].startswith("3.")
    # --backend auto (the default) says what it chose and why: here the suite's KERAS_BACKEND.
    assert env["backend_choice"] == f"auto: KERAS_BACKEND={BACKEND} in the environment"
    assert f"backend {BACKEND} (auto: KERAS_BACKEND={BACKEND}" in out

    code, out, _ = run_cli(capsys, "evaluate", str(run_dir))
    assert code == 0 and "test_accuracy" in out

    code, out, _ = run_cli(
        capsys, "sample", "addition_rnn", "--runs-dir", runs_dir, "--set", "question=12+5"
    )
    assert code == 0 and out.startswith("12+5 = ")
    code, _, err = run_cli(capsys, "sample", str(run_dir), "--set", "question=1234+5")
    assert code == 2
    assert_one_line_error(err, "at most 3 digits")

    code, _, err = run_cli(capsys, "train", "--resume", str(run_dir))
    assert code == 2
    assert_one_line_error(err, "already finished")

    code, out, _ = run_cli(capsys, "report", "--runs-dir", runs_dir)
    assert code == 0 and "finished" in out and "accuracy" in out and f"{BACKEND} (auto)" in out


def test_sample_without_a_trained_run_says_how_to_get_one(capsys, tmp_path):
    code, _, err = run_cli(capsys, "sample", "addition_rnn", "--runs-dir", str(tmp_path))
    assert code == 2
    assert_one_line_error(
        err, "no finished run of addition_rnn", "keras-classics train addition_rnn"
    )


def test_data_lists_where_each_file_is_looked_for(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "data", "--data-dir", str(tmp_path))
    assert code == 0 and "mnist.npz" in out and str(tmp_path) in out and "missing" in out


def test_data_finds_a_collection_with_one_subfolder_per_dataset(capsys, shared_data):
    code, out, _ = run_cli(capsys, "data", "--data-dir", str(shared_data))
    rows = {tuple(line.split()[:2]): line for line in out.splitlines()[2:]}
    assert code == 0
    assert (
        str(shared_data / "babi" / "tasks_1-20_v1-2") + " (unpacked)"
        in rows["babi", "babi-tasks-v1-2.tar.gz"]
    )
    assert str(shared_data / "imdb" / "aclImdb") + " (unpacked)" in rows["imdb", "imdb.npz"]
    # Keras' word index re-serialised: accepted on its content, not reported as corrupt.
    assert rows["imdb", "imdb_word_index.json"].endswith("yes")
    assert str(shared_data / "nietzsche" / "nietzsche.txt") in rows["nietzsche", "nietzsche.txt"]
    assert str(shared_data / "fra-eng" / "fra.txt") in rows["fra_eng", "fra.txt"]
    # Only part of MNIST is there (no training images): still missing, and said so on use.
    assert "missing" in rows["mnist", "mnist.npz"]
    code, _, err = run_cli(capsys, "train", "mnist_mlp", "--data-dir", str(shared_data))
    assert_one_line_error(err, "lacks train-images-idx3-ubyte.gz")


def test_readme_table_is_the_registry():
    from pathlib import Path

    from keras_classics import results
    from keras_classics.cli import markdown_table

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme  # regenerate both with: python tools/readme_table.py
    assert results.text("markdown") in readme

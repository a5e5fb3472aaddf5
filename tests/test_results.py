"""The results table: `reproduce` records a run's command and data, `results --update` turns
reproduce runs into rows (never typed in), `list` and the README show them."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from keras_classics import registry, results, runs
from keras_classics.cli import main
from keras_classics.datasets import DataSource

# addition_rnn's recipe, cut short for a test (reproduce takes --set; the row shows them).
SHORT = ["--set", "epochs=1", "--set", "training_size=600"]


@dataclasses.dataclass
class _Data:
    train: tuple
    test: tuple


def test_the_fingerprint_identifies_the_arrays_and_counts_the_samples():
    x, y = np.arange(12).reshape(6, 2), np.arange(6)
    data = _Data(train=(x, y), test=(x[:2], y[:2]))
    found = results.fingerprint(data)
    assert found["train_samples"] == 6 and found["test_samples"] == 2
    assert found == results.fingerprint(_Data(train=(x.copy(), y.copy()), test=(x[:2], y[:2])))
    changed = x.copy()
    changed[5, 1] += 1
    assert (
        results.fingerprint(_Data(train=(changed, y), test=(x[:2], y[:2])))["sha256"]
        != (found["sha256"])
    )


def test_reproduce_records_a_row_that_update_ships_and_list_shows(tmp_path, capsys):
    runs_dir = tmp_path / "runs"
    code = main(["reproduce", "addition_rnn", *SHORT, "--runs-dir", str(runs_dir), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "result: accuracy" in out and "keras-classics results --update --runs-dir" in out
    (run_dir,) = runs_dir.glob("addition_rnn/*")
    recorded = runs.read_json(run_dir / "config.json")["reproduce"]
    assert recorded["command"].startswith("keras-classics reproduce addition_rnn --backend ")
    assert recorded["command"].endswith("--set epochs=1 --set training_size=600")
    assert recorded["fingerprint"]["train_samples"] + recorded["fingerprint"]["test_samples"] == (
        600
    )
    # A plain `train` run is not a result; a damaged run is skipped.
    assert main(["train", "addition_rnn", "--preset", "tiny", "--runs-dir", str(runs_dir)]) == 0
    (runs_dir / "addition_rnn" / "broken").mkdir()
    (runs_dir / "addition_rnn" / "broken" / "config.json").write_text("{not json")
    shipped = tmp_path / "results.json"
    rows = results.update(runs_dir, DataSource(data_dir=tmp_path, offline=True), shipped)
    (row,) = [r for r in rows if r["example"] == "addition_rnn"]
    assert row["variant"] == "epochs=1 training_size=600" and row["epochs"] == "1/1"
    assert row["key"].startswith("accuracy ") and row["status"] == "measured"
    assert row["documented"] == registry.spec("addition_rnn").documented
    assert recorded["data"].startswith("540 train / 60 test samples, sha256 ")
    assert json.loads(shipped.read_text())["rows"] == rows
    assert (
        results.headline("addition_rnn", rows)
        == f"{row['key']} (epochs=1 training_size=600), 1 epochs"
    )
    assert results.headline("lstm_stateful", rows) == "not measured yet"
    assert "| `keras-classics reproduce addition_rnn" in results.text("markdown", rows)


def test_an_example_without_its_data_gets_a_row_saying_so(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty-cache"))
    rows = results.update(tmp_path / "no-runs", DataSource(data_dir=tmp_path, offline=True),
                          tmp_path / "results.json")  # fmt: skip
    by_name = {row["example"]: row for row in rows}
    assert by_name["cifar10_cnn"]["status"] == "no data"
    assert "cifar-10-python.tar.gz" in by_name["cifar10_cnn"]["note"]
    assert "addition_rnn" not in by_name  # built-in data: never absent, only not yet measured
    assert results.headline("cifar10_cnn", rows) == "no data here"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "tiny"], "reproduce trains the original's recipe: drop --preset"),
        (["--data", "synthetic"], "reproduce trains on real data: drop --data synthetic"),
    ],
)
def test_reproduce_refuses_what_is_not_the_original_recipe(args, message, tmp_path, capsys):
    code = main(["reproduce", "addition_rnn", *args, "--runs-dir", str(tmp_path)])
    assert code == 2 and message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_the_shipped_table_is_readable_and_every_row_names_a_registered_example():
    rows = results.load()
    names = set(registry.names())
    for row in rows:
        assert row["example"] in names and row["status"] in ("measured", "partial", "no data")
        if row["status"] != "no data":
            assert row["command"].startswith(f"keras-classics reproduce {row['example']} ")
            assert row["data"] and row["epochs"] and row["backend"] and row["date"]


def test_headline_metrics_show_the_comparison_the_original_made():
    measured = {"test_teacher_loss": 0.27172, "test_wider_net2wider_loss": 0.2464,
                "test_deeper_net2deeper_loss": 0.246, "test_wider_random_pad_loss": 0.25}  # fmt: skip
    assert results._headline("mnist_net2net", measured, "") == (
        "teacher_loss 0.2717, wider_net2wider_loss 0.2464, deeper_net2deeper_loss 0.2460"
    )
    partial = {"val_teacher_loss": 0.3, "val_wider_net2wider_loss": 0.2}  # one missing
    assert results._headline("mnist_net2net", partial, "val_") == ""
    assert results._headline("mnist_mlp", {"test_accuracy": 0.9}, "") == ""  # none declared
    for row in results.load():  # the shipped rows of finished runs show them all
        names = registry.spec(row["example"]).headline
        if row["status"] == "measured" and names:
            assert all(name in row["key"] for name in names), row["key"]


def test_a_damaged_results_file_is_one_line(tmp_path, capsys):
    bad = tmp_path / "results.json"
    bad.write_text("[1, 2")
    with pytest.raises(results.UserError, match="unreadable results table"):
        results.load(bad)


def test_every_example_names_its_real_dataset_in_the_catalog():
    from keras_classics.datasets import catalog

    for example in registry.EXAMPLES:
        assert (example.data in catalog.DATASETS) == (not example.builtin_data), example.name


def test_a_time_limit_stops_after_an_epoch_as_a_partial_row_that_resume_completes(tmp_path, capsys):
    runs_dir = tmp_path / "runs"
    two_epochs = ["--set", "epochs=2", "--set", "training_size=600"]
    # A limit already past when the first epoch ends: the run stops there, resumable.
    args = ["reproduce", "addition_rnn", *two_epochs, "--runs-dir", str(runs_dir), "--quiet"]
    assert main([*args, "--time-limit", "0.0001"]) == 0
    out = capsys.readouterr().out
    (run_dir,) = runs_dir.glob("addition_rnn/*")
    assert (
        f"stopped at the time limit after epoch 1; continue with: keras-classics train --resume {run_dir}"
        in out
    )
    run = runs.Run(run_dir)
    assert run.status == "interrupted" and len(run.read_metrics()) == 1
    row = results.row_of(run)
    assert row["status"] == "partial" and row["epochs"] == "1/2"
    assert row["key"].startswith("val_accuracy ")
    assert results.headline("addition_rnn", [row]).endswith("after 1/2 epochs (stopped)")
    assert main(["train", "--resume", str(run_dir), "--quiet"]) == 0
    finished = results.row_of(runs.Run(run_dir))
    assert finished["status"] == "measured" and finished["epochs"] == "2/2"
    # Its start and end enclose the pause: the row gives the epochs' time and says why.
    assert row["wall"] and "resumed" not in row["wall"]
    assert finished["wall"].endswith(" (epochs only: resumed)")


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_a_time_limit_must_be_a_positive_number_of_minutes(value, tmp_path, capsys):
    code = main(["train", "addition_rnn", "--time-limit", value, "--runs-dir", str(tmp_path)])
    assert code == 2 and "--time-limit" in capsys.readouterr().err

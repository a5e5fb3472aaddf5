"""cifar10_resnet: the seed's counts, other depths, the learning rate schedule, who controls
the learning rate, and a short run that checkpoints on val_accuracy and logs the rate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import explain
from keras_classics import commands, config
from keras_classics.datasets import DataSource
from keras_classics.errors import UserError
from keras_classics.examples import cifar10_resnet
from keras_classics.explaining import parameter_line
from keras_classics.walkthroughs import cifar10_resnet as walkthrough


def test_resnet20_v1_counts_equal_the_seed():
    model = cifar10_resnet.build_model(cifar10_resnet.Config())
    assert parameter_line(model) == (
        "resnet20_v1: total 274,442 | trainable 273,066 | non-trainable 1,376"
    )
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert len(convs) == 21  # 19 3x3 convolutions + 2 projection shortcuts (1x1)
    assert [c.count_params() for c in convs[7:10]] == [4_640, 9_248, 544]
    assert tuple(model.output.shape) == (None, 10)


@pytest.mark.parametrize(
    ("version", "n", "depth", "total"),
    [(1, 5, 32, 470_218), (2, 2, 20, 574_090)],
)
def test_other_depths(version, n, depth, total):
    cfg = cifar10_resnet.Config(version=version, n=n)
    assert cfg.depth == depth
    assert cifar10_resnet.build_model(cfg).count_params() == total


def test_bad_version_is_a_user_error():
    with pytest.raises(UserError, match="version"):
        config.resolve(cifar10_resnet.Config, {}, None, ["version=3"])


def test_lr_schedule_is_the_originals():
    expected = {0: 1e-3, 80: 1e-3, 81: 1e-4, 120: 1e-4, 121: 1e-5, 161: 1e-6, 180: 1e-6, 181: 5e-7}
    for epoch, rate in expected.items():
        assert cifar10_resnet.lr_schedule(epoch) == pytest.approx(rate)
    model = cifar10_resnet.build_model(cifar10_resnet.Config(n=1))
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(1e-3)


def test_the_scheduler_overrides_reduce_lr_on_plateau():
    cfg = cifar10_resnet.Config()
    log = walkthrough.simulate_learning_rate(cfg, [1.0, 0.9, 0.8] + [0.8] * 12)
    trained = [row["trained_with"] for row in log.rows]
    after = [row["after_plateau"] for row in log.rows]
    # ReduceLROnPlateau fires after `patience` (5) epochs without improvement (epoch 8) ...
    cut = [i + 1 for i, (a, b) in enumerate(zip(trained, after, strict=True)) if b < a]
    assert cut == [8, 13]
    assert after[7] == pytest.approx(1e-3 * math.sqrt(0.1), rel=1e-5)
    # ... and the next epoch trains at the schedule's rate again.
    assert all(rate == pytest.approx(1e-3) for rate in trained)
    assert log.rows[7]["in_control"].startswith("ReduceLROnPlateau")
    assert log.rows[8]["in_control"] == "LearningRateScheduler"
    header = log.table().splitlines()[0].split()
    assert header == list(cifar10_resnet.LearningRateLog.COLUMNS)


def test_short_run_checkpoints_the_best_model_and_logs_the_rate(options):
    sets = ("epochs=2", "train_samples=64", "test_samples=32", "schedule_epochs=0,1,2,3")
    run = commands.train("cifar10_resnet", options(sets=sets))
    assert (run.path / "artifacts" / "best_model.keras").is_file()
    table = (run.path / "artifacts" / "learning_rate.txt").read_text().splitlines()
    assert table[0].split()[:3] == ["epoch", "schedule", "trained_with"]
    # Epoch index 1 is after the first boundary (0): the schedule drops to 1e-4, and it is used.
    assert table[1].split()[1:3] == ["0.001", "0.001"] and table[2].split()[1:3] == ["0.0001"] * 2
    rows = run.read_metrics()
    assert [float(r["lr"]) for r in rows] == pytest.approx([1e-3, 1e-4])


def test_pixel_mean_is_subtracted_from_train_and_test():
    cfg = config.resolve(cifar10_resnet.Config, cifar10_resnet.PRESETS, "tiny")
    data = cifar10_resnet.load_data(cfg, DataSource(kind="synthetic"))
    x_train, y_train = data.train
    assert x_train.shape == (128, 32, 32, 3) and y_train.shape == (128, 10)
    np.testing.assert_allclose(x_train.mean(axis=0), 0, atol=1e-5)
    assert data.pixel_mean.shape == (32, 32, 3) and 0.3 < data.pixel_mean.mean() < 0.7
    plain = cifar10_resnet.load_data(
        config.resolve(cifar10_resnet.Config, cifar10_resnet.PRESETS, "tiny",
                       ["subtract_pixel_mean=false"]),
        DataSource(kind="synthetic"),
    )  # fmt: skip
    np.testing.assert_allclose(plain.test[0] - data.pixel_mean, data.test[0], atol=1e-6)


def test_a_resumed_run_keeps_the_learning_rate_rows_of_earlier_epochs(tmp_path):
    from keras_classics.runs import Run

    cfg = cifar10_resnet.Config()
    earlier = walkthrough.simulate_learning_rate(cfg, [1.0, 0.9])
    run = Run.create(tmp_path, "cifar10_resnet")
    run.write_text("learning_rate.txt", earlier.table() + "\n")
    for epoch, lr in ((1, 1e-3), (2, 1e-3), (3, 1e-3)):  # epoch 3 ended before its row
        run.append_metrics({"epoch": epoch, "lr": lr, "val_loss": 0.8})
    log = cifar10_resnet.LearningRateLog(cfg)
    log.resume(run)
    assert log.resumed_rows == 3
    lines = log.table().splitlines()
    assert lines[1:3] == earlier.table().splitlines()[1:3]
    assert lines[3].split()[:5] == ["3", "0.001", "0.001", "0.8", "-"]


def test_explain_prints_the_seeds_summary_and_the_rate_per_epoch():
    sections = list(explain(cifar10_resnet, cifar10_resnet.Config(), DataSource(kind="synthetic")))
    shapes, summary, _, schedule = (section.body for section in sections[:4])
    assert "x_train shape: (1000, 32, 32, 3)" in shapes and "y_train shape: (1000, 1)" in shapes
    rows = [line.split() for line in summary.splitlines()]
    kinds = [row[1].strip("()") if len(row) > 1 else "" for row in rows]
    # The seed's order at the first strided block: conv, BN, ReLU, conv, the 1x1 shortcut, BN, add.
    start = next(i for i, row in enumerate(rows) if row[2:6] == ["(None,", "16,", "16,", "32)"])
    assert kinds[start : start + 7] == [
        "Conv2D", "BatchNormalization", "Activation", "Conv2D", "Conv2D", "BatchNormalization",
        "Add",
    ]  # fmt: skip
    shortcut, batch_norm, add = rows[start + 4], rows[start + 5], rows[start + 6]
    assert shortcut[6] == "544" and add[-2:] == [shortcut[0] + ",", batch_norm[0]]
    assert kinds.count("Add") == 9 and kinds.count("Conv2D") == 21
    assert "resnet20_v1: total 274,442 | trainable 273,066 | non-trainable 1,376" in summary
    table = [line.split() for line in schedule.splitlines()[1:] if line[:5].strip().isdigit()]
    rates = {int(epoch): float(rate) for epoch, rate in table}
    expected = {0: 1e-3, 80: 1e-3, 81: 1e-4, 120: 1e-4, 121: 1e-5, 160: 1e-5, 161: 1e-6}
    expected.update({180: 1e-6, 181: 5e-7, 199: 5e-7})
    assert rates == pytest.approx(expected)

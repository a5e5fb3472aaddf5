"""mnist_net2net: the seed's three parameter counts, the weight transforms (channels_last
shapes, function preservation with and without noise, baselines that do not preserve it), the
original's experiment table, and the custom training loop (learning, one step, resume)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from conftest import explain
from keras_classics import commands, config, runs, training
from keras_classics.errors import UserError
from keras_classics.examples import mnist_net2net as n2n

SMALL = n2n.Config(conv_filters=8, dense_units=16, wider_conv_filters=12, wider_dense_units=24)


def test_parameter_counts_equal_the_seed():
    models = n2n.summary_models(n2n.Config())
    counts = {name: model.count_params() for name, model in models.items()}
    assert counts == {"teacher": 238_986, "wider": 477_898, "deeper": 280_074}
    teacher = models["teacher"]
    assert [layer.name for layer in teacher.layers] == [
        "conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "fc2",
    ]  # fmt: skip
    assert teacher.get_layer("conv1").activation.__name__ == "linear"  # as the original
    assert [layer.name for layer in models["deeper"].layers][2:4] == ["conv2", "conv2-deeper"]


def test_original_optimisers():
    cfg = n2n.Config()
    teacher = n2n.build_model(cfg)
    student = n2n.make_deeper_student(teacher, cfg, "net2deeper")
    for model, rate in ((teacher, 0.01), (student, 0.001)):
        assert type(model.optimizer).__name__ == "SGD"
        assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(rate)
        assert model.optimizer.momentum == pytest.approx(0.9)
    assert (cfg.epochs, cfg.batch_size) == (3, 32)


def _peaked_teacher(cfg: n2n.Config):
    """A teacher with random but confident predictions, so differences are visible."""
    training.seed_everything(3)
    teacher = n2n.build_model(cfg)
    rng = np.random.default_rng(3)
    teacher.set_weights([rng.normal(0, 0.3, w.shape) for w in teacher.get_weights()])
    return teacher


X = np.random.default_rng(5).random((64, 28, 28, 1)).astype("float32")


def test_net2wider_preserves_the_function_exactly_without_noise():
    cfg = dataclasses.replace(SMALL, noise_scale=0.0)
    teacher = _peaked_teacher(cfg)
    student = n2n.make_wider_student(teacher, cfg, "net2wider", np.random.default_rng(0))
    gap = n2n.function_gap(teacher, student, X)
    assert gap["max_abs_diff"] < 1e-4 and gap["same_class"] == 1.0
    conv1 = student.get_layer("conv1").get_weights()[0]
    assert conv1.shape == (3, 3, 1, 12)  # channels_last: (kh, kw, in, out)


def test_net2wider_noise_is_small_and_random_pad_is_not_function_preserving():
    teacher = _peaked_teacher(SMALL)
    rng = np.random.default_rng(0)
    noisy = n2n.function_gap(teacher, n2n.make_wider_student(teacher, SMALL, "net2wider", rng), X)
    padded = n2n.function_gap(teacher, n2n.make_wider_student(teacher, SMALL, "random-pad", rng), X)
    assert 0 < noisy["max_abs_diff"] < 0.05
    assert padded["max_abs_diff"] > 10 * noisy["max_abs_diff"]


def test_net2deeper_preserves_the_function_and_random_init_does_not():
    teacher = _peaked_teacher(SMALL)
    deeper = n2n.make_deeper_student(teacher, SMALL, "net2deeper")
    assert n2n.function_gap(teacher, deeper, X)["max_abs_diff"] < 1e-5
    random = n2n.make_deeper_student(teacher, SMALL, "random-init")
    assert n2n.function_gap(teacher, random, X)["max_abs_diff"] > 0.1


def test_widening_splits_outgoing_weights_among_the_copies():
    rng = np.random.default_rng(0)
    w1, b1, w2 = rng.normal(size=(5, 4)), rng.normal(size=4), rng.normal(size=(4, 3))
    new_w1, new_b1, new_w2 = n2n.wider2net_fc(w1, b1, w2, 9, "net2wider", rng, noise_scale=0.0)
    assert (new_w1.shape, new_b1.shape, new_w2.shape) == ((5, 9), (9,), (9, 3))
    # Every new unit copies an old one, and the copies' outgoing weights add up to the old ones.
    copied = [int(np.flatnonzero((w1 == new_w1[:, [j]]).all(axis=0))[0]) for j in range(4, 9)]
    summed = new_w2[:4].copy()
    for j, source in zip(range(4, 9), copied, strict=True):
        summed[source] += new_w2[j]
    np.testing.assert_allclose(summed, w2)
    x = rng.normal(size=(7, 5))
    relu = lambda v: np.maximum(v, 0)  # noqa: E731
    np.testing.assert_allclose(relu(x @ new_w1 + new_b1) @ new_w2, relu(x @ w1 + b1) @ w2)


def test_shapes_are_checked_on_the_channels_last_axes():
    rng = np.random.default_rng(0)
    w1, b1, w2 = np.zeros((3, 3, 1, 8)), np.zeros(8), np.zeros((3, 3, 8, 4))
    student = n2n.wider2net_conv2d(w1, b1, w2, 12, "net2wider", rng)
    assert [a.shape for a in student] == [(3, 3, 1, 12), (12,), (3, 3, 12, 4)]
    channels_first = np.zeros((8, 1, 3, 3))  # the shape the original's docstrings described
    with pytest.raises(ValueError, match="incompatible shapes"):
        n2n.wider2net_conv2d(channels_first, b1, w2, 12, "net2wider", rng)
    with pytest.raises(ValueError, match="larger"):
        n2n.wider2net_conv2d(w1, b1, w2, 8, "net2wider", rng)
    with pytest.raises(ValueError, match="unsupported"):
        n2n.wider2net_fc(np.zeros((5, 4)), np.zeros(4), np.zeros((4, 3)), 6, "copy", rng)


def test_deeper_conv_kernel_is_an_identity():
    kernel, bias = n2n.deeper2net_conv2d(np.zeros((3, 3, 5, 4), dtype="float32"))
    assert kernel.shape == (3, 3, 4, 4) and not bias.any()
    np.testing.assert_array_equal(kernel[1, 1], np.eye(4))
    assert kernel.sum() == 4


def test_experiment_table_has_the_originals_layout():
    history = {
        "teacher": [0.0537, 0.0354, 0.0356],
        "wider_random_pad": [0.0320, 0.0317, 0.0289],
        "deeper_net2deeper": [0.0292, 0.0294, 0.0286],
    }
    lines = n2n.experiment_table(history).splitlines()
    assert lines[1:] == [
        "(0) teacher_model:             0.0537   0.0354   0.0356",
        "(1) wider_random_pad:          0.0320   0.0317   0.0289",
        "(4) deeper_net2deeper:         0.0292   0.0294   0.0286",
    ]


def test_one_step_changes_a_students_weights():
    teacher = n2n.build_model(SMALL)
    student = n2n.make_deeper_student(teacher, SMALL, "net2deeper")
    before = [w.copy() for w in student.get_weights()]
    y = np.eye(10, dtype="float32")[np.arange(8) % 10]
    student.train_on_batch(X[:8], y)
    assert all(not np.array_equal(b, a) for b, a in zip(before, student.get_weights(), strict=True))


def test_tiny_experiment_learns_writes_its_table_and_resumes_exactly(options, monkeypatch):
    run = commands.train("mnist_net2net", options())
    final = run.read_json("final.json")
    assert final["test_teacher_accuracy"] > 0.4  # chance is 0.1
    # Starting from the teacher, the function-preserving students beat it after their epochs.
    for name in ("wider_net2wider", "deeper_net2deeper"):
        assert final[f"test_{name}_loss"] < final["test_teacher_loss"]
    table = (run.artifacts / "experiments.txt").read_text().splitlines()
    assert [line.split(":")[0] for line in table[1:]] == [
        "(0) teacher_model", "(1) wider_random_pad", "(2) wider_net2wider",
        "(3) deeper_random_init", "(4) deeper_net2deeper",
    ]  # fmt: skip
    assert table[5].split()[-1] == f"{final['test_deeper_net2deeper_loss']:.4f}"
    check = (run.artifacts / "function_check.txt").read_text()
    assert "deeper_net2deeper" in check and "100.00%" in check.splitlines()[-1]
    rows = run.read_metrics()
    assert len(rows) == 2 and "wider_net2wider_val_loss" in rows[-1]

    # Interrupt the students' second epoch (calls: 2 teacher epochs, 4 students, then 1 more).
    calls = {"count": 0}
    original = n2n._one_epoch

    def interrupted(*args):
        calls["count"] += 1
        if calls["count"] == 7:
            raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(n2n, "_one_epoch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        commands.train("mnist_net2net", options())
    monkeypatch.setattr(n2n, "_one_epoch", original)
    (stopped,) = [p for p in run.path.parent.iterdir() if p != run.path]
    assert runs.Run(stopped).status == "interrupted"  # runs.Run.interrupt (Ctrl-C)
    rows = runs.Run(stopped).read_metrics()  # epoch 1 of everyone, epoch 2 of the teacher
    assert [row["epoch"] for row in rows] == ["1", "2"]
    assert "deeper_net2deeper_val_loss" in rows[0] and not rows[1]["deeper_net2deeper_val_loss"]
    # --resume restores the teacher and the four students with their optimiser states.
    resumed = commands.train(None, options(preset=None, resume=stopped))
    for key, value in resumed.read_json("final.json").items():
        assert value == pytest.approx(final[key], rel=1e-4, abs=1e-5), key


def test_bad_settings_are_one_line_errors():
    for item in ("wider_conv_filters=64", "wider_dense_units=10", "noise_scale=-1"):
        with pytest.raises(UserError):
            config.resolve(n2n.Config, {}, None, [item])


def test_explain_shows_the_seeds_three_summaries_then_weights_before_and_after():
    from keras_classics.datasets import DataSource

    sections = list(explain(n2n, n2n.Config(), DataSource(kind="synthetic")))
    bodies = [section.body for section in sections]
    assert "teacher: total 238,986" in bodies[1]
    assert "wider_net2wider: total 477,898" in bodies[2]
    assert "deeper_net2deeper: total 280,074" in bodies[3]
    rows = [line for line in bodies[5].splitlines() if "->" in line]
    widened = {line.split()[0]: line.split("->")[1].strip() for line in rows}
    assert widened == {
        "conv1": "(3, 3, 1, 128)  (128,)",
        "conv2": "(3, 3, 128, 64)  (64,)",
        "fc1": "(3136, 128)  (128,)",
        "fc2": "(128, 10)  (10,)",
    }
    deepened = bodies[6]
    assert "  conv2-deeper  -" in deepened and "teacher layers copied unchanged: True" in deepened
    assert "fc1-deeper kernel is the identity matrix: True, bias zero: True" in deepened
    check = {line.split()[0]: line.split() for line in bodies[7].splitlines()[3:]}
    assert check["deeper_net2deeper"][1:] == ["0.00e+00", "100.00%"]  # the same function

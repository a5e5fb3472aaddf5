"""antirectifier: the seed's parameter count, the custom layer (maths, shapes, serialisation),
the announced ReLU comparison, and one short epoch on real Fashion-MNIST."""

from __future__ import annotations

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from conftest import BACKEND, explain
from keras_classics import config, runs, training
from keras_classics.datasets import DataSource, mnist
from keras_classics.errors import UserError
from keras_classics.examples import antirectifier
from keras_classics.examples.antirectifier import Antirectifier


def test_parameter_counts_equal_the_seed():
    model = antirectifier.build_model(antirectifier.Config())
    assert model.count_params() == 337_418
    layers = [layer for layer in model.layers if isinstance(layer, Antirectifier)]
    assert len(layers) == 2 and all(layer.count_params() == 0 for layer in layers)
    assert [layer.output.shape[1] for layer in model.layers[:3]] == [256, 512, 512]
    # The comparison network: 2x bigger Dense layers with ReLU, twice the parameters.
    wide = antirectifier.build_model(antirectifier.Config(activation="relu_wide"))
    assert wide.count_params() == 669_706


def test_original_training_settings():
    cfg = antirectifier.Config()
    assert (cfg.epochs, cfg.batch_size, cfg.dropout) == (40, 128, 0.1)
    model = antirectifier.build_model(cfg)
    assert type(model.optimizer).__name__ == "RMSprop"
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.001)


def test_layer_centres_normalises_and_splits_signs():
    x = np.array([[1.0, -2.0, 3.0, 0.0], [5.0, 5.0, 5.0, 5.0]], dtype="float32")
    y = keras.ops.convert_to_numpy(Antirectifier()(x))
    # Row 1: mean 0.5, centred [0.5, -2.5, 2.5, -0.5], L2 norm sqrt(13).
    expected = np.array([0.5, 0, 2.5, 0, 0, 2.5, 0, 0.5]) / np.sqrt(13)
    np.testing.assert_allclose(y[0], expected, rtol=1e-6)
    # A constant row centres to zeros: the epsilon keeps it finite (no division by zero).
    np.testing.assert_array_equal(y[1], np.zeros(8))
    # relu(x) - relu(-x) gives back the normalised input, whose norm is 1.
    np.testing.assert_allclose(np.linalg.norm(y[0, :4] - y[0, 4:]), 1.0, rtol=1e-6)


@pytest.mark.parametrize("shape", [(3, 7), (2, 5, 6)])
def test_compute_output_shape_matches_a_real_forward_pass(shape):
    layer = Antirectifier()
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    real = tuple(keras.ops.convert_to_numpy(layer(x)).shape)
    assert layer.compute_output_shape(shape) == real
    assert real[-1] == 2 * shape[-1]
    unknown_batch = (None, *shape[1:])
    assert layer.compute_output_shape(unknown_batch) == (None, *real[1:])
    # The symbolic shape Keras infers (what summary shows) agrees too.
    assert tuple(layer(keras.Input(shape[1:])).shape) == (None, *real[1:])


def test_layer_config_round_trip():
    layer = Antirectifier(axis=1, name="anti")
    again = Antirectifier.from_config(layer.get_config())
    assert again.axis == 1 and again.name == "anti"
    registered = keras.saving.get_registered_name(Antirectifier)
    assert registered == "keras_classics>Antirectifier"


def test_saved_model_reloads_in_a_fresh_process(tmp_path):
    cfg = config.resolve(antirectifier.Config, antirectifier.PRESETS, "tiny")
    model = antirectifier.build_model(cfg)
    x = np.random.default_rng(1).random((4, 784)).astype("float32")
    path = tmp_path / "model.keras"
    model.save(path)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", model.predict(x, verbose=0))
    # A new session imports the example (as the CLI does) and must find the registered layer.
    code = (
        "import sys, numpy as np, keras\n"
        "import keras_classics.examples.antirectifier\n"
        f"m = keras.models.load_model({str(path)!r})\n"
        f"x = np.load({str(tmp_path / 'x.npy')!r}); y = np.load({str(tmp_path / 'y.npy')!r})\n"
        "np.testing.assert_allclose(m.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)\n"
        "print(type(m.layers[1]).__name__)\n"
    )
    env = dict(os.environ, KERAS_BACKEND=BACKEND)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "Antirectifier"


def test_bad_settings_are_one_line_errors():
    for item in ("activation=tanh", "dataset=cifar10", "dropout=1.0", "hidden_units=0"):
        with pytest.raises(UserError):
            config.resolve(antirectifier.Config, {}, None, [item])


def test_comparison_trains_both_networks_and_writes_the_table(tmp_path):
    cfg = config.resolve(
        antirectifier.Config, antirectifier.PRESETS, "tiny", ["comparison=true", "epochs=2"]
    )
    training.seed_everything(cfg.seed)
    data = antirectifier.load_data(cfg, DataSource(kind="synthetic"))
    run = runs.Run.create(tmp_path, "antirectifier")
    final = antirectifier.train(cfg, data, run)
    table = (run.artifacts / "comparison.txt").read_text().splitlines()
    assert [line.split()[0] for line in table[1:]] == ["antirectifier", "relu_wide"]
    # 64 units: 50,240 + 8,256 + 1,290 parameters against 100,480 + 16,512 + 1,290.
    assert table[1].split()[1] == "59,786" and table[2].split()[1] == "118,282"
    assert f"{final['test_accuracy']:.4f}" == table[1].split()[3]
    assert final["test_accuracy"] > 0.3  # both learn the synthetic digits; chance is 0.1
    assert float(table[2].split()[3]) > 0.3


@pytest.mark.realdata
def test_one_short_epoch_on_real_fashion_mnist():
    if mnist.idx_folder(mnist.DEBIAN_FASHION_DIR) is None:
        pytest.skip("Debian's dataset-fashion-mnist is not installed (make test installs it)")
    cfg = antirectifier.Config(
        dataset="fashion_mnist", epochs=1, train_samples=5120, test_samples=2048
    )
    training.seed_everything(cfg.seed)
    data = antirectifier.load_data(cfg, DataSource(offline=True))
    assert data.train[0].shape == (5120, 784)
    metrics = antirectifier.train(cfg, data, None)
    assert metrics["test_accuracy"] > 0.65  # chance is 0.1


def test_explain_shows_the_seeds_shapes_and_parameter_counts():
    sections = list(explain(antirectifier, antirectifier.Config(), DataSource(kind="synthetic")))
    assert "synthetic twin" in sections[0].en
    text = "\n".join(section.body for section in sections)
    # The seed: (60000, 784) in, (60000, 10) out; the synthetic twin renders 1000 of them.
    assert "x_train.shape (1000, 784)" in text and "y_train.shape (1000, 10)" in text
    assert "antirectifier: total 337,418 | trainable 337,418 | non-trainable 0" in text
    per_layer = text.split("parameters per Antirectifier layer: ")[1].split("\n")[0]
    assert [item.split()[1] for item in per_layer.split(", ")] == ["0", "0"]  # no weights
    assert "relu_wide: total 669,706" in text

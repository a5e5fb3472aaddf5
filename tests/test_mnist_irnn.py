"""mnist_irnn: the seed's parameter count, the IRNN initialisation, the original's optimiser
and presets, and the pixel sequences (with the optional stride)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from conftest import explain
from keras_classics import config
from keras_classics.errors import UserError
from keras_classics.examples import mnist_irnn


def test_parameter_count_equals_the_seed():
    model = mnist_irnn.build_model(mnist_irnn.Config())
    assert model.count_params() == 11_210
    assert [layer.count_params() for layer in model.layers] == [10_200, 1_010, 0]
    assert tuple(model.inputs[0].shape) == (None, 784, 1)


def test_identity_recurrence_and_tiny_input_weights():
    model = mnist_irnn.build_model(mnist_irnn.Config())
    rnn = model.layers[0]
    kernel, recurrent, bias = rnn.get_weights()
    np.testing.assert_array_equal(recurrent, np.eye(100))
    assert kernel.shape == (1, 100) and 0.0005 < kernel.std() < 0.002
    assert not bias.any() and rnn.activation is keras.activations.relu
    # With zero input the ReLU state is carried unchanged through all 784 steps.
    state = np.abs(np.random.default_rng(0).normal(size=(1, 100))).astype("float32")
    out = rnn(np.zeros((1, 784, 1), "float32"), initial_state=[state])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out), state, rtol=1e-5)


def test_original_optimiser_and_the_documented_recipe_preset():
    cfg = mnist_irnn.Config()
    assert (cfg.epochs, cfg.batch_size) == (200, 32)
    optimizer = mnist_irnn.build_model(cfg).optimizer
    assert type(optimizer).__name__ == "RMSprop"
    assert float(np.asarray(optimizer.learning_rate)) == pytest.approx(1e-6)
    assert optimizer.clipnorm is None  # the original defined clip_norm and never used it
    full = config.resolve(mnist_irnn.Config, mnist_irnn.PRESETS, "full")
    assert full.epochs == 900 and full.sequence_stride == 1
    clipped = mnist_irnn.build_model(mnist_irnn.Config(clipnorm=1.0)).optimizer
    assert clipped.clipnorm == 1.0


def test_images_become_pixel_sequences():
    images = np.arange(2 * 28 * 28, dtype=np.uint32).reshape(2, 28, 28) % 256
    x, y = mnist_irnn.prepare(images.astype(np.uint8), np.array([3, 7]))
    assert x.shape == (2, 784, 1) and x.dtype == np.float32
    np.testing.assert_allclose(x[1, :, 0], (np.arange(784, 1568) % 256) / 255, rtol=1e-6)
    assert y.argmax(-1).tolist() == [3, 7]
    strided, _ = mnist_irnn.prepare(images.astype(np.uint8), np.array([3, 7]), stride=8)
    assert strided.shape == (2, 98, 1)
    np.testing.assert_array_equal(strided[:, :, 0], x[:, ::8, 0])
    model = mnist_irnn.build_model(mnist_irnn.Config(sequence_stride=8))
    assert tuple(model.inputs[0].shape) == (None, 98, 1) and model.count_params() == 11_210


def test_bad_settings_are_one_line_errors():
    for item in ("sequence_stride=0", "sequence_stride=29", "learning_rate=0", "clipnorm=-1"):
        with pytest.raises(UserError):
            config.resolve(mnist_irnn.Config, {}, None, [item])


def test_explain_shows_the_sequences_the_identity_step_and_the_seeds_count():
    from keras_classics.datasets import DataSource

    sections = list(explain(mnist_irnn, mnist_irnn.Config(), DataSource(kind="synthetic")))
    assert "x_train.shape (1000, 784, 1)  y_train.shape (1000, 10)" in sections[0].body
    init = sections[1].body
    assert "bias all zero: True" in init
    assert float(init.rsplit("max |h_t - h_(t-1)| = ", 1)[1]) == 0.0  # the state is kept
    assert "mnist_irnn: total 11,210 | trainable 11,210 | non-trainable 0" in sections[2].body

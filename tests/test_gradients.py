"""The input-gradient helper, once per backend (the suite runs once per backend: each run checks
its own branch, jax.value_and_grad, torch.autograd or tf.GradientTape)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from conftest import BACKEND
from keras_classics import gradients


@pytest.mark.parametrize("backend", ["jax", "torch", "tensorflow"])
def test_value_and_grad_of_a_known_function(backend):
    if backend != BACKEND:
        pytest.skip(f"this run uses the {BACKEND} backend")
    f = gradients.value_and_grad(lambda x: keras.ops.sum(x**2) + keras.ops.sum(3.0 * x))
    x = np.arange(6, dtype="float32").reshape(2, 3)
    value, grad = f(x)
    assert value == pytest.approx(float(np.sum(x**2) + 3 * x.sum()))
    np.testing.assert_allclose(grad, 2 * x + 3)
    assert grad.dtype == np.float32 and grad.flags.writeable


@pytest.mark.parametrize("backend", ["jax", "torch", "tensorflow"])
def test_value_and_grad_through_a_convnet_matches_finite_differences(backend):
    if backend != BACKEND:
        pytest.skip(f"this run uses the {BACKEND} backend")
    keras.utils.set_random_seed(0)
    inputs = keras.Input((None, None, 3))
    h = keras.layers.Conv2D(4, 3, activation="tanh")(inputs)
    h = keras.layers.BatchNormalization()(h)
    model = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(h))

    def fn(x):
        return keras.ops.sum(keras.ops.square(model(x, training=False)))

    f = gradients.value_and_grad(fn)
    x = np.random.default_rng(0).normal(size=(1, 7, 9, 3)).astype("float32")
    value, grad = f(x)
    assert grad.shape == x.shape
    rng = np.random.default_rng(1)
    for _ in range(3):
        index = tuple(int(rng.integers(n)) for n in x.shape)
        step = np.zeros_like(x)
        step[index] = 1e-2
        plus = float(keras.ops.convert_to_numpy(fn(keras.ops.convert_to_tensor(x + step))))
        minus = float(keras.ops.convert_to_numpy(fn(keras.ops.convert_to_tensor(x - step))))
        assert grad[index] == pytest.approx((plus - minus) / 2e-2, rel=2e-2, abs=1e-5)
    # A second shape works too (the dream's octaves change the image size).
    value2, grad2 = f(np.zeros((1, 5, 6, 3), dtype="float32"))
    assert grad2.shape == (1, 5, 6, 3) and np.isfinite(value2)

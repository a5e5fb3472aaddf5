"""keras2_optimizers: Keras 2.3.1's RMSprop update (epsilon after the square root) on every
backend, and that it saves and loads with a model."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from keras_classics.keras2_optimizers import RMSprop


def _steps(optimizer, gradients, start):
    variable = keras.Variable(np.array(start, dtype="float32"))
    optimizer.build([variable])
    for gradient in gradients:
        optimizer.apply(
            [keras.ops.convert_to_tensor(np.array(gradient, dtype="float32"))], [variable]
        )
    return np.asarray(variable)


def test_rmsprop_adds_epsilon_after_the_square_root_as_keras_2():
    gradients = [[1e-4, -2e-3, 0.5], [3e-4, 1e-3, -0.25]]
    start = [1.0, 2.0, 3.0]
    p, v = np.array(start, dtype="float64"), np.zeros(3)
    for g in np.array(gradients, dtype="float64"):
        v = 0.9 * v + 0.1 * g**2
        p = p - 0.01 * g / (np.sqrt(v) + 1e-7)  # Keras 2.3.1's RMSprop.get_updates
    np.testing.assert_allclose(_steps(RMSprop(0.01), gradients, start), p, rtol=1e-5)
    # Keras 3's own puts epsilon under the root: a small gradient moves 3x less.
    keras3 = _steps(keras.optimizers.RMSprop(0.01), gradients, start)
    assert abs(keras3[0] - start[0]) < 0.5 * abs(p[0] - start[0])
    np.testing.assert_allclose(keras3[2], p[2], rtol=1e-5)  # large gradients: the same


def test_rmsprop_saves_and_loads_with_the_model(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=RMSprop(0.003, rho=0.8), loss="mse")
    model.fit(np.ones((4, 2)), np.zeros((4, 1)), verbose=0)
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras")
    assert type(again.optimizer) is RMSprop
    assert again.optimizer.rho == pytest.approx(0.8)
    assert float(np.asarray(again.optimizer.learning_rate)) == pytest.approx(0.003)
    with pytest.raises(ValueError, match="no momentum"):
        RMSprop(momentum=0.9)

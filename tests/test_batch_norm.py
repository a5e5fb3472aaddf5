"""batch_norm: moving statistics recomputed for the current weights, nested models included."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from keras_classics import batch_norm


def _nested_model() -> keras.Model:
    """A functional model with two inputs around a Sequential holding a BatchNormalization,
    as mnist_acgan's generator."""
    inner = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(5), keras.layers.BatchNormalization()], name="inner"
    )
    noise, label = keras.Input((4,)), keras.Input((2,))
    joined = keras.layers.Concatenate()([noise, label])
    out = keras.layers.BatchNormalization()(keras.layers.Dense(3)(inner(joined)))
    return keras.Model([noise, label], out)


def test_layers_of_finds_the_nested_ones_in_order():
    model = _nested_model()
    norms = batch_norm.layers_of(model)
    assert len(norms) == 2 and norms[0] is model.get_layer("inner").layers[1]


def test_after_recalibrating_inference_normalises_as_a_training_step():
    model = _nested_model()
    rng = np.random.default_rng(0)
    batch = [rng.normal(3, 0.05, (16, 4)).astype("float32"), rng.normal(0, 0.1, (16, 2))]
    batch[1] = batch[1].astype("float32")
    training_step = keras.ops.convert_to_numpy(model(batch, training=True))
    before = np.asarray(model.predict(batch, verbose=0))
    assert not np.allclose(before, training_step, atol=1e-2)  # variance 1.0 vs ~0.01
    assert batch_norm.recalibrate(model, [batch]) == 1
    np.testing.assert_allclose(model.predict(batch, verbose=0), training_step, atol=1e-4)
    assert [layer.momentum for layer in batch_norm.layers_of(model)] == [0.99, 0.99]


def test_several_batches_give_the_mean_of_their_statistics():
    norm = keras.layers.BatchNormalization(momentum=0.9)
    model = keras.Sequential([keras.Input((3,)), norm])
    rng = np.random.default_rng(1)
    batches = [rng.normal(k, 1 + k, (8, 3)).astype("float32") for k in range(3)]
    assert batch_norm.recalibrate(model, batches) == 3
    np.testing.assert_allclose(
        norm.moving_mean, np.mean([b.mean(axis=0) for b in batches], axis=0), rtol=1e-5
    )
    np.testing.assert_allclose(
        norm.moving_variance, np.mean([b.var(axis=0) for b in batches], axis=0), rtol=1e-4
    )
    assert norm.momentum == pytest.approx(0.9)  # restored


def test_no_batches_change_nothing_and_batches_are_cut_from_every_input():
    model = _nested_model()
    norms = batch_norm.layers_of(model)
    assert batch_norm.recalibrate(model, []) == 0
    assert all(np.allclose(layer.moving_variance, 1.0) for layer in norms)
    x = [np.arange(10).reshape(10, 1), np.arange(10, 20).reshape(10, 1)]
    chunks = batch_norm.in_batches(x, batch_size=4, batches=2)
    assert [[part[:, 0].tolist() for part in chunk] for chunk in chunks] == [
        [[0, 1, 2, 3], [10, 11, 12, 13]],
        [[4, 5, 6, 7], [14, 15, 16, 17]],
    ]
    assert [c.shape[0] for c in batch_norm.in_batches(np.zeros((5, 2)), 4, 9)] == [4, 1]

"""The package's fast paths compute what Keras computes: the fused torch LSTM, unrolled RNNs on
JAX, TensorFlow's tf.data feed and several steps per execution (outputs, gradients, batches and
trained weights against Keras' reference)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import BACKEND
from keras_classics import fast_paths, training


def _keras():
    import keras

    return keras


def _outputs_and_gradients(layer, x: np.ndarray):
    """The layer's outputs on x and the gradients of sum(outputs^2) wrt x and its weights."""
    keras = _keras()
    if BACKEND == "torch":
        import torch

        xt = torch.tensor(x, requires_grad=True)
        out = layer(xt)
        outs = out if isinstance(out, (list, tuple)) else [out]
        sum((o**2).sum() for o in outs).backward()
        grads = [xt.grad.numpy()] + [v.value.grad.numpy() for v in layer.trainable_variables]
        return [o.detach().numpy() for o in outs], grads
    if BACKEND == "jax":
        import jax

        layer(x)  # build
        weights = [v.value for v in layer.trainable_variables]

        def loss(x, weights):
            values, _ = layer.stateless_call(
                weights, [v.value for v in layer.non_trainable_variables], x
            )
            outs = values if isinstance(values, (list, tuple)) else [values]
            return sum((o**2).sum() for o in outs), outs

        (_, outs), grads = jax.value_and_grad(loss, argnums=(0, 1), has_aux=True)(x, weights)
        return [np.asarray(o) for o in outs], [np.asarray(grads[0])] + [
            np.asarray(g) for g in grads[1]
        ]
    import tensorflow as tf

    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = layer(xt)
        outs = out if isinstance(out, (list, tuple)) else [out]
        loss = sum(tf.reduce_sum(o**2) for o in outs)
    grads = tape.gradient(loss, [xt, *[v.value for v in layer.trainable_variables]])
    del keras
    return [o.numpy() for o in outs], [g.numpy() for g in grads]


def _assert_close(a, b, tol=1e-5):
    for left, right in zip(a, b, strict=True):
        np.testing.assert_allclose(left, right, atol=tol, rtol=tol)


@pytest.mark.skipif(BACKEND != "torch", reason="the fused LSTM is the torch backend's fast path")
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"return_sequences": True},
        {"go_backwards": True, "return_sequences": True},
        {"return_state": True},
    ],  # fmt: skip
)
def test_fused_torch_lstm_matches_keras_loop(kwargs):
    keras = _keras()
    x = np.random.default_rng(0).normal(size=(4, 9, 6)).astype("float32")
    fast_paths.install()
    results = []
    for use_fast in (False, True):
        keras.utils.set_random_seed(1)
        layer = keras.layers.LSTM(5, **kwargs)
        if use_fast:
            results.append(_outputs_and_gradients(layer, x))
        else:
            with fast_paths.disabled():
                results.append(_outputs_and_gradients(layer, x))
    (ref_out, ref_grad), (out, grad) = results
    _assert_close(ref_out, out)
    _assert_close(ref_grad, grad)
    # The fast path really is another function (not Keras' loop twice).
    from keras.src import backend as keras_backend

    assert keras_backend.lstm.__wrapped__ is not keras_backend.lstm


@pytest.mark.parametrize("layer_name", ["LSTM", "ConvLSTM2D"])
def test_unrolled_rnn_matches_the_scan(layer_name):
    keras = _keras()
    rng = np.random.default_rng(1)
    if layer_name == "LSTM":
        x = rng.normal(size=(3, 7, 4)).astype("float32")
        make = lambda unroll: keras.layers.LSTM(6, return_sequences=True, unroll=unroll)  # noqa: E731
    else:
        x = rng.normal(size=(2, 4, 6, 6, 1)).astype("float32")
        make = lambda unroll: keras.layers.ConvLSTM2D(  # noqa: E731
            3, (3, 3), padding="same", return_sequences=True, unroll=unroll
        )
    results = []
    for unroll in (False, True):
        keras.utils.set_random_seed(2)
        results.append(_outputs_and_gradients(make(unroll), x))
    _assert_close(results[0][0], results[1][0])
    _assert_close(results[0][1], results[1][1])


def test_tune_unrolls_only_short_sequences_on_jax():
    from keras_classics.examples import addition_rnn, imdb_lstm

    short = addition_rnn.build_model(addition_rnn.Config())
    long = imdb_lstm.build_model(imdb_lstm.Config())
    training.tune(short)
    training.tune(long)
    rnns = [layer for layer in short._flatten_layers() if isinstance(layer, _keras().layers.RNN)]
    assert rnns and all(layer.unroll == (BACKEND == "jax") for layer in rnns)
    assert not any(getattr(layer, "unroll", False) for layer in long._flatten_layers())
    expected = training.STEPS_PER_EXECUTION.get(BACKEND, 1)
    assert short.steps_per_execution == expected


@pytest.mark.skipif(BACKEND != "tensorflow", reason="the tf.data feed is TensorFlow's path")
def test_tf_dataset_yields_the_pydataset_batches():
    x = (np.arange(203 * 3, dtype="float32").reshape(203, 3), np.arange(203)[:, None])
    y = np.arange(203, dtype="float32")
    batches = training.EpochBatches(x, y, batch_size=16, seed=5)
    dataset = batches.tf_dataset()
    for epoch in (0, 1, 7):
        batches.set_epoch(epoch)
        got = list(dataset)
        assert len(got) == len(batches) == 13
        for index, (inputs, targets) in enumerate(got):
            want_inputs, want_targets = batches[index]
            np.testing.assert_array_equal(inputs[0].numpy(), want_inputs[0])
            np.testing.assert_array_equal(inputs[1].numpy(), want_inputs[1])
            np.testing.assert_array_equal(targets.numpy(), want_targets)


def test_tuned_training_ends_with_the_reference_weights(monkeypatch):
    """Tuned (several steps per execution, the tf.data feed, unrolling) and untuned training of
    a model with dropout and a partial last batch end with the same weights."""
    keras = _keras()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(203, 5, 3)).astype("float32")
    y = (x.sum(axis=(1, 2)) > 0).astype("float32")

    def trained(tuned: bool):
        if not tuned:
            monkeypatch.setattr(training, "STEPS_PER_EXECUTION", {})
            monkeypatch.setattr(training, "UNROLL_MAX_STEPS", {})
        keras.utils.set_random_seed(3)
        model = keras.Sequential(
            [
                keras.Input((5, 3)),
                keras.layers.LSTM(8),
                keras.layers.Dropout(0.3),
                keras.layers.Dense(1, activation="sigmoid"),
            ]  # fmt: skip
        )
        model.compile("adam", "binary_crossentropy")
        training.fit(model, None, x, y, epochs=3, batch_size=16, seed=5)
        monkeypatch.undo()
        return model

    tuned, reference = trained(True), trained(False)
    assert int(tuned.optimizer.iterations) == int(reference.optimizer.iterations) == 39
    _assert_close(tuned.get_weights(), reference.get_weights())


def test_inputs_computed_per_batch_keep_the_pydataset_feed():
    """Augmented images (an object that makes each batch on demand) cannot become tensors once:
    they stay on the PyDataset path on every backend; plain arrays take the backend's feed."""
    from keras_classics.examples.families.cifar10 import ShiftFlip

    images = np.zeros((8, 32, 32, 3), dtype="float32")
    labels = np.zeros((8, 10), dtype="float32")
    augmented = training.EpochBatches(ShiftFlip(images, seed=1), labels, batch_size=4, seed=0)
    assert not augmented.in_memory() and training.feed(augmented) is augmented
    plain = training.EpochBatches(images, labels, batch_size=4, seed=0)
    assert plain.in_memory()
    assert (training.feed(plain) is plain) == (BACKEND != "tensorflow")


@pytest.mark.skipif(BACKEND != "torch", reason="the fused LSTM is the torch backend's fast path")
def test_fused_torch_lstm_is_used_from_four_timesteps(monkeypatch):
    import importlib

    keras = _keras()
    rnn = importlib.import_module("keras.src.backend.torch.rnn")
    calls = []
    fused = rnn._cudnn_lstm
    monkeypatch.setattr(rnn, "_cudnn_lstm", lambda *a, **k: calls.append(1) or fused(*a, **k))
    fast_paths.install()
    layer = keras.layers.LSTM(3)
    for steps, expected in ((fast_paths.FUSED_MIN_STEPS - 1, 0), (fast_paths.FUSED_MIN_STEPS, 1)):
        calls.clear()
        layer(np.zeros((2, steps, 4), dtype="float32"))
        assert len(calls) == expected

"""BatchNormalization's moving statistics recomputed for the current weights ("precise BN").

In training, BatchNormalization normalises by the statistics of the batch; at inference
(validation, `predict`, a saved model, the pictures a run draws) by its moving averages,
updated after every training step as moving = 0.99 * moving + 0.01 * batch. They start at mean
0 and variance 1, and the start fades as 0.99**steps: 0.027 after 360 steps, while the inputs
of these layers often have variances of 0.001 to 0.02. A short run (a quick preset: a few
hundred steps) then divides by a standard deviation several times too large, and inference
shows flat grey frames (conv_lstm) or noise for clothes (mnist_acgan) where training already
draws them. The originals' tens of thousands of steps leave nothing of the start.

`recalibrate` sets the moving mean and variance to the average over a few batches of the
statistics a training step normalises by. Training itself, which uses batch statistics only,
is not changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import keras


def layers_of(model: keras.Layer) -> list[keras.layers.BatchNormalization]:
    """Every BatchNormalization layer in `model`, nested models included, in order."""
    found = []
    for layer in getattr(model, "layers", []):
        if isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer)
        else:
            found += layers_of(layer)
    return found


def recalibrate(model: keras.Model, batches: Iterable[Any]) -> int:
    """Sets every BatchNormalization layer's moving mean and variance to the mean, over
    `batches` (model inputs), of the batch statistics that training normalises by.

    Each batch goes through `model` in training mode, with the momentum of batch k set to
    1 - 1/k: the moving statistics become the running average of the batches' (k = 1 takes the
    first batch's whole). The layers' own momentum is restored afterwards. Returns the number
    of batches used; none leaves the statistics as they were.
    """
    norms = layers_of(model)
    momenta = [layer.momentum for layer in norms]
    count = 0
    try:
        for count, batch in enumerate(batches, start=1):
            for layer in norms:
                layer.momentum = 1.0 - 1.0 / count
            model(batch, training=True)
    finally:
        for layer, momentum in zip(norms, momenta, strict=True):
            layer.momentum = momentum
    return count


def in_batches(x: Any, batch_size: int, batches: int) -> list[Any]:
    """The first `batches` batches of `x` (an array, or a list of arrays for several inputs)."""
    arrays = x if isinstance(x, list | tuple) else [x]
    total = min(len(arrays[0]), batch_size * batches)
    chunks = []
    for start in range(0, total, batch_size):
        part = [a[start : start + batch_size] for a in arrays]
        chunks.append(part if isinstance(x, list | tuple) else part[0])
    return chunks


class Recalibrate(keras.callbacks.Callback):
    """After the last step of every epoch (before its validation loss and saved model),
    `recalibrate` on the first `batches` batches of `x` (the training inputs)."""

    def __init__(self, x: Any, batch_size: int, batches: int = 5):
        super().__init__()
        self.chunks = in_batches(x, batch_size, batches)
        arrays = x if isinstance(x, list | tuple) else [x]
        self.steps = -(-len(arrays[0]) // batch_size)

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        if batch + 1 < self.steps:  # with several steps per execution: the last one's index
            return
        recalibrate(self.model, self.chunks)  # on JAX, `self.model` first syncs the step's state

"""The gradient of a function with respect to its input tensor, on every Keras backend.

Keras 3 has no `K.gradients`/`K.function` (the symbolic API deep_dream was written with), and
each backend computes gradients its own way: `jax.value_and_grad`, `torch.autograd.grad`,
`tf.GradientTape`. `value_and_grad(fn)` hides only that difference; what is differentiated and
what is done with the gradient (the ascent loop) stays in the example.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np


def value_and_grad(fn: Callable[[Any], Any]) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Wraps `fn` (a backend tensor -> a scalar backend tensor) as numpy -> (value, gradient).

    `fn` must only read the variables it uses (call models with `training=False`). On JAX the
    function is compiled once per input shape (`jax.jit`), on TensorFlow traced once per shape
    (`tf.function`); on PyTorch it runs eagerly.

    Returns:
        A function `f(x)` returning `(float(fn(x)), d fn / d x)` with the gradient as a float32
        NumPy array of x's shape.
    """
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        compiled = jax.jit(jax.value_and_grad(fn))

        def call(x: np.ndarray) -> tuple[float, np.ndarray]:
            value, grad = compiled(jax.numpy.asarray(x, dtype="float32"))
            return float(value), np.array(grad)  # a writable copy

        return call
    if backend == "torch":
        import torch

        def call(x: np.ndarray) -> tuple[float, np.ndarray]:
            # convert_to_tensor puts it on the device Keras keeps its weights on.
            tensor = keras.ops.convert_to_tensor(np.asarray(x, dtype="float32"))
            tensor = tensor.detach().clone().requires_grad_(True)
            value = fn(tensor)
            (grad,) = torch.autograd.grad(value, tensor)
            return float(value.detach().cpu()), grad.detach().cpu().numpy()

        return call
    if backend == "tensorflow":
        import tensorflow as tf

        @tf.function(reduce_retracing=True)
        def traced(tensor):
            with tf.GradientTape() as tape:
                tape.watch(tensor)
                value = fn(tensor)
            return value, tape.gradient(value, tensor)

        def call(x: np.ndarray) -> tuple[float, np.ndarray]:
            value, grad = traced(tf.convert_to_tensor(np.asarray(x, dtype="float32")))
            return float(value), grad.numpy()

        return call
    raise ValueError(f"no gradient helper for the {backend!r} backend")

"""Faster kernels for Keras layers, each computing what Keras' own code computes.

Keras 3's torch backend runs an LSTM on the CPU as a Python loop over timesteps (one matmul and
a few element-wise ops per step, each a dispatch from Python), and uses torch's fused LSTM kernel
(`torch._VF.lstm`, the one behind `torch.nn.LSTM`) only on a CUDA device. That kernel runs on the
CPU as well, with the same gate order (input, forget, cell, output), so the weights, the seed's
parameter counts and saved models stay as they are. `install()` routes the standard LSTM (tanh
and sigmoid, with a bias, no mask, not unrolled) to it on every device; everything else goes to
Keras' own function. tests/test_fast_paths.py checks outputs and gradients against Keras' loop.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

_INSTALLED = False
# Below this many timesteps the fused kernel's set-up (its weight layout) costs more than the
# Python loop it replaces (measured per forward+backward of LSTM(20), batch 1: 1 step 278 us
# Keras vs 520 us fused; 4 steps 494 vs 432; 8 steps 773 vs 439).
FUSED_MIN_STEPS = 4


def install() -> None:
    """Routes Keras' torch LSTM to torch's fused kernel; a no-op on other backends."""
    global _INSTALLED
    import keras

    if _INSTALLED or keras.backend.backend() != "torch":
        return
    from keras.src import backend as keras_backend

    keras_backend.lstm = _fused_lstm(keras_backend.lstm)
    _INSTALLED = True


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Keras' own kernels inside the block (for `bench`'s plain-Keras baseline)."""
    global _INSTALLED
    if not _INSTALLED:
        yield
        return
    from keras.src import backend as keras_backend

    fast = keras_backend.lstm
    keras_backend.lstm = fast.__wrapped__
    _INSTALLED = False
    try:
        yield
    finally:
        keras_backend.lstm = fast
        _INSTALLED = True


def _standard(activation, recurrent_activation) -> bool:
    import torch
    from keras.src import activations, ops

    return activation in (activations.tanh, torch.tanh, ops.tanh) and recurrent_activation in (
        activations.sigmoid,
        torch.sigmoid,
        ops.sigmoid,
    )


def _fused_lstm(keras_lstm):
    """Wraps Keras' `backend.lstm` (torch) so that the standard LSTM runs as one fused kernel."""

    @functools.wraps(keras_lstm)
    def lstm(
        inputs,
        initial_state_h,
        initial_state_c,
        mask,
        kernel,
        recurrent_kernel,
        bias,
        activation,
        recurrent_activation,
        return_sequences=False,
        go_backwards=False,
        unroll=False,
        batch_first=True,
    ):
        import importlib

        import torch
        from keras.src.backend.torch.core import convert_to_tensor

        rnn = importlib.import_module("keras.src.backend.torch.rnn")  # the module, not rnn()

        compiling = hasattr(torch.compiler, "is_compiling") and torch.compiler.is_compiling()
        if (
            mask is not None
            or unroll
            or bias is None
            or not batch_first
            or inputs.shape[1] < FUSED_MIN_STEPS
            or torch.jit.is_tracing()
            or compiling
            or not _standard(activation, recurrent_activation)
        ):
            return keras_lstm(
                inputs, initial_state_h, initial_state_c, mask, kernel, recurrent_kernel, bias,
                activation, recurrent_activation, return_sequences=return_sequences,
                go_backwards=go_backwards, unroll=unroll, batch_first=batch_first,
            )  # fmt: skip
        # The same conversions as Keras' function, then its cuDNN branch (device-independent).
        kernel = convert_to_tensor(kernel)
        dtype = kernel.dtype
        inputs = convert_to_tensor(inputs).to(dtype)
        if go_backwards:
            inputs = torch.flip(inputs, dims=[1])
        return rnn._cudnn_lstm(
            inputs,
            convert_to_tensor(initial_state_h).to(dtype),
            convert_to_tensor(initial_state_c).to(dtype),
            kernel,
            convert_to_tensor(recurrent_kernel),
            convert_to_tensor(bias),
            return_sequences=return_sequences,
            device=inputs.device,
        )

    return lstm

"""Choosing the Keras backend. Keras reads KERAS_BACKEND once, at import, so this runs first."""

from __future__ import annotations

import importlib.util
import os
import sys

from keras_classics.errors import UserError

BACKENDS = ("jax", "torch", "tensorflow")
# The module that must be importable for each backend.
_BACKEND_MODULE = {"jax": "jax", "torch": "torch", "tensorflow": "tensorflow"}


def resolve(name: str) -> str:
    """Turns a --backend value into a concrete backend name.

    Args:
        name: "auto", "jax", "torch" or "tensorflow".

    Returns:
        The backend to use; "auto" means JAX (the fastest default on most examples).

    Raises:
        UserError: for an unknown name or a backend that is not installed.
    """
    if name == "auto":
        name = os.environ.get("KERAS_BACKEND") or "jax"
    if name not in BACKENDS:
        raise UserError(f"unknown backend {name!r}: choose one of auto, {', '.join(BACKENDS)}")
    if importlib.util.find_spec(_BACKEND_MODULE[name]) is None:
        extra = "tensorflow" if name == "tensorflow" else name
        raise UserError(f"backend {name!r} is not installed: pip install 'keras-classics[{extra}]'")
    return name


def activate(name: str) -> str:
    """Sets KERAS_BACKEND before keras is imported and returns the resolved backend.

    Raises:
        UserError: if keras was already imported with another backend (it cannot switch).
    """
    name = resolve(name)
    # Quieten TensorFlow's C++ start-up chatter and oneDNN notices; errors still show.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    if "keras" in sys.modules:
        current = sys.modules["keras"].backend.backend()
        if current != name:
            raise UserError(
                f"keras is already running on {current!r} in this process; "
                f"start a new process for --backend {name}"
            )
        return name
    os.environ["KERAS_BACKEND"] = name
    return name

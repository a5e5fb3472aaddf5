"""Choosing the Keras backend. Keras reads KERAS_BACKEND once, at import, so this runs first."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
import tempfile

from keras_classics.errors import UserError

BACKENDS = ("jax", "torch", "tensorflow")
# The module that must be importable for each backend.
_BACKEND_MODULE = {"jax": "jax", "torch": "torch", "tensorflow": "tensorflow"}


def installed() -> list[str]:
    """The backends whose framework can be imported here, in BACKENDS order."""
    return [name for name in BACKENDS if importlib.util.find_spec(_BACKEND_MODULE[name])]


def choose(name: str, example: str | None = None) -> tuple[str, str]:
    """Turns a --backend value into a concrete backend name, and says why.

    Args:
        name: "auto", "jax", "torch" or "tensorflow".
        example: the example the command is about; auto picks its fastest backend.

    Returns:
        (backend, reason): for "auto", $KERAS_BACKEND if set, else the fastest installed backend
        for this example and device kind in the shipped table (`autotable`).

    Raises:
        UserError: for an unknown name or a backend that is not installed.
    """
    if name == "auto":
        from_env = os.environ.get("KERAS_BACKEND")
        if from_env:
            name, reason = from_env, f"auto: KERAS_BACKEND={from_env} in the environment"
        else:
            from keras_classics import autotable

            name, reason = autotable.choose(example, installed())
    else:
        reason = "chosen with --backend"
    if name not in BACKENDS:
        raise UserError(f"unknown backend {name!r}: choose one of auto, {', '.join(BACKENDS)}")
    if importlib.util.find_spec(_BACKEND_MODULE[name]) is None:
        extra = "tensorflow" if name == "tensorflow" else name
        raise UserError(f"backend {name!r} is not installed: pip install 'keras-classics[{extra}]'")
    return name, reason


def resolve(name: str) -> str:
    """The backend `choose` picks, without the reason."""
    return choose(name)[0]


def activate(name: str, quick_compile: bool = False) -> str:
    """Sets KERAS_BACKEND before keras is imported and returns the resolved backend.

    Args:
        name: the backend (or "auto").
        quick_compile: for commands that build models and run them little (explain): on JAX,
            XLA compiles without LLVM's optimisation passes unless XLA_FLAGS says otherwise
            (the walkthrough of class_activation_maps: 29 s of compiling -> 11 s, 2 cores).

    Raises:
        UserError: if keras was already imported with another backend (it cannot switch).
    """
    name = resolve(name)
    if quick_compile and name == "jax" and "jax" not in sys.modules:
        os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")
    # Quieten TensorFlow's C++ start-up chatter; errors still show. oneDNN stays as TensorFlow
    # sets it: on this project's CPUs it makes TensorFlow's convolutions 2-3x faster.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
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


# What TensorFlow's C++ start-up writes to stderr however TF_CPP_MIN_LOG_LEVEL is set (TF 2.21
# logs through absl before absl is initialised): the oneDNN notice, twice, and absl's warning.
_STARTUP_NOISE = re.compile(r"oneDNN custom operations are on|before absl::InitializeLog\(\)")


def import_quietly(module: str = "keras") -> None:
    """Imports `module` with TensorFlow's start-up notices left out of stderr; any other line
    written while importing (a real warning or error) is passed on."""
    if module in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            importlib.import_module(module)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            for line in captured.read().decode(errors="replace").splitlines(keepends=True):
                if not _STARTUP_NOISE.search(line):
                    sys.stderr.write(line)
            sys.stderr.flush()


def import_keras_quietly() -> None:
    """Imports keras (and, on the TensorFlow backend, TensorFlow) without TensorFlow's start-up
    notices, and keeps them out when Keras imports TensorFlow later on another backend: Keras
    does, when it is installed, the first time it serialises a layer (saving a model, cloning
    one) to check for TensorFlow's types."""
    import_quietly("keras")
    try:
        from keras.src.utils import module_utils
    except ImportError:  # another Keras layout: its notices are only noise
        return
    lazy = module_utils.tensorflow
    if vars(lazy).get("_imports_quietly"):  # not getattr: LazyModule imports on a miss
        return
    load = lazy.initialize

    def initialize() -> None:
        import_quietly("tensorflow")
        load()

    lazy.initialize = initialize
    lazy._imports_quietly = True

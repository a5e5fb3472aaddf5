"""The registry: every example with its dataset, task and the original's documented result.

Example modules are imported lazily (`load`), so `list` is instant and importing the registry
never imports keras. Tests are generated from `EXAMPLES`, so nothing registered goes untested.
"""

from __future__ import annotations

import dataclasses
import importlib
from types import ModuleType

from keras_classics.backend import BACKENDS
from keras_classics.errors import UserError


@dataclasses.dataclass(frozen=True)
class Example:
    """One classic example.

    Attributes:
        name: the original script's name without `.py`; also the module name.
        dataset: the data it trains on.
        task: what it learns, in a few words.
        documented: the result the original script claimed.
        backends: the backends it runs on (all three unless an example says otherwise).
    """

    name: str
    dataset: str
    task: str
    documented: str
    backends: tuple[str, ...] = BACKENDS


EXAMPLES: tuple[Example, ...] = (
    Example(
        "addition_rnn",
        "generated sums (built in)",
        "seq2seq LSTM that learns to add two 3-digit numbers",
        "99% train/test accuracy in 100 epochs (3 digits, 50k samples, reversed)",
    ),
    Example(
        "mnist_cnn",
        "MNIST",
        "convnet digit classifier",
        "99.25% test accuracy after 12 epochs",
    ),
    Example(
        "mnist_mlp",
        "MNIST",
        "multilayer perceptron digit classifier",
        "98.40% test accuracy after 20 epochs",
    ),
)

_BY_NAME = {example.name: example for example in EXAMPLES}


def names() -> list[str]:
    """Example names in registry order."""
    return [example.name for example in EXAMPLES]


def spec(name: str) -> Example:
    """The registry entry of `name`.

    Raises:
        UserError: for an unknown name, with the closest known names.
    """
    if name not in _BY_NAME:
        import difflib

        close = difflib.get_close_matches(name, names(), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else "; see `keras-classics list`"
        raise UserError(f"unknown example {name!r}{hint}")
    return _BY_NAME[name]


def load(name: str) -> ModuleType:
    """Imports and returns the module of example `name` (imports keras: set the backend first)."""
    spec(name)
    return importlib.import_module(f"keras_classics.examples.{name}")

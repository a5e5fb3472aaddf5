"""`keras-classics explain NAME`: the walkthrough's steps, computed live by the example's own code.

Each example's `explain(config, source)` yields `Section`s: a heading in English and Chinese and
a body computed from the package's code and data (never a stored string).
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable

import numpy as np


@dataclasses.dataclass(frozen=True)
class Section:
    """One step of the walkthrough."""

    en: str
    zh: str
    body: str


def render(sections: Iterable[Section], lang: str = "en") -> str:
    """Headings in the chosen language, each followed by its body."""
    parts = []
    for number, section in enumerate(sections, 1):
        title = section.zh if lang == "zh" else section.en
        parts.append(f"## {number}. {title}\n{section.body.rstrip()}\n")
    return "\n".join(parts)


def summary_text(model) -> str:
    """The Keras summary of `model` as plain text, with parameter totals."""
    lines: list[str] = []
    model.summary(print_fn=lambda line, **_: lines.append(line))
    return "\n".join(lines) + "\n" + parameter_line(model)


def parameter_line(model) -> str:
    """`name: total 1,199,882 | trainable 1,199,882 | non-trainable 0`."""
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return (
        f"{model.name}: total {trainable + non_trainable:,} | trainable {trainable:,} | "
        f"non-trainable {non_trainable:,}"
    )


def layer_table(model, names: list[str] | None = None) -> str:
    """The summary as the walkthrough prints a functional model: one line per layer with its
    name (type), output shape, parameters and the layers it is connected to, nothing cut short
    (Keras' own table truncates long names at 80 columns). `names`: only these layers."""
    layers = [model.get_layer(name) for name in names] if names else model.layers
    rows = [("Layer (type)", "Output Shape", "Param #", "Connected to")]
    for layer in layers:
        try:
            inputs = layer._inbound_nodes[0].input_tensors
            connected = ", ".join(t._keras_history.operation.name for t in inputs)
        except (AttributeError, IndexError):
            connected = ""
        output = layer.output  # a list for a layer with several outputs
        shape = [tuple(t.shape) for t in output] if isinstance(output, list) else output.shape
        name = f"{layer.name} ({type(layer).__name__})"
        shown = str(shape if isinstance(shape, list) else tuple(shape))
        rows.append((name, shown, f"{layer.count_params():,}", connected))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        f"{name:<{widths[0]}}  {shape:<{widths[1]}}  {count:>{widths[2]}}  {connected}".rstrip()
        for name, shape, count, connected in rows
    )


def array_text(array: np.ndarray, max_rows: int = 12) -> str:
    """A NumPy array printed whole (no wrapping), as the walkthrough shows matrices."""
    buffer = io.StringIO()
    with np.printoptions(linewidth=200, threshold=max_rows * 200):
        print(array, file=buffer)
    return buffer.getvalue()


def ascii_image(image: np.ndarray) -> str:
    """A grey image in [0, 1] (or 0-255) as characters, dark to bright: ' .:-=+*#%@'."""
    values = np.asarray(image, dtype=np.float32)
    if values.max() > 1.0:
        values = values / 255.0
    ramp = " .:-=+*#%@"
    indices = np.clip((values * (len(ramp) - 1)).round().astype(int), 0, len(ramp) - 1)
    return "\n".join("".join(ramp[i] * 2 for i in row) for row in indices)

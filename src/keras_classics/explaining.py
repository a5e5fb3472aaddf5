"""`keras-classics explain NAME`: the walkthrough's steps, computed live by the example's own code.

Each example's `explain(config, source)` yields `Section`s: a heading in English and Chinese and
a body computed from the package's code and data (never a stored string). The body's prose, the
sentences that explain what is printed, is written with `say(en, zh)` so that `--lang zh` gives
it in Chinese too; what the code computes (arrays, summaries, numbers) is the same in both.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np


class Text:
    """A body made of plain strings and bilingual sentences, concatenated with `+` (either side
    may be a `str`). Rendered with `in_language`; `str()` refuses, so that an f-string cannot
    silently drop the Chinese."""

    def __init__(self, *parts: str | tuple[str, str]):
        self.parts = parts

    def __add__(self, other: str | Text) -> Text:
        return Text(*self.parts, *_parts(other))

    def __radd__(self, other: str | Text) -> Text:
        return Text(*_parts(other), *self.parts)

    def in_language(self, lang: str) -> str:
        pick = 1 if lang == "zh" else 0
        return "".join(part if isinstance(part, str) else part[pick] for part in self.parts)

    def __str__(self) -> str:
        raise TypeError("a bilingual Text is rendered with .in_language(lang), not str()")

    def __repr__(self) -> str:
        return f"Text({self.in_language('en')!r})"


def _parts(value: str | Text) -> tuple[str | tuple[str, str], ...]:
    return value.parts if isinstance(value, Text) else (value,)


def say(en: str, zh: str) -> Text:
    """A sentence (or paragraph) of prose in English and Chinese."""
    return Text((en, zh))


def in_language(body: str | Text, lang: str) -> str:
    return body.in_language(lang) if isinstance(body, Text) else body


@dataclasses.dataclass(frozen=True)
class Section:
    """One step of the walkthrough: its heading in both languages and its body (`text`), whose
    prose may be bilingual (`say`)."""

    en: str
    zh: str
    text: str | Text

    @property
    def body(self) -> str:
        """The body in English."""
        return in_language(self.text, "en")

    def body_in(self, lang: str) -> str:
        return in_language(self.text, lang)


@dataclasses.dataclass(frozen=True)
class Lead:
    """What a reader must know before anything else (the network's weights are random, the test
    images stand in for the training images): a walkthrough may yield it, anywhere among its
    sections, and `explain` prints it on the output's first line, after the data note."""

    text: str | Text

    def in_language(self, lang: str) -> str:
        return in_language(self.text, lang)


def render(sections: Iterable[Section], lang: str = "en") -> str:
    """Headings and bodies in the chosen language."""
    parts = []
    for number, section in enumerate(sections, 1):
        title = section.zh if lang == "zh" else section.en
        parts.append(f"## {number}. {title}\n{section.body_in(lang).rstrip()}\n")
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


def _snake_case(name: str) -> str:
    """A layer class's name as Keras 3 names its instances: Conv2D -> conv2d, LSTM -> lstm."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _with_inner_layers(layers):
    """Each layer, followed by the layers inside it (a wrapper's layer, a nested model's)."""
    for layer in layers:
        yield layer, True
        inner = getattr(layer, "layer", None)
        inner = [inner] if inner is not None else getattr(layer, "layers", [])
        for nested, _ in _with_inner_layers(inner):
            yield nested, False


def automatic_names(model) -> tuple[list[str], list[str]]:
    """(the names Keras gave the automatically named layers that `model`'s summary shows, in
    order; the names they get when the model is the first one built in its process). A name is
    automatic when it is the layer class's snake-case name, alone or with a number (dense,
    dense_3); layers inside a wrapper or a nested model take numbers too, unshown."""
    printed, fresh, seen = [], [], Counter()
    for layer, shown in _with_inner_layers(model.layers):
        base = _snake_case(type(layer).__name__)
        if re.fullmatch(rf"{re.escape(base)}(_\d+)?", layer.name):
            if shown:
                printed.append(layer.name)
                fresh.append(base if not seen[base] else f"{base}_{seen[base]}")
            seen[base] += 1
    return printed, fresh


def names_note(model, seed_names: Sequence[str], shown: int = 3) -> Text:
    """The note under a summary whose automatic layer names differ from the seed's, worded from
    the names the summary shows: Keras 3 leaves the first layer of a kind unnumbered (dense,
    dense_1) where the seed's Keras 2 counted from 1 (dense_1, dense_2), and the numbers go on
    from the layers made before in the same process.

    Args:
        model: the model whose summary is printed.
        seed_names: the seed's names for its automatically named layers, in order.
        shown: how many pairs the note quotes.
    """
    printed, fresh = automatic_names(model)
    ours, theirs = ", ".join(printed[:shown]), ", ".join(seed_names[:shown])
    if printed == fresh:
        return say(
            f"(Keras 3 numbers automatic layer names from 0 ({ours}) where the seed's Keras 2 "
            f"printed {theirs}; layer order, output shapes and parameter counts are the seed's.)",
            f"（Keras 3 的自动层名从 0 开始编号（{ours}），而原文的 Keras 2 打印的是 {theirs}；"
            "层的顺序、输出 shape 和参数个数都与原文一致。）",
        )
    return say(
        f"(Keras 3 numbers automatic layer names across the whole process, so after the layers "
        f"made before this model its layers are {ours} (built first they would be "
        f"{', '.join(fresh[:shown])}); the seed's Keras 2 printed {theirs}; layer order, output "
        "shapes and parameter counts are the seed's.)",
        f"（Keras 3 的自动层名在整个进程内连续编号，这个模型之前已经建过别的层，所以这里是 {ours}"
        f"（先建这个模型的话是 {', '.join(fresh[:shown])}）；原文的 Keras 2 打印的是 {theirs}；"
        "层的顺序、输出 shape 和参数个数都与原文一致。）",
    )

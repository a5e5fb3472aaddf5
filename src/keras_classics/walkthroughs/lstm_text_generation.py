"""The walkthrough of lstm_text_generation (`keras-classics explain lstm_text_generation`): the
seed's steps, in order."""

from __future__ import annotations

import numpy as np

from keras_classics.datasets import text_corpus
from keras_classics.examples.lstm_text_generation import Config, DataSpec, build_model, characters
from keras_classics.registry import Context


def explain(config: Config, context: Context):
    """The walkthrough: the character table, the windows and next characters, shapes, model."""
    source = context.source
    from keras_classics.explaining import Section, array_text, say, summary_text

    text = text_corpus.load(source, config.text_path, min_chars=600_893, seed=config.seed)
    text = text.lower()
    chars, char_indices = characters(text)
    yield Section(
        "The lowercased text and its characters (print(char_indices))",
        "文本（转为小写）和字符表（print(char_indices)）",
        f"corpus length: {len(text)}\ntotal chars: {len(chars)}\n{char_indices}",
    )
    sentences, next_chars = text_corpus.windows(text, config.maxlen, config.step, limit=50)
    width = max(len(repr(s)) for s in sentences)
    rows = [f"{'sentences':<{width}}  next_chars"]
    rows += [f"{s!r:<{width}}  {c!r}" for s, c in zip(sentences, next_chars, strict=True)]
    yield Section(
        f"Windows of {config.maxlen} characters every {config.step} (sentences) and the "
        "character after each (next_chars)",
        f"构造训练数据：每隔 {config.step} 个字符取 {config.maxlen} 个字符（sentences），"
        "以及其后的下一个字符（next_chars）",
        "\n".join(rows)
        + "\n"
        + say(
            f"Every window has exactly {config.maxlen} characters: '\\n' is one character, "
            "printed as two.",
            f"每个窗口都正好是 {config.maxlen} 个字符：看起来好像不一样长，是因为 '\\n' 实际上是"
            "一个字符，打印出来却是两个字符。",
        ),
    )
    count = text_corpus.count_windows(len(text), config.maxlen, config.step)
    x0, y0 = text_corpus.one_hot(sentences[:1], next_chars[:1], char_indices)
    columns, column = [int(i) for i in x0[0, :3].argmax(axis=1)], int(y0[0].argmax())
    yield Section(
        "One-hot encoding: shapes, and the first window's first rows",
        "one-hot 编码后的形状，以及第一个窗口的前几行",
        f"nb sequences: {count}\nx.shape {(count, config.maxlen, len(chars))}\n"
        f"y.shape {(count, len(chars))}\n"
        f"x[0][:3] ({sentences[0][:3]!r}, "
        + say(f"True at columns {columns}", f"第 {columns} 列为 True")
        + f"):\n{array_text(x0[0, :3].astype(int))}y[0] ({next_chars[0]!r}, "
        + say(f"True at column {column}", f"第 {column} 列为 True")
        + ")",
    )
    yield Section(
        "The model",
        "神经网络模型",
        summary_text(build_model(config, DataSpec(config.maxlen, len(chars)))),
    )
    frequencies = np.array([text.count(c) for c in chars], dtype=np.float32) / len(text)
    top = np.argsort(frequencies)[::-1][:5]
    lines = []
    for diversity in config.diversities:
        reweighted = np.exp(np.log(frequencies.astype(np.float64) + 1e-12) / diversity)
        reweighted /= reweighted.sum()
        shown = "  ".join(f"{chars[i]!r} {reweighted[i]:.3f}" for i in top)
        lines.append(f"diversity {diversity}: {shown}")
    yield Section(
        "Diversity reshapes a distribution (the five commonest characters' frequencies)",
        "diversity（温度）如何改变概率分布（以最常见的五个字符的频率为例）",
        "\n".join(lines),
    )

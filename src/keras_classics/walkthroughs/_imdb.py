"""The data steps the IMDB walkthroughs share."""

from __future__ import annotations

import numpy as np

from keras_classics.datasets.imdb import describe_origin, load
from keras_classics.datasets.imdb_words import decode_review, get_word_index, reverse_word_index
from keras_classics.datasets.source import DataSource


def walkthrough(source: DataSource, num_words: int, maxlen: int, count: int = 3):
    """The data steps of the IMDB walkthrough: the word index with its four special tokens,
    decoded reviews with their labels, the shapes after padding (explaining.Section items)."""
    from keras_classics.explaining import Section

    limit = 1000 if source.synthetic else 0  # the twin: enough reviews to show, quickly
    (x_train, y_train), (x_test, _) = load(
        source, num_words=num_words, train_count=limit, test_count=limit
    )
    index = get_word_index(source)
    reverse = reverse_word_index(index)
    lowest = sorted(reverse.items())[:12]
    yield Section(
        "The word index, shifted by 3 for <PAD> 0, <START> 1, <UNK> 2, <UNUSED> 3",
        "单词编号：原编号加 3，0-3 留给 <PAD>、<START>、<UNK>、<UNUSED>",
        f"{len(index):,} words; ids 0-11: {dict(lowest)}",
    )
    body = [f"read from {describe_origin(source)}"]
    for i in range(min(count, len(x_train))):
        body.append(f"x_train[{i}][:30] = {list(x_train[i][:30])}")
        body.append(decode_review(x_train[i], reverse))
        body.append(f"y_train[{i}] = {y_train[i]}")
    yield Section(
        f"The first {count} training reviews decoded (num_words={num_words}; 1 = positive)",
        f"解码前 {count} 条训练评论（y_train 的 0 和 1 分别代表差评和好评）",
        "\n".join(body),
    )
    lengths = np.array([len(x) for x in x_train])
    padded = (len(x_train), maxlen)
    yield Section(
        f"Shapes after pad_sequences(maxlen={maxlen}): long reviews keep their last {maxlen} words",
        "pad_sequences 之后 x_train 和 y_train 的 shape",
        f"{len(x_train)} train / {len(x_test)} test reviews; mean length {lengths.mean():.0f}, "
        f"{(lengths > maxlen).mean():.0%} longer than {maxlen}\n{padded}\n{y_train.shape}",
    )

"""The data steps the IMDB walkthroughs share."""

from __future__ import annotations

import numpy as np

from keras_classics.datasets import imdb
from keras_classics.datasets.imdb import describe_origin, load
from keras_classics.datasets.imdb_words import decode_review, get_word_index, reverse_word_index
from keras_classics.datasets.source import DataSource
from keras_classics.explaining import Text, say


def origin(source: DataSource) -> Text:
    """'read from ...': which reviews `load` reads (`imdb.describe_origin`), in both languages."""
    npz = None if source.synthetic else imdb.cache.find(imdb.IMDB_NPZ, source)
    folder = None if source.synthetic or npz is not None else imdb.find_aclimdb(source)
    if source.synthetic:
        where = "合成数据（生成的评论）"
    elif folder is None:
        where = "imdb.npz（评论顺序与原文打印的相同）"
    else:
        where = (
            f"{folder}，按单词编号转换成整数：与 imdb.npz 的编码相同，但评论顺序不同，所以 "
            "x_train[0] 不是原文打印的第一条评论"
        )
    return say(f"read from {describe_origin(source)}", f"数据来源：{where}")


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
        say(f"{len(index):,} words; ids 0-11: ", f"共 {len(index):,} 个单词；编号 0-11：")
        + f"{dict(lowest)}",
    )
    body = origin(source)
    for i in range(min(count, len(x_train))):
        body += f"\nx_train[{i}][:30] = {list(x_train[i][:30])}"
        body += f"\n{decode_review(x_train[i], reverse)}"
        body += f"\ny_train[{i}] = {y_train[i]}"
    yield Section(
        f"The first {count} training reviews decoded (num_words={num_words}; 1 = positive)",
        f"解码前 {count} 条训练评论（y_train 的 0 和 1 分别代表差评和好评）",
        body,
    )
    lengths = np.array([len(x) for x in x_train])
    padded = (len(x_train), maxlen)
    longer = (lengths > maxlen).mean()
    yield Section(
        f"Shapes after pad_sequences(maxlen={maxlen}): long reviews keep their last {maxlen} words",
        "pad_sequences 之后 x_train 和 y_train 的 shape",
        say(
            f"{len(x_train)} train / {len(x_test)} test reviews; mean length "
            f"{lengths.mean():.0f}, {longer:.0%} longer than {maxlen}",
            f"训练评论 {len(x_train)} 条 / 测试评论 {len(x_test)} 条；平均长度 "
            f"{lengths.mean():.0f} 个词，{longer:.0%} 的评论超过 {maxlen} 个词（只保留最后 "
            f"{maxlen} 个）",
        )
        + f"\n{padded}\n{y_train.shape}",
    )

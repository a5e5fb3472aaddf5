"""The walkthrough of babi_rnn (`keras-classics explain babi_rnn`): the seed's steps, in order."""

from __future__ import annotations

import numpy as np

from keras_classics.datasets import babi_stories
from keras_classics.examples.babi_rnn import Config, build_model, load_data
from keras_classics.registry import Context


def explain(config: Config, context: Context):
    """The walkthrough: the first story, the word index, its vectors, shapes, the model."""
    source = context.source
    from keras_classics.explaining import Section, summary_text

    data = load_data(config, source)
    stories = data.stories
    first = next(i for i, line in enumerate(stories.first_lines) if "\t" in line)
    yield Section(
        f"The first example of qa{config.task} ({config.size})",
        "第一个示例",
        "\n".join(stories.first_lines[: first + 1]),
    )
    word_idx = babi_stories.word_index(stories.vocab)
    yield Section(
        f"The word index ({len(word_idx)} words; 0 pads, so vocab_size = {data.spec.vocab_size})",
        "单词映射",
        str(word_idx),
    )
    story, query, answer = stories.train[0]
    x, y = data.train
    with np.printoptions(linewidth=75):
        body = f"{(story, query, answer)}\n{x[0][0]}\n{x[1][0]}\n{y[0]}"
    yield Section(
        "The first story, question and one-hot answer after encoding",
        "上面的材料编码后为（答案是 one-hot 编码，所以 loss 用 categorical_crossentropy）",
        body,
    )
    yield Section(
        "Training data shapes (before the 5% validation split)",
        "训练数据 shape",
        f"x.shape = {(len(stories.train), data.spec.story_maxlen)}\n"
        f"xq.shape = {(len(stories.train), data.spec.query_maxlen)}\n"
        f"y.shape = {(len(stories.train), data.spec.vocab_size)}\n"
        f"story_maxlen, query_maxlen = {data.spec.story_maxlen}, {data.spec.query_maxlen}",
    )
    yield Section("The model", "神经网络结构", summary_text(build_model(config, data.spec)))

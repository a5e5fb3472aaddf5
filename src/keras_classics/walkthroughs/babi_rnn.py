"""The walkthrough of babi_rnn (`keras-classics explain babi_rnn`): the seed's steps, in order."""

from __future__ import annotations

import keras
import numpy as np

from keras_classics.datasets import babi_stories
from keras_classics.examples.babi_rnn import Config, build_model, load_data
from keras_classics.registry import Context


def explain(config: Config, context: Context):
    """The walkthrough: the first story, the word index, its vectors (the one-hot answer, and why
    it means categorical_crossentropy where babi_memnn has the sparse one), shapes, the model."""
    source = context.source
    from keras_classics.explaining import Section, say, summary_text

    data = load_data(config, source)
    stories = data.stories
    first = next(i for i, line in enumerate(stories.first_lines) if "\t" in line)
    yield Section(
        f"The first example of qa{config.task} ({config.size})",
        f"第一个示例（qa{config.task}，{config.size}）",
        say(
            "The same task as babi_memnn, reading a story and answering a question about it, "
            f"on the same dataset; here the text comes from qa{config.task}'s file (the seed: "
            "qa2_two-supporting-facts_train.txt, more text). The sentences, then the question, "
            "its answer and the numbers of the sentences that support it:\n",
            "该代码的目的和 babi_memnn 类似，数据集也是同一个数据集，只不过这里的文本取自 "
            f"qa{config.task} 的文件（原文：qa2_two-supporting-facts_train.txt，文本量会大一些）。"
            "先是材料，然后是问题、答案和支持答案的句子编号：\n",
        )
        + "\n".join(stories.first_lines[: first + 1]),
    )
    word_idx = babi_stories.word_index(stories.vocab)
    yield Section(
        f"The word index ({len(word_idx)} words; 0 pads, so vocab_size = {data.spec.vocab_size})",
        f"单词映射（{len(word_idx)} 个单词；0 用于补齐，所以 vocab_size = {data.spec.vocab_size}）",
        str(word_idx),
    )
    story, query, answer = stories.train[0]
    (x, xq), y = data.train
    with np.printoptions(linewidth=75):
        body = f"{(story, query, answer)}\n{x[0]}\n{xq[0]}\n{y[0]}"
    # The same predictions scored both ways: one-hot targets (babi_rnn) and word ids (babi_memnn).
    ids = y[:3].argmax(axis=1)
    scores = np.random.default_rng(config.seed).normal(size=(3, y.shape[1]))
    p = keras.ops.softmax(scores)
    dense = keras.ops.convert_to_numpy(keras.losses.categorical_crossentropy(y[:3], p))
    sparse = keras.ops.convert_to_numpy(keras.losses.sparse_categorical_crossentropy(ids, p))
    yield Section(
        "The first story, question and one-hot answer after encoding: categorical_crossentropy",
        "上面的材料编码后为（答案是 one-hot 编码，所以 loss 用 categorical_crossentropy）",
        body
        + "\n"
        + say(
            f"The answer is one-hot encoded: vectorize_stories makes y a row of "
            f"{y.shape[1]} zeros with a 1 at the answer's id ({int(ids[0])}, '{answer}'), so the "
            "loss is categorical_crossentropy, which takes a distribution as its target. "
            "babi_memnn keeps each answer as its word id, an integer (the seed printed "
            "answers_train shape: (10000,)), and uses sparse_categorical_crossentropy, which takes the id itself: no "
            "one-hot encoding needed. The two losses compute the same number, -log p(answer); "
            "only the form of the answers decides which one fits. The same predictions p (a "
            "random softmax over the vocabulary, first 3 questions) scored both ways:\n",
            f"这里把答案进行了 one-hot 编码：vectorize_stories 把 y 做成 {y.shape[1]} 个 0，"
            f"在答案的编号（{int(ids[0])}，'{answer}'）处为 1，所以 loss 用的是 "
            "categorical_crossentropy，它的目标是一个分布；而 babi_memnn 把答案保留为单词的编号，"
            "一个整数（原文打印的 answers_train shape: (10000,)），用的是 sparse_categorical_crossentropy，"
            "直接接收编号，所以不用进行 one-hot 编码。两个损失算的是同一个数 -log p(答案)，用哪个"
            "只取决于答案的形式。同一组预测 p（在词表上随机的 softmax，前 3 个问题）用两种方式计算：\n",
        )
        + f"categorical_crossentropy(y[:3], p)                  = {np.round(dense, 6)}\n"
        f"sparse_categorical_crossentropy(y[:3].argmax(1), p) = {np.round(sparse, 6)}",
    )
    yield Section(
        "Training data shapes (before the 5% validation split)",
        "训练数据 shape（分出 5% 验证集之前）",
        f"x.shape = {(len(stories.train), data.spec.story_maxlen)}\n"
        f"xq.shape = {(len(stories.train), data.spec.query_maxlen)}\n"
        f"y.shape = {(len(stories.train), data.spec.vocab_size)}\n"
        f"story_maxlen, query_maxlen = {data.spec.story_maxlen}, {data.spec.query_maxlen}",
    )
    yield Section(
        "The model: story and question, each Embedding -> LSTM, concatenated -> Dense",
        "神经网络结构：材料和问题各自经过 Embedding -> LSTM，拼接后接 Dense",
        summary_text(build_model(config, data.spec)),
    )

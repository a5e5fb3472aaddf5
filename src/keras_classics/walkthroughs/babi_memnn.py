"""The walkthrough of babi_memnn (`keras-classics explain babi_memnn`): the seed's steps, in
order."""

from __future__ import annotations

from keras_classics.datasets import babi_stories
from keras_classics.examples.babi_memnn import Config, build_model, load_data
from keras_classics.registry import Context


def explain(config: Config, context: Context):
    """The walkthrough: the tokenizer fix, the first story, the word index, its vectors, shapes,
    the model."""
    source = context.source
    import re

    from keras_classics.explaining import Section, say, summary_text

    sentence = "Bob dropped the apple. Where is the apple?"
    pieces = re.split(r"(\W+)?", sentence)
    nones = pieces.count(None)
    yield Section(
        "The tokenizer bug (Python 3.7+) and its fix: drop the '?' after (\\W+)",
        "分词函数的 bug（Python 3.7 以上）及修复：去掉 (\\W+) 后面的问号",
        f"re.split(r'(\\W+)?', {sentence!r})\n{pieces}\n"
        + say(
            f"-> None items: x.strip() raises AttributeError ({nones} of them)",
            f"-> 结果里有 {nones} 个 None：对它们调用 x.strip() 会报 AttributeError",
        )
        + f"\ntokenize({sentence!r})  # re.split(r'(\\W+)', ...)\n"
        f"{babi_stories.tokenize(sentence)}",
    )
    data = load_data(config, source)
    stories = data.stories
    yield Section(
        f"The first example of qa{config.task} ({config.size}): two facts, then a question "
        "with its answer and supporting fact",
        "第一个示例：1 和 2 是材料，3 是问题、答案和支持事实的编号",
        "\n".join(stories.first_lines[:3]),
    )
    word_idx = babi_stories.word_index(stories.vocab)
    yield Section(
        f"The word index: {len(word_idx)} words and punctuation; 0 is the padding, "
        f"so vocab_size = {data.spec.vocab_size}",
        f"单词编码：共 {len(word_idx)} 个编码，再加上补齐的 0，总共 {data.spec.vocab_size} 个",
        str(word_idx),
    )
    story, query, answer = stories.train[0]
    (inputs, queries), answers = data.train
    yield Section(
        "The first (story, question, answer) and its vectors: story padded in front with 0",
        "编码第一个材料、问题和答案（前面用 0 补齐）",
        f"{(story, query, answer)}\n{inputs[0]}\n{queries[0]}\n{answers[0]}",
    )
    (test_inputs, test_queries), test_answers = data.test
    yield Section(
        "Input shapes (answers are word ids: sparse_categorical_crossentropy, no one-hot)",
        "输入的 shape（答案是单词编号，所以用 sparse_categorical_crossentropy）",
        f"Vocab size: {data.spec.vocab_size} unique words\n"
        f"Story max length: {data.spec.story_maxlen} words\n"
        f"Query max length: {data.spec.query_maxlen} words\n"
        f"inputs_train shape: {inputs.shape}\nqueries_train shape: {queries.shape}\n"
        f"answers_train shape: {answers.shape}\ninputs_test shape: {test_inputs.shape}\n"
        f"queries_test shape: {test_queries.shape}\nanswers_test shape: {test_answers.shape}",
    )
    yield Section(
        "The memory network",
        "神经网络结构",
        summary_text(build_model(config, data.spec)),
    )

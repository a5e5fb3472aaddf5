"""The walkthrough of addition_rnn (`keras-classics explain addition_rnn`): the seed's steps, in
order."""

from __future__ import annotations

import dataclasses

import numpy as np

from keras_classics.examples.addition_rnn import (
    CHARS,
    CharacterTable,
    Config,
    DataSpec,
    build_model,
    generate_questions,
    load_data,
    max_question_length,
)
from keras_classics.registry import Context


def explain(config: Config, context: Context):
    """The walkthrough's steps: questions and answers, their one-hot matrices, shapes, the model."""
    source = context.source
    from keras_classics.explaining import Section, array_text, say, summary_text

    small = dataclasses.replace(config, training_size=min(config.training_size, 50000))
    data_rng = np.random.default_rng(small.seed)
    questions, expected = generate_questions(small, data_rng)
    width, answer_width = max_question_length(small.digits), small.digits + 1
    yield Section(
        "The first ten questions and answers",
        "前十个问题和答案",
        f"print(questions[:10])\n{questions[:10]}\nprint(expected[:10])\n{expected[:10]}\n"
        + say(
            f"Questions are padded with spaces to {width} characters"
            + (" and reversed, so they read right-aligned;" if small.reverse else ";")
            + f" answers are left-aligned, padded to {answer_width}.",
            f"questions 用空格补齐到 {width} 个字符"
            + ("，再倒序，所以空格在前面，也就是右对齐；" if small.reverse else "；")
            + f"expected 在后面补空格到 {answer_width} 个字符，也就是左对齐。",
        ),
    )
    table = CharacterTable(CHARS)
    yield Section(
        "The alphabet: one column per character",
        "字符表：每个字符对应一列",
        f"{table.chars}"
        + say(f" ({len(table.chars)} characters)", f"（共 {len(table.chars)} 个字符）"),
    )
    spec = DataSpec(max_question_length(small.digits), small.digits + 1, len(table.chars))
    body = []
    for question in questions[:3]:
        body.append(
            f"{question.strip()!r} ->\n{array_text(table.encode(question, spec.question_length))}"
        )
    yield Section("Questions one-hot encoded", "问题的 one-hot 编码", "\n".join(body))
    body = [
        f"{answer.strip()!r} ->\n{array_text(table.encode(answer, spec.answer_length))}"
        for answer in expected[:3]
    ]
    yield Section(
        "Answers one-hot encoded (no '+' in answers: column 2 stays False)",
        "答案的 one-hot 编码（答案里没有加号，所以第二列永远为 False）",
        "\n".join(body),
    )
    data = load_data(small, source)
    yield Section(
        "Shapes after the 10% hold-out",
        "留出 10% 验证集后的形状",
        f"x_train.shape {data.train[0].shape}  y_train.shape {data.train[1].shape}\n"
        f"x_val.shape {data.test[0].shape}  y_val.shape {data.test[1].shape}",
    )
    yield Section(
        "The model (the encoder LSTM returns one vector, the decoder LSTM a sequence)",
        "神经网络模型（第一个 LSTM 的 return_sequences 为 False，第二个为 True）",
        summary_text(build_model(config, spec)),
    )

"""The walkthrough of mnist_irnn (`keras-classics explain mnist_irnn`): the seed's steps, in order."""

from __future__ import annotations

import numpy as np

from keras_classics.examples.mnist_irnn import Config, build_model, prepare
from keras_classics.registry import Context
from keras_classics.walkthroughs import _mnist

# The seed's Keras 2 names for the automatically named layers, in order.
SEED_NAMES = ("simple_rnn_1", "dense_1", "activation_1")


def explain(config: Config, context: Context):
    """The walkthrough: images as pixel sequences, the IRNN initialisation, the model."""
    source = context.source
    from keras_classics.explaining import Section, array_text, names_note, say, summary_text

    model = build_model(config)  # built first: its layers are numbered as if it were alone
    arrays, lead = _mnist.load(config, source, *_mnist.sample_counts(config, source))
    yield from lead
    (x_train, y_train), _ = arrays
    x, y = prepare(x_train, y_train, config.sequence_stride)
    first = x[0, :, 0]
    lit = np.flatnonzero(first > 0)
    en, zh = _mnist.heading_note(source, len(x), lead)
    first_lit, last_lit = (int(lit[0]), int(lit[-1])) if len(lit) else ("-", "-")
    yield Section(
        "Each image becomes a sequence of pixels" + en,
        "每张图片变成一个像素序列" + zh,
        f"x_train.shape {x.shape}  y_train.shape {y.shape}\n"
        + say(
            f"image 0 (label {int(y[0].argmax())}): {len(first)} time steps, the first non-zero "
            f"pixel at step {first_lit}, the last at step {last_lit}: the label is known only "
            "at the end",
            f"第 0 张图片（标签 {int(y[0].argmax())}）：{len(first)} 个时间步，第一个非零像素在第 "
            f"{first_lit} 步，最后一个在第 {last_lit} 步：读完整个序列才能知道标签",
        ),
    )
    kernel, recurrent, bias = model.layers[0].get_weights()
    # One step of the SimpleRNN with no input, from a positive state: relu(0 W + h R + b).
    state = np.random.default_rng(config.seed).random(recurrent.shape[0]).astype("float32")
    step = np.maximum(np.zeros(kernel.shape[0]) @ kernel + state @ recurrent + bias, 0)
    yield Section(
        "The IRNN initialisation: identity recurrence, tiny input weights",
        "IRNN 初始化：循环权重为单位矩阵，输入权重很小",
        say("recurrent kernel", "循环权重")
        + f" {recurrent.shape}, "
        + say("top-left 5x5 block:", "左上角 5x5：")
        + f"\n{array_text(recurrent[:5, :5])}"
        + say("input kernel", "输入权重")
        + f" {kernel.shape}: std {kernel.std():.5f} (RandomNormal(stddev=0.001)); "
        + say("bias all zero: ", "偏置全为 0：")
        + f"{not bias.any()}\n"
        + say(
            "With ReLU and no input, h_t = relu(h_(t-1)) = h_(t-1): the state is kept unchanged. "
            "One step from a random positive state: ",
            "激活函数为 ReLU 且没有输入时，h_t = relu(h_(t-1)) = h_(t-1)：状态保持不变。"
            "从一个随机的正状态走一步：",
        )
        + f"max |h_t - h_(t-1)| = {np.abs(step - state).max():.1e}",
    )
    yield Section(
        "The model",
        "网络结构",
        summary_text(model) + "\n" + names_note(model, SEED_NAMES),
    )

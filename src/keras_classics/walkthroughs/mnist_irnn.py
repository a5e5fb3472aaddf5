"""The walkthrough of mnist_irnn (`keras-classics explain mnist_irnn`): the seed's steps, in order."""

from __future__ import annotations

import numpy as np

from keras_classics.datasets import mnist
from keras_classics.examples.mnist_irnn import Config, build_model, prepare
from keras_classics.registry import Context
from keras_classics.walkthroughs import _mnist


def explain(config: Config, context: Context):
    """The walkthrough: images as pixel sequences, the IRNN initialisation, the model."""
    source = context.source
    from keras_classics.explaining import Section, array_text, summary_text

    (x_train, y_train), _ = mnist.load(
        config.dataset, source, *_mnist.sample_counts(config, source)
    )
    x, y = prepare(x_train, y_train, config.sequence_stride)
    first = x[0, :, 0]
    lit = np.flatnonzero(first > 0)
    note = f" (synthetic twin: the first {len(x)} rendered)" if source.synthetic else ""
    yield Section(
        "Each image becomes a sequence of pixels" + note,
        "每张图片变成一个像素序列" + ("（合成数据）" if source.synthetic else ""),
        f"x_train.shape {x.shape}  y_train.shape {y.shape}\n"
        f"image 0 (label {int(y[0].argmax())}): {len(first)} time steps, the first non-zero "
        f"pixel at step {int(lit[0]) if len(lit) else '-'}, the last at step "
        f"{int(lit[-1]) if len(lit) else '-'}: the label is known only at the end",
    )
    model = build_model(config)
    kernel, recurrent, bias = model.layers[0].get_weights()
    # One step of the SimpleRNN with no input, from a positive state: relu(0 W + h R + b).
    state = np.random.default_rng(config.seed).random(recurrent.shape[0]).astype("float32")
    step = np.maximum(np.zeros(kernel.shape[0]) @ kernel + state @ recurrent + bias, 0)
    yield Section(
        "The IRNN initialisation: identity recurrence, tiny input weights",
        "IRNN 初始化：循环权重为单位矩阵，输入权重很小",
        f"recurrent kernel {recurrent.shape}, top-left 5x5 block:\n"
        f"{array_text(recurrent[:5, :5])}"
        f"input kernel {kernel.shape}: std {kernel.std():.5f} (RandomNormal(stddev=0.001)); "
        f"bias all zero: {not bias.any()}\n"
        "With ReLU and no input, h_t = relu(h_(t-1)) = h_(t-1): the state is kept unchanged. "
        f"One step from a random positive state: max |h_t - h_(t-1)| = "
        f"{np.abs(step - state).max():.1e}",
    )
    yield Section(
        "The model",
        "网络结构",
        summary_text(model)
        + "\n(Keras 3 numbers automatic layer names from 0 (simple_rnn, dense, activation) "
        "where the seed's Keras 2 printed simple_rnn_1, dense_1, activation_1; layer order, "
        "output shapes and parameter counts are the seed's.)",
    )

"""The walkthrough of antirectifier (`keras-classics explain antirectifier`): the seed's steps, in
order."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from keras_classics.examples.antirectifier import (
    Antirectifier,
    Config,
    build_model,
    build_relu_wide,
    prepare,
)
from keras_classics.registry import Context
from keras_classics.walkthroughs import _mnist

# The seed's Keras 2 names for the automatically named layers, in order.
SEED_NAMES = (
    "dense_1", "antirectifier_1", "dropout_1", "dense_2", "antirectifier_2", "dropout_2",
    "dense_3", "activation_1",
)  # fmt: skip


def explain(config: Config, context: Context):
    """The walkthrough: input and output shapes, the layer on a small example, the model."""
    source = context.source
    from keras_classics.explaining import Section, array_text, names_note, say, summary_text

    # Built first, so that its layers are numbered as if it were alone.
    model = build_model(dataclasses.replace(config, activation="antirectifier"))
    # Real files load whole (60000 images, as the seed prints); the synthetic twin renders only
    # a thousand, so that explain stays quick.
    arrays, lead = _mnist.load(config, source, *_mnist.sample_counts(config, source))
    yield from lead
    (x_train, y_train), _ = arrays
    x, y = prepare(x_train, y_train)
    en, zh = _mnist.heading_note(source, len(x), lead)
    yield Section(
        "Input and output shapes" + en,
        "输入 shape 和输出 shape" + zh,
        say(
            "The example teaches how to write a layer of one's own: a digit classifier (MNIST) "
            "built around the custom layer Antirectifier.\n",
            "该代码的功能是进行 mnist 的数字识别，主要是用于指导大家如何自己封装一个层，也就是自定义层。\n",
        )
        + f"x_train.shape {x.shape}  "
        + say(
            "(each 28x28 image flattened to 784 values in [0, 1])",
            "（每张 28x28 的图片展平为 784 个 [0, 1] 之间的数）",
        )
        + f"\ny_train.shape {y.shape}  "
        + say("(one-hot labels)", "（one-hot 编码的标签）")
        + "\n"
        + say("first labels ", "前几个标签 ")
        + f"{y_train[:8].tolist()} -> y_train[0] = {y[0].astype(int).tolist()}",
    )
    layer = Antirectifier()
    sample = np.array([[1.0, -2.0, 3.0, 0.0], [0.5, 0.5, 0.5, 2.5]], dtype="float32")
    centred = sample - sample.mean(axis=1, keepdims=True)
    normalised = centred / np.linalg.norm(centred, axis=1, keepdims=True)
    output = keras.ops.convert_to_numpy(layer(sample))
    yield Section(
        "Antirectifier step by step: centre, L2-normalise, relu(x) and relu(-x) side by side",
        "Antirectifier 逐步计算：减去均值、L2 归一化、relu(x) 与 relu(-x) 拼接",
        say(
            "Antirectifier normalises each sample, then puts relu of the result and relu of its "
            "negative side by side (concatenate).\n",
            "Antirectifier 先对每个样本进行正则化，然后对正向结果进行一个 relu 激活，对取反（负数）"
            "的结果也进行一个 relu，之后再进行一次 concatenate。\n",
        )
        + say("input", "输入")
        + f"\n{array_text(sample)}"
        + say("centred (the mean of each row removed)", "减去均值（每行减去该行的平均值）")
        + f"\n{array_text(centred)}"
        + say("normalised (each row has L2 norm 1)", "归一化（每行的 L2 范数为 1）")
        + f"\n{array_text(normalised.round(4))}"
        + say("Antirectifier output, width 4 -> 8", "Antirectifier 的输出，宽度 4 -> 8")
        + f"\n{array_text(output.round(4))}"
        f"compute_output_shape((None, 4)) = {layer.compute_output_shape((None, 4))}; "
        + say("weights: ", "权重个数：")
        + f"{len(layer.weights)}",
    )
    antirectifiers = [layer for layer in model.layers if isinstance(layer, Antirectifier)]
    yield Section(
        "The model (the Antirectifier layers have 0 parameters)",
        "神经网络结构（Antirectifier 层的参数个数为 0）",
        summary_text(model)
        + "\n"
        + say("parameters per Antirectifier layer: ", "每个 Antirectifier 层的参数个数：")
        + ", ".join(f"{layer.name} {layer.count_params()}" for layer in antirectifiers)
        + "\n"
        + say(
            "The Antirectifier layers have no parameters, so there is nothing in them to train.\n",
            "可以看到，这里的 Antirectifier 层参数个数为 0，所以没有参数需要训练。\n",
        )
        + names_note(model, SEED_NAMES),
    )
    yield Section(
        "The comparison the original announced: ReLU with 2x bigger Dense layers",
        "原脚本预告但没写的对比：Dense 层加宽一倍的 ReLU 网络",
        summary_text(build_relu_wide(config)),
    )

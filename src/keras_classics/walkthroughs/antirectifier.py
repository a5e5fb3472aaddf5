"""The walkthrough of antirectifier (`keras-classics explain antirectifier`): the seed's steps, in
order."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from keras_classics.datasets import mnist
from keras_classics.examples.antirectifier import (
    Antirectifier,
    Config,
    build_model,
    build_relu_wide,
    prepare,
)
from keras_classics.registry import Context
from keras_classics.walkthroughs import _mnist

NAMES_NOTE = (
    "(Keras 3 numbers automatic layer names from 0 (dense, dense_1, dropout) where the seed's "
    "Keras 2 printed dense_1, dense_2, dropout_1; layer order, output shapes and parameter counts "
    "are the seed's.)"
)


def explain(config: Config, context: Context):
    """The walkthrough: input and output shapes, the layer on a small example, the model."""
    source = context.source
    from keras_classics.explaining import Section, array_text, summary_text

    # Real files load whole (60000 images, as the seed prints); the synthetic twin renders only
    # a thousand, so that explain stays quick.
    (x_train, y_train), _ = mnist.load(
        config.dataset, source, *_mnist.sample_counts(config, source)
    )
    x, y = prepare(x_train, y_train)
    note = f" (synthetic twin: the first {len(x)} rendered)" if source.synthetic else ""
    yield Section(
        "Input and output shapes" + note,
        "输入 shape 和输出 shape" + ("（合成数据）" if source.synthetic else ""),
        f"x_train.shape {x.shape}  (each 28x28 image flattened to 784 values in [0, 1])\n"
        f"y_train.shape {y.shape}  (one-hot labels)\n"
        f"first labels {y_train[:8].tolist()} -> y_train[0] = {y[0].astype(int).tolist()}",
    )
    layer = Antirectifier()
    sample = np.array([[1.0, -2.0, 3.0, 0.0], [0.5, 0.5, 0.5, 2.5]], dtype="float32")
    centred = sample - sample.mean(axis=1, keepdims=True)
    normalised = centred / np.linalg.norm(centred, axis=1, keepdims=True)
    output = keras.ops.convert_to_numpy(layer(sample))
    yield Section(
        "Antirectifier step by step: centre, L2-normalise, relu(x) and relu(-x) side by side",
        "Antirectifier 逐步计算：减去均值、L2 归一化、relu(x) 与 relu(-x) 拼接",
        f"input\n{array_text(sample)}centred (mean of each row removed)\n{array_text(centred)}"
        f"normalised (each row has L2 norm 1)\n{array_text(normalised.round(4))}"
        f"Antirectifier output, width 4 -> 8\n{array_text(output.round(4))}"
        f"compute_output_shape((None, 4)) = {layer.compute_output_shape((None, 4))}; "
        f"weights: {len(layer.weights)}",
    )
    model = build_model(dataclasses.replace(config, activation="antirectifier"))
    antirectifiers = [layer for layer in model.layers if isinstance(layer, Antirectifier)]
    yield Section(
        "The model (the Antirectifier layers have 0 parameters)",
        "神经网络结构（Antirectifier 层的参数个数为 0）",
        summary_text(model)
        + "\nparameters per Antirectifier layer: "
        + ", ".join(f"{layer.name} {layer.count_params()}" for layer in antirectifiers)
        + "\n"
        + NAMES_NOTE,
    )
    yield Section(
        "The comparison the original announced: ReLU with 2x bigger Dense layers",
        "原脚本预告但没写的对比：Dense 层加宽一倍的 ReLU 网络",
        summary_text(build_relu_wide(config)),
    )

"""The walkthrough of mnist_mlp (`keras-classics explain mnist_mlp`): the seed's steps, in order."""

from __future__ import annotations

import dataclasses

from keras_classics.examples.mnist_mlp import Config, build_model, load_data
from keras_classics.registry import Context

NAMES_NOTE = (
    "(Keras 3 numbers automatic layer names from 0 (dense, dense_1, dropout) where the seed's "
    "Keras 2 printed dense_1, dense_2, dropout_1; layer order, output shapes and parameter "
    "counts are the seed's.)"
)


def explain(config: Config, context: Context):
    """The walkthrough: flattened images, one-hot labels, then the model the seed prints."""
    source = context.source
    from keras_classics.explaining import Section, ascii_image, summary_text

    # Real files load whole (60000 images); the synthetic twin renders a thousand (quick).
    count = config.train_samples or (1000 if source.synthetic else 0)
    data = load_data(dataclasses.replace(config, train_samples=count, test_samples=100), source)
    x, y = data.train
    note = f" (synthetic twin: the first {len(x)} rendered)" if source.synthetic else ""
    yield Section(
        "Each image is flattened to 784 numbers in [0, 1]" + note,
        "每张图像被展平为 784 个 [0, 1] 之间的数" + ("（合成数据）" if source.synthetic else ""),
        f"x_train {x.shape} {x.dtype}; y_train {y.shape}\n"
        f"first label {int(y[0].argmax())} -> {y[0].astype(int).tolist()}\n"
        f"labels of the first 10 images (argmax of y_train): {y[:10].argmax(axis=1).tolist()}",
    )
    yield Section(
        "The first training image, its 784 values put back into 28 rows",
        "第一张训练图像（784 个数还原为 28 行）",
        ascii_image(x[0].reshape(28, 28)),
    )
    yield Section(
        "The model: a multilayer perceptron (fully connected layers stacked)",
        "神经网络结构：多层感知器（全连接层堆叠）",
        summary_text(build_model(config, data.spec)) + "\n" + NAMES_NOTE,
    )

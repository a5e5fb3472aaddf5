"""The walkthrough of mnist_cnn (`keras-classics explain mnist_cnn`): the seed's steps, in order."""

from __future__ import annotations

import dataclasses

from keras_classics.examples.mnist_cnn import Config, build_model, load_data
from keras_classics.registry import Context

NAMES_NOTE = (
    "(Keras 3 numbers automatic layer names from 0 (conv2d, conv2d_1, dense, dense_1) where the "
    "seed's Keras 2 printed conv2d_1, conv2d_2, dense_1, dense_2; layer order, output shapes and "
    "parameter counts are the seed's.)"
)


def explain(config: Config, context: Context):
    """The walkthrough: the data as the network sees it, then the model the seed prints."""
    source = context.source
    from keras_classics.explaining import Section, ascii_image, summary_text

    # Real files load whole (60000 images); the synthetic twin renders a thousand (quick).
    count = config.train_samples or (1000 if source.synthetic else 0)
    data = load_data(dataclasses.replace(config, train_samples=count, test_samples=100), source)
    x, y = data.train
    note = f" (synthetic twin: the first {len(x)} rendered)" if source.synthetic else ""
    yield Section(
        "Images become (N, 28, 28, 1) floats in [0, 1]; labels become one-hot vectors" + note,
        "图像变为 (N, 28, 28, 1) 的 [0, 1] 浮点数；标签变为 one-hot 向量"
        + ("（合成数据）" if source.synthetic else ""),
        f"x_train {x.shape} {x.dtype}, min {x.min():.1f}, max {x.max():.1f}\n"
        f"y_train {y.shape}; first label {int(y[0].argmax())} -> {y[0].astype(int).tolist()}\n"
        f"labels of the first 10 images (argmax of y_train): {y[:10].argmax(axis=1).tolist()}",
    )
    yield Section("The first training image", "第一张训练图像", ascii_image(x[0, :, :, 0]))
    yield Section(
        "The model: two convolutions, pooling, dropout, two dense layers",
        "神经网络结构：两个卷积层、池化、dropout、两个全连接层",
        summary_text(build_model(config, data.spec)) + "\n" + NAMES_NOTE,
    )

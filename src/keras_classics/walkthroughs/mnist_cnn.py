"""The walkthrough of mnist_cnn (`keras-classics explain mnist_cnn`): the seed's steps, in order."""

from __future__ import annotations

from keras_classics.examples.mnist_cnn import Config, build_model, from_arrays
from keras_classics.registry import Context
from keras_classics.walkthroughs import _mnist

# The seed's Keras 2 names for the automatically named layers, in order.
SEED_NAMES = (
    "conv2d_1", "conv2d_2", "max_pooling2d_1", "dropout_1", "flatten_1", "dense_1", "dropout_2",
    "dense_2",
)  # fmt: skip


def explain(config: Config, context: Context):
    """The walkthrough: the data as the network sees it, then the model the seed prints."""
    source = context.source
    from keras_classics.explaining import Section, ascii_image, names_note, say, summary_text

    # Real files load whole (60000 images); the synthetic twin renders a thousand (quick).
    count = config.train_samples or (1000 if source.synthetic else 0)
    arrays, lead = _mnist.load(config, source, count, 100)
    yield from lead
    data = from_arrays(config, arrays)
    x, y = data.train
    en, zh = _mnist.heading_note(source, len(x), lead)
    yield Section(
        "Images become (N, 28, 28, 1) floats in [0, 1]; labels become one-hot vectors" + en,
        "图像变为 (N, 28, 28, 1) 的 [0, 1] 浮点数；标签变为 one-hot 向量" + zh,
        f"x_train {x.shape} {x.dtype}, min {x.min():.1f}, max {x.max():.1f}\n"
        f"y_train {y.shape}; "
        + say("first label ", "第一个标签 ")
        + f"{int(y[0].argmax())} -> {y[0].astype(int).tolist()}\n"
        + say(
            "labels of the first 10 images (argmax of y_train): ",
            "前 10 张图像的标签（y_train 的 argmax）：",
        )
        + f"{y[:10].argmax(axis=1).tolist()}",
    )
    yield Section(
        "The first training image" + en, "第一张训练图像" + zh, ascii_image(x[0, :, :, 0])
    )
    model = build_model(config, data.spec)
    yield Section(
        "The model: two convolutions, pooling, dropout, two dense layers",
        "神经网络结构：两个卷积层、池化、dropout、两个全连接层，基本上就是最简单的一个卷积神经网络",
        summary_text(model) + "\n" + names_note(model, SEED_NAMES, shown=4),
    )

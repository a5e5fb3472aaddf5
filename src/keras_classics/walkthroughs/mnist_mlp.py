"""The walkthrough of mnist_mlp (`keras-classics explain mnist_mlp`): the seed's steps, in order."""

from __future__ import annotations

from keras_classics.examples.mnist_mlp import Config, build_model, from_arrays
from keras_classics.registry import Context
from keras_classics.walkthroughs import _mnist

# The seed's Keras 2 names for the automatically named layers, in order.
SEED_NAMES = ("dense_1", "dropout_1", "dense_2", "dropout_2", "dense_3")


def explain(config: Config, context: Context):
    """The walkthrough: flattened images, one-hot labels, then the model the seed prints."""
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
        "Each image is flattened to 784 numbers in [0, 1]" + en,
        "每张图像被展平为 784 个 [0, 1] 之间的数" + zh,
        f"x_train {x.shape} {x.dtype}; y_train {y.shape}\n"
        + say("first label ", "第一个标签 ")
        + f"{int(y[0].argmax())} -> {y[0].astype(int).tolist()}\n"
        + say(
            "labels of the first 10 images (argmax of y_train): ",
            "前 10 张图像的标签（y_train 的 argmax）：",
        )
        + f"{y[:10].argmax(axis=1).tolist()}",
    )
    yield Section(
        "The first training image, its 784 values put back into 28 rows" + en,
        "第一张训练图像（784 个数还原为 28 行）" + zh,
        ascii_image(x[0].reshape(28, 28)),
    )
    model = build_model(config, data.spec)
    yield Section(
        "The model: a multilayer perceptron (fully connected layers stacked)",
        "神经网络结构：多层感知器（MLP，Multilayer Perceptron），用全连接堆叠起来的图像识别",
        summary_text(model) + "\n" + names_note(model, SEED_NAMES),
    )

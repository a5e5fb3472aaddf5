"""The walkthrough of mnist_hierarchical_rnn (`keras-classics explain mnist_hierarchical_rnn`): the
seed's steps, in order."""

from __future__ import annotations

import keras

from keras_classics.datasets import mnist
from keras_classics.examples.mnist_hierarchical_rnn import Config, build_model, prepare
from keras_classics.registry import Context
from keras_classics.walkthroughs import _mnist


def explain(config: Config, context: Context):
    """The walkthrough: the model (as the seed, first), the input as rows of pixels and the
    output class, what each level encodes."""
    source = context.source
    from keras_classics.explaining import Section, summary_text

    model = build_model(config)
    yield Section(
        "The model",
        "网络结构",
        summary_text(model)
        + "\n(The seed's Keras 2 printed time_distributed_1 (TimeDistributed) and lstm_2, its "
        "row LSTM being lstm_1. FoldedTimeDistributed is a TimeDistributed that runs the row "
        "LSTM once on (batch * 28, 28, 1), as Keras 2 did, instead of 28 copies: the same "
        "weights, outputs and parameter counts.)",
    )
    (x_train, y_train), (x_test, y_test) = mnist.load(
        config.dataset, source, *_mnist.sample_counts(config, source)
    )
    x, y = prepare(x_train, y_train)
    x_val, _ = prepare(x_test, y_test)
    note = f" (synthetic twin: the first {len(x)} rendered)" if source.synthetic else ""
    yield Section(
        "Input: an image; output: its class" + note,
        "输入是图片，输出是分类" + ("（合成数据）" if source.synthetic else ""),
        f"x_train.shape {x.shape}  y_train.shape {y.shape}\n"
        f"x_test.shape {x_val.shape}: each image is 28 rows, each row a sequence of 28 pixels\n"
        f"labels of the first 10 images (argmax of y_train): {y[:10].argmax(axis=1).tolist()}",
    )
    image = x[0, :, :, 0]
    rows = "\n".join(
        f"row {r:2d}: " + "".join(" .:-=+*#%@"[min(9, int(v * 10))] for v in image[r])
        for r in range(image.shape[0])
    )
    yield Section(
        f"One image (label {int(y[0].argmax())}) as the first level sees it: 28 row sequences",
        f"第一层看到的一张图片（标签 {int(y[0].argmax())}）：28 个行序列",
        rows,
    )
    row_encoder = keras.Model(model.input, model.layers[1].output)
    encoded = keras.ops.convert_to_numpy(row_encoder(x[:2]))
    yield Section(
        "TimeDistributed(LSTM) gives one vector per row; the second LSTM reads them in order",
        "TimeDistributed(LSTM) 为每一行输出一个向量，第二个 LSTM 按顺序读取这些向量",
        f"row encodings of 2 images (untrained): shape {encoded.shape}\n"
        f"image classifier output for 2 images: shape {tuple(model(x[:2]).shape)}",
    )

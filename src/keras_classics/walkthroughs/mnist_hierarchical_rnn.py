"""The walkthrough of mnist_hierarchical_rnn (`keras-classics explain mnist_hierarchical_rnn`): the
seed's steps, in order."""

from __future__ import annotations

import keras

from keras_classics.examples.mnist_hierarchical_rnn import Config, build_model, prepare
from keras_classics.registry import Context
from keras_classics.walkthroughs import _mnist

# The seed's Keras 2 names for the automatically named layers, in order (its row LSTM, inside
# time_distributed_1, was lstm_1).
SEED_NAMES = ("input_1", "lstm_2", "dense_1")


def explain(config: Config, context: Context):
    """The walkthrough: the model (as the seed, first), the input as rows of pixels and the
    output class, what each level encodes."""
    source = context.source
    from keras_classics.explaining import Section, names_note, say, summary_text

    model = build_model(config)
    row_lstm = model.get_layer("time_distributed").layer.name
    yield Section(
        "The model",
        "网络结构",
        summary_text(model)
        + "\n"
        + say(
            "The seed's Keras 2 printed time_distributed_1 (TimeDistributed), its row LSTM being "
            f"lstm_1 (here {row_lstm}). FoldedTimeDistributed is a TimeDistributed that runs the "
            "row LSTM once on (batch * 28, 28, 1), as Keras 2 did, instead of 28 copies: the same "
            "weights, outputs and parameter counts.\n",
            "原文的 Keras 2 打印的是 time_distributed_1 (TimeDistributed)，其中逐行的 LSTM 是 "
            f"lstm_1（这里是 {row_lstm}）。FoldedTimeDistributed 就是一个 TimeDistributed：和 "
            "Keras 2 一样，把逐行的 LSTM 在 (batch * 28, 28, 1) 上运行一次，而不是复制 28 份；"
            "权重、输出和参数个数都相同。\n",
        )
        + names_note(model, SEED_NAMES),
    )
    arrays, lead = _mnist.load(config, source, *_mnist.sample_counts(config, source))
    yield from lead
    (x_train, y_train), (x_test, y_test) = arrays
    x, y = prepare(x_train, y_train)
    x_val, _ = prepare(x_test, y_test)
    en, zh = _mnist.heading_note(source, len(x), lead)
    yield Section(
        "Input: an image; output: its class" + en,
        "输入是图片，输出是分类" + zh,
        f"x_train.shape {x.shape}  y_train.shape {y.shape}\n"
        f"x_test.shape {x_val.shape}: "
        + say(
            "each image is 28 rows, each row a sequence of 28 pixels\n",
            "每张图片有 28 行，每一行是一个 28 个像素的序列\n",
        )
        + say(
            "labels of the first 10 images (argmax of y_train): ",
            "前 10 张图像的标签（y_train 的 argmax）：",
        )
        + f"{y[:10].argmax(axis=1).tolist()}",
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
        say("row encodings of 2 images (untrained): shape ", "2 张图片的行编码（未训练）：shape ")
        + f"{encoded.shape}\n"
        + say("image classifier output for 2 images: shape ", "2 张图片的分类输出：shape ")
        + f"{tuple(model(x[:2]).shape)}",
    )

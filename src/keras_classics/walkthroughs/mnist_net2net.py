"""The walkthrough of mnist_net2net (`keras-classics explain mnist_net2net`): the seed's steps, in
order."""

from __future__ import annotations

import keras
import numpy as np

from keras_classics.examples.mnist_net2net import (
    Config,
    build_model,
    from_arrays,
    function_check,
    make_deeper_student,
    make_wider_student,
)
from keras_classics.registry import Context
from keras_classics.walkthroughs import _mnist


def _shapes(model: keras.Model, names) -> str:
    return "\n".join(
        f"  {name:<13} " + "  ".join(str(w.shape) for w in model.get_layer(name).get_weights())
        for name in names
    )


def _before_after(before: keras.Model, after: keras.Model, names) -> str:
    """Weight shapes (kernel, bias) of each named layer in two models, side by side."""
    rows = [("layer", before.name, after.name)]
    for name in names:
        shapes = [
            "  ".join(str(tuple(w.shape)) for w in model.get_layer(name).get_weights())
            if name in {layer.name for layer in model.layers}
            else "-"
            for model in (before, after)
        ]
        rows.append((name, *shapes))
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    arrows = ["  ", *["->"] * len(names)]  # no arrow on the header line
    return "\n".join(
        f"  {name:<{widths[0]}}  {old:<{widths[1]}}  {arrow}  {new}"
        for (name, old, new), arrow in zip(rows, arrows, strict=True)
    )


def explain(config: Config, context: Context):
    """The walkthrough in the seed's order: the teacher, the wider and the deeper students'
    summaries, then reading the teacher's weights, writing the wider ones (shapes before and
    after) and copying into the deeper one; then the function-preservation check (an untrained
    teacher: no training)."""
    source = context.source
    from keras_classics.explaining import Section, say, summary_text

    arrays, lead = _mnist.load(
        config, source, config.train_samples or 1000, config.test_samples or 500
    )
    yield from lead
    data = from_arrays(config, arrays)
    (x_train, y_train), (x_test, y_test) = data.train, data.test
    en, zh = _mnist.heading_note(source, len(x_train), lead)
    yield Section(
        "Loading MNIST data (channels_last)" + en,
        "加载 MNIST 数据（channels_last）" + zh,
        say(
            "The example shows how to make a shallow convolutional network wider and deeper "
            "without starting its training again.\n",
            "该程序是介绍如何把一个浅层的卷积神经网络加深、加宽。\n",
        )
        + f"x_train shape: {x_train.shape} y_train shape: {y_train.shape}\n"
        f"x_test shape: {x_test.shape} y_test shape {y_test.shape}",
    )
    teacher = build_model(config)
    yield Section(
        "The teacher network",
        "先建立一个简单的神经网络（教师网络）",
        summary_text(teacher),
    )
    rng = np.random.default_rng([config.seed, 2])
    wider = make_wider_student(teacher, config, "net2wider", rng)
    yield Section(
        "Made wider (Net2WiderNet): conv1 and fc1 get more units",
        "训练完成后，想办法把它加宽（Net2WiderNet）：conv1 和 fc1 增加单元",
        summary_text(wider),
    )
    deeper = make_deeper_student(teacher, config, "net2deeper")
    yield Section(
        "Made deeper (Net2DeeperNet): conv2-deeper and fc1-deeper inserted",
        "或者加深（Net2DeeperNet）：插入 conv2-deeper 和 fc1-deeper",
        summary_text(deeper),
    )
    layers = ["conv1", "conv2", "fc1", "fc2"]
    yield Section(
        "Reading the weights: w_conv1, b_conv1 = teacher.get_layer('conv1').get_weights()",
        "获取参数：w_conv1, b_conv1 = teacher_model.get_layer('conv1').get_weights()",
        say(
            "The example is about adding, changing and reading a network's parameters; first "
            "reading them.\n",
            "也就是介绍如何对神经网络参数进行增、改、查；首先是获取参数。\n",
        )
        + say(
            "teacher weight shapes (kernel, bias), channels_last kernels (kh, kw, in, out):\n",
            "教师网络的参数 shape（kernel, bias），channels_last 的卷积核为 (kh, kw, in, out)：\n",
        )
        + _shapes(teacher, layers),
    )
    yield Section(
        "Widening: set_weights on conv1 and fc1 (more units), conv2 and fc2 (more inputs)",
        "加宽：用 set_weights 写入 conv1、fc1（更多单元）和 conv2、fc2（更多输入）的新参数",
        say(
            "What goes into the new units is free to choose: random values next to the old "
            "ones (random-pad), or copies of old units with a little noise (net2wider, which "
            "keeps the function).\n",
            "至于改成什么数据，可以自由发挥：要么在原来的基础上拼接一些随机的值（random-pad），要么把"
            "原来的复制一份然后加一些噪音（net2wider，保持网络的函数不变）。\n",
        )
        + say(
            "weight shapes before and after (kernel, bias):\n",
            "修改前后的参数 shape（kernel, bias）：\n",
        )
        + _before_after(teacher, wider, layers),
    )
    kernel = deeper.get_layer("conv2-deeper").get_weights()[0]
    centre = kernel[kernel.shape[0] // 2, kernel.shape[1] // 2]
    fc_kernel, fc_bias = deeper.get_layer("fc1-deeper").get_weights()
    copied = all(
        all(np.array_equal(a, b) for a, b in zip(
            teacher.get_layer(name).get_weights(), deeper.get_layer(name).get_weights(), strict=True
        ))
        for name in layers
    )  # fmt: skip
    identity = bool(np.array_equal(centre, np.eye(len(centre))))
    zero_taps = bool(np.abs(kernel).sum() == len(centre))
    fc_identity = bool(np.array_equal(fc_kernel, np.eye(len(fc_kernel))))
    yield Section(
        "Deepening: a new network, the teacher's layers copied, the new layers initialised",
        "加深：新建一个网络，原有层的参数拷贝过去，新增层的参数自由初始化",
        say(
            "weight shapes before and after (kernel, bias):\n",
            "修改前后的参数 shape（kernel, bias）：\n",
        )
        + _before_after(
            teacher, deeper, ["conv1", "conv2", "conv2-deeper", "fc1", "fc1-deeper", "fc2"]
        )  # fmt: skip
        + "\n"
        + say(
            f"teacher layers copied unchanged: {copied}\n"
            f"conv2-deeper kernel: centre tap is the identity matrix: {identity}, other taps all "
            f"zero: {zero_taps}\nfc1-deeper kernel is the identity matrix: {fc_identity}, bias "
            f"zero: {not fc_bias.any()}",
            f"教师网络的层原样拷贝：{copied}\n"
            f"conv2-deeper 的卷积核：中心位置是单位矩阵：{identity}，其他位置全为 0：{zero_taps}\n"
            f"fc1-deeper 的权重是单位矩阵：{fc_identity}，偏置为 0：{not fc_bias.any()}",
        ),
    )
    students = {
        "wider_random_pad": make_wider_student(teacher, config, "random-pad", rng),
        "wider_net2wider": wider,
        "deeper_random_init": make_deeper_student(teacher, config, "random-init"),
        "deeper_net2deeper": deeper,
    }
    sample = x_test[:200]
    caption, table = function_check(teacher, students, sample).split("\n", 1)
    yield Section(
        "Do the students compute the teacher's function? (untrained teacher, test images)",
        "学生网络与教师网络的输出是否一致？（未训练的教师网络，测试图片）",
        say(
            "net2wider and net2deeper start from the teacher's function (predictions equal up "
            "to the noise); random-pad and random-init do not:\n",
            "net2wider 和 net2deeper 一开始就与教师网络的函数相同（预测只差一点噪音）；"
            "random-pad 和 random-init 则不同：\n",
        )
        + say(
            caption,
            f"训练之前，在 {len(sample)} 张测试图片上比较学生网络与教师网络的预测",
        )
        + "\n"
        + table,
    )

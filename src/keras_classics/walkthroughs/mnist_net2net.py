"""The walkthrough of mnist_net2net (`keras-classics explain mnist_net2net`): the seed's steps, in
order."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from keras_classics.examples.mnist_net2net import (
    Config,
    build_model,
    function_check,
    load_data,
    make_deeper_student,
    make_wider_student,
)
from keras_classics.registry import Context


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
    from keras_classics.explaining import Section, summary_text

    quick = dataclasses.replace(
        config, train_samples=config.train_samples or 1000, test_samples=config.test_samples or 500
    )
    data = load_data(quick, source)
    (x_train, y_train), (x_test, y_test) = data.train, data.test
    note = " (synthetic twin)" if source.synthetic else ""
    yield Section(
        "Loading MNIST data (channels_last)" + note,
        "加载 MNIST 数据（channels_last）" + ("（合成数据）" if source.synthetic else ""),
        f"x_train shape: {x_train.shape} y_train shape: {y_train.shape}\n"
        f"x_test shape: {x_test.shape} y_test shape {y_test.shape}",
    )
    teacher = build_model(config)
    yield Section("The teacher network", "先建立一个简单的神经网络", summary_text(teacher))
    rng = np.random.default_rng([config.seed, 2])
    wider = make_wider_student(teacher, config, "net2wider", rng)
    yield Section(
        "Made wider (Net2WiderNet): conv1 and fc1 get more units",
        "加宽之后的网络：conv1 和 fc1 增加单元",
        summary_text(wider),
    )
    deeper = make_deeper_student(teacher, config, "net2deeper")
    yield Section(
        "Made deeper (Net2DeeperNet): conv2-deeper and fc1-deeper inserted",
        "加深之后的网络：插入 conv2-deeper 和 fc1-deeper",
        summary_text(deeper),
    )
    layers = ["conv1", "conv2", "fc1", "fc2"]
    yield Section(
        "Reading the weights: w_conv1, b_conv1 = teacher.get_layer('conv1').get_weights()",
        "获取参数：w_conv1, b_conv1 = teacher_model.get_layer('conv1').get_weights()",
        "teacher weight shapes (kernel, bias), channels_last kernels (kh, kw, in, out):\n"
        + _shapes(teacher, layers),
    )
    yield Section(
        "Widening: set_weights on conv1 and fc1 (more units), conv2 and fc2 (more inputs)",
        "加宽：用 set_weights 写入 conv1、fc1（更多单元）和 conv2、fc2（更多输入）的新参数",
        "weight shapes before and after (kernel, bias):\n" + _before_after(teacher, wider, layers),
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
    yield Section(
        "Deepening: a new network, the teacher's layers copied, the new layers initialised",
        "加深：新建一个网络，原有层的参数拷贝过去，新增层的参数自由初始化",
        "weight shapes before and after (kernel, bias):\n"
        + _before_after(
            teacher, deeper, ["conv1", "conv2", "conv2-deeper", "fc1", "fc1-deeper", "fc2"]
        )  # fmt: skip
        + f"\nteacher layers copied unchanged: {copied}\n"
        f"conv2-deeper kernel: centre tap is the identity matrix: "
        f"{bool(np.array_equal(centre, np.eye(len(centre))))}, other taps all zero: "
        f"{bool(np.abs(kernel).sum() == len(centre))}\n"
        f"fc1-deeper kernel is the identity matrix: "
        f"{bool(np.array_equal(fc_kernel, np.eye(len(fc_kernel))))}, bias zero: "
        f"{not fc_bias.any()}",
    )
    students = {
        "wider_random_pad": make_wider_student(teacher, config, "random-pad", rng),
        "wider_net2wider": wider,
        "deeper_random_init": make_deeper_student(teacher, config, "random-init"),
        "deeper_net2deeper": deeper,
    }
    yield Section(
        "Do the students compute the teacher's function? (untrained teacher, test images)",
        "学生网络与教师网络的输出是否一致？（未训练的教师网络，测试图片）",
        function_check(teacher, students, x_test[:200]),
    )

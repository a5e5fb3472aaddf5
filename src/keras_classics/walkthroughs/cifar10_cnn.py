"""The walkthrough of cifar10_cnn (`keras-classics explain cifar10_cnn`): the seed's steps, in
order."""

from __future__ import annotations

import keras
import numpy as np

from keras_classics.datasets import cifar10
from keras_classics.examples.cifar10_cnn import (
    Config,
    build_model,
    learning_rate_schedule,
    prepare,
)
from keras_classics.examples.families.cifar10 import shift_flip
from keras_classics.registry import Context


def explain(config: Config, context: Context):
    """The walkthrough: input shapes, the labels, the model and its parameter count, the
    augmentation and the learning rate decay."""
    source = context.source
    from keras_classics.explaining import Section, array_text, say, summary_text

    count = 1000 if source.synthetic else 0  # synthetic: a sample is enough to show shapes
    (x_train, y_train), (x_test, _) = cifar10.load(source, count, count // 5)
    data_note = f" (synthetic twin: first {count} generated)" if source.synthetic else ""
    names = cifar10.SYNTHETIC_CLASS_NAMES if source.synthetic else cifar10.CLASS_NAMES
    x, y = prepare(x_train, y_train)
    yield Section(
        "Input data shapes" + data_note,
        "输入数据的 shape" + ("（合成数据）" if source.synthetic else ""),
        f"x_train.shape {x.shape}\ny_train.shape {y.shape}\n"
        + say(
            f"{len(x_test)} test samples; pixels {x_train.dtype} 0-255 -> float32 "
            f"{x.min():.1f}-{x.max():.1f}",
            f"测试样本 {len(x_test)} 个；像素值从 {x_train.dtype} 的 0-255 转为 float32 的 "
            f"{x.min():.1f}-{x.max():.1f}",
        ),
    )
    first = [int(label) for label in y_train[:8, 0]]
    yield Section(
        "Labels: (N, 1) integers, one-hot encoded to (N, 10)",
        "标签：(N, 1) 的整数，one-hot 编码为 (N, 10)",
        f"y_train[:8, 0] = {first}  ({', '.join(names[i] for i in first)})\n"
        f"one-hot y_train[:3] =\n{array_text(y[:3].astype(int))}",
    )
    model = build_model(config)
    yield Section(
        "The network: 1,250,858 parameters in the seed",
        "神经网络结构",
        summary_text(model)
        + "\n"
        + say(
            "(Keras 3 numbers automatic layer names from 0 (conv2d, activation, dense) where the "
            "seed's Keras 2 printed conv2d_1, activation_1, dense_1; layer order, output shapes "
            "and parameter counts are the seed's.)",
            "（Keras 3 自动生成的层名从 0 开始编号（conv2d、activation、dense），而原文的 Keras 2 "
            "打印的是 conv2d_1、activation_1、dense_1；层的顺序、输出 shape 和参数个数都与原文"
            "相同。）",
        ),
    )
    # shift_flip draws row shifts, column shifts, then flips: the same draws, shown alongside.
    count = 6
    rng = np.random.default_rng(config.seed)
    dy = rng.uniform(-config.height_shift, config.height_shift, count) * x.shape[1]
    dx = rng.uniform(-config.width_shift, config.width_shift, count) * x.shape[2]
    flips = (rng.random(count) < 0.5) & config.horizontal_flip
    batch = shift_flip(
        x[:count],
        np.random.default_rng(config.seed),
        config.height_shift,
        config.width_shift,
        config.horizontal_flip,
    )
    rows = ""
    for i in range(count):
        change = np.abs(batch[i] - x[i]).mean()
        rows += say(
            f"image {i}: shift rows {dy[i]:+.2f} px, columns {dx[i]:+.2f} px, flipped "
            f"{bool(flips[i])}, mean |augmented - original| {change:.3f}",
            f"图像 {i}：上下平移 {dy[i]:+.2f} 像素，左右平移 {dx[i]:+.2f} 像素，"
            f"{'水平翻转' if flips[i] else '不翻转'}，增强后与原图之差的平均绝对值 {change:.3f}",
        ) + ("\n" if i < count - 1 else "")
    yield Section(
        "Real-time augmentation, as ImageDataGenerator(width_shift_range=0.1, "
        "height_shift_range=0.1, horizontal_flip=True, fill_mode='nearest') did",
        "实时数据增强（代替已删除的 ImageDataGenerator：平移 0.1、水平翻转）",
        rows,
    )
    schedule = learning_rate_schedule(config)
    per_epoch = int(np.ceil(50000 / config.batch_size))
    steps = [0, per_epoch, 25 * per_epoch, 50 * per_epoch, config.epochs * per_epoch]
    rates = [f"step {s:>7}: {float(keras.ops.convert_to_numpy(schedule(s))):.4e}" for s in steps]
    yield Section(
        "RMSprop(1e-4, decay=1e-6) as InverseTimeDecay: lr / (1 + 1e-6 * step)",
        "RMSprop 的 decay=1e-6 用 InverseTimeDecay 学习率调度实现",
        say(
            f"{per_epoch} steps per epoch at batch {config.batch_size}",
            f"batch 为 {config.batch_size} 时每个 epoch {per_epoch} 步",
        )
        + "\n"
        + "\n".join(rates),
    )

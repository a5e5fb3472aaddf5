"""The walkthrough of cifar10_resnet (`keras-classics explain cifar10_resnet`): the seed's steps, in
order."""

from __future__ import annotations

import dataclasses

import keras

from keras_classics.datasets import cifar10
from keras_classics.examples.cifar10_resnet import (
    Config,
    LearningRateLog,
    build_model,
    learning_rate_callbacks,
    load_data,
    lr_schedule,
)
from keras_classics.registry import Context


def simulate_learning_rate(config: Config, val_losses: list[float]) -> LearningRateLog:
    """Runs the real ReduceLROnPlateau, LearningRateScheduler and LearningRateLog callbacks for
    len(val_losses) epochs on a stand-in model, with the given validation losses (no training)."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(lr_schedule(0, config)), loss="mse")
    model.optimizer.build(model.trainable_variables)
    log = LearningRateLog(config)
    callbacks = keras.callbacks.CallbackList([*learning_rate_callbacks(config), log], model=model)
    callbacks.on_train_begin()
    for epoch, loss in enumerate(val_losses):
        callbacks.on_epoch_begin(epoch)
        callbacks.on_epoch_end(epoch, {"loss": loss, "val_loss": loss})
    return log


def explain(config: Config, context: Context):
    """The walkthrough: shapes, the ResNet20 summary, other depths, and who controls the
    learning rate when LearningRateScheduler and ReduceLROnPlateau are used together."""
    source = context.source
    from keras_classics.explaining import Section, layer_table, names_note, parameter_line, say

    model = build_model(config)  # built first: its layers are numbered as if it were alone
    count = 1000 if source.synthetic else 0
    small = dataclasses.replace(config, train_samples=count, test_samples=count // 5)
    data = load_data(small, source)
    (_, y_raw), _ = cifar10.load(source, count, count // 5)
    body = (
        say(
            "A convolutional network recognising CIFAR-10's images; the example also shows the "
            "callbacks ModelCheckpoint, LearningRateScheduler and ReduceLROnPlateau.\n",
            "该代码的功能是用卷积神经网络进行图像识别，数据集是 cifar10；同时演示了回调函数 "
            "ModelCheckpoint、LearningRateScheduler、ReduceLROnPlateau 的用法。\n",
        )
        + f"x_train shape: {data.train[0].shape}\n{len(data.train[0])} train samples\n"
        f"{len(data.test[0])} test samples\ny_train shape: {y_raw.shape}"
    )
    if data.pixel_mean is not None:
        body += "\n" + say(
            f"per-pixel mean subtracted (mean image {data.pixel_mean.shape}, values "
            f"{data.pixel_mean.min():.3f}-{data.pixel_mean.max():.3f})",
            f"减去了逐像素的均值（均值图像 {data.pixel_mean.shape}，取值 "
            f"{data.pixel_mean.min():.3f}-{data.pixel_mean.max():.3f}）",
        )
    synthetic = source.synthetic
    yield Section(
        "Input data shapes" + (f" (synthetic twin: first {count} generated)" if synthetic else ""),
        "输入数据的 shape" + (f"（合成数据：生成了前 {count} 张）" if synthetic else ""),
        body,
    )
    yield Section(
        f"The default network: ResNet{config.depth}v{config.version} (n={config.n})",
        f"默认的神经网络结构：ResNet{config.depth}v{config.version}（n={config.n}）",
        f'Model: "{model.name}"\n{layer_table(model)}\n{parameter_line(model)}\n'
        + names_note(model, ("input_1", "conv2d_1", "batch_normalization_1", "activation_1")),
    )
    others = [dataclasses.replace(config, version=v, n=n) for v, n in ((1, 5), (2, 2))]
    yield Section(
        "Other depths: 6n+2 for v1, 9n+2 for v2 (--set version=2 --set n=2)",
        "其他深度：v1 为 6n+2，v2 为 9n+2（--set version=2 --set n=2）",
        "\n".join(parameter_line(build_model(other)) for other in others),
    )
    # The original's lr_schedule printed 'Learning rate: ' at every epoch's start; the rate
    # changes only after the schedule's epochs, so the epochs on both sides of each are shown.
    last = config.epochs - 1
    shown = sorted({0, *config.schedule_epochs, *(e + 1 for e in config.schedule_epochs), last})
    yield Section(
        "lr_schedule: the learning rate LearningRateScheduler sets at each epoch's start",
        "lr_schedule：LearningRateScheduler 在每个 epoch 开始时设置的学习率",
        "epoch  Learning rate\n"
        + "\n".join(f"{e:>5}  {lr_schedule(e, config):.4g}" for e in shown if 0 <= e <= last)
        + "\n"
        + say(
            f"(epochs counted from 0, as Keras passes them to the schedule; every epoch not "
            f"shown has the rate of the one above it; {config.epochs} epochs)",
            f"（epoch 从 0 开始计数，和 Keras 传给 schedule 的一样；没有列出的 epoch 与上一行的学习率"
            f"相同；共 {config.epochs} 个 epoch）",
        ),
    )
    # Validation loss improving for 3 epochs and then flat: ReduceLROnPlateau fires after
    # `patience` epochs without improvement, and the scheduler undoes it at the next start.
    losses = [1.0, 0.9, 0.8] + [0.8] * 14
    log = simulate_learning_rate(config, losses)
    yield Section(
        "Both callbacks together (real callbacks, validation loss held flat after epoch 3)",
        "两个回调同时使用（验证损失第 3 个 epoch 后不再下降）：ReduceLROnPlateau 没有机会起作用",
        say(
            "ReduceLROnPlateau and LearningRateScheduler can both set the learning rate; used "
            "together, what happens? A log of the rate, epoch by epoch:\n",
            "按说 ReduceLROnPlateau 和 LearningRateScheduler 都可以调整学习率，但是两个同时用就很"
            "奇怪，下面打印一下每个 epoch 的学习率：\n",
        )
        + log.table()
        + "\n"
        + say(
            "ReduceLROnPlateau lowers the rate at an epoch's end, LearningRateScheduler sets the "
            "schedule's value again when the next epoch begins: the scheduler is in control.",
            "ReduceLROnPlateau 在一个 epoch 结束时降低学习率，LearningRateScheduler 在下一个 epoch "
            "开始时又把它设回 schedule 的值：在这个演示中，ReduceLROnPlateau 没有机会起到作用，实际"
            "学习率被 LearningRateScheduler 掌控了。",
        ),
    )

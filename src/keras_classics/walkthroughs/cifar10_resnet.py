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
    from keras_classics.explaining import Section, layer_table, parameter_line

    count = 1000 if source.synthetic else 0
    small = dataclasses.replace(config, train_samples=count, test_samples=count // 5)
    data = load_data(small, source)
    (_, y_raw), _ = cifar10.load(source, count, count // 5)
    note = f" (synthetic twin: first {count} generated)" if source.synthetic else ""
    body = (
        f"x_train shape: {data.train[0].shape}\n{len(data.train[0])} train samples\n"
        f"{len(data.test[0])} test samples\ny_train shape: {y_raw.shape}"
    )
    if data.pixel_mean is not None:
        body += (
            f"\nper-pixel mean subtracted (mean image {data.pixel_mean.shape}, values "
            f"{data.pixel_mean.min():.3f}-{data.pixel_mean.max():.3f})"
        )
    yield Section(
        "Input data shapes" + note,
        "输入数据的 shape" + ("（合成数据）" if source.synthetic else ""),
        body,
    )
    model = build_model(config)
    yield Section(
        f"The default network: ResNet{config.depth}v{config.version} (n={config.n})",
        f"默认的神经网络结构：ResNet{config.depth}v{config.version}",
        f'Model: "{model.name}"\n{layer_table(model)}\n{parameter_line(model)}\n'
        "(Keras 3 numbers automatic layer names from 0 (conv2d, batch_normalization, add) where "
        "the seed's Keras 2 printed conv2d_1, batch_normalization_1, add_1; layer order, output "
        "shapes, connections and parameter counts are the seed's.)",
    )
    others = [dataclasses.replace(config, version=v, n=n) for v, n in ((1, 5), (2, 2))]
    yield Section(
        "Other depths: 6n+2 for v1, 9n+2 for v2 (--set version=2 --set n=2)",
        "其他深度：v1 为 6n+2，v2 为 9n+2",
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
        + f"\n(epochs counted from 0, as Keras passes them to the schedule; every epoch not "
        f"shown has the rate of the one above it; {config.epochs} epochs)",
    )
    # Validation loss improving for 3 epochs and then flat: ReduceLROnPlateau fires after
    # `patience` epochs without improvement, and the scheduler undoes it at the next start.
    losses = [1.0, 0.9, 0.8] + [0.8] * 14
    log = simulate_learning_rate(config, losses)
    yield Section(
        "Both callbacks together (real callbacks, validation loss held flat after epoch 3)",
        "两个回调同时使用（验证损失第 3 个 epoch 后不再下降）：ReduceLROnPlateau 没有机会起作用",
        log.table()
        + "\nReduceLROnPlateau lowers the rate at an epoch's end, LearningRateScheduler sets the "
        "schedule's value again when the next epoch begins: the scheduler is in control.",
    )

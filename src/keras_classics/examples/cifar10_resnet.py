"""cifar10_resnet: ResNet v1 and v2 (He et al.) on CIFAR-10, with learning rate callbacks.

What it teaches: residual networks built from one helper, `resnet_layer` (Conv2D 3x3 'same',
he_normal, L2 1e-4 -> BatchNormalization -> ReLU). ResNet v1 (depth 6n+2) stacks 3 stages of
n blocks of two such layers with 16/32/64 filters, halving the map at each stage with a strided
convolution and a 1x1 projection shortcut; ResNet v2 (depth 9n+2) uses BN-ReLU-Conv bottleneck
blocks with 64/128/256 outputs. The default n=3, version 1 is ResNet20: 274,442 parameters,
273,066 trainable and 1,376 non-trainable (the BatchNormalization moving means and variances).
It also shows three callbacks together: ModelCheckpoint, LearningRateScheduler and
ReduceLROnPlateau, and what happens when two callbacks both set the learning rate.

Documented result of the original (200 epochs, GTX1080Ti): ResNet20 v1 92.16% (paper 91.25%,
35 s/epoch), ResNet32 v1 92.46%, ResNet44 v1 92.50%, ResNet56 v1 92.71%, ResNet110 v1 92.65%,
ResNet56 v2 93.01%, ResNet110 v2 93.15%.

Differences from the original (Keras 2.3.1 `examples/cifar10_resnet.py`):
- `ModelCheckpoint(monitor='val_acc')` never matched anything (since Keras 2.3 the metric is
  logged as `val_accuracy`), so the original never saved a model; here it monitors
  `val_accuracy` and keeps the best model in the run's `artifacts/best_model.keras`.
- The learning rate of every epoch is logged in `artifacts/learning_rate.txt` and printed:
  the schedule's value, the rate the epoch trained with and the rate ReduceLROnPlateau left at
  the epoch's end. As the walkthrough observes, LearningRateScheduler sets the rate at the start
  of every epoch, so a reduction by ReduceLROnPlateau lasts until the next epoch begins only.
  This is the original's behaviour, kept and made visible.
- Augmentation as in cifar10_cnn (ImageDataGenerator is gone): random shifts of 10% and
  horizontal flips on each batch, in NumPy.
"""

from __future__ import annotations

import dataclasses
import math
import re

import keras
import numpy as np

from keras_classics import training
from keras_classics.config import BaseConfig, check_range
from keras_classics.datasets import DataSource, cifar10
from keras_classics.errors import UserError
from keras_classics.examples.families.cifar10 import DataSpec, ShiftFlip
from keras_classics.runs import Run

MAX_N = 200  # the deepest network of the paper (ResNet1202); more would build for hours


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's settings: ResNet20 v1, Adam 1e-3 with its schedule, batch 32, 200 epochs."""

    epochs: int = 200
    batch_size: int = 32
    version: int = 1
    n: int = 3
    subtract_pixel_mean: bool = True
    data_augmentation: bool = True
    width_shift: float = 0.1
    height_shift: float = 0.1
    horizontal_flip: bool = True
    learning_rate: float = 1e-3
    # lr_schedule multiplies the rate by 1e-1, 1e-2, 1e-3, 0.5e-3 after these epochs.
    schedule_epochs: tuple[int, ...] = (80, 120, 160, 180)
    plateau_factor: float = math.sqrt(0.1)
    plateau_patience: int = 5
    plateau_cooldown: int = 0
    min_lr: float = 0.5e-6

    def check(self) -> None:
        """Rejects depths the builders cannot make."""
        if self.version not in (1, 2):
            raise UserError(f"version must be 1 or 2, got {self.version}")
        check_range("n", self.n, 1, MAX_N, why=f"depth 6n+2; ResNet1202 has n={MAX_N}")
        check_range("plateau_factor", self.plateau_factor, 0, 1, low_open=True, high_open=True)
        check_range(
            "min_lr",
            self.min_lr,
            0,
            self.learning_rate,
            why="the learning_rate: a higher floor would raise the rate on a plateau",
        )
        if len(self.schedule_epochs) != 4 or list(self.schedule_epochs) != sorted(
            self.schedule_epochs
        ):
            raise UserError(
                "schedule_epochs must be 4 increasing epochs, like 80,120,160,180, got "
                f"{','.join(map(str, self.schedule_epochs)) or 'none'}"
            )

    @property
    def depth(self) -> int:
        """6n+2 for v1, 9n+2 for v2."""
        return self.n * 6 + 2 if self.version == 1 else self.n * 9 + 2


PRESETS = {
    # Seconds on a CPU: the smoke test the test suite runs (small model, few samples; it shows that
    # the pieces fit, not a result).
    "tiny": {"epochs": 2, "n": 1, "train_samples": 128, "test_samples": 64},
    # About 1.5 min on 2 cores: ResNet20 reaches 99.3% test accuracy on the synthetic twin's easier
    # shapes (CIFAR-10 is not on this machine).
    "quick": {"epochs": 3, "train_samples": 5000, "test_samples": 1000},
    # A schedule compressed to 30 epochs (drops after 12, 18, 24, 27) for a shorter full run.
    "schedule_30": {"epochs": 30, "schedule_epochs": (12, 18, 24, 27)},
}


# -- Data ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    spec: DataSpec
    pixel_mean: np.ndarray | None = None


def load_data(config: Config, source: DataSource) -> Data:
    """/255, minus the per-pixel mean of the training images (train and test), one-hot labels."""
    (x_train, y_train), (x_test, y_test) = cifar10.load(
        source, config.train_samples, config.test_samples
    )
    x_train, y_train = training.limit((x_train, y_train), config.train_samples)
    x_test, y_test = training.limit((x_test, y_test), config.test_samples)
    x_train = x_train.astype("float32") / 255
    x_test = x_test.astype("float32") / 255
    mean = None
    if config.subtract_pixel_mean:
        mean = x_train.mean(axis=0)  # (32, 32, 3): one mean per pixel and channel
        x_train, x_test = x_train - mean, x_test - mean
    return Data(
        train=(x_train, keras.utils.to_categorical(y_train, 10)),
        test=(x_test, keras.utils.to_categorical(y_test, 10)),
        spec=DataSpec(),
        pixel_mean=mean,
    )


# -- Model --------------------------------------------------------------------------------------
def resnet_layer(
    inputs,
    num_filters: int = 16,
    kernel_size: int = 3,
    strides: int = 1,
    activation: str | None = "relu",
    batch_normalization: bool = True,
    conv_first: bool = True,
):
    """Conv2D-BN-activation (conv_first) or BN-activation-Conv2D."""
    conv = keras.layers.Conv2D(
        num_filters,
        kernel_size=kernel_size,
        strides=strides,
        padding="same",
        kernel_initializer="he_normal",
        kernel_regularizer=keras.regularizers.l2(1e-4),
    )
    x = inputs
    if conv_first:
        x = conv(x)
    if batch_normalization:
        x = keras.layers.BatchNormalization()(x)
    if activation is not None:
        x = keras.layers.Activation(activation)(x)
    if not conv_first:
        x = conv(x)
    return x


def resnet_v1(input_shape, depth: int, num_classes: int = 10) -> keras.Model:
    """Stacks of 2 x (3x3) Conv-BN-ReLU; the last ReLU comes after the shortcut addition."""
    num_filters = 16
    num_res_blocks = (depth - 2) // 6
    inputs = keras.Input(input_shape)
    x = resnet_layer(inputs)
    for stack in range(3):
        for res_block in range(num_res_blocks):
            strides = 2 if stack > 0 and res_block == 0 else 1  # downsample at a stage start
            y = resnet_layer(x, num_filters, strides=strides)
            y = resnet_layer(y, num_filters, activation=None)
            if stack > 0 and res_block == 0:
                # A 1x1 strided projection so the shortcut matches the new shape.
                x = resnet_layer(
                    x, num_filters, kernel_size=1, strides=strides, activation=None,
                    batch_normalization=False,
                )  # fmt: skip
            x = keras.layers.add([x, y])
            x = keras.layers.Activation("relu")(x)
        num_filters *= 2
    x = keras.layers.AveragePooling2D(pool_size=8)(x)  # (None, 1, 1, 64)
    y = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax",
                                 kernel_initializer="he_normal")(y)  # fmt: skip
    return keras.Model(inputs, outputs, name=f"resnet{depth}_v1")


def resnet_v2(input_shape, depth: int, num_classes: int = 10) -> keras.Model:
    """Bottleneck blocks (1x1)-(3x3)-(1x1) of BN-ReLU-Conv; BN-ReLU before the pooling."""
    num_filters_in = 16
    num_res_blocks = (depth - 2) // 9
    inputs = keras.Input(input_shape)
    x = resnet_layer(inputs, num_filters_in, conv_first=True)
    for stage in range(3):
        for res_block in range(num_res_blocks):
            activation, batch_normalization, strides = "relu", True, 1
            if stage == 0:
                num_filters_out = num_filters_in * 4
                if res_block == 0:  # the very first block: the input was just normalised
                    activation, batch_normalization = None, False
            else:
                num_filters_out = num_filters_in * 2
                if res_block == 0:
                    strides = 2
            y = resnet_layer(x, num_filters_in, kernel_size=1, strides=strides,
                             activation=activation, batch_normalization=batch_normalization,
                             conv_first=False)  # fmt: skip
            y = resnet_layer(y, num_filters_in, conv_first=False)
            y = resnet_layer(y, num_filters_out, kernel_size=1, conv_first=False)
            if res_block == 0:
                x = resnet_layer(x, num_filters_out, kernel_size=1, strides=strides,
                                 activation=None, batch_normalization=False)  # fmt: skip
            x = keras.layers.add([x, y])
        num_filters_in = num_filters_out
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Activation("relu")(x)
    x = keras.layers.AveragePooling2D(pool_size=8)(x)
    y = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax",
                                 kernel_initializer="he_normal")(y)  # fmt: skip
    return keras.Model(inputs, outputs, name=f"resnet{depth}_v2")


def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """ResNet{depth}v{version}, compiled with Adam(lr_schedule(0))."""
    builder = resnet_v1 if config.version == 1 else resnet_v2
    model = builder(spec.image_shape, config.depth, spec.num_classes)
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=lr_schedule(0, config)),
        metrics=["accuracy"],
    )
    return model


# -- Training -----------------------------------------------------------------------------------
def lr_schedule(epoch: int, config: Config = Config()) -> float:
    """The original's schedule: 1e-3, x0.1 after epoch 80, x0.01 after 120, x1e-3 after 160,
    x0.5e-3 after 180 (epochs counted from 0, as Keras passes them)."""
    first, second, third, fourth = config.schedule_epochs
    lr = config.learning_rate
    if epoch > fourth:
        lr *= 0.5e-3
    elif epoch > third:
        lr *= 1e-3
    elif epoch > second:
        lr *= 1e-2
    elif epoch > first:
        lr *= 1e-1
    return lr


class LearningRateLog(keras.callbacks.Callback):
    """Records, per epoch, who set the learning rate: LearningRateScheduler at the epoch's start,
    ReduceLROnPlateau at its end. Put it after both in the callback list."""

    COLUMNS = ("epoch", "schedule", "trained_with", "val_loss", "after_plateau", "in_control")

    def __init__(self, config: Config, on_row=None):
        super().__init__()
        self.config = config
        self.rows: list[dict] = []
        self.resumed_rows = 0
        self.on_row = on_row
        self._started_with = 0.0

    def _rate(self) -> float:
        return float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        self._started_with = self._rate()

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        scheduled, used, after = lr_schedule(epoch, self.config), self._started_with, self._rate()
        if not math.isclose(after, used, rel_tol=1e-6):
            control = "ReduceLROnPlateau cut it; the scheduler resets it next epoch"
        elif math.isclose(used, scheduled, rel_tol=1e-6):
            control = "LearningRateScheduler"
        else:
            control = "other"
        val_loss = (logs or {}).get("val_loss")
        self.rows.append(
            {
                "epoch": epoch + 1,
                "schedule": scheduled,
                "trained_with": used,
                "val_loss": None if val_loss is None else float(val_loss),
                "after_plateau": after,
                "in_control": control,
            }
        )
        if self.on_row is not None:
            self.on_row(self)

    def resume(self, run: Run) -> None:
        """Takes back the rows of a resumed run's finished epochs: from learning_rate.txt, or,
        for an epoch interrupted before its row was written, from metrics.csv."""
        path = run.artifacts / "learning_rate.txt"
        lines = path.read_text().splitlines()[1:] if path.is_file() else []
        written = {row[0]: row for row in (re.split(r"\s{2,}", line) for line in lines)}
        for metrics in run.read_metrics():
            epoch = metrics["epoch"]
            if epoch in written:
                self.rows.append(dict(zip(self.COLUMNS, written[epoch], strict=True)))
            else:
                self.rows.append({
                    "epoch": epoch, "schedule": lr_schedule(int(epoch) - 1, self.config),
                    "trained_with": float(metrics["lr"]), "val_loss": float(metrics["val_loss"]) if metrics.get("val_loss") else None,
                    "after_plateau": None, "in_control": "(not recorded: run interrupted)",
                })  # fmt: skip
        self.resumed_rows = len(self.rows)

    def table(self) -> str:
        """The rows as an aligned text table."""

        def text(value) -> str:
            if value is None:
                return "-"
            return f"{value:.4g}" if isinstance(value, float) else str(value)

        cells = [list(self.COLUMNS)] + [[text(row[c]) for c in self.COLUMNS] for row in self.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(self.COLUMNS))]
        return "\n".join(
            "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells
        )


def learning_rate_callbacks(config: Config) -> list[keras.callbacks.Callback]:
    """The original's pair, in its order: ReduceLROnPlateau, then LearningRateScheduler."""
    return [
        keras.callbacks.ReduceLROnPlateau(
            factor=config.plateau_factor,
            cooldown=config.plateau_cooldown,
            patience=config.plateau_patience,
            min_lr=config.min_lr,
        ),
        keras.callbacks.LearningRateScheduler(lambda epoch: lr_schedule(epoch, config)),
    ]


def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """Trains with the test set as validation data, the best model checkpointed, the learning
    rate logged per epoch; returns the final model's test metrics."""
    model = build_model(config, data.spec)
    print(f"ResNet{config.depth}v{config.version}")
    callbacks: list[keras.callbacks.Callback] = []
    if run is not None:
        # The original's checkpoint watched 'val_acc', which no longer exists.
        callbacks.append(
            keras.callbacks.ModelCheckpoint(
                run.artifacts / "best_model.keras",
                monitor="val_accuracy",
                mode="max",
                save_best_only=True,
            )  # fmt: skip
        )

    def show(log: LearningRateLog) -> None:
        lines = log.table().splitlines()
        if len(log.rows) == log.resumed_rows + 1:
            print(lines[0])
        print(lines[-1], flush=True)
        if run is not None:
            run.write_text("learning_rate.txt", log.table() + "\n")

    log = LearningRateLog(config, show)
    if training.has_checkpoint(run):
        log.resume(run)
    callbacks += [*learning_rate_callbacks(config), log]
    x_train, y_train = data.train
    if config.data_augmentation:
        x_train = ShiftFlip.from_config(x_train, config)
    training.fit(
        model,
        run,
        x_train,
        y_train,
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        validation_data=data.test,
        callbacks=callbacks,
    )
    return evaluate(config, data, model)


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """Test loss and accuracy."""
    return training.evaluate(model, *data.test, batch_size=config.batch_size)

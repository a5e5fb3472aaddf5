"""cifar10_cnn: a small convnet on CIFAR-10, with real-time data augmentation.

What it teaches: the classic VGG-like recipe on colour images. Two blocks of
[Conv(3x3, same) - ReLU - Conv(3x3) - ReLU - MaxPool(2) - Dropout(0.25)] with 32 then 64
filters turn a 32x32x3 image into 6x6x64 = 2304 features; Dense(512) - ReLU - Dropout(0.5)
and a 10-way softmax classify them: 1,250,858 parameters, 1,180,160 of them in the first
Dense layer. Every epoch sees the training images randomly shifted by up to 10% of their width
and height and flipped left-right, so the network cannot memorise pixel positions.

Documented result of the original: "It gets to 75% validation accuracy in 25 epochs, and 79%
after 50 epochs. (it's still underfitting at that point, though)."

Differences from the original (Keras 2.3.1 `examples/cifar10_cnn.py`):
- `ImageDataGenerator` and `fit_generator` are gone from Keras 3. `ShiftFlip` below does what
  `ImageDataGenerator(width_shift_range=0.1, height_shift_range=0.1, horizontal_flip=True,
  fill_mode='nearest')` did, in NumPy on each training batch: a random shift of up to 10% of
  the height and width (fractional, bilinear, edges repeated) and a left-right flip with
  probability 1/2. It is the same on every backend, it is a test that it matches
  `scipy.ndimage` (which ImageDataGenerator called), and the model stays exactly the seed's
  network. (Keras' RandomTranslation layer inside the model did the same but made a CPU
  training step 4x slower on JAX and PyTorch.) `--set data_augmentation=false` turns it off.
- `RMSprop(learning_rate=1e-4, decay=1e-6)`: Keras 3 ignores `decay`, so the same decay
  lr / (1 + 1e-6 * step) is an `InverseTimeDecay(1e-4, 1, 1e-6)` schedule.
- The model is saved as the run's `model.keras` (not `saved_models/keras_cifar10_trained_model.h5`).
- `filters` and `dense_units` are fields only so that the `tiny` preset can shrink the network;
  the defaults are the original's.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from keras_classics import training
from keras_classics.config import BaseConfig
from keras_classics.datasets import DataSource, cifar10
from keras_classics.errors import UserError
from keras_classics.runs import Run


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's settings: batch 32, 100 epochs, RMSprop(1e-4, decay 1e-6), augmentation."""

    epochs: int = 100
    batch_size: int = 32
    learning_rate: float = 1e-4
    decay: float = 1e-6
    data_augmentation: bool = True
    width_shift: float = 0.1
    height_shift: float = 0.1
    horizontal_flip: bool = True
    filters: tuple[int, ...] = (32, 64)
    dense_units: int = 512

    def check(self) -> None:
        """Rejects values the model cannot use."""
        if len(self.filters) != 2 or min(self.filters) < 1:
            raise UserError(f"filters must be two positive counts like 32,64, got {self.filters}")
        if self.dense_units < 1 or self.learning_rate <= 0 or self.decay < 0:
            raise UserError("dense_units and learning_rate must be positive, decay >= 0")
        if not (0 <= self.width_shift < 1 and 0 <= self.height_shift < 1):
            raise UserError("width_shift and height_shift must be fractions in [0, 1)")


PRESETS = {
    "tiny": {
        "epochs": 3,
        "train_samples": 256,
        "test_samples": 128,
        "filters": (8, 16),
        "dense_units": 64,
        "learning_rate": 1e-3,
    },
    # The documented checkpoints: 75% validation accuracy after 25 epochs, 79% after 50.
    "quick": {"epochs": 25},
}


# -- Data ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """32x32 colour images, 10 classes."""

    image_shape: tuple[int, int, int] = (32, 32, 3)
    num_classes: int = 10


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    spec: DataSpec
    class_names: tuple[str, ...] = cifar10.CLASS_NAMES


def prepare(images: np.ndarray, labels: np.ndarray, spec: DataSpec = DataSpec()):
    """uint8 (N, 32, 32, 3) -> float32 in [0, 1]; labels (N, 1) -> one-hot (N, 10)."""
    return images.astype("float32") / 255, keras.utils.to_categorical(labels, spec.num_classes)


def load_data(config: Config, source: DataSource) -> Data:
    """CIFAR-10 (or its synthetic twin of coloured shapes) prepared as the original did."""
    (x_train, y_train), (x_test, y_test) = cifar10.load(
        source, config.train_samples, config.test_samples
    )
    names = cifar10.SYNTHETIC_CLASS_NAMES if source.synthetic else cifar10.CLASS_NAMES
    return Data(
        train=prepare(*training.limit((x_train, y_train), config.train_samples)),
        test=prepare(*training.limit((x_test, y_test), config.test_samples)),
        spec=DataSpec(),
        class_names=names,
    )


# Real-time augmentation: what ImageDataGenerator(width_shift_range=0.1, height_shift_range=0.1,
# horizontal_flip=True, fill_mode='nearest').flow(x_train, y_train) did to each batch.
def shift_along(images: np.ndarray, shifts: np.ndarray, axis: int) -> np.ndarray:
    """Image i resampled at (position + shifts[i]) along `axis` with linear interpolation; a
    position outside the image takes the edge value (fill_mode='nearest')."""
    size = images.shape[axis]
    source = np.clip(np.arange(size)[None, :] + shifts[:, None], 0, size - 1)  # (N, size)
    low = np.floor(source).astype(np.intp)
    high = np.minimum(low + 1, size - 1)
    weight = (source - low).astype(images.dtype)
    shape = [len(images), 1, 1, 1]
    shape[axis] = size  # index arrays broadcast over the other axes
    low, high, weight = (a.reshape(shape) for a in (low, high, weight))
    lower = np.take_along_axis(images, low, axis=axis)
    upper = np.take_along_axis(images, high, axis=axis)
    return lower + (upper - lower) * weight


def shift_flip(
    images: np.ndarray,
    rng: np.random.Generator,
    height_shift: float,
    width_shift: float,
    horizontal_flip: bool,
) -> np.ndarray:
    """ImageDataGenerator's random_transform for shifts and flips, on a batch (N, H, W, C)."""
    count, height, width = images.shape[:3]
    out = shift_along(images, rng.uniform(-height_shift, height_shift, count) * height, axis=1)
    out = shift_along(out, rng.uniform(-width_shift, width_shift, count) * width, axis=2)
    if horizontal_flip:
        flip = rng.random(count) < 0.5
        out[flip] = out[flip, :, ::-1]
    return out


class ShiftFlip:
    """Training images that come out freshly shifted and flipped each time a batch is taken.

    `training.fit` takes a batch by indexing x with the batch's sample numbers, so an instance
    stands in for x_train. The randomness of a batch is fixed by (seed, its sample numbers), so
    runs repeat exactly and a resumed run sees what an uninterrupted one would have seen.
    """

    def __init__(
        self,
        images: np.ndarray,
        seed: int,
        height_shift: float = 0.1,
        width_shift: float = 0.1,
        horizontal_flip: bool = True,
    ):
        self.images = images
        self.seed = seed
        self.shifts = (height_shift, width_shift)
        self.horizontal_flip = horizontal_flip

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index) -> np.ndarray:
        index = np.atleast_1d(np.arange(len(self.images))[index])
        rng = np.random.default_rng([self.seed, len(index), *index.tolist()])
        return shift_flip(self.images[index], rng, *self.shifts, self.horizontal_flip)

    @classmethod
    def from_config(cls, images: np.ndarray, config) -> ShiftFlip:
        """Uses the config's seed, height_shift, width_shift and horizontal_flip."""
        return cls(
            images, config.seed, config.height_shift, config.width_shift, config.horizontal_flip
        )


# -- Model --------------------------------------------------------------------------------------
def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """[Conv-ReLU-Conv-ReLU-MaxPool-Dropout] x 2 -> Flatten -> Dense(512)-ReLU-Dropout -> softmax."""
    small, large = config.filters
    layers = keras.layers
    model = keras.Sequential(name="cifar10_cnn")
    model.add(keras.Input(spec.image_shape))
    for filters in (small, large):
        model.add(layers.Conv2D(filters, (3, 3), padding="same"))  # (None, 32, 32, 32) first
        model.add(layers.Activation("relu"))
        model.add(layers.Conv2D(filters, (3, 3)))  # 'valid': loses a pixel on each side
        model.add(layers.Activation("relu"))
        model.add(layers.MaxPooling2D(pool_size=(2, 2)))  # (None, 15, 15, 32), (None, 6, 6, 64)
        model.add(layers.Dropout(0.25))
    model.add(layers.Flatten())  # (None, 2304)
    model.add(layers.Dense(config.dense_units))
    model.add(layers.Activation("relu"))
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(spec.num_classes))
    model.add(layers.Activation("softmax"))
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.RMSprop(learning_rate=learning_rate_schedule(config)),
        metrics=["accuracy"],
    )
    return model


def learning_rate_schedule(config: Config) -> keras.optimizers.schedules.LearningRateSchedule:
    """Keras 2's `decay`: lr_t = lr / (1 + decay * iterations), as a Keras 3 schedule."""
    return keras.optimizers.schedules.InverseTimeDecay(
        config.learning_rate, decay_steps=1, decay_rate=config.decay
    )


# -- Training -----------------------------------------------------------------------------------
def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """Trains with the test set as validation data (as the original) and returns test metrics."""
    model = build_model(config, data.spec)
    print("Using real-time data augmentation." if config.data_augmentation else
          "Not using data augmentation.")  # fmt: skip
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
    )
    return evaluate(config, data, model)


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """Test loss and accuracy (the original's 'Test loss:' and 'Test accuracy:')."""
    return training.evaluate(model, *data.test, batch_size=config.batch_size)


# -- Walkthrough --------------------------------------------------------------------------------
def explain(config: Config, source: DataSource):
    """The walkthrough: input shapes, the labels, the model and its parameter count, the
    augmentation and the learning rate decay."""
    from keras_classics.explaining import Section, array_text, summary_text

    count = 1000 if source.synthetic else 0  # synthetic: a sample is enough to show shapes
    (x_train, y_train), (x_test, _) = cifar10.load(source, count, count // 5)
    data_note = f" (synthetic twin: first {count} generated)" if source.synthetic else ""
    names = cifar10.SYNTHETIC_CLASS_NAMES if source.synthetic else cifar10.CLASS_NAMES
    x, y = prepare(x_train, y_train)
    yield Section(
        "Input data shapes" + data_note,
        "输入数据的 shape" + ("（合成数据）" if source.synthetic else ""),
        f"x_train.shape {x.shape}\ny_train.shape {y.shape}\n"
        f"{len(x_test)} test samples; pixels {x_train.dtype} 0-255 -> float32 "
        f"{x.min():.1f}-{x.max():.1f}",
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
        + "\n(Keras 3 numbers automatic layer names from 0 (conv2d, activation, dense) where the "
        "seed's Keras 2 printed conv2d_1, activation_1, dense_1; layer order, output shapes and "
        "parameter counts are the seed's.)",
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
    rows = [
        f"image {i}: shift rows {dy[i]:+.2f} px, columns {dx[i]:+.2f} px, flipped {bool(flips[i])}"
        f", mean |augmented - original| {np.abs(batch[i] - x[i]).mean():.3f}"
        for i in range(count)
    ]
    yield Section(
        "Real-time augmentation, as ImageDataGenerator(width_shift_range=0.1, "
        "height_shift_range=0.1, horizontal_flip=True, fill_mode='nearest') did",
        "实时数据增强（代替已删除的 ImageDataGenerator：平移 0.1、水平翻转）",
        "\n".join(rows),
    )
    schedule = learning_rate_schedule(config)
    per_epoch = int(np.ceil(50000 / config.batch_size))
    steps = [0, per_epoch, 25 * per_epoch, 50 * per_epoch, config.epochs * per_epoch]
    rates = [f"step {s:>7}: {float(keras.ops.convert_to_numpy(schedule(s))):.4e}" for s in steps]
    yield Section(
        "RMSprop(1e-4, decay=1e-6) as InverseTimeDecay: lr / (1 + 1e-6 * step)",
        "RMSprop 的 decay=1e-6 用 InverseTimeDecay 学习率调度实现",
        f"{per_epoch} steps per epoch at batch {config.batch_size}\n" + "\n".join(rates),
    )

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
from keras_classics.config import BaseConfig, check_range
from keras_classics.datasets import DataSource, cifar10
from keras_classics.errors import UserError
from keras_classics.examples.families.cifar10 import DataSpec, ShiftFlip
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
        if len(self.filters) != 2:
            raise UserError(f"filters must be two counts like 32,64, got {self.filters}")
        # lr / (1 + decay * step), in float32: a decay of 1e300 is inf, and inf * 0 at step 0 NaN
        check_range("decay", self.decay, 0, 1, why="1 already divides the rate by the step count")


PRESETS = {
    # Seconds on a CPU: the smoke test the test suite runs (small model, few samples; it shows that
    # the pieces fit, not a result).
    "tiny": {
        "epochs": 3,
        "train_samples": 256,
        "test_samples": 128,
        "filters": (8, 16),
        "dense_units": 64,
        "learning_rate": 1e-3,
    },
    # About 1 min on 2 cores: 51.7% test accuracy on the synthetic twin (CIFAR-10 is not on this
    # machine); on CIFAR-10, three epochs of 10,000 images.
    "quick": {"epochs": 3, "train_samples": 10000, "test_samples": 2000},
    # The documented checkpoints: 75% validation accuracy after 25 epochs, 79% after 50.
    "checkpoint_25": {"epochs": 25},
}


# -- Data ---------------------------------------------------------------------------------------


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

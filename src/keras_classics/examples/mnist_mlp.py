"""mnist_mlp: a multilayer perceptron on MNIST.

What it teaches: the simplest deep network for images. Each 28x28 image is flattened to 784
numbers in [0, 1]; two fully connected layers of 512 ReLU units with dropout 0.2 feed a 10-way
softmax (669,706 parameters).

Documented result of the original: "98.40% test accuracy after 20 epochs (there is *a lot* of
margin for parameter tuning). 2 seconds per epoch on a K520 GPU."

Differences from the original (Keras 2.3.1 `examples/mnist_mlp.py`):
- `keras.Input` instead of `input_shape=`; `RMSprop()` keeps its default learning rate 0.001,
  which is the same in Keras 2 and 3.
- `--set dataset=fashion_mnist` trains the same network on Fashion-MNIST.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from keras_classics import training
from keras_classics.config import BaseConfig
from keras_classics.datasets import DataSource, mnist
from keras_classics.errors import UserError
from keras_classics.runs import Run


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's hyperparameters (batch 128, 20 epochs, RMSprop 0.001, dropout 0.2)."""

    epochs: int = 20
    batch_size: int = 128
    dataset: str = "mnist"
    hidden_units: int = 512
    dropout: float = 0.2
    learning_rate: float = 0.001

    def check(self) -> None:
        """Rejects values the model cannot use."""
        if self.dataset not in mnist.DATASETS:
            raise UserError(f"dataset must be mnist or fashion_mnist, got {self.dataset!r}")


PRESETS = {
    # Seconds on a CPU: the smoke test the test suite runs (small model, few samples; it shows that
    # the pieces fit, not a result).
    "tiny": {"epochs": 2, "train_samples": 1024, "test_samples": 512, "hidden_units": 64},
    # About 20 s on 2 cores: 86.3% test accuracy on Fashion-MNIST (MNIST itself is not on this
    # machine; the original documents 98.40% on MNIST after 20 epochs).
    "quick": {"epochs": 3},
}


# -- Data ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Shapes the model needs: 784 inputs, 10 classes."""

    num_features: int = 28 * 28
    num_classes: int = 10


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    spec: DataSpec


def load_data(config: Config, source: DataSource) -> Data:
    """MNIST as (N, 784) float32 in [0, 1] with one-hot labels, as the original prepared it."""
    return from_arrays(
        config, mnist.load(config.dataset, source, config.train_samples, config.test_samples)
    )


def from_arrays(config: Config, arrays: mnist.Arrays) -> Data:
    """The data prepared from MNIST's uint8 arrays, as `mnist.load` returns them."""
    (x_train, y_train), (x_test, y_test) = arrays
    spec = DataSpec()

    def prepare(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = images.reshape(len(images), spec.num_features).astype("float32") / 255
        y = keras.utils.to_categorical(labels, spec.num_classes)
        return x, y

    train = prepare(x_train, y_train)
    test = prepare(x_test, y_test)
    return Data(train=train, test=test, spec=spec)


# -- Model --------------------------------------------------------------------------------------
def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """Dense(512, relu) -> Dropout -> Dense(512, relu) -> Dropout -> Dense(10, softmax)."""
    model = keras.Sequential(
        [
            keras.Input((spec.num_features,)),
            keras.layers.Dense(config.hidden_units, activation="relu"),
            keras.layers.Dropout(config.dropout),
            keras.layers.Dense(config.hidden_units, activation="relu"),
            keras.layers.Dropout(config.dropout),
            keras.layers.Dense(spec.num_classes, activation="softmax"),
        ],
        name="mnist_mlp",
    )
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.RMSprop(learning_rate=config.learning_rate),
        metrics=["accuracy"],
    )
    return model


# -- Training -----------------------------------------------------------------------------------
def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """Trains with the test set as validation data (as the original) and returns test metrics."""
    model = build_model(config, data.spec)
    x_train, y_train = data.train
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
    """Test loss and accuracy."""
    return training.evaluate(model, *data.test, batch_size=config.batch_size)

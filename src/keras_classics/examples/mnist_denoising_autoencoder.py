"""mnist_denoising_autoencoder: a convolutional autoencoder that removes noise from digits.

What it teaches: an encoder and a decoder built as two Keras models and chained into a third.
Noise drawn from N(0.5, 0.5) is added to every pixel and the result clipped to [0, 1]; the
autoencoder learns to map the noisy image back to the clean one (mean squared error).
- encoder (69,008 parameters): Conv2D(32, 3, stride 2, relu) -> Conv2D(64, 3, stride 2, relu)
  -> Flatten (3136) -> Dense(16) 'latent_vector': a 16-number code per image;
- decoder (108,993): Dense(3136) -> Reshape(7, 7, 64) -> Conv2DTranspose(64, stride 2, relu)
  -> Conv2DTranspose(32, stride 2, relu) -> Conv2DTranspose(1) -> sigmoid: a 28x28 image;
- autoencoder = decoder(encoder(x)): 178,001 parameters, adam, mse, 30 epochs, batch 128.

Documented result of the original: none in numbers; it shows a picture of 300 test digits,
each as three lines: the original images, the corrupted input, the denoised output
(`corrupted_and_denoised.png`, written here to the run's artifacts). This module also measures
what the picture shows: final.json has `test_mse_noisy` (noisy input vs clean) and
`test_mse_denoised` (autoencoder output vs clean); the second must be the smaller.

Measured here (JAX, CPU): after one epoch on 10,000 real Fashion-MNIST images, the noisy test
images are at MSE 0.263 from the clean ones and the denoised outputs at 0.0865
(`--set dataset=fashion_mnist --set epochs=1 --set train_samples=10000`).

Differences from the original (Keras 2.3.1 `examples/mnist_denoising_autoencoder.py`):
- `np.random.seed(1337)` then `np.random.normal` becomes `np.random.RandomState(seed).normal`
  with the same draw order (train noise, then test noise): with all the data and seed 1337 the
  noise is bit-for-bit the original's; noisy images are float32.
- The picture is written with PIL as the original did, never shown (`plt.show()` is dropped);
  the stale comment "Display the 1st 8 corrupted and denoised images" (it shows 300) is gone.
- `--set dataset=fashion_mnist` denoises Fashion-MNIST.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from keras_classics import image_io, training
from keras_classics.config import BaseConfig, check_range
from keras_classics.datasets import DataSource, mnist
from keras_classics.errors import UserError
from keras_classics.registry import Context
from keras_classics.runs import Run


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's settings: noise N(0.5, 0.5), 16-d code, filters (32, 64), adam, mse."""

    epochs: int = 30
    batch_size: int = 128
    dataset: str = "mnist"
    latent_dim: int = 16
    layer_filters: tuple[int, ...] = (32, 64)
    kernel_size: int = 3
    noise_mean: float = 0.5
    noise_std: float = 0.5

    def check(self) -> None:
        """Rejects values the model cannot use."""
        if self.dataset not in mnist.DATASETS:
            raise UserError(f"dataset must be mnist or fashion_mnist, got {self.dataset!r}")
        if len(self.layer_filters) != 2:
            raise UserError(
                f"layer_filters must be two numbers (28 -> 14 -> 7), e.g. 32,64, "
                f"got {','.join(map(str, self.layer_filters))}"
            )
        check_range("kernel_size", self.kernel_size, 1, 28, why="the images are 28 pixels wide")
        check_range("noise_std", self.noise_std, 0)


PRESETS = {
    # Seconds on a CPU: the smoke test the test suite runs (small model, few samples; it shows that
    # the pieces fit, not a result).
    "tiny": {"epochs": 2, "train_samples": 512, "test_samples": 256, "layer_filters": (8, 16)},
    # About 2.5 min on 2 cores: on Fashion-MNIST the denoised test images are 0.020 mean squared
    # error from the clean ones, the noisy inputs 0.263 (MNIST is not on this machine).
    "quick": {"epochs": 3},
}


# -- Data ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """The image shape."""

    image_shape: tuple[int, int, int] = (28, 28, 1)


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]  # (noisy, clean), both (N, 28, 28, 1) float32
    test: tuple[np.ndarray, np.ndarray]
    spec: DataSpec
    test_labels: np.ndarray  # unused by the model; names the digits of the picture


def corrupt(images: np.ndarray, rng: np.random.RandomState, mean: float, std: float):
    """Adds N(mean, std) noise to images in [0, 1] and clips back to [0, 1], as the original."""
    noise = rng.normal(loc=mean, scale=std, size=images.shape)
    return np.clip(images + noise, 0.0, 1.0).astype("float32")


def load_data(config: Config, source: DataSource) -> Data:
    """Clean images (N, 28, 28, 1) in [0, 1] and their noisy copies; labels are not used."""
    return from_arrays(
        config, mnist.load(config.dataset, source, config.train_samples, config.test_samples)
    )


def from_arrays(config: Config, arrays: mnist.Arrays) -> Data:
    """The data prepared from MNIST's uint8 arrays, as `mnist.load` returns them."""
    (x_train, _), (x_test, y_test) = arrays
    spec = DataSpec()
    clean = [x.reshape((-1, *spec.image_shape)).astype("float32") / 255 for x in (x_train, x_test)]
    # One generator, train noise first: the original's np.random.seed(1337) draw order.
    rng = np.random.RandomState(config.seed)
    noisy = [corrupt(x, rng, config.noise_mean, config.noise_std) for x in clean]
    return Data(
        train=(noisy[0], clean[0]),
        test=(noisy[1], clean[1]),
        spec=spec,
        test_labels=y_test,
    )


# -- Model --------------------------------------------------------------------------------------
def build_encoder(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """Image -> 16-number code: two stride-2 convolutions, then a Dense layer."""
    inputs = keras.Input(spec.image_shape, name="encoder_input")
    x = inputs
    for filters in config.layer_filters:  # (None, 14, 14, 32) then (None, 7, 7, 64)
        x = keras.layers.Conv2D(
            filters, config.kernel_size, strides=2, activation="relu", padding="same"
        )(x)
    x = keras.layers.Flatten()(x)  # (None, 3136)
    latent = keras.layers.Dense(config.latent_dim, name="latent_vector")(x)
    return keras.Model(inputs, latent, name="encoder")


def build_decoder(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """16-number code -> image: the encoder's steps mirrored with transposed convolutions."""
    side = spec.image_shape[0] // 2 ** len(config.layer_filters)  # 7
    shape = (side, side, config.layer_filters[-1])  # the encoder's last feature map (7, 7, 64)
    latent_inputs = keras.Input((config.latent_dim,), name="decoder_input")
    x = keras.layers.Dense(int(np.prod(shape)))(latent_inputs)  # (None, 3136)
    x = keras.layers.Reshape(shape)(x)
    for filters in config.layer_filters[::-1]:  # (None, 14, 14, 64) then (None, 28, 28, 32)
        x = keras.layers.Conv2DTranspose(
            filters, config.kernel_size, strides=2, activation="relu", padding="same"
        )(x)
    x = keras.layers.Conv2DTranspose(spec.image_shape[-1], config.kernel_size, padding="same")(x)
    outputs = keras.layers.Activation("sigmoid", name="decoder_output")(x)
    return keras.Model(latent_inputs, outputs, name="decoder")


def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """autoencoder = decoder(encoder(noisy image)), compiled with mse and adam."""
    encoder, decoder = build_encoder(config, spec), build_decoder(config, spec)
    inputs = keras.Input(spec.image_shape, name="encoder_input")
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    autoencoder.compile(loss="mse", optimizer="adam")
    return autoencoder


def summary_models(config: Config) -> dict[str, keras.Model]:
    """The three models the walkthrough prints: encoder, decoder and the autoencoder."""
    autoencoder = build_model(config)
    return {
        "encoder": autoencoder.get_layer("encoder"),
        "decoder": autoencoder.get_layer("decoder"),
        "autoencoder": autoencoder,
    }


# -- Training -----------------------------------------------------------------------------------
def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """Trains noisy -> clean with the test pair as validation data, then draws the picture."""
    model = build_model(config, data.spec)
    x_train_noisy, x_train = data.train
    training.fit(
        model,
        run,
        x_train_noisy,
        x_train,
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        validation_data=data.test,
    )
    metrics = evaluate(config, data, model)
    print(
        f"mean squared error to the clean test images: noisy input "
        f"{metrics['test_mse_noisy']:.4f}, denoised output {metrics['test_mse_denoised']:.4f}"
    )
    if run is not None:
        draw_picture(model, data, run)
    return metrics


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """Test loss (mse) and how far noisy inputs and denoised outputs are from the clean images."""
    metrics = training.evaluate(model, *data.test, batch_size=config.batch_size)
    noisy, clean = data.test
    denoised = model.predict(noisy, batch_size=config.batch_size, verbose=0)
    metrics["test_mse_noisy"] = float(np.mean(np.square(noisy - clean)))
    metrics["test_mse_denoised"] = float(np.mean(np.square(denoised - clean)))
    return metrics


# -- Sampling -----------------------------------------------------------------------------------
def grid_size(count: int) -> tuple[int, int]:
    """(rows, cols) of the picture: the original's 10 x 30 when 300 test images are there, else
    the largest rows x 3*rows that fits (the original's layout needs cols divisible by rows)."""
    rows = min(10, int(np.sqrt(count / 3)))
    if rows < 1:
        return 1, min(count, 30)
    return rows, 3 * rows


def mosaic(originals, noisy, denoised, rows: int = 10, cols: int = 30) -> np.ndarray:
    """The original's picture: 3 * rows lines of `cols` images, each group of three lines showing
    the same digits original, corrupted and denoised. (N, size, size) arrays -> one 2D array."""
    num = rows * cols
    size = originals.shape[1]
    imgs = np.concatenate([originals[:num], noisy[:num], denoised[:num]])
    imgs = imgs.reshape((rows * 3, cols, size, size))
    imgs = np.vstack(np.split(imgs, rows, axis=1))
    imgs = imgs.reshape((rows * 3, -1, size, size))
    return np.vstack([np.hstack(line) for line in imgs])


def mosaic_labels(labels: np.ndarray, rows: int = 10, cols: int = 30) -> list[str]:
    """The digits shown on each line of `mosaic`, found by laying out image numbers the same way."""
    index = np.arange(rows * cols).reshape(-1, 1, 1)
    order = mosaic(index, index, index, rows, cols)  # (3 * rows, cols) image numbers
    return ["".join(str(int(labels[i])) for i in line) for line in order]


def draw_picture(model: keras.Model, data: Data, run: Run | None) -> np.ndarray:
    """Denoises the first test images and writes corrupted_and_denoised.png to the artifacts."""

    noisy, clean = data.test
    rows, cols = grid_size(len(clean))
    count = rows * cols
    denoised = model.predict(noisy[:count], verbose=0)
    picture = mosaic(clean[..., 0], noisy[..., 0], denoised[..., 0], rows, cols)
    picture = (np.clip(picture, 0, 1) * 255).astype(np.uint8)
    if run is not None:
        path = run.artifacts / "corrupted_and_denoised.png"
        image_io.save_png(picture, path)
        print(f"original, corrupted and denoised test images: {path}")
    return picture


def sample(config: Config, model: keras.Model, run: Run, context: Context) -> np.ndarray:
    """Redraws the picture with a run's saved model on the run's data (`context.source`: real
    or synthetic, as the run trained)."""
    data = load_data(config, context.source)
    return draw_picture(model, data, run)

"""mnist_acgan: an Auxiliary Classifier GAN (Odena et al., arXiv:1610.09585) on MNIST.

What it teaches: two networks trained against each other. The generator maps a pair (z, c) of
a 100-dimensional uniform(-1, 1) noise vector and a digit class to a 28x28 image: an Embedding
of the class multiplies z element-wise (a Hadamard product), then Dense(3x3x384) and three
Conv2DTranspose layers (with BatchNormalization) upsample 3 -> 7 -> 14 -> 28 (2,657,897
parameters, 576 of them BatchNormalization statistics). The discriminator (525,835) reads an
image with four LeakyReLU convolutions and answers twice: `generation`, is it real, and
`auxiliary`, which digit is it. `combined` = discriminator(generator(z, c)) trains the
generator only (3,183,732 parameters, 2,657,321 of them trainable).

Each batch: (1) the discriminator learns on 100 real and 100 generated images, real labelled
0.95 (one-sided label smoothing), fake 0; its digit loss counts real images twice and
generated images not at all (sample weights 2 and 0). (2) The generator learns, through the
frozen discriminator, to make 200 images that it calls real (0.95) and of the asked class.

Documented result of the original: "You should start to see reasonable images after ~5 epochs,
and good images by ~15 epochs." Time per epoch: 3 hours on a CPU (TF), 4 minutes on a Titan X.

Differences from the original (Keras 2.3.1 `examples/mnist_acgan.py`):
- The original froze the discriminator (`trainable = False`) after compiling it and built
  `combined` on top. In Keras 3 the flag is read when a step runs, so that pattern leaves the
  discriminator untrained (its optimizer is built with no variables). Here `trainable` is set
  to True right before each discriminator step and to False right before each generator step;
  tests check that each step moves its own network's weights and only those.
- `combined` names its two outputs `generation` and `auxiliary` (two 0-parameter Identity
  layers), so its per-output losses are reported, as the original's table shows them.
- Noise and labels come from a generator seeded per epoch, so `--resume` repeats exactly; the
  test losses use the same fixed noise every epoch, so epochs can be compared.
- After each epoch, the generator's BatchNormalization moving mean and variance are recomputed
  for its weights on 5 batches of its own inputs (`batch_norm.recalibrate`) before the test
  losses, the plot and the checkpoint. Keras' moving averages start at variance 1.0 and keep
  0.99**steps of it, while these layers' inputs have variances near 0.01: the quick preset's
  360 steps left 0.027-0.037, and its plots (the generator in inference mode, as the
  original's `generator.predict`) were grey noise where the same weights in training mode
  drew clothes. The original's 600 steps per epoch leave 0.2% after its first epoch, so its
  recipe hardly changes; from the second epoch on, the discriminator also sees the generated
  images as the generator draws them. `--set recalibrate_bn=false` keeps Keras' averages.
- Per epoch: `plot_epoch_NNN_generated.png` (one row per class, generated digits with shared
  noise per column beside real digits of that class), `losses.txt` (the original's table),
  metrics.csv and model.keras (the combined model, which holds both networks). The original's
  per-epoch `.hdf5` weight files and the pickled history are replaced by these.
"""

from __future__ import annotations

import dataclasses
import time

import keras
import numpy as np

from keras_classics import batch_norm, image_io, training
from keras_classics.config import BaseConfig, check_range
from keras_classics.datasets import DataSource, mnist
from keras_classics.errors import UserError
from keras_classics.registry import Context
from keras_classics.runs import Run

NUM_CLASSES = 10
LOSS_NAMES = ("loss", "generation_loss", "auxiliary_loss")


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's settings: batch 100, 100 epochs, latent 100, Adam(2e-4, beta_1=0.5)."""

    epochs: int = 100
    batch_size: int = 100
    latent_size: int = 100
    learning_rate: float = 2e-4
    beta_1: float = 0.5
    soft_one: float = 0.95  # target for real images (one-sided label smoothing, Salimans 2016)
    real_aux_weight: float = 2.0  # auxiliary loss weight on real images; 0 on generated ones
    dataset: str = "mnist"
    plot_samples: int = 40  # generated (and real) digits per class in the per-epoch plot
    # The original's widths; fields only so that the tiny preset can use small networks.
    generator_filters: tuple[int, ...] = (384, 192, 96)
    discriminator_filters: tuple[int, ...] = (32, 64, 128, 256)
    digit: int = -1  # `sample`: the class to generate (-1: every class)
    # After each epoch, the generator's BatchNormalization moving statistics are recomputed for
    # its weights (`batch_norm.recalibrate`); false keeps Keras' moving averages alone.
    recalibrate_bn: bool = True

    def check(self) -> None:
        """Rejects values the networks cannot use."""
        if self.dataset not in mnist.DATASETS:
            raise UserError(f"dataset must be mnist or fashion_mnist, got {self.dataset!r}")
        if not -1 <= self.digit <= 9:
            raise UserError(f"digit must be 0-9 (or -1 for all), got {self.digit}")
        check_range("plot_samples", self.plot_samples, 1, 100, why="digits per class in the plot")
        check_range("soft_one", self.soft_one, 0, 1, low_open=True, why="a target probability")
        check_range("real_aux_weight", self.real_aux_weight, 0)
        for name, count in (("generator_filters", 3), ("discriminator_filters", 4)):
            widths = getattr(self, name)
            if len(widths) != count:
                raise UserError(
                    f"{name} takes {count} widths, got {','.join(map(str, widths)) or 'none'}"
                )


PRESETS = {
    # Seconds on a CPU: the smoke test the test suite runs (small model, few samples; it shows that
    # the pieces fit, not a result).
    "tiny": {
        "epochs": 2,
        "batch_size": 20,
        "train_samples": 60,
        "test_samples": 20,
        "plot_samples": 4,
        "generator_filters": (32, 16, 8),
        "discriminator_filters": (8, 8, 16, 16),
    },
    # About 4 min on 2 cores (quarter-width networks, 10 epochs of 12,000 images; measured on
    # Fashion-MNIST with --set dataset=fashion_mnist, as MNIST's training images are not on this
    # machine): each row of the epoch plot draws its class, T-shirts, trousers, pullovers, dresses,
    # coats, sandals, shirts, sneakers, bags and ankle boots, rough and alike across the noise; the
    # discriminator's class head labels 82.3% of the real test images right. After 3 epochs the rows
    # are silhouettes, after 1 still noise.
    "quick": {
        "epochs": 10,
        "train_samples": 12000,
        "generator_filters": (96, 48, 24),
        "discriminator_filters": (16, 32, 64, 128),
    },
    # The docstring's "reasonable images after ~5 epochs".
    "five_epochs": {"epochs": 5},
}


# -- Data ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """28x28 grey images, 10 classes."""

    image_shape: tuple[int, int, int] = (28, 28, 1)
    num_classes: int = NUM_CLASSES


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]  # images (N, 28, 28, 1) in [-1, 1], labels (N,)
    test: tuple[np.ndarray, np.ndarray]
    spec: DataSpec


def scale(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) -> float32 (N, 28, 28, 1) in [-1, 1], the range of the tanh output."""
    return np.expand_dims((images.astype(np.float32) - 127.5) / 127.5, axis=-1)


def load_data(config: Config, source: DataSource) -> Data:
    """MNIST scaled to [-1, 1], as the original."""
    return from_arrays(
        config, mnist.load(config.dataset, source, config.train_samples, config.test_samples)
    )


def from_arrays(config: Config, arrays: mnist.Arrays) -> Data:
    """The data prepared from MNIST's uint8 arrays, as `mnist.load` returns them."""
    (x_train, y_train), (x_test, y_test) = arrays
    x_train, y_train = training.limit((x_train, y_train), config.train_samples)
    x_test, y_test = training.limit((x_test, y_test), config.test_samples)
    return Data((scale(x_train), y_train), (scale(x_test), y_test), DataSpec())


# -- Model --------------------------------------------------------------------------------------
def build_generator(latent_size: int, filters=(384, 192, 96)) -> keras.Model:
    """(z, class) -> image: Embedding(class) * z -> Dense -> 3 transposed convolutions."""
    cnn = keras.Sequential(name="generator_cnn")
    cnn.add(keras.Input((1, latent_size)))
    cnn.add(keras.layers.Dense(3 * 3 * filters[0], activation="relu"))  # (None, 1, 3456)
    cnn.add(keras.layers.Reshape((3, 3, filters[0])))
    # upsample to (7, 7, ...)
    cnn.add(keras.layers.Conv2DTranspose(filters[1], 5, strides=1, padding="valid", activation="relu",
                                         kernel_initializer="glorot_normal"))  # fmt: skip
    cnn.add(keras.layers.BatchNormalization())
    # upsample to (14, 14, ...)
    cnn.add(keras.layers.Conv2DTranspose(filters[2], 5, strides=2, padding="same", activation="relu",
                                         kernel_initializer="glorot_normal"))  # fmt: skip
    cnn.add(keras.layers.BatchNormalization())
    # upsample to (28, 28, ...)
    cnn.add(keras.layers.Conv2DTranspose(1, 5, strides=2, padding="same", activation="tanh",
                                         kernel_initializer="glorot_normal"))  # fmt: skip
    latent = keras.Input((latent_size,), name="latent")  # the z space of GAN papers
    image_class = keras.Input((1,), dtype="int32", name="image_class")
    embedded = keras.layers.Embedding(NUM_CLASSES, latent_size,
                                      embeddings_initializer="glorot_normal")(image_class)  # fmt: skip
    # Hadamard product between z and the class embedding: (None, 100) * (None, 1, 100).
    h = keras.layers.multiply([latent, embedded])  # (None, 1, 100)
    return keras.Model([latent, image_class], cnn(h), name="generator")


def build_discriminator(image_shape=(28, 28, 1), filters=(32, 64, 128, 256)) -> keras.Model:
    """image -> (real or fake, which digit), through four LeakyReLU convolutions."""
    cnn = keras.Sequential(name="discriminator_cnn")
    cnn.add(keras.Input(image_shape))
    for width, strides in zip(filters, (2, 1, 2, 1), strict=True):
        cnn.add(keras.layers.Conv2D(width, 3, padding="same", strides=strides))
        cnn.add(keras.layers.LeakyReLU(0.2))
        cnn.add(keras.layers.Dropout(0.3))
    cnn.add(keras.layers.Flatten())  # (None, 12544)
    image = keras.Input(image_shape)
    features = cnn(image)
    fake = keras.layers.Dense(1, activation="sigmoid", name="generation")(features)
    aux = keras.layers.Dense(NUM_CLASSES, activation="softmax", name="auxiliary")(features)
    return keras.Model(image, [fake, aux], name="discriminator")


def _adam(config: Config) -> keras.optimizers.Optimizer:
    # Adam parameters suggested in https://arxiv.org/abs/1511.06434
    return keras.optimizers.Adam(learning_rate=config.learning_rate, beta_1=config.beta_1)


LOSSES = ["binary_crossentropy", "sparse_categorical_crossentropy"]


def build_gan(config: Config, spec: DataSpec = DataSpec()):
    """The compiled discriminator, the generator and the compiled combined model."""
    discriminator = build_discriminator(spec.image_shape, config.discriminator_filters)
    discriminator.compile(optimizer=_adam(config), loss=LOSSES)
    generator = build_generator(config.latent_size, config.generator_filters)
    latent = keras.Input((config.latent_size,), name="latent")
    image_class = keras.Input((1,), dtype="int32", name="image_class")
    # Only the generator learns in `combined`; the flag is set again before every step.
    discriminator.trainable = False
    fake, aux = discriminator(generator([latent, image_class]))
    fake = keras.layers.Identity(name="generation")(fake)  # names for the per-output losses
    aux = keras.layers.Identity(name="auxiliary")(aux)
    combined = keras.Model([latent, image_class], [fake, aux], name="acgan")
    combined.compile(optimizer=_adam(config), loss=LOSSES)
    return discriminator, generator, combined


def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """The combined model (it holds both networks: layers `generator` and `discriminator`)."""
    return build_gan(config, spec)[2]


def summary_models(config: Config) -> dict[str, keras.Model]:
    """The three models the walkthrough prints; the first discriminator is shown trainable,
    as the original printed it before freezing it for `combined`."""
    discriminator = build_discriminator(filters=config.discriminator_filters)
    discriminator.compile(optimizer=_adam(config), loss=LOSSES)
    _, generator, combined = build_gan(config)
    return {"discriminator": discriminator, "generator": generator, "combined": combined}


def parts(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """(generator, discriminator) inside a combined model, built here or reloaded."""
    return model.get_layer("generator"), model.get_layer("discriminator")


# -- Training -----------------------------------------------------------------------------------
def noise_and_labels(rng: np.random.Generator, count: int, latent_size: int):
    """z ~ uniform(-1, 1) (count, latent) and classes (count,) drawn uniformly."""
    return rng.uniform(-1, 1, (count, latent_size)), rng.integers(0, NUM_CLASSES, count)


def discriminator_targets(config: Config, labels: np.ndarray, sampled: np.ndarray):
    """y, aux_y and sample weights for `labels` real images followed by generated ones.

    Real images are labelled 0.95, generated 0 (one-sided label smoothing). There is no digit
    loss on generated images (https://openreview.net/forum?id=rJXTf9Bxg); the weight 2 on the
    real ones keeps the sum of the auxiliary weights.
    """
    count = len(labels)
    y = np.array([config.soft_one] * count + [0.0] * count)
    aux_y = np.concatenate((labels, sampled))
    aux_weights = np.concatenate((np.full(count, config.real_aux_weight), np.zeros(count)))
    return y, aux_y, [np.ones(2 * count), aux_weights]


def discriminator_step(
    D: keras.Model,
    G: keras.Model,
    config: Config,
    images: np.ndarray,
    labels: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, float]:
    """One update of the discriminator on real `images` and as many generated ones."""
    noise, sampled = noise_and_labels(rng, len(images), config.latent_size)
    # As the original's generator.predict: inference mode (BatchNormalization moving stats).
    generated = keras.ops.convert_to_numpy(G.predict_on_batch([noise, sampled.reshape(-1, 1)]))
    y, aux_y, weights = discriminator_targets(config, labels, sampled)
    D.trainable = True
    return D.train_on_batch(
        np.concatenate((images, generated)), [y, aux_y], sample_weight=weights, return_dict=True
    )


def generator_step(
    D: keras.Model, combined: keras.Model, config: Config, count: int, rng: np.random.Generator
) -> dict[str, float]:
    """One update of the generator: 2 * count images it wants called real (0.95) and right."""
    noise, sampled = noise_and_labels(rng, 2 * count, config.latent_size)
    trick = np.full(2 * count, config.soft_one)
    D.trainable = False
    return combined.train_on_batch(
        [noise, sampled.reshape(-1, 1)], [trick, sampled], return_dict=True
    )


def _mean_losses(rows: list[dict]) -> list[float]:
    return [float(np.mean([row[name] for row in rows])) for name in LOSS_NAMES]


def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """The original's loop: per batch a discriminator step then a generator step; per epoch
    the test losses, the loss table, a plot of generated digits and a checkpoint."""
    D, G, combined = build_gan(config, data.spec)
    log = training.EpochLog(run, {"discriminator": D, "combined": combined}, config.seed)
    start_epoch = 0
    if training.has_checkpoint(run):
        # Each model's variables were saved in the state it trains in: D on its own trainable,
        # D inside `combined` frozen (the variable lists differ).
        D.trainable = True
        log.resume({"discriminator": D})
        D.trainable = False
        start_epoch = log.resume({"combined": combined})
    x_train, y_train = data.train
    num_batches = int(np.ceil(len(x_train) / config.batch_size))
    report = ""
    if run is not None and (run.artifacts / "losses.txt").is_file():
        report = (run.artifacts / "losses.txt").read_text()
    for epoch in range(start_epoch + 1, config.epochs + 1):
        log.begin(epoch)  # counted from 1 here, as the original prints epochs
        rng = np.random.default_rng([config.seed, epoch])
        epoch_disc_loss, epoch_gen_loss = [], []
        for index in range(num_batches):
            batch = slice(index * config.batch_size, (index + 1) * config.batch_size)
            images, labels = x_train[batch], y_train[batch]
            epoch_disc_loss.append(discriminator_step(D, G, config, images, labels, rng))
            epoch_gen_loss.append(generator_step(D, combined, config, len(images), rng))
        log.trained()
        if config.recalibrate_bn:
            # 5 batches of the generator's own inputs, drawn per epoch so --resume repeats them.
            draws = np.random.default_rng([config.seed, epoch, 1])
            batch_norm.recalibrate(G, [
                [noise, sampled.reshape(-1, 1)]
                for noise, sampled in (
                    noise_and_labels(draws, config.batch_size, config.latent_size)
                    for _ in range(5)
                )
            ])  # fmt: skip
        test = evaluate(config, data, combined)
        train_losses = {"discriminator": _mean_losses(epoch_disc_loss),
                        "generator": _mean_losses(epoch_gen_loss)}  # fmt: skip
        table = loss_table(train_losses, test)
        print(f"Epoch {epoch}/{config.epochs}\nTesting for epoch {epoch}:\n{table}", flush=True)
        if run is None:
            continue
        report += f"Epoch {epoch}/{config.epochs}\n{table}\n"
        run.write_text("losses.txt", report)
        save_plot(plot_grid(G, data, config, epoch), run, f"plot_epoch_{epoch:03d}_generated.png")
        row = {}
        for component, values in train_losses.items():
            row.update(
                {f"{component}_{name}": v for name, v in zip(LOSS_NAMES, values, strict=True)}
            )
        log.end(epoch, {**row, **test}, samples=len(x_train), model=combined)
    return evaluate(config, data, combined)


def benchmark(config: Config, data: Data, steps: int, tuned: bool = True) -> dict[str, float]:
    """`keras-classics bench`: real images per second through a discriminator step plus a
    generator step (the unit of the original's loop), after one warm-up pair. `tuned=False` is
    the same loop in plain Keras (the baseline)."""
    D, G, combined = build_gan(config, data.spec)
    if tuned:
        training.tune(D)
        training.tune(combined)
    rng = np.random.default_rng(config.seed)
    images, labels = data.train[0][: config.batch_size], data.train[1][: config.batch_size]
    start = time.perf_counter()
    discriminator_step(D, G, config, images, labels, rng)
    generator_step(D, combined, config, len(images), rng)
    warmup = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(steps):
        discriminator_step(D, G, config, images, labels, rng)
        generator_step(D, combined, config, len(images), rng)
    elapsed = time.perf_counter() - start
    return {"samples_per_s": steps * len(images) / elapsed, "warmup_s": warmup}


def _bce(target: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p.reshape(-1).astype(np.float64), 1e-7, 1 - 1e-7)  # Keras' epsilon
    return float(np.mean(-(target * np.log(p) + (1 - target) * np.log(1 - p))))


def _sparse_ce(labels: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p.astype(np.float64), 1e-7, 1.0)
    return float(np.mean(-np.log(p[np.arange(len(labels)), labels.astype(int)])))


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """The original's test losses on fixed noise: the discriminator on the test images and as
    many generated ones (targets 1 and 0), the generator on twice as many (target 1); plus the
    discriminator's digit accuracy on the real test images."""
    G, D = parts(model)
    x_test, y_test = data.test
    count = len(x_test)
    rng = np.random.default_rng([config.seed, 10**6])  # the same noise every time
    noise, sampled = noise_and_labels(rng, count, config.latent_size)
    generated = G.predict([noise, sampled.reshape(-1, 1)], batch_size=config.batch_size, verbose=0)
    fake, aux = D.predict(np.concatenate((x_test, generated)), batch_size=config.batch_size,
                          verbose=0)  # fmt: skip
    aux_y = np.concatenate((y_test, sampled))
    d_gen, d_aux = _bce(np.repeat([1.0, 0.0], count), fake), _sparse_ce(aux_y, aux)
    # The combined model in inference mode is D(G(z, c)): two predicts, no third compiled model.
    noise, sampled = noise_and_labels(rng, 2 * count, config.latent_size)
    images = G.predict([noise, sampled.reshape(-1, 1)], batch_size=config.batch_size, verbose=0)
    g_fake, g_aux = D.predict(images, batch_size=config.batch_size, verbose=0)
    g_gen, g_aux_loss = _bce(np.ones(2 * count), g_fake), _sparse_ce(sampled, g_aux)
    return {
        "test_discriminator_loss": d_gen + d_aux,
        "test_discriminator_generation_loss": d_gen,
        "test_discriminator_auxiliary_loss": d_aux,
        "test_generator_loss": g_gen + g_aux_loss,
        "test_generator_generation_loss": g_gen,
        "test_generator_auxiliary_loss": g_aux_loss,
        "test_auxiliary_accuracy": float(np.mean(aux[:count].argmax(axis=1) == y_test)),
    }


def loss_table(train_losses: dict[str, list[float]], test: dict[str, float]) -> str:
    """The original's per-epoch table: component | loss | generation_loss | auxiliary_loss."""
    lines = ["{:<22s} | {:4s} | {:15s} | {:5s}".format("component", *LOSS_NAMES), "-" * 65]
    row = "{0:<22s} | {1:<4.2f} | {2:<15.4f} | {3:<5.4f}"
    for component in ("generator", "discriminator"):
        lines.append(row.format(f"{component} (train)", *train_losses[component]))
        tested = [test[f"test_{component}_{name}"] for name in LOSS_NAMES]
        lines.append(row.format(f"{component} (test)", *tested))
    return "\n".join(lines)


# -- Sampling -----------------------------------------------------------------------------------
def generate_by_class(G, config: Config, columns: int, rng, classes=range(NUM_CLASSES)):
    """One row per class, `columns` digits each; column j uses the same noise in every row."""
    noise = np.tile(rng.uniform(-1, 1, (columns, config.latent_size)), (len(classes), 1))
    labels = np.repeat(np.asarray(list(classes)), columns).reshape(-1, 1)
    images = G.predict([noise, labels], batch_size=config.batch_size, verbose=0)
    return images.reshape(len(classes), columns, 28, 28)


def plot_grid(G, data: Data, config: Config, epoch: int) -> np.ndarray:
    """uint8 image: per class a row of generated digits, a white gap, real digits of that class."""
    columns = config.plot_samples
    generated = generate_by_class(
        G, config, columns, np.random.default_rng([config.seed, epoch, 1])
    )
    x_train, y_train = data.train
    real = np.ones((NUM_CLASSES, columns, 28, 28), dtype=np.float32)  # white where a class is short
    for digit in range(NUM_CLASSES):
        found = x_train[y_train == digit][:columns, ..., 0]
        real[digit, : len(found)] = found
    gap = np.ones((NUM_CLASSES, 1, 28, 28), dtype=np.float32)
    rows = np.concatenate((generated, gap, real), axis=1)  # (10, 2 * columns + 1, 28, 28)
    grid = rows.transpose(0, 2, 1, 3).reshape(NUM_CLASSES * 28, (2 * columns + 1) * 28)
    return (grid * 127.5 + 127.5).clip(0, 255).astype(np.uint8)


def save_plot(image: np.ndarray, run: Run, name: str) -> None:
    """Writes a grey uint8 image as PNG into the run's artifacts."""
    image_io.save_png(image, run.artifacts / name)


def sample(config: Config, model: keras.Model, run: Run | None, context: Context) -> np.ndarray:
    """Generates 10 digits of `--set digit=N` (or of every class) and prints them as text."""
    G, _ = parts(model)
    classes = range(NUM_CLASSES) if config.digit < 0 else [config.digit]
    images = generate_by_class(G, config, 10, np.random.default_rng(config.seed), classes)
    shades = " .:-=+*#%@"
    for digit, row in zip(classes, images, strict=True):
        print(f"digit {digit}:")
        strip = np.concatenate(list(row[:4, ::2, ::1]), axis=1)  # 4 digits, half height
        for line in (strip + 1) / 2:
            print("".join(shades[min(int(v * len(shades)), len(shades) - 1)] for v in line))
    if run is not None:
        grid = images.transpose(0, 2, 1, 3).reshape(len(classes) * 28, 10 * 28)
        name = f"sample_digit_{'all' if config.digit < 0 else config.digit}.png"
        save_plot((grid * 127.5 + 127.5).clip(0, 255).astype(np.uint8), run, name)
        print(f"wrote {run.artifacts / name}")
    return images

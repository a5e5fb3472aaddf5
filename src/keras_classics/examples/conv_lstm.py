"""conv_lstm: next-frame prediction on generated movies of moving squares with ConvLSTM2D.

What it teaches: recurrent layers whose state is an image. A ConvLSTM2D is an LSTM whose
matrix products are 3x3 convolutions, so it carries a (40, 40, 40) state from frame to frame.
Four of them (40 filters, 'same' padding, return_sequences=True, each followed by
BatchNormalization) and a Conv3D(1, 3x3x3, sigmoid) turn a movie (frames, 40, 40, 1) into a
movie of the same shape: 407,001 parameters, 320 of them BatchNormalization statistics. The
target is the input movie one frame later, so the network learns where each square moves.

The data (`generate_movies`, exactly as the original): 1200 movies of 15 frames with 3 to 7
squares of 4x4 or 6x6 pixels that move one pixel per frame in one of 9 directions (standing
still included), drawn on an 80x80 canvas and cropped to the middle 40x40. Half of the
frames get a +-0.1 border around each square (noise, so the network learns to ignore
intensities that are not exactly 1). `shifted_movies[:, t]` is the clean frame t + 1.

Documented result of the original: none. It shows 15 frames of movie 1004: the first 7 fed in,
then the network's own predictions (each fed back in), beside the ground truth.

Measured here (`keras-classics train conv_lstm --preset quick`, TensorFlow, 2 cores, 2 min):
the predicted squares keep moving. Over the 8 frames each of the 40 test movies is left to
predict on its own, the mean |prediction - truth| is 0.058, against 0.165 for repeating the
last frame fed in and 0.275 for the mean frame. Before the two fixes below, the same preset
predicted a flat grey frame (validation loss 0.40 for a training loss of 0.10).

Differences from the original (Keras 2.3.1 `examples/conv_lstm.py`):
- `optimizer='adadelta'` meant learning rate 1.0 in Keras 2; Keras 3's default is 0.001, which
  barely trains, so Adadelta(learning_rate=1.0, rho=0.95) is explicit.
- ConvLSTM2D's recurrent activation is Keras 3's default sigmoid (Keras 2 used hard_sigmoid,
  whose Keras 3 version has another slope); `np.float` (removed from NumPy) is float.
- The last Conv3D is causal in time (`CausalConv3D`: the same 3x3x3 kernel and 1,081
  parameters, zero frames before the first one). The original's padding="same" let output t
  see frame t + 1, which is its own target: the network learned to copy the next input
  frame, and in the demo, where there is no next frame, it predicted no better than
  repeating the last one (quick preset: rollout error 0.183 against 0.165 for the repeated
  frame; the one-step error with the next frame given was 0.003, without it 0.03 to 0.1).
  `--set causal=false` restores it. The same leak is reported for keras-io's port
  (keras-io#1003).
- After each epoch's last step, BatchNormalization's moving mean and variance are recomputed
  for the current weights (`batch_norm.Recalibrate`, on 5 batches of training movies), so the
  validation loss, the saved model and the demo normalise as training does. Keras' moving
  averages start at variance 1.0 and keep 0.99**steps of it: after the quick preset's 380
  steps, 0.022, when these layers' inputs have variances of 0.001 to 0.02. That was the flat
  grey prediction: on the same weights, the test loss was 0.171 with Keras' averages and 0.004
  recalibrated (0.005 in a training step); the validation loss sat at 0.40 while the training
  loss fell to 0.05. The original's 28,500 steps leave nothing of the start; training itself
  (batch statistics) is unchanged. `--set recalibrate_bn=false` keeps Keras' averages.
- The original predicted 16 frames after the 7 fed in but showed only 8 (to frame 15); here
  the 8 shown are predicted, one at a time. Its 15 files `N_animate.png` are one figure
  `prediction_1004.png` (top: fed frames and predictions, bottom: ground truth) and a GIF
  `prediction_1004.gif` of both side by side. The demo prints its error beside two
  predictions without motion (the last fed frame repeated, the mean training frame).
- `validation_split=0.05` is the last 5% of the 1000 training movies, as Keras takes it; the
  200 movies after them are the test set (the original did not evaluate on them): `evaluate`
  gives their next-frame loss and the demo's rollout error on all of them
  (`test_rollout_error`, beside `test_rollout_error_repeat_last` and `_mean_frame`).
- `frame_size`, `filters`, `n_frames` and `n_samples` are fields so that the tiny preset is
  small: ConvLSTM2D trains very slowly on CPU, pathologically so on JAX.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from keras_classics import batch_norm, image_io, training
from keras_classics.config import BaseConfig, check_range
from keras_classics.datasets import DataSource
from keras_classics.errors import UserError
from keras_classics.registry import Context
from keras_classics.runs import Run

# The movies are drawn in float64 on a canvas twice the frame size, twice (noisy and shifted):
# 500 million pixels are 8 GB. The original's 1200 movies of 15 frames at 40 pixels: 115 million.
MAX_MOVIE_VALUES = 500_000_000


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's settings: 1200 movies, batch 10, 300 epochs, Adadelta at 1.0."""

    epochs: int = 300
    batch_size: int = 10
    n_samples: int = 1200
    n_frames: int = 15
    frame_size: int = 40  # drawn on a canvas twice as large, then cropped
    train_movies: int = 1000
    validation_split: float = 0.05
    filters: int = 40
    noise: bool = True
    learning_rate: float = 1.0
    rho: float = 0.95
    which: int = 1004  # the movie shown after training (not trained on)
    fed_frames: int = 7  # frames given before the network predicts on its own
    # After each epoch's last step, BatchNormalization's moving mean and variance are replaced
    # by the statistics of the current weights (see `batch_norm.recalibrate`); false keeps
    # Keras' moving averages alone, whose start (variance 1.0) lingers as 0.99**steps.
    recalibrate_bn: bool = True
    # The last Conv3D sees frames t-2..t (causal); false: the original's padding="same", which
    # also sees frame t + 1, the very frame the output at t is trained to predict.
    causal: bool = True

    def check(self) -> None:
        """Rejects sizes the generator or the demo cannot use."""
        check_range("frame_size", self.frame_size, 12)
        check_range("n_frames", self.n_frames, 3)
        check_range("n_samples", self.n_samples, 2)
        values = self.n_samples * self.n_frames * (2 * self.frame_size) ** 2
        if values > MAX_MOVIE_VALUES:
            raise UserError(
                f"n_samples x n_frames x (2 x frame_size)^2 is {values:,} pixels, more than "
                f"{MAX_MOVIE_VALUES:,} (the movies are drawn in memory at 8 bytes a pixel)"
            )
        movies, frames = f"n_samples is {self.n_samples}", f"n_frames is {self.n_frames}"
        check_range("train_movies", self.train_movies, 1, self.n_samples - 1, why=movies)
        check_range("which", self.which, 0, self.n_samples - 1, why=movies)
        check_range("fed_frames", self.fed_frames, 1, self.n_frames - 1, why=frames)


PRESETS = {
    # ConvLSTM2D gradients are slow on CPU (worst on JAX): a very small problem.
    "tiny": {
        "epochs": 2,
        "batch_size": 4,
        "n_samples": 16,
        "n_frames": 5,
        "frame_size": 12,
        "train_movies": 12,
        "validation_split": 0.0,
        "filters": 4,
        "which": 14,
        "fed_frames": 3,
    },
    # About 2 min on 2 cores (TensorFlow; 20 epochs of 200 movies, 16x16 frames, 8 filters): the
    # squares move. Fed 7 frames of each of the 40 test movies and predicting 8 more on its own, the
    # mean |prediction - truth| is 0.058, against 0.165 for repeating the last fed frame and 0.275
    # for the mean frame; test next-frame loss 0.071, and the validation loss follows the training
    # loss (0.059 and 0.079 at epoch 20).
    "quick": {
        "epochs": 20,
        "n_samples": 240,
        "train_movies": 200,
        "frame_size": 16,
        "filters": 8,
        "which": 204,
    },
}


# -- Data ---------------------------------------------------------------------------------------
def generate_movies(
    n_samples: int = 1200,
    n_frames: int = 15,
    size: int = 40,
    noise: bool = True,
    rng: np.random.RandomState | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The original's moving squares: (noisy_movies, shifted_movies), (n, frames, size, size, 1).

    Draws on a canvas of 2 * size (80x80 for 40) and keeps the middle window; with `noise`,
    half the frames add +-0.1 around each square. `rng` stands for NumPy's global generator,
    which the original drew from in this order.
    """
    rng = rng if rng is not None else np.random.RandomState(0)
    row = col = 2 * size
    low, high = size // 2, size // 2 + size  # 20, 60 for the original's 40
    noisy_movies = np.zeros((n_samples, n_frames, row, col, 1), dtype=float)
    shifted_movies = np.zeros((n_samples, n_frames, row, col, 1), dtype=float)
    for i in range(n_samples):
        # Add 3 to 7 moving squares
        n = rng.randint(3, 8)
        for _ in range(n):
            # Initial position
            xstart = rng.randint(low, high)
            ystart = rng.randint(low, high)
            # Direction of motion
            directionx = rng.randint(0, 3) - 1
            directiony = rng.randint(0, 3) - 1
            # Size of the square: w in {2, 3}, so 4x4 or 6x6 pixels
            w = rng.randint(2, 4)
            for t in range(n_frames):
                x_shift = xstart + directionx * t
                y_shift = ystart + directiony * t
                noisy_movies[i, t, x_shift - w : x_shift + w, y_shift - w : y_shift + w, 0] += 1
                # Make it more robust by adding noise: if during inference a pixel is not
                # exactly one, the network should still count it as part of a square.
                if noise and rng.randint(0, 2):
                    noise_f = (-1) ** rng.randint(0, 2)
                    noisy_movies[
                        i,
                        t,
                        x_shift - w - 1 : x_shift + w + 1,
                        y_shift - w - 1 : y_shift + w + 1,
                        0,
                    ] += noise_f * 0.1
                # Shift the ground truth by 1
                x_shift = xstart + directionx * (t + 1)
                y_shift = ystart + directiony * (t + 1)
                shifted_movies[i, t, x_shift - w : x_shift + w, y_shift - w : y_shift + w, 0] += 1
    # Cut to a size x size window
    noisy_movies = noisy_movies[:, :, low:high, low:high, :]
    shifted_movies = shifted_movies[:, :, low:high, low:high, :]
    noisy_movies[noisy_movies >= 1] = 1
    shifted_movies[shifted_movies >= 1] = 1
    return noisy_movies, shifted_movies


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Frame size (square) and the number of channels."""

    frame_size: int = 40
    channels: int = 1


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]  # noisy movies, the same movies one frame later
    validation: tuple[np.ndarray, np.ndarray]  # the last validation_split of the training movies
    test: tuple[np.ndarray, np.ndarray]  # the movies after train_movies (never trained on)
    spec: DataSpec
    movies: tuple[np.ndarray, np.ndarray]  # all of them, for the demo on movie `which`


def make_movies(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """All `n_samples` movies, float32, fixed by the seed."""
    noisy, shifted = generate_movies(
        config.n_samples, config.n_frames, config.frame_size, config.noise,
        np.random.RandomState(config.seed),
    )  # fmt: skip
    return noisy.astype("float32"), shifted.astype("float32")


def load_data(config: Config, source: DataSource) -> Data:
    """The generated movies (the same for --data real and synthetic: they are built in)."""
    noisy, shifted = make_movies(config)
    train_count = config.train_movies
    if config.train_samples:
        train_count = min(train_count, config.train_samples)
    split = train_count - int(train_count * config.validation_split)
    test_end = len(noisy)
    if config.test_samples:
        test_end = min(test_end, config.train_movies + config.test_samples)
    return Data(
        train=(noisy[:split], shifted[:split]),
        validation=(noisy[split:train_count], shifted[split:train_count]),
        test=(noisy[config.train_movies : test_end], shifted[config.train_movies : test_end]),
        spec=DataSpec(config.frame_size),
        movies=(noisy, shifted),
    )


# -- Model --------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="keras_classics")
class CausalConv3D(keras.layers.Conv3D):
    """Conv3D with "same" padding in height and width but causal in time: the output at frame
    t sees frames t - 2, t - 1 and t (zero frames before the first one), never t + 1.

    The original's Conv3D(padding="same") also sees frame t + 1 of the last ConvLSTM2D, and
    the target at t is input frame t + 1 (without the noise): it learns to copy the next frame
    it is given, a small training loss, and then has nothing to copy when it must predict a
    frame of its own (the demo). keras-io's port has the same leak (keras-io#1003). Same
    kernel, same 1,081 parameters, same output shape.
    """

    def __init__(self, filters, kernel_size, **kwargs):
        kwargs["padding"] = "valid"  # the padding is done in `call`
        super().__init__(filters, kernel_size, **kwargs)

    def call(self, inputs):
        frames, rows, columns = self.kernel_size
        padded = keras.ops.pad(
            inputs,
            [(0, 0), (frames - 1, 0), ((rows - 1) // 2, rows // 2),
             ((columns - 1) // 2, columns // 2), (0, 0)],
        )  # fmt: skip
        return super().call(padded)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)


def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """4 x [ConvLSTM2D(40, 3x3, same, return_sequences) -> BatchNormalization] -> Conv3D(1)."""
    model = keras.Sequential(name="conv_lstm")
    # Any number of frames: (None, frames, 40, 40, 1).
    model.add(keras.Input((None, spec.frame_size, spec.frame_size, spec.channels)))
    for _ in range(4):
        model.add(keras.layers.ConvLSTM2D(config.filters, kernel_size=(3, 3), padding="same",
                                          return_sequences=True))  # fmt: skip
        model.add(keras.layers.BatchNormalization())  # (None, None, 40, 40, 40)
    # One 3x3x3 convolution over (frames, height, width) back to one channel in [0, 1]:
    # over frames t-2..t (causal), or t-1..t+1 as the original (causal=false).
    if config.causal:
        model.add(CausalConv3D(1, kernel_size=(3, 3, 3), activation="sigmoid", name="conv3d"))
    else:
        model.add(keras.layers.Conv3D(1, kernel_size=(3, 3, 3), activation="sigmoid",
                                      padding="same", data_format="channels_last"))  # fmt: skip
    model.compile(
        loss="binary_crossentropy",
        optimizer=keras.optimizers.Adadelta(learning_rate=config.learning_rate, rho=config.rho),
    )
    return model


# -- Training -----------------------------------------------------------------------------------
def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """fit(noisy[:1000], shifted[:1000], validation_split=0.05), then the prediction demo."""
    model = build_model(config, data.spec)
    x_train, y_train = data.train
    # The moving statistics, recomputed after each epoch for the weights it ended with (see
    # keras_classics/batch_norm.py): validation, the saved model and the demo normalise as
    # training does.
    callbacks = (
        [batch_norm.Recalibrate(x_train, config.batch_size)] if config.recalibrate_bn else []
    )
    training.fit(
        model,
        run,
        x_train,
        y_train,
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        validation_data=data.validation if len(data.validation[0]) else None,
        callbacks=callbacks,
    )
    predict_and_show(config, model, data.movies, run)
    return evaluate(config, data, model)


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """On the movies never trained on: the binary cross-entropy of the next-frame prediction
    (`test_loss`), and the mean |prediction - truth| of the demo's rollout (`fed_frames` fed
    in, the rest predicted, each fed back) beside two predictions that know no motion: the
    last fed frame repeated, and the mean training frame."""
    metrics = training.evaluate(model, *data.test, batch_size=config.batch_size)
    noisy, shifted = data.test
    if len(noisy):
        tracks = predict_tracks(model, noisy, config.fed_frames, config.n_frames, config.batch_size)
        errors = rollout_errors(tracks, noisy, shifted, data.train[1].mean(axis=(0, 1)),
                                config.fed_frames)  # fmt: skip
        metrics.update({f"test_rollout_error{suffix}": value for suffix, value in errors.items()})
    return metrics


def rollout_errors(tracks, noisy, shifted, mean_frame, fed: int) -> dict[str, float]:
    """Mean |frame - truth| over the predicted frames of `tracks`, and of the two baselines."""
    truth = shifted[:, fed - 1 : tracks.shape[1] - 1]  # clean frames fed .. total - 1
    last = np.clip(np.round(noisy[:, fed - 1 : fed]), 0, 1)  # the last fed frame, noise removed
    return {
        "": float(np.abs(tracks[:, fed:] - truth).mean()),
        "_repeat_last": float(np.abs(last - truth).mean()),
        "_mean_frame": float(np.abs(mean_frame - truth).mean()),
    }


# -- Sampling -----------------------------------------------------------------------------------
def predict_track(model: keras.Model, movie: np.ndarray, fed: int, total: int) -> np.ndarray:
    """Feeds the first `fed` frames, then appends the predicted next frame one at a time,
    until the track has `total` frames: (total, size, size, 1)."""
    return predict_tracks(model, movie[np.newaxis], fed, total, batch_size=1)[0]


def predict_tracks(
    model: keras.Model, movies: np.ndarray, fed: int, total: int, batch_size: int
) -> np.ndarray:
    """`predict_track` for many movies at once: (movies, total, size, size, 1). Each step
    predicts the next frame of every track from all its frames so far."""
    tracks = movies[:, :fed]
    while tracks.shape[1] < total:
        new_pos = np.asarray(model.predict(tracks, batch_size=batch_size, verbose=0))
        tracks = np.concatenate((tracks, new_pos[:, -1:]), axis=1)
    return tracks


def ground_truth(movies: tuple[np.ndarray, np.ndarray], which: int) -> np.ndarray:
    """What the original showed beside each frame: noisy frames 0-1, then shifted[i - 1]
    (the clean frame i)."""
    noisy, shifted = movies
    truth = noisy[which].copy()
    truth[2:] = shifted[which][1:-1]
    return truth


def predict_and_show(config: Config, model, movies, run: Run | None) -> np.ndarray:
    """The original's demo on movie `which`; writes the PNG and the GIF into the run."""
    noisy, shifted = movies
    track = predict_track(model, noisy[config.which], config.fed_frames, config.n_frames)
    truth = ground_truth(movies, config.which)
    mean_frame = shifted[: config.train_movies].mean(axis=(0, 1))
    errors = rollout_errors(track[np.newaxis], noisy[config.which : config.which + 1],
                            shifted[config.which : config.which + 1], mean_frame,
                            config.fed_frames)  # fmt: skip
    print(f"movie {config.which}: mean |prediction - truth| over the "
          f"{config.n_frames - config.fed_frames} predicted frames {errors['']:.4f} (repeating "
          f"frame {config.fed_frames}: {errors['_repeat_last']:.4f}, the mean frame: "
          f"{errors['_mean_frame']:.4f})")  # fmt: skip
    if run is not None:
        write_png(track, truth, config, run.artifacts / f"prediction_{config.which}.png")
        write_gif(track, truth, config, run.artifacts / f"prediction_{config.which}.gif")
    return track


def write_png(track: np.ndarray, truth: np.ndarray, config: Config, path) -> None:
    """Top row: the frames fed in, then the predictions; bottom row: the ground truth."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frames = len(truth)
    fig, axes = plt.subplots(2, frames, figsize=(1.4 * frames, 3.4), squeeze=False)
    for i in range(frames):
        for row, images in enumerate((track, truth)):
            ax = axes[row, i]
            ax.imshow(images[i, :, :, 0], vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        label = "Predictions !" if i >= config.fed_frames else "Initial trajectory"
        axes[0, i].set_title(f"{i + 1}\n{label}" if i in (0, config.fed_frames) else str(i + 1),
                             fontsize=8)  # fmt: skip
    axes[1, 0].set_ylabel("Ground truth", fontsize=8)
    fig.tight_layout()
    image_io.save_figure(fig, path, dpi=80, tight=False)


def write_gif(track: np.ndarray, truth: np.ndarray, config: Config, path) -> None:
    """The movie: prediction (left) beside the truth (right), 0.2 s per frame, enlarged to at
    least 320 pixels across, each frame labelled (fed in or predicted, and its number)."""
    from PIL import Image, ImageDraw

    gap = np.ones((config.frame_size, 2))
    scale = max(4, -(-320 // (2 * config.frame_size + 2)))  # ceil: 320 px across at least
    frames = []
    for i in range(len(truth)):
        both = np.concatenate((track[i, :, :, 0], gap, truth[i, :, :, 0]), axis=1)
        image = Image.fromarray((both.clip(0, 1) * 255).astype(np.uint8))
        image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
        framed = Image.new("L", (image.width, image.height + 18), 255)
        framed.paste(image, (0, 18))
        kind = "fed in" if i < config.fed_frames else "predicted"
        label = f"frame {i + 1}: {kind} | ground truth"
        ImageDraw.Draw(framed).text((4, 3), label, fill=0)
        frames.append(framed)
    image_io.save_gif(frames, path, frame_ms=200)


def sample(config: Config, model: keras.Model, run: Run | None, context: Context) -> np.ndarray:
    """The prediction demo on movie `--set which=N` with a trained run's model."""
    return predict_and_show(config, model, make_movies(config), run)

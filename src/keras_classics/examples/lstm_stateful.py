"""lstm_stateful: a stateful LSTM against its stateless twin on a moving average.

What it teaches: what `stateful=True` means. The input is uniform noise in [-0.1, 0.1]; the
target at step t is the mean of the last `tsteps` = 2 inputs. Each sample shows the LSTM only
`lahead` = 1 input, so a stateless LSTM cannot know the previous value and can at best predict
x_t / 2. A stateful LSTM keeps its state from one batch to the next: sample i of batch k+1
continues sample i of batch k, so the previous input is in its memory and the average is
learnable. Both models are LSTM(20) -> Dense(1), 1,781 parameters each, trained with Adam on
MSE, batch size 1, 10 epochs, without shuffling; the stateful one's state is reset after every
epoch. x_train (800, 1, 1), y_train (800, 1), x_test (200, 1, 1), y_test (200, 1).

Documented result of the original: "When lahead < tsteps, only the stateful LSTM converges ...
When lahead >= tsteps, both the stateful and stateless LSTM converge." The seed's run ended at
stateful loss 5.0e-06 / val_loss 3.0e-06 and stateless loss 8.5e-04 / val_loss 9.6e-04.

Measured here (Keras 3.15.1, JAX, 2-core CPU, default config, about 35 s): test MSE after 10
epochs stateful 4.2e-05, stateless 9.5e-04; predicting x_t / 2, the best any model that sees
only x_t can do, gives 8.0e-04. With Keras' own LSTM(stateful=True) on JAX both models ended at
9.6e-04: its state never reached the next batch (see StatefulLSTM).

Differences from the original (Keras 2.3.1 `examples/lstm_stateful.py`):
- Keras 3: the batch size is fixed with `keras.Input(batch_shape=(1, lahead, 1))` (LSTM's
  `batch_size=` is gone) and states are reset with the LSTM layer's `reset_state()`
  (`Model.reset_states()` is gone). NumPy replaces pandas (same numbers: x_train[:10] and
  y_train[:10] are the seed's).
- With batch_size > 1 the original put consecutive samples side by side in a batch, so sample i
  of batch k+1 did not continue sample i of batch k (keras#1820/#1870). Here the series is cut
  into batch_size streams and batch k holds step k of each stream (`stateful_order`).
- With lahead > 1 the original's `shift(i)` columns fed each window newest-first; here windows
  run oldest to newest.
- Both models train epoch by epoch in one loop (the stateless one exactly as one fit of 10
  epochs: no shuffling, the same optimizer), with one metrics row per epoch. Validation MSE
  starts from a reset state and skips the first tsteps-1 test steps of each stream, which no
  model can predict (the original drops them from its stateful error plot).
- The plots are PNG artifacts: input and target (input.png); the target with both predictions
  and both errors on one shared scale (predictions.png), as users asked (keras#13977).
"""

from __future__ import annotations

import dataclasses
import time

import keras
import numpy as np

from keras_classics import image_io, training
from keras_classics.config import BaseConfig, check_range
from keras_classics.datasets import DataSource
from keras_classics.errors import UserError
from keras_classics.registry import Context
from keras_classics.runs import Run

# The series and its windows live in memory; the original's is 1000 long. A stateful LSTM reads
# it one batch at a time, so ten million steps already take hours.
MAX_INPUT_LEN = 10_000_000


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's editable parameters (input_len, tsteps, lahead, batch_size, epochs)."""

    epochs: int = 10
    batch_size: int = 1
    input_len: int = 1000
    tsteps: int = 2
    lahead: int = 1
    units: int = 20
    amplitude: float = 0.1
    data_seed: int = 1986  # np.random.seed(1986) in the original
    train_ratio: float = 0.8
    learning_rate: float = 0.001  # Adam's default, as the original's optimizer="adam"

    def check(self) -> None:
        """Rejects series too short for the split, the windows or the batch size."""
        check_range("input_len", self.input_len, 1, MAX_INPUT_LEN)
        check_range("tsteps", self.tsteps, 1)
        check_range("lahead", self.lahead, 1, self.input_len, why=f"input_len is {self.input_len}")
        if not 0 < self.train_ratio < 1:
            raise UserError(f"train_ratio must be between 0 and 1, got {self.train_ratio}")
        test = self.input_len - int(self.input_len * self.train_ratio)
        if min(int(self.input_len * self.train_ratio), test) < self.batch_size * self.tsteps:
            raise UserError(
                f"input_len {self.input_len} leaves fewer than batch_size * tsteps = "
                f"{self.batch_size * self.tsteps} samples in the train or test part"
            )


PRESETS = {
    # Seconds on CPU: a shorter series in 2 streams (exercising the stateful layout) and a
    # larger step size, so that four epochs already separate the two models.
    "tiny": {"epochs": 4, "input_len": 240, "batch_size": 2, "learning_rate": 0.005},
    # About 10 s on 2 cores: the stateful LSTM's test MSE (0.00023) is a quarter of the stateless
    # one's (0.00099), the original's point.
    "quick": {"epochs": 3},
    # lahead >= tsteps: the stateless LSTM sees both inputs of the average and converges too.
    "both_converge": {"lahead": 2},
}


# -- Data ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Input window length (lahead); one feature per step."""

    lahead: int = 1


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]  # x (800, lahead, 1), y (800, 1), in time order
    test: tuple[np.ndarray, np.ndarray]  # x (200, lahead, 1), y (200, 1), continuing train
    spec: DataSpec
    dropped: np.ndarray  # the raw inputs before the first sample (their averages start y)


def rolling_mean(values: np.ndarray, window: int) -> np.ndarray:
    """pandas' rolling(window).mean(): NaN for the first window - 1 entries."""
    out = np.full(len(values), np.nan)
    sums = np.convolve(values, np.ones(window), mode="valid")
    out[window - 1 :] = sums / window
    return out


def rolling_windows(values: np.ndarray, lahead: int) -> np.ndarray:
    """(len, lahead): row t holds values[t - lahead + 1 .. t], oldest first (NaN before 0)."""
    padded = np.concatenate([np.full(lahead - 1, np.nan), values])
    return np.stack([padded[i : i + len(values)] for i in range(lahead)], axis=1)


def make_series(config: Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (input_len, lahead, 1), y (input_len, 1) and the dropped leading raw inputs."""
    to_drop = max(config.tsteps - 1, config.lahead - 1)
    rng = np.random.RandomState(config.data_seed)  # the original's np.random.seed(1986) stream
    raw = rng.uniform(-config.amplitude, config.amplitude, config.input_len + to_drop)
    expected = rolling_mean(raw, config.tsteps)  # the target: the mean of the last tsteps inputs
    windows = rolling_windows(raw, config.lahead)
    return windows[to_drop:, :, None], expected[to_drop:, None], raw[:to_drop]


def split_data(x: np.ndarray, y: np.ndarray, config: Config):
    """The original's split: 80% train, the rest test, both trimmed to whole batches."""
    to_train = int(config.input_len * config.train_ratio)
    to_train -= to_train % config.batch_size
    test_count = len(x) - to_train
    test_count -= test_count % config.batch_size
    return (x[:to_train], y[:to_train]), (
        x[to_train : to_train + test_count],
        y[to_train : to_train + test_count],
    )


def stateful_order(count: int, batch_size: int) -> np.ndarray:
    """Indices that lay a series out for a stateful RNN.

    The series is cut into `batch_size` consecutive streams of `count // batch_size` steps;
    batch k holds step k of every stream, so sample i of batch k+1 continues sample i of
    batch k. E.g. count 12, batch 3: [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11].
    """
    steps = count // batch_size
    return np.arange(steps * batch_size).reshape(batch_size, steps).T.reshape(-1)


def predictable_mask(count: int, batch_size: int, tsteps: int) -> np.ndarray:
    """False for the first tsteps - 1 steps of each stream (no past to average after a reset)."""
    steps = count // batch_size
    return (np.arange(count) % steps) >= tsteps - 1


def load_data(config: Config, source: DataSource) -> Data:
    """Generates the series (the same for --data real and synthetic: it is built in)."""
    x, y, dropped = make_series(config)
    train, test = split_data(x, y, config)
    return Data(train, test, DataSpec(config.lahead), dropped)


# -- Model --------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="keras_classics")
class StatefulLSTM(keras.layers.LSTM):
    """`keras.layers.LSTM(stateful=True)` that keeps its state on every backend.

    Keras 3.15 creates a stateful RNN's state variables untracked: JAX's compiled steps never
    see their updates (every batch starts from zeros, so "stateful" learns nothing more than
    stateless), and on torch the in-place update of a state that the step's graph still uses
    breaks backpropagation. Listing the states among the layer's variables (not its weights:
    they are not parameters, the model keeps its 1,781) lets every backend carry them from
    batch to batch, and starting each batch from a copy keeps torch's autograd intact.
    """

    @property
    def variables(self):
        states = list(self.states) if self.stateful and self.states is not None else []
        return super().variables + states

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if initial_state is None and self.stateful and self.states is not None:
            initial_state = [keras.ops.copy(state.value) for state in self.states]
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)


def create_model(config: Config, stateful: bool, spec: DataSpec = DataSpec()) -> keras.Model:
    """LSTM(20) -> Dense(1), compiled with Adam and MSE; the batch size is part of the shape."""
    model = keras.Sequential(
        [
            keras.Input(batch_shape=(config.batch_size, spec.lahead, 1)),
            # (1, 20): the last output; a stateful LSTM also keeps its (h, c) for the next batch
            StatefulLSTM(config.units, stateful=True, name="lstm")
            if stateful
            else keras.layers.LSTM(config.units, name="lstm"),
            keras.layers.Dense(1, name="dense"),  # (1, 1)
        ],
        name="stateful" if stateful else "stateless",
    )
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate))
    return model


def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """The stateful model, the subject of the example."""
    return create_model(config, True, spec)


def summary_models(config: Config) -> dict[str, keras.Model]:
    """Both models: the same layers, 1,781 parameters each."""
    return {
        stateful: create_model(config, stateful == "stateful")
        for stateful in ("stateful", "stateless")
    }


def pair_model(stateful: keras.Model, stateless: keras.Model) -> keras.Model:
    """Both models behind one input, saved as model.keras so a run keeps them together."""
    inputs = keras.Input(batch_shape=stateful.inputs[0].shape)
    return keras.Model(inputs, [stateful(inputs), stateless(inputs)], name="lstm_stateful")


def reset_states(model: keras.Model) -> None:
    """Keras 3: reset each stateful RNN layer (Model.reset_states() is gone)."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.RNN) and layer.stateful:
            layer.reset_state()


# -- Training -----------------------------------------------------------------------------------
def predict_in_time_order(model: keras.Model, x: np.ndarray, config: Config) -> np.ndarray:
    """Predictions for x (time order) from a reset state; a stateful model sees x in streams."""
    order = stateful_order(len(x), config.batch_size)
    reset_states(model)
    laid_out = model.predict(x[order], batch_size=config.batch_size, verbose=0)
    reset_states(model)
    predictions = np.empty_like(laid_out)
    predictions[order] = laid_out
    return predictions


def mse(y: np.ndarray, predictions: np.ndarray, config: Config) -> float:
    """Mean squared error over the predictable steps."""
    mask = predictable_mask(len(y), config.batch_size, config.tsteps)
    return float(np.mean((y[mask] - predictions[mask]) ** 2))


def train_one_epoch(stateful: keras.Model, stateless: keras.Model, data: Data, config: Config):
    """One epoch of each model, as the original; returns both Keras histories."""
    x_train, y_train = data.train
    order = stateful_order(len(x_train), config.batch_size)
    # Stateful: batches laid out in streams, never shuffled; the state carries across them.
    history = stateful.fit(
        x_train[order], y_train[order], batch_size=config.batch_size, epochs=1,
        shuffle=False, verbose=0,
    )  # fmt: skip
    reset_states(stateful)
    stateless_history = stateless.fit(
        x_train, y_train, batch_size=config.batch_size, epochs=1, shuffle=False, verbose=0
    )
    return history, stateless_history


def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """Trains both models epoch by epoch as the original, one metrics row per epoch."""
    stateful = create_model(config, True, data.spec)
    stateless = create_model(config, False, data.spec)
    models = {"stateful": stateful, "stateless": stateless}
    pair = pair_model(stateful, stateless)
    log = training.EpochLog(run, models, config.seed)
    first_epoch = log.resume()
    x_train, y_train = data.train
    for model in models.values():
        training.tune(model)  # the backend's speed settings (same updates)
    for epoch in range(first_epoch, config.epochs):
        log.begin(epoch)
        history, stateless_history = train_one_epoch(stateful, stateless, data, config)
        log.trained()
        validation = evaluate(config, data, pair)
        metrics = {
            "stateful_loss": history.history["loss"][-1],
            "stateless_loss": stateless_history.history["loss"][-1],
            "stateful_val_mse": validation["test_stateful_mse"],
            "stateless_val_mse": validation["test_stateless_mse"],
        }
        row = log.end(epoch + 1, metrics, samples=2 * len(x_train), model=pair)
        print(
            f"epoch {epoch + 1}/{config.epochs}  stateful loss {row['stateful_loss']:.3g} "
            f"val_mse {row['stateful_val_mse']:.3g} | stateless loss {row['stateless_loss']:.3g} "
            f"val_mse {row['stateless_val_mse']:.3g}  {row['epoch_time_s']:.1f}s",
            flush=True,
        )
    final = evaluate(config, data, pair)
    if run is not None:
        plot_comparison(config, data, pair, run)
    return final


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """Test MSE of both models (from reset states) and the MSE of predicting x_t / 2.

    The last one is the best a model can do from the current input alone when lahead = 1.
    """
    x_test, y_test = data.test
    results = {}
    for name in ("stateful", "stateless"):
        predictions = predict_in_time_order(model.get_layer(name), x_test, config)
        results[f"test_{name}_mse"] = mse(y_test, predictions, config)
    results["test_half_input_mse"] = mse(y_test, x_test[:, -1, :] / 2, config)
    return results


def benchmark(config: Config, data: Data, steps: int, tuned: bool = True) -> dict[str, float]:
    """`keras-classics bench`: samples/s of one epoch of both models (the unit of the loop), after
    a warm-up epoch; `tuned=False` is the same loop in plain Keras (the baseline)."""
    stateful = create_model(config, True, data.spec)
    stateless = create_model(config, False, data.spec)
    if tuned:
        training.tune(stateful)
        training.tune(stateless)
    start = time.perf_counter()
    train_one_epoch(stateful, stateless, data, config)
    warmup = time.perf_counter() - start
    start = time.perf_counter()
    train_one_epoch(stateful, stateless, data, config)
    elapsed = time.perf_counter() - start
    return {"samples_per_s": 2 * len(data.train[0]) / elapsed, "warmup_s": warmup}


# -- Sampling: the comparison plots -------------------------------------------------------------
def plot_comparison(config: Config, data: Data, model: keras.Model, run: Run) -> list[str]:
    """input.png (the original's first figure) and predictions.png (targets, predictions and
    both errors on one scale); returns the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x_train, y_train = data.train
    figure, axis = plt.subplots(figsize=(7, 3))
    axis.plot(x_train[:10, -1, 0], ".", label="Input")
    axis.plot(y_train[:10, 0], "-", label="Expected output")
    axis.legend()
    axis.set_title("Input")
    figure.tight_layout()
    image_io.save_figure(figure, run.artifacts / "input.png", tight=False)

    x_test, y_test = data.test
    predicted = {
        name: predict_in_time_order(model.get_layer(name), x_test, config)
        for name in ("stateful", "stateless")
    }
    mask = predictable_mask(len(y_test), config.batch_size, config.tsteps)
    steps = np.arange(len(y_test))
    figure, axes = plt.subplots(3, 1, figsize=(9, 8), sharex=True)
    axes[0].plot(steps, y_test[:, 0], "k-", label="expected", linewidth=2)
    axes[0].plot(steps, predicted["stateful"][:, 0], "-", label="stateful")
    axes[0].plot(steps, predicted["stateless"][:, 0], "--", label="stateless")
    axes[0].set_title(f"Expected: {config.tsteps}-point moving average (test part)")
    axes[0].legend(loc="upper right")
    errors = {name: (y_test - p)[:, 0] for name, p in predicted.items()}
    limit = max(np.abs(e[mask]).max() for e in errors.values()) * 1.1
    for axis, name in zip(axes[1:], ("stateful", "stateless"), strict=True):
        axis.plot(steps[mask], errors[name][mask])
        axis.set_ylim(-limit, limit)  # one scale: autoscaling would hide the difference
        axis.set_title(
            f"{name.capitalize()}: Expected - Predicted (MSE {mse(y_test, predicted[name], config):.3g})"
        )
    axes[2].set_xlabel("test step")
    figure.tight_layout()
    image_io.save_figure(figure, run.artifacts / "predictions.png", tight=False)
    return [str(run.artifacts / "input.png"), str(run.artifacts / "predictions.png")]


def sample(
    config: Config, model: keras.Model, run: Run | None, context: Context
) -> dict[str, float]:
    """Redraws the comparison plots of a trained run and prints both test MSEs."""
    data = load_data(config, DataSource())
    results = evaluate(config, data, model)
    print("  ".join(f"{key[5:]} {value:.3g}" for key, value in results.items()))
    if run is not None:
        for path in plot_comparison(config, data, model, run):
            print(f"wrote {path}")
    return results

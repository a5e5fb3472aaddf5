"""Training plumbing shared by the examples: seeding, a deterministic batch order, per-epoch metrics,
checkpoints and resume. The model, its loss and its training loop stay in each example.

Resume is exact: the batch order of epoch `e` depends only on (seed, e), and the checkpoint holds
every model variable (weights and the dropout seed states) and every optimizer variable.
"""

from __future__ import annotations

import io
import math
import os
import random
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import keras
import numpy as np

from keras_classics import curves, distribute, fast_paths
from keras_classics.errors import TimeLimitReached, UserError
from keras_classics.runs import PARTIAL_MODEL_SUFFIX, Run, write_atomic

CHECKPOINT_FILE = "state.npz"
# Off a terminal, a progress line this often inside a long epoch (a log file shows life).
PROGRESS_EVERY_S = 30.0
# `--quiet`: no per-epoch or progress lines, no progress bar (set by the command line).
QUIET = False
CURVES_FILE = "curves.png"
# `--time-limit`: the time (time.time()) after which a run stops at the end of an epoch.
STOP_AFTER: float | None = None


def seed_everything(seed: int) -> None:
    """Seeds Python, NumPy and the Keras backend, as `keras.utils.set_random_seed`.

    On JAX and PyTorch without importing TensorFlow only to seed it (set_random_seed does when
    it is installed): that import costs about 4 s of CPU per command and writes TensorFlow's
    start-up notices to stderr, and nothing here draws TensorFlow's random numbers on another
    backend. Once TensorFlow is loaded, it is seeded too.
    """
    if keras.backend.backend() == "tensorflow" or "tensorflow" in sys.modules:
        keras.utils.set_random_seed(seed)
        return
    try:  # what set_random_seed does besides seeding TensorFlow (Keras 3.15)
        from keras.src.backend.common import global_state
        from keras.src.random import seed_generator
        from keras.src.utils import rng_utils
    except ImportError:  # another Keras: its own function, TensorFlow import and all
        keras.utils.set_random_seed(seed)
        return
    global_state.set_global_attribute(rng_utils.GLOBAL_RANDOM_SEED, seed)
    global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    random.seed(seed)
    np.random.seed(seed)
    if keras.backend.backend() == "torch":
        import torch

        torch.manual_seed(seed)


def take(arrays: Any, index: np.ndarray) -> Any:
    """Selects `index` along the first axis of an array, or of each array in a list/tuple/dict."""
    if arrays is None:
        return None
    if isinstance(arrays, Mapping):
        return {key: take(value, index) for key, value in arrays.items()}
    if isinstance(arrays, (list, tuple)):
        # Always a tuple: TensorFlow's generator pipeline rejects lists of inputs.
        return tuple(take(value, index) for value in arrays)
    return arrays[index]


def first_axis_length(arrays: Any) -> int:
    """Number of samples in an array or in the first array of a list/tuple/dict."""
    if isinstance(arrays, Mapping):
        return first_axis_length(next(iter(arrays.values())))
    if isinstance(arrays, (list, tuple)):
        return first_axis_length(arrays[0])
    return len(arrays)


def limit(arrays: Any, count: int) -> Any:
    """The first `count` samples (all of them when count is 0)."""
    if not count:
        return arrays
    return take(arrays, np.arange(min(count, first_axis_length(arrays))))


class EpochBatches(keras.utils.PyDataset):
    """Mini-batches of in-memory arrays, shuffled in an order fixed by (seed, epoch).

    Keras' own shuffling draws from a global generator, so a resumed run would see another order;
    here epoch `e` always sees the same permutation, on every backend.
    """

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        *,
        batch_size: int,
        seed: int,
        shuffle: bool = True,
        drop_remainder: bool = False,
        shard: tuple[int, int, int] | None = None,
    ):
        """`shard`: (devices, processes, this process) under `--distribute data`
        (`distribute.data_shard`): every batch is cut to a multiple of the devices and this
        process feeds its own contiguous part of it."""
        super().__init__()
        self.shard = shard
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.num_samples = first_axis_length(x)
        self.drop_remainder = drop_remainder
        self.set_epoch(0)

    def set_epoch(self, epoch: int) -> None:
        """Fixes the sample order for `epoch`."""
        if self.shuffle:
            rng = np.random.default_rng([self.seed, epoch])
            self.order = rng.permutation(self.num_samples)
        else:
            self.order = np.arange(self.num_samples)

    def __len__(self) -> int:
        if self.drop_remainder:
            return max(1, self.num_samples // self.batch_size)
        count = math.ceil(self.num_samples / self.batch_size)
        if self.shard is not None and 0 < self.num_samples % self.batch_size < self.shard[0]:
            count -= 1  # a last batch smaller than the device count is left out whole
        return max(1, count)

    def _items(self) -> tuple:
        items = [self.x]
        if self.y is not None:
            items.append(self.y)
            if self.sample_weight is not None:
                items.append(self.sample_weight)
        return tuple(items)

    def __getitem__(self, index: int) -> tuple:
        batch = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        if self.shard is not None:
            devices, processes, process = self.shard
            # JAX splits a batch into equal parts only: the last batch of an epoch loses its
            # last (len % devices) samples, and each process feeds its part of the global batch.
            batch = batch[: len(batch) - len(batch) % devices]
            part = len(batch) // processes
            batch = batch[process * part : (process + 1) * part]
        return take(self._items(), batch)

    def trimmed(self) -> int:
        """Samples an epoch skips because the last batch does not split over the devices."""
        if self.shard is None:
            return 0
        last = self.num_samples - (len(self) - 1) * self.batch_size
        return last % self.shard[0]

    def in_memory(self) -> bool:
        """Whether every input is a plain NumPy array (not computed per batch, as augmentation)."""
        return all(isinstance(leaf, np.ndarray) for leaf in keras.tree.flatten(self._items()))

    def tf_dataset(self):
        """The batches of the current epoch (`set_epoch`) as a `tf.data` pipeline.

        On TensorFlow, Keras feeds a PyDataset through a Python generator, one interpreter round
        trip per batch; here the arrays are tensors and a batch is a `tf.gather` inside the
        pipeline, as Keras does for arrays. Keras iterates the dataset afresh each epoch, after
        `on_epoch_begin` (where `EpochRecorder` sets the epoch), and the pipeline reads the order
        then: the batches are those of `__getitem__`, the same on every backend, and one epoch's
        stream ends where the epoch does (so several steps per execution never cross it).
        """
        import tensorflow as tf

        tensors = tf.nest.map_structure(tf.convert_to_tensor, self._items())

        def epoch_order(_):
            order = tf.numpy_function(lambda: self.order.astype(np.int64), [], tf.int64)
            order.set_shape([self.num_samples])
            indices = tf.data.Dataset.from_tensor_slices(order)
            # When the batches come out even, say so: a static batch size (which a stateful
            # RNN needs) at no cost, since no sample is dropped.
            even = self.num_samples % self.batch_size == 0
            return indices.batch(self.batch_size, drop_remainder=self.drop_remainder or even)

        def gather(indices, arrays):
            return tf.nest.map_structure(lambda tensor: tf.gather(tensor, indices), arrays)

        indices = tf.data.Dataset.range(1).flat_map(epoch_order)
        # The arrays travel as a repeated element rather than as constants captured by `gather`,
        # and the default graph rewrites are off: both save per-pipeline serialisation (Keras'
        # array adapter does the same).
        dataset = tf.data.Dataset.zip((indices, tf.data.Dataset.from_tensors(tensors).repeat()))
        dataset = dataset.map(gather, num_parallel_calls=tf.data.AUTOTUNE)
        options = tf.data.Options()
        options.experimental_optimization.apply_default_optimizations = False
        dataset = dataset.with_options(options).prefetch(tf.data.AUTOTUNE)
        # A known length: Keras stops after the last batch instead of probing past it (a probe
        # that, with one step per execution, still counts an optimizer iteration).
        return dataset.apply(tf.data.experimental.assert_cardinality(len(self)))


# -- checkpoints --------------------------------------------------------------------------------
def _optimizer_variables(model: keras.Model) -> list:
    optimizer = model.optimizer
    if optimizer is None:
        return []
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
    return list(optimizer.variables)


def reseed_backend_for_epoch(seed: int, epoch: int) -> None:
    """Keras' torch backend draws unseeded dropout masks from torch's global generator, which
    other code (the data loader) also draws from; reseeding it per epoch makes epoch `e`'s masks
    depend only on (seed, e), so a resumed run matches an uninterrupted one."""
    if keras.backend.backend() == "torch":
        import torch

        torch.manual_seed(int(np.random.default_rng([seed, epoch, 17]).integers(2**62)))


def save_checkpoint(models: Mapping[str, keras.Model], run: Run, epochs_done: int) -> None:
    """Saves every variable of `models` and their optimizers after `epochs_done` epochs, atomically."""
    arrays: dict[str, np.ndarray] = {"epochs_done": np.array(epochs_done)}
    for name, model in models.items():
        for i, variable in enumerate(model.variables):
            arrays[f"{name}/model/{i}"] = keras.ops.convert_to_numpy(variable.value)
        for i, variable in enumerate(_optimizer_variables(model)):
            arrays[f"{name}/optimizer/{i}"] = keras.ops.convert_to_numpy(variable.value)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    write_atomic(run.checkpoint_dir / CHECKPOINT_FILE, buffer.getvalue())


def has_checkpoint(run: Run | None) -> bool:
    """Whether `run` has a finished epoch to resume from."""
    return run is not None and (run.checkpoint_dir / CHECKPOINT_FILE).exists()


def restore_checkpoint(models: Mapping[str, keras.Model], run: Run) -> int:
    """Loads the state saved by `save_checkpoint` into `models` and returns the epochs done.

    Raises:
        UserError: if the checkpoint is unreadable or does not fit these models.
    """
    path = run.checkpoint_dir / CHECKPOINT_FILE
    try:
        with np.load(path) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError) as error:
        raise UserError(f"checkpoint {path} is unreadable ({error}); start a new run") from None
    for name, model in models.items():
        groups = (("model", list(model.variables)), ("optimizer", _optimizer_variables(model)))
        for group, variables in groups:
            keys = [f"{name}/{group}/{i}" for i in range(len(variables))]
            if (
                any(key not in arrays for key in keys)
                or f"{name}/{group}/{len(variables)}" in arrays
            ):
                raise UserError(f"checkpoint {path} does not match the {name} model of this config")
            for key, variable in zip(keys, variables, strict=True):
                if tuple(arrays[key].shape) != tuple(variable.shape):
                    raise UserError(f"checkpoint {path}: {variable.path} has another shape")
                variable.assign(arrays[key])
    return int(arrays["epochs_done"])


def save_model(model: keras.Model, path: os.PathLike) -> None:
    """Saves a `.keras` file atomically (Keras insists on the extension, so the temp name keeps it)."""
    path = os.fspath(path)
    tmp = path[: -len(".keras")] + PARTIAL_MODEL_SUFFIX
    model.save(tmp)
    os.replace(tmp, path)


# -- per-epoch record ---------------------------------------------------------------------------
def current_learning_rate(model: keras.Model) -> float | None:
    """The optimizer's learning rate now (schedules evaluated at the current step)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return None
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


def format_logs(logs: Mapping[str, Any]) -> str:
    """`loss 0.1234  accuracy 0.9876 ...` for one-line epoch reports."""
    return "  ".join(f"{key} {float(value):.4g}" for key, value in logs.items())


def interactive() -> bool:
    """A progress bar on a terminal, one line per epoch otherwise (log files stay small)."""
    return sys.stdout.isatty()


class TrainingDiverged(UserError):
    """A loss became NaN or infinite: the run stops, keeping the last good epoch's checkpoint."""

    def __init__(self, epoch: int, step: int | None, value: float, name: str = "loss"):
        where = f"epoch {epoch}" + (f", step {step}" if step is not None else "")
        super().__init__(
            f"training diverged: {name} is {value} at {where}; the checkpoint of the last good "
            "epoch is kept (try a smaller learning rate in a new run)"
        )


def check_losses(epochs_done: int, metrics: Mapping[str, Any]) -> None:
    """Raises TrainingDiverged when a loss of epoch `epochs_done` (1-based) is NaN or infinite;
    `EpochLog.end` calls it, and a loop that saves its rows itself (mnist_net2net) too."""
    for name, value in metrics.items():
        if "loss" in name and value not in (None, "") and not math.isfinite(float(value)):
            raise TrainingDiverged(epochs_done, None, float(value), name)


class EpochLog:
    """The per-epoch bookkeeping of every training loop, `fit`'s callback and the custom loops
    (ACGAN, lstm_stateful, net2net) alike, so that resume is written once:

        log = EpochLog(run, {"model": model}, seed=config.seed)
        for epoch in range(log.resume(), epochs):   # restores the checkpoint, if any
            log.begin(epoch)        # epoch e's dropout masks depend only on (seed, e)
            ...train...
            log.trained()           # (optional) the training part of the epoch ends here
            ...evaluate...
            log.end(epoch + 1, metrics, samples=len(x_train), model=model)

    `end` adds epoch_time_s and samples_per_s to the row, then, in a run, saves the checkpoint
    (every variable of every model and optimizer), model.keras and the metrics.csv row.
    """

    def __init__(self, run: Run | None, models: Mapping[str, keras.Model], seed: int):
        self.run = run
        self.models = dict(models)
        self.seed = seed
        self._start = self._train_end = 0.0

    def resume(self, models: Mapping[str, keras.Model] | None = None) -> int:
        """Restores the run's checkpoint into `models` (default: all) and returns the epochs done
        (0 without a checkpoint)."""
        if not has_checkpoint(self.run):
            return 0
        return restore_checkpoint(self.models if models is None else models, self.run)

    @property
    def started(self) -> float:
        """When the current epoch began (time.perf_counter)."""
        return self._start

    def begin(self, epoch: int) -> None:
        """Starts epoch `epoch` (0-based): reseeds the backend's dropout draws, starts the clock."""
        reseed_backend_for_epoch(self.seed, epoch)
        self._start = time.perf_counter()
        self._train_end = 0.0

    def trained(self) -> None:
        """Marks the end of the epoch's training (validation after it is not in samples/s)."""
        if self._start and not self._train_end:
            self._train_end = time.perf_counter()

    def end(
        self,
        epochs_done: int,
        metrics: Mapping[str, Any],
        samples: int,
        model: keras.Model,
        save: bool = True,
    ) -> dict[str, Any]:
        """Completes the row of epoch `epochs_done` (1-based) and, in a run, saves the checkpoint,
        `model` as model.keras and the row (unless `save` is False: the caller saves later)."""
        check_losses(epochs_done, metrics)
        now = time.perf_counter()
        train_time = (self._train_end or now) - self._start
        row: dict[str, Any] = {"epoch": epochs_done, **metrics}
        row["epoch_time_s"] = now - self._start
        row["samples_per_s"] = samples / max(train_time, 1e-9)
        if save:
            self.save(epochs_done, [row], model)
        return row

    def save(self, epochs_done: int, rows: Sequence[Mapping[str, Any]], model: keras.Model) -> None:
        """Writes the checkpoint after `epochs_done`, model.keras and `rows` into the run."""
        if self.run is None:
            return
        # The checkpoint goes last: it is the commit point. A run stopped before it redoes the
        # epoch on --resume and rewrites the row (same epoch, replaced) and the model; a run
        # stopped after it has every file of the epoch.
        for row in rows:
            self.run.append_metrics(row)
        save_model(model, self.run.model_path)
        curves.draw(self.run.read_metrics(), self.run.artifacts / CURVES_FILE, self.run.example)
        save_checkpoint(self.models, self.run, epochs_done)
        if STOP_AFTER is not None and time.time() >= STOP_AFTER:
            raise TimeLimitReached(f"stopped at the time limit after epoch {epochs_done}")


class EpochRecorder(keras.callbacks.Callback):
    """`fit`'s side of `EpochLog`: sets each epoch's batch order, then records the epoch."""

    def __init__(
        self,
        run: Run | None,
        batches: EpochBatches,
        epochs: int,
        print_lines: bool,
    ):
        super().__init__()
        self.batches = batches
        self.epochs = epochs
        self.print_lines = print_lines and not QUIET
        self.log: EpochLog | None = None
        self.run = run
        self._epoch, self._said = 0, 0.0

    def set_model(self, model: keras.Model) -> None:
        super().set_model(model)
        self.log = EpochLog(self.run, {"model": model}, self.batches.seed)

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self.batches.set_epoch(epoch)
        self.log.begin(epoch)
        self._epoch, self._said = epoch, time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        """Stops at a non-finite loss; off a terminal, a line every PROGRESS_EVERY_S inside long
        epochs (a log shows life)."""
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            raise TrainingDiverged(self._epoch + 1, batch + 1, float(loss))
        now = time.perf_counter()
        if not self.print_lines or now - self._said < PROGRESS_EVERY_S:
            return
        self._said = now
        steps = len(self.batches)
        done = min(batch + 1, steps)
        seen = min(done * self.batches.batch_size, self.batches.num_samples)
        rate = seen / max(now - self.log.started, 1e-9)
        eta = (self.batches.num_samples - seen) / max(rate, 1e-9)
        loss = f"  loss {float((logs or {}).get('loss', float('nan'))):.4g}" if logs else ""
        print(
            f"  epoch {self._epoch + 1}/{self.epochs} step {done}/{steps}{loss}  "
            f"{rate:.0f} samples/s  ETA {eta:.0f}s",
            flush=True,
        )

    def on_test_begin(self, logs: Any = None) -> None:
        self.log.trained()

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        metrics = {key: float(value) for key, value in (logs or {}).items()}
        learning_rate = current_learning_rate(self.model)
        if learning_rate is not None:
            metrics["lr"] = learning_rate
        row = self.log.end(epoch + 1, metrics, self.batches.num_samples, self.model)
        if self.print_lines:
            shown = {
                k: v for k, v in row.items() if k not in ("epoch", "epoch_time_s", "samples_per_s")
            }
            print(
                f"epoch {epoch + 1}/{self.epochs}  {format_logs(shown)}  "
                f"{row['epoch_time_s']:.1f}s  {row['samples_per_s']:.0f} samples/s",
                flush=True,
            )


# -- speed ----------------------------------------------------------------------------------------
# Steps run per call of Keras' fit loop: TensorFlow loops them inside one tf.function (no
# recompilation), saving the Python round trip per batch (mnist_mlp: +30% on a 2-core CPU); JAX
# calls its jitted step that many times in a row, saving the callbacks between them (babi_memnn:
# +18%). Keras' torch trainer accepts only 1.
STEPS_PER_EXECUTION = {"tensorflow": 8, "jax": 8}
# On JAX a recurrent layer runs as `lax.scan`; over a few timesteps, unrolling it into straight-line
# code lets XLA fuse across steps (addition_rnn, 7 and 4 steps: +30%), over many it is slower and
# compiles for a minute (imdb_lstm, 80 steps: 10x slower). ConvLSTM2D is the exception: convolution
# gradients inside `lax.scan` hit XLA's slow path on the CPU (jax-ml/jax#12868), unrolled they don't.
UNROLL_MAX_STEPS = {"jax": 10}
UNROLL_ALWAYS = {"jax": ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")}


def tune(model: keras.Model) -> None:
    """Applies the backend's speed settings to a compiled model before its first fit.

    Nothing here changes what is computed: the same batches in the same order, the same updates
    (tests/test_fast_paths.py holds each to Keras' reference). Once Keras has built the model's
    train function these settings are fixed, so a model that has trained is left as it is.
    """
    name = keras.backend.backend()
    fast_paths.install()  # torch: the fused LSTM kernel on every device
    if getattr(model, "train_function", None) is not None or not model.compiled:
        return
    model.steps_per_execution = STEPS_PER_EXECUTION.get(name, 1)
    for layer in model._flatten_layers(include_self=False):
        if not isinstance(layer, keras.layers.RNN) or layer.unroll or layer.stateful:
            continue
        always = type(layer).__name__ in UNROLL_ALWAYS.get(name, ())
        steps = _timesteps(layer)
        if always or (steps is not None and steps <= UNROLL_MAX_STEPS.get(name, 0)):
            layer.unroll = True


def _timesteps(layer: keras.layers.Layer) -> int | None:
    """The layer's input sequence length, when the model fixes it."""
    try:
        shape = layer.input.shape
    except (AttributeError, ValueError):  # not called in a functional graph, or several times
        return None
    return shape[1] if len(shape) > 1 and isinstance(shape[1], int) else None


def feed(batches: EpochBatches) -> Any:
    """What `model.fit` should read: a `tf.data` pipeline on TensorFlow when every input is an
    array (see `EpochBatches.tf_dataset`), otherwise the PyDataset itself."""
    if keras.backend.backend() == "tensorflow" and batches.in_memory():
        return batches.tf_dataset()
    return batches


def fit(
    model: keras.Model,
    run: Run | None,
    x: Any,
    y: Any = None,
    *,
    epochs: int,
    batch_size: int,
    seed: int,
    sample_weight: Any = None,
    validation_data: tuple | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    shuffle: bool = True,
) -> dict[str, list[float]]:
    """`model.fit` with a reproducible batch order, per-epoch metrics and checkpoints in `run`.

    If `run` already has a checkpoint (`--resume`), training continues after its last finished
    epoch with the same weights, optimizer state, dropout seeds and batch order.

    Returns:
        The Keras history (metric name -> values of the epochs run now).
    """
    batches = EpochBatches(
        x, y, sample_weight, batch_size=batch_size, seed=seed, shuffle=shuffle,
        shard=distribute.data_shard(),
    )  # fmt: skip
    if batches.trimmed():
        print(
            f"distribute: each epoch leaves out its last {batches.trimmed()} samples (the last "
            f"batch must split evenly over {batches.shard[0]} devices)",
            flush=True,
        )
    if batches.num_samples == 0:
        raise UserError(
            "no training samples left (train_samples, a validation split or a length limit took "
            "them all); keep more"
        )
    initial_epoch = EpochLog(run, {"model": model}, seed).resume()
    if initial_epoch >= epochs:
        return {}
    # Keras may draw the first batch before `on_epoch_begin` fires: set the order now as well.
    batches.set_epoch(initial_epoch)
    progress_bar = interactive() and not QUIET
    recorder = EpochRecorder(run, batches, epochs, print_lines=not progress_bar)
    tune(model)
    if distribute.active() and initial_epoch == 0:
        print(distribute.memory_line(model), flush=True)
    history = model.fit(
        feed(batches),
        epochs=epochs,
        initial_epoch=initial_epoch,
        validation_data=validation_data,
        callbacks=[recorder, *callbacks, ShardTrainingBatches()],
        verbose=1 if progress_bar else 0,
        shuffle=False,  # Keras would shuffle batch order from a global RNG; EpochBatches shuffles
    )
    return history.history


class ShardTrainingBatches(keras.callbacks.Callback):
    """Under `--distribute`, training batches are split over the devices and validation batches
    are not (any size, computed as on one device; see `distribute`)."""

    def on_train_begin(self, logs: Any = None) -> None:
        distribute.shard_batches(True)

    def on_test_begin(self, logs: Any = None) -> None:
        distribute.shard_batches(False)

    def on_test_end(self, logs: Any = None) -> None:
        distribute.shard_batches(True)

    def on_train_end(self, logs: Any = None) -> None:
        distribute.shard_batches(False)


def evaluate(model: keras.Model, x: Any, y: Any, batch_size: int) -> dict[str, float]:
    """`model.evaluate` as a plain dict of floats, prefixed `test_`.

    Pass the training batch size: the compiled test step of fit's validation is then reused.
    """
    results = model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    return {f"test_{key}": float(value) for key, value in results.items()}


def epoch_callback(function: Callable[[int, dict], None]) -> keras.callbacks.Callback:
    """A callback that calls `function(epoch, logs)` after every epoch (for per-epoch samples)."""
    return keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: function(epoch, logs or {})
    )

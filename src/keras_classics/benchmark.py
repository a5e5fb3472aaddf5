"""`keras-classics bench`: how fast the package trains each example, beside a bare `model.fit`.

Two paths train the same model (the example's own `build_model`, same batch size, same synthetic
data) in one process, so that the machine's noise hits both alike:

- `package`: what `keras-classics train` runs, `training.fit` (deterministic batch order, the
  per-epoch recorder, the backend's fast data path and tuning), or the example's own loop where
  it has one (`benchmark` in its module);
- `baseline`: what a keras-io script does, `model.fit(x, y, batch_size=...)` on NumPy arrays.

Each path first runs a warm-up epoch of two steps (its time to the end of the first step, build
and compile included, is `first_step_s`), then `repeats` timed epochs of about two seconds each
(or `steps` steps), the two paths taking turns; samples/s is the median of those epochs and
`spread` their (max - min) / median.

Imported only after the backend is chosen, because it imports keras.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import math
import statistics
import time
from types import ModuleType
from typing import Any

import keras
import numpy as np

from keras_classics import distribute as distribute_lib
from keras_classics import fast_paths, registry, runs, training
from keras_classics.datasets import DataSource
from keras_classics.errors import UserError

WARM_UP_STEPS = 2  # the warm-up epoch: compilation, then one step at speed
TARGET_EPOCH_S = 2.0  # a timed epoch lasts about this long (unless --steps says how many steps)


class _Timer(keras.callbacks.Callback):
    """Epoch times, and the moment the first step of the first epoch ended."""

    def __init__(self):
        super().__init__()
        self.epoch_times: list[float] = []
        self.first_step_end: float | None = None
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._start = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        if self.first_step_end is None:
            if logs and "loss" in logs:
                float(logs["loss"])  # wait for the step itself, not only its dispatch
            self.first_step_end = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self.epoch_times.append(time.perf_counter() - self._start)


@dataclasses.dataclass
class _Path:
    """One way of training: `epoch(timer)` runs one epoch of `steps` steps."""

    name: str
    epoch: Any
    build_s: float = 0.0
    first_step_s: float = float("nan")
    epoch_times: list[float] = dataclasses.field(default_factory=list)


class _Batches:
    """The timed epoch's arrays: `steps` full batches, cycling through the synthetic samples."""

    def __init__(self, x, y, batch_size: int, steps: int):
        self.source, self.batch_size = (x, y), batch_size
        self.resize(steps)

    def resize(self, steps: int) -> None:
        self.steps = steps
        available = training.first_axis_length(self.source[0])
        order = np.resize(np.arange(available), steps * self.batch_size)
        self.x, self.y = training.take(self.source, order)


def _build(module: ModuleType, config, data) -> tuple[keras.Model, float]:
    start = time.perf_counter()
    model = module.build_model(config, data.spec)
    return model, time.perf_counter() - start


def _package_path(module: ModuleType, config, data, batches: _Batches) -> _Path:
    model, build_s = _build(module, config, data)

    def epoch(timer: _Timer) -> None:
        training.fit(
            model, None, batches.x, batches.y, epochs=1, batch_size=config.batch_size,
            seed=config.seed, callbacks=[timer],
        )  # fmt: skip

    return _Path("package", epoch, build_s)


def _baseline_path(module: ModuleType, config, data, batches: _Batches) -> _Path:
    model, build_s = _build(module, config, data)

    def epoch(timer: _Timer) -> None:
        # What a keras-io script does: arrays in, Keras shuffles, Keras' own kernels.
        with fast_paths.disabled():
            model.fit(
                batches.x, batches.y, batch_size=config.batch_size, epochs=1, verbose=0,
                callbacks=[timer],
            )  # fmt: skip

    return _Path("baseline", epoch, build_s)


def _run_epoch(path: _Path, warm_up: bool) -> None:
    timer = _Timer()
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the one-line epoch reports
        path.epoch(timer)
    if warm_up:
        end = timer.first_step_end or time.perf_counter()
        path.first_step_s = path.build_s + (end - start)
    else:
        path.epoch_times.append(timer.epoch_times[-1] if timer.epoch_times else 0.0)


def _custom_loop(
    module: ModuleType, config, data, steps: int, repeats: int, baseline: bool
) -> list[dict]:
    """An example with its own loop (the GAN, the stateful pair) times it with its `benchmark`
    hook: tuned as `train` runs it, and untuned (plain Keras) for the baseline, taking turns."""
    runs_of: dict[str, list[dict]] = (
        {"package": [], "baseline": []} if baseline else {"package": []}
    )
    paths = list(runs_of)
    for turn in range(repeats):  # ABBA turns, as in `measure`
        for path in paths if turn % 2 == 0 else paths[::-1]:
            tuned = path == "package"
            with contextlib.nullcontext() if tuned else fast_paths.disabled():
                runs_of[path].append(module.benchmark(config, data, steps, tuned=tuned))
    return [
        {
            "path": path,
            "samples": [result["samples_per_s"] for result in results],
            "first_step_s": results[0].get("warmup_s", float("nan")),
            "note": "the example's own training loop",
        }
        for path, results in runs_of.items()
    ]


def _bench_data(name: str, module: ModuleType, config):
    """Synthetic data for the timed epochs (None for an example with its own loop)."""
    batch = config.batch_size
    config = dataclasses.replace(config, train_samples=batch * 16, test_samples=batch)
    data = module.load_data(config, DataSource(kind="synthetic"))
    if registry.spec(name).own_benchmark:
        return config, data, None
    x, y = data.train
    if training.first_axis_length(x) < 1:
        raise UserError(f"{module.__name__}: the synthetic data is empty")
    return config, data, _Batches(x, y, batch, WARM_UP_STEPS)


def timed_steps(step_s: float, steps: int | None) -> int:
    """Steps per timed epoch: `steps` if given, else enough for about TARGET_EPOCH_S."""
    if steps:
        return steps
    return max(2, min(2000, math.ceil(TARGET_EPOCH_S / max(step_s, 1e-6))))


def measure(
    name: str,
    config,
    backend: str,
    steps: int | None,
    repeats: int,
    baseline: bool,
    distribute: str | None = None,
) -> list[dict[str, Any]]:
    """Times the package path (and the bare `model.fit` baseline) on the current backend.

    Args:
        steps: steps per timed epoch; None for about TARGET_EPOCH_S seconds' worth.

    Returns:
        One row per path: samples/s (median), spread, time to first step, batch, steps.
    """
    module = registry.load(name)
    training.seed_everything(config.seed)
    config, data, batches = _bench_data(name, module, config)
    distribute_lib.start(distribute, module, config, data.spec)
    batch = config.batch_size
    if batches is None:
        steps = steps or 20
        rows = _custom_loop(module, config, data, steps, repeats, baseline)
    else:
        paths = [_package_path(module, config, data, batches)]
        if baseline:
            training.seed_everything(config.seed)
            paths.append(_baseline_path(module, config, data, batches))
        for path in paths:  # compile, and the time to the first step
            _run_epoch(path, warm_up=True)
        _run_epoch(paths[0], warm_up=False)  # one untimed epoch: how long is a step?
        step_s = paths[0].epoch_times.pop() / WARM_UP_STEPS
        steps = timed_steps(step_s, steps)
        batches.resize(steps)
        for turn in range(repeats):
            # Turns in ABBA order: a slow moment of the machine hits both paths, and neither
            # always goes first (the first of a pair was measured up to 10% slower on torch).
            for path in paths if turn % 2 == 0 else paths[::-1]:
                _run_epoch(path, warm_up=False)
        rows = [
            {
                "path": path.name,
                "samples": [steps * batch / max(t, 1e-9) for t in path.epoch_times],
                "first_step_s": path.first_step_s,
            }
            for path in paths
        ]
    device = runs.environment(backend).get("device", "?")
    for row in rows:
        samples = row.pop("samples")
        row["samples_per_s_each"] = [round(v, 1) for v in samples]
        median = statistics.median(samples)
        row.update(
            example=name,
            backend=backend,
            device=device,
            batch_size=batch,
            steps=steps,
            repeats=repeats,
            samples_per_s=round(median, 1),
            spread=round((max(samples) - min(samples)) / median, 3) if median else 0.0,
            first_step_s=round(row["first_step_s"], 2),
            **distribute_lib.environment(),
        )
    return rows

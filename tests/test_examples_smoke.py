"""Generated from the registry: every example, tiny preset, synthetic data, on this backend."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import BACKEND
from keras_classics import commands, config, registry
from keras_classics.datasets import DataSource

NAMES = registry.names()
RUN_FILES = (
    "config.json", "env.json", "metrics.csv", "final.json", "model.keras", "status.json",
    "report.html", "train.log", "artifacts/curves.png",
)  # fmt: skip


def _runs_here(name: str) -> None:
    if BACKEND not in registry.spec(name).backends:
        pytest.skip(f"{name} does not run on {BACKEND}")


@pytest.mark.parametrize("name", NAMES)
def test_tiny_run_is_complete_and_reloads(name, options):
    _runs_here(name)
    run = commands.train(name, options())
    for file_name in RUN_FILES:
        assert (run.path / file_name).is_file(), file_name
    assert run.status == "finished"
    saved = run.read_json("config.json")
    assert saved["example"] == name and saved["data"] == "synthetic"
    rows = run.read_metrics()
    assert len(rows) == saved["config"]["epochs"]
    assert all(float(row["samples_per_s"]) > 0 and float(row["epoch_time_s"]) > 0 for row in rows)
    final = run.read_json("final.json")
    assert final and all(math.isfinite(value) for value in final.values())
    if not registry.spec(name).custom_loop:
        losses = [float(row["loss"]) for row in rows]
        assert losses[-1] < losses[0], "training loss did not fall"
    # evaluate() reloads model.keras from disk: the same numbers prove the save/load round trip.
    again = commands.evaluate(run.path, options(preset=None))
    for key, value in final.items():
        assert again[key] == pytest.approx(value, rel=1e-3, abs=1e-4), key


STANDARD = [n for n in NAMES if not registry.spec(n).custom_loop]


@pytest.mark.parametrize("name", STANDARD)
def test_shapes_and_one_step_changes_weights(name):
    _runs_here(name)
    module = registry.load(name)
    cfg = config.resolve(module.Config, module.PRESETS, "tiny")
    data = module.load_data(cfg, DataSource(kind="synthetic"))
    model = module.build_model(cfg, data.spec)
    x, y = data.train
    batch = np.arange(min(8, len(y)))
    x_batch = [a[batch] for a in x] if isinstance(x, (list, tuple)) else x[batch]
    predictions = model.predict(x_batch, verbose=0)
    y_batch = y[batch]
    if predictions.shape != y_batch.shape:  # sparse class ids (N,) against probabilities (N, C)
        assert predictions.shape[:-1] == y_batch.shape
        assert np.issubdtype(y_batch.dtype, np.integer)
    before = [w.copy() for w in model.get_weights()]
    model.train_on_batch(x_batch, y[batch])
    changed = [not np.array_equal(b, a) for b, a in zip(before, model.get_weights(), strict=True)]
    assert any(changed)

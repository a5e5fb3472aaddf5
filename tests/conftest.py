"""Test set-up: the backend comes from KERAS_BACKEND (make test runs the suite once per backend),
tests never touch the network, and real files come from ../shared/data beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ["KERAS_CLASSICS_OFFLINE"] = "1"  # any attempt to download fails fast and clearly
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")
# JAX spends most of a tiny run compiling; a persistent cache makes reruns and reloads cheap.
os.environ.setdefault(
    "JAX_COMPILATION_CACHE_DIR", str(Path.home() / ".cache" / "keras-classics" / "jax")
)
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
# Each test builds new small models, so a cold JAX pass is mostly XLA compilation: without LLVM's
# optimisation passes it compiles faster than the tiny models lose at run time (the 25 tiny
# training runs: 210 s -> 145 s with an empty compilation cache, 2 cores).
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")
# Tiny torch ops thrash with several intra-op threads on a small, busy machine (63 ms vs 0.3 ms
# measured for a tiny conv1d on 2 cores): one thread keeps the torch pass of the suite fast.
if os.environ["KERAS_BACKEND"] == "torch":
    os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402

from keras_classics import backend  # noqa: E402

BACKEND = backend.activate(os.environ["KERAS_BACKEND"])
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("KERAS_CLASSICS_SHARED_DATA", REPO.parent / "shared" / "data"))


def pytest_collection_modifyitems(config, items):
    """Backend-free tests (file parsing, config, runs) run once, in the jax pass of `make test`."""
    if BACKEND == "jax":
        return
    skip = pytest.mark.skip(reason=f"backend-free: runs in the jax pass, not the {BACKEND} one")
    for item in items:
        if item.get_closest_marker("backend_free"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_keras_home(tmp_path_factory, monkeypatch):
    """An empty Keras cache, so a file on the developer's machine cannot make a test pass."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path_factory.getbasetemp() / "keras_home"))


@pytest.fixture
def shared_data() -> Path:
    """../shared/data (real MNIST, bAbI, IMDB, nietzsche, fra-eng files)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is not there")
    return SHARED_DATA


@pytest.fixture
def options(tmp_path):
    """Options for a tiny, offline, synthetic run in a temporary runs folder."""
    from keras_classics.commands import Options

    def make(**changes):
        values = dict(
            preset="tiny",
            data="synthetic",
            runs_dir=tmp_path / "runs",
            offline=True,
            backend=BACKEND,
        )
        values.update(changes)
        return Options(**values)

    return make


def explain(module, config, source=None, **context) -> list:
    """The sections of `module`'s walkthrough (walkthroughs/<name>.py) for `config`; the `Lead`s
    it yields for the first line are left out (the command line tests show them)."""
    from keras_classics import registry
    from keras_classics.datasets import DataSource
    from keras_classics.explaining import Section

    name = module.__name__.rsplit(".", 1)[-1]
    where = registry.Context(source=source or DataSource(), **context)
    items = registry.walkthrough(name).explain(config, where)
    return [item for item in items if isinstance(item, Section)]

"""backend: TensorFlow's start-up notices kept off stderr, and seeding without importing it."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest

from conftest import BACKEND
from keras_classics import backend


@pytest.mark.backend_free
def test_import_quietly_drops_tensorflows_start_up_notices_only(tmp_path, monkeypatch, capfd):
    (tmp_path / "noisy_module.py").write_text(
        "import os\n"
        "os.write(2, b'WARNING: All log messages before absl::InitializeLog() is called are "
        "written to STDERR\\n')\n"
        "os.write(2, b'I0000 00:00:1 1 port.cc:153] oneDNN custom operations are on. You may "
        "see slightly different numerical results\\n')\n"
        "os.write(2, b'a warning that matters\\n')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    backend.import_quietly("noisy_module")
    assert capfd.readouterr().err == "a warning that matters\n"
    backend.import_quietly("noisy_module")  # imported already: nothing runs again
    assert capfd.readouterr().err == ""


def test_seeding_draws_what_keras_set_random_seed_draws(monkeypatch):
    import keras

    if BACKEND != "tensorflow":  # our own path, the one taken while TensorFlow is not loaded
        monkeypatch.delitem(sys.modules, "tensorflow", raising=False)

    from keras_classics import training

    def draws():
        return (
            keras.ops.convert_to_numpy(keras.random.uniform((4,))),
            np.random.rand(2),
            random.random(),
        )

    training.seed_everything(11)
    ours = draws()
    keras.utils.set_random_seed(11)
    theirs = draws()
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="once, in the TensorFlow pass")
def test_commands_on_any_backend_write_no_tensorflow_notice(tmp_path):
    for name in ("tensorflow", "jax"):
        done = subprocess.run(
            [sys.executable, "-m", "keras_classics", "train", "mnist_mlp", "--preset", "tiny",
             "--data", "synthetic", "--backend", name, "--runs-dir", str(tmp_path), "--quiet"],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        assert "oneDNN" not in done.stderr and "absl" not in done.stderr, done.stderr

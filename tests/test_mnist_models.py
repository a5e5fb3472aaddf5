"""mnist_cnn and mnist_mlp: the seed's parameter counts, the original optimiser, real-data checks."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import explain
from keras_classics import config, training
from keras_classics.datasets import DataSource, mnist
from keras_classics.datasets.idx import read_idx
from keras_classics.examples import mnist_cnn, mnist_mlp


def test_parameter_counts_equal_the_seed():
    assert mnist_cnn.build_model(mnist_cnn.Config()).count_params() == 1_199_882
    assert mnist_mlp.build_model(mnist_mlp.Config()).count_params() == 669_706


def test_mnist_cnn_uses_adadelta_at_keras2_learning_rate():
    model = mnist_cnn.build_model(mnist_cnn.Config())
    assert type(model.optimizer).__name__ == "Adadelta"
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(1.0)
    assert [layer.output.shape[1:] for layer in model.layers][:3] == [
        (26, 26, 32),
        (24, 24, 64),
        (12, 12, 64),
    ]


def test_mnist_mlp_learns_the_synthetic_twin():
    cfg = config.resolve(mnist_mlp.Config, mnist_mlp.PRESETS, "tiny", ["epochs=3"])
    data = mnist_mlp.load_data(cfg, DataSource(kind="synthetic"))
    metrics = mnist_mlp.train(cfg, data, None)
    assert metrics["test_accuracy"] > 0.5  # chance is 0.1


@pytest.mark.realdata
def test_mnist_mlp_one_epoch_on_real_fashion_mnist():
    if mnist.idx_folder(mnist.DEBIAN_FASHION_DIR) is None:
        pytest.skip("Debian's dataset-fashion-mnist is not installed (make test installs it)")
    cfg = mnist_mlp.Config(dataset="fashion_mnist", epochs=1)
    data = mnist_mlp.load_data(cfg, DataSource(offline=True))
    assert data.train[0].shape == (60000, 784)
    metrics = mnist_mlp.train(cfg, data, None)
    assert metrics["test_accuracy"] >= 0.80


@pytest.mark.realdata
def test_mnist_cnn_learns_real_mnist_digits(shared_data):
    images = read_idx(shared_data / "mnist" / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(shared_data / "mnist" / "t10k-labels-idx1-ubyte.gz")
    # Train on the first 6,000 real test images, evaluate on the last 2,000 (never seen).
    x_train, y_train = mnist_cnn.prepare(images[:6000], labels[:6000])
    x_test, y_test = mnist_cnn.prepare(images[-2000:], labels[-2000:])
    cfg = mnist_cnn.Config(epochs=1)
    training.seed_everything(cfg.seed)
    model = mnist_cnn.build_model(cfg)
    training.fit(model, None, x_train, y_train, epochs=1, batch_size=128, seed=cfg.seed)
    accuracy = training.evaluate(model, x_test, y_test, batch_size=128)["test_accuracy"]
    assert accuracy > 0.85  # chance is 0.1


@pytest.mark.parametrize(
    ("module", "shape", "total"),
    [(mnist_cnn, "(1000, 28, 28, 1)", "1,199,882"), (mnist_mlp, "(1000, 784)", "669,706")],
)
def test_explain_shows_the_data_and_the_seeds_parameter_count(module, shape, total):
    sections = list(explain(module, module.Config(), DataSource(kind="synthetic")))
    text = "\n".join(section.body for section in sections)
    assert f"x_train {shape} float32" in text
    labels = text.split("labels of the first 10 images (argmax of y_train): ")[1].split("\n")[0]
    digits = json.loads(labels)  # decoded from the one-hot rows
    assert len(digits) == 10 and all(0 <= d <= 9 for d in digits)
    assert f"{module.__name__.split('.')[-1]}: total {total} | trainable {total}" in text
    assert "Keras 3 numbers automatic layer names" in sections[-1].body

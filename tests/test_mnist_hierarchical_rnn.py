"""mnist_hierarchical_rnn: the seed's parameter count and shapes, the folded TimeDistributed
(same outputs as Keras' own), and one short epoch on real Fashion-MNIST."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from conftest import explain
from keras_classics import config, training
from keras_classics.datasets import DataSource, mnist
from keras_classics.errors import UserError
from keras_classics.examples import mnist_hierarchical_rnn as hrnn


def test_parameter_count_and_shapes_equal_the_seed():
    model = hrnn.build_model(hrnn.Config())
    assert model.count_params() == 199_434
    td, lstm, dense = model.layers[1:]
    assert isinstance(td, keras.layers.TimeDistributed) and td.name == "time_distributed"
    assert (td.count_params(), lstm.count_params(), dense.count_params()) == (
        66_560,
        131_584,
        1_290,
    )
    assert tuple(td.output.shape) == (None, 28, 128)
    assert tuple(lstm.output.shape) == (None, 128)
    cfg = hrnn.Config()
    assert (cfg.epochs, cfg.batch_size, type(model.optimizer).__name__) == (5, 32, "RMSprop")


def test_folded_time_distributed_equals_keras_time_distributed():
    x = np.random.default_rng(0).random((3, 5, 7, 2)).astype("float32")
    folded = hrnn.FoldedTimeDistributed(keras.layers.LSTM(4))
    plain = keras.layers.TimeDistributed(keras.layers.LSTM(4))
    expected_shape = (3, 5, 4)
    y_folded = keras.ops.convert_to_numpy(folded(x))
    plain(x)
    plain.set_weights(folded.get_weights())
    y_plain = keras.ops.convert_to_numpy(plain(x))
    assert y_folded.shape == y_plain.shape == expected_shape
    np.testing.assert_allclose(y_folded, y_plain, rtol=1e-5, atol=1e-6)
    # Each row is encoded on its own: changing row 2 of image 0 changes only that encoding.
    x2 = x.copy()
    x2[0, 2] += 1.0
    changed = np.abs(keras.ops.convert_to_numpy(folded(x2)) - y_folded).max(axis=-1) > 0
    assert changed.tolist() == [[False, False, True, False, False]] + [[False] * 5] * 2


def test_folded_layer_round_trips_through_its_config():
    layer = hrnn.FoldedTimeDistributed(keras.layers.LSTM(3), name="time_distributed")
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(again) is hrnn.FoldedTimeDistributed and again.layer.units == 3


def test_bad_settings_are_one_line_errors():
    for item in ("row_hidden=0", "dataset=digits"):
        with pytest.raises(UserError):
            config.resolve(hrnn.Config, {}, None, [item])


@pytest.mark.realdata
def test_one_short_epoch_on_real_fashion_mnist():
    if mnist.idx_folder(mnist.DEBIAN_FASHION_DIR) is None:
        pytest.skip("Debian's dataset-fashion-mnist is not installed (make test installs it)")
    # The original's architecture and optimiser (RMSprop) on 4,096 real images, as narrow as the
    # tiny preset (16 units, batch 64: the same compiled step) with larger steps (lr 0.005), so
    # that one short epoch shows learning.
    cfg = hrnn.Config(
        dataset="fashion_mnist",
        epochs=1,
        train_samples=4096,
        test_samples=1024,
        batch_size=64,
        row_hidden=16,
        col_hidden=16,
        learning_rate=0.005,
    )
    training.seed_everything(cfg.seed)
    data = hrnn.load_data(cfg, DataSource(offline=True))
    assert data.train[0].shape == (4096, 28, 28, 1)
    metrics = hrnn.train(cfg, data, None)
    assert metrics["test_accuracy"] > 0.25  # chance is 0.1


def test_explain_starts_with_the_seeds_model_then_images_in_classes_out():
    sections = list(explain(hrnn, hrnn.Config(), DataSource(kind="synthetic")))
    summary = sections[0].body
    assert "mnist_hierarchical_rnn: total 199,434 | trainable 199,434 | non-trainable 0" in summary
    counts = [line.split("│")[3].strip() for line in summary.splitlines() if line.count("│") == 4]
    assert [c for c in counts if c.replace(",", "").isdigit() and c != "0"] == [
        "66,560", "131,584", "1,290",
    ]  # fmt: skip
    assert "x_train.shape (1000, 28, 28, 1)  y_train.shape (1000, 10)" in sections[1].body
    assert sections[2].body.count("\nrow ") == 27  # 28 rows, one per line
    assert "shape (2, 28, 128)" in sections[3].body and "shape (2, 10)" in sections[3].body

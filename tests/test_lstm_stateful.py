"""lstm_stateful: the seed's data, the stream layout, state carried on every backend, learning."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from conftest import explain
from keras_classics import config as config_lib
from keras_classics import runs, training
from keras_classics.datasets import DataSource
from keras_classics.errors import UserError
from keras_classics.examples import lstm_stateful as ex

# print(x_train[:10]) and print(y_train[:10]) in the seed.
SEED_X = [-0.08453234, 0.02169589, 0.07949955, 0.00898136, 0.0405444,
          -0.0227726, 0.03033169, 0.03801032, 0.04372695, 0.03803725]  # fmt: skip
SEED_Y = [-0.03537864, -0.03141822, 0.05059772, 0.04424045, 0.02476288,
          0.0088859, 0.00377955, 0.03417101, 0.04086864, 0.0408821]  # fmt: skip


def test_both_models_have_the_seeds_parameter_count():
    models = ex.summary_models(ex.Config())
    assert set(models) == {"stateful", "stateless"}
    for model in models.values():
        assert model.count_params() == 1_781
        assert [layer.count_params() for layer in model.layers] == [1760, 21]
        assert model.outputs[0].shape == (1, 1)  # the batch size is part of the shape


def test_data_is_the_seeds():
    data = ex.load_data(ex.Config(), DataSource())
    (x_train, y_train), (x_test, y_test) = data.train, data.test
    assert x_train.shape == (800, 1, 1) and y_train.shape == (800, 1)
    assert x_test.shape == (200, 1, 1) and y_test.shape == (200, 1)
    np.testing.assert_allclose(x_train[:10, 0, 0], SEED_X, atol=5e-9)
    np.testing.assert_allclose(y_train[:10, 0], SEED_Y, atol=5e-9)
    # The target is the mean of the current and the previous input, across the split too.
    np.testing.assert_allclose(y_test[0, 0], (x_train[-1, 0, 0] + x_test[0, 0, 0]) / 2)


def test_moving_average_and_windows_are_exact():
    values = np.array([1.0, 2, 3, 4, 5])
    # The original's comment: tsteps=2 and input=[1, 2, 3, 4, 5] -> output=[1.5, 2.5, 3.5, 4.5]
    np.testing.assert_array_equal(ex.rolling_mean(values, 2)[1:], [1.5, 2.5, 3.5, 4.5])
    assert np.isnan(ex.rolling_mean(values, 2)[0])
    np.testing.assert_array_equal(ex.rolling_mean(values, 3)[2:], [2, 3, 4])
    windows = ex.rolling_windows(values, 3)  # oldest first
    np.testing.assert_array_equal(windows[2:], [[1, 2, 3], [2, 3, 4], [3, 4, 5]])
    x, y, dropped = ex.make_series(ex.Config(input_len=50, lahead=3, tsteps=2))
    assert x.shape == (50, 3, 1) and not np.isnan(x).any() and not np.isnan(y).any()
    np.testing.assert_allclose(y[:, 0], (x[:, -1, 0] + x[:, -2, 0]) / 2)
    assert len(dropped) == 2


def test_stateful_layout_continues_each_sample_in_the_next_batch():
    order = ex.stateful_order(12, 3)
    assert order.tolist() == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]
    for batch_size in (1, 2, 4, 5):
        order = ex.stateful_order(40, batch_size)
        assert sorted(order.tolist()) == list(range(40))
        batches = order.reshape(-1, batch_size)
        # Sample i of batch k + 1 is the time step right after sample i of batch k.
        np.testing.assert_array_equal(batches[1:], batches[:-1] + 1)
    mask = ex.predictable_mask(12, 3, tsteps=2)
    assert mask.tolist() == [False, True, True, True] * 3


def test_split_trims_both_parts_to_whole_batches():
    data = ex.load_data(ex.Config(batch_size=7), DataSource())
    assert len(data.train[0]) == 798 and len(data.test[0]) == 196
    assert len(data.train[0]) % 7 == 0 and len(data.test[0]) % 7 == 0


def _streams_model(config):
    """A stateless LSTM with return_sequences: the reference for a state carried over."""
    return keras.Sequential(
        [
            keras.Input((None, 1)),
            keras.layers.LSTM(config.units, return_sequences=True),
            keras.layers.Dense(1),
        ]
    )


def test_state_carries_from_batch_to_batch_in_predict_and_fit():
    config = ex.Config(batch_size=3, units=4)
    model = ex.create_model(config, stateful=True)
    series = np.random.default_rng(0).uniform(-1, 1, (15, 1, 1)).astype("float32")
    laid_out = model.predict(series[ex.stateful_order(15, 3)], batch_size=3, verbose=0)
    reference = _streams_model(config)
    reference.set_weights(model.get_weights())
    # Each of the 3 streams of 5 steps as one sequence: what a carried state must give.
    streams = reference.predict(series.reshape(3, 5, 1), verbose=0)  # (3, 5, 1)
    np.testing.assert_allclose(laid_out.reshape(5, 3), streams[:, :, 0].T, atol=1e-5)

    lstm = model.get_layer("lstm")
    ex.reset_states(model)
    assert all(not keras.ops.convert_to_numpy(s).any() for s in lstm.states)
    stateless = ex.create_model(config, stateful=False)
    for trained in (model, stateless):
        before = [w.copy() for w in trained.get_weights()]
        trained.fit(series[:6], series[:6, 0], batch_size=3, epochs=1, shuffle=False, verbose=0)
        changed = [
            not np.array_equal(b, a) for b, a in zip(before, trained.get_weights(), strict=True)
        ]
        # kernel, recurrent kernel, bias, dense kernel, dense bias. With one step per sample
        # the recurrent kernel only gets a gradient from a non-zero initial state: the second
        # batch starts from the first batch's state only in the stateful model.
        assert changed == [True, trained is model, True, True, True]
    assert all(keras.ops.convert_to_numpy(s).any() for s in lstm.states)  # kept after fit
    assert model.count_params() == 4 * (4 * (1 + 4) + 4) + 5  # states are not parameters


def test_tiny_training_separates_stateful_from_stateless(tmp_path):
    config = config_lib.resolve(ex.Config, ex.PRESETS, "tiny")
    training.seed_everything(config.seed)
    data = ex.load_data(config, DataSource(kind="synthetic"))
    run = runs.Run.create(tmp_path, "lstm_stateful")
    final = ex.train(config, data, run)
    last = run.read_metrics()[-1]
    assert float(last["stateful_loss"]) < 0.8 * float(last["stateless_loss"])
    # A stateless LSTM sees only x_t: it cannot beat predicting x_t / 2. The stateful one can.
    assert final["test_stateless_mse"] > 0.9 * final["test_half_input_mse"]
    assert final["test_stateful_mse"] < 0.85 * final["test_half_input_mse"]
    artifacts = {p.name for p in run.artifacts.iterdir()}
    assert artifacts == {"input.png", "predictions.png", training.CURVES_FILE}


@pytest.mark.parametrize(
    "overrides",
    [{"tsteps": 0}, {"train_ratio": 1.5}, {"input_len": 10, "batch_size": 8}],
)
def test_bad_settings_are_user_errors(overrides):
    with pytest.raises(UserError):
        ex.Config(**overrides).check()


def test_explain_shows_the_seeds_numbers():
    text = "\n".join(section.body for section in explain(ex, ex.Config(), DataSource()))
    assert "-0.08453234" in text and "-0.03537864" in text
    assert "x_train.shape: (800, 1, 1)" in text and "y_test.shape: (200, 1)" in text
    assert "STATELESS LSTM WILL NOT CONVERGE" in text
    assert text.count("total 1,781") == 2

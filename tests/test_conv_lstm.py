"""conv_lstm: the seed's counts, the original's movie generator (next frame, squares, noise),
the causal last convolution, BatchNormalization's recalibrated statistics, the frame-by-frame
prediction demo and its PNG and GIF, and a model that predicts motion."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import pytest

from conftest import explain
from keras_classics import batch_norm, config, training
from keras_classics.datasets import DataSource
from keras_classics.examples import conv_lstm
from keras_classics.explaining import parameter_line
from keras_classics.walkthroughs import conv_lstm as walkthrough


def test_counts_equal_the_seed_and_adadelta_is_at_keras2_rate():
    model = conv_lstm.build_model(conv_lstm.Config())
    assert parameter_line(model) == (
        "conv_lstm: total 407,001 | trainable 406,681 | non-trainable 320"
    )
    assert [layer.count_params() for layer in model.layers] == [
        59_200, 160, 115_360, 160, 115_360, 160, 115_360, 160, 1_081,
    ]  # fmt: skip
    assert tuple(model.layers[-1].output.shape) == (None, None, 40, 40, 1)  # any frame count
    assert type(model.optimizer).__name__ == "Adadelta"
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(1.0)


def test_the_last_convolution_never_sees_the_frame_it_predicts():
    # Output t is trained to be input frame t + 1: the original's Conv3D(padding="same") sees
    # it (keras-io#1003); the causal one, with the same 1,081 parameters, sees frames <= t.
    cfg = config.resolve(conv_lstm.Config, conv_lstm.PRESETS, "tiny")
    movie = np.random.RandomState(0).rand(2, 5, 12, 12, 1).astype("float32")
    changed = movie.copy()
    changed[:, 3:] = 0.0  # frames 3 and 4 differ
    for causal, unchanged in ((True, 3), (False, 2)):
        model = conv_lstm.build_model(
            dataclasses.replace(cfg, causal=causal), conv_lstm.DataSpec(12)
        )
        assert model.layers[-1].count_params() == (3 * 3 * 3 * 4 + 1)
        before = np.asarray(model.predict(movie, verbose=0))
        after = np.asarray(model.predict(changed, verbose=0))
        np.testing.assert_allclose(before[:, :unchanged], after[:, :unchanged], atol=1e-6)
        assert not np.allclose(before[:, unchanged], after[:, unchanged], atol=1e-6)


def test_recalibrated_statistics_make_inference_equal_the_training_step():
    # Keras' moving averages start at variance 1.0 and keep 0.99**steps of it; recalibrated,
    # inference normalises exactly as a training step on the same batch does.
    cfg = config.resolve(conv_lstm.Config, conv_lstm.PRESETS, "tiny")
    model = conv_lstm.build_model(cfg, conv_lstm.DataSpec(12))
    movies, _ = conv_lstm.make_movies(cfg)
    batch = movies[:4]
    training_step = keras.ops.convert_to_numpy(model(batch, training=True))
    assert not np.allclose(np.asarray(model.predict(batch, verbose=0)), training_step, atol=1e-3)
    batch_norm.recalibrate(model, [batch])
    np.testing.assert_allclose(model.predict(batch, verbose=0), training_step, atol=1e-4)


def _norms(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]


def test_fit_recalibrates_the_statistics_after_every_epoch():
    cfg = config.resolve(conv_lstm.Config, conv_lstm.PRESETS, "tiny")
    data = conv_lstm.load_data(cfg, DataSource())
    x, y = data.train
    for recalibrate in (True, False):
        model = conv_lstm.build_model(cfg, data.spec)
        callbacks = [batch_norm.Recalibrate(x, 4, batches=2)] if recalibrate else []
        training.fit(model, None, x, y, epochs=2, batch_size=4, seed=1, callbacks=callbacks)
        variances = [np.asarray(layer.moving_variance).copy() for layer in _norms(model)]
        if not recalibrate:  # 6 steps: 0.99**6 = 94% of the starting 1.0 is left
            assert min(v.min() for v in variances) > 0.9
            continue
        batch_norm.recalibrate(model, [x[:4], x[4:8]])  # the same weights, the same movies
        for before, layer in zip(variances, _norms(model), strict=True):
            np.testing.assert_allclose(before, layer.moving_variance, rtol=1e-4, atol=1e-7)
        assert max(v.max() for v in variances) < 0.9


def test_rollout_errors_against_the_motionless_baselines():
    # One 2x2 square moving right by a pixel a frame on a 6x6 frame; 2 frames fed, 2 predicted.
    noisy = np.zeros((1, 4, 6, 6, 1))
    for t in range(4):
        noisy[0, t, 2:4, t : t + 2] = 1
    shifted = np.concatenate([noisy[:, 1:], np.zeros((1, 1, 6, 6, 1))], axis=1)
    shifted[0, 3, 2:4, 4:6] = 1
    perfect = noisy.copy()  # frames 2 and 3 predicted exactly
    errors = conv_lstm.rollout_errors(perfect, noisy, shifted, np.full((6, 6, 1), 0.5), fed=2)
    assert errors[""] == 0.0
    # Repeating frame 2 (columns 1-2): frame 3 shares 2 pixels, frame 4 none -> 4 + 8 of 72.
    assert errors["_repeat_last"] == pytest.approx(12 / 72)
    assert errors["_mean_frame"] == pytest.approx(0.5)


def test_movies_have_the_originals_shapes_and_range():
    noisy, shifted = conv_lstm.generate_movies(12, 15, 40, True, np.random.RandomState(1))
    assert noisy.shape == shifted.shape == (12, 15, 40, 40, 1)
    assert noisy.max() <= 1 and shifted.max() <= 1
    assert set(np.unique(shifted)) <= {0.0, 1.0}
    assert np.isclose(noisy, 0.1).any() or np.isclose(noisy, 0.9).any()  # the +-0.1 borders


def test_shifted_movies_are_noisy_movies_one_frame_later():
    # The walkthrough's check (noise switched off): frame i of noisy is frame i-1 of shifted.
    noisy, shifted = conv_lstm.generate_movies(30, 15, 40, False, np.random.RandomState(7))
    np.testing.assert_array_equal(shifted[:, :-1], noisy[:, 1:])
    checks = walkthrough.next_frame_check(movies=5)
    assert [k for k, _ in checks] == list(range(5))
    assert all(values == [True] * 13 for _, values in checks)  # i = 1 .. 13, as printed
    # With the noise on, the same holds once the faint borders are rounded away.
    noisy, shifted = conv_lstm.generate_movies(30, 15, 40, True, np.random.RandomState(7))
    assert not np.array_equal(shifted[:, :-1], noisy[:, 1:])
    assert np.abs(shifted[:, :-1] - noisy[:, 1:]).max() <= 0.7 + 1e-9  # at most 7 borders


class ScriptedRandom:
    """Stands in for NumPy's generator: returns the given numbers in order."""

    def __init__(self, numbers):
        self.numbers = list(numbers)

    def randint(self, low, high):
        value = self.numbers.pop(0)
        assert low <= value < high
        return value


def test_squares_are_4x4_or_6x6_and_move_one_pixel_per_frame():
    # 3 squares; the first at (30, 25), direction (+1, -1), w=2; two more standing still far
    # away at the canvas corner (20, 20) with w=3; noise draws: none (0) on every frame.
    square = [30, 25, 2, 0, 2]  # x, y, direction x + 1, direction y + 1, w
    still = [20, 20, 1, 1, 3]
    numbers = [3, *square, *[0] * 4, *still, *[0] * 4, *still, *[0] * 4]
    noisy, shifted = conv_lstm.generate_movies(1, 4, 40, True, ScriptedRandom(numbers))
    frame0 = noisy[0, 0, :, :, 0]
    # First square: rows 28..31, columns 23..26 of the canvas = 8..11, 3..6 of the window.
    assert frame0[8:12, 3:7].min() == 1 and frame0[8:12, 3:7].sum() == 16
    # The still squares (w=3) cover canvas 17..22 = window 0..2 (cropped): 3x3 visible.
    assert frame0[0:3, 0:3].min() == 1 and frame0.sum() == 16 + 9
    frame3 = noisy[0, 3, :, :, 0]
    assert frame3[11:15, 0:4].min() == 1 and frame3[11:15, 0:4].sum() == 16  # moved (+3, -3)
    np.testing.assert_array_equal(shifted[0, 2], noisy[0, 3])


class Echo:
    """A 'model' whose prediction of the next frame is the last frame plus one."""

    def predict(self, x, batch_size=None, verbose=0):
        return x + 1


def test_prediction_feeds_its_own_frames_back_and_truth_is_the_originals():
    movie = np.zeros((15, 4, 4, 1), dtype=np.float32)
    track = conv_lstm.predict_track(Echo(), movie, fed=7, total=15)
    assert track.shape == (15, 4, 4, 1)
    assert [float(frame.max()) for frame in track] == [0.0] * 7 + [float(i) for i in range(1, 9)]
    noisy = np.arange(3 * 5).reshape(3, 5, 1, 1, 1).astype(float)
    shifted = noisy + 100
    truth = conv_lstm.ground_truth((noisy, shifted), 2)
    # Frames 0 and 1 from noisy_movies, then shifted_movies[which][i - 1] (original's plot).
    assert truth[:, 0, 0, 0].tolist() == [10, 11, 111, 112, 113]


def test_demo_writes_the_prediction_png_and_gif(tmp_path, capsys):
    from PIL import Image

    from keras_classics.runs import Run

    cfg = config.resolve(conv_lstm.Config, conv_lstm.PRESETS, "tiny")
    run = Run.create(tmp_path, "conv_lstm")
    track = conv_lstm.predict_and_show(cfg, Echo(), conv_lstm.make_movies(cfg), run)
    assert track.shape == (cfg.n_frames, cfg.frame_size, cfg.frame_size, 1)
    assert f"movie {cfg.which}: mean |prediction - truth|" in capsys.readouterr().out
    png = Image.open(run.artifacts / f"prediction_{cfg.which}.png")
    gif = Image.open(run.artifacts / f"prediction_{cfg.which}.gif")
    assert png.size[0] > png.size[1] > 100  # one column per frame, two rows
    assert gif.n_frames == cfg.n_frames
    # Readable: at least 320 pixels across, the two movies side by side under an 18-pixel label.
    scale = gif.size[0] // (2 * cfg.frame_size + 2)
    assert gif.size == (scale * (2 * cfg.frame_size + 2), scale * cfg.frame_size + 18)
    assert gif.size[0] >= 320


def test_explain_prints_the_seeds_check_as_the_seed_prints_it():
    sections = list(explain(conv_lstm, conv_lstm.Config(), DataSource()))
    assert "conv_lstm: total 407,001 | trainable 406,681 | non-trainable 320" in sections[0].body
    assert "(1200, 15, 40, 40, 1)" in sections[1].body
    lines = sections[2].body.splitlines()
    start = lines.index("0")  # print(k), then 13 checks for frames 1..13, then the next movie
    assert lines[start + 1 : start + 14] == ["True"] * 13 and lines[start + 14] == "1"
    assert lines[-1] == "... (1300 checks over 100 movies, all True: True)"

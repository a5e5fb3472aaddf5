"""cifar10_cnn: the seed's parameter count, the decay schedule, and the augmentation that
replaces ImageDataGenerator (checked against scipy.ndimage, which ImageDataGenerator called)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from conftest import explain
from keras_classics import config, training
from keras_classics.examples import cifar10_cnn
from keras_classics.examples.families import cifar10
from keras_classics.explaining import parameter_line


def test_parameter_count_equals_the_seed():
    model = cifar10_cnn.build_model(cifar10_cnn.Config())
    assert parameter_line(model).endswith("total 1,250,858 | trainable 1,250,858 | non-trainable 0")
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.count_params() for layer in dense] == [1_180_160, 5_130]
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert (30, 30, 32) in shapes and (6, 6, 64) in shapes and (2304,) in shapes
    # Turning augmentation off changes the data pipeline only, never the network.
    off = cifar10_cnn.build_model(cifar10_cnn.Config(data_augmentation=False))
    assert off.count_params() == 1_250_858


def test_rmsprop_decay_is_reproduced_by_a_schedule():
    model = cifar10_cnn.build_model(cifar10_cnn.Config())
    assert type(model.optimizer).__name__ == "RMSprop"
    schedule = model.optimizer._learning_rate  # the schedule, evaluated per step
    for step, expected in ((0, 1e-4), (1, 1e-4 / (1 + 1e-6)), (10**6, 0.5e-4)):
        value = float(keras.ops.convert_to_numpy(schedule(step)))
        assert value == pytest.approx(expected, rel=1e-6)


def test_shift_matches_scipy_ndimage_as_image_data_generator_used_it():
    ndimage = pytest.importorskip("scipy.ndimage")
    rng = np.random.default_rng(0)
    images = rng.random((4, 32, 32, 3)).astype(np.float32)
    dy, dx = rng.uniform(-3.2, 3.2, 4), rng.uniform(-3.2, 3.2, 4)
    ours = cifar10.shift_along(cifar10.shift_along(images, dy, 1), dx, 2)
    # ImageDataGenerator: scipy.ndimage affine_transform, order=1 (bilinear), mode='nearest'.
    expected = np.stack(
        [ndimage.shift(images[i], (-dy[i], -dx[i], 0), order=1, mode="nearest") for i in range(4)]
    )
    np.testing.assert_allclose(ours, expected, atol=1e-6)


def test_integer_shift_repeats_the_edge_and_flip_mirrors():
    image = np.arange(32 * 32, dtype=np.float32).reshape(1, 32, 32, 1)
    shifted = cifar10.shift_along(image, np.array([3.0]), axis=2)
    np.testing.assert_array_equal(shifted[0, :, :29], image[0, :, 3:])
    np.testing.assert_array_equal(shifted[0, :, 29:], np.repeat(image[0, :, 31:], 3, axis=1))
    rng = np.random.default_rng(3)
    out = cifar10.shift_flip(np.repeat(image, 64, axis=0), rng, 0.0, 0.0, True)
    flipped = [np.array_equal(o, image[0, :, ::-1]) for o in out]
    unchanged = [np.array_equal(o, image[0]) for o in out]
    assert all(f or u for f, u in zip(flipped, unchanged, strict=True))
    assert 16 < sum(flipped) < 48  # about half


def test_augmented_batches_are_fresh_bounded_and_reproducible():
    images = np.random.default_rng(1).random((40, 32, 32, 3)).astype(np.float32)
    augmented = cifar10.ShiftFlip(images, seed=5)
    assert len(augmented) == 40
    index = np.array([3, 1, 4, 15, 9])
    first, again = augmented[index], augmented[index]
    np.testing.assert_array_equal(first, again)  # fixed by (seed, sample numbers)
    assert first.shape == (5, 32, 32, 3) and first.dtype == np.float32
    assert not np.array_equal(first, images[index])
    # Sample 3 in another batch (another epoch's order) is shifted differently.
    assert not np.array_equal(first[0], augmented[np.array([3, 1, 4, 15, 8])][0])
    assert not np.array_equal(first, cifar10.ShiftFlip(images, seed=6)[index])
    assert first.min() >= images.min() and first.max() <= images.max()  # interpolation only
    batches = training.EpochBatches(augmented, np.zeros(40), batch_size=8, seed=0)
    x, y = batches[0]
    assert x.shape == (8, 32, 32, 3) and y.shape == (8,)


def test_tiny_preset_is_valid_and_small():
    cfg = config.resolve(cifar10_cnn.Config, cifar10_cnn.PRESETS, "tiny")
    assert cfg.epochs >= 2 and cfg.train_samples % cfg.batch_size == 0
    assert cifar10_cnn.build_model(cfg).count_params() < 200_000
    with pytest.raises(Exception, match="filters"):
        config.resolve(cifar10_cnn.Config, {}, None, ["filters=3"])


def test_explain_shows_the_seeds_shapes_count_and_the_augmentation():
    from keras_classics.datasets import DataSource

    sections = list(explain(cifar10_cnn, cifar10_cnn.Config(), DataSource(kind="synthetic")))
    text = "\n".join(section.body for section in sections)
    # The seed: x_train.shape (50000, 32, 32, 3), y_train.shape (50000, 10); the twin has 1000.
    assert "x_train.shape (1000, 32, 32, 3)\ny_train.shape (1000, 10)" in text
    assert "cifar10_cnn: total 1,250,858 | trainable 1,250,858 | non-trainable 0" in text
    shifts = [line for line in text.splitlines() if line.startswith("image ")]
    assert len(shifts) == 6
    for line in shifts:  # at most 10% of 32 pixels, and every augmented image differs
        rows, columns = (float(line.split(word)[1].split()[0]) for word in ("rows", "columns"))
        assert abs(rows) <= 3.2 and abs(columns) <= 3.2
        assert float(line.rsplit(" ", 1)[1]) > 0

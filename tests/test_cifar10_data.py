"""CIFAR-10 loading: a small archive built here in the original pickle format, the extracted
folder, the Keras cache layouts, damaged and tampered files, offline messages, the twin."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import tarfile
from pathlib import Path

import numpy as np
import pytest

from keras_classics.datasets import DataSource, cache, cifar10, cifar10_synthetic
from keras_classics.errors import DataError

pytestmark = pytest.mark.backend_free  # numpy and files only: run in the jax pass

PER_BATCH = 6  # images per fake batch (the real ones hold 10000)


def fake_batch(seed: int, count: int = PER_BATCH) -> tuple[bytes, np.ndarray, np.ndarray]:
    """A batch as the Toronto files hold it: a pickled dict with bytes keys, b'data' (N, 3072)
    uint8 in channel-major order, b'labels' a list of ints; protocol 2 like Python 2's cPickle."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (count, 32, 32, 3), dtype=np.uint8)
    labels = rng.integers(0, 10, count)
    batch = {
        b"batch_label": f"batch {seed}".encode(),
        b"labels": [int(v) for v in labels],
        b"data": images.transpose(0, 3, 1, 2).reshape(count, 3072),
        b"filenames": [f"img_{seed}_{i}.png".encode() for i in range(count)],
    }
    return pickle.dumps(batch, protocol=2), images, labels


def fake_files() -> tuple[dict[str, bytes], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    files, train_x, train_y = {}, [], []
    for i, name in enumerate(cifar10.BATCHES):
        files[name], images, labels = fake_batch(i)
        train_x.append(images)
        train_y.append(labels)
    files[cifar10.TEST_BATCH], test_x, test_y = fake_batch(99)
    return files, np.concatenate(train_x), np.concatenate(train_y), test_x, test_y


def write_archive(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, raw in files.items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
    return path


def write_folder(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True)
    for name, raw in files.items():
        (folder / name).write_bytes(raw)
    return folder


def check_arrays(arrays, train_x, train_y, test_x, test_y) -> None:
    (x_train, y_train), (x_test, y_test) = arrays
    assert x_train.shape == (5 * PER_BATCH, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (5 * PER_BATCH, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (PER_BATCH, 32, 32, 3) and y_test.shape == (PER_BATCH, 1)
    # channels_last, exactly the pixels that went in, batches in order 1..5
    np.testing.assert_array_equal(x_train, train_x)
    np.testing.assert_array_equal(y_train[:, 0], train_y)
    np.testing.assert_array_equal(x_test, test_x)
    np.testing.assert_array_equal(y_test[:, 0], test_y)


def test_reads_the_archive_without_extracting(tmp_path):
    files, *expected = fake_files()
    archive = write_archive(tmp_path / "cifar-10-python.tar.gz", files)
    check_arrays(cifar10.read_archive(archive), *expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cifar-10-python.tar.gz"]


def test_extracted_folder_in_data_dir_or_given_directly(tmp_path):
    files, *expected = fake_files()
    write_folder(tmp_path / "cifar-10-batches-py", files)
    check_arrays(cifar10.load(DataSource(data_dir=tmp_path, offline=True)), *expected)
    direct = DataSource(data_dir=tmp_path / "cifar-10-batches-py", offline=True)
    check_arrays(cifar10.load(direct), *expected)


@pytest.mark.parametrize(
    "layout", ["cifar-10-batches-py-target/cifar-10-batches-py", "cifar-10-batches-py"]
)
def test_keras_3_and_keras_2_cache_layouts(layout, tmp_path, monkeypatch):
    files, *expected = fake_files()
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    write_folder(home / "datasets" / layout, files)
    check_arrays(cifar10.load(DataSource(offline=True)), *expected)


def test_verified_archive_in_the_cache_is_read(tmp_path, monkeypatch):
    files, *expected = fake_files()
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    (home / "datasets").mkdir(parents=True)
    archive = write_archive(home / "datasets" / "cifar-10-python.tar.gz", files)
    # Our fake cannot have the real sha256: give the loader the fake's hash instead.
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    remote = dataclasses.replace(cifar10.ARCHIVE, file_hash=digest)
    monkeypatch.setattr(cifar10, "CACHED_ARCHIVES", (remote,))
    check_arrays(cifar10.load(DataSource(offline=True)), *expected)


def test_archive_with_a_wrong_hash_is_reported_as_corrupt(tmp_path):
    files, *_ = fake_files()
    write_archive(tmp_path / "cifar-10-python.tar.gz", files)
    with pytest.raises(DataError, match="corrupt or truncated") as caught:
        cifar10.load(DataSource(data_dir=tmp_path, offline=True))
    assert cifar10.SHA256 in str(caught.value) and "\n" not in str(caught.value)


def test_truncated_archive_and_truncated_batch(tmp_path):
    files, *_ = fake_files()
    archive = write_archive(tmp_path / "full.tar.gz", files)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(DataError, match="not a readable tar.gz"):
        cifar10.read_archive(cut)
    files["data_batch_3"] = files["data_batch_3"][:-100]
    folder = write_folder(tmp_path / "cifar-10-batches-py", files)
    with pytest.raises(DataError, match="data_batch_3 is not a readable CIFAR-10 batch"):
        cifar10.read_folder(folder)


def test_missing_batch_and_foreign_pickle(tmp_path):
    files, *_ = fake_files()
    del files["test_batch"]
    with pytest.raises(DataError, match="test_batch is missing"):
        cifar10.read_archive(write_archive(tmp_path / "a.tar.gz", files))
    raw = pickle.dumps({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}, protocol=2)
    with pytest.raises(DataError, match="expected data"):
        cifar10.parse_batch(raw, "odd_batch")


class _Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_a_tampered_pickle_cannot_run_code(tmp_path):
    raw = pickle.dumps({b"data": _Exploit(), b"labels": []}, protocol=2)
    with pytest.raises(DataError, match="refusing to load") as caught:
        cifar10.parse_batch(raw, "data_batch_1")
    assert "\n" not in str(caught.value)


def test_missing_offline_names_file_url_hash_and_remedy(tmp_path):
    with pytest.raises(DataError) as caught:
        cifar10.load(DataSource(data_dir=tmp_path, offline=True))
    message = str(caught.value)
    assert "cifar-10-python.tar.gz" in message and cifar10.ORIGIN in message
    assert cifar10.SHA256 in message and "--data synthetic" in message
    assert str(tmp_path) in message and "\n" not in message
    assert cifar10.ARCHIVE.origin == "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"


def test_catalog_lists_the_archive():
    from keras_classics.datasets import catalog

    rows = [row for row in catalog.status(DataSource(offline=True)) if row["dataset"] == "cifar10"]
    assert [row["file"] for row in rows] == ["cifar-10-python.tar.gz"]
    assert cache.describe(cifar10.ARCHIVE).startswith("cifar-10-python.tar.gz")


def test_synthetic_twin_shapes_determinism_and_classes():
    (x_train, y_train), (x_test, y_test) = cifar10.load(DataSource(kind="synthetic"), 300, 50)
    assert x_train.shape == (300, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (300, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (50, 32, 32, 3) and y_test.shape == (50, 1)
    assert set(np.unique(y_train)) == set(range(10))
    (again, _), _ = cifar10_synthetic.synthetic(300, 50)
    np.testing.assert_array_equal(x_train, again)
    assert not np.array_equal(x_train[:50], x_test)  # train and test are drawn apart
    assert x_train.std() > 30  # colourful, not blank


def test_every_synthetic_shape_is_symmetric_under_a_horizontal_flip():
    # The original's augmentation flips images left-right: the label must stay true.
    grid = np.linspace(-1.2, 1.2, 49, dtype=np.float32)
    v, u = np.meshgrid(grid, grid, indexing="ij")
    masks = [cifar10_synthetic.shape_mask(kind, u, v) for kind in range(10)]
    for kind, mask in enumerate(masks):
        assert mask.any(), cifar10.SYNTHETIC_CLASS_NAMES[kind]
        np.testing.assert_array_equal(mask, mask[:, ::-1])
    # ... and the ten shapes are all different.
    assert len({mask.tobytes() for mask in masks}) == 10

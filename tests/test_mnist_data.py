"""MNIST / Fashion-MNIST loading: IDX files, npz, hashes, offline messages, the synthetic twin."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from keras_classics.datasets import DataSource, cache, mnist, synthetic_digits
from keras_classics.datasets.idx import read_idx
from keras_classics.errors import DataError, MissingDataError

pytestmark = pytest.mark.backend_free  # numpy and files only: run in the jax pass


def test_reads_the_real_idx_files(shared_data):
    images = read_idx(shared_data / "mnist" / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(shared_data / "mnist" / "t10k-labels-idx1-ubyte.gz")
    train_labels = read_idx(shared_data / "mnist" / "train-labels-idx1-ubyte.gz")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and train_labels.shape == (60000,)
    # Well-known facts of MNIST: the first test digit is a 7; 1,135 test ones; 6,742 training ones.
    assert labels[0] == 7 and (labels == 1).sum() == 1135 and (train_labels == 1).sum() == 6742
    assert images.max() == 255 and images[0].sum() > 0


def test_truncated_and_foreign_files_are_reported(tmp_path, shared_data):
    source = shared_data / "mnist" / "t10k-labels-idx1-ubyte.gz"
    cut = tmp_path / "cut.gz"
    cut.write_bytes(source.read_bytes()[:2000])
    with pytest.raises(DataError, match="not a readable gzip"):
        read_idx(cut)
    short = tmp_path / "short-idx1-ubyte"
    short.write_bytes(gzip.decompress(source.read_bytes())[:-10])
    with pytest.raises(DataError, match="truncated"):
        read_idx(short)
    text = tmp_path / "notes.txt"
    text.write_text("hello world")
    with pytest.raises(DataError, match="bad magic"):
        read_idx(text)


def idx_files(shared_data, folder):
    """`folder` with the four IDX files of MNIST. Only the test split exists in shared/: it stands
    in for the training split too."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in mnist.IDX_NAMES:
        shutil.copy(shared_data / "mnist" / name.replace("train-", "t10k-"), folder / name)
    return folder


def test_an_idx_folder_in_data_dir_is_used(tmp_path, shared_data):
    idx_files(shared_data, tmp_path)
    (x_train, y_train), (x_test, y_test) = mnist.load("mnist", DataSource(data_dir=tmp_path))
    assert x_train.shape == (10000, 28, 28) and y_test[0] == 7


def test_locate_offers_an_idx_folder_in_data_dir_as_unpacked(tmp_path, shared_data):
    folder = idx_files(shared_data, tmp_path / "mnist")
    source = DataSource(data_dir=tmp_path, offline=True)
    (where,) = mnist.locate(source, "mnist")
    assert where.remote == mnist.MNIST_NPZ and where.path is None and where.unpacked == folder
    # The loader reads the folder locate offered: no npz needed, even offline.
    (x_train, _), (_, y_test) = mnist.load("mnist", source)
    assert x_train.shape == (10000, 28, 28) and y_test[0] == 7


def test_locate_finds_the_npz_that_the_loader_then_checks(tmp_path):
    source = DataSource(data_dir=tmp_path, offline=True)
    (missing,) = mnist.locate(source)
    assert missing.path is None and missing.unpacked is None
    assert missing.looked_in[:2] == (tmp_path / "mnist.npz", tmp_path / "mnist" / "mnist.npz")
    npz = tmp_path / "mnist" / "mnist.npz"
    npz.parent.mkdir()
    npz.write_bytes(b"PK\x03\x04 not really a zip")
    (found,) = mnist.locate(source)
    assert found.path == npz and found.unpacked is None and found.check(found.remote, npz) is False
    with pytest.raises(DataError, match="corrupt or truncated") as caught:
        mnist.load("mnist", source)
    assert str(npz) in str(caught.value)


def test_locate_fashion_mnist_from_data_dir_then_debian(tmp_path, shared_data, monkeypatch):
    names = [remote.fname for remote in mnist.FASHION_FILES]
    folder = idx_files(shared_data, tmp_path / "data" / "fashion-mnist")
    in_data_dir = mnist.locate(DataSource(data_dir=folder.parent, offline=True), "fashion_mnist")
    assert [where.remote.fname for where in in_data_dir] == names
    assert all(where.unpacked == folder for where in in_data_dir)
    assert [where.path for where in in_data_dir] == [folder / name for name in names]
    # Not in --data-dir nor in the (empty) Keras cache: Debian's package folder stands in.
    debian = idx_files(shared_data, tmp_path / "debian")
    monkeypatch.setattr(mnist, "DEBIAN_FASHION_DIR", debian)
    from_debian = mnist.locate(DataSource(offline=True), "fashion_mnist")
    assert all(where.unpacked == debian and where.path is None for where in from_debian)
    (x_train, _), (x_test, _) = mnist.load("fashion_mnist", DataSource(offline=True), 0, 20)
    assert x_train.shape == (10000, 28, 28) and x_test.shape == (20, 28, 28)
    # Nowhere at all: nothing unpacked, and the loader names the first missing file.
    monkeypatch.setattr(mnist, "DEBIAN_FASHION_DIR", tmp_path / "absent")
    nowhere = mnist.locate(DataSource(offline=True), "fashion_mnist")
    assert all(where.unpacked is None and where.path is None for where in nowhere)
    with pytest.raises(DataError, match=names[0]):
        mnist.load("fashion_mnist", DataSource(offline=True))


def test_counts_mean_the_first_n_of_real_and_synthetic_data(tmp_path, shared_data):
    source = DataSource(data_dir=idx_files(shared_data, tmp_path), offline=True)
    (x_all, y_all), (x_test_all, y_test_all) = mnist.load("mnist", source)
    (x, y), (x_test, y_test) = mnist.load("mnist", source, 100, 30)
    assert x.shape == (100, 28, 28) and x_test.shape == (30, 28, 28)
    for cut, whole in ((x, x_all), (y, y_all), (x_test, x_test_all), (y_test, y_test_all)):
        np.testing.assert_array_equal(cut, whole[: len(cut)])
    (x, y), (x_test, y_test) = mnist.load("mnist", source, 100)  # 0: all of the test split
    assert len(x) == len(y) == 100 and len(x_test) == len(y_test) == 10000
    (x, y), (x_test, y_test) = mnist.load("fashion_mnist", DataSource(kind="synthetic"), 100, 30)
    assert x.shape == (100, 28, 28) and len(y) == 100 and x_test.shape == (30, 28, 28)


def test_the_test_images_stand_in_for_absent_training_images_for_explain_only(shared_data):
    source = DataSource(data_dir=shared_data, offline=True)  # test files + training labels
    with pytest.raises(MissingDataError, match="lacks train-images-idx3-ubyte.gz"):
        mnist.load("mnist", source)  # what train reads: still an error
    ((x, y), (x_test, y_test)), stand_in = mnist.load_available("mnist", source, 0, 300)
    assert x.shape == (10000, 28, 28) and x_test.shape == (300, 28, 28)
    np.testing.assert_array_equal(x[:300], x_test)  # the test split, in both places
    assert y_test[:3].tolist() == [7, 2, 1]
    assert stand_in == mnist.StandIn(
        shared_data / "mnist", ("train-images-idx3-ubyte.gz",), 60000, 10000
    )
    whole = DataSource(kind="synthetic")  # nothing stands in where nothing is missing
    assert mnist.load_available("mnist", whole, 10, 10)[1] is None


def test_missing_file_offline_names_file_url_hash_and_remedy(tmp_path):
    with pytest.raises(DataError) as caught:
        mnist.load("mnist", DataSource(data_dir=tmp_path, offline=True))
    message = str(caught.value)
    assert "mnist.npz" in message and mnist.MNIST_NPZ.origin in message
    assert mnist.MNIST_NPZ.file_hash in message and "--data synthetic" in message
    assert str(tmp_path) in message and "\n" not in message


def test_corrupt_npz_is_caught_by_its_hash(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match="corrupt or truncated"):
        mnist.load("mnist", DataSource(data_dir=tmp_path, offline=True))


def test_hash_verification_accepts_the_right_file(tmp_path):
    payload = tmp_path / "f.bin"
    payload.write_bytes(b"abc")
    digest = cache.file_digest(payload, "sha256")
    remote = cache.RemoteFile("f.bin", "https://example.invalid/f.bin", digest)
    assert cache.fetch(remote, DataSource(data_dir=tmp_path, offline=True)) == payload


def test_fashion_mnist_from_the_debian_package():
    if mnist.idx_folder(mnist.DEBIAN_FASHION_DIR) is None:
        pytest.skip("Debian's dataset-fashion-mnist is not installed (make test installs it)")
    (x_train, y_train), (x_test, y_test) = mnist.load("fashion_mnist", DataSource(offline=True))
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert sorted(np.unique(y_train)) == list(range(10))


def test_synthetic_twin_has_mnist_shapes_and_is_seeded():
    (x_train, y_train), (x_test, y_test) = synthetic_digits.load(train_count=300, test_count=100)
    assert (
        x_train.shape == (300, 28, 28) and x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    )
    assert x_test.shape == (100, 28, 28) and set(np.unique(y_train)) == set(range(10))
    again = synthetic_digits.load(train_count=300, test_count=100)[0][0]
    assert np.array_equal(x_train, again)
    # Digits are strokes on black, like MNIST: mostly dark, some bright pixels.
    assert 10 < x_train.mean() < 80 and x_train.max() > 200
    # Train and test are different draws.
    assert not np.array_equal(x_train[:100], x_test)

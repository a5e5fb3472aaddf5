"""MNIST and Fashion-MNIST: (x_train (60000, 28, 28) uint8, y_train (60000,) uint8), test 10000.

Real data: Keras' `mnist.npz` (same URL and sha256 as `keras.datasets.mnist`), or the four
original IDX files in `--data-dir`; Fashion-MNIST from the Keras cache or from Debian's
`dataset-fashion-mnist` package. Synthetic: rendered digits (see `synthetic_digits`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from keras_classics.datasets import cache, synthetic_digits
from keras_classics.datasets.idx import read_idx
from keras_classics.datasets.source import DataSource
from keras_classics.errors import DataError, UserError

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

MNIST_NPZ = cache.RemoteFile(
    fname="mnist.npz",
    origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    description="MNIST handwritten digits, 60000 train / 10000 test",
    folder="mnist",
)
FASHION_BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
# Keras publishes no hash for these (its loader passes none); the IDX parser catches damage.
FASHION_FILES = tuple(
    cache.RemoteFile(
        fname=name,
        origin=FASHION_BASE + name,
        file_hash=None,
        cache_subdir="datasets/fashion-mnist",
        description="Fashion-MNIST " + name.split("-")[0],
        folder="fashion-mnist",
    )
    for name in (
        "train-labels-idx1-ubyte.gz",
        "train-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
    )
)
# Debian's dataset-fashion-mnist package installs the same four files here.
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
IDX_NAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
DATASETS = ("mnist", "fashion_mnist")
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


def load(dataset: str, source: DataSource, train_count: int = 0, test_count: int = 0) -> Arrays:
    """Loads MNIST or Fashion-MNIST (real or synthetic) as uint8 arrays.

    Args:
        dataset: "mnist" or "fashion_mnist".
        source: real or synthetic, data folder, offline.
        train_count: for synthetic data, how many training images to render (0 = 60000);
            real data always loads whole and the caller slices it.
        test_count: the same for the test split (0 = 10000).

    Raises:
        UserError: unknown dataset name.
        DataError: file missing offline, corrupt or unreadable.
    """
    if dataset not in DATASETS:
        raise UserError(f"unknown dataset {dataset!r}: choose mnist or fashion_mnist")
    if source.synthetic:
        return synthetic_digits.load(
            fashion=dataset != "mnist",
            train_count=train_count or 60000,
            test_count=test_count or 10000,
        )
    if dataset == "mnist":
        idx_dir = next(filter(None, map(idx_folder, source.folders("mnist"))), None)
        if idx_dir is not None:
            return load_idx_folder(idx_dir)
        try:
            return load_npz(cache.fetch(MNIST_NPZ, source))
        except DataError as error:
            raise type(error)(f"{error}{_partial_idx_note(source)}") from None
    return load_fashion(source)


def idx_folder(folder: Path | None) -> Path | None:
    """`folder` if it holds the four IDX files (the original MNIST distribution)."""
    if folder is not None and all((folder / name).is_file() for name in IDX_NAMES):
        return folder
    return None


def _partial_idx_note(source: DataSource) -> str:
    """Names the IDX files missing from a --data-dir folder that holds only some of them."""
    for folder in source.folders("mnist"):
        present = [name for name in IDX_NAMES if (folder / name).is_file()]
        if present:
            missing = ", ".join(name for name in IDX_NAMES if name not in present)
            return f" ({folder} has IDX files but lacks {missing})"
    return ""


def load_idx_folder(folder: Path) -> Arrays:
    """Reads the four IDX files of a folder and checks that they fit together."""
    x_train, y_train, x_test, y_test = (read_idx(folder / name) for name in IDX_NAMES)
    for images, labels, split in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise DataError(
                f"{folder}: {split} images {images.shape} and labels {labels.shape} do not match"
            )
    return (x_train, y_train), (x_test, y_test)


def load_npz(path: Path) -> Arrays:
    """Reads Keras' mnist.npz.

    Raises:
        DataError: if it is not a valid npz with the four arrays.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise DataError(f"{path} is not a valid mnist.npz ({error}); delete it and retry") from None


def load_fashion(source: DataSource) -> Arrays:
    """Fashion-MNIST from --data-dir, the Keras cache, or Debian's package (in that order)."""
    folder = next(filter(None, map(idx_folder, source.folders("fashion-mnist"))), None)
    if folder is None:
        paths = [cache.find(remote, source) for remote in FASHION_FILES]
        if all(paths):
            folder = paths[0].parent
    if folder is None and idx_folder(DEBIAN_FASHION_DIR):
        folder = DEBIAN_FASHION_DIR
    if folder is None:
        paths = [cache.fetch(remote, source) for remote in FASHION_FILES]
        folder = paths[0].parent
    return load_idx_folder(folder)

"""MNIST and Fashion-MNIST: (x_train (60000, 28, 28) uint8, y_train (60000,) uint8), test 10000.

Real data: Keras' `mnist.npz` (same URL and sha256 as `keras.datasets.mnist`), or the four
original IDX files in `--data-dir`; Fashion-MNIST from the Keras cache or from Debian's
`dataset-fashion-mnist` package. Synthetic: rendered digits (see `synthetic_digits`).
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import numpy as np

from keras_classics.datasets import cache, synthetic_digits
from keras_classics.datasets.idx import read_idx
from keras_classics.datasets.source import DataSource, at_most
from keras_classics.errors import DataError, MissingDataError, UserError

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
FOLDERS = {"mnist": "mnist", "fashion_mnist": "fashion-mnist"}  # subfolders of a --data-dir
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


def load(dataset: str, source: DataSource, train_count: int = 0, test_count: int = 0) -> Arrays:
    """Loads MNIST or Fashion-MNIST (real or synthetic) as uint8 arrays.

    Args:
        dataset: "mnist" or "fashion_mnist".
        source: real or synthetic, data folder, offline.
        train_count: at most the first N training images (0 = all 60000), real or synthetic
            (the synthetic twin renders only those).
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
            train_count=at_most(train_count, 60000),
            test_count=at_most(test_count, 10000),
        )
    (x_train, y_train), (x_test, y_test) = _load_real(dataset, source)
    return _first((x_train, y_train), train_count), _first((x_test, y_test), test_count)


@dataclasses.dataclass(frozen=True)
class StandIn:
    """What `load_available` put where the training images were missing.

    Attributes:
        folder: the --data-dir folder holding MNIST's test files.
        missing: the IDX files it lacks.
        train_labels: how many training labels it holds (0 without train-labels-idx1-ubyte.gz).
        test_images: how many test images stand in for the training images.
    """

    folder: Path
    missing: tuple[str, ...]
    train_labels: int
    test_images: int


def load_available(
    dataset: str, source: DataSource, train_count: int = 0, test_count: int = 0
) -> tuple[Arrays, StandIn | None]:
    """What `explain` shows: `load`'s arrays, or, where a --data-dir folder holds MNIST's test
    files but not the training images (as ../shared/data/mnist does), the real test split in
    both places, with what stood in for what. Training never calls this: `load` stays an error
    without the training images.

    Raises:
        The errors of `load`, when the test files are not there either.
    """
    try:
        return load(dataset, source, train_count, test_count), None
    except MissingDataError:
        folder = test_folder(source) if dataset == "mnist" and not source.synthetic else None
        if folder is None:
            raise
    test = (read_idx(folder / IDX_NAMES[2]), read_idx(folder / IDX_NAMES[3]))
    if test[0].ndim != 3 or test[1].ndim != 1 or len(test[0]) != len(test[1]):
        raise DataError(f"{folder}: test images {test[0].shape} and labels {test[1].shape} differ")
    labels = folder / IDX_NAMES[1]
    stand_in = StandIn(
        folder=folder,
        missing=tuple(name for name in IDX_NAMES if not (folder / name).is_file()),
        train_labels=len(read_idx(labels)) if labels.is_file() else 0,
        test_images=len(test[0]),
    )
    return (_first(test, train_count), _first(test, test_count)), stand_in


def test_folder(source: DataSource) -> Path | None:
    """The first --data-dir folder with MNIST's two test files (images and labels), if any."""
    for folder in source.folders("mnist"):
        if all((folder / name).is_file() for name in IDX_NAMES[2:]):
            return folder
    return None


def _first(split: tuple[np.ndarray, np.ndarray], count: int) -> tuple[np.ndarray, np.ndarray]:
    return split if not count else (split[0][:count], split[1][:count])


def _load_real(dataset: str, source: DataSource) -> Arrays:
    located = locate(source, dataset)
    if located[0].unpacked is not None:
        return load_idx_folder(located[0].unpacked)
    try:
        paths = [cache.fetch(where.remote, source, where) for where in located]
    except DataError as error:
        note = _partial_idx_note(source) if dataset == "mnist" else ""
        raise type(error)(f"{error}{note}") from None
    return load_npz(paths[0]) if dataset == "mnist" else load_idx_folder(paths[0].parent)


def locate(source: DataSource, dataset: str = "mnist") -> list[cache.Located]:
    """mnist.npz, or Fashion-MNIST's four .gz files, with the IDX folder that stands in for
    them: one in --data-dir first; for Fashion-MNIST, Debian's package when the Keras cache
    lacks the files."""
    folder = next(filter(None, map(idx_folder, source.folders(FOLDERS[dataset]))), None)
    remotes = (MNIST_NPZ,) if dataset == "mnist" else FASHION_FILES
    found = [cache.locate_file(remote, source) for remote in remotes]
    if folder is None and dataset == "fashion_mnist" and not all(f.path for f in found):
        folder = idx_folder(DEBIAN_FASHION_DIR)
    return [dataclasses.replace(where, unpacked=folder) for where in found]


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

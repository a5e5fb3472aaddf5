"""CIFAR-10: x_train (50000, 32, 32, 3) uint8, y_train (50000, 1) uint8; test 10000, as Keras.

Real data: the Toronto archive `cifar-10-python.tar.gz` (the URL and sha256 of Keras 3's
`keras.datasets.cifar10`), read straight from the archive, or its extracted
`cifar-10-batches-py` folder: in `--data-dir`, or in the Keras cache where Keras 3
(`datasets/cifar-10-batches-py-target/`) or Keras 2 (`datasets/cifar-10-batches-py/`) put it.
The batches are Python pickles; they are read with an unpickler that only rebuilds NumPy arrays
(as Keras 3 does), so a tampered file cannot run code, and a damaged one is one clear line.

Synthetic (`cifar10_synthetic.py`): ten classes of coloured shapes (disc, square, triangle, plus, ring, diamond, bar,
pillar, cross, frame) of random colour, size, small rotation and position over a random
two-colour gradient with pixel noise. The class is the shape alone, and every class is
symmetric under a horizontal flip, so the original's augmentation keeps labels true.
"""

from __future__ import annotations

import io
import pickle
import tarfile
import zlib
from pathlib import Path

import numpy as np

from keras_classics.datasets import cache
from keras_classics.datasets.cifar10_synthetic import synthetic
from keras_classics.datasets.source import DataSource, at_most
from keras_classics.errors import DataError

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
ARCHIVE = cache.RemoteFile(
    fname="cifar-10-python.tar.gz",
    origin=ORIGIN,
    file_hash=SHA256,
    description="CIFAR-10 small colour images, 50000 train / 10000 test",
    folder="cifar10",
)
# The same archive under the names Keras 3 (`<fname>_archive`) and Keras 2 saved it with.
CACHED_ARCHIVES = (
    ARCHIVE,
    cache.RemoteFile("cifar-10-batches-py-target_archive", ORIGIN, SHA256, folder="cifar10"),
    cache.RemoteFile("cifar-10-batches-py.tar.gz", ORIGIN, SHA256, folder="cifar10"),
)
FOLDER = "cifar-10-batches-py"
BATCHES = ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5")
TEST_BATCH = "test_batch"
CLASS_NAMES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)  # fmt: skip
SYNTHETIC_CLASS_NAMES = (
    "disc", "square", "triangle", "plus", "ring",
    "diamond", "bar", "pillar", "cross", "frame",
)  # fmt: skip
SIZE = 32


# -- real files ---------------------------------------------------------------------------------
class _ArrayUnpickler(pickle.Unpickler):
    """Rebuilds NumPy arrays and plain Python values; refuses every other global.

    `_codecs.encode` (str -> bytes, no side effects) is how Python 3 writes bytes at pickle
    protocol 2, so batches re-pickled by Python 3 load too; the originals come from Python 2.
    """

    _ALLOWED = frozenset(
        {
            ("_codecs", "encode"),
            ("numpy", "ndarray"),
            ("numpy", "dtype"),
            ("numpy.core.multiarray", "_reconstruct"),
            ("numpy._core.multiarray", "_reconstruct"),
        }
    )

    def find_class(self, module: str, name: str):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def parse_batch(raw: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    """One pickled CIFAR batch -> images (N, 32, 32, 3) uint8 and labels (N,) uint8.

    The batch is a dict with b"data" (N, 3072) uint8, rows of 1024 red, 1024 green, 1024 blue
    values, and b"labels", a list of N class numbers.

    Raises:
        DataError: if the bytes are not such a batch (truncated, foreign or tampered).
    """
    try:
        batch = _ArrayUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except Exception as error:  # noqa: BLE001 - any unpickling failure is a damaged file
        raise DataError(
            f"{where} is not a readable CIFAR-10 batch ({type(error).__name__}: {error}); "
            "delete it and download the archive again"
        ) from None
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise DataError(f"{where} is not a CIFAR-10 batch (no data/labels entries)")
    data, labels = batch[b"data"], np.asarray(batch[b"labels"])
    if (
        not isinstance(data, np.ndarray)
        or data.dtype != np.uint8
        or data.ndim != 2
        or data.shape[1] != 3 * SIZE * SIZE
        or labels.shape != (len(data),)
        or (len(labels) and (labels.min() < 0 or labels.max() > 9))
    ):
        raise DataError(
            f"{where}: expected data (N, 3072) uint8 and N labels 0-9, "
            f"got data {getattr(data, 'shape', '?')} and {labels.shape[0]} labels"
        )
    images = data.reshape(len(data), 3, SIZE, SIZE).transpose(0, 2, 3, 1)  # channels_last
    return np.ascontiguousarray(images), labels.astype(np.uint8)


def _assemble(read) -> Arrays:
    """Reads the five training batches and the test batch with `read(name) -> bytes`."""
    parts = [parse_batch(read(name), name) for name in BATCHES]
    x_train = np.concatenate([images for images, _ in parts])
    y_train = np.concatenate([labels for _, labels in parts]).reshape(-1, 1)
    x_test, y_test = parse_batch(read(TEST_BATCH), TEST_BATCH)
    return (x_train, y_train), (x_test, y_test.reshape(-1, 1))


def read_folder(folder: Path) -> Arrays:
    """Reads an extracted `cifar-10-batches-py` folder.

    Raises:
        DataError: a batch file is missing or damaged.
    """

    def read(name: str) -> bytes:
        path = folder / name
        try:
            return path.read_bytes()
        except OSError as error:
            raise DataError(
                f"cannot read {path} ({error.strerror or error}); re-extract {ARCHIVE.fname}"
            ) from None

    try:
        return _assemble(read)
    except DataError as error:
        raise DataError(f"{folder}: {error}") from None


def read_archive(path: Path) -> Arrays:
    """Reads the batches straight from `cifar-10-python.tar.gz` (nothing is extracted).

    Raises:
        DataError: not a readable tar.gz, truncated, or a batch missing or damaged.
    """
    try:
        with tarfile.open(path, "r:gz") as archive:

            def read(name: str) -> bytes:
                try:
                    member = archive.extractfile(f"{FOLDER}/{name}")
                except KeyError:
                    member = None
                if member is None:
                    raise DataError(f"{FOLDER}/{name} is missing")
                return member.read()

            return _assemble(read)
    except DataError as error:
        raise DataError(f"{path}: {error}") from None
    except (OSError, EOFError, tarfile.TarError, zlib.error) as error:
        raise DataError(
            f"{path} is not a readable tar.gz ({type(error).__name__}: {error}); "
            f"delete it and download {ORIGIN} again"
        ) from None


def is_batch_folder(folder: Path) -> bool:
    return (folder / BATCHES[0]).is_file() or (folder / TEST_BATCH).is_file()


def folder_candidates(source: DataSource) -> list[Path]:
    """Extracted folders, in the order they are looked for."""
    folders = [p for folder in source.folders("cifar10") for p in (folder / FOLDER, folder)]
    datasets = cache.keras_cache_dir() / "datasets"
    folders += [datasets / "cifar-10-batches-py-target" / FOLDER, datasets / FOLDER]
    return folders


def locate(source: DataSource) -> list[cache.Located]:
    """The archive, under any name Keras saved it with, or an extracted folder of batches that
    stands in for it (--data-dir first, then the Keras cache)."""
    folder = next((f for f in folder_candidates(source) if f.is_dir() and is_batch_folder(f)), None)
    for remote in CACHED_ARCHIVES:
        found = cache.locate_file(remote, source, unpacked=folder)
        if found.path is not None:
            return [found]
    paths = [path for remote in CACHED_ARCHIVES for path in cache.candidate_paths(remote, source)]
    return [cache.locate_file(ARCHIVE, source, paths=paths, unpacked=folder)]


def load_real(source: DataSource) -> Arrays:
    """An extracted folder if there is one, else the (verified) archive, downloaded if allowed.

    Raises:
        DataError: missing offline (the message names file, URL, hash and places), corrupt.
    """
    (located,) = locate(source)
    if located.unpacked is not None:
        return read_folder(located.unpacked)
    return read_archive(cache.fetch(located.remote, source, located))


def load(source: DataSource, train_count: int = 0, test_count: int = 0, seed: int = 0) -> Arrays:
    """CIFAR-10 (real or synthetic) as Keras returns it: uint8 images, (N, 1) uint8 labels.

    Args:
        source: real or synthetic, data folder, offline.
        train_count: at most the first N training images (0 = all 50000), real or synthetic
            (the synthetic twin makes only those).
        test_count: the same for the test split (0 = 10000).
        seed: varies the synthetic images (train and test always differ).

    Raises:
        DataError: file missing offline, corrupt or unreadable.
    """
    if source.synthetic:
        return synthetic(at_most(train_count, 50000), at_most(test_count, 10000), seed)
    (x_train, y_train), (x_test, y_test) = load_real(source)
    if train_count:
        x_train, y_train = x_train[:train_count], y_train[:train_count]
    if test_count:
        x_test, y_test = x_test[:test_count], y_test[:test_count]
    return (x_train, y_train), (x_test, y_test)

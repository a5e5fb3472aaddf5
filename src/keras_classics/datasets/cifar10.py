"""CIFAR-10: x_train (50000, 32, 32, 3) uint8, y_train (50000, 1) uint8; test 10000, as Keras.

Real data: the Toronto archive `cifar-10-python.tar.gz` (the URL and sha256 of Keras 3's
`keras.datasets.cifar10`), read straight from the archive, or its extracted
`cifar-10-batches-py` folder: in `--data-dir`, or in the Keras cache where Keras 3
(`datasets/cifar-10-batches-py-target/`) or Keras 2 (`datasets/cifar-10-batches-py/`) put it.
The batches are Python pickles; they are read with an unpickler that only rebuilds NumPy arrays
(as Keras 3 does), so a tampered file cannot run code, and a damaged one is one clear line.

Synthetic: ten classes of coloured shapes (disc, square, triangle, plus, ring, diamond, bar,
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
from keras_classics.datasets.source import DataSource
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


def load_real(source: DataSource) -> Arrays:
    """An extracted folder if there is one, else the (verified) archive, downloaded if allowed.

    Raises:
        DataError: missing offline (the message names file, URL, hash and places), corrupt.
    """
    for folder in folder_candidates(source):
        if folder.is_dir() and is_batch_folder(folder):
            return read_folder(folder)
    for remote in CACHED_ARCHIVES:
        found = cache.find(remote, source)  # raises DataError if the hash does not match
        if found is not None:
            return read_archive(found)
    return read_archive(cache.fetch(ARCHIVE, source))


def load(source: DataSource, train_count: int = 0, test_count: int = 0, seed: int = 0) -> Arrays:
    """CIFAR-10 (real or synthetic) as Keras returns it: uint8 images, (N, 1) uint8 labels.

    Args:
        source: real or synthetic, data folder, offline.
        train_count: for synthetic data, how many training images to make (0 = 50000); real
            data always loads whole and the caller slices it.
        test_count: the same for the test split (0 = 10000).
        seed: varies the synthetic images (train and test always differ).

    Raises:
        DataError: file missing offline, corrupt or unreadable.
    """
    if source.synthetic:
        return synthetic(train_count or 50000, test_count or 10000, seed)
    return load_real(source)


# -- synthetic twin -----------------------------------------------------------------------------
_SUPERSAMPLE = 2  # drawn on a 64x64 grid and averaged down: anti-aliased edges


def shape_mask(kind: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Inside-test of shape `kind` on coordinates in units of its half-size (v points down)."""
    au, av = np.abs(u), np.abs(v)
    if kind in (0, 4):
        radius = np.sqrt(u**2 + v**2)
        return radius <= 1.0 if kind == 0 else (radius >= 0.55) & (radius <= 1.0)  # disc, ring
    if kind == 1:  # square
        return np.maximum(au, av) <= 0.85
    if kind == 2:  # triangle, apex up
        return (v <= 0.8) & (v >= -0.95 + 1.75 * au)
    if kind == 3:  # plus
        return ((au <= 0.3) & (av <= 1.0)) | ((av <= 0.3) & (au <= 1.0))
    if kind == 5:  # diamond
        return au + av <= 1.0
    if kind == 6:  # bar (horizontal)
        return (av <= 0.3) & (au <= 1.1)
    if kind == 7:  # pillar (vertical)
        return (au <= 0.3) & (av <= 1.1)
    box = np.maximum(au, av)
    if kind == 8:  # cross (x)
        return ((np.abs(u - v) <= 0.4) | (np.abs(u + v) <= 0.4)) & (box <= 0.85)
    return (box <= 0.9) & (box >= 0.55)  # frame


def render_shapes(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One 32x32x3 uint8 image of shape `label` per label, drawn with `rng`."""
    count = len(labels)
    big = SIZE * _SUPERSAMPLE
    grid = ((np.arange(big) + 0.5) / _SUPERSAMPLE).astype(np.float32)  # pixel centres, 32 scale
    half = rng.uniform(7.0, 11.0, count)
    cx = rng.uniform(half.clip(max=12) + 2, SIZE - half.clip(max=12) - 2)
    cy = rng.uniform(half.clip(max=12) + 2, SIZE - half.clip(max=12) - 2)
    angle = np.radians(rng.uniform(-15, 15, count))
    cos = np.cos(angle).astype(np.float32)[:, None, None]
    sin = np.sin(angle).astype(np.float32)[:, None, None]
    scale = (1 / half[:, None, None]).astype(np.float32)
    dx = (grid[None, None, :] - cx[:, None, None].astype(np.float32)) * scale
    dy = (grid[None, :, None] - cy[:, None, None].astype(np.float32)) * scale
    u, v = cos * dx + sin * dy, cos * dy - sin * dx  # (count, 64, 64), rotated coordinates
    inside = np.zeros((count, big, big), dtype=bool)
    for kind in np.unique(labels):
        rows = labels == kind
        inside[rows] = shape_mask(int(kind), u[rows], v[rows])
    alpha = inside.reshape(count, SIZE, _SUPERSAMPLE, SIZE, _SUPERSAMPLE).sum(
        axis=(2, 4), dtype=np.float32
    ) / (_SUPERSAMPLE**2)

    # Background: a linear gradient between two random colours in a random direction.
    first, second = rng.uniform(0, 1, (2, count, 1, 1, 3)).astype(np.float32)
    theta = rng.uniform(0, 2 * np.pi, count).astype(np.float32)[:, None, None]
    ramp = ((np.arange(SIZE) + 0.5) / SIZE - 0.5).astype(np.float32)
    t = 0.5 + np.cos(theta) * ramp[None, None, :] + np.sin(theta) * ramp[None, :, None]
    background = first + (second - first) * t.clip(0, 1)[..., None]
    # Foreground: a random colour, pushed away from the background's mean so the shape shows.
    colour = rng.uniform(0, 1, (count, 3)).astype(np.float32)
    mean = (first + second)[:, 0, 0] / 2
    close = np.linalg.norm(colour - mean, axis=1) < 0.6
    colour[close] = np.where(mean[close] > 0.5, colour[close] * 0.3, 0.7 + colour[close] * 0.3)
    alpha = alpha[..., None]
    image = background * (1 - alpha) + colour[:, None, None, :] * alpha
    image += 0.03 * rng.standard_normal(image.shape, dtype=np.float32)
    return (image.clip(0, 1) * 255 + 0.5).astype(np.uint8)


def _split(count: int, seed: int, chunk: int = 512) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count).astype(np.uint8)
    images = np.empty((count, SIZE, SIZE, 3), dtype=np.uint8)
    for start in range(0, count, chunk):  # bounded memory for the 64x64 float work arrays
        images[start : start + chunk] = render_shapes(labels[start : start + chunk], rng)
    return images, labels.reshape(-1, 1)


def synthetic(train_count: int = 50000, test_count: int = 10000, seed: int = 0) -> Arrays:
    """CIFAR-shaped synthetic data, train and test drawn with different seeds."""
    return _split(train_count, seed * 2 + 1), _split(test_count, seed * 2 + 2)

"""IMDB movie reviews (Maas et al. 2011) as Keras serves them: lists of word ranks, labels 0/1.

`load` has exactly the semantics of `keras.datasets.imdb.load_data` (Keras 3): reviews shuffled
with `seed=113`, each starting with `start_char=1`, word ranks shifted by `index_from=3`, words
ranked `num_words` or beyond (or below `skip_top`) replaced by `oov_char=2`, reviews longer
than `maxlen` dropped. Three real sources, in this order:

1. `imdb.npz` (Keras 3 URL and sha256) in --data-dir or the Keras cache;
2. an `aclImdb/` folder of raw reviews in --data-dir (`train/pos`, `train/neg`, `test/pos`,
   `test/neg`), encoded with the word index (`imdb_word_index.json`) and tokenised as Keras'
   text preprocessing does (lower case, punctuation to spaces, split on spaces; `<br />` thus
   becomes the word "br", rank 7, as in imdb.npz);
3. otherwise imdb.npz is downloaded (or, offline, a one-line error says where to put it).

The aclImdb route reproduces the integer encoding, not the order of imdb.npz (which is not
published): reviews are read negatives first, then positives, by file id, then shuffled.

The word index and tokeniser live in `imdb_words.py`. Synthetic (`imdb_synthetic.py`): reviews
written by a small grammar (opinions on aspects of a film, negation, "but"
clauses, ratings, neutral plot sentences) whose label is the sign of their summed sentiment, so
word order matters ("not good") and bags of words are not enough; encoded in the same integer
space (the same start/OOV/offset conventions, words ranked by frequency in the generated text).
"""

from __future__ import annotations

import dataclasses
import io
import pickle
import zipfile
from pathlib import Path

import numpy as np

from keras_classics.datasets import cache
from keras_classics.datasets.imdb_synthetic import synthetic_texts, synthetic_word_index
from keras_classics.datasets.imdb_words import BASE, encode_text, get_word_index, locate_word_index
from keras_classics.datasets.source import DataSource, at_most
from keras_classics.errors import DataError

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
IMDB_NPZ = cache.RemoteFile(
    fname="imdb.npz",
    origin=BASE + "imdb.npz",
    file_hash="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
    description="IMDB reviews as word ranks, 25000 train / 25000 test",
    folder="imdb",
)
SPLITS = ("train", "test")


# -- the Keras encoding -------------------------------------------------------------------------


def encode_keras(
    train: tuple[list, np.ndarray],
    test: tuple[list, np.ndarray],
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
) -> Arrays:
    """`keras.datasets.imdb.load_data` after reading the file, step for step.

    Args:
        train: (raw rank sequences, labels) in file order; ranks start at 1 (the = 1).
        test: the same for the test split.

    Raises:
        DataError: when maxlen filters out every review.
    """
    (x_train, labels_train), (x_test, labels_test) = train, test
    x_train, x_test = _object_array(list(x_train)), _object_array(list(x_test))
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], np.asarray(labels_train)[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], np.asarray(labels_test)[indices]

    if start_char is not None:
        x_train = [[start_char] + [w + index_from for w in x] for x in x_train]
        x_test = [[start_char] + [w + index_from for w in x] for x in x_test]
    elif index_from:
        x_train = [[w + index_from for w in x] for x in x_train]
        x_test = [[w + index_from for w in x] for x in x_test]
    else:
        x_train = [list(x) for x in x_train]
        x_test = [list(x) for x in x_test]

    if maxlen:
        x_train, labels_train = _remove_long(maxlen, x_train, labels_train)
        x_test, labels_test = _remove_long(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise DataError(f"no review is shorter than maxlen={maxlen}: increase maxlen")

    xs = x_train + x_test
    labels = np.concatenate([labels_train, labels_test])
    if not num_words:
        num_words = max(max(x) for x in xs if x)
    # by convention, use 2 as OOV word; reserve 'index_from' (=3 by default) characters:
    # 0 (padding), 1 (start), 2 (OOV)
    if oov_char is not None:
        xs = [[w if (skip_top <= w < num_words) else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    idx = len(x_train)
    return (_object_array(xs[:idx]), labels[:idx]), (_object_array(xs[idx:]), labels[idx:])


def _remove_long(maxlen: int, seq: list, label: np.ndarray) -> tuple[list, np.ndarray]:
    kept = [i for i, x in enumerate(seq) if len(x) < maxlen]
    return [seq[i] for i in kept], label[kept]


def _object_array(sequences: list[list[int]]) -> np.ndarray:
    out = np.empty(len(sequences), dtype=object)
    out[:] = sequences
    return out


# -- the word index -----------------------------------------------------------------------------


# -- files --------------------------------------------------------------------------------------
# Rebuilding the ragged object arrays of imdb.npz needs exactly these pickle globals (as Keras'
# own npz_utils allows); anything else in the file is refused.
_ALLOWED = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
}


class _ArraysOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing {module}.{name}")


def _read_npy(handle) -> np.ndarray:
    raw = io.BytesIO(handle.read())
    try:
        return np.lib.format.read_array(raw, allow_pickle=False)
    except ValueError:  # an object array: a pickle stream after the header
        raw.seek(0)
        version = np.lib.format.read_magic(raw)
        if version[0] == 1:
            np.lib.format.read_array_header_1_0(raw)
        else:
            np.lib.format.read_array_header_2_0(raw)
        return _ArraysOnly(raw).load()


def read_npz(path: Path) -> tuple[tuple, tuple]:
    """The raw (x, y) pairs of imdb.npz.

    Raises:
        DataError: when it is not a valid imdb.npz.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            arrays = {}
            for key in ("x_train", "y_train", "x_test", "y_test"):
                with archive.open(key + ".npy") as handle:
                    arrays[key] = _read_npy(handle)
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile, pickle.PickleError) as e:
        raise DataError(f"{path} is not a valid imdb.npz ({e}); delete it and retry") from None
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def find_aclimdb(source: DataSource) -> Path | None:
    """An aclImdb folder (train/ and test/, each with pos/ and neg/) in --data-dir."""
    for parent in source.folders("imdb"):
        for folder in (parent / "aclImdb", parent):
            if all((folder / s / label).is_dir() for s in SPLITS for label in ("pos", "neg")):
                return folder
    return None


def read_aclimdb(folder: Path, split: str) -> tuple[list[str], np.ndarray]:
    """The texts and labels (neg 0, pos 1) of one split, negatives first, by file id.

    Raises:
        DataError: a review file that is not UTF-8 text, or a split without reviews.
    """
    texts, labels = [], []
    for label, name in ((0, "neg"), (1, "pos")):
        files = sorted((folder / split / name).glob("*.txt"), key=_review_id)
        for path in files:
            try:
                texts.append(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as error:
                raise DataError(f"{path} is not a readable review ({error})") from None
            labels.append(label)
    if not texts:
        raise DataError(f"{folder / split} holds no reviews (*.txt in pos/ and neg/)")
    return texts, np.array(labels, dtype="int64")


def _review_id(path: Path) -> tuple[int, str]:
    head = path.stem.split("_", 1)[0]
    return (int(head) if head.isdigit() else -1, path.name)


# -- the synthetic twin -------------------------------------------------------------------------


# -- loading ------------------------------------------------------------------------------------
def describe_origin(source: DataSource, lang: str = "en") -> str:
    """Which reviews `load` reads, for the walkthrough (the order differs between sources), in
    English or, with lang="zh", in Chinese."""
    zh = lang == "zh"
    if source.synthetic:
        return "合成数据（生成的评论）" if zh else "the synthetic twin (generated reviews)"
    npz = cache.find(IMDB_NPZ, source)
    folder = find_aclimdb(source) if npz is None else None
    if folder is None:
        return "imdb.npz（原文打印的顺序）" if zh else "imdb.npz (the order the seed printed)"
    if zh:
        return (
            f"{folder}，用单词索引编码：与 imdb.npz 的整数编码相同，但评论的顺序不同，所以 "
            "x_train[0] 不是原文的第一条评论"
        )
    return (
        f"{folder}, encoded with the word index: the same integer encoding as imdb.npz, but "
        "another review order, so x_train[0] is not the seed's first review"
    )


def locate(source: DataSource) -> list[cache.Located]:
    """imdb.npz (an aclImdb/ folder of raw reviews stands in for it when there is no
    imdb.npz) and the word index."""
    npz = cache.locate_file(IMDB_NPZ, source)
    if npz.path is None:
        npz = dataclasses.replace(npz, unpacked=find_aclimdb(source))
    return [npz, locate_word_index(source)]


def load(
    source: DataSource,
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    train_count: int = 0,
    test_count: int = 0,
) -> Arrays:
    """IMDB with `keras.datasets.imdb.load_data`'s arguments and results.

    Args:
        source: real or synthetic, data folder, offline.
        num_words ... index_from: as in Keras.
        train_count: keep the first N training reviews after shuffling (0 = all); synthetic
            data only generates that many.
        test_count: the same for the test split.

    Returns:
        (x_train, y_train), (x_test, y_test): object arrays of int lists, int64 labels.

    Raises:
        DataError: missing offline, corrupt or unreadable files.
    """
    options = dict(
        num_words=num_words,
        skip_top=skip_top,
        maxlen=maxlen,
        seed=seed,
        start_char=start_char,
        oov_char=oov_char,
        index_from=index_from,
    )
    if source.synthetic:
        index = synthetic_word_index()
        raw = []
        counts = (at_most(train_count, 25000), at_most(test_count, 25000))
        for split_seed, count in zip((seed, seed + 1), counts, strict=True):
            texts, labels = synthetic_texts(count, split_seed)
            raw.append(([encode_text(t, index) for t in texts], labels))
        (x_train, y_train), (x_test, y_test) = encode_keras(raw[0], raw[1], **options)
    else:
        npz_at, _ = locate(source)
        if npz_at.unpacked is not None:
            index = get_word_index(source)
            raw = []
            for split in SPLITS:
                texts, labels = read_aclimdb(npz_at.unpacked, split)
                raw.append(([encode_text(t, index) for t in texts], labels))
            train, test = raw
        else:
            try:
                npz = cache.fetch(IMDB_NPZ, source, npz_at)
            except DataError as error:
                raise type(error)(
                    f"{error}; or put aclImdb/ (raw reviews) and imdb_word_index.json in --data-dir"
                ) from None
            train, test = read_npz(npz)
        (x_train, y_train), (x_test, y_test) = encode_keras(train, test, **options)
    if train_count:
        x_train, y_train = x_train[:train_count], y_train[:train_count]
    if test_count:
        x_test, y_test = x_test[:test_count], y_test[:test_count]
    return (x_train, y_train), (x_test, y_test)

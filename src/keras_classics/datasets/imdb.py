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

Synthetic: reviews written by a small grammar (opinions on aspects of a film, negation, "but"
clauses, ratings, neutral plot sentences) whose label is the sign of their summed sentiment, so
word order matters ("not good") and bags of words are not enough; encoded in the same integer
space (the same start/OOV/offset conventions, words ranked by frequency in the generated text).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import pickle
import random
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

from keras_classics.datasets import cache
from keras_classics.datasets.source import DataSource
from keras_classics.errors import DataError, UserError

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
IMDB_NPZ = cache.RemoteFile(
    fname="imdb.npz",
    origin=BASE + "imdb.npz",
    file_hash="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
    description="IMDB reviews as word ranks, 25000 train / 25000 test",
    folder="imdb",
)
WORD_INDEX = cache.RemoteFile(
    fname="imdb_word_index.json",
    origin=BASE + "imdb_word_index.json",
    file_hash="bfafd718b763782e994055a2d397834f",
    hash_algorithm="md5",
    description="IMDB word -> frequency rank (88,584 words)",
    folder="imdb",
)
# A copy of the word index that was re-serialised (other spacing or key order) has another md5
# but the same content; it is accepted when the digest of its sorted (word, rank) pairs is this
# one (88,584 entries, 'the' -> 1, ..., computed from such a copy whose entries match Keras').
WORD_INDEX_CONTENT_SHA256 = "84d98ae00b3af23d449495aba1186255df37bf737356ab7c648341742eba38ee"
SPLITS = ("train", "test")
# keras.preprocessing.text's default filters: these characters become spaces.
FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_TRANSLATE = str.maketrans({c: " " for c in FILTERS})


# -- the Keras encoding -------------------------------------------------------------------------
def text_to_word_sequence(text: str) -> list[str]:
    """Keras' tokeniser: lower case, FILTERS to spaces, split on spaces ("<br />" -> "br")."""
    return [word for word in text.lower().translate(_TRANSLATE).split(" ") if word]


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
def content_digest(index: dict[str, int]) -> str:
    """sha256 of the sorted (word, rank) pairs: equal for copies with the same content."""
    text = json.dumps(sorted(index.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_word_index(path: Path) -> dict[str, int]:
    """A word index JSON file: {word: rank}.

    Raises:
        DataError: when it is not a JSON object of words to positive integers.
    """
    try:
        index = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(f"{path} is not a readable JSON word index ({error})") from None
    if not isinstance(index, dict) or not all(isinstance(v, int) and v > 0 for v in index.values()):
        raise DataError(f"{path} is not a word index (expected an object of words to ranks)")
    return index


def word_index_matches(path: Path) -> bool:
    """True when the file is Keras' word index: its md5, or failing that its content."""
    if cache.verify(WORD_INDEX, path):
        return True
    try:
        return content_digest(read_word_index(path)) == WORD_INDEX_CONTENT_SHA256
    except DataError:
        return False


def verify(remote: cache.RemoteFile, path: Path) -> bool | None:
    """`cache.verify`, except that the word index is also accepted by its content."""
    if remote is WORD_INDEX:
        return word_index_matches(path)
    return cache.verify(remote, path)


def find_word_index(source: DataSource) -> Path:
    """imdb_word_index.json from --data-dir or the Keras cache (downloaded if allowed).

    A file whose md5 differs from Keras' is accepted when its content is Keras' word index
    (see WORD_INDEX_CONTENT_SHA256): re-serialised copies are common.

    Raises:
        DataError: missing offline, or present with other content.
    """
    for path in cache.candidate_paths(WORD_INDEX, source):
        if not path.is_file():
            continue
        if word_index_matches(path):
            return path
        raise DataError(
            f"{path} is corrupt or another word index: neither its md5 ({WORD_INDEX.file_hash}) "
            f"nor its content matches Keras'; delete it and download {WORD_INDEX.origin} again"
        )
    return cache.fetch(WORD_INDEX, source)


def get_word_index(source: DataSource) -> dict[str, int]:
    """The word -> rank index of the reviews (the synthetic twin's own for synthetic data)."""
    if source.synthetic:
        return dict(synthetic_word_index())
    return read_word_index(find_word_index(source))


def reverse_word_index(word_index: dict[str, int], index_from: int = 3) -> dict[int, str]:
    """id -> word for encoded reviews, with the walkthrough's four special tokens."""
    shifted = {k: (v + index_from) for k, v in word_index.items()}
    shifted["<PAD>"] = 0
    shifted["<START>"] = 1
    shifted["<UNK>"] = 2  # unknown
    shifted["<UNUSED>"] = 3
    return {value: key for key, value in shifted.items()}


def decode_review(text, reverse_index: dict[int, str]) -> str:
    """Word ids back to words ('?' for ids without a word)."""
    return " ".join(reverse_index.get(int(i), "?") for i in text)


def encode_text(text: str, word_index: dict[str, int]) -> list[int]:
    """Raw ranks of a review's words; words missing from the index are skipped (as imdb.npz
    skips words it has no rank for)."""
    return [word_index[w] for w in text_to_word_sequence(text) if w in word_index]


def try_word_index(source: DataSource) -> dict[str, int] | None:
    """The word index if it can be had without error (None offline without the file)."""
    try:
        return get_word_index(source)
    except DataError:
        return None


VOCABULARY_FILE = "word_index.json"


def save_vocabulary(folder: Path, word_index: dict[str, int], num_words: int) -> Path:
    """The words a model trained with `num_words` can see, for classifying new text later."""
    kept = {w: r for w, r in word_index.items() if r + 3 < num_words}
    path = Path(folder) / VOCABULARY_FILE
    path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    return path


def read_vocabulary(folder: Path | None) -> dict[str, int]:
    """What `save_vocabulary` wrote.

    Raises:
        UserError: when the run has no vocabulary (its data had no word index).
    """
    path = None if folder is None else Path(folder) / VOCABULARY_FILE
    if path is None or not path.is_file():
        raise UserError(
            f"no {VOCABULARY_FILE} among this run's artifacts (trained without the word index?)"
        )
    return read_word_index(path)


def encode_user_text(
    text: str,
    word_index: dict[str, int],
    num_words: int,
    start_char: int = 1,
    oov_char: int = 2,
    index_from: int = 3,
) -> list[int]:
    """A review typed by the user in the training encoding: start, shifted ranks, OOV.

    Raises:
        UserError: empty text, or no word of it in the vocabulary.
    """
    words = text_to_word_sequence(text)
    if not words:
        raise UserError("give a review to classify: --set text='a wonderful film'")
    ids = [word_index[w] + index_from if w in word_index else oov_char for w in words]
    ids = [i if i < num_words else oov_char for i in ids]
    if all(i == oov_char for i in ids):
        raise UserError(f"none of the words of {text!r} is in this model's vocabulary")
    return [start_char, *ids]


def walkthrough(source: DataSource, num_words: int, maxlen: int, count: int = 3):
    """The data steps of the IMDB walkthrough: the word index with its four special tokens,
    decoded reviews with their labels, the shapes after padding (explaining.Section items)."""
    from keras_classics.explaining import Section

    limit = 1000 if source.synthetic else 0  # the twin: enough reviews to show, quickly
    (x_train, y_train), (x_test, _) = load(
        source, num_words=num_words, train_count=limit, test_count=limit
    )
    index = get_word_index(source)
    reverse = reverse_word_index(index)
    lowest = sorted(reverse.items())[:12]
    yield Section(
        "The word index, shifted by 3 for <PAD> 0, <START> 1, <UNK> 2, <UNUSED> 3",
        "单词编号：原编号加 3，0-3 留给 <PAD>、<START>、<UNK>、<UNUSED>",
        f"{len(index):,} words; ids 0-11: {dict(lowest)}",
    )
    body = [f"read from {describe_origin(source)}"]
    for i in range(min(count, len(x_train))):
        body.append(f"x_train[{i}][:30] = {list(x_train[i][:30])}")
        body.append(decode_review(x_train[i], reverse))
        body.append(f"y_train[{i}] = {y_train[i]}")
    yield Section(
        f"The first {count} training reviews decoded (num_words={num_words}; 1 = positive)",
        f"解码前 {count} 条训练评论（y_train 的 0 和 1 分别代表差评和好评）",
        "\n".join(body),
    )
    lengths = np.array([len(x) for x in x_train])
    padded = (len(x_train), maxlen)
    yield Section(
        f"Shapes after pad_sequences(maxlen={maxlen}): long reviews keep their last {maxlen} words",
        "pad_sequences 之后 x_train 和 y_train 的 shape",
        f"{len(x_train)} train / {len(x_test)} test reviews; mean length {lengths.mean():.0f}, "
        f"{(lengths > maxlen).mean():.0%} longer than {maxlen}\n{padded}\n{y_train.shape}",
    )


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
POSITIVE = (
    "good", "great", "excellent", "wonderful", "brilliant", "superb", "enjoyable",
    "beautiful", "funny", "moving", "charming", "clever", "touching", "fantastic",
)  # fmt: skip
NEGATIVE = (
    "bad", "terrible", "awful", "boring", "dull", "horrible", "weak", "stupid", "poor",
    "pointless", "predictable", "annoying", "lame", "silly",
)  # fmt: skip
ASPECTS = (
    "acting", "plot", "story", "script", "direction", "music", "ending", "cast", "dialogue",
    "photography", "soundtrack", "pacing", "camera work", "humour",
)  # fmt: skip
FILMS = ("movie", "film")
INTENSIFIERS = ("very", "really", "quite", "so", "truly", "pretty", "extremely")
LIKES = ("loved", "enjoyed", "liked", "adored")
LIKE = ("love", "enjoy", "like", "adore")
DISLIKES = ("hated", "disliked")
NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
NAMES = ("john", "mary", "robert", "anna", "peter", "susan", "michael", "laura", "paul", "kate")
PEOPLE = ("man", "woman", "boy", "girl", "family", "detective", "soldier", "teacher")
PLOTS = (
    "returns to his home town", "falls in love", "tries to find the truth", "loses everything",
    "goes to war", "moves to a new city", "looks for her father", "solves a murder",
)  # fmt: skip
WHEN = ("last week", "on tv", "at the cinema", "with my wife", "with my friends", "years ago")


def _review(rng: random.Random) -> tuple[str, float]:
    """One review and its summed sentiment."""
    pick = rng.choice

    def adjective() -> tuple[str, float]:
        good = rng.random() < 0.5
        return pick(POSITIVE if good else NEGATIVE), (1.0 if good else -1.0)

    def opinion() -> tuple[str, float]:
        kind = rng.randrange(9)
        word, polarity = adjective()
        aspect, film = pick(ASPECTS), pick(FILMS)
        very = pick(INTENSIFIERS) + " " if rng.random() < 0.4 else ""
        if kind == 0:
            return f"the {aspect} was {very}{word}", polarity
        if kind == 1:  # negation flips the adjective
            return f"the {aspect} was not {very}{word}", -polarity
        if kind == 2:
            return f"it was a {very}{word} {film}", polarity
        if kind == 3:
            article = "an" if word[0] in "aeiou" else "a"
            return f"it is not {article} {word} {film}", -polarity
        if kind == 4:
            liked = rng.random() < 0.5
            verb = pick(LIKES) if liked else pick(DISLIKES)
            return f"i {verb} this {film}", 1.0 if liked else -1.0
        if kind == 5:
            return f"i did not {pick(LIKE)} this {film} at all", -1.0
        if kind == 6:  # the clause after "but" counts more
            other, other_polarity = adjective()
            return (
                f"the {aspect} was {word} but the {pick(ASPECTS)} was {other}",
                0.5 * polarity + 1.5 * other_polarity,
            )
        if kind == 7:
            score = rng.randint(1, 10)
            return f"{NUMBERS[score - 1]} out of ten", (score - 5.5) / 2.25
        recommend = rng.random() < 0.5
        return f"i would {'' if recommend else 'not '}recommend it", 1.0 if recommend else -1.0

    def neutral() -> str:
        kind = rng.randrange(5)
        if kind == 0:
            return f"i saw this {pick(FILMS)} {pick(WHEN)}"
        if kind == 1:
            return f"it is about a {pick(PEOPLE)} who {pick(PLOTS)}"
        if kind == 2:
            return f"the {pick(FILMS)} stars {pick(NAMES)} and {pick(NAMES)}"
        if kind == 3:
            return f"the {pick(ASPECTS)} reminded me of an old {pick(FILMS)}"
        return "<br /><br />"

    sentences, total = [], 0.0
    for _ in range(rng.randint(4, 12)):
        if rng.random() < 0.4:
            sentences.append(neutral())
        else:
            text, value = opinion()
            sentences.append(text)
            total += value
    return ". ".join(s.capitalize() for s in sentences) + ".", total


def synthetic_texts(count: int, seed: int) -> tuple[list[str], np.ndarray]:
    """`count` generated reviews, half positive and half negative (clear-cut ones only)."""
    rng = random.Random(seed)  # scalar draws: several times faster than NumPy's Generator
    texts: list[str] = []
    labels: list[int] = []
    wanted = {0: count // 2, 1: count - count // 2}
    while len(texts) < count:
        text, total = _review(rng)
        label = int(total > 0)
        if abs(total) < 0.5 or not wanted[label]:
            continue
        wanted[label] -= 1
        texts.append(text)
        labels.append(label)
    return texts, np.array(labels, dtype="int64")


@functools.lru_cache(maxsize=1)
def synthetic_word_index() -> dict[str, int]:
    """Every word the generator writes, ranked by its frequency in 2,000 generated reviews."""
    texts, _ = synthetic_texts(2000, seed=0)
    counts = Counter(w for text in texts for w in text_to_word_sequence(text))
    words = {
        w
        for group in (
            POSITIVE,
            NEGATIVE,
            ASPECTS,
            FILMS,
            INTENSIFIERS,
            LIKES,
            LIKE,
            DISLIKES,
            NUMBERS,
            NAMES,
            PEOPLE,
            PLOTS,
            WHEN,
        )  # fmt: skip
        for phrase in group
        for w in phrase.split()
    }
    words |= set(counts)
    ranked = sorted(words, key=lambda w: (-counts[w], w))
    return {w: rank for rank, w in enumerate(ranked, 1)}


# -- loading ------------------------------------------------------------------------------------
def describe_origin(source: DataSource) -> str:
    """Which reviews `load` reads, for the walkthrough (the order differs between sources)."""
    if source.synthetic:
        return "the synthetic twin (generated reviews)"
    npz = cache.find(IMDB_NPZ, source)
    folder = find_aclimdb(source) if npz is None else None
    if folder is None:
        return "imdb.npz (the order the seed printed)"
    return (
        f"{folder}, encoded with the word index: the same integer encoding as imdb.npz, but "
        "another review order, so x_train[0] is not the seed's first review"
    )


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
        for split_seed, count in ((seed, train_count or 25000), (seed + 1, test_count or 25000)):
            texts, labels = synthetic_texts(count, split_seed)
            raw.append(([encode_text(t, index) for t in texts], labels))
        (x_train, y_train), (x_test, y_test) = encode_keras(raw[0], raw[1], **options)
    else:
        npz = cache.find(IMDB_NPZ, source)
        folder = find_aclimdb(source) if npz is None else None
        if folder is not None:
            index = get_word_index(source)
            raw = []
            for split in SPLITS:
                texts, labels = read_aclimdb(folder, split)
                raw.append(([encode_text(t, index) for t in texts], labels))
            train, test = raw
        else:
            if npz is None:
                try:
                    npz = cache.fetch(IMDB_NPZ, source)
                except DataError as error:
                    raise type(error)(
                        f"{error}; or put aclImdb/ (raw reviews) and imdb_word_index.json in "
                        "--data-dir"
                    ) from None
            train, test = read_npz(npz)
        (x_train, y_train), (x_test, y_test) = encode_keras(train, test, **options)
    if train_count:
        x_train, y_train = x_train[:train_count], y_train[:train_count]
    if test_count:
        x_test, y_test = x_test[:test_count], y_test[:test_count]
    return (x_train, y_train), (x_test, y_test)

"""IMDB's word index (word -> frequency rank): finding and verifying imdb_word_index.json,
Keras' text_to_word_sequence, and encoding and decoding reviews with it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from keras_classics.datasets import cache
from keras_classics.datasets.imdb_synthetic import synthetic_word_index
from keras_classics.datasets.source import DataSource
from keras_classics.errors import DataError, UserError

BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

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

# keras.preprocessing.text's default filters: these characters become spaces.
FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'

_TRANSLATE = str.maketrans({c: " " for c in FILTERS})


def text_to_word_sequence(text: str) -> list[str]:
    """Keras' tokeniser: lower case, FILTERS to spaces, split on spaces ("<br />" -> "br")."""
    return [word for word in text.lower().translate(_TRANSLATE).split(" ") if word]


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


def locate_word_index(source: DataSource) -> cache.Located:
    """Where imdb_word_index.json is (or is looked for), with its md5-or-content check."""
    return cache.locate_file(WORD_INDEX, source, check=verify)


def find_word_index(source: DataSource) -> Path:
    """imdb_word_index.json from --data-dir or the Keras cache (downloaded if allowed).

    A file whose md5 differs from Keras' is accepted when its content is Keras' word index
    (see WORD_INDEX_CONTENT_SHA256): re-serialised copies are common.

    Raises:
        DataError: missing offline, or present with other content.
    """
    located = locate_word_index(source)
    path = located.path
    if path is not None and not word_index_matches(path):
        raise DataError(
            f"{path} is corrupt or another word index: neither its md5 ({WORD_INDEX.file_hash}) "
            f"nor its content matches Keras'; delete it and download {WORD_INDEX.origin} again"
        )
    return path or cache.fetch(WORD_INDEX, source, located)


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

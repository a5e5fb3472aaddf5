"""The text corpus: nietzsche.txt as the seed counts it, windows, errors, the grammar twin."""

from __future__ import annotations

import numpy as np
import pytest

from keras_classics.datasets import DataSource, text_corpus
from keras_classics.errors import DataError

pytestmark = pytest.mark.backend_free  # numpy and files only: run in the jax pass

# The seed's first windows (sentences) and the character after each (next_chars).
SEED_WINDOWS = [
    (0, "preface\n\n\nsupposing that truth is a woma", "n"),
    (1, "face\n\n\nsupposing that truth is a woman--", "w"),
    (2, "e\n\n\nsupposing that truth is a woman--wha", "t"),
    (12, "woman--what then? is there not ground\nfo", "r"),
    (49, "sts, have failed to understand women--th", "a"),
]


def test_nietzsche_has_the_seeds_counts(shared_data):
    path = shared_data / "nietzsche" / "nietzsche.txt"
    text = text_corpus.read_text(path).lower()
    assert len(text) == 600893
    assert len(set(text)) == 57
    assert text_corpus.count_windows(len(text), 40, 3) == 200285
    sentences, next_chars = text_corpus.windows(text, 40, 3, limit=50)
    for index, sentence, next_char in SEED_WINDOWS:
        assert (sentences[index], next_chars[index]) == (sentence, next_char)


def test_data_dir_with_a_nietzsche_folder_is_found_offline(shared_data):
    source = DataSource(data_dir=shared_data, offline=True)
    assert text_corpus.load(source).startswith("PREFACE\n\n\nSUPPOSING that Truth")


def test_missing_nietzsche_offline_names_the_url(tmp_path):
    with pytest.raises(DataError, match="s3.amazonaws.com/text-datasets/nietzsche.txt"):
        text_corpus.load(DataSource(data_dir=tmp_path, offline=True))


def test_windows_and_one_hot_are_exact():
    sentences, next_chars = text_corpus.windows("abcdefg", maxlen=3, step=2)
    assert sentences == ["abc", "cde"] and next_chars == ["d", "f"]
    assert text_corpus.count_windows(7, 3, 2) == 2
    x, y = text_corpus.one_hot(sentences, next_chars, {c: i for i, c in enumerate("abcdef")})
    assert x.dtype == bool and x.shape == (2, 3, 6) and y.shape == (2, 6)
    assert x.argmax(axis=2).tolist() == [[0, 1, 2], [2, 3, 4]]
    assert y.argmax(axis=1).tolist() == [3, 5] and x.sum() == 6 and y.sum() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"caf\xe9 au lait\nsecond line", "not UTF-8 text \\(line 1"),
        (b"", "is empty"),
        (b"  \n\n ", "is empty"),
    ],
)
def test_bad_files_are_one_line_data_errors(tmp_path, content, message):
    path = tmp_path / "corpus.txt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as error:
        text_corpus.load(DataSource(), text_path=str(path))
    assert "\n" not in str(error.value)


def test_a_missing_text_path_and_a_too_short_text_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="not found"):
        text_corpus.load(DataSource(), text_path=str(tmp_path / "nothing.txt"))
    with pytest.raises(DataError, match="too short"):
        text_corpus.windows("short text", maxlen=40, step=3)


def test_the_twin_is_seeded_grammatical_text():
    text = text_corpus.synthetic_text(5000, seed=3)
    assert text == text_corpus.synthetic_text(5000, seed=3)
    assert text != text_corpus.synthetic_text(5000, seed=4)
    assert len(text) >= 5000 and text.startswith("PREFACE\n\n\n1. ")
    assert max(len(line) for line in text.splitlines()) <= 70  # wrapped like the book
    for mark in '.,?!;"-':
        assert mark in text
    # Structure a model can learn: a few hundred words repeat, far from random letters.
    words = text.lower().replace("\n", " ").split()
    assert len(set(words)) < 200 and len(words) > 700
    letters = np.array([c for c in text.lower() if c.isalpha()])
    assert (letters == "e").mean() > 0.08  # English letter frequencies

"""IMDB: Keras' load_data semantics, imdb.npz, aclImdb + word index, decoding, the synthetic twin."""

from __future__ import annotations

import json
import pickle
import re
import shutil
import zipfile

import numpy as np
import pytest

from keras_classics.datasets import DataSource, cache, imdb, imdb_synthetic, imdb_words
from keras_classics.errors import DataError, UserError
from keras_classics.examples.families import imdb_reviews

pytestmark = pytest.mark.backend_free  # numpy and files only: run in the jax pass


def _ragged(rows):
    out = np.empty(len(rows), dtype=object)
    out[:] = rows
    return out


@pytest.fixture
def small_npz(tmp_path):
    """An imdb.npz-shaped file: ragged object arrays of raw ranks, int labels."""
    rng = np.random.default_rng(0)
    rows = [list(rng.integers(1, 60, size=rng.integers(3, 15))) for _ in range(40)]
    path = tmp_path / "imdb.npz"
    np.savez(
        path,
        x_train=_ragged([[int(w) for w in r] for r in rows[:24]]),
        y_train=np.array([i % 2 for i in range(24)], dtype="int64"),
        x_test=_ragged([[int(w) for w in r] for r in rows[24:]]),
        y_test=np.array([i % 2 for i in range(16)], dtype="int64"),
    )
    return path


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"num_words": 20, "skip_top": 3},
        {"maxlen": 10, "num_words": 30, "oov_char": None},
        {"start_char": None, "index_from": 0, "seed": 7},
    ],
)
def test_encoding_is_keras_load_data(small_npz, monkeypatch, options):
    """Our encode_keras on read_npz equals keras.datasets.imdb.load_data on the same file."""
    import keras.src.datasets.imdb as keras_imdb

    monkeypatch.setattr(keras_imdb, "get_file", lambda **kwargs: str(small_npz))
    (kx, ky), (kxt, kyt) = keras_imdb.load_data(**options)
    (x, y), (xt, yt) = imdb.encode_keras(*imdb.read_npz(small_npz), **options)
    assert [list(map(int, r)) for r in x] == [list(map(int, r)) for r in kx]
    assert [list(map(int, r)) for r in xt] == [list(map(int, r)) for r in kxt]
    assert y.tolist() == ky.tolist() and yt.tolist() == kyt.tolist()


def test_npz_with_foreign_pickles_or_garbage_is_refused(tmp_path):
    evil = tmp_path / "evil.npz"
    payload = pickle.dumps(shutil.rmtree)  # any global outside numpy arrays is refused
    header = b"\x93NUMPY\x01\x00" + b"v\x00"
    header += b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }".ljust(118) + b"\n"
    with zipfile.ZipFile(evil, "w") as archive:
        for key in ("x_train", "y_train", "x_test", "y_test"):
            archive.writestr(key + ".npy", header + payload)
    with pytest.raises(DataError, match="not a valid imdb.npz"):
        imdb.read_npz(evil)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"nothing")
    with pytest.raises(DataError, match="not a valid imdb.npz"):
        imdb.read_npz(garbage)


def test_tokeniser_is_keras_text_preprocessing():
    assert imdb_words.text_to_word_sequence("Great film!!<br /><br />It's a 10/10, really.") == [
        "great", "film", "br", "br", "it's", "a", "10", "10", "really",
    ]  # fmt: skip


def test_reverse_index_and_decode_review():
    index = {"the": 1, "and": 2, "film": 19}
    reverse = imdb_words.reverse_word_index(index)
    assert [reverse[i] for i in range(5)] == ["<PAD>", "<START>", "<UNK>", "<UNUSED>", "the"]
    assert imdb_words.decode_review([1, 4, 22, 2, 999], reverse) == "<START> the film <UNK> ?"


def test_shared_word_index_is_accepted_by_content_and_altered_copies_are_not(shared_data, tmp_path):
    source = DataSource(data_dir=shared_data / "imdb", offline=True)
    path = imdb_words.find_word_index(source)
    assert cache.verify(imdb_words.WORD_INDEX, path) is False  # re-serialised: another md5
    index = imdb_words.get_word_index(source)
    assert len(index) == 88584 and index["the"] == 1 and index["br"] == 7
    index["the"] = 2
    (tmp_path / imdb_words.WORD_INDEX.fname).write_text(json.dumps(index))
    with pytest.raises(DataError, match="neither its md5"):
        imdb_words.find_word_index(DataSource(data_dir=tmp_path, offline=True))


def test_aclimdb_folder_with_word_index_gives_keras_encoding(shared_data):
    source = DataSource(data_dir=shared_data / "imdb", offline=True)
    (x, y), (xt, yt) = imdb.load(source, num_words=20000)
    assert (len(x), len(xt)) == (500, 500) and y.sum() == yt.sum() == 250
    assert all(r[0] == 1 and max(r) < 20000 for r in x)
    reverse = imdb_words.reverse_word_index(imdb_words.get_word_index(source))
    text = (shared_data / "imdb/aclImdb/train/pos/0_9.txt").read_text(encoding="utf-8")
    encoded = [1] + [w + 3 for w in imdb_words.encode_text(text, imdb_words.get_word_index(source))]
    assert imdb_words.decode_review(encoded, reverse).startswith(
        "<START> bromwell high is a cartoon comedy it ran at the same time as some other programs"
    )
    assert any(list(r) == [w if w < 20000 else 2 for w in encoded] for r in x)


def test_missing_data_offline_names_the_file_and_the_alternatives(tmp_path):
    with pytest.raises(DataError) as caught:
        imdb.load(DataSource(data_dir=tmp_path, offline=True))
    message = str(caught.value)
    assert "imdb.npz" in message and imdb.IMDB_NPZ.origin in message
    assert imdb.IMDB_NPZ.file_hash in message and "aclImdb" in message and "\n" not in message


def test_unreadable_review_is_a_data_error(tmp_path):
    for split in imdb.SPLITS:
        for label in ("pos", "neg"):
            (tmp_path / "aclImdb" / split / label).mkdir(parents=True)
    (tmp_path / "aclImdb/train/pos/0_9.txt").write_bytes(b"\xff\xfe bad bytes")
    with pytest.raises(DataError, match=re.escape("0_9.txt is not a readable review")):
        imdb.read_aclimdb(tmp_path / "aclImdb", "train")
    with pytest.raises(DataError, match="holds no reviews"):
        imdb.read_aclimdb(tmp_path / "aclImdb", "test")


def test_synthetic_twin_is_balanced_mixed_and_in_the_same_integer_space():
    (x, y), (xt, yt) = imdb.load(
        DataSource(kind="synthetic"), num_words=100, train_count=400, test_count=200
    )
    assert (len(x), len(xt)) == (400, 200) and y.sum() == 200 and yt.sum() == 100
    assert all(r[0] == 1 and all(3 <= w < 100 or w == 2 for w in r[1:]) for r in x)
    assert any(2 in r for r in x)  # words ranked beyond num_words become <UNK>
    index = imdb_synthetic.synthetic_word_index()
    assert index["the"] == 1 and sorted(index.values()) == list(range(1, len(index) + 1))
    texts, labels = imdb_synthetic.synthetic_texts(300, seed=3)
    words = [set(imdb_words.text_to_word_sequence(t)) for t in texts]
    # Sentiment words of both kinds appear in both classes: no single word decides.
    for label in (0, 1):
        chosen = [w for w, lab in zip(words, labels, strict=True) if lab == label]
        assert any("not" in w for w in chosen)
        assert any(
            w & set(imdb_synthetic.POSITIVE) and w & set(imdb_synthetic.NEGATIVE) for w in chosen
        )
    assert imdb_synthetic.synthetic_texts(300, seed=3)[0] == texts


def test_user_text_encoding_and_vocabulary_file(tmp_path):
    index = {"the": 1, "film": 19, "wonderful": 386, "rare": 30000}
    path = imdb_reviews.save_vocabulary(tmp_path, index, num_words=1000)
    assert imdb_reviews.read_vocabulary(tmp_path) == {"the": 1, "film": 19, "wonderful": 386}
    assert path.name == imdb_reviews.VOCABULARY_FILE
    assert imdb_words.encode_user_text("The wonderful film, zzz!", index, 1000) == [
        1,
        4,
        389,
        22,
        2,
    ]
    with pytest.raises(UserError, match="give a review"):
        imdb_words.encode_user_text("  !! ", index, 1000)
    with pytest.raises(UserError, match="none of the words"):
        imdb_words.encode_user_text("zzz qqq", index, 1000)
    with pytest.raises(UserError, match="no word_index.json"):
        imdb_reviews.read_vocabulary(tmp_path / "elsewhere")

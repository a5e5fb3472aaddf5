"""Plumbing shared by the IMDB review classifiers (imdb_lstm, imdb_bidirectional_lstm, imdb_cnn,
imdb_cnn_lstm; imdb_fasttext for training): their data containers, training with the test set as
validation data (as the originals did), the vocabulary a run keeps, and classifying a review a
user types.

What each example teaches, its settings, its padding length and its model, stays in its module.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np

from keras_classics import training
from keras_classics.config import check_range
from keras_classics.datasets import imdb_words
from keras_classics.datasets.imdb_words import read_word_index
from keras_classics.errors import UserError
from keras_classics.runs import Run, write_atomic

# More words than the IMDB vocabulary has (88,584) only add Embedding rows no review uses; no
# review is longer than 2,494 words, so a longer padding is all zeros.
MAX_FEATURES = 100_000
MAX_MAXLEN = 10_000


def check_sizes(config) -> None:
    """The vocabulary and padding sizes of every IMDB classifier (its `check()` calls this).

    Raises:
        UserError: for a size the Embedding or the padding cannot use.
    """
    check_range(
        "max_features",
        config.max_features,
        4,
        MAX_FEATURES,
        why="the IMDB vocabulary has 88,584 words",
    )
    check_range("maxlen", config.maxlen, 1, MAX_MAXLEN, why="the longest review has 2,494 words")


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Vocabulary size of the Embedding (the word ids are below it)."""

    max_features: int = 20000


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]  # (N, maxlen) int32 word ids, (N, 1) labels
    test: tuple[np.ndarray, np.ndarray]
    spec: DataSpec
    word_index: dict[str, int] | None  # for `sample`; None when the index file is missing


def train(
    build_model: Callable[..., keras.Model], config, data, run: Run | None
) -> dict[str, float]:
    """Builds the example's model, saves the vocabulary `sample` needs, fits with the test set as
    validation data and returns the test metrics."""
    model = build_model(config, data.spec)
    if run is not None and data.word_index is not None:
        # the words the model knows (imdb_fasttext's spec also counts its n-gram ids)
        save_vocabulary(run.artifacts, data.word_index, config.max_features)
    training.fit(
        model,
        run,
        *data.train,
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        validation_data=data.test,
    )
    metrics = evaluate(config, data, model)
    print(f"Test score: {metrics['test_loss']:.4f}  Test accuracy: {metrics['test_accuracy']:.4f}")
    return metrics


def evaluate(config, data, model: keras.Model) -> dict[str, float]:
    """Test loss and accuracy."""
    return training.evaluate(model, *data.test, batch_size=config.batch_size)


def classify(config, model: keras.Model, run: Run | None, test_reviews: Callable[[], Data]) -> str:
    """Classifies `--set text="..."` with a trained model, encoded as its training reviews were;
    without a text, three random test reviews of the run's data (`test_reviews()` loads it).

    Raises:
        UserError: no vocabulary saved with the run, or no known word in the text.
    """
    index = read_vocabulary(None if run is None else run.artifacts)
    if config.text:
        ids = imdb_words.encode_user_text(config.text, index, config.max_features)
        x = keras.utils.pad_sequences([ids], maxlen=config.maxlen)
        text = _verdict(float(model.predict(x, verbose=0)[0, 0]))
    else:
        text = random_reviews(model, test_reviews(), index)
    print(text)
    return text


def _verdict(positive: float) -> str:
    return f"{'positive' if positive >= 0.5 else 'negative'} (P(positive) = {positive:.3f})"


def random_reviews(model: keras.Model, data: Data, index: dict[str, int], count: int = 3) -> str:
    """`count` random test reviews, decoded, with the model's verdict and the true label."""
    x_test, y_test = data.test
    chosen = np.random.default_rng().choice(
        len(x_test), size=min(count, len(x_test)), replace=False
    )
    reverse = imdb_words.reverse_word_index(index)
    predictions = model.predict(x_test[chosen], verbose=0)
    blocks = []
    for row, i in enumerate(chosen):
        words = imdb_words.decode_review([w for w in x_test[i] if w], reverse).split()
        shown = " ".join(words[:60]) + (" ..." if len(words) > 60 else "")
        truth = "positive" if int(np.ravel(y_test[i])[0]) == 1 else "negative"
        verdict = _verdict(float(np.ravel(predictions[row])[0]))
        blocks.append(f"review: {shown}\nmodel: {verdict}; true label: {truth}")
    return "\n\n".join(blocks)


VOCABULARY_FILE = "word_index.json"


def save_vocabulary(folder: Path, word_index: dict[str, int], num_words: int) -> Path:
    """The words a model trained with `num_words` can see, for classifying new text later."""
    kept = {w: r for w, r in word_index.items() if r + 3 < num_words}
    path = Path(folder) / VOCABULARY_FILE
    write_atomic(path, json.dumps(kept, ensure_ascii=False))
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

"""The IMDB classifiers and fastText: the seed's parameter counts, n-grams, hashing, the memory
guard, classifying typed reviews, and learning on the synthetic twin."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from conftest import BACKEND
from keras_classics import config, training
from keras_classics.datasets import DataSource
from keras_classics.errors import UserError
from keras_classics.examples import (
    imdb_bidirectional_lstm,
    imdb_cnn,
    imdb_cnn_lstm,
    imdb_fasttext,
    imdb_lstm,
)
from keras_classics.examples.families import imdb_reviews
from keras_classics.registry import Context
from keras_classics.runs import Run

SYNTHETIC = Context(source=DataSource(kind="synthetic"))  # what `sample` draws from

CLASSIFIERS = [imdb_lstm, imdb_bidirectional_lstm, imdb_cnn, imdb_cnn_lstm, imdb_fasttext]


@pytest.mark.parametrize(
    "module, expected",
    [
        (imdb_lstm, 2691713),
        (imdb_bidirectional_lstm, 2658945),
        (imdb_cnn, 350751),
        (imdb_cnn_lstm, 2638895),
        (imdb_fasttext, 1000051),
    ],
)
def test_parameter_counts_match_the_walkthrough(module, expected):
    assert module.build_model(module.Config()).count_params() == expected


def test_fasttext_trigram_size_is_the_seeds_and_the_formula_is_keras_own():
    trigram = imdb_fasttext.Config(ngram_range=3)
    spec = imdb_fasttext.default_spec(trigram)
    assert spec.max_features == 4682967
    assert imdb_fasttext.parameter_count(trigram, spec) == 234148401
    # The formula the count comes from is the one Keras builds, on a size that is cheap to build.
    small = imdb_fasttext.DataSpec(max_features=12345, maxlen=400)
    model = imdb_fasttext.build_model(trigram, small)
    assert model.count_params() == imdb_fasttext.parameter_count(trigram, small) == 617301


def test_fasttext_refuses_models_over_the_memory_limit_and_needs_data_for_exact_bigrams():
    with pytest.raises(UserError, match="ngram_buckets"):
        imdb_fasttext.build_model(imdb_fasttext.Config(ngram_range=3, memory_limit_gb=1.0))
    with pytest.raises(UserError, match="comes from the training data"):
        imdb_fasttext.default_spec(imdb_fasttext.Config(ngram_range=2))
    hashed = imdb_fasttext.Config(ngram_range=3, ngram_buckets=2**20)
    assert imdb_fasttext.default_spec(hashed).max_features == 20001 + 2**20


def test_create_ngram_set_and_add_ngram_reproduce_the_docstrings():
    example = [1, 4, 9, 4, 1, 4]
    assert imdb_fasttext.create_ngram_set(example, 2) == {(4, 9), (4, 1), (1, 4), (9, 4)}
    assert imdb_fasttext.create_ngram_set(example, 3) == {
        (1, 4, 9),
        (4, 9, 4),
        (9, 4, 1),
        (4, 1, 4),
    }
    sequences = [[1, 3, 4, 5], [1, 3, 7, 9, 2]]
    token_indice = {(1, 3): 1337, (9, 2): 42, (4, 5): 2017}
    assert imdb_fasttext.add_ngram(sequences, token_indice, 2) == [
        [1, 3, 4, 5, 1337, 2017],
        [1, 3, 7, 9, 2, 1337, 42],
    ]
    token_indice[(7, 9, 2)] = 2018
    assert imdb_fasttext.add_ngram(sequences, token_indice, 3) == [
        [1, 3, 4, 5, 1337, 2017],
        [1, 3, 7, 9, 2, 1337, 42, 2018],
    ]
    # Only the review is scanned, not the ids appended before (the original's trigram pass did).
    assert imdb_fasttext.add_ngram([[5, 6]], {(5, 6): 7, (6, 7): 8, (5, 6, 7): 9}, 3) == [[5, 6, 7]]


def test_ngram_ids_are_numbered_from_max_features_plus_one():
    x_train = [[1, 4, 9, 4, 1, 4], [1, 9, 4]]
    table = imdb_fasttext.ngram_table(x_train, 2, max_features=20)
    assert table == {(1, 4): 21, (1, 9): 22, (4, 1): 23, (4, 9): 24, (9, 4): 25}
    table3 = imdb_fasttext.ngram_table(x_train, 3, max_features=20)
    assert len(table3) == 10 and sorted(table3.values()) == list(range(21, 31))
    # Sorted tuples: a bigram comes right before the trigrams that extend it.
    assert table3[(1, 4)] == 21 and table3[(1, 4, 9)] == 22 and table3[(1, 9, 4)] == 24


def test_hashed_ngrams_are_stable_and_inside_their_buckets():
    reviews = [[1, 4, 9, 4, 1, 4], [7, 1, 4, 9]]
    out = imdb_fasttext.add_hashed_ngrams(reviews, 3, buckets=64, max_features=100)
    assert out[0][:6] == reviews[0] and len(out[0]) == 6 + 5 + 4
    appended = out[0][6:] + out[1][4:]
    assert all(101 <= i <= 164 for i in appended)
    # (1, 4) and (4, 9) and (1, 4, 9) occur in both reviews: the same ids.
    assert out[0][6] == out[1][5] and out[0][7] == out[1][6] and out[0][11] == out[1][8]
    assert out == imdb_fasttext.add_hashed_ngrams(reviews, 3, buckets=64, max_features=100)


@pytest.mark.parametrize("module", CLASSIFIERS)
def test_sample_classifies_a_typed_review(module, tmp_path):
    cfg = config.resolve(module.Config, module.PRESETS, "tiny", ["text=a wonderful film"])
    if module is imdb_fasttext:
        cfg = dataclasses.replace(cfg, ngram_buckets=256)
    data = module.load_data(cfg, DataSource(kind="synthetic"))
    model = module.build_model(cfg, data.spec)
    run = Run(tmp_path)
    imdb_reviews.save_vocabulary(run.artifacts, data.word_index, cfg.max_features)
    line = module.sample(cfg, model, run, SYNTHETIC)
    assert line.split()[0] in ("positive", "negative") and "P(positive)" in line
    drawn = module.sample(dataclasses.replace(cfg, text=""), model, run, SYNTHETIC)
    assert drawn.count("review: ") == 3 and drawn.count("true label: ") == 3
    with pytest.raises(UserError, match="word_index.json"):
        module.sample(cfg, model, None, SYNTHETIC)


def test_fasttext_sample_needs_unigrams_or_hashing(tmp_path):
    cfg = imdb_fasttext.Config(ngram_range=2, text="great")
    with pytest.raises(UserError, match="ngram_buckets"):
        imdb_fasttext.sample(cfg, None, Run(tmp_path), SYNTHETIC)


@pytest.mark.skipif(
    BACKEND != "jax", reason="learning is the same on every backend; JAX runs it fastest"
)
def test_fasttext_learns_the_synthetic_reviews_with_bigrams():
    cfg = imdb_fasttext.Config(
        epochs=8,
        batch_size=64,
        train_samples=2048,
        test_samples=512,
        ngram_range=2,
        max_features=200,
        maxlen=64,
        embedding_dims=16,
    )
    data = imdb_fasttext.load_data(cfg, DataSource(kind="synthetic"))
    assert data.train[0].shape == (2048, 64) and data.train[1].shape == (2048, 1)
    assert np.isclose(data.train[1].mean(), 0.5) and data.ngrams > 1000
    training.seed_everything(cfg.seed)
    accuracy = imdb_fasttext.train(cfg, data, None)["test_accuracy"]
    assert accuracy > 0.63, accuracy  # chance is 0.5 (about 0.71 on JAX)

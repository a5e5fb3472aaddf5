"""`explain NAME --data-dir ../shared/data`: with the real files, the walkthrough prints what the
seed prints (word indexes, vectors, token tables, shapes, parameter counts).

../shared/data holds one subfolder per dataset (babi/, imdb/, nietzsche/, fra-eng/, mnist/);
these tests go through the command line exactly as a reader would. The output does not depend
on the backend, so they run on JAX only.
"""

from __future__ import annotations

import ast
import re

import pytest

from keras_classics.cli import main

pytestmark = pytest.mark.backend_free

SEED_QA1_WORD_INDEX = (
    "{'.': 1, '?': 2, 'Daniel': 3, 'John': 4, 'Mary': 5, 'Sandra': 6, 'Where': 7, 'back': 8, "
    "'bathroom': 9, 'bedroom': 10, 'garden': 11, 'hallway': 12, 'is': 13, 'journeyed': 14, "
    "'kitchen': 15, 'moved': 16, 'office': 17, 'the': 18, 'to': 19, 'travelled': 20, 'went': 21}"
)
# The seed prints ':' for '.' (a transcription slip); every other entry is as printed.
SEED_QA2_WORD_INDEX = (
    "{'.': 1, '?': 2, 'Daniel': 3, 'John': 4, 'Mary': 5, 'Sandra': 6, 'Where': 7, 'apple': 8, "
    "'back': 9, 'bathroom': 10, 'bedroom': 11, 'discarded': 12, 'down': 13, 'dropped': 14, "
    "'football': 15, 'garden': 16, 'got': 17, 'grabbed': 18, 'hallway': 19, 'is': 20, "
    "'journeyed': 21, 'kitchen': 22, 'left': 23, 'milk': 24, 'moved': 25, 'office': 26, "
    "'picked': 27, 'put': 28, 'the': 29, 'there': 30, 'to': 31, 'took': 32, 'travelled': 33, "
    "'up': 34, 'went': 35}"
)


def explain(capsys, name: str, data_dir, first: str = "data: real") -> str:
    assert main(["explain", name, "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == first, out.splitlines()[0]
    return out


def test_mnist_walkthroughs_show_the_real_test_images_where_training_images_are_absent(
    capsys, shared_data
):
    stand_in = (
        f"data: real; {shared_data / 'mnist'} lacks train-images-idx3-ubyte.gz: its 10,000 real "
        "test images stand in for the training images (its 60,000 training labels are there); "
        "`train` needs the training images"
    )
    out = explain(capsys, "mnist_denoising_autoencoder", shared_data, first=stand_in)
    # The seed's picture: its first digits are MNIST's test labels in the picture's layout.
    lines = out.split("digits on the 30 lines of the 10x30 picture (test labels):\n")[1].split()
    assert lines[:4] == [*["721313789369547995185459598301"] * 3, "041472374314679515089390723994"]
    assert "x_train.shape (1000, 28, 28, 1)  x_test.shape (300, 28, 28, 1)" in out


def flat(text: str) -> str:
    """Whitespace-insensitive form, for numpy arrays printed over several lines."""
    return " ".join(text.split())


def test_babi_memnn_prints_the_seeds_word_index_vectors_and_shapes(capsys, shared_data):
    out = explain(capsys, "babi_memnn", shared_data)
    assert SEED_QA1_WORD_INDEX in out
    assert (
        "(['Mary', 'moved', 'to', 'the', 'bathroom', '.', 'John', 'went', 'to', 'the', "
        "'hallway', '.'], ['Where', 'is', 'Mary', '?'], 'bathroom')" in out
    )
    assert flat("0 0 5 16 19 18 9 1 4 21 19 18 12 1] [ 7 13 5 2] 9") in flat(out)
    for line in ("inputs_train shape: (10000, 68)", "queries_train shape: (10000, 4)"):
        assert line in out
    assert "answers_train shape: (10000,)" in out
    assert "babi_memnn: total 24,750" in out


def test_babi_rnn_prints_the_seeds_word_index_and_one_hot_answer(capsys, shared_data):
    out = explain(capsys, "babi_rnn", shared_data)
    assert SEED_QA2_WORD_INDEX in out
    assert flat("5 35 9 31 29 16 1] [ 7 20 29 15 2]") in flat(out)
    assert flat("[0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 0. 1. 0.") in flat(out)
    # Why categorical_crossentropy here and the sparse one in babi_memnn: the answers' form.
    assert "a row of 36 zeros with a 1 at the answer's id (16, 'garden')" in out
    assert "babi_memnn keeps each answer as its word id, an integer" in out
    dense = out.split("categorical_crossentropy(y[:3], p)")[1].split("=")[1].splitlines()[0]
    sparse = out.split("sparse_categorical_crossentropy(y[:3].argmax(1), p) =")[1].splitlines()[0]
    assert dense.strip() == sparse.strip() and len(dense.split()) == 3  # the same numbers
    for line in ("x.shape = (1000, 552)", "xq.shape = (1000, 5)", "y.shape = (1000, 36)"):
        assert line in out
    assert "total 131,636" in out


@pytest.mark.parametrize(
    ("name", "seed_params"), [("lstm_seq2seq", "717,149"), ("cnn_seq2seq", "1,029,917")]
)
def test_seq2seq_prints_the_token_tables_and_shapes_of_the_file(
    capsys, shared_data, name, seed_params
):
    out = explain(capsys, name, shared_data)
    # The seed's tables, up to the characters this newer fra.txt release adds ('4' and '’').
    assert "print(input_token_index)\n{' ': 0, '!': 1, '$': 2, '%': 3, '&': 4, \"'\": 5" in out
    assert "print(target_token_index)\n{'\\t': 0, '\\n': 1, ' ': 2, '!': 3, '$': 4" in out
    assert "Max sequence length for inputs: 16" in out and "for outputs: 59" in out
    assert "encoder_input_data.shape (10000, 16, 71)" in out
    assert "decoder_target_data.shape (10000, 59, 94)" in out
    assert "gave 70 / 93" in out and f"the model has {seed_params} parameters" in out


def test_text_generation_prints_the_seeds_table_and_shapes(capsys, shared_data):
    out = explain(capsys, "lstm_text_generation", shared_data)
    assert "total chars: 57" in out
    assert "{'\\n': 0, ' ': 1, '!': 2, '\"': 3, \"'\": 4, '(': 5, ')': 6" in out
    assert "x.shape (200285, 40, 57)" in out and "y.shape (200285, 57)" in out
    assert "total 102,585" in out


def test_imdb_decodes_the_shared_reviews_and_says_where_they_come_from(capsys, shared_data):
    out = explain(capsys, "imdb_fasttext", shared_data)
    assert "aclImdb, encoded with the word index" in out
    assert "{(4, 9), (4, 1), (1, 4), (9, 4)}" in out  # the seed's ngram_range = 2 example
    assert "total 1,000,051" in out
    # The seed's "why" table: the first review's n-grams with their ids, bigrams then trigrams.
    first = ast.literal_eval(
        out.split("x_train[0] is not the seed's first review\n")[1].splitlines()[0]
    )
    counts = re.search(r"why: the first 12 of its (\d+) bigrams and the first 12 of its (\d+)", out)
    assert counts and counts.groups() == (str(len(first) - 1), str(len(first) - 2))
    table = out.split("in the order they are appended, with their ids:\n")[1].split("\n\n")[0]
    rows = [line.rsplit(":", 1) for line in table.splitlines()]
    grams = [tuple(first[i : i + n]) for n in (2, 3) for i in range(12)]
    assert [ast.literal_eval(gram) for gram, _ in rows] == grams
    assert all(int(number) > 20000 for _, number in rows)  # after the words' ids
    assert re.search(r"^\d+ bigrams, the first 12 in sorted order", out, re.MULTILINE)
    assert "x_train shape: (500, 400)\nx_test shape: (500, 400)" in out

"""addition_rnn: the seed's encoding, the disjoint hold-out, sampling input checks."""

from __future__ import annotations

import numpy as np
import pytest

from keras_classics.datasets import DataSource
from keras_classics.errors import UserError
from keras_classics.examples import addition_rnn as ex

# The seed prints questions[:10] = [' 31+991', ' 46+154', '    0+2', ...] and expected[:10] =
# ['212 ', '515 ', '2   ', ...]: reversed, space-padded questions and left-aligned answers.
SEED_PAIRS = [
    ((199, 13), " 31+991", "212 "),
    ((451, 64), " 46+154", "515 "),
    ((2, 0), "    0+2", "2   "),
]


@pytest.mark.parametrize(("operands", "question", "answer"), SEED_PAIRS)
def test_questions_and_answers_are_padded_and_reversed_as_the_seed_prints(
    operands, question, answer
):
    assert ex.make_question(*operands, digits=3, reverse=True) == (question, answer)


def test_alphabet_is_the_seeds_twelve_columns():
    assert ex.CharacterTable(ex.CHARS).chars == [" ", "+", *"0123456789"]


# Column of the True value in each row of the seed's question matrices. The seed's listing shows
# only 11 of the 12 columns per row (a column was lost when the PDF wrapped NumPy's lines), so
# where a row's shown position is off by that lost column ('9' in ' 31+991', '6' in ' 46+154'),
# the column is read with the seed's own key "[space, +, 0, 1, ..., 9]".
SEED_QUESTION_COLUMNS = {
    " 31+991": [0, 5, 3, 1, 11, 11, 3],
    " 46+154": [0, 6, 8, 1, 3, 7, 6],
    "    0+2": [0, 0, 0, 0, 2, 1, 4],
}
SEED_ANSWER_MATRICES = {
    "212 ": [[0, 0, 0, 0, 1], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [1, 0, 0, 0, 0]],
    "515 ": [[0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 1], [1]],
    "2   ": [[0, 0, 0, 0, 1], [1], [1], [1]],
}


@pytest.mark.parametrize(("question", "columns"), SEED_QUESTION_COLUMNS.items())
def test_question_one_hot_matches_the_seed(question, columns):
    matrix = ex.CharacterTable(ex.CHARS).encode(question, 7)
    assert matrix.shape == (7, 12) and matrix.dtype == bool
    assert matrix.sum(axis=1).tolist() == [1] * 7
    assert matrix.argmax(axis=1).tolist() == columns


@pytest.mark.parametrize(("answer", "rows"), SEED_ANSWER_MATRICES.items())
def test_answer_one_hot_matches_the_seed(answer, rows):
    matrix = ex.CharacterTable(ex.CHARS).encode(answer, 4)
    expected = np.zeros((4, 12), dtype=bool)
    for i, row in enumerate(rows):
        expected[i, : len(row)] = np.array(row, dtype=bool)
    assert np.array_equal(matrix, expected)
    assert not matrix[:, 1].any()  # no '+' in answers: the second column is always False


def test_default_data_has_the_seeds_shapes_and_a_disjoint_hold_out():
    data = ex.load_data(ex.Config(), DataSource())
    (x_train, y_train), (x_val, y_val) = data.train, data.test
    assert x_train.shape == (45000, 7, 12) and y_train.shape == (45000, 4, 12)
    assert x_val.shape == (5000, 7, 12) and y_val.shape == (5000, 4, 12)
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_val)


def test_model_has_the_seeds_parameter_count():
    model = ex.build_model(ex.Config())
    assert model.count_params() == 205_324
    assert [layer.count_params() for layer in model.layers] == [72192, 0, 131584, 1548]


@pytest.mark.parametrize("text", ["1234+5", "12-5", "abc", "1+2+3", ""])
def test_questions_it_cannot_encode_are_user_errors(text):
    with pytest.raises(UserError):
        ex.encode_question(text, ex.Config())


def test_a_question_encodes_like_training_data():
    x = ex.encode_question("13+199", ex.Config())
    table = ex.CharacterTable(ex.CHARS)
    assert table.decode(x[0]) == " 991+31"


def test_too_many_distinct_sums_requested_is_a_user_error():
    with pytest.raises(UserError, match="distinct sums"):
        ex.load_data(ex.Config(digits=1, training_size=100), DataSource())

"""lstm_text_generation: the seed's counts and tables, safe sampling, seed texts, explain."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest

from conftest import explain
from keras_classics import runs
from keras_classics.datasets import DataSource
from keras_classics.errors import DataError, UserError
from keras_classics.examples import lstm_text_generation as ex
from keras_classics.registry import Context

SYNTHETIC = Context(source=DataSource(kind="synthetic"))  # what `sample` draws from

# The seed's print(char_indices) for the ASCII characters (its last four, the accented
# letters, are garbled in the PDF; the real file has ä æ é ë at 53-56).
SEED_CHAR_INDICES = {
    "\n": 0, " ": 1, "!": 2, '"': 3, "'": 4, "(": 5, ")": 6, ",": 7, "-": 8,
    "a": 27, "b": 28, "e": 31, "s": 45, "z": 52,
}  # fmt: skip


def test_model_has_the_seeds_parameter_count():
    model = ex.build_model(ex.Config())
    assert model.count_params() == 102_585
    assert [layer.count_params() for layer in model.layers] == [95232, 7353]


def test_real_text_gives_the_seeds_character_table_and_windows(shared_data):
    config = ex.Config(train_samples=64, test_samples=32)
    data = ex.load_data(config, DataSource(data_dir=shared_data, offline=True))
    chars, char_indices = ex.characters(
        ex.text_corpus.load(DataSource(data_dir=shared_data)).lower()
    )
    assert len(chars) == 57 and chars[-4:] == ["ä", "æ", "é", "ë"]
    for char, index in SEED_CHAR_INDICES.items():
        assert char_indices[char] == index
    x, y = data.train
    assert x.shape == (64, 40, 57) and y.shape == (64, 57) and x.dtype == bool
    first = "".join(data.chars[i] for i in x[0].argmax(axis=1))
    assert first == "preface\n\n\nsupposing that truth is a woma"
    assert data.chars[y[0].argmax()] == "n"
    assert data.test[0].shape == (32, 40, 57)


def test_holdout_keeps_test_windows_out_of_the_training_text():
    train_text, test_text = ex.split_text("x" * 95 + "y" * 5, holdout=0.05)
    assert train_text == "x" * 95 and test_text == "y" * 5
    assert ex.split_text("abc", holdout=0) == ("abc", "abc")


# float32 softmax outputs can sum past 1; np.random.multinomial then refuses them.
OVERFULL = np.zeros(57, dtype=np.float32)
OVERFULL[:4] = np.float32(0.25000003)


def test_unnormalised_float32_probabilities_crash_multinomial():
    assert OVERFULL.astype(np.float64).sum() > 1.0
    with pytest.raises(ValueError, match="sum"):
        np.random.multinomial(1, OVERFULL.astype(np.float64), 1)


@pytest.mark.parametrize("temperature", [0.2, 0.5, 1.0, 1.2])
def test_sampling_survives_overfull_probabilities_and_zeros(temperature):
    rng = np.random.default_rng(0)
    peaked = np.zeros(57, dtype=np.float32)
    peaked[[3, 7]] = [0.7, 0.30001]  # zeros (log 0) and a sum above 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no divide-by-zero or invalid-value warnings
        draws = [ex.sample_index(OVERFULL, temperature, rng) for _ in range(50)]
        peaked_draws = [ex.sample_index(peaked, temperature, rng) for _ in range(200)]
    assert set(draws) <= {0, 1, 2, 3}
    assert set(peaked_draws) <= {3, 7}
    share = peaked_draws.count(3) / len(peaked_draws)
    # 0.7 ** (1/T) renormalised: about 0.99 at 0.2, 0.85 at 0.5, 0.70 at 1.0, 0.67 at 1.2.
    expected = 0.7 ** (1 / temperature) / (0.7 ** (1 / temperature) + 0.3 ** (1 / temperature))
    assert share == pytest.approx(expected, abs=0.1)


@pytest.mark.parametrize(
    ("text", "window"),
    [("The Truth", "   the truth"), ("what then? is there not", "is there not")],
)
def test_seed_text_is_lowercased_and_fitted_to_the_window(text, window):
    assert ex.seed_window(text, list(" ?abcdefghijklmnopqrstuvwxyz"), maxlen=12) == window


@pytest.mark.parametrize(("text", "message"), [("", "give a text"), ("truth #1", "'#', '1'")])
def test_bad_seed_texts_are_user_errors(text, message):
    with pytest.raises(UserError, match=message):
        ex.seed_window(text, list(" abcdefghijklmnopqrstuvwxyz"), maxlen=12)


def test_sample_continues_a_seed_text_at_every_diversity(tmp_path, capsys):
    config = ex.Config(maxlen=8, hidden_size=8, generate_length=5, seed_text="the will")
    chars = list(" .aehiltw")
    run = runs.Run.create(tmp_path, "lstm_text_generation")
    run.write_text("vocabulary.json", json.dumps({"chars": chars, "maxlen": 8}))
    model = ex.build_model(config, ex.DataSpec(8, len(chars)))
    report = ex.sample(config, model, run, SYNTHETIC)
    blocks = report.split("----- diversity: ")[1:]
    assert len(blocks) == 4 and '----- Generating with seed: "the will"' in report
    for block in blocks:
        continuation = block.splitlines()[2]
        assert continuation.startswith("the will") and len(continuation) == 13
        assert set(continuation) <= set(chars)
    assert list(run.artifacts.glob("sample-*.txt"))
    with pytest.raises(UserError, match="outside"):
        ex.sample(ex.Config(seed_text="zebra"), model, run, SYNTHETIC)


def test_too_short_text_file_is_a_data_error(tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("only a few words here", encoding="utf-8")
    with pytest.raises(DataError, match="too short"):
        ex.load_data(ex.Config(text_path=str(path)), DataSource())


def test_bad_settings_are_user_errors():
    with pytest.raises(UserError):
        ex.Config(diversities=(0.0, 1.0)).check()
    with pytest.raises(UserError):
        ex.Config(holdout=0.7).check()


def test_explain_reproduces_the_seeds_printouts(shared_data):
    source = DataSource(data_dir=shared_data, offline=True)
    text = "\n".join(section.body for section in explain(ex, ex.Config(), source))
    assert "corpus length: 600893" in text and "total chars: 57" in text
    assert "x.shape (200285, 40, 57)" in text and "y.shape (200285, 57)" in text
    assert "'preface\\n\\n\\nsupposing that truth is a woma'  'n'" in text
    assert "total 102,585" in text


def test_tiny_synthetic_windows_have_the_twins_alphabet():
    config = ex.Config(train_samples=64, test_samples=16, maxlen=10)
    data = ex.load_data(config, DataSource(kind="synthetic"))
    assert data.train[0].shape == (64, 10, data.spec.num_chars)
    assert 25 < data.spec.num_chars < 57 and math.log(data.spec.num_chars) > 3

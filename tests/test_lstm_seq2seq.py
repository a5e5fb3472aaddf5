"""lstm_seq2seq: the seed's counts, inference models, batched greedy decoding, sampling, learning."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from conftest import explain
from keras_classics import runs, training
from keras_classics.datasets import DataSource, fra_eng
from keras_classics.errors import DataError, UserError
from keras_classics.examples import lstm_seq2seq as ex
from keras_classics.examples.families import seq2seq
from keras_classics.registry import Context

SYNTHETIC = Context(source=DataSource(kind="synthetic"))  # what `sample` draws from


def test_model_has_the_seeds_parameter_count():
    model = ex.build_model(ex.Config())
    assert model.count_params() == 717_149
    assert [layer.count_params() for layer in model.layers] == [0, 0, 334848, 358400, 23901]


def _small(num_samples=40, **changes):
    config = ex.Config(num_samples=num_samples, latent_dim=8, **changes)
    data = ex.load_data(config, DataSource(kind="synthetic"))
    return config, data, ex.build_model(config, data.spec)


def test_twin_data_is_encoded_like_the_original():
    config, data, _ = _small()
    (encoder, decoder_in), decoder_target = data.train
    assert data.split == 32 and len(decoder_target) == 32 and len(data.test[1]) == 8
    assert encoder.shape == (32, data.spec.max_encoder_seq_length, data.spec.num_encoder_tokens)
    assert decoder_in.shape == decoder_target.shape
    np.testing.assert_array_equal(decoder_in[:, 1:], decoder_target[:, :-1])  # one step ahead
    assert (encoder.sum(axis=2) == 1).all()  # padded with ' ', never an empty row


def test_inference_models_reproduce_the_teacher_forced_model():
    _, data, model = _small()
    encoder_model, decoder_model = ex.inference_models(model)
    assert ex.inference_models(model)[0] is encoder_model  # built once per model
    (encoder, decoder_in), _ = data.train
    expected = model.predict([encoder[:3], decoder_in[:3]], verbose=0)
    states = list(encoder_model.predict(encoder[:3], verbose=0))
    for t in range(5):
        probabilities, h, c = decoder_model.predict([decoder_in[:3, t : t + 1], *states], verbose=0)
        np.testing.assert_allclose(probabilities[:, 0], expected[:, t], atol=1e-5)
        states = [h, c]


def test_batched_decoding_equals_one_sentence_at_a_time():
    _, data, model = _small()
    encoder = data.train[0][0][:5]
    together = ex.decode_sequences(model, encoder, data.tables, batch_size=4)  # 4 + 1 padded
    alone = [ex.decode_sequences(model, encoder[i : i + 1], data.tables, 1)[0] for i in range(5)]
    assert together == alone and len(together) == 5
    assert all(len(s) <= data.tables.max_decoder_seq_length + 1 for s in together)


def test_real_data_loads_with_its_tables(shared_data):
    config = ex.Config(num_samples=200)
    data = ex.load_data(config, DataSource(data_dir=shared_data, offline=True))
    assert data.input_texts[:3] == ["Go.", "Run!", "Run!"] and data.split == 160
    assert data.train[0][0].shape[:2] == (160, data.tables.max_encoder_seq_length)
    assert data.spec.num_encoder_tokens == len(data.tables.input_characters)


def test_malformed_lines_are_refused_or_skipped(tmp_path, capsys):
    path = tmp_path / "fra.txt"
    path.write_text("Go.\tVa !\nno tab here\nHi.\tSalut !\nRun!\tCours !\n", encoding="utf-8")
    config = ex.Config(num_samples=3, data_path=str(path), malformed="error")
    with pytest.raises(DataError, match="line 2: 1 tab-separated column"):
        ex.load_data(config, DataSource())
    config = ex.Config(num_samples=3, data_path=str(path), validation_split=0.34)
    data = ex.load_data(config, DataSource())
    assert data.input_texts == ["Go.", "Hi.", "Run!"]
    assert "skipped 1 malformed line(s): line 2" in capsys.readouterr().err


def test_sample_translates_a_sentence_and_rejects_unknown_characters(tmp_path, capsys):
    config, data, model = _small()
    run = runs.Run.create(tmp_path, "lstm_seq2seq")
    run.write_text("tokens.json", json.dumps(data.tables.to_dict()))
    sentence = data.input_texts[0]
    decoded = ex.sample(ex.Config(sentence=sentence), model, run, SYNTHETIC)
    assert decoded == ex.decode_sequences(model, data.train[0][0][:1], data.tables, 1)[0]
    assert f"Input sentence: {sentence}\nDecoded sentence: {decoded}" in capsys.readouterr().out
    with pytest.raises(UserError, match="never saw: 'Z', '#', '1'"):
        ex.sample(ex.Config(sentence="Zoo #1"), model, run, SYNTHETIC)
    capsys.readouterr()
    ex.sample(dataclasses.replace(config, sentence=""), model, run, SYNTHETIC)
    drawn = capsys.readouterr().out  # five random validation sentences of the run's data
    assert drawn.count("Input sentence: ") == 5 and drawn.count("Expected: ") == 5


@pytest.mark.slow
def test_decoder_gives_distinct_outputs_for_distinct_inputs_after_short_training():
    # keras-io#1906: a Keras 3 lstm_seq2seq decoded "Je suis prêt." for every input. The
    # decoder learns French long before it uses the encoder's states; Adam gets there sooner.
    config = ex.Config(
        num_samples=160,
        validation_split=0.1,
        latent_dim=64,
        batch_size=16,
        optimizer="adam",
        learning_rate=0.003,
    )
    training.seed_everything(config.seed)
    data = ex.load_data(config, DataSource(kind="synthetic"))
    model = ex.build_model(config, data.spec)
    history = training.fit(model, None, *data.train, epochs=24, batch_size=16, seed=config.seed)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    inputs = data.input_texts[:12]
    decoded = ex.decode_sequences(model, data.train[0][0][:12], data.tables, 16)
    assert len(set(inputs)) == 12
    assert len(set(decoded)) >= 4, decoded


def test_explain_shows_the_tables_shapes_and_models(shared_data):
    source = DataSource(data_dir=shared_data, offline=True)
    text = "\n".join(section.body for section in explain(ex, ex.Config(), source))
    assert "encoder_input_data.shape (10000, 16, 71)" in text
    assert "decoder_target_data.shape (10000, 59, 94)" in text
    assert "{'\\t': 0, '\\n': 1, ' ': 2, '!': 3" in text
    assert "decoder_input_data[0]  '\\tVa !\\n   " in text
    assert "encoder_model: total" in text and "decoder_model: total" in text


def test_bad_settings_are_user_errors():
    with pytest.raises(UserError):
        ex.Config(malformed="ignore").check()
    with pytest.raises(UserError):
        ex.Config(validation_split=1.0).check()
    assert fra_eng.MALFORMED_POLICIES == ("skip", "error")


def _hand_made_data():
    """Six pairs, the last three held out; 'Hi.' has two translations."""
    pairs = [("Go.", "Va !"), ("Hi.", "Salut !"), ("Run!", "Cours !"),
             ("Hi.", "Salut."), ("Wow!", "Ça alors !"), ("Fire!", "Au feu !")]  # fmt: skip
    inputs, targets, tables = seq2seq.prepare(pairs, padding=" ")
    arrays = seq2seq.vectorize(inputs, targets, tables, pad_with_space=True)
    test = ((arrays[0][3:], arrays[1][3:]), arrays[2][3:])
    train = ((arrays[0][:3], arrays[1][:3]), arrays[2][:3])
    return seq2seq.Data(train, test, seq2seq.spec_of(tables), tables, inputs, targets, 3)


def test_exact_match_counts_the_pairs_translation_and_any_reference():
    data = _hand_made_data()
    positions = seq2seq.held_out(data, 100)
    assert positions.tolist() == [0, 1, 2]  # all three held-out pairs
    decoded = ["Salut !", "Ça alors !", "Au feu"]  # another reference, exact, one char short
    scores = seq2seq.exact_scores(decoded, data, positions)
    assert scores == {"exact_match": pytest.approx(1 / 3), "exact_any": pytest.approx(2 / 3)}
    report = seq2seq.translation_report(
        ["Hi.", "Wow!", "Fire!"], decoded, ["Salut.", "Ça alors !", "Au feu !"],
        seq2seq.references_of(data, [3, 4, 5]),
    )  # fmt: skip
    assert "Expected: Salut.  [exact: another reference]" in report
    assert "Expected: Ça alors !  [exact]" in report
    assert report.endswith("exact: 1/3 (33%); one of the references: 2/3 (67%)\n")
    assert seq2seq.held_out(data, 2).tolist() == [0, 2]  # spread over the held-out part


def test_character_accuracy_counts_each_translation_up_to_its_end():
    data = _hand_made_data()
    target = data.test[1]  # 'Salut.\n' then ' ' padding, ...
    end = data.tables.target_token_index[fra_eng.END]
    probabilities = target.copy()
    assert seq2seq.character_accuracy(probabilities, target, end) == 1.0
    probabilities[0, 0] = np.roll(probabilities[0, 0], 1)  # 'S' of 'Salut.' wrong
    probabilities[:, -1] = np.roll(probabilities[:, -1], 1)  # padding wrong: not counted
    characters = sum(len(t) - 1 for t in data.target_texts[3:])  # French + '\n', no '\t'
    assert seq2seq.character_accuracy(probabilities, target, end) == pytest.approx(
        1 - 1 / characters
    )


def test_evaluate_reports_the_exact_share_of_held_out_sentences():
    config, data, model = _small(num_samples=40, decode_samples=4)
    metrics = ex.evaluate(config, data, model)
    assert {"test_loss", "test_accuracy", "test_char_accuracy", "train_exact_any"} <= set(metrics)
    positions = seq2seq.held_out(data, 4)
    decoded = ex.decode_sequences(model, data.test[0][0][positions], data.tables, 4)
    scores = seq2seq.exact_scores(decoded, data, positions)
    assert metrics["test_exact_match"] == scores["exact_match"]
    assert metrics["test_exact_any"] == scores["exact_any"]

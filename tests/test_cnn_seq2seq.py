"""cnn_seq2seq: the seed's counts, causality, the decoding loop, attention, sampling, learning."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import explain
from keras_classics import runs, training
from keras_classics.datasets import DataSource
from keras_classics.errors import UserError
from keras_classics.examples import cnn_seq2seq as ex
from keras_classics.registry import Context

SYNTHETIC = Context(source=DataSource(kind="synthetic"))  # what `sample` draws from

SEED_LAYER_PARAMS = [0, 0, 71680, 54016, 196864, 196864, 196864, 196864, 0, 0, 0, 0,
                     98368, 12352, 6045]  # fmt: skip


def test_model_has_the_seeds_parameter_count_and_layer_order():
    model = ex.build_model(ex.Config())
    assert model.count_params() == 1_029_917
    assert [layer.count_params() for layer in model.layers] == SEED_LAYER_PARAMS
    assert model.get_layer("combined").output.shape == (None, None, 512)


def _small(num_samples=40):
    config = ex.Config(num_samples=num_samples, latent_dim=8, head_filters=4)
    data = ex.load_data(config, DataSource(kind="synthetic"))
    return config, data, ex.build_model(config, data.spec)


def test_arrays_are_not_padded_with_spaces():
    _, data, _ = _small()
    (encoder, decoder_in), decoder_target = data.train
    lengths = [len(t) for t in data.input_texts[:32]]
    assert (encoder.sum(axis=2) == 1).sum(axis=1).tolist() == lengths  # zeros after the text
    np.testing.assert_array_equal(decoder_in[:, 1:], decoder_target[:, :-1])


def test_the_decoder_is_causal():
    _, data, model = _small()
    (encoder, decoder_in), _ = data.train
    changed = decoder_in[:2].copy()
    changed[:, 6:] = 0.0
    changed[:, 6, 0] = 1.0  # a different character at step 6 and nothing after it
    before = model.predict([encoder[:2], decoder_in[:2]], verbose=0)
    after = model.predict([encoder[:2], changed], verbose=0)
    np.testing.assert_allclose(before[:, :6], after[:, :6], atol=1e-6)
    assert not np.allclose(before[:, 6:], after[:, 6:])


def _original_loop(model, encoder_input, tables):
    """The original's loop without early stop, for comparison."""
    count, length = len(encoder_input), tables.max_decoder_seq_length
    in_decoder = np.zeros((count, length, len(tables.target_characters)), dtype="float32")
    in_decoder[:, 0, tables.target_token_index["\t"]] = 1
    for i in range(length - 1):
        predict = np.asarray(model.predict_on_batch([encoder_input, in_decoder])).argmax(axis=-1)
        in_decoder[np.arange(count), i + 1, predict[:, i]] = 1
    end = tables.target_token_index["\n"]
    return [
        "".join(tables.target_characters[x] for x in row[: list(row).index(end)])
        if end in row
        else "".join(tables.target_characters[x] for x in row)
        for row in predict
    ]


def test_batched_early_stopping_decoding_equals_the_original_loop():
    _, data, model = _small()
    encoder = data.train[0][0][:5]
    decoded, in_decoder = ex.decode_sequences(model, encoder, data.tables, batch_size=4)
    assert decoded == _original_loop(model, encoder, data.tables)
    assert in_decoder.shape == (5, data.tables.max_decoder_seq_length, data.spec.num_decoder_tokens)


def test_attention_weights_are_a_distribution_over_input_characters():
    _, data, model = _small()
    (encoder, decoder_in), _ = data.train
    weights = ex.attention_weights(model, encoder[:2], decoder_in[:2])
    assert weights.shape == (2, decoder_in.shape[1], encoder.shape[1])
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-5)


def test_sample_translates_and_draws_attention(tmp_path, capsys):
    _, data, model = _small()
    run = runs.Run.create(tmp_path, "cnn_seq2seq")
    run.write_text("tokens.json", json.dumps(data.tables.to_dict()))
    sentence = data.input_texts[0]
    decoded = ex.sample(ex.Config(sentence=sentence), model, run, SYNTHETIC)
    assert decoded == ex.decode_sequences(model, data.train[0][0][:1], data.tables, 1)[0][0]
    assert f"Input sentence: {sentence}" in capsys.readouterr().out
    assert len(list(run.artifacts.glob("attention-*.png"))) == 1
    with pytest.raises(UserError, match="never saw: 'Z', '#', '1'"):
        ex.sample(ex.Config(sentence="Zoo #1"), model, run, SYNTHETIC)


def test_decoder_gives_distinct_outputs_for_distinct_inputs_after_short_training():
    config = ex.Config(
        num_samples=160,
        validation_split=0.1,
        latent_dim=64,
        head_filters=32,
        batch_size=16,
    )
    training.seed_everything(config.seed)
    data = ex.load_data(config, DataSource(kind="synthetic"))
    model = ex.build_model(config, data.spec)
    history = training.fit(model, None, *data.train, epochs=15, batch_size=16, seed=config.seed)
    assert history["loss"][-1] < 0.6 * history["loss"][0]  # TensorFlow diverged before the fix
    decoded, _ = ex.decode_sequences(model, data.train[0][0][:12], data.tables, 16)
    assert len(set(data.input_texts[:12])) == 12
    assert len(set(decoded)) >= 6, decoded


def test_explain_shows_the_tables_shapes_and_model(shared_data):
    source = DataSource(data_dir=shared_data, offline=True)
    text = "\n".join(section.body for section in explain(ex, ex.Config(), source))
    assert "encoder_input_data.shape (10000, 16, 71)" in text
    assert "decoder_input_data.shape (10000, 59, 94)" in text
    assert "decoder_input_data[0]  '\\tVa !\\n···" in text  # no space padding
    assert "cnn_seq2seq: total" in text

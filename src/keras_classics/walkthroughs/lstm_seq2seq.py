"""The walkthrough of lstm_seq2seq (`keras-classics explain lstm_seq2seq`): the seed's steps, in
order."""

from __future__ import annotations

from keras_classics.datasets import fra_eng
from keras_classics.examples.families import seq2seq
from keras_classics.examples.families.seq2seq import spec_of
from keras_classics.examples.lstm_seq2seq import Config, build_model, inference_models
from keras_classics.registry import Context
from keras_classics.walkthroughs import _seq2seq


def explain(config: Config, context: Context):
    """The walkthrough: parsing, token tables, shapes, teacher forcing, the models."""
    source = context.source
    from keras_classics.explaining import Section, say, summary_text

    pairs = fra_eng.load_pairs(source, config.num_samples, config.data_path, "skip", config.seed)
    yield from _seq2seq.explain_data(pairs, pad_with_space=True)
    tables = seq2seq.prepare(pairs, padding=" ")[2]
    spec = spec_of(tables)
    model = build_model(config, spec)
    yield Section(
        "The training model (encoder states initialise the decoder)",
        "训练用的神经网络结构（编码器的状态作为解码器的初始状态）",
        summary_text(model)
        + _seq2seq.release_note(
            source, config.num_samples, tables, lambda: build_model(config).count_params()
        ),
    )
    encoder_model, decoder_model = inference_models(model)
    yield Section(
        "Inference: the same layers as an encoder model and a one-step decoder model",
        "预测：同样的层组成编码器模型和单步解码器模型",
        summary_text(encoder_model)
        + "\n\n"
        + summary_text(decoder_model)
        + "\n"
        + say(
            "decode_sequence: states = encoder_model(sentence); target = '\\t'; repeat: "
            "probabilities, h, c = decoder_model(target, states); append the argmax character; "
            "stop at '\\n' or after max_decoder_seq_length characters.",
            "decode_sequence：states = encoder_model(sentence)；target = '\\t'；然后循环："
            "probabilities, h, c = decoder_model(target, states)，把概率最大（argmax）的字符追加"
            "到结果后面；遇到结束符 '\\n' 或者超过 max_decoder_seq_length 个字符时停止。",
        ),
    )

"""The walkthrough of cnn_seq2seq (`keras-classics explain cnn_seq2seq`): the seed's steps, in
order."""

from __future__ import annotations

from keras_classics.datasets import fra_eng
from keras_classics.examples.cnn_seq2seq import Config, build_model
from keras_classics.examples.families import seq2seq
from keras_classics.examples.families.seq2seq import spec_of
from keras_classics.registry import Context
from keras_classics.walkthroughs import _seq2seq


def explain(config: Config, context: Context):
    """The walkthrough: parsing, token tables, shapes, teacher forcing, the model, decoding."""
    source = context.source
    from keras_classics.explaining import Section, say, summary_text

    pairs = fra_eng.load_pairs(source, config.num_samples, config.data_path, "skip", config.seed)
    yield from _seq2seq.explain_data(pairs, pad_with_space=False)
    tables = seq2seq.prepare(pairs)[2]
    spec = spec_of(tables)
    yield Section(
        "The model: causal dilated convolutions, dot-product attention, a convolutional head",
        "神经网络结构：因果膨胀卷积、点积注意力、卷积输出层",
        summary_text(build_model(config, spec))
        + _seq2seq.release_note(
            source, config.num_samples, tables, lambda: build_model(config).count_params()
        ),
    )
    yield Section(
        "Decoding: the whole model runs once per output character",
        "预测：每输出一个字符就运行一次整个模型",
        "in_decoder = zeros; in_decoder[:, 0, '\\t'] = 1\n"
        f"for i in range({spec.max_decoder_seq_length} - 1): predict = model([in_encoder, "
        "in_decoder]).argmax(-1); in_decoder[:, i + 1, predict[:, i]] = 1\n"
        + say(
            "then each row of predict is read up to '\\n'. Causal padding makes position i "
            "depend only on decoder inputs 0..i, so earlier positions never change.",
            "然后把 predict 的每一行反向索引为字符，遇到结束符 '\\n' 就表示句子结束。因果填充"
            "（padding='causal'）使第 i 位只依赖解码器输入的第 0..i 位，所以前面已经预测出的位置"
            "不会再变。",
        ),
    )

"""The data steps the two seq2seq walkthroughs share: which fra.txt release this is, and one pair
through every encoding."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from keras_classics.datasets.source import DataSource
from keras_classics.examples.families.seq2seq import TokenTables, prepare, vectorize
from keras_classics.explaining import Text, say


def _decode_rows(matrix: np.ndarray, characters) -> str:
    """One-hot rows back to characters; an all-zero row (no padding) shows as '·'."""
    return "".join(characters[row.argmax()] if row.any() else "·" for row in matrix)


# The seed's fra.txt release: its first 10,000 pairs have 70 English and 93 French characters.
SEED_TOKENS = (70, 93)


def release_note(
    source: DataSource, num_samples: int, tables: TokenTables, seed_params: Callable[[], int]
) -> Text:
    """For the real file's default 10,000 pairs: its token counts against the seed's release
    (an empty `Text` otherwise).

    Args:
        seed_params: the parameter count of the example's model with the seed's tables (called
            only when the counts differ).
    """
    if source.synthetic or num_samples != 10000:  # the seed counted 10,000 pairs
        return Text()
    counts = (len(tables.input_characters), len(tables.target_characters))
    if counts == SEED_TOKENS:
        return "\n\n" + say(
            f"{counts[0]} / {counts[1]} characters, as in the seed.",
            f"输入和输出分别有 {counts[0]} / {counts[1]} 个字符，与原文相同。",
        )
    return "\n\n" + say(
        f"This fra.txt gives {counts[0]} / {counts[1]} characters where the seed's release "
        f"gave {SEED_TOKENS[0]} / {SEED_TOKENS[1]} (manythings.org updates the file): the first "
        f"and last layers follow the data. With the seed's tables the model has "
        f"{seed_params():,} parameters, as `keras-classics summary` shows.",
        f"这个 fra.txt 的输入和输出分别有 {counts[0]} / {counts[1]} 个字符，而原文所用的版本是 "
        f"{SEED_TOKENS[0]} / {SEED_TOKENS[1]} 个（manythings.org 会更新这个文件）：第一层和最后一层"
        f"的大小随数据而定。按原文的字符表，模型共有 {seed_params():,} 个参数，"
        "`keras-classics summary` 显示的就是这个数。",
    )


def explain_data(pairs: list[tuple[str, str]], pad_with_space: bool):
    """Sections: parsed pairs, token tables, counts and shapes, teacher-forcing arrays."""
    from keras_classics.explaining import Section

    input_texts, target_texts, tables = prepare(pairs, " " if pad_with_space else "")
    shown = "\n".join(f"{english!r} -> {french!r}" for english, french in pairs[:5])
    yield Section(
        "Reading fra.txt: English<TAB>French[<TAB>attribution], the first pairs",
        "读取 fra.txt：英语<TAB>法语[<TAB>出处]，前几对句子",
        f"{shown}\nparts = line.split('\\t'); input_text, target_text = parts[0], parts[1]"
        + say(
            " (two or three columns; the original cnn_seq2seq's two-name unpacking broke on three)",
            "（每行两列或三列都能读；原版 cnn_seq2seq 只用两个变量解包，遇到三列的行就会报错）",
        ),
    )
    yield Section(
        "Token tables: sorted characters; targets add '\\t' (start) and '\\n' (end)",
        "字符编码表：按字符排序；目标语言加了开始符 '\\t' 和结束符 '\\n'",
        f"print(input_token_index)\n{tables.input_token_index}\n\n"
        f"print(target_token_index)\n{tables.target_token_index}",
    )
    count = len(pairs)
    yield Section(
        "Counts and shapes of the one-hot arrays",
        "样本数与 one-hot 数组的形状",
        f"Number of samples: {count}\n"
        f"Number of unique input tokens: {len(tables.input_characters)}\n"
        f"Number of unique output tokens: {len(tables.target_characters)}\n"
        f"Max sequence length for inputs: {tables.max_encoder_seq_length}\n"
        f"Max sequence length for outputs: {tables.max_decoder_seq_length}\n"
        f"encoder_input_data.shape {(count, tables.max_encoder_seq_length, len(tables.input_characters))}\n"
        f"decoder_input_data.shape {(count, tables.max_decoder_seq_length, len(tables.target_characters))}\n"
        f"decoder_target_data.shape {(count, tables.max_decoder_seq_length, len(tables.target_characters))}",
    )
    encoder, decoder_in, decoder_target = vectorize(
        input_texts[:1], target_texts[:1], tables, pad_with_space
    )
    padding = (
        say("(positions after the text: ' ')", "（文本后面的位置用 ' ' 补齐）")
        if pad_with_space
        else say(
            "(positions after the text: all-zero rows (·))",
            "（文本后面的位置是全零的行，显示为 ·）",
        )
    )
    yield Section(
        "Teacher forcing: the decoder input starts with '\\t', the target is one step ahead",
        "teacher forcing：解码器输入以 '\\t' 开头，目标比输入提前一位",
        f"encoder_input_data[0]  {_decode_rows(encoder[0], tables.input_characters)!r}\n"
        f"decoder_input_data[0]  {_decode_rows(decoder_in[0], tables.target_characters)!r}\n"
        f"decoder_target_data[0] {_decode_rows(decoder_target[0], tables.target_characters)!r}\n"
        + padding,
    )

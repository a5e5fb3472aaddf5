"""What the two character-level translators (lstm_seq2seq, cnn_seq2seq) share: the token tables and
one-hot encodings of fra.txt pairs, their data containers, decoding in chunks, the tables a run
keeps, and the translation report."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np

from keras_classics.datasets.fra_eng import END, START
from keras_classics.errors import DataError, UserError
from keras_classics.examples.families import seq2seq
from keras_classics.runs import Run

# num_samples: the first N lines of fra.txt (every release has fewer than 250,000); the synthetic
# twin makes N pairs and the one-hot arrays grow with N, so a typo such as 10**12 stops here.
MAX_SAMPLES = 1_000_000


@dataclasses.dataclass(frozen=True)
class TokenTables:
    """The sorted characters of inputs and targets and the longest sequences."""

    input_characters: tuple[str, ...]
    target_characters: tuple[str, ...]
    max_encoder_seq_length: int
    max_decoder_seq_length: int

    @property
    def input_token_index(self) -> dict[str, int]:
        return {char: i for i, char in enumerate(self.input_characters)}

    @property
    def target_token_index(self) -> dict[str, int]:
        return {char: i for i, char in enumerate(self.target_characters)}

    def to_dict(self) -> dict:
        """JSON-ready (saved with a run, so `sample` encodes as training did)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TokenTables:
        return cls(
            tuple(data["input_characters"]),
            tuple(data["target_characters"]),
            int(data["max_encoder_seq_length"]),
            int(data["max_decoder_seq_length"]),
        )


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Token counts and longest sequences of the original's 10,000 pairs."""

    num_encoder_tokens: int = 70
    num_decoder_tokens: int = 93
    max_encoder_seq_length: int = 16
    max_decoder_seq_length: int = 59


@dataclasses.dataclass
class Data:
    train: tuple[tuple[np.ndarray, np.ndarray], np.ndarray]  # (encoder_in, decoder_in), target
    test: tuple[tuple[np.ndarray, np.ndarray], np.ndarray]  # the last validation_split of the pairs
    spec: DataSpec
    tables: TokenTables
    input_texts: list[str]  # all pairs, training ones first
    target_texts: list[str]
    split: int  # index of the first validation pair


def spec_of(tables: TokenTables) -> DataSpec:
    """The model's sizes from the token tables."""
    return DataSpec(
        len(tables.input_characters),
        len(tables.target_characters),
        tables.max_encoder_seq_length,
        tables.max_decoder_seq_length,
    )


def with_start_end(french: str) -> str:
    """'Va !' -> '\\tVa !\\n': tab starts the target sequence, newline ends it."""
    return START + french + END


def build_tables(input_texts: list[str], target_texts: list[str], padding: str = "") -> TokenTables:
    """Sorted character sets and maximum lengths, as the originals compute them.

    Args:
        padding: a character the arrays will be padded with, added to both sets if no text has
            it (only tiny subsets lack ' '; the originals then failed with a KeyError).
    """
    return TokenTables(
        tuple(sorted(set("".join(input_texts)) | set(padding))),
        tuple(sorted(set("".join(target_texts)) | set(padding))),
        max(len(t) for t in input_texts),
        max(len(t) for t in target_texts),
    )


def prepare(
    pairs: list[tuple[str, str]], padding: str = ""
) -> tuple[list[str], list[str], TokenTables]:
    """Input texts, target texts ('\\t' + French + '\\n') and their token tables."""
    input_texts = [english for english, _ in pairs]
    target_texts = [with_start_end(french) for _, french in pairs]
    return input_texts, target_texts, build_tables(input_texts, target_texts, padding)


def split_at(count: int, validation_split: float) -> int:
    """Where Keras' fit(validation_split=...) cuts: the last part validates, unshuffled."""
    return int(math.floor(count * (1.0 - validation_split)))


def unknown_characters(text: str, characters) -> list[str]:
    """Characters of `text` that are not in the table, in order of first appearance."""
    known = set(characters)
    return list(dict.fromkeys(c for c in text if c not in known))


def vectorize(
    input_texts: list[str],
    target_texts: list[str],
    tables: TokenTables,
    pad_with_space: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-hot encoder input, decoder input and decoder target (one step ahead), float32.

    Args:
        target_texts: French with START and END already added.
        pad_with_space: lstm_seq2seq fills the positions after each text with the one-hot of
            ' '; cnn_seq2seq leaves them all zero.

    Raises:
        DataError: padding with ' ' asked for, but the texts have no space.
    """
    inputs, targets = tables.input_token_index, tables.target_token_index
    if pad_with_space and (" " not in inputs or " " not in targets):
        raise DataError("cannot pad with ' ': the sentences have no space character")
    count = len(input_texts)
    encoder_input = np.zeros((count, tables.max_encoder_seq_length, len(inputs)), dtype="float32")
    decoder_input = np.zeros((count, tables.max_decoder_seq_length, len(targets)), dtype="float32")
    decoder_target = np.zeros_like(decoder_input)
    for i, (input_text, target_text) in enumerate(zip(input_texts, target_texts, strict=True)):
        for t, char in enumerate(input_text):
            encoder_input[i, t, inputs[char]] = 1.0
        for t, char in enumerate(target_text):
            decoder_input[i, t, targets[char]] = 1.0
            if t > 0:
                # decoder_target_data is ahead of decoder_input_data by one timestep
                decoder_target[i, t - 1, targets[char]] = 1.0
        if pad_with_space:
            encoder_input[i, len(input_text) :, inputs[" "]] = 1.0
            decoder_input[i, len(target_text) :, targets[" "]] = 1.0
            decoder_target[i, len(target_text) - 1 :, targets[" "]] = 1.0
    return encoder_input, decoder_input, decoder_target


def translation_report(inputs: list[str], decoded: list[str], expected: list[str] = ()) -> str:
    """The originals' printout: '-', 'Input sentence:', 'Decoded sentence:' per sentence (and
    the expected translation when known)."""
    lines = []
    for i, (source, target) in enumerate(zip(inputs, decoded, strict=True)):
        lines += ["-", f"Input sentence: {source}", f"Decoded sentence: {target}"]
        if i < len(expected):
            lines.append(f"Expected: {expected[i]}")
    return "\n".join(lines) + "\n"


def validation_sentences(data: Data, count: int) -> tuple[list[str], list[str]]:
    """`count` random validation pairs (inputs, expected translations), for a `sample` given no
    sentence: new ones each time."""
    rng = np.random.default_rng()
    pool = np.arange(data.split, len(data.input_texts))
    chosen = rng.choice(pool, size=min(count, len(pool)), replace=False) if len(pool) else []
    targets = [data.target_texts[i].strip("\t\n") for i in chosen]
    return [data.input_texts[i] for i in chosen], targets


def in_chunks(x: np.ndarray, size: int):
    """(chunk, rows) pairs of `size` rows, the last zero-padded: one input shape to compile."""
    for start in range(0, len(x), size):
        chunk = x[start : start + size]
        padding = np.zeros((size - len(chunk), *chunk.shape[1:]), dtype=chunk.dtype)
        yield np.concatenate([chunk, padding]), len(chunk)


def load_tables(run: Run | None) -> seq2seq.TokenTables:
    """The token tables saved with a run.

    Raises:
        UserError: when the run has none.
    """
    path = run.artifacts / "tokens.json" if run is not None else None
    if path is None or not path.is_file():
        raise UserError("this run has no artifacts/tokens.json; train a new run first")
    return seq2seq.TokenTables.from_dict(json.loads(path.read_text(encoding="utf-8")))

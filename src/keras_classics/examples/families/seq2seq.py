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


def translation_report(
    inputs: list[str],
    decoded: list[str],
    expected: list[str] = (),
    references: list[set[str]] = (),
    counts: bool = True,
) -> str:
    """The originals' printout: '-', 'Input sentence:', 'Decoded sentence:' per sentence (and
    the expected translation when known, marked when the decoding equals it or another of the
    sentence's `references`), then (with `counts`) how many are exact."""
    lines = []
    for i, (source, target) in enumerate(zip(inputs, decoded, strict=True)):
        lines += ["-", f"Input sentence: {source}", f"Decoded sentence: {target}"]
        if i < len(expected):
            mark = ""
            if target == expected[i]:
                mark = "  [exact]"
            elif i < len(references) and target in references[i]:
                mark = "  [exact: another reference]"
            lines.append(f"Expected: {expected[i]}{mark}")
    if expected and counts:
        lines += ["-", exact_line(decoded, expected, references)]
    return "\n".join(lines) + "\n"


def exact_line(decoded: list[str], expected: list[str], references: list[set[str]] = ()) -> str:
    """'exact: 3/5 (60%); one of the references: 4/5 (80%)'."""
    count = len(decoded)
    exact = sum(d == e for d, e in zip(decoded, expected, strict=True))
    line = f"exact: {exact}/{count} ({exact / max(count, 1):.0%})"
    if references:
        known = sum(d in r for d, r in zip(decoded, references, strict=True))
        line += f"; one of the references: {known}/{count} ({known / max(count, 1):.0%})"
    return line


def references_of(data: Data, indices) -> list[set[str]]:
    """Every French translation (without '\t' and '\n') that the loaded pairs give for the
    English sentence of each pair in `indices` (fra.txt lists several for many sentences)."""
    translations: dict[str, set[str]] = {}
    for english, french in zip(data.input_texts, data.target_texts, strict=True):
        translations.setdefault(english, set()).add(french.strip("\t\n"))
    return [translations[data.input_texts[i]] for i in indices]


def held_out(data: Data, count: int) -> np.ndarray:
    """`count` validation pairs spread evenly over `data.test` (positions in it; pair
    `data.split + position`). fra.txt is sorted by length, so the validation part is the
    longest sentences and neighbours are often the same English sentence."""
    total = len(data.test[1])
    if total == 0:
        return np.zeros(0, dtype=int)
    return np.unique(np.linspace(0, total - 1, min(count, total)).round().astype(int))


def exact_scores(decoded: list[str], data: Data, positions) -> dict[str, float]:
    """The share of held-out sentences decoded exactly as their pair's translation
    (`exact_match`) and as any translation of the same English sentence (`exact_any`)."""
    indices = [data.split + int(p) for p in positions]
    expected = [data.target_texts[i].strip("\t\n") for i in indices]
    references = references_of(data, indices)
    right = [d == e for d, e in zip(decoded, expected, strict=True)]
    known = [d in r for d, r in zip(decoded, references, strict=True)]
    return {
        "exact_match": float(np.mean(right)) if right else 0.0,
        "exact_any": float(np.mean(known)) if known else 0.0,
    }


def character_accuracy(probabilities: np.ndarray, target: np.ndarray, end_index: int) -> float:
    """Teacher-forced accuracy over the characters of each translation, its '\n' included and
    the padding after it left out (Keras' accuracy counts lstm_seq2seq's ' ' padding, about
    two thirds of the positions; cnn_seq2seq's all-zero rows have no right answer)."""
    steps = np.arange(target.shape[1])
    ends = target[:, :, end_index].argmax(axis=1)  # the position of '\n' in each target
    mask = steps[np.newaxis, :] <= ends[:, np.newaxis]
    right = probabilities.argmax(axis=-1) == target.argmax(axis=-1)
    return float(right[mask].mean()) if mask.any() else 0.0


def validation_sentences(data: Data, count: int) -> tuple[list[str], list[str], list[set[str]]]:
    """`count` random validation pairs (inputs, expected translations, every reference of each
    input), for a `sample` given no sentence: new ones each time."""
    rng = np.random.default_rng()
    pool = np.arange(data.split, len(data.input_texts))
    chosen = rng.choice(pool, size=min(count, len(pool)), replace=False) if len(pool) else []
    targets = [data.target_texts[i].strip("\t\n") for i in chosen]
    return [data.input_texts[i] for i in chosen], targets, references_of(data, chosen)


@dataclasses.dataclass
class Evaluation:
    """What `evaluate_translations` measured and the two printouts of decoded sentences."""

    metrics: dict[str, float]
    training_report: str  # the original's printout: the first training sentences
    held_out_report: str  # validation sentences with their expected translations

    def show(self, run: Run | None) -> dict[str, float]:
        """Prints both printouts, keeps them in the run (translations.txt, held_out.txt) and
        returns the metrics."""
        print(self.training_report, flush=True)
        print(self.held_out_report, flush=True)
        if run is not None:
            run.write_text("translations.txt", self.training_report)
            run.write_text("held_out.txt", self.held_out_report)
        return self.metrics


def evaluate_translations(
    model, data: Data, decode, count: int, batch_size: int, shown: int = 10
) -> Evaluation:
    """The validation pairs' teacher-forced loss (and accuracy, if compiled with it) and
    character accuracy; `count` held-out sentences decoded greedily by `decode` (encoder input
    -> sentences) and scored exactly; and, as the original printed them, the first `count`
    training sentences decoded (`train_exact_any`: the share decoded as one of their
    translations, i.e. learnt).

    Metrics: test_loss, test_char_accuracy, test_exact_match, test_exact_any, train_exact_any
    (and test_accuracy where the model is compiled with it). The held-out report shows the
    first `shown` sentences, then the counts of all.
    """
    from keras_classics import training

    metrics = training.evaluate(model, *data.test, batch_size=batch_size)
    (encoder_input, decoder_input), target = data.test
    if len(target):
        probabilities = np.asarray(
            model.predict([encoder_input, decoder_input], batch_size=batch_size, verbose=0)
        )
        end = data.tables.target_token_index[END]
        metrics["test_char_accuracy"] = character_accuracy(probabilities, target, end)
    positions = held_out(data, count)
    decoded = decode(encoder_input[positions]) if len(positions) else []
    scores = exact_scores(decoded, data, positions)
    metrics.update({f"test_{name}": value for name, value in scores.items()})
    indices = [data.split + int(p) for p in positions]
    expected = [data.target_texts[i].strip("\t\n") for i in indices]
    references = references_of(data, indices)
    inputs = [data.input_texts[i] for i in indices]
    report = translation_report(
        inputs[:shown], decoded[:shown], expected[:shown], references[:shown], counts=False
    )
    held_out_report = (
        f"{len(decoded)} held-out (validation) sentences, the first {min(shown, len(decoded))}:\n"
        f"{report}-\nall {len(decoded)}: {exact_line(decoded, expected, references)}\n"
    )

    train_count = min(count, len(data.train[1]))
    train_decoded = decode(data.train[0][0][:train_count]) if train_count else []
    train_references = references_of(data, range(train_count))
    learnt = [d in r for d, r in zip(train_decoded, train_references, strict=True)]
    metrics["train_exact_any"] = float(np.mean(learnt)) if learnt else 0.0
    training_report = translation_report(data.input_texts[:train_count], train_decoded) + (
        f"-\ndecoded as one of their translations: {sum(learnt)}/{train_count}\n"
    )
    return Evaluation(metrics, training_report, held_out_report)


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

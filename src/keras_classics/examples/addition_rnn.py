"""addition_rnn: a sequence-to-sequence LSTM that learns to add.

What it teaches: a string like "535+61" goes in, one character per time step, one-hot over an
alphabet of 12 characters; the answer "596" comes out one character per step. An encoder
LSTM(128) reads the question into one vector, RepeatVector(4) hands that vector to each of the
4 output steps, a decoder LSTM(128, return_sequences=True) unrolls it and a TimeDistributed
Dense(12, softmax) picks a character per step: 205,324 parameters.

Data, exactly as the original and the walkthrough show it: questions are padded with spaces to
7 characters and then reversed (so they read right-aligned, e.g. ' 31+991' is 199+13), answers
are left-aligned and padded to 4 (e.g. '212 '); 50,000 distinct pairs, 10% held out for
validation only: x (45000, 7, 12) and y (45000, 4, 12).

Documented result of the original: "Three digits reversed: One layer LSTM (128 HN), 50k training
examples = 99% train/test accuracy in 100 epochs."

Differences from the original (Keras 2.3.1 `examples/addition_rnn.py`):
- `np.bool` (removed from NumPy) is `bool`; `predict_classes` (removed from Keras) is
  `argmax(predict)`.
- One `fit` over all epochs instead of 199 calls of one epoch; the ten sample questions are
  printed by a callback after every epoch, and written to the run's artifacts.
- Generation is seeded, and train and validation rows are disjoint (a test checks it).
"""

from __future__ import annotations

import dataclasses
import sys

import keras
import numpy as np

from keras_classics import training
from keras_classics.config import BaseConfig
from keras_classics.datasets import DataSource
from keras_classics.errors import UserError
from keras_classics.registry import Context
from keras_classics.runs import Run

CHARS = "0123456789+ "
MAX_TRAINING_SIZE = 1_000_000  # 20 times the original's; 0.4 GB of one-hot questions
MAX_LAYERS = 64  # the original stacks 1; a million would build layers for hours


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's settings; `question` is only used by `sample`."""

    epochs: int = 199
    batch_size: int = 128
    training_size: int = 50000
    digits: int = 3
    reverse: bool = True
    hidden_size: int = 128
    layers: int = 1
    rnn: str = "lstm"
    question: str = ""

    def check(self) -> None:
        """Rejects settings the generator or the model cannot honour."""
        if self.rnn not in ("lstm", "gru", "simple_rnn"):
            raise UserError(f"rnn must be lstm, gru or simple_rnn, got {self.rnn!r}")
        if not 1 <= self.digits <= 9:
            raise UserError(f"digits must be between 1 and 9, got {self.digits}")
        if not 20 <= self.training_size <= MAX_TRAINING_SIZE:
            raise UserError(
                f"training_size must be between 20 and {MAX_TRAINING_SIZE} (the questions are "
                f"one-hot encoded in memory), got {self.training_size}"
            )
        if self.training_size > _count_pairs(self.digits):
            raise UserError(
                f"training_size {self.training_size} exceeds the {_count_pairs(self.digits)} "
                f"distinct sums of {self.digits}-digit numbers (digits={self.digits})"
            )
        if not 1 <= self.layers <= MAX_LAYERS:
            raise UserError(f"layers must be between 1 and {MAX_LAYERS}, got {self.layers}")


PRESETS = {
    # Seconds on a CPU: the smoke test the test suite runs (small model, few samples; it shows that
    # the pieces fit, not a result).
    "tiny": {"epochs": 2, "training_size": 2000, "hidden_size": 32},
    # About 1-3 min on 2 cores (`make run`): 99.8% per-character and 99.3% whole-answer test
    # accuracy.
    "quick": {"epochs": 40},
}


# -- Data ---------------------------------------------------------------------------------------
class CharacterTable:
    """One-hot encodes strings over a fixed alphabet and decodes probabilities back to strings."""

    def __init__(self, chars: str):
        self.chars = sorted(set(chars))  # [' ', '+', '0', ..., '9']
        self.char_indices = {c: i for i, c in enumerate(self.chars)}
        self.indices_char = dict(enumerate(self.chars))

    def encode(self, text: str, num_rows: int) -> np.ndarray:
        """(num_rows, len(chars)) bool matrix, one True per row."""
        x = np.zeros((num_rows, len(self.chars)), dtype=bool)
        for i, c in enumerate(text):
            x[i, self.char_indices[c]] = True
        return x

    def decode(self, x: np.ndarray, calc_argmax: bool = True) -> str:
        """Rows of probabilities (or indices, with calc_argmax=False) -> string."""
        if calc_argmax:
            x = x.argmax(axis=-1)
        return "".join(self.indices_char[int(i)] for i in x)


def max_question_length(digits: int) -> int:
    """'999+999' has 2 * digits + 1 characters."""
    return digits + 1 + digits


def make_question(a: int, b: int, digits: int, reverse: bool) -> tuple[str, str]:
    """The padded (and maybe reversed) question and the left-aligned padded answer for a + b."""
    q = f"{a}+{b}"
    query = q + " " * (max_question_length(digits) - len(q))
    answer = str(a + b)
    answer += " " * (digits + 1 - len(answer))
    if reverse:
        # Reversing the question puts the digits that matter first close to the answer's start.
        query = query[::-1]
    return query, answer


def generate_questions(config: Config, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """`training_size` distinct sums a+b (a+b and b+a count once), as the original generates."""

    def number() -> int:
        # A random number of 1..digits random digits, as the original draws it.
        length = int(rng.integers(1, config.digits + 1))
        return int("".join(map(str, rng.integers(0, 10, size=length))))

    possible = _count_pairs(config.digits)
    if config.training_size > possible:
        raise UserError(
            f"training_size {config.training_size} exceeds the {possible} distinct sums "
            f"of {config.digits}-digit numbers"
        )
    questions, expected, seen = [], [], set()
    while len(questions) < config.training_size:
        a, b = number(), number()
        key = tuple(sorted((a, b)))
        if key in seen:
            continue
        seen.add(key)
        query, answer = make_question(a, b, config.digits, config.reverse)
        questions.append(query)
        expected.append(answer)
    return questions, expected


def _count_pairs(digits: int) -> int:
    n = 10**digits  # numbers 0 .. 10^digits - 1
    return n * (n + 1) // 2


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Sequence lengths and alphabet size."""

    question_length: int = 7
    answer_length: int = 4
    num_chars: int = len(CHARS)


@dataclasses.dataclass
class Data:
    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]  # the held-out 10%, used for validation only
    spec: DataSpec
    table: CharacterTable


def vectorize(questions: list[str], answers: list[str], table: CharacterTable, spec: DataSpec):
    """One-hot x (N, 7, 12) and y (N, 4, 12), bool."""
    x = np.stack([table.encode(q, spec.question_length) for q in questions])
    y = np.stack([table.encode(a, spec.answer_length) for a in answers])
    return x, y


def load_data(config: Config, source: DataSource) -> Data:
    """Generates the questions (the same generator for --data real and synthetic: it is built in)."""
    rng = np.random.default_rng(config.seed)
    questions, expected = generate_questions(config, rng)
    table = CharacterTable(CHARS)
    spec = DataSpec(max_question_length(config.digits), config.digits + 1, len(table.chars))
    x, y = vectorize(questions, expected, table, spec)
    indices = rng.permutation(len(y))
    x, y = x[indices], y[indices]
    # Explicitly set apart 10% for validation data that we never train over.
    split_at = len(x) - len(x) // 10
    return Data(
        train=(x[:split_at], y[:split_at]),
        test=(x[split_at:], y[split_at:]),
        spec=spec,
        table=table,
    )


# -- Model --------------------------------------------------------------------------------------
RNN_LAYERS = {
    "lstm": keras.layers.LSTM,
    "gru": keras.layers.GRU,
    "simple_rnn": keras.layers.SimpleRNN,
}


def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """Encoder RNN -> RepeatVector(answer length) -> decoder RNN(s) -> TimeDistributed softmax."""
    rnn = RNN_LAYERS[config.rnn]
    model = keras.Sequential(name="addition_rnn")
    model.add(keras.Input((spec.question_length, spec.num_chars)))
    # Encoder: the whole question becomes one vector of `hidden_size` (return_sequences=False).
    model.add(rnn(config.hidden_size))  # (None, 128)
    # The decoder needs that vector at each of its `answer_length` steps.
    model.add(keras.layers.RepeatVector(spec.answer_length))  # (None, 4, 128)
    for _ in range(config.layers):
        model.add(rnn(config.hidden_size, return_sequences=True))  # (None, 4, 128)
    # One softmax over the alphabet per output step.
    model.add(
        keras.layers.TimeDistributed(keras.layers.Dense(spec.num_chars, activation="softmax"))
    )
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


# -- Training -----------------------------------------------------------------------------------
def show_predictions(
    model: keras.Model, data: Data, config: Config, rng: np.random.Generator, count: int = 10
) -> list[str]:
    """Ten validation questions with the model's answers and a right/wrong mark, as the original."""
    x_val, y_val = data.test
    rows = rng.choice(len(x_val), size=min(count, len(x_val)), replace=False)
    predictions = model.predict(x_val[rows], verbose=0).argmax(axis=-1)
    colour = sys.stdout.isatty()
    lines = []
    for row, guess_indices in zip(rows, predictions, strict=True):
        question = data.table.decode(x_val[row])
        correct = data.table.decode(y_val[row])
        guess = data.table.decode(guess_indices, calc_argmax=False)
        shown = question[::-1] if config.reverse else question
        right = correct == guess
        mark = "☑" if right else "☒"
        if colour:
            mark = ("\033[92m" if right else "\033[91m") + mark + "\033[0m"
        lines.append(f"Q {shown}  T {correct}  {mark} {guess}")
    return lines


def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """Trains, printing ten validation questions after every epoch, and returns validation metrics."""
    model = build_model(config, data.spec)
    rng = np.random.default_rng(config.seed + 1)
    log: list[str] = []

    def after_epoch(epoch: int, logs: dict) -> None:
        lines = show_predictions(model, data, config, rng)
        print("\n".join(lines), flush=True)
        log.extend([f"-- epoch {epoch + 1}", *lines])
        if run is not None:
            run.write_text("predictions.txt", "\n".join(log) + "\n")

    x_train, y_train = data.train
    training.fit(
        model,
        run,
        x_train,
        y_train,
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        validation_data=data.test,
        callbacks=[training.epoch_callback(after_epoch)],
    )
    return evaluate(config, data, model)


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """Per-character loss and accuracy on the held-out questions, and whole-answer accuracy."""
    metrics = training.evaluate(model, *data.test, batch_size=config.batch_size)
    x_val, y_val = data.test
    predicted = model.predict(x_val, verbose=0, batch_size=config.batch_size).argmax(axis=-1)
    metrics["test_answer_accuracy"] = float((predicted == y_val.argmax(axis=-1)).all(axis=1).mean())
    return metrics


# -- Sampling -----------------------------------------------------------------------------------
def encode_question(text: str, config: Config) -> np.ndarray:
    """'123+45' -> (1, 7, 12) one-hot, padded and reversed like the training data.

    Raises:
        UserError: when the text is not two numbers of at most `digits` digits joined by '+'.
    """
    text = text.replace(" ", "")
    parts = text.split("+")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise UserError(f"cannot encode {text!r}: expected a question like 123+45")
    if any(len(p) > config.digits for p in parts):
        raise UserError(
            f"cannot encode {text!r}: this model adds numbers of at most {config.digits} digits"
        )
    query, _ = make_question(int(parts[0]), int(parts[1]), config.digits, config.reverse)
    table = CharacterTable(CHARS)
    return table.encode(query, max_question_length(config.digits))[None]


def sample(config: Config, model: keras.Model, run: Run | None, context: Context) -> str:
    """Answers `--set question=123+45` with the trained model and prints it; without a question,
    ten random sums of the model's size, as the original printed after each epoch."""
    if config.question:
        questions = [config.question]
    else:
        rng = np.random.default_rng()  # new sums each time, unlike the seeded training data
        top = 10**config.digits
        questions = [f"{rng.integers(top)}+{rng.integers(top)}" for _ in range(10)]
    x = np.concatenate([encode_question(question, config) for question in questions])
    table = CharacterTable(CHARS)
    lines = []
    for question, row in zip(questions, model.predict(x, verbose=0), strict=True):
        answer = table.decode(row).strip()
        a, b = (int(p) for p in question.replace(" ", "").split("+"))
        mark = "☑" if answer == str(a + b) else "☒"
        lines.append(f"{a}+{b} = {answer}  {mark} (true: {a + b})")
    text = "\n".join(lines)
    print(text)
    return text

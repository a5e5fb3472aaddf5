"""babi_rnn: two recurrent networks, one reading the story and one the question, answer bAbI.

What it teaches: merging two RNN branches. The story (552 word ids for QA2) goes through
Embedding(50) and an LSTM(100); the question (5 ids) through its own Embedding(50) and
LSTM(100); the two final states are concatenated and a Dense softmax picks the answer word:
131,636 parameters for QA2 1k (35 words + padding = vocabulary 36). Answers are one-hot
(categorical_crossentropy), unlike babi_memnn's sparse word ids.

Data: bAbI task 2, "two supporting facts", 1,000 training questions; the answer needs two
sentences (who took the football, and where that person went):

    3 Mary got the football there.
    6 Mary went back to the garden.
    7 Where is the football? <TAB>garden<TAB>3 6

Documented result of the original (docstring table, "FB LSTM Baseline | Keras QA"): QA1 50 |
52.1, QA2 20 | 37.0, ... "the GRU model achieves ... 37.0% test accuracy on QA2 in 20 epochs (16
seconds per epoch on CPU)". Where the table comes from (keras-team/keras history of
examples/babi_rnn.py):
- Aug 2015, keras-team/keras#477 (Keras 0.1): the table was measured on this concatenating
  model with `RNN = recurrent.GRU` and a masked story Embedding (`mask_zero=True`).
- Feb 2016, #1824: LSTM instead of GRU, a different merge, the table changed to 100% / 50%;
  nobody reproduced those (#8061: ~50% on QA1; ~30% on QA2 in the #1824 thread).
- Dec 2018, #11701 (what 2.3.1 ships): the concatenating model back, but with the LSTM and no
  mask, and the 2015 numbers back unchanged; in Aug 2019 #13272 reported 21.4% on QA2 with it.
So the 37.0% is the GRU's; the 2.3.1 LSTM recipe makes about 19-25% on QA2 in 20 epochs.
`--preset aug2015` (`--set rnn=gru`) is the 2015 model, less its mask (which changed nothing
measurable here).

Measured on the real files, JAX, a 2-core CPU shared with other jobs (`keras-classics train
babi_rnn [--preset P] [--seed S] --backend jax --data-dir ../shared/data`); always giving the
most frequent answer scores 18.7% on QA2:

| config                                          | task   | seeds | test accuracy | wall  |
|-------------------------------------------------|--------|-------|---------------|-------|
| default (2.3.1 recipe: LSTM)                    | QA2 1k | 1337  | 24.2%         | 134 s |
| plain Keras 3 script of the 2.3.1 file          | QA2 1k | 1, 2  | 24.5, 19.6%   | 260 s |
| the same, story masked                          | QA2 1k | 1     | 20.8%         | 310 s |
| `--preset aug2015` (GRU)                        | QA2 1k | 1337  | 36.2%         | 422 s |
| plain script, GRU                               | QA2 1k | 1     | 34.5%         | 300 s |
| the same, story masked                          | QA2 1k | 1, 2  | 34.8, 34.4%   | 240 s |
| the 2015 GRU (hard sigmoid, reset_after=False), masked | QA2 1k | 1, 2 | 35.9, 35.3% | 190 s |
| `--preset qa1` (= `quick`)                      | QA1 1k | 1337  | 50.6%         | 95 s  |

The QA2 figures are noisy: validation accuracy jumps between 6% and 32% from epoch to epoch on
its 50 questions, and the test accuracy of the LSTM moves by 5 points between seeds.

Differences from the original (Keras 2.3.1 `examples/babi_rnn.py`):
- The tokenizer fix of PR #13263 (`(\\W+)` instead of `(\\W+)?`) is kept; malformed story files
  raise a one-line error with the file and line number.
- `validation_split=0.05` is done by hand, exactly as Keras does it (the last 5% of the training
  arrays, before shuffling), so the batch order stays reproducible.
- `--set task=N --set size=1k|10k` and `--set rnn=gru|simple_rnn` replace editing the script;
  `sample` answers a story and a question you type.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from keras_classics import training
from keras_classics.config import BaseConfig, check_range
from keras_classics.datasets import DataSource, babi, babi_stories
from keras_classics.errors import UserError
from keras_classics.examples.families import babi_qa
from keras_classics.registry import Context
from keras_classics.runs import Run

RNN_LAYERS = {
    "lstm": keras.layers.LSTM,
    "gru": keras.layers.GRU,
    "simple_rnn": keras.layers.SimpleRNN,
}


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's settings: LSTM, embeddings 50, hidden 100/100, adam, batch 32, 20 epochs."""

    epochs: int = 20
    batch_size: int = 32
    task: int = 2
    size: str = "1k"
    rnn: str = "lstm"
    embed_hidden_size: int = 50
    sent_hidden_size: int = 100
    query_hidden_size: int = 100
    validation_split: float = 0.05
    only_supporting: bool = False
    max_length: int = 0  # drop stories of this many tokens or more (0 keeps all)
    questions_per_story: int = 5  # synthetic stories only
    story: str = ""  # for `sample`
    question: str = ""  # for `sample`

    def check(self) -> None:
        """Rejects settings the data or the model cannot honour."""
        babi.challenge(self.task, self.size)
        if self.rnn not in RNN_LAYERS:
            raise UserError(f"rnn must be lstm, gru or simple_rnn, got {self.rnn!r}")
        if not 0 <= self.validation_split < 1:
            raise UserError(f"validation_split must be in [0, 1), got {self.validation_split}")
        check_range("questions_per_story", self.questions_per_story, 1)
        if self.train_samples and int(self.train_samples * (1 - self.validation_split)) < 1:
            raise UserError(
                f"train_samples {self.train_samples} leaves no training question after "
                f"validation_split {self.validation_split}; keep more"
            )


PRESETS = {
    # 128 training + 7 validation questions: every training batch has the same shape.
    "tiny": {
        "epochs": 2,
        "train_samples": 135,
        "test_samples": 64,
        "questions_per_story": 1,
        "embed_hidden_size": 16,
        "sent_hidden_size": 16,
        "query_hidden_size": 16,
    },
    # About 1.5 min here (JAX, 2 shared cores): 50.6% on QA1 1k (seed 1337; documented 52.1%),
    # where the default's QA2 sits near its 18.7% floor. The same as qa1, kept under that name.
    "quick": {"task": 1},
    # The docstring's other headline: QA1 (1k), where this model gets about 50%.
    "qa1": {"task": 1},
    # The model the docstring's table was measured on (Aug 2015, keras-team/keras#477): a GRU.
    "aug2015": {"rnn": "gru"},
}


# -- Data ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Vocabulary (with padding) and lengths; the defaults are QA2 1k's."""

    vocab_size: int = 36
    story_maxlen: int = 552
    query_maxlen: int = 5


@dataclasses.dataclass
class Data:
    # ((stories, questions), one-hot answers); a tuple of inputs, as TensorFlow's pipeline wants
    train: tuple[tuple[np.ndarray, np.ndarray], np.ndarray]
    validation: tuple[tuple[np.ndarray, np.ndarray], np.ndarray]  # the last 5% of the train file
    test: tuple[tuple[np.ndarray, np.ndarray], np.ndarray]
    spec: DataSpec
    stories: babi.Stories


def split_validation(arrays: tuple[tuple[np.ndarray, np.ndarray], np.ndarray], fraction: float):
    """Keras' validation_split: the last `fraction` of the samples, taken before shuffling."""
    (inputs, queries), answers = arrays
    split_at = int(len(answers) * (1.0 - fraction))
    train = ((inputs[:split_at], queries[:split_at]), answers[:split_at])
    validation = ((inputs[split_at:], queries[split_at:]), answers[split_at:])
    return train, validation


def load_data(config: Config, source: DataSource) -> Data:
    """Parses the task's stories and vectorises them: answers one-hot over the vocabulary."""
    stories = babi.load(
        config.task,
        config.size,
        source,
        only_supporting=config.only_supporting,
        max_length=config.max_length or None,
        train_count=config.train_samples,
        test_count=config.test_samples,
        seed=config.seed,
        questions_per_story=config.questions_per_story,
    )
    spec = DataSpec(len(stories.vocab) + 1, stories.story_maxlen, stories.query_maxlen)
    word_idx = babi_stories.word_index(stories.vocab)
    x, xq, y = babi_stories.vectorize_stories(
        stories.train, word_idx, spec.story_maxlen, spec.query_maxlen, one_hot=True
    )
    tx, txq, ty = babi_stories.vectorize_stories(
        stories.test, word_idx, spec.story_maxlen, spec.query_maxlen, one_hot=True
    )
    train, validation = split_validation(((x, xq), y), config.validation_split)
    return Data(train, validation, ((tx, txq), ty), spec, stories)


# -- Model --------------------------------------------------------------------------------------
def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """Story branch and question branch, each Embedding -> RNN, concatenated -> softmax."""
    layers = keras.layers
    rnn = RNN_LAYERS[config.rnn]
    sentence = keras.Input((spec.story_maxlen,), dtype="int32", name="story")
    encoded_sentence = layers.Embedding(spec.vocab_size, config.embed_hidden_size)(sentence)
    encoded_sentence = rnn(config.sent_hidden_size)(encoded_sentence)  # (samples, 100)

    question = keras.Input((spec.query_maxlen,), dtype="int32", name="question")
    encoded_question = layers.Embedding(spec.vocab_size, config.embed_hidden_size)(question)
    encoded_question = rnn(config.query_hidden_size)(encoded_question)  # (samples, 100)

    merged = layers.concatenate([encoded_sentence, encoded_question])  # (samples, 200)
    preds = layers.Dense(spec.vocab_size, activation="softmax")(merged)

    model = keras.Model([sentence, question], preds, name="babi_rnn")
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


# -- Training -----------------------------------------------------------------------------------
def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """Trains with 5% of the training questions held out for validation, then tests."""
    model = build_model(config, data.spec)
    if run is not None:  # what `sample` needs to read new stories
        babi_qa.save_vocab(
            run.artifacts, data.stories.vocab, data.spec.story_maxlen, data.spec.query_maxlen
        )
    x, y = data.train
    training.fit(
        model,
        run,
        x,
        y,
        epochs=config.epochs,
        batch_size=config.batch_size,
        seed=config.seed,
        validation_data=data.validation if len(data.validation[1]) else None,
    )
    metrics = evaluate(config, data, model)
    print(
        f"Test loss / test accuracy = {metrics['test_loss']:.4f} / {metrics['test_accuracy']:.4f}"
    )
    return metrics


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """Loss and accuracy on the task's test file."""
    return training.evaluate(model, *data.test, batch_size=config.batch_size)


# -- Sampling -----------------------------------------------------------------------------------
def sample(config: Config, model: keras.Model, run: Run | None, context: Context) -> str:
    """Answers `--set story="..." --set question="..."` with the trained model; without a story,
    three random test stories of the run's data, with their true answers."""
    return babi_qa.sample(model, config, run, lambda: load_data(config, context.source).stories)

"""babi_memnn: an end-to-end memory network answers questions about short stories (bAbI QA1).

What it teaches: attention over a story. Each story word is embedded twice: once (64 dims) to
be matched against the embedded question (a dot product per story word and question word,
softmax-normalised) and once (4 dims, one per question position) to be read out; the match
plus that read-out, permuted to (question position, story word), is concatenated with the
question embedding and reduced by an LSTM(32) to a softmax over the vocabulary: 24,750
parameters for QA1 10k (vocabulary 21 words + padding = 22, stories of at most 68 tokens,
questions of 4).

Data: bAbI task 1, "single supporting fact", 10,000 training questions:

    1 Mary moved to the bathroom.
    2 John went to the hallway.
    3 Where is Mary? <TAB>bathroom<TAB>1

Documented result of the original: "Reaches 98.6% accuracy on task 'single_supporting_fact_10k'
after 120 epochs. Time per epoch: 3s on CPU (core i7)." That sentence dates from the Dec 2015
script (keras-team/keras dd58103a3c, Keras 0.3), whose match had no softmax; keras-team/keras#3706
added the softmax in Sept 2016 (its author measured ~95% at epoch 100 with it) and the sentence
stayed. `--preset dec2015` is that earlier model, the same 24,750 weights without the softmax.

Measured on the real QA1 10k files, JAX, a 2-core CPU shared with other jobs (test accuracy =
the original's validation data; `keras-classics train babi_memnn [--preset P] [--seed S]
--backend jax --data-dir ../shared/data`; "package path" is load_data, build_model and
training.fit without a run directory, "plain" a plain Keras 3 script of the 2.3.1 file):

| config                      | epochs | seeds | test accuracy                                 | wall   |
|-----------------------------|--------|-------|-----------------------------------------------|--------|
| default (2.3.1 recipe)      | 120    | 1337  | 94.3%                                         | 250 s  |
| default, package path       | 120    | 1-6   | 96.4, 94.3, 95.6, 94.1, 94.8, 95.7%           | 60-90 s |
| the same without training.tune (no unrolling, 1 step per execution) | 120 | 1-6 | the same to 0.1% | |
| plain                       | 120    | 1-8   | 94.6, 87.0, 86.4, 96.2, 86.2, 95.1, 95.7, 83.9% | 70-115 s |
| plain, Keras 2's RMSprop update | 120 | 1-5  | 95.2, 83.2, 86.6, 95.5, 96.0%                 |        |
| `--preset dec2015`          | 120    | 1337  | 96.3%                                         | 228 s  |
| plain, dec2015              | 120    | 1-5   | 97.2, 97.8, 95.3, 98.0, 98.4%                 | 60-110 s |
| `--preset quick`            | 30     | 1337, 1, 2 | 94.6, 93.7, 95.4%                        | ~105 s |
| plain, quick                | 30     | 1, 2, 3 | 93.5, 95.5, 94.6%                           | 35-45 s |

(A run directory costs ~1.5 s per epoch here: checkpoint, model.keras and curves.png.)

The package does not fall short of the plain script: the issue's 94.3% against 95.9% compared one
seed with another. The package's arrays equal the original's (tokens, sorted vocabulary,
`pad_sequences`' zeros in front, sparse answer ids; tests/test_babi_models.py), and its model,
loss, batch size 32 and RMSprop (0.001, rho 0.9) are the original's. Across seeds this recipe
ends either near 94-96% or near 84-87%: the package path scored 94.1-96.4% on 7 of 7 seeds, the
plain script 3 of 8 below 88% (Fisher's exact test: p = 0.12, no evidence of a difference).
The curve explains keras-team/keras#13357 ("val_acc 0.54"): accuracy sits on a plateau near 52%
(the network answers with the place mentioned last) until epoch 35-65, then climbs at a pace
that varies with the seed (plain seeds 2 and 5 left the plateau by epoch 40 and were still
climbing at 86-87% at epoch 120). Keras 3's RMSprop divides by sqrt(v + epsilon) where Keras 2
divided by sqrt(v) + epsilon; the Keras 2 update, tried in the plain script, gives the same
spread (mean 91.3% against 90.1% over seeds 1-5), so Keras' RMSprop is kept. The documented
98.6% is the 2015 model's: without the softmax over the match (`dec2015`) the plateau ends by
epoch 14-30 and 120 epochs reach 95-98%. `quick` keeps the 2.3.1 model and raises the learning
rate to 0.01 (10x), which leaves the plateau by epoch 5-6: 30 epochs reach 93.5-95.5%, on every
seed tried.

Differences from the original (Keras 2.3.1 `examples/babi_memnn.py`):
- The tokenizer splits on `(\\W+)` instead of `(\\W+)?`: on Python 3.7+ the original raises
  AttributeError (None groups), keras-team/keras#13248, never fixed in babi_memnn.
- Malformed story files raise a one-line error with the file and line number.
- `--set task=N --set size=1k` picks another bAbI task (the original switched by editing the
  script; it offered QA1 and QA2 10k); the synthetic twin writes QA1 and QA2 stories.
- `sample` answers a story and a question you type (`--set story=... --set question=...`).
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


@dataclasses.dataclass(frozen=True)
class Config(BaseConfig):
    """The original's settings: rmsprop, batch 32, 120 epochs, QA1 with 10k stories."""

    epochs: int = 120
    batch_size: int = 32
    task: int = 1
    size: str = "10k"
    embedding_dim: int = 64
    lstm_units: int = 32
    dropout: float = 0.3
    learning_rate: float = 0.001  # RMSprop's default (rho 0.9), in Keras 2.3.1 as in Keras 3
    # The softmax over the match, added in Sept 2016 (keras-team/keras#3706); False is the
    # Dec 2015 model that the documented 98.6% was measured on (preset dec2015).
    match_softmax: bool = True
    only_supporting: bool = False
    max_length: int = 0  # drop stories of this many tokens or more (0 keeps all)
    questions_per_story: int = 5  # synthetic stories only
    story: str = ""  # for `sample`
    question: str = ""  # for `sample`

    def check(self) -> None:
        """Rejects a task or size that does not exist."""
        babi.challenge(self.task, self.size)
        if not 0 <= self.dropout < 1:
            raise UserError(f"dropout must be in [0, 1), got {self.dropout}")
        check_range("questions_per_story", self.questions_per_story, 1)


PRESETS = {
    # Seconds on a CPU: the smoke test the test suite runs (small model, few samples; it shows that
    # the pieces fit, not a result).
    "tiny": {"epochs": 2, "train_samples": 320, "test_samples": 160, "questions_per_story": 2},
    # About 2 min here (JAX, 2 shared cores): 93.7-95.4% on QA1 10k (seeds 1337, 1, 2), the same
    # model at 10x the learning rate for a quarter of the epochs.
    "quick": {"epochs": 30, "learning_rate": 0.01},
    # The model the documented 98.6% was measured on (no softmax over the match), 120 epochs:
    # about 4 min here, 96.3% (seed 1337); 95.3-98.4% with a plain script (seeds 1-5).
    "dec2015": {"match_softmax": False},
}


# -- Data ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Vocabulary (with padding) and lengths; the defaults are QA1 10k's."""

    vocab_size: int = 22
    story_maxlen: int = 68
    query_maxlen: int = 4


@dataclasses.dataclass
class Data:
    # ((stories, questions), answer ids): the two inputs as a tuple (TensorFlow's data pipeline
    # takes tuples, not lists, of inputs)
    train: tuple[tuple[np.ndarray, np.ndarray], np.ndarray]
    test: tuple[tuple[np.ndarray, np.ndarray], np.ndarray]
    spec: DataSpec
    stories: babi.Stories


def load_data(config: Config, source: DataSource) -> Data:
    """Parses the task's stories and vectorises them: answers stay word ids (sparse labels)."""
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
    arrays = []
    for split in (stories.train, stories.test):
        inputs, queries, answers = babi_stories.vectorize_stories(
            split, word_idx, spec.story_maxlen, spec.query_maxlen
        )
        arrays.append(((inputs, queries), answers))
    return Data(train=arrays[0], test=arrays[1], spec=spec, stories=stories)


# -- Model --------------------------------------------------------------------------------------
def build_model(config: Config, spec: DataSpec = DataSpec()) -> keras.Model:
    """The memory network of the original, layer for layer (functional API)."""
    layers = keras.layers
    # placeholders
    input_sequence = keras.Input((spec.story_maxlen,), dtype="int32", name="story")
    question = keras.Input((spec.query_maxlen,), dtype="int32", name="question")

    # embed the input sequence into a sequence of vectors of size 64: memory m
    input_encoder_m = keras.Sequential(
        [layers.Embedding(spec.vocab_size, config.embedding_dim), layers.Dropout(config.dropout)],
        name="input_encoder_m",
    )  # output: (samples, story_maxlen, 64)
    # embed the input into a sequence of vectors of size query_maxlen: output memory c
    input_encoder_c = keras.Sequential(
        [layers.Embedding(spec.vocab_size, spec.query_maxlen), layers.Dropout(config.dropout)],
        name="input_encoder_c",
    )  # output: (samples, story_maxlen, query_maxlen)
    # embed the question into a sequence of vectors
    question_encoder = keras.Sequential(
        [layers.Embedding(spec.vocab_size, config.embedding_dim), layers.Dropout(config.dropout)],
        name="question_encoder",
    )  # output: (samples, query_maxlen, 64)

    input_encoded_m = input_encoder_m(input_sequence)
    input_encoded_c = input_encoder_c(input_sequence)
    question_encoded = question_encoder(question)

    # a 'match' between the first input vector sequence and the question vector sequence:
    # (samples, story_maxlen, query_maxlen), softmax over the last axis as in the original
    match = layers.Dot(axes=(2, 2), name="match")([input_encoded_m, question_encoded])
    if config.match_softmax:  # (the Dec 2015 model had none: preset dec2015)
        match = layers.Activation("softmax")(match)
    # add the match matrix with the second input vector sequence
    response = layers.Add()([match, input_encoded_c])  # (samples, story_maxlen, query_maxlen)
    response = layers.Permute((2, 1))(response)  # (samples, query_maxlen, story_maxlen)
    # concatenate the match matrix with the question vector sequence
    answer = layers.Concatenate()([response, question_encoded])  # (samples, 4, 68 + 64)
    # the original paper uses a matrix multiplication for this reduction step;
    # the Keras example uses an RNN instead.
    answer = layers.LSTM(config.lstm_units)(answer)  # (samples, 32)
    # one regularization layer -- more would probably be needed.
    answer = layers.Dropout(config.dropout)(answer)
    answer = layers.Dense(spec.vocab_size)(answer)  # (samples, vocab_size)
    # we output a probability distribution over the vocabulary
    answer = layers.Activation("softmax")(answer)

    model = keras.Model([input_sequence, question], answer, name="babi_memnn")
    model.compile(
        optimizer=optimizer(config),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def optimizer(config: Config) -> keras.optimizers.Optimizer:
    """The original's `optimizer='rmsprop'`: learning rate 0.001, rho 0.9, epsilon 1e-7.

    Keras 2.3.1 divided by `sqrt(v) + epsilon`, Keras 3 divides by `sqrt(v + epsilon)`; on QA1 10k
    the two gave the same results within seed noise (see the module docstring), so this is
    Keras' own RMSprop with the Keras 2 defaults spelled out.
    """
    return keras.optimizers.RMSprop(learning_rate=config.learning_rate, rho=0.9, epsilon=1e-7)


# -- Training -----------------------------------------------------------------------------------
def train(config: Config, data: Data, run: Run | None) -> dict[str, float]:
    """Trains with the test stories as validation data (as the original); prints test accuracy."""
    model = build_model(config, data.spec)
    if run is not None:  # what `sample` needs to read new stories
        babi_qa.save_vocab(
            run.artifacts, data.stories.vocab, data.spec.story_maxlen, data.spec.query_maxlen
        )
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
    )
    metrics = evaluate(config, data, model)
    print(
        f"test accuracy {metrics['test_accuracy']:.4f} on {len(data.test[1])} questions "
        f"(always giving the most frequent answer: {chance_accuracy(data):.3f})"
    )
    return metrics


def chance_accuracy(data: Data) -> float:
    """Accuracy of always answering the most frequent test answer."""
    counts = np.bincount(data.test[1])
    return float(counts.max() / counts.sum())


def evaluate(config: Config, data: Data, model: keras.Model) -> dict[str, float]:
    """Test loss and accuracy."""
    return training.evaluate(model, *data.test, batch_size=config.batch_size)


# -- Sampling -----------------------------------------------------------------------------------
def sample(config: Config, model: keras.Model, run: Run | None, context: Context) -> str:
    """Answers `--set story="..." --set question="..."` with the trained model; without a story,
    three random test stories of the run's data, with their true answers."""
    return babi_qa.sample(model, config, run, lambda: load_data(config, context.source).stories)

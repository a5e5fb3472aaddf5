"""The registry: every example with its dataset, task and the original's documented result.

Example modules are imported lazily (`load`), so `list` is instant and importing the registry
never imports keras. Tests are generated from `EXAMPLES`, so nothing registered goes untested.
"""

from __future__ import annotations

import dataclasses
import importlib
from types import ModuleType

from keras_classics.backend import BACKENDS
from keras_classics.errors import UserError


@dataclasses.dataclass(frozen=True)
class Example:
    """One classic example.

    Attributes:
        name: the original script's name without `.py`; also the module name.
        dataset: the data it trains on.
        task: what it learns, in a few words.
        documented: the result the original script claimed.
        backends: the backends it runs on (all three unless an example says otherwise).
    """

    name: str
    dataset: str
    task: str
    documented: str
    backends: tuple[str, ...] = BACKENDS


EXAMPLES: tuple[Example, ...] = (
    Example(
        "addition_rnn",
        "generated sums (built in)",
        "seq2seq LSTM that learns to add two 3-digit numbers",
        "99% train/test accuracy in 100 epochs (3 digits, 50k samples, reversed)",
    ),
    Example(
        "antirectifier",
        "MNIST",
        "custom Antirectifier layer (0 weights) in a digit classifier",
        "none in numbers: 'comparable accuracy' to a ReLU net with 2x bigger Dense layers",
    ),
    Example(
        "babi_memnn",
        "bAbI QA1 10k (Keras S3 tarball)",
        "end-to-end memory network answering questions about stories",
        "98.6% test accuracy on QA1 10k after 120 epochs, 3 s/epoch on a CPU (core i7)",
    ),
    Example(
        "babi_rnn",
        "bAbI QA2 1k (Keras S3 tarball)",
        "two LSTMs (story, question) merged to answer bAbI questions",
        "37.0% test accuracy on QA2 (52.1% on QA1) in 20 epochs",
    ),
    Example(
        "cifar10_cnn",
        "CIFAR-10",
        "small convnet with real-time augmentation (shifts, flips)",
        "75% validation accuracy after 25 epochs, 79% after 50",
    ),
    Example(
        "cifar10_resnet",
        "CIFAR-10",
        "ResNet v1/v2 (ResNet20 v1 default) with LR scheduler and plateau callbacks",
        "ResNet20 v1 92.16% after 200 epochs (35 s/epoch GTX1080Ti); ResNet56 v2 93.01%",
    ),
    Example(
        "class_activation_maps",
        "one image; ImageNet ResNet50 or built-in net on synthetic objects",
        "class activation maps: where a ResNet50 looks for its top class",
        "none printed (a heat map); walkthrough: golden_retriever 0.827, map on the dog",
    ),
    Example(
        "cnn_seq2seq",
        "fra-eng fra.txt (manythings.org, manual download)",
        "character-level English->French causal CNN encoder-decoder with attention",
        "none",
    ),
    Example(
        "conv_lstm",
        "generated movies of moving squares (built in)",
        "stacked ConvLSTM2D predicting the next frame of a movie",
        "none (a picture of 7 frames fed in and 8 predicted beside the ground truth)",
    ),
    Example(
        "deep_dream",
        "one image; ImageNet InceptionV3 or built-in net on synthetic objects",
        "DeepDream: gradient ascent on mixed2-5 activations over 3 octaves",
        "none (an image); walkthrough's class variant: a dog becomes Persian cat (283)",
    ),
    Example(
        "imdb_bidirectional_lstm",
        "IMDB (20,000 words, maxlen 100)",
        "bidirectional LSTM sentiment classifier",
        "~0.8146 test accuracy after 4 epochs, ~150 s/epoch on a CPU (Core i7)",
    ),
    Example(
        "imdb_cnn",
        "IMDB (5,000 words, maxlen 400)",
        "Conv1D + global max pooling sentiment classifier",
        "0.89 test accuracy after 2 epochs; 90 s/epoch on an i5 CPU, 10 s/epoch on a K40",
    ),
    Example(
        "imdb_cnn_lstm",
        "IMDB (20,000 words, maxlen 100)",
        "Conv1D + max pooling in front of an LSTM, sentiment classifier",
        "0.8498 test accuracy after 2 epochs, 41 s/epoch on a K520 GPU",
    ),
    Example(
        "imdb_fasttext",
        "IMDB (20,000 words, maxlen 400, optional n-grams)",
        "fastText: averaged word (and n-gram) embeddings, sentiment classifier",
        "unigrams 0.8813, bigrams 0.9056 test accuracy after 5 epochs",
    ),
    Example(
        "imdb_lstm",
        "IMDB (20,000 words, maxlen 80)",
        "LSTM sentiment classifier",
        "none (the docstring: too small a dataset for an LSTM to beat TF-IDF + LogReg)",
    ),
    Example(
        "lstm_seq2seq",
        "fra-eng fra.txt (manythings.org, manual download)",
        "character-level English->French LSTM encoder-decoder",
        "none in the script (keras-io port: val_accuracy ~0.87 after 100 epochs)",
    ),
    Example(
        "lstm_stateful",
        "generated uniform noise (built in)",
        "stateful vs stateless LSTM learning a moving average",
        "qualitative: with lahead < tsteps only the stateful LSTM converges",
    ),
    Example(
        "lstm_text_generation",
        "nietzsche.txt (Keras S3)",
        "character-level LSTM that writes like Nietzsche",
        "generated text starts sounding coherent after at least 20 epochs",
    ),
    Example(
        "mnist_acgan",
        "MNIST",
        "auxiliary classifier GAN: class-conditional digit generator and discriminator",
        "reasonable images after ~5 epochs, good ones by ~15; 4 min/epoch on a Titan X (TF)",
    ),
    Example(
        "mnist_cnn",
        "MNIST",
        "convnet digit classifier",
        "99.25% test accuracy after 12 epochs",
    ),
    Example(
        "mnist_denoising_autoencoder",
        "MNIST",
        "convolutional autoencoder that removes N(0.5, 0.5) noise",
        "none in numbers: a picture of original, corrupted and denoised digits",
    ),
    Example(
        "mnist_hierarchical_rnn",
        "MNIST",
        "hierarchical RNN: LSTM over rows, LSTM over row encodings",
        "train acc 0.9858, val acc 0.9864 after 5 epochs",
    ),
    Example(
        "mnist_irnn",
        "MNIST",
        "IRNN (identity-initialised ReLU RNN) reading 784 pixels one by one",
        "0.93 train/test accuracy after 900 epochs",
    ),
    Example(
        "mnist_mlp",
        "MNIST",
        "multilayer perceptron digit classifier",
        "98.40% test accuracy after 20 epochs",
    ),
    Example(
        "mnist_net2net",
        "MNIST",
        "Net2WiderNet and Net2DeeperNet vs random-pad and random-init students",
        "val loss after 3 epochs: teacher 0.0356, net2wider 0.0270, net2deeper 0.0286",
    ),
)

_BY_NAME = {example.name: example for example in EXAMPLES}


def names() -> list[str]:
    """Example names in registry order."""
    return [example.name for example in EXAMPLES]


def spec(name: str) -> Example:
    """The registry entry of `name`.

    Raises:
        UserError: for an unknown name, with the closest known names.
    """
    if name not in _BY_NAME:
        import difflib

        close = difflib.get_close_matches(name, names(), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else "; see `keras-classics list`"
        raise UserError(f"unknown example {name!r}{hint}")
    return _BY_NAME[name]


def load(name: str) -> ModuleType:
    """Imports and returns the module of example `name` (imports keras: set the backend first)."""
    spec(name)
    return importlib.import_module(f"keras_classics.examples.{name}")

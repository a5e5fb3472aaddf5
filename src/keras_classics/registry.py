"""The registry: every example with its dataset, task, documented result and capabilities.

Example modules are imported lazily (`load`), so `list` is instant and importing the registry
never imports keras. Tests are generated from `EXAMPLES`, so nothing registered goes untested.

The example contract: what an example module must and may define
-----------------------------------------------------------------

Every module `keras_classics/examples/<name>.py` defines (see `REQUIRED`):

- `Config`: a frozen dataclass derived from `config.BaseConfig`: every hyperparameter, with the
  original's values as defaults.
- `PRESETS`: named overrides of `Config` (`tiny` at least: seconds, for tests).
- `load_data(config, source) -> Data`: the data, from real files or the synthetic twin
  (`datasets.DataSource`); a missing or corrupt file raises `UserError` before anything is written.
- `build_model(config, spec) -> keras.Model`: the model the seed prints, compiled.
- `train(config, data, run) -> dict`: trains (recording every epoch in `run`, see `runs.py`) and
  returns the final test metrics.
- `evaluate(config, data, model) -> dict`: the test metrics of a trained model.

What else a module defines is declared here, in its `Example` entry, and checked by
`check_module` (tests/test_contract.py runs it on every module):

- `sample(config, model, run, context)` (`Example.sample`): "run": works on a trained run's
  model, and given no input (no question, story, sentence, text) draws examples from the run's
  data (`context.source`); "standalone": also works without a run (model and run None;
  `Context`: data source, runs folder, output folder, weight file); "": no sample step.
- `custom_loop`: the example trains with its own loop (not `training.fit`, so its loss need
  not fall like a single model's).
- `own_benchmark`: `keras-classics bench` times the example's own training step with its
  `benchmark(config, data, steps, tuned)` instead of `model.fit` on `build_model`.
- `several_models`: `summary_models(config) -> {title: model}` prints several models where
  the seed shows several.
- `builtin_data`: the example makes its own data as the original did (no files to read).
- `model_parallel`: `layout_map(device_mesh) -> keras.distribution.LayoutMap` says how
  `--distribute model` shards the model's variables. `--distribute data` works for every
  example that trains through `training.fit` (not `custom_loop`); `Example.distribute` lists
  the modes.

Each example has a walkthrough, `keras_classics/walkthroughs/<name>.py`, defining
`explain(config, context)` that yields `explaining.Section`s (`context.source`: the data).
"""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path
from types import ModuleType

from keras_classics.backend import BACKENDS
from keras_classics.datasets.source import DataSource
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
        sample: "run", "standalone" or "" (see the module docstring).
        custom_loop: trains with its own loop, not `training.fit`.
        own_benchmark: defines `benchmark`, which `bench` times instead of `model.fit`.
        several_models: defines `summary_models`.
        builtin_data: generates its data itself, as the original did.
        model_parallel: defines `layout_map` for `--distribute model`.
        headline: the metrics (without test_/val_) that the results table shows for it, where
            one number would hide the comparison the original made; default: accuracy, else
            the first test metric.
        data: the real dataset it reads (a `datasets.catalog.DATASETS` key; for the MNIST
            examples the default of their `dataset` setting); "" for built-in data.
    """

    name: str
    dataset: str
    task: str
    documented: str
    backends: tuple[str, ...] = BACKENDS
    sample: str = "run"
    custom_loop: bool = False
    own_benchmark: bool = False
    several_models: bool = False
    builtin_data: bool = False
    model_parallel: bool = False
    data: str = ""
    headline: tuple[str, ...] = ()

    @property
    def distribute(self) -> tuple[str, ...]:
        """The `--distribute` modes its training supports: keras.distribution splits the steps
        of `model.fit`, not an example's own loop."""
        if self.custom_loop:
            return ()
        return ("data", "model") if self.model_parallel else ("data",)


EXAMPLES: tuple[Example, ...] = (
    Example(
        "addition_rnn",
        "generated sums (built in)",
        "seq2seq LSTM that learns to add two 3-digit numbers",
        "99% train/test accuracy in 100 epochs (3 digits, 50k samples, reversed)",
        builtin_data=True,
    ),
    Example(
        "antirectifier",
        "MNIST",
        "custom Antirectifier layer (0 weights) in a digit classifier",
        "none in numbers: 'comparable accuracy' to a ReLU net with 2x bigger Dense layers",
        sample="",
        several_models=True,
        data="mnist",
    ),
    Example(
        "babi_memnn",
        "bAbI QA1 10k (Keras S3 tarball)",
        "end-to-end memory network answering questions about stories",
        "98.6% test accuracy on QA1 10k after 120 epochs, 3 s/epoch on a CPU (core i7); "
        "measured in 2015 without the match's softmax (--preset dec2015)",
        data="babi",
    ),
    Example(
        "babi_rnn",
        "bAbI QA2 1k (Keras S3 tarball)",
        "two LSTMs (story, question) merged to answer bAbI questions",
        "37.0% test accuracy on QA2 (52.1% on QA1) in 20 epochs; measured in 2015 with a GRU "
        "(--preset aug2015), not the 2.3.1 LSTM (about 20% on QA2)",
        data="babi",
    ),
    Example(
        "cifar10_cnn",
        "CIFAR-10",
        "small convnet with real-time augmentation (shifts, flips)",
        "75% validation accuracy after 25 epochs, 79% after 50",
        sample="",
        data="cifar10",
    ),
    Example(
        "cifar10_resnet",
        "CIFAR-10",
        "ResNet v1/v2 (ResNet20 v1 default) with LR scheduler and plateau callbacks",
        "ResNet20 v1 92.16% after 200 epochs (35 s/epoch GTX1080Ti); ResNet56 v2 93.01%",
        sample="",
        data="cifar10",
    ),
    Example(
        "class_activation_maps",
        "one image; ImageNet ResNet50 or built-in net on synthetic objects",
        "class activation maps: where a ResNet50 looks for its top class",
        "none printed (a heat map); walkthrough: golden_retriever 0.827, map on the dog",
        sample="standalone",
        several_models=True,
        data="imagenet_weights",
    ),
    Example(
        "cnn_seq2seq",
        "fra-eng fra.txt (manythings.org, manual download)",
        "character-level English->French causal CNN encoder-decoder with attention",
        "none",
        data="fra_eng",
        headline=("loss", "char_accuracy", "exact_match"),
    ),
    Example(
        "conv_lstm",
        "generated movies of moving squares (built in)",
        "stacked ConvLSTM2D predicting the next frame of a movie",
        "none (a picture of 7 frames fed in and 8 predicted beside the ground truth)",
        builtin_data=True,
        headline=("rollout_error", "rollout_error_repeat_last"),
    ),
    Example(
        "deep_dream",
        "one image; ImageNet InceptionV3 or built-in net on synthetic objects",
        "DeepDream: gradient ascent on mixed2-5 activations over 3 octaves",
        "none (an image); walkthrough's class variant: a dog becomes Persian cat (283)",
        sample="standalone",
        several_models=True,
        data="imagenet_weights",
    ),
    Example(
        "imdb_bidirectional_lstm",
        "IMDB (20,000 words, maxlen 100)",
        "bidirectional LSTM sentiment classifier",
        "~0.8146 test accuracy after 4 epochs, ~150 s/epoch on a CPU (Core i7)",
        data="imdb",
    ),
    Example(
        "imdb_cnn",
        "IMDB (5,000 words, maxlen 400)",
        "Conv1D + global max pooling sentiment classifier",
        "0.89 test accuracy after 2 epochs; 90 s/epoch on an i5 CPU, 10 s/epoch on a K40",
        data="imdb",
    ),
    Example(
        "imdb_cnn_lstm",
        "IMDB (20,000 words, maxlen 100)",
        "Conv1D + max pooling in front of an LSTM, sentiment classifier",
        "0.8498 test accuracy after 2 epochs, 41 s/epoch on a K520 GPU",
        data="imdb",
    ),
    Example(
        "imdb_fasttext",
        "IMDB (20,000 words, maxlen 400, optional n-grams)",
        "fastText: averaged word (and n-gram) embeddings, sentiment classifier",
        "unigrams 0.8813, bigrams 0.9056 test accuracy after 5 epochs",
        model_parallel=True,
        data="imdb",
    ),
    Example(
        "imdb_lstm",
        "IMDB (20,000 words, maxlen 80)",
        "LSTM sentiment classifier",
        "none (the docstring: too small a dataset for an LSTM to beat TF-IDF + LogReg)",
        data="imdb",
    ),
    Example(
        "lstm_seq2seq",
        "fra-eng fra.txt (manythings.org, manual download)",
        "character-level English->French LSTM encoder-decoder",
        "none in the script (keras-io port: val_accuracy ~0.87 after 100 epochs)",
        data="fra_eng",
        headline=("accuracy", "char_accuracy", "exact_match"),
    ),
    Example(
        "lstm_stateful",
        "generated uniform noise (built in)",
        "stateful vs stateless LSTM learning a moving average",
        "qualitative: with lahead < tsteps only the stateful LSTM converges",
        custom_loop=True,
        own_benchmark=True,
        several_models=True,
        builtin_data=True,
    ),
    Example(
        "lstm_text_generation",
        "nietzsche.txt (Keras S3)",
        "character-level LSTM that writes like Nietzsche",
        "generated text starts sounding coherent after at least 20 epochs",
        data="nietzsche",
    ),
    Example(
        "mnist_acgan",
        "MNIST",
        "auxiliary classifier GAN: class-conditional digit generator and discriminator",
        "reasonable images after ~5 epochs, good ones by ~15; 4 min/epoch on a Titan X (TF)",
        custom_loop=True,
        own_benchmark=True,
        several_models=True,
        data="mnist",
        headline=("auxiliary_accuracy", "generator_generation_loss"),
    ),
    Example(
        "mnist_cnn",
        "MNIST",
        "convnet digit classifier",
        "99.25% test accuracy after 12 epochs",
        sample="",
        data="mnist",
    ),
    Example(
        "mnist_denoising_autoencoder",
        "MNIST",
        "convolutional autoencoder that removes N(0.5, 0.5) noise",
        "none in numbers: a picture of original, corrupted and denoised digits",
        several_models=True,
        data="mnist",
    ),
    Example(
        "mnist_hierarchical_rnn",
        "MNIST",
        "hierarchical RNN: LSTM over rows, LSTM over row encodings",
        "train acc 0.9858, val acc 0.9864 after 5 epochs",
        sample="",
        data="mnist",
    ),
    Example(
        "mnist_irnn",
        "MNIST",
        "IRNN (identity-initialised ReLU RNN) reading 784 pixels one by one",
        "0.93 train/test accuracy after 900 epochs",
        sample="",
        data="mnist",
    ),
    Example(
        "mnist_mlp",
        "MNIST",
        "multilayer perceptron digit classifier",
        "98.40% test accuracy after 20 epochs",
        sample="",
        data="mnist",
    ),
    Example(
        "mnist_net2net",
        "MNIST",
        "Net2WiderNet and Net2DeeperNet vs random-pad and random-init students",
        "val loss after 3 epochs: teacher 0.0356, net2wider 0.0270, net2deeper 0.0286",
        sample="",
        custom_loop=True,
        several_models=True,
        data="mnist",
        headline=("teacher_loss", "wider_net2wider_loss", "deeper_net2deeper_loss"),
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
    name = name.strip().lower()  # names match case-insensitively: MNIST_CNN is mnist_cnn
    if name not in _BY_NAME:
        import difflib

        close = difflib.get_close_matches(name, names(), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else "; see `keras-classics list`"
        raise UserError(f"unknown example {name!r}{hint}")
    return _BY_NAME[name]


def load(name: str) -> ModuleType:
    """Imports and returns the module of example `name` (imports keras: set the backend first)."""
    return importlib.import_module(f"keras_classics.examples.{spec(name).name}")


def walkthrough(name: str) -> ModuleType:
    """Imports and returns the walkthrough module of example `name` (it defines `explain`)."""
    return importlib.import_module(f"keras_classics.walkthroughs.{spec(name).name}")


@dataclasses.dataclass(frozen=True)
class Context:
    """Where a walkthrough or a standalone sample finds its inputs and puts its outputs: the
    command line's business, kept out of the examples' `Config`s.

    Attributes:
        source: the data choice (`--data`, `--data-dir`, `--offline`).
        runs_dir: where trained runs are looked for (`--runs-dir`).
        output: the folder for what a sample writes (`--output`), or None for the run's
            artifacts or a new folder under `runs_dir`.
        weights: an ImageNet weight file given by the user (`--weights`), or "".
    """

    source: DataSource = DataSource()
    runs_dir: Path = Path("runs")
    output: Path | None = None
    weights: str = ""


REQUIRED = ("Config", "PRESETS", "load_data", "build_model", "train", "evaluate")
SAMPLE_KINDS = ("run", "standalone", "")


def check_module(example: Example, module: ModuleType) -> list[str]:
    """Where `module` breaks the contract of the module docstring (an empty list: nowhere)."""
    problems = [f"defines no {part}" for part in REQUIRED if not hasattr(module, part)]
    if "tiny" not in getattr(module, "PRESETS", {}):
        problems.append("has no tiny preset")
    declared = {
        "sample": example.sample != "",
        "benchmark": example.own_benchmark,
        "summary_models": example.several_models,
        "layout_map": example.model_parallel,
    }
    if example.sample not in SAMPLE_KINDS:
        problems.append(f"sample must be one of {SAMPLE_KINDS}, not {example.sample!r}")
    for part, expected in declared.items():
        if hasattr(module, part) != expected:
            verb = "lacks" if expected else "defines undeclared"
            problems.append(f"{verb} {part}")
    for legacy in ("explain", "CUSTOM_TRAINING", "SAMPLE_NEEDS_RUN"):
        if hasattr(module, legacy):
            problems.append(f"defines {legacy}, which the registry entry now declares")
    return problems

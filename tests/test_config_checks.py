"""Every value a user can set is checked before any data is loaded: one line naming the field,
its value and what is allowed (config.validate: the generic checks by field name, then the
example's own `check()`). No training here: `config.resolve` is what `train` calls first.

FOUND lists the values an audit of all 25 examples (0, 1, 10**12, -1, 1e300, '' and an unknown
word for every field, trained for real with `--preset tiny --data synthetic`) saw end in a
traceback, a hang or an out-of-memory crash before these checks existed.
"""

from __future__ import annotations

import dataclasses
import typing

import pytest

from keras_classics import config, registry
from keras_classics.errors import UserError

pytestmark = pytest.mark.backend_free  # configs only: run in the jax pass

HUGE = "1000000000000"

# (example, --set item, what the message says), and what the value did before: a traceback deep
# in Keras, NumPy or XLA (widths of 0 or 10**12, arrays of petabytes), a hang (a million layers,
# 10**12 generated sentences), a NaN that stopped training with a misleading hint, or an abort.
FOUND = [
    ("addition_rnn", "hidden_size=0", "must be between 1 and 65536"),  # traceback
    ("addition_rnn", "hidden_size=1000000", "must be between 1 and 65536"),  # traceback
    ("addition_rnn", f"hidden_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("addition_rnn", "layers=1000000", "must be between 1 and 64"),  # hang
    ("addition_rnn", f"layers={HUGE}", "must be between 1 and 64"),  # hang
    ("addition_rnn", "digits=1", "exceeds the 55 distinct sums"),  # one line, after the data
    ("antirectifier", f"hidden_units={HUGE}", "must be between 1 and 65536"),  # traceback
    ("babi_memnn", "embedding_dim=0", "must be between 1 and 65536"),  # traceback
    ("babi_memnn", f"embedding_dim={HUGE}", "must be between 1 and 65536"),  # traceback
    ("babi_memnn", "lstm_units=0", "must be between 1 and 65536"),  # traceback
    ("babi_memnn", f"lstm_units={HUGE}", "must be between 1 and 65536"),  # traceback
    ("babi_rnn", "embed_hidden_size=0", "must be between 1 and 65536"),  # traceback
    ("babi_rnn", f"embed_hidden_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("babi_rnn", "query_hidden_size=0", "must be between 1 and 65536"),  # traceback
    ("babi_rnn", f"query_hidden_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("babi_rnn", "sent_hidden_size=0", "must be between 1 and 65536"),  # traceback
    ("babi_rnn", f"sent_hidden_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("babi_rnn", "train_samples=1", "leaves no training question"),  # traceback
    ("cifar10_cnn", "decay=1e300", "must be between 0 and 1"),  # diverged
    ("cifar10_cnn", f"dense_units={HUGE}", "must be between 1 and 65536"),  # traceback
    ("cifar10_resnet", "height_shift=-1", "must be in [0, 1)"),  # traceback
    ("cifar10_resnet", f"n={HUGE}", "must be between 1 and 200"),  # hang
    ("cifar10_resnet", "plateau_factor=1", "must be in (0, 1)"),  # traceback
    ("cifar10_resnet", "plateau_factor=1e300", "must be in (0, 1)"),  # traceback
    ("cifar10_resnet", "width_shift=-1", "must be in [0, 1)"),  # traceback
    ("class_activation_maps", f"image_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("class_activation_maps", f"width={HUGE}", "must be between 1 and 65536"),  # traceback
    ("cnn_seq2seq", "head_filters=0", "must be between 1 and 65536"),  # traceback
    ("cnn_seq2seq", f"head_filters={HUGE}", "must be between 1 and 65536"),  # traceback
    ("cnn_seq2seq", "latent_dim=0", "must be between 1 and 65536"),  # traceback
    ("cnn_seq2seq", f"latent_dim={HUGE}", "must be between 1 and 65536"),  # traceback
    ("cnn_seq2seq", f"num_samples={HUGE}", "must be between 2 and 1000000"),  # hang
    ("conv_lstm", f"filters={HUGE}", "must be between 1 and 65536"),  # traceback
    ("conv_lstm", f"frame_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("conv_lstm", f"n_frames={HUGE}", "more than 500,000,000"),  # traceback
    ("conv_lstm", f"n_samples={HUGE}", "more than 500,000,000"),  # traceback
    ("deep_dream", f"image_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("deep_dream", f"num_octave={HUGE}", "must be between 1 and 32"),  # traceback
    ("deep_dream", "octave_scale=1e300", "must be in (1, 100]"),  # traceback
    ("deep_dream", f"width={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_bidirectional_lstm", "embedding_dim=0", "must be between 1 and 65536"),  # traceback
    (
        "imdb_bidirectional_lstm",
        f"embedding_dim={HUGE}",
        "must be between 1 and 65536",
    ),  # traceback
    ("imdb_bidirectional_lstm", "lstm_units=0", "must be between 1 and 65536"),  # traceback
    ("imdb_bidirectional_lstm", f"lstm_units={HUGE}", "must be between 1 and 65536"),  # traceback
    (
        "imdb_bidirectional_lstm",
        f"max_features={HUGE}",
        "must be between 4 and 100000",
    ),  # traceback
    ("imdb_bidirectional_lstm", f"maxlen={HUGE}", "must be between 1 and 10000"),  # traceback
    ("imdb_cnn", "embedding_dims=0", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn", f"embedding_dims={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn", "filters=0", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn", f"filters={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn", "hidden_dims=0", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn", f"hidden_dims={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn", "kernel_size=0", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn", f"kernel_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn", f"max_features={HUGE}", "must be between 4 and 100000"),  # traceback
    ("imdb_cnn", "maxlen=1", "must be between 1 and 1"),  # traceback
    ("imdb_cnn", f"maxlen={HUGE}", "must be between 1 and 10000"),  # traceback
    ("imdb_cnn_lstm", "embedding_size=0", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn_lstm", f"embedding_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn_lstm", "filters=0", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn_lstm", f"filters={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn_lstm", "kernel_size=0", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn_lstm", f"kernel_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn_lstm", "lstm_output_size=0", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn_lstm", f"lstm_output_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn_lstm", f"max_features={HUGE}", "must be between 4 and 100000"),  # traceback
    ("imdb_cnn_lstm", "maxlen=1", "must be between 1 and 1"),  # traceback
    ("imdb_cnn_lstm", f"maxlen={HUGE}", "must be between 1 and 10000"),  # traceback
    ("imdb_cnn_lstm", "pool_size=0", "must be between 1 and 65536"),  # traceback
    ("imdb_cnn_lstm", f"pool_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_fasttext", "embedding_dims=0", "must be between 1 and 65536"),  # traceback
    ("imdb_fasttext", f"max_features={HUGE}", "must be between 4 and 100000"),  # traceback
    ("imdb_fasttext", "maxlen=0", "must be between 1 and 10000"),  # traceback
    ("imdb_fasttext", f"maxlen={HUGE}", "must be between 1 and 10000"),  # traceback
    ("imdb_fasttext", f"ngram_buckets={HUGE}", "GB to train (memory_limit_gb=8.0)"),  # traceback
    ("imdb_lstm", "embedding_dim=0", "must be between 1 and 65536"),  # traceback
    ("imdb_lstm", f"embedding_dim={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_lstm", "lstm_units=0", "must be between 1 and 65536"),  # traceback
    ("imdb_lstm", f"lstm_units={HUGE}", "must be between 1 and 65536"),  # traceback
    ("imdb_lstm", f"max_features={HUGE}", "must be between 4 and 100000"),  # traceback
    ("imdb_lstm", f"maxlen={HUGE}", "must be between 1 and 10000"),  # traceback
    ("lstm_seq2seq", "latent_dim=0", "must be between 1 and 65536"),  # traceback
    ("lstm_seq2seq", f"latent_dim={HUGE}", "must be between 1 and 65536"),  # traceback
    ("lstm_seq2seq", f"num_samples={HUGE}", "must be between 2 and 1000000"),  # hang
    ("lstm_stateful", f"data_seed={HUGE}", "must be between 0 and 2**32 - 1"),  # traceback
    ("lstm_stateful", f"input_len={HUGE}", "must be between 1 and 10000000"),  # traceback
    ("lstm_stateful", f"lahead={HUGE}", "must be between 1 and 240"),  # traceback
    ("lstm_stateful", "units=0", "must be between 1 and 65536"),  # traceback
    ("lstm_stateful", f"units={HUGE}", "must be between 1 and 65536"),  # traceback
    ("lstm_text_generation", f"generate_length={HUGE}", "must be between 1 and 100000"),  # hang
    ("lstm_text_generation", "hidden_size=0", "must be between 1 and 65536"),  # traceback
    ("lstm_text_generation", f"hidden_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("lstm_text_generation", f"maxlen={HUGE}", "must be between 1 and 10000"),  # hang
    ("mnist_acgan", f"latent_size={HUGE}", "must be between 1 and 65536"),  # traceback
    ("mnist_acgan", f"plot_samples={HUGE}", "must be between 1 and 100"),  # traceback
    ("mnist_acgan", "soft_one=1e300", "must be in (0, 1]"),  # diverged
    (
        "mnist_denoising_autoencoder",
        f"kernel_size={HUGE}",
        "must be between 1 and 65536",
    ),  # traceback
    (
        "mnist_denoising_autoencoder",
        f"latent_dim={HUGE}",
        "must be between 1 and 65536",
    ),  # traceback
    ("mnist_hierarchical_rnn", f"col_hidden={HUGE}", "must be between 1 and 65536"),  # traceback
    ("mnist_hierarchical_rnn", f"row_hidden={HUGE}", "must be between 1 and 65536"),  # traceback
    ("mnist_irnn", "clipnorm=1e300", "must be between 0 and 1000000.0"),  # diverged
    ("mnist_irnn", f"hidden_units={HUGE}", "must be between 1 and 65536"),  # rc-6
    ("mnist_mlp", "hidden_units=0", "must be between 1 and 65536"),  # traceback
    ("mnist_mlp", f"hidden_units={HUGE}", "must be between 1 and 65536"),  # traceback
    ("mnist_net2net", "noise_scale=1e300", "must be between 0 and 1"),  # traceback
    ("mnist_net2net", f"wider_conv_filters={HUGE}", "must be between 1 and 65536"),  # traceback
    ("mnist_net2net", f"wider_dense_units={HUGE}", "must be between 1 and 65536"),  # traceback
]


def _module(name: str):
    return registry.load(name)


@pytest.mark.parametrize(("example", "item", "fragment"), FOUND)
def test_values_that_crashed_are_one_line_before_any_data(example, item, fragment):
    module = _module(example)
    with pytest.raises(UserError) as caught:
        config.resolve(module.Config, module.PRESETS, "tiny", [item])
    message = str(caught.value)
    field, value = item.split("=", 1)
    assert "\n" not in message and fragment in message, message
    assert field in message, message


def test_the_range_message_names_the_field_the_value_and_what_is_allowed():
    cases = [
        (dict(low=1, high=200), 0, "n must be between 1 and 200, got 0"),
        (dict(low=0, high=1, low_open=True), 0.0, "n must be in (0, 1], got 0.0"),
        (dict(low=1), -3, "n must be at least 1, got -3"),
        (dict(high=4, why="four at most"), 5, "n must be at most 4, got 5 (four at most)"),
    ]
    for bounds, value, message in cases:
        with pytest.raises(UserError) as caught:
            config.check_range("n", value, **bounds)
        assert str(caught.value) == message
    config.check_range("n", 3, 1, 200)  # inside: nothing to say


def test_widths_are_checked_by_name_in_tuples_too():
    from keras_classics.examples import cifar10_cnn

    with pytest.raises(UserError, match="each of filters must be between 1 and 65536, got 32,0"):
        config.validate(dataclasses.replace(cifar10_cnn.Config(), filters=(32, 0)))
    assert config.is_width("conv_filters") and config.is_width("row_hidden")
    assert not config.is_width("batch_size") and not config.is_width("train_samples")


# -- every number a user can set is bounded, or declared free here with the reason --------------
# Values the generic checks and the example's check() accept at the edges (0, -1, 10**12, 1e300),
# each with why that is fine: the audit trained each of them without a crash, or the value ends
# in one line later for a reason no config check can know (a diverging loss: TrainingDiverged).
FREE_EVERYWHERE = {
    "seed": "0 is a seed like any other",
    "epochs": "any count trains that long; Ctrl-C stops, --resume continues",
    "batch_size": "a batch larger than the data is one batch of all of it",
    "train_samples": "0 means all; more than there are means all, real or synthetic",
    "test_samples": "0 means all; more than there are means all, real or synthetic",
    "learning_rate": "too large a rate diverges: the run stops at the first non-finite loss",
    "teacher_learning_rate": "too large a rate diverges: the run stops at the first NaN loss",
    "student_learning_rate": "too large a rate diverges: the run stops at the first NaN loss",
    "dropout": "0 is no dropout",
    "recurrent_dropout": "0 is no dropout",
    "validation_split": "0 is no validation",
    "holdout": "0 is no held-out text",
    "momentum": "0 is plain SGD",
    "beta_1": "0 is Adam without momentum",
    "rho": "0 keeps no running average",
    "width_shift": "0 is no shift",
    "height_shift": "0 is no shift",
    "max_length": "a filter: 0 keeps every story, n keeps those shorter than n tokens",
    "questions_per_story": "a story asks at most as many questions as train_samples asks",
    "decode_samples": "at most the sentences there are are decoded",
    "digit": "a digit (0-9) or -1 for all",
    "data_seed": "0 is a seed like any other",
}
FREE_IN = {
    "cifar10_cnn": {"decay": "0 is no decay"},
    "cifar10_resnet": {
        "plateau_patience": "epochs to wait before lowering the rate: any count",
        "plateau_cooldown": "epochs to wait after lowering it: any count",
        "min_lr": "0 lets the rate fall as far as the plateaus take it",
    },
    "class_activation_maps": {"top_k": "more than there are classes sums every class's map"},
    "conv_lstm": {"which": "movie 0 is the first"},
    "deep_dream": {
        "step": "a huge step saturates the image, which is clipped when saved",
        "class_step": "a huge step saturates the image, which is clipped when saved",
        "iterations": "ascent steps: 0 is none, more take longer",
        "class_iterations": "ascent steps: 0 is none, more take longer",
        "max_loss": "0 is the network's own limit; a huge one never stops early",
        "class_max_loss": "a probability to stop above: <= 0 stops at once, >= 1 never",
        "target_class": "a class number; above the network's classes, sample says so",
    },
    "imdb_fasttext": {
        "ngram_buckets": "0 is one id per n-gram, as the original",
        "memory_limit_gb": "a limit no model reaches turns the size check off",
    },
    "lstm_stateful": {
        "amplitude": "the noise's range: 0 a flat series, negative as its absolute value, a "
        "huge one diverges and the run stops at the NaN loss",
    },
    "lstm_text_generation": {
        "step": "a step longer than the text gives one window",
        "diversities": "a temperature: a huge one samples the characters evenly",
    },
    "mnist_acgan": {
        "real_aux_weight": "0 is the generated images' weight; a huge one diverges and stops",
    },
    "mnist_denoising_autoencoder": {
        "noise_mean": "the noisy image is clipped to [0, 1]: any noise is an image",
        "noise_std": "the noisy image is clipped to [0, 1]: any noise is an image",
    },
    "mnist_irnn": {"clipnorm": "0 is no clipping"},
    "mnist_net2net": {"noise_scale": "0 is no noise"},
}


def _edges(annotation) -> list:
    if annotation is int:
        return [0, 10**12]
    if annotation is float:
        return [-1.0, 0.0, 1e300]
    if typing.get_origin(annotation) is tuple:
        return [(edge,) for edge in _edges(typing.get_args(annotation)[0])]
    return []  # str and bool: choices are checked by each example, a bool is either


def _accepted_edges(name: str) -> dict[str, list]:
    module = _module(name)
    base = config.resolve(module.Config, module.PRESETS, "tiny")
    accepted: dict[str, list] = {}
    for field, annotation in config.field_types(module.Config).items():
        for value in _edges(annotation):
            try:
                config.validate(dataclasses.replace(base, **{field: value}))
            except UserError:
                continue
            accepted.setdefault(field, []).append(value)
    return accepted


@pytest.mark.parametrize("name", registry.names())
def test_every_number_is_bounded_or_declared_free(name):
    """A field a new example (or a new field) adds fails here until a check bounds it or this
    file says why any value is fine."""
    free = {**FREE_EVERYWHERE, **FREE_IN.get(name, {})}
    accepted = _accepted_edges(name)
    unchecked = {field: values for field, values in accepted.items() if field not in free}
    assert not unchecked, f"{name}: add a check (or a reason in FREE_IN) for {unchecked}"
    stale = set(FREE_IN.get(name, {})) - set(accepted)
    assert not stale, f"{name}: {stale} are checked now; drop them from FREE_IN"

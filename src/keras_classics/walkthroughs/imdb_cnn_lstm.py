"""The walkthrough of imdb_cnn_lstm (`keras-classics explain imdb_cnn_lstm`): the seed's steps, in
order."""

from __future__ import annotations

from keras_classics.examples.imdb_cnn_lstm import Config, build_model
from keras_classics.registry import Context
from keras_classics.walkthroughs import _imdb


def explain(config: Config, context: Context):
    """The walkthrough: word index, decoded reviews, shapes, then the model."""
    source = context.source
    from keras_classics.explaining import Section, summary_text

    yield from _imdb.walkthrough(source, config.max_features, config.maxlen)
    yield Section("The model", "imdb_cnn_lstm.py 的神经网络结构", summary_text(build_model(config)))

"""The walkthrough of imdb_bidirectional_lstm (`keras-classics explain imdb_bidirectional_lstm`):
the seed's steps, in order."""

from __future__ import annotations

from keras_classics.examples.imdb_bidirectional_lstm import Config, build_model
from keras_classics.registry import Context
from keras_classics.walkthroughs import _imdb


def explain(config: Config, context: Context):
    """The walkthrough: the model, then the word index, ten decoded reviews, shapes."""
    source = context.source
    from keras_classics.explaining import Section, summary_text

    yield Section("The model", "网络结构", summary_text(build_model(config)))
    yield from _imdb.walkthrough(source, config.max_features, config.maxlen, count=10)

"""What the MNIST walkthroughs share."""

from __future__ import annotations

from keras_classics.datasets import DataSource


def sample_counts(config, source: DataSource) -> tuple[int, int]:
    """(train, test) counts for `mnist.load`: the config's, else all of the real files (the
    walkthrough prints the seed's shapes) and a thousand of the synthetic twin (quick to render)."""
    few = 1000 if source.synthetic else 0
    return config.train_samples or few, config.test_samples or few

"""Datasets: real loaders (the files Keras users know, with their URLs and hashes) and learnable
synthetic twins of the same shapes and dtypes. Datasets never import examples."""

from keras_classics.datasets.source import DataSource

__all__ = ["DataSource"]

"""keras-classics: the classic Keras examples on Keras 3, on every backend, with one command line."""

__version__ = "0.1.0"

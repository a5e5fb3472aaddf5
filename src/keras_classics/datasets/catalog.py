"""Every real dataset the examples use, for `keras-classics data`: where each file is looked for,
whether it is there, and whether its hash checks out.

Each row comes from the dataset module's own `locate(source)`, the function its loader reads
through, so this table and the loaders cannot disagree about where data is.
"""

from __future__ import annotations

from collections.abc import Callable

from keras_classics.datasets import (
    babi,
    cache,
    cifar10,
    fra_eng,
    imagenet,
    imdb,
    mnist,
    text_corpus,
)
from keras_classics.datasets.source import DataSource

DATASETS: dict[str, Callable[[DataSource], list[cache.Located]]] = {
    "mnist": lambda source: mnist.locate(source, "mnist"),
    "fashion_mnist": lambda source: mnist.locate(source, "fashion_mnist"),
    "babi": babi.locate,
    "cifar10": cifar10.locate,
    "imdb": imdb.locate,
    "imagenet_weights": imagenet.locate,
    "nietzsche": text_corpus.locate,
    "fra_eng": fra_eng.locate,
}


def _row(dataset: str, located: cache.Located) -> dict[str, str]:
    if located.unpacked is not None:
        where, verified = f"{located.unpacked} (unpacked)", "checked when read"
    elif located.path is not None:
        check = located.check(located.remote, located.path)
        verified = {True: "yes", False: "NO (corrupt)", None: "no hash"}[check]
        where = str(located.path)
    else:
        folders = dict.fromkeys(str(path.parent) for path in located.looked_in)
        where, verified = "missing; looked in " + ", ".join(folders), "-"
    return {
        "dataset": dataset,
        "file": located.remote.fname,
        "location": where,
        "verified": verified,
    }


def status(source: DataSource) -> list[dict[str, str]]:
    """One row per file: dataset, file, where found (or looked), verified (yes/no/no hash)."""
    return [_row(name, found) for name, locate in DATASETS.items() for found in locate(source)]

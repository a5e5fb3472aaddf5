"""Every real dataset the examples use, for `keras-classics data`: where each file is looked for,
whether it is there, and whether its hash checks out."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

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


@dataclasses.dataclass(frozen=True)
class Entry:
    """A dataset: its files and, optionally, other places it may be found (e.g. Debian's)."""

    name: str
    files: tuple[cache.RemoteFile, ...]
    extra_locations: Callable[[], list[Path]] = list


def _debian_fashion() -> list[Path]:
    folder = mnist.DEBIAN_FASHION_DIR
    return [folder] if all((folder / name).is_file() for name in mnist.IDX_NAMES) else []


ENTRIES: list[Entry] = [
    Entry("mnist", (mnist.MNIST_NPZ,)),
    Entry("fashion_mnist", mnist.FASHION_FILES, _debian_fashion),
    Entry("babi", (babi.BABI_TAR,)),
    Entry("cifar10", (cifar10.ARCHIVE,)),
    Entry("imdb", (imdb.IMDB_NPZ, imdb.WORD_INDEX)),
    Entry("imagenet_weights", imagenet.FILES),
    Entry("nietzsche", (text_corpus.NIETZSCHE,)),
    Entry("fra_eng", (fra_eng.FRA_TXT,)),
]


def status(source: DataSource) -> list[dict[str, str]]:
    """One row per file: dataset, file, where found (or looked), verified (yes/no/no hash)."""
    rows = []
    for entry in ENTRIES:
        extra = entry.extra_locations()
        for remote in entry.files:
            paths = cache.candidate_paths(remote, source)
            found = next((p for p in paths if p.is_file()), None)
            if found is None:
                found = next(
                    (p / remote.fname for p in extra if (p / remote.fname).is_file()), None
                )
            if found is None:
                verified = "-"
                where = "missing; looked in " + ", ".join(str(p.parent) for p in paths)
            else:
                check = cache.verify(remote, found)
                verified = {True: "yes", False: "NO (corrupt)", None: "no hash"}[check]
                where = str(found)
            rows.append(
                {
                    "dataset": entry.name,
                    "file": remote.fname,
                    "location": where,
                    "verified": verified,
                }
            )
    return rows

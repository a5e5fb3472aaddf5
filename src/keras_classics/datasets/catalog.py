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


def _nothing(source: DataSource) -> Path | None:
    return None


@dataclasses.dataclass(frozen=True)
class Entry:
    """A dataset: its files and, optionally, an unpacked form the loader reads instead.

    Attributes:
        name: the dataset's name.
        files: the files as Keras downloads them.
        unpacked: finds an extracted folder (bAbI, CIFAR-10, aclImdb, IDX files) or None.
        replaces: the file names the unpacked form stands in for (all files when empty).
        paths: where the loader looks for a file, in order.
        check: whether a file found is intact (True, False, or None when nothing is known).
    """

    name: str
    files: tuple[cache.RemoteFile, ...]
    unpacked: Callable[[DataSource], Path | None] = _nothing
    replaces: tuple[str, ...] = ()
    paths: Callable[[cache.RemoteFile, DataSource], list[Path]] = cache.candidate_paths
    check: Callable[[cache.RemoteFile, Path], bool | None] = cache.verify


def _idx_folder(dataset: str, extra: tuple[Path, ...] = ()) -> Callable[[DataSource], Path | None]:
    def find(source: DataSource) -> Path | None:
        for folder in [*source.folders(dataset), *extra]:
            if mnist.idx_folder(folder) is not None:
                return folder
        return None

    return find


def _cifar_folder(source: DataSource) -> Path | None:
    return next((f for f in cifar10.folder_candidates(source) if cifar10.is_batch_folder(f)), None)


ENTRIES: list[Entry] = [
    Entry("mnist", (mnist.MNIST_NPZ,), _idx_folder("mnist")),
    Entry(
        "fashion_mnist",
        mnist.FASHION_FILES,
        _idx_folder("fashion-mnist", (mnist.DEBIAN_FASHION_DIR,)),
    ),
    Entry("babi", (babi.BABI_TAR,), babi.extracted_root),
    Entry("cifar10", (cifar10.ARCHIVE,), _cifar_folder),
    Entry(
        "imdb",
        (imdb.IMDB_NPZ, imdb.WORD_INDEX),
        imdb.find_aclimdb,
        replaces=("imdb.npz",),
        check=imdb.verify,
    ),
    Entry("imagenet_weights", imagenet.FILES),
    Entry("nietzsche", (text_corpus.NIETZSCHE,)),
    Entry("fra_eng", (fra_eng.FRA_TXT,), paths=lambda _, source: fra_eng.candidate_paths(source)),
]


def _row(entry: Entry, remote: cache.RemoteFile, source: DataSource) -> dict[str, str]:
    paths = entry.paths(remote, source)
    found = next((p for p in paths if p.is_file()), None)
    if found is not None:
        verified = {True: "yes", False: "NO (corrupt)", None: "no hash"}[entry.check(remote, found)]
        where = str(found)
    elif (unpacked := entry.unpacked(source)) and remote.fname in (
        entry.replaces or [remote.fname]
    ):
        where, verified = f"{unpacked} (unpacked)", "checked when read"
    else:
        folders = dict.fromkeys(str(p.parent) for p in paths)
        where, verified = "missing; looked in " + ", ".join(folders), "-"
    return {"dataset": entry.name, "file": remote.fname, "location": where, "verified": verified}


def status(source: DataSource) -> list[dict[str, str]]:
    """One row per file: dataset, file, where found (or looked), verified (yes/no/no hash)."""
    return [_row(entry, remote, source) for entry in ENTRIES for remote in entry.files]

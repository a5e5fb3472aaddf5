"""Finding, verifying and downloading data files, over `keras.utils.get_file`.

A file is looked for in `--data-dir` first, then in the Keras cache (`$KERAS_HOME/datasets`, by
default `~/.keras/datasets`). A file found is checked against its hash; a missing one is
downloaded from its original URL unless offline. Every failure is one line that names the file,
its URL, its hash and where to put it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from keras_classics.datasets.source import DataSource
from keras_classics.errors import DataError, MissingDataError


@dataclasses.dataclass(frozen=True)
class RemoteFile:
    """A data file as Keras knows it.

    Attributes:
        fname: file name in the cache.
        origin: the URL it is downloaded from.
        file_hash: expected hash (None where the original loader had none).
        hash_algorithm: "sha256" or "md5".
        cache_subdir: folder under the Keras cache dir.
        description: what it is, for `keras-classics data`.
        folder: the dataset's subfolder in a --data-dir collection (see DataSource.folders).
    """

    fname: str
    origin: str
    file_hash: str | None
    hash_algorithm: str = "sha256"
    cache_subdir: str = "datasets"
    description: str = ""
    folder: str = ""

    def placement_hint(self, source: DataSource) -> str:
        """Where the user can put the file by hand."""
        return str(candidate_paths(self, source)[0])


def keras_cache_dir() -> Path:
    """The Keras cache folder: $KERAS_HOME, else ~/.keras (as keras.utils.get_file uses it)."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")


def candidate_paths(remote: RemoteFile, source: DataSource) -> list[Path]:
    """The places a file is looked for, in order."""
    paths = [folder / remote.fname for folder in source.folders(remote.folder)]
    paths.append(keras_cache_dir() / remote.cache_subdir / remote.fname)
    return paths


def file_digest(path: Path, algorithm: str) -> str:
    """Hex digest of a file, read in chunks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(remote: RemoteFile, path: Path) -> bool | None:
    """True if the hash matches, False if not, None when there is no known hash."""
    if remote.file_hash is None:
        return None
    return file_digest(path, remote.hash_algorithm) == remote.file_hash


@dataclasses.dataclass(frozen=True)
class Located:
    """Where one file of a dataset is, or where it was looked for: what a dataset module's
    `locate(source)` returns per file, read by its loader and by `keras-classics data` alike.

    Attributes:
        remote: the file as Keras downloads it.
        looked_in: the paths searched, in order.
        path: the first of them that exists (not yet verified), or None.
        unpacked: an extracted folder the loader reads instead of the file (bAbI, CIFAR-10,
            aclImdb, IDX files), set only when the loader does read it, or None.
        check: whether a file found is intact (True, False, or None when nothing is known).
    """

    remote: RemoteFile
    looked_in: tuple[Path, ...]
    path: Path | None = None
    unpacked: Path | None = None
    check: Callable[[RemoteFile, Path], bool | None] = verify


def locate_file(
    remote: RemoteFile,
    source: DataSource,
    paths: list[Path] | None = None,
    unpacked: Path | None = None,
    check: Callable[[RemoteFile, Path], bool | None] = verify,
) -> Located:
    """Looks for `remote` in `paths` (default: `candidate_paths`) without reading it."""
    looked_in = tuple(candidate_paths(remote, source) if paths is None else paths)
    found = next((path for path in looked_in if path.is_file()), None)
    return Located(remote, looked_in, found, unpacked, check)


def describe(remote: RemoteFile) -> str:
    """`name (URL, sha256 abc...)` for messages."""
    known = (
        f"{remote.hash_algorithm} {remote.file_hash}" if remote.file_hash else "no published hash"
    )
    return f"{remote.fname} ({remote.origin}, {known})"


def find(remote: RemoteFile, source: DataSource, located: Located | None = None) -> Path | None:
    """The file found by `located` (default: `locate_file`), verified.

    Raises:
        DataError: if the file found does not match its hash (corrupt or truncated).
    """
    located = located or locate_file(remote, source)
    path = located.path
    if path is not None and located.check(remote, path) is False:
        raise DataError(
            f"{path} is corrupt or truncated: its {remote.hash_algorithm} does not match "
            f"{remote.file_hash}; delete it and download {remote.origin} again"
        )
    return path


def fetch(
    remote: RemoteFile,
    source: DataSource,
    located: Located | None = None,
    otherwise: str = "use --data synthetic",
) -> Path:
    """Returns a verified local copy of `remote` (found as `located` says, by default where
    `candidate_paths` says), downloading it into --data-dir or the Keras cache if allowed.
    `otherwise` ends the message of a missing file: what the user can do instead.

    Raises:
        DataError: offline and missing, download failed, or hash mismatch.
    """
    found = find(remote, source, located)
    if found is not None:
        return found
    where = (located.looked_in[0] if located and located.looked_in else None) or (
        remote.placement_hint(source)
    )
    hint = f"put {remote.fname} in {where} (or pass --data-dir), or {otherwise}"
    if source.offline:
        raise MissingDataError(f"{describe(remote)} is not available offline: {hint}")
    import keras

    cache_dir = source.data_dir or keras_cache_dir()
    subdir = "" if source.data_dir is not None else remote.cache_subdir
    try:
        path = keras.utils.get_file(
            fname=remote.fname,
            origin=remote.origin,
            file_hash=remote.file_hash,
            hash_algorithm=remote.hash_algorithm,
            cache_dir=str(cache_dir),
            cache_subdir=subdir or ".",
        )
    except Exception as error:  # noqa: BLE001 - any download failure becomes one clear line
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise MissingDataError(f"could not download {describe(remote)}: {reason}; {hint}") from None
    return Path(path)

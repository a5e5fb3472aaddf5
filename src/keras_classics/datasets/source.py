"""Where an example's data comes from: the real files or the synthetic twin."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from keras_classics.errors import UserError

SOURCES = ("real", "synthetic")


def at_most(count: int, size: int) -> int:
    """How many samples `train_samples=count` takes from a split of `size`: all of them for 0,
    never more than there are. The synthetic twins make this many, so a huge count means the
    whole split, as with the real files, not an array too large to allocate."""
    return min(count, size) if count else size


@dataclasses.dataclass(frozen=True)
class DataSource:
    """The user's data choice, passed to every `load_data`.

    Attributes:
        kind: "real" (files, downloaded if missing) or "synthetic" (the learnable twin).
        data_dir: a folder searched first for data files, and where downloads go.
        offline: never try the network; a missing file is an error at once.
    """

    kind: str = "real"
    data_dir: Path | None = None
    offline: bool = False

    def __post_init__(self) -> None:
        if self.kind not in SOURCES:
            raise UserError(f"unknown --data {self.kind!r}: choose real or synthetic")

    @property
    def synthetic(self) -> bool:
        return self.kind == "synthetic"

    def folders(self, dataset: str = "") -> list[Path]:
        """The --data-dir folders searched for `dataset`'s files, in order.

        --data-dir may hold the files themselves, or one subfolder per dataset named as in a data
        collection such as ../shared/data (babi/, imdb/, mnist/, nietzsche/, fra-eng/, ...), so
        one --data-dir serves every example.
        """
        if self.data_dir is None:
            return []
        return [self.data_dir, self.data_dir / dataset] if dataset else [self.data_dir]

    @classmethod
    def from_env(cls, kind: str = "real", data_dir: str | None = None, offline: bool = False):
        """Applies KERAS_CLASSICS_DATA (a data folder) and KERAS_CLASSICS_OFFLINE=1 defaults."""
        folder = data_dir or os.environ.get("KERAS_CLASSICS_DATA")
        offline = offline or os.environ.get("KERAS_CLASSICS_OFFLINE", "") not in ("", "0")
        return cls(
            kind=kind, data_dir=Path(folder).expanduser() if folder else None, offline=offline
        )

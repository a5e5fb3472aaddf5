"""fra-eng: English -> French sentence pairs (manythings.org / Tatoeba `fra.txt`), and a
rule-based twin.

Real data: `fra.txt` from `fra-eng.zip` (http://www.manythings.org/anki/fra-eng.zip; the site
refuses scripted downloads, so it is a manual download as in the original examples). Looked for
at `--set data_path=...`, then `fra.txt` and `fra-eng/fra.txt` in `--data-dir` and in the Keras
cache, and inside a `fra-eng.zip` in those folders. Each line is `English<TAB>French`, with a
third attribution column in newer releases (it broke the original cnn_seq2seq); both layouts
are read. Other lines are malformed: reported with their line number and skipped, or refused.

Encoding (`examples/families/seq2seq.py`), exactly as the originals: characters are tokens; the target gets '\\t' as start and
'\\n' as end; token tables are the sorted characters; one-hot float32 arrays
encoder (N, max_encoder_len, input_tokens), decoder input and target (N, max_decoder_len,
target_tokens), the target one step ahead of the decoder input.

Synthetic (`fra_eng_synthetic.py`): an English -> French-like grammar with French word order (adjectives after the
noun), gender and number agreement of articles, adjectives and verbs, elision (l'oiseau) and
inverted questions (La voiture est-elle rouge ?).
"""

from __future__ import annotations

import dataclasses
import io
import sys
import zipfile
from pathlib import Path

from keras_classics.datasets import cache
from keras_classics.datasets.fra_eng_synthetic import synthetic_pairs
from keras_classics.datasets.source import DataSource
from keras_classics.errors import DataError, MissingDataError, UserError

FRA_TXT = cache.RemoteFile(
    fname="fra.txt",
    origin="http://www.manythings.org/anki/fra-eng.zip",
    file_hash=None,  # releases change; the originals pinned none
    description="English-French pairs (manual download: unzip fra-eng.zip, keep fra.txt)",
    folder="fra-eng",
)
ZIP_NAME = "fra-eng.zip"
START, END = "\t", "\n"
MALFORMED_POLICIES = ("skip", "error")


# -- Parsing --------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Problem:
    """A malformed line: its 1-based number and what is wrong with it."""

    line_number: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"


def parse_line(line: str, line_number: int) -> tuple[str, str] | Problem | None:
    """`English<TAB>French[<TAB>attribution]` -> (English, French); None for a blank line.

    A trailing '\\r' (Windows line end) is dropped; anything else is kept as the originals keep it.
    """
    line = line.rstrip("\n").removesuffix("\r")
    if not line.strip():
        return None
    parts = line.split("\t")
    if len(parts) not in (2, 3):
        columns = len(parts)
        return Problem(
            line_number,
            f"{columns} tab-separated column{'s' * (columns != 1)}, expected 2 or 3 "
            "(English, French[, attribution])",
        )
    english, french = parts[0], parts[1]
    if not english.strip() or not french.strip():
        side = "English" if not english.strip() else "French"
        return Problem(line_number, f"empty {side} column")
    return english, french


def parse_lines(
    lines, num_samples: int = 0, malformed: str = "skip", name: str = "fra.txt"
) -> tuple[list[tuple[str, str]], list[Problem]]:
    """The first `num_samples` pairs (0 = all) of an iterable of byte or text lines.

    Args:
        malformed: "skip" collects malformed lines as Problems, "error" raises at the first.

    Raises:
        DataError: a line that is not UTF-8, or a malformed line with malformed="error".
    """
    if malformed not in MALFORMED_POLICIES:
        raise UserError(f"malformed must be skip or error, got {malformed!r}")
    pairs: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for number, line in enumerate(lines, 1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError as error:
                raise DataError(
                    f"{name} line {number} is not UTF-8 ({error.reason} at byte {error.start} "
                    "of the line); save the file as UTF-8"
                ) from None
        parsed = parse_line(line, number)
        if parsed is None:
            continue
        if isinstance(parsed, Problem):
            if malformed == "error":
                raise DataError(
                    f"{name} {parsed}; fix or delete that line, or --set malformed=skip"
                )
            problems.append(parsed)
            continue
        pairs.append(parsed)
        if num_samples and len(pairs) >= num_samples:
            break
    return pairs, problems


def report_problems(problems: list[Problem], name: str = "fra.txt") -> str:
    """One line naming the skipped lines (the first five), or '' when there are none."""
    if not problems:
        return ""
    shown = "; ".join(str(p) for p in problems[:5])
    more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
    return f"{name}: skipped {len(problems)} malformed line(s): {shown}{more}"


# -- Finding the file -----------------------------------------------------------------------------
def candidate_paths(source: DataSource) -> list[Path]:
    """fra.txt and fra-eng/fra.txt in --data-dir, then in the Keras cache's datasets folder."""
    folders = [*source.folders(), cache.keras_cache_dir() / FRA_TXT.cache_subdir]
    paths = []
    for folder in folders:
        paths += [
            folder / FRA_TXT.fname,
            folder / FRA_TXT.folder / FRA_TXT.fname,
            folder / ZIP_NAME,
        ]
    return paths


def locate(source: DataSource) -> list[cache.Located]:
    """Where fra.txt is, or was looked for (there is no published hash to check it against)."""
    return [cache.locate_file(FRA_TXT, source, paths=candidate_paths(source))]


def find(source: DataSource, data_path: str = "") -> Path:
    """The fra.txt (or fra-eng.zip) to read.

    Raises:
        DataError: an explicit data_path that does not exist, or no file anywhere.
    """
    if data_path:
        path = Path(data_path).expanduser()
        if not path.is_file():
            raise MissingDataError(f"--set data_path={data_path}: no such file")
        return path
    (located,) = locate(source)
    if located.path is not None:
        return located.path
    paths = located.looked_in
    raise MissingDataError(
        f"fra.txt not found (looked in {', '.join(str(p.parent) for p in paths[::3])}): "
        f"download {FRA_TXT.origin} by hand, unzip it and put fra.txt in {paths[0].parent} "
        "(or --set data_path=PATH), or use --data synthetic"
    )


def _open_lines(path: Path):
    if path.suffix == ".zip":
        try:
            archive = zipfile.ZipFile(path)
            member = next(n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "fra.txt")
            return io.BytesIO(archive.read(member))
        except (zipfile.BadZipFile, StopIteration, OSError):
            raise DataError(
                f"{path} is not a zip with a fra.txt inside; download it again"
            ) from None
    try:
        return open(path, "rb")  # noqa: SIM115 - closed by the caller's with
    except OSError as error:
        raise DataError(f"cannot read {path}: {error.strerror or error}") from None


def read_pairs(
    path: Path, num_samples: int = 0, malformed: str = "skip"
) -> tuple[list[tuple[str, str]], list[Problem]]:
    """Parses a fra.txt (or the fra.txt inside fra-eng.zip).

    Raises:
        DataError: unreadable, not UTF-8, malformed with malformed="error", or no pairs at all.
    """
    with _open_lines(Path(path)) as handle:
        pairs, problems = parse_lines(handle, num_samples, malformed, name=str(path))
    if not pairs:
        raise DataError(f"{path} holds no English<TAB>French pairs; is it fra.txt?")
    return pairs, problems


def load_pairs(
    source: DataSource,
    num_samples: int,
    data_path: str = "",
    malformed: str = "skip",
    seed: int = 0,
) -> list[tuple[str, str]]:
    """The first `num_samples` pairs of the real file, or of the twin; skipped lines reported.

    Raises:
        DataError: see `find` and `read_pairs`.
    """
    if source.synthetic and not data_path:
        return synthetic_pairs(num_samples, seed)
    path = find(source, data_path)
    pairs, problems = read_pairs(path, num_samples, malformed)
    if problems:
        print(report_problems(problems, str(path)), file=sys.stderr)
    return pairs


# -- Token tables and one-hot arrays --------------------------------------------------------------


# -- What the seq2seq examples train on ---------------------------------------------------------


# -- Synthetic twin -------------------------------------------------------------------------------


# -- Walkthrough (the data steps both seq2seq examples share) -------------------------------------

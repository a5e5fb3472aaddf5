"""A text corpus for character-level language models: Nietzsche's text (Keras' `nietzsche.txt`),
any UTF-8 file, or a grammar-generated twin.

Real data: `nietzsche.txt` from Keras' URL (no published hash), looked for in `--data-dir`
(also `--data-dir/nietzsche/`) and the Keras cache, downloaded unless offline. Lowercased it
has 600,893 characters, 57 distinct ones, and 200,285 windows of 40 characters at step 3.

Synthetic: aphorisms from a small seeded grammar (subjects, verbs, objects, adjectives, commas,
dashes, questions, numbered paragraphs, lines wrapped like the book), so a character model has
spelling, word order and punctuation to learn.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_classics.datasets import cache
from keras_classics.datasets.source import DataSource
from keras_classics.errors import DataError, MissingDataError

NIETZSCHE = cache.RemoteFile(
    fname="nietzsche.txt",
    origin="https://s3.amazonaws.com/text-datasets/nietzsche.txt",
    file_hash=None,  # Keras' example passes none
    description="Nietzsche, Beyond Good and Evil (English), 600,893 characters",
    folder="nietzsche",
)


# -- Reading --------------------------------------------------------------------------------------
def read_text(path: Path) -> str:
    """The whole file as text.

    Raises:
        DataError: missing, unreadable, not UTF-8, or empty.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MissingDataError(f"text file {path} not found; give an existing UTF-8 file") from None
    except OSError as error:
        raise DataError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(
            f"{path} is not UTF-8 text (line {line}, byte {error.start}: {error.reason}); "
            "convert it to UTF-8 first"
        ) from None
    if not text.strip():
        raise DataError(f"{path} is empty; give a file with text in it")
    return text


def locate(source: DataSource) -> list[cache.Located]:
    """Where nietzsche.txt is, or was looked for."""
    return [cache.locate_file(NIETZSCHE, source)]


def find_nietzsche(source: DataSource) -> Path:
    """A local nietzsche.txt (data dir, data dir/nietzsche, Keras cache) or a download.

    Raises:
        DataError: missing offline or download failure.
    """
    (located,) = locate(source)
    return cache.fetch(NIETZSCHE, source, located)


def load(source: DataSource, text_path: str = "", min_chars: int = 0, seed: int = 0) -> str:
    """The corpus as one string (not lowercased: the example does that).

    Args:
        source: real or synthetic, data folder, offline.
        text_path: any UTF-8 file to use instead of nietzsche.txt.
        min_chars: for synthetic text, how many characters to generate at least.
        seed: seeds the synthetic grammar.

    Raises:
        DataError: file missing, unreadable, not UTF-8 or empty.
    """
    if text_path:
        return read_text(Path(text_path).expanduser())
    if source.synthetic:
        return synthetic_text(max(min_chars, 1000), seed)
    return read_text(find_nietzsche(source))


# -- Windows --------------------------------------------------------------------------------------
def count_windows(length: int, maxlen: int, step: int) -> int:
    """len(range(0, length - maxlen, step)): how many (window, next char) pairs a text gives."""
    return len(range(0, max(length - maxlen, 0), step))


def windows(text: str, maxlen: int, step: int, limit: int = 0) -> tuple[list[str], list[str]]:
    """Windows of `maxlen` characters every `step` characters and the character after each.

    Args:
        limit: make only the first `limit` windows (0 = all).

    Raises:
        DataError: when the text has no window at all.
    """
    if len(text) <= maxlen:
        raise DataError(
            f"the text has {len(text)} characters, too short for one window of {maxlen} "
            "plus the next character; give a longer text"
        )
    starts = range(0, len(text) - maxlen, step)
    if limit:
        starts = starts[:limit]
    sentences = [text[i : i + maxlen] for i in starts]
    next_chars = [text[i + maxlen] for i in starts]
    return sentences, next_chars


def one_hot(
    sentences: list[str], next_chars: list[str], char_indices: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """x (N, maxlen, chars) and y (N, chars), bool, one True per row."""
    maxlen = len(sentences[0]) if sentences else 0
    x = np.zeros((len(sentences), maxlen, len(char_indices)), dtype=bool)
    y = np.zeros((len(sentences), len(char_indices)), dtype=bool)
    for i, sentence in enumerate(sentences):
        x[i, np.arange(maxlen), [char_indices[c] for c in sentence]] = True
        y[i, char_indices[next_chars[i]]] = True
    return x, y


# -- Synthetic twin -------------------------------------------------------------------------------
SUBJECTS = (
    "the philosopher", "every philosopher", "the free spirit", "the scholar", "the herd",
    "the woman", "the priest", "the artist", "morality", "truth", "the will", "the soul",
    "every people", "the saint", "the old believer", "the german",
)  # fmt: skip
VERBS = (
    "loves", "doubts", "fears", "seeks", "hides", "despises", "honours", "forgets",
    "misunderstands", "desires", "creates", "worships",
)  # fmt: skip
OBJECTS = (
    "the truth", "himself", "the masses", "his own virtue", "every appearance", "the future",
    "pain", "the gods", "a mask", "the depths", "his enemies", "solitude", "the good",
)  # fmt: skip
ADJECTIVES = (
    "noble", "cruel", "profound", "superficial", "strong", "weak", "dangerous", "honest",
    "modern", "refined", "necessary", "tired",
)  # fmt: skip
CONNECTIVES = ("and", "but", "for", "yet", "because")


def _sentence(rng: np.random.Generator) -> str:
    def pick(words):
        return words[rng.integers(len(words))]

    kind = rng.integers(6)
    if kind == 0:
        return f"{pick(SUBJECTS)} {pick(VERBS)} {pick(OBJECTS)}."
    if kind == 1:
        return (
            f"{pick(SUBJECTS)} {pick(VERBS)} {pick(OBJECTS)}, {pick(CONNECTIVES)} "
            f"{pick(SUBJECTS)} {pick(VERBS)} {pick(OBJECTS)}."
        )
    if kind == 2:
        return f"is not {pick(SUBJECTS)} {pick(ADJECTIVES)}?"
    if kind == 3:
        return f"{pick(SUBJECTS)} is {pick(ADJECTIVES)}--{pick(ADJECTIVES)}, even!"
    if kind == 4:
        return f'"{pick(OBJECTS)}," says {pick(SUBJECTS)}; "{pick(OBJECTS)}!"'
    answer = pick(OBJECTS)
    return f"what does {pick(SUBJECTS)} {pick(VERBS).removesuffix('s')}? {answer.capitalize()}."


def _wrap(paragraph: str, width: int = 70) -> str:
    lines, line = [], ""
    for word in paragraph.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def synthetic_text(min_chars: int, seed: int = 0) -> str:
    """Numbered aphorisms of 2-5 grammar sentences, wrapped at 70 columns, mixed case.

    Deterministic for a seed; at least `min_chars` characters long.
    """
    rng = np.random.default_rng([seed, 7477])
    parts = ["PREFACE\n\n\n"]
    length, number = len(parts[0]), 1
    while length < min_chars:
        sentences = [_sentence(rng) for _ in range(rng.integers(2, 6))]
        sentences = [
            s[0].upper() + s[1:] if s[0] != '"' else s[:2].upper() + s[2:] for s in sentences
        ]
        paragraph = _wrap(f"{number}. " + " ".join(sentences)) + "\n\n"
        parts.append(paragraph)
        length += len(paragraph)
        number += 1
    return "".join(parts)

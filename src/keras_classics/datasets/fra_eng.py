"""fra-eng: English -> French sentence pairs (manythings.org / Tatoeba `fra.txt`), and a
rule-based twin.

Real data: `fra.txt` from `fra-eng.zip` (http://www.manythings.org/anki/fra-eng.zip; the site
refuses scripted downloads, so it is a manual download as in the original examples). Looked for
at `--set data_path=...`, then `fra.txt` and `fra-eng/fra.txt` in `--data-dir` and in the Keras
cache, and inside a `fra-eng.zip` in those folders. Each line is `English<TAB>French`, with a
third attribution column in newer releases (it broke the original cnn_seq2seq); both layouts
are read. Other lines are malformed: reported with their line number and skipped, or refused.

Encoding, exactly as the originals: characters are tokens; the target gets '\\t' as start and
'\\n' as end; token tables are the sorted characters; one-hot float32 arrays
encoder (N, max_encoder_len, input_tokens), decoder input and target (N, max_decoder_len,
target_tokens), the target one step ahead of the decoder input.

Synthetic: an English -> French-like grammar with French word order (adjectives after the
noun), gender and number agreement of articles, adjectives and verbs, elision (l'oiseau) and
inverted questions (La voiture est-elle rouge ?).
"""

from __future__ import annotations

import dataclasses
import io
import math
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from keras_classics.datasets import cache
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
    paths = candidate_paths(source)
    for path in paths:
        if path.is_file():
            return path
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
@dataclasses.dataclass(frozen=True)
class TokenTables:
    """The sorted characters of inputs and targets and the longest sequences."""

    input_characters: tuple[str, ...]
    target_characters: tuple[str, ...]
    max_encoder_seq_length: int
    max_decoder_seq_length: int

    @property
    def input_token_index(self) -> dict[str, int]:
        return {char: i for i, char in enumerate(self.input_characters)}

    @property
    def target_token_index(self) -> dict[str, int]:
        return {char: i for i, char in enumerate(self.target_characters)}

    def to_dict(self) -> dict:
        """JSON-ready (saved with a run, so `sample` encodes as training did)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TokenTables:
        return cls(
            tuple(data["input_characters"]),
            tuple(data["target_characters"]),
            int(data["max_encoder_seq_length"]),
            int(data["max_decoder_seq_length"]),
        )


# -- What the seq2seq examples train on ---------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Token counts and longest sequences of the original's 10,000 pairs."""

    num_encoder_tokens: int = 70
    num_decoder_tokens: int = 93
    max_encoder_seq_length: int = 16
    max_decoder_seq_length: int = 59


@dataclasses.dataclass
class Data:
    train: tuple[tuple[np.ndarray, np.ndarray], np.ndarray]  # (encoder_in, decoder_in), target
    test: tuple[tuple[np.ndarray, np.ndarray], np.ndarray]  # the last validation_split of the pairs
    spec: DataSpec
    tables: TokenTables
    input_texts: list[str]  # all pairs, training ones first
    target_texts: list[str]
    split: int  # index of the first validation pair


def spec_of(tables: TokenTables) -> DataSpec:
    """The model's sizes from the token tables."""
    return DataSpec(
        len(tables.input_characters),
        len(tables.target_characters),
        tables.max_encoder_seq_length,
        tables.max_decoder_seq_length,
    )


def with_start_end(french: str) -> str:
    """'Va !' -> '\\tVa !\\n': tab starts the target sequence, newline ends it."""
    return START + french + END


def build_tables(input_texts: list[str], target_texts: list[str], padding: str = "") -> TokenTables:
    """Sorted character sets and maximum lengths, as the originals compute them.

    Args:
        padding: a character the arrays will be padded with, added to both sets if no text has
            it (only tiny subsets lack ' '; the originals then failed with a KeyError).
    """
    return TokenTables(
        tuple(sorted(set("".join(input_texts)) | set(padding))),
        tuple(sorted(set("".join(target_texts)) | set(padding))),
        max(len(t) for t in input_texts),
        max(len(t) for t in target_texts),
    )


def prepare(
    pairs: list[tuple[str, str]], padding: str = ""
) -> tuple[list[str], list[str], TokenTables]:
    """Input texts, target texts ('\\t' + French + '\\n') and their token tables."""
    input_texts = [english for english, _ in pairs]
    target_texts = [with_start_end(french) for _, french in pairs]
    return input_texts, target_texts, build_tables(input_texts, target_texts, padding)


def split_at(count: int, validation_split: float) -> int:
    """Where Keras' fit(validation_split=...) cuts: the last part validates, unshuffled."""
    return int(math.floor(count * (1.0 - validation_split)))


def unknown_characters(text: str, characters) -> list[str]:
    """Characters of `text` that are not in the table, in order of first appearance."""
    known = set(characters)
    return list(dict.fromkeys(c for c in text if c not in known))


def vectorize(
    input_texts: list[str],
    target_texts: list[str],
    tables: TokenTables,
    pad_with_space: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-hot encoder input, decoder input and decoder target (one step ahead), float32.

    Args:
        target_texts: French with START and END already added.
        pad_with_space: lstm_seq2seq fills the positions after each text with the one-hot of
            ' '; cnn_seq2seq leaves them all zero.

    Raises:
        DataError: padding with ' ' asked for, but the texts have no space.
    """
    inputs, targets = tables.input_token_index, tables.target_token_index
    if pad_with_space and (" " not in inputs or " " not in targets):
        raise DataError("cannot pad with ' ': the sentences have no space character")
    count = len(input_texts)
    encoder_input = np.zeros((count, tables.max_encoder_seq_length, len(inputs)), dtype="float32")
    decoder_input = np.zeros((count, tables.max_decoder_seq_length, len(targets)), dtype="float32")
    decoder_target = np.zeros_like(decoder_input)
    for i, (input_text, target_text) in enumerate(zip(input_texts, target_texts, strict=True)):
        for t, char in enumerate(input_text):
            encoder_input[i, t, inputs[char]] = 1.0
        for t, char in enumerate(target_text):
            decoder_input[i, t, targets[char]] = 1.0
            if t > 0:
                # decoder_target_data is ahead of decoder_input_data by one timestep
                decoder_target[i, t - 1, targets[char]] = 1.0
        if pad_with_space:
            encoder_input[i, len(input_text) :, inputs[" "]] = 1.0
            decoder_input[i, len(target_text) :, targets[" "]] = 1.0
            decoder_target[i, len(target_text) - 1 :, targets[" "]] = 1.0
    return encoder_input, decoder_input, decoder_target


# -- Synthetic twin -------------------------------------------------------------------------------
# (English singular, English plural, French singular, French plural, gender, animate)
NOUNS = (
    ("cat", "cats", "chat", "chats", "m", True),
    ("dog", "dogs", "chien", "chiens", "m", True),
    ("bird", "birds", "oiseau", "oiseaux", "m", True),
    ("boy", "boys", "garçon", "garçons", "m", True),
    ("girl", "girls", "fille", "filles", "f", True),
    ("cow", "cows", "vache", "vaches", "f", True),
    ("horse", "horses", "cheval", "chevaux", "m", True),
    ("wolf", "wolves", "loup", "loups", "m", True),
    ("book", "books", "livre", "livres", "m", False),
    ("car", "cars", "voiture", "voitures", "f", False),
    ("house", "houses", "maison", "maisons", "f", False),
    ("apple", "apples", "pomme", "pommes", "f", False),
    ("tree", "trees", "arbre", "arbres", "m", False),
    ("chair", "chairs", "chaise", "chaises", "f", False),
    ("flower", "flowers", "fleur", "fleurs", "f", False),
)
# English, then French masculine singular, feminine singular, masculine plural, feminine plural
ADJECTIVES = (
    ("big", "grand", "grande", "grands", "grandes"),
    ("small", "petit", "petite", "petits", "petites"),
    ("black", "noir", "noire", "noirs", "noires"),
    ("green", "vert", "verte", "verts", "vertes"),
    ("red", "rouge", "rouge", "rouges", "rouges"),
    ("happy", "heureux", "heureuse", "heureux", "heureuses"),
    ("white", "blanc", "blanche", "blancs", "blanches"),
    ("old", "vieux", "vieille", "vieux", "vieilles"),
    ("pretty", "joli", "jolie", "jolis", "jolies"),
)
# English base form, French third person singular, plural
VERBS = (
    ("sleep", "dort", "dorment"),
    ("eat", "mange", "mangent"),
    ("run", "court", "courent"),
    ("sing", "chante", "chantent"),
)
NARROW_NBSP = "\u202f"  # before '?' and '!' in the French of recent fra.txt releases


def _french_adjective(adjective, gender: str, plural: bool) -> str:
    return adjective[1 + (gender == "f") + 2 * plural]


def _definite(noun_fr: str, gender: str, plural: bool) -> str:
    if plural:
        return "les " + noun_fr
    if noun_fr[0] in "aeiouyh":
        return "l'" + noun_fr
    return ("la " if gender == "f" else "le ") + noun_fr


def _capitalize(text: str) -> str:
    return text[0].upper() + text[1:]


def translate(template: int, noun, adjective, verb, plural: bool) -> tuple[str, str]:
    """One (English, French) pair of the twin grammar."""
    en_sg, en_pl, fr_sg, fr_pl, gender, _ = noun
    en_noun, fr_noun = (en_pl, fr_pl) if plural else (en_sg, fr_sg)
    fr_adjective = _french_adjective(adjective, gender, plural)
    if template == 0:  # The cat is black. -> Le chat est noir.
        be_en, be_fr = ("are", "sont") if plural else ("is", "est")
        english = f"The {en_noun} {be_en} {adjective[0]}."
        french = f"{_definite(fr_noun, gender, plural)} {be_fr} {fr_adjective}."
    elif template == 1:  # The black cats sleep. -> Les chats noirs dorment.
        verb_en = verb[0] if plural else verb[0] + "s"
        english = f"The {adjective[0]} {en_noun} {verb_en}."
        french = f"{_definite(fr_noun, gender, plural)} {fr_adjective} {verb[1 + plural]}."
    elif template == 2:  # I see a small car. -> Je vois une voiture petite.
        article_en = "some" if plural else ("an" if adjective[0][0] in "aeiou" else "a")
        article_fr = "des" if plural else ("une" if gender == "f" else "un")
        english = f"I see {article_en} {adjective[0]} {en_noun}."
        french = f"Je vois {article_fr} {fr_noun} {fr_adjective}."
    else:  # Is the car red? -> La voiture est-elle rouge ?
        be_en = "Are" if plural else "Is"
        pronoun = (
            ("ils" if gender == "m" else "elles") if plural else ("il" if gender == "m" else "elle")
        )
        be_fr = "sont" if plural else "est"
        english = f"{be_en} the {en_noun} {adjective[0]}?"
        french = (
            f"{_definite(fr_noun, gender, plural)} {be_fr}-{pronoun} {fr_adjective}{NARROW_NBSP}?"
        )
    return english, _capitalize(french)


def synthetic_pairs(count: int, seed: int = 0) -> list[tuple[str, str]]:
    """`count` seeded pairs of the twin grammar (verbs only with animate nouns)."""
    rng = np.random.default_rng([seed, 3303])
    pairs = []
    for _ in range(count):
        template = int(rng.integers(4))
        animate = [n for n in NOUNS if n[5]] if template == 1 else NOUNS
        noun = animate[rng.integers(len(animate))]
        adjective = ADJECTIVES[rng.integers(len(ADJECTIVES))]
        verb = VERBS[rng.integers(len(VERBS))]
        pairs.append(translate(template, noun, adjective, verb, bool(rng.integers(2))))
    return pairs


# -- Walkthrough (the data steps both seq2seq examples share) -------------------------------------
def _decode_rows(matrix: np.ndarray, characters) -> str:
    """One-hot rows back to characters; an all-zero row (no padding) shows as '·'."""
    return "".join(characters[row.argmax()] if row.any() else "·" for row in matrix)


# The seed's fra.txt release: its first 10,000 pairs have 70 English and 93 French characters.
SEED_TOKENS = (70, 93)


def release_note(
    source: DataSource, num_samples: int, tables: TokenTables, seed_params: Callable[[], int]
) -> str:
    """For the real file's default 10,000 pairs: its token counts against the seed's release.

    Args:
        seed_params: the parameter count of the example's model with the seed's tables (called
            only when the counts differ).
    """
    if source.synthetic or num_samples != 10000:  # the seed counted 10,000 pairs
        return ""
    counts = (len(tables.input_characters), len(tables.target_characters))
    if counts == SEED_TOKENS:
        return f"\n\n{counts[0]} / {counts[1]} characters, as in the seed."
    return (
        f"\n\nThis fra.txt gives {counts[0]} / {counts[1]} characters where the seed's release "
        f"gave {SEED_TOKENS[0]} / {SEED_TOKENS[1]} (manythings.org updates the file): the first "
        f"and last layers follow the data. With the seed's tables the model has "
        f"{seed_params():,} parameters, as `keras-classics summary` shows."
    )


def translation_report(inputs: list[str], decoded: list[str]) -> str:
    """The originals' printout: '-', 'Input sentence:', 'Decoded sentence:' per sentence."""
    lines = []
    for source, target in zip(inputs, decoded, strict=True):
        lines += ["-", f"Input sentence: {source}", f"Decoded sentence: {target}"]
    return "\n".join(lines) + "\n"


def explain_data(pairs: list[tuple[str, str]], pad_with_space: bool):
    """Sections: parsed pairs, token tables, counts and shapes, teacher-forcing arrays."""
    from keras_classics.explaining import Section

    input_texts, target_texts, tables = prepare(pairs, " " if pad_with_space else "")
    shown = "\n".join(f"{english!r} -> {french!r}" for english, french in pairs[:5])
    yield Section(
        "Reading fra.txt: English<TAB>French[<TAB>attribution], the first pairs",
        "读取 fra.txt：英语<TAB>法语[<TAB>出处]，前几对句子",
        f"{shown}\nparts = line.split('\\t'); input_text, target_text = parts[0], parts[1] "
        "(two or three columns; the original cnn_seq2seq's two-name unpacking broke on three)",
    )
    yield Section(
        "Token tables: sorted characters; targets add '\\t' (start) and '\\n' (end)",
        "字符编码表：按字符排序；目标语言加了开始符 '\\t' 和结束符 '\\n'",
        f"print(input_token_index)\n{tables.input_token_index}\n\n"
        f"print(target_token_index)\n{tables.target_token_index}",
    )
    count = len(pairs)
    yield Section(
        "Counts and shapes of the one-hot arrays",
        "样本数与 one-hot 数组的形状",
        f"Number of samples: {count}\n"
        f"Number of unique input tokens: {len(tables.input_characters)}\n"
        f"Number of unique output tokens: {len(tables.target_characters)}\n"
        f"Max sequence length for inputs: {tables.max_encoder_seq_length}\n"
        f"Max sequence length for outputs: {tables.max_decoder_seq_length}\n"
        f"encoder_input_data.shape {(count, tables.max_encoder_seq_length, len(tables.input_characters))}\n"
        f"decoder_input_data.shape {(count, tables.max_decoder_seq_length, len(tables.target_characters))}\n"
        f"decoder_target_data.shape {(count, tables.max_decoder_seq_length, len(tables.target_characters))}",
    )
    encoder, decoder_in, decoder_target = vectorize(
        input_texts[:1], target_texts[:1], tables, pad_with_space
    )
    padding = "' '" if pad_with_space else "all-zero rows (·)"
    yield Section(
        "Teacher forcing: the decoder input starts with '\\t', the target is one step ahead",
        "teacher forcing：解码器输入以 '\\t' 开头，目标比输入提前一位",
        f"encoder_input_data[0]  {_decode_rows(encoder[0], tables.input_characters)!r}\n"
        f"decoder_input_data[0]  {_decode_rows(decoder_in[0], tables.target_characters)!r}\n"
        f"decoder_target_data[0] {_decode_rows(decoder_target[0], tables.target_characters)!r}\n"
        f"(positions after the text: {padding})",
    )

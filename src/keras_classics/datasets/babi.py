"""bAbI question answering tasks (Weston et al. 2015): stories, questions, answers.

Real data: the archive Keras downloads (`babi-tasks-v1-2.tar.gz`, no published hash) or an
extracted folder in `--data-dir` (`tasks_1-20_v1-2/en/...`, `tasks_1-20_v1-2/en-10k/...`).
The text format, one numbered line each::

    1 Mary moved to the bathroom.
    2 John went to the hallway.
    3 Where is Mary? <TAB>bathroom<TAB>1

Numbering restarts at 1 with each new story; a question line carries the answer and the ids of
its supporting facts. Synthetic: a generator of QA1 (single supporting fact) and QA2 (two
supporting facts) stories in that same text format, with the real tasks' vocabulary, so the same
parser reads both and the answers follow from the story (learnable).
"""

from __future__ import annotations

import dataclasses
import re
import tarfile
from collections.abc import Iterable
from functools import reduce
from pathlib import Path

import numpy as np

from keras_classics.datasets import cache
from keras_classics.datasets.source import DataSource
from keras_classics.errors import DataError, MissingDataError, UserError

BABI_TAR = cache.RemoteFile(
    fname="babi-tasks-v1-2.tar.gz",
    origin="https://s3.amazonaws.com/text-datasets/babi_tasks_1-20_v1-2.tar.gz",
    file_hash=None,  # Keras' babi examples pass no hash; the parser catches damage.
    description="bAbI tasks 1-20 v1.2 (1k and 10k stories per task)",
    folder="babi",
)
ROOT = "tasks_1-20_v1-2"
TASKS = {
    1: "single-supporting-fact", 2: "two-supporting-facts", 3: "three-supporting-facts",
    4: "two-arg-relations", 5: "three-arg-relations", 6: "yes-no-questions", 7: "counting",
    8: "lists-sets", 9: "simple-negation", 10: "indefinite-knowledge", 11: "basic-coreference",
    12: "conjunction", 13: "compound-coreference", 14: "time-reasoning", 15: "basic-deduction",
    16: "basic-induction", 17: "positional-reasoning", 18: "size-reasoning", 19: "path-finding",
    20: "agents-motivations",
}  # fmt: skip
SIZES = {"1k": "en", "10k": "en-10k"}
# Stories of the real files: (train, test) questions per task file.
QUESTIONS = {"1k": (1000, 1000), "10k": (10000, 1000)}

Story = tuple[list[str], list[str], str]  # (story tokens, question tokens, answer)


def challenge(task: int, size: str) -> str:
    """The archive member pattern, e.g. 'tasks_1-20_v1-2/en-10k/qa1_single-supporting-fact_{}.txt'.

    Raises:
        UserError: for an unknown task number or size.
    """
    if task not in TASKS:
        raise UserError(f"task must be a bAbI task number 1-20, got {task}")
    if size not in SIZES:
        raise UserError(f"size must be 1k or 10k, got {size!r}")
    return f"{ROOT}/{SIZES[size]}/qa{task}_{TASKS[task]}_{{}}.txt"


# -- parsing ------------------------------------------------------------------------------------
def tokenize(sent: str) -> list[str]:
    """Return the tokens of a sentence including punctuation.

    >>> tokenize('Bob dropped the apple. Where is the apple?')
    ['Bob', 'dropped', 'the', 'apple', '.', 'Where', 'is', 'the', 'apple', '?']

    The original split on `(\\W+)?`; since Python 3.7 `re.split` also splits on that pattern's
    empty matches and yields None groups, so `x.strip()` raised AttributeError. Without the `?`
    (the fix the walkthrough gives) the group always matches and nothing is None.
    """
    return [x.strip() for x in re.split(r"(\W+)", sent) if x.strip()]


def parse_stories(
    lines: Iterable[str | bytes], only_supporting: bool = False, name: str = "<lines>"
) -> list[tuple[list[list[str]], list[str], str]]:
    """Parse stories provided in the bAbI tasks format.

    If only_supporting is true, only the sentences that support the answer are kept.

    Returns:
        One (sentences, question tokens, answer) tuple per question, the sentences being the
        story up to that question (questions themselves excluded).

    Raises:
        DataError: for a malformed line, naming `name` and the line number.
    """
    data = []
    story: list = []
    for number, raw in enumerate(lines, 1):
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        line = line.strip()
        if not line:
            continue
        where = f"{name}:{number}"
        nid_text, _, line = line.partition(" ")
        if not nid_text.isdigit() or not line:
            raise DataError(f"{where}: expected '<number> <sentence>', got {raw!r:.60}")
        nid = int(nid_text)
        if nid == 1:
            story = []
        elif nid != len(story) + 1:
            raise DataError(f"{where}: line number {nid} does not follow {len(story)}")
        if "\t" in line:
            parts = line.split("\t")
            if len(parts) != 3 or not parts[1].strip():
                raise DataError(
                    f"{where}: a question line needs 'question<TAB>answer<TAB>supporting ids'"
                )
            q, a, supporting = parts
            q = tokenize(q)
            if only_supporting:
                # Only select the related substory
                try:
                    ids = [int(i) for i in supporting.split()]
                    substory = [story[i - 1] for i in ids]
                except (ValueError, IndexError):
                    raise DataError(f"{where}: bad supporting fact ids {supporting!r}") from None
            else:
                # Provide all the substories
                substory = [x for x in story if x]
            data.append((substory, q, a.strip()))
            story.append("")  # questions keep their line number but are not part of the story
        else:
            story.append(tokenize(line))
    return data


def flatten(sentences: list[list[str]]) -> list[str]:
    """All sentences of a story as one token list (the original's reduce(x + y))."""
    return reduce(lambda x, y: x + y, sentences, [])


def get_stories(
    lines: Iterable[str | bytes],
    only_supporting: bool = False,
    max_length: int | None = None,
    name: str = "<lines>",
) -> list[Story]:
    """Read the lines, retrieve the stories, and convert each story's sentences into one list.

    If max_length is supplied, any stories longer than max_length tokens will be discarded.
    """
    data = parse_stories(lines, only_supporting=only_supporting, name=name)
    flat = [(flatten(story), q, answer) for story, q, answer in data]
    return [item for item in flat if not max_length or len(item[0]) < max_length]


# -- vocabulary and vectors ---------------------------------------------------------------------
def build_vocab(stories: Iterable[Story]) -> list[str]:
    """Every token of stories, questions and answers, sorted (the original's vocab)."""
    vocab: set[str] = set()
    for story, q, answer in stories:
        vocab |= set(story + q + [answer])
    return sorted(vocab)


def word_index(vocab: list[str]) -> dict[str, int]:
    """word -> 1..len(vocab); 0 is reserved for the padding of pad_sequences."""
    return {c: i + 1 for i, c in enumerate(vocab)}


def pad(sequences: list[list[int]], maxlen: int) -> np.ndarray:
    """Keras' pad_sequences: zeros in front ('pre'), the last `maxlen` items kept, int32."""
    out = np.zeros((len(sequences), maxlen), dtype="int32")
    for row, sequence in enumerate(sequences):
        kept = sequence[-maxlen:] if maxlen else []
        if kept:
            out[row, -len(kept) :] = kept
    return out


def vectorize_stories(
    data: list[Story],
    word_idx: dict[str, int],
    story_maxlen: int,
    query_maxlen: int,
    one_hot: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stories (N, story_maxlen) and questions (N, query_maxlen) as padded word ids; answers as
    ids (N,) (babi_memnn) or, with one_hot, (N, len(word_idx) + 1) float (babi_rnn)."""
    inputs = [[word_idx[w] for w in story] for story, _, _ in data]
    queries = [[word_idx[w] for w in query] for _, query, _ in data]
    answers = np.array([word_idx[answer] for _, _, answer in data], dtype="int32")
    if one_hot:
        # let's not forget that index 0 is reserved
        y = np.zeros((len(data), len(word_idx) + 1), dtype="float32")
        y[np.arange(len(data)), answers] = 1
        answers = y
    return pad(inputs, story_maxlen), pad(queries, query_maxlen), answers


def encode_user_story(
    story: str, question: str, vocab: list[str], story_maxlen: int, query_maxlen: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A story and a question typed by a user, vectorised like the training data.

    Words match the vocabulary exactly or, failing that, ignoring case ('mary' is 'Mary').

    Returns:
        story (1, story_maxlen), question (1, query_maxlen) and notes about truncation.

    Raises:
        UserError: an empty story or question, or words the model has never seen.
    """
    if not story.strip() or not question.strip():
        raise UserError(
            "give a story and a question: --set story='Mary moved to the bathroom.' "
            "--set question='Where is Mary?'"
        )
    word_idx = word_index(vocab)
    folded = {w.lower(): i for w, i in word_idx.items()}
    story_tokens, query_tokens = tokenize(story), tokenize(question)
    unknown = sorted(
        {w for w in story_tokens + query_tokens if w not in word_idx and w.lower() not in folded}
    )
    if unknown:
        raise UserError(
            f"unknown word(s) {', '.join(map(repr, unknown))}: this model knows only "
            + " ".join(vocab)
        )

    def ids(tokens: list[str]) -> list[int]:
        return [word_idx.get(w) or folded[w.lower()] for w in tokens]

    notes = []
    for kind, tokens, maxlen in (
        ("story", story_tokens, story_maxlen),
        ("question", query_tokens, query_maxlen),
    ):
        if len(tokens) > maxlen:
            notes.append(f"the {kind} has {len(tokens)} tokens; the model reads its last {maxlen}")
    return pad([ids(story_tokens)], story_maxlen), pad([ids(query_tokens)], query_maxlen), notes


VOCAB_FILE = "vocab.json"


def save_vocab(folder: Path, vocab: list[str], story_maxlen: int, query_maxlen: int) -> Path:
    """Writes what a trained model needs to read new stories: vocabulary and lengths."""
    import json

    path = Path(folder) / VOCAB_FILE
    content = {"vocab": vocab, "story_maxlen": story_maxlen, "query_maxlen": query_maxlen}
    path.write_text(json.dumps(content, indent=1), encoding="utf-8")
    return path


def read_vocab(folder: Path | None) -> dict:
    """Reads what `save_vocab` wrote.

    Raises:
        UserError: when the file is missing or damaged.
    """
    import json

    path = None if folder is None else Path(folder) / VOCAB_FILE
    if path is None or not path.is_file():
        raise UserError(f"no {VOCAB_FILE} among this run's artifacts: train a run first")
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return {k: saved[k] for k in ("vocab", "story_maxlen", "query_maxlen")}
    except (ValueError, KeyError, TypeError) as error:
        raise UserError(f"{path} is damaged ({error}); train a new run") from None


def top_answers(probabilities: np.ndarray, vocab: list[str], k: int = 3) -> list[tuple[str, float]]:
    """The k most likely answer words (index 0 is the padding) with their probabilities."""
    words = ["<pad>", *vocab]
    best = np.argsort(probabilities)[::-1][:k]
    return [(words[i], float(probabilities[i])) for i in best]


def answer(model, story: str, question: str, artifacts: Path | None) -> str:
    """Answers a story and a question a user typed with a trained model, whose vocabulary and
    lengths are in its run's `artifacts`; the answer is also appended to artifacts/answers.txt.

    Raises:
        UserError: no saved vocabulary, an empty story or question, or unknown words.
    """
    saved = read_vocab(artifacts)
    x, xq, notes = encode_user_story(
        story, question, saved["vocab"], saved["story_maxlen"], saved["query_maxlen"]
    )
    answers = top_answers(model.predict([x, xq], verbose=0)[0], saved["vocab"])
    lines = [f"story: {story}", f"question: {question}"]
    lines += [f"note: {note}" for note in notes]
    lines.append(f"answer: {answers[0][0]}   ({'  '.join(f'{w} {p:.3f}' for w, p in answers)})")
    text = "\n".join(lines)
    if artifacts is not None:
        with open(Path(artifacts) / "answers.txt", "a", encoding="utf-8") as handle:
            handle.write(text + "\n\n")
    return text


# -- files --------------------------------------------------------------------------------------
def extracted_root(source: DataSource) -> Path | None:
    """The folder that holds en/ and en-10k/, if --data-dir (or its babi/) holds the extracted
    archive."""
    for folder in source.folders("babi"):
        for candidate in (folder / ROOT, folder):
            if (candidate / "en").is_dir() or (candidate / "en-10k").is_dir():
                return candidate
    return None


def read_task_lines(task: int, size: str, split: str, source: DataSource) -> tuple[list, str]:
    """The lines of one task file (train or test) and a name for messages.

    Looks for an extracted folder in --data-dir first, then for the archive (--data-dir, the
    Keras cache, else downloaded).

    Raises:
        DataError: missing offline, unreadable archive, or the file is not in it.
    """
    member = challenge(task, size).format(split)
    root = extracted_root(source)
    if root is not None:
        path = root / member.split("/", 1)[1]
        if not path.is_file():
            raise MissingDataError(
                f"{path} not found: {root} does not hold bAbI task {task} ({size})"
            )
        return path.read_bytes().splitlines(), str(path)
    archive = cache.fetch(BABI_TAR, source)
    try:
        with tarfile.open(archive) as tar:
            handle = tar.extractfile(member)
            if handle is None:
                raise KeyError(member)
            return handle.read().splitlines(), f"{archive}:{member}"
    except KeyError:
        raise DataError(f"{archive} has no {member}: is it the bAbI v1.2 archive?") from None
    except (tarfile.TarError, OSError, EOFError) as error:
        raise DataError(
            f"{archive} is not a readable tar.gz ({error}); delete it and download "
            f"{BABI_TAR.origin} again"
        ) from None


# -- the synthetic twin -------------------------------------------------------------------------
ACTORS = ("Daniel", "John", "Mary", "Sandra")
PLACES = ("bathroom", "bedroom", "garden", "hallway", "kitchen", "office")
OBJECTS = ("apple", "football", "milk")
MOVES = ("moved", "went", "journeyed", "travelled", "went back")
PICKS = ("got", "grabbed", "took", "picked up")
DROPS = ("dropped", "discarded", "left", "put down")


def synthetic_vocab(task: int) -> list[str]:
    """Every token the generator can write for `task` (equal to the real task's vocabulary)."""
    words = {".", "?", "Where", "is", "the", "to", *ACTORS, *PLACES}
    words |= {w for verb in MOVES for w in verb.split()}
    if task == 2:
        words |= {"there", *OBJECTS}
        words |= {w for verb in PICKS + DROPS for w in verb.split()}
    return sorted(words)


def _story_lines(task: int, questions: int, rng: np.random.Generator) -> list[str]:
    """One story in the bAbI text format: statements in pairs, then a question, `questions` times."""
    lines: list[str] = []
    where: dict[str, tuple[str, int]] = {}  # actor -> (place, line of the fact that says so)
    holder: dict[str, str] = {}  # object -> actor carrying it
    touched: dict[str, int] = {}  # object -> line of its last pick-up or drop
    dropped: dict[str, tuple[str, int]] = {}  # object -> (place, line of the holder's place then)

    def pick(options):
        return options[int(rng.integers(len(options)))]

    def say(text: str) -> int:
        lines.append(f"{len(lines) + 1} {text}")
        return len(lines)

    def statement() -> None:
        pickable = [
            (a, o)
            for a in (where if task == 2 else ())
            for o in OBJECTS
            if o not in holder and (o not in dropped or dropped[o][0] == where[a][0])
        ]
        carried = list(holder.items())
        # About the real QA2 mix: a little over half the statements are moves.
        draw = rng.random()
        kind = "move"
        # Until some object can be asked about, pick-ups are likelier (keeps stories short).
        if task == 2 and pickable and draw < (0.25 if holder or dropped else 0.6):
            kind = "pick"
        elif carried and 0.25 <= draw < 0.45:
            kind = "drop"
        if kind == "pick":
            actor, thing = pickable[rng.integers(len(pickable))]
            holder[thing] = actor
            dropped.pop(thing, None)
            touched[thing] = say(f"{actor} {pick(PICKS)} the {thing} there.")
        elif kind == "drop":
            thing, actor = carried[rng.integers(len(carried))]
            del holder[thing]
            dropped[thing] = where[actor]
            touched[thing] = say(f"{actor} {pick(DROPS)} the {thing}.")
        else:
            actor = ACTORS[rng.integers(len(ACTORS))]
            here = where.get(actor, ("", 0))[0]
            place = pick([p for p in PLACES if p != here])
            where[actor] = (place, say(f"{actor} {pick(MOVES)} to the {place}."))

    asked = 0
    while asked < questions:
        statement()
        statement()
        if task == 1:
            actor = list(where)[rng.integers(len(where))]
            place, fact = where[actor]
            say(f"Where is {actor}? \t{place}\t{fact}")
            asked += 1
            continue
        known = sorted(set(holder) | set(dropped))
        if not known:
            continue
        thing = known[rng.integers(len(known))]
        if thing in holder:
            place, fact = where[holder[thing]]
        else:
            place, fact = dropped[thing]
        say(f"Where is the {thing}? \t{place}\t{touched[thing]} {fact}")
        asked += 1
    return lines


def synthetic_lines(task: int, count: int, seed: int, questions_per_story: int = 5) -> list[str]:
    """Stories in the bAbI text format with `count` questions in all (QA1 or QA2).

    Raises:
        UserError: for a task other than 1 or 2.
    """
    if task not in (1, 2):
        raise UserError(f"the synthetic bAbI generator writes tasks 1 and 2, not task {task}")
    rng = np.random.default_rng(seed)
    lines: list[str] = []
    remaining = count
    while remaining > 0:
        asked = min(questions_per_story, remaining)
        lines.extend(_story_lines(task, asked, rng))
        remaining -= asked
    return lines


# -- loading ------------------------------------------------------------------------------------
@dataclasses.dataclass
class Stories:
    """Parsed train and test stories of one task, with the vocabulary the original builds."""

    train: list[Story]
    test: list[Story]
    vocab: list[str]
    first_lines: list[str]  # the training file's first story, as text (for the walkthrough)

    @property
    def story_maxlen(self) -> int:
        return max(map(len, (x for x, _, _ in self.train + self.test)), default=0)

    @property
    def query_maxlen(self) -> int:
        return max(map(len, (x for _, x, _ in self.train + self.test)), default=0)


def _first_story(lines: list) -> list[str]:
    texts = [(x.decode("utf-8") if isinstance(x, bytes) else x).rstrip("\n") for x in lines]
    end = next((i for i, t in enumerate(texts[1:], 1) if t.startswith("1 ")), len(texts))
    return texts[:end]


def load(
    task: int,
    size: str,
    source: DataSource,
    only_supporting: bool = False,
    max_length: int | None = None,
    train_count: int = 0,
    test_count: int = 0,
    seed: int = 1337,
    questions_per_story: int = 5,
) -> Stories:
    """The stories of one bAbI task, real or synthetic.

    Args:
        task: bAbI task number (synthetic data: 1 or 2).
        size: "1k" or "10k" questions per training file.
        source: real or synthetic, data folder, offline.
        only_supporting: keep only the supporting sentences of each story.
        max_length: drop stories of max_length tokens or more (None keeps all).
        train_count: keep the first N training questions (0 = all); synthetic data only
            generates that many.
        test_count: the same for the test file.
        seed: seeds the synthetic generator.
        questions_per_story: synthetic stories only (the real files have 5).

    Raises:
        UserError, DataError: bad task/size, missing or malformed files.
    """
    challenge(task, size)
    if source.synthetic:
        counts = QUESTIONS[size]
        train_lines = synthetic_lines(task, train_count or counts[0], seed, questions_per_story)
        test_lines = synthetic_lines(task, test_count or counts[1], seed + 1, questions_per_story)
        names = (f"synthetic qa{task} train", f"synthetic qa{task} test")
    else:
        train_lines, train_name = read_task_lines(task, size, "train", source)
        test_lines, test_name = read_task_lines(task, size, "test", source)
        names = (train_name, test_name)
    train = get_stories(train_lines, only_supporting, max_length, names[0])
    test = get_stories(test_lines, only_supporting, max_length, names[1])
    if not train or not test:
        raise DataError(f"no stories left in {names[0] if not train else names[1]}")
    # The vocabulary comes from all of train and test (as the original), before any cut; the
    # synthetic one is the generator's whole vocabulary, so shapes never depend on the sample.
    vocab = synthetic_vocab(task) if source.synthetic else build_vocab(train + test)
    if train_count:
        train = train[:train_count]
    if test_count:
        test = test[:test_count]
    return Stories(train, test, vocab, _first_story(train_lines))

"""bAbI question answering tasks (Weston et al. 2015): stories, questions, answers.

Real data: the archive Keras downloads (`babi-tasks-v1-2.tar.gz`, no published hash) or an
extracted folder in `--data-dir` (`tasks_1-20_v1-2/en/...`, `tasks_1-20_v1-2/en-10k/...`).
The text format, one numbered line each::

    1 Mary moved to the bathroom.
    2 John went to the hallway.
    3 Where is Mary? <TAB>bathroom<TAB>1

Numbering restarts at 1 with each new story; a question line carries the answer and the ids of
its supporting facts. Synthetic: a generator of QA1 (single supporting fact) and QA2 (two
supporting facts) stories in that same text format (`babi_synthetic.py`), with the real tasks'
vocabulary, so the same parser (`babi_stories.py`) reads both and the answers follow from the
story (learnable).
"""

from __future__ import annotations

import dataclasses
import tarfile
from pathlib import Path

from keras_classics.datasets import cache
from keras_classics.datasets.babi_stories import Story, build_vocab, get_stories
from keras_classics.datasets.babi_synthetic import synthetic_lines, synthetic_vocab
from keras_classics.datasets.source import DataSource, at_most
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


# -- files --------------------------------------------------------------------------------------
def extracted_root(source: DataSource) -> Path | None:
    """The folder that holds en/ and en-10k/, if --data-dir (or its babi/) holds the extracted
    archive."""
    for folder in source.folders("babi"):
        for candidate in (folder / ROOT, folder):
            if (candidate / "en").is_dir() or (candidate / "en-10k").is_dir():
                return candidate
    return None


def locate(source: DataSource) -> list[cache.Located]:
    """The bAbI archive, or an extracted folder of it in --data-dir that stands in for it."""
    return [cache.locate_file(BABI_TAR, source, unpacked=extracted_root(source))]


def read_task_lines(task: int, size: str, split: str, source: DataSource) -> tuple[list, str]:
    """The lines of one task file (train or test) and a name for messages.

    Looks for an extracted folder in --data-dir first, then for the archive (--data-dir, the
    Keras cache, else downloaded).

    Raises:
        DataError: missing offline, unreadable archive, or the file is not in it.
    """
    member = challenge(task, size).format(split)
    (located,) = locate(source)
    root = located.unpacked
    if root is not None:
        path = root / member.split("/", 1)[1]
        if not path.is_file():
            raise MissingDataError(
                f"{path} not found: {root} does not hold bAbI task {task} ({size})"
            )
        return path.read_bytes().splitlines(), str(path)
    archive = cache.fetch(BABI_TAR, source, located)
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
        train_count, test_count = at_most(train_count, counts[0]), at_most(test_count, counts[1])
        train_lines = synthetic_lines(task, train_count, seed, questions_per_story)
        test_lines = synthetic_lines(task, test_count, seed + 1, questions_per_story)
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

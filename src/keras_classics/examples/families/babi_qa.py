"""What the two bAbI readers (babi_memnn, babi_rnn) share around their models: the vocabulary a run
keeps, and answering a question a user asks about a story."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from keras_classics.datasets.babi_stories import encode_user_story
from keras_classics.errors import UserError
from keras_classics.runs import write_atomic

VOCAB_FILE = "vocab.json"
ANSWERS_FILE = "answers.txt"


def save_vocab(folder: Path, vocab: list[str], story_maxlen: int, query_maxlen: int) -> Path:
    """Writes what a trained model needs to read new stories: vocabulary and lengths."""
    path = Path(folder) / VOCAB_FILE
    content = {"vocab": vocab, "story_maxlen": story_maxlen, "query_maxlen": query_maxlen}
    write_atomic(path, json.dumps(content, indent=1))
    return path


def read_vocab(folder: Path | None) -> dict:
    """Reads what `save_vocab` wrote.

    Raises:
        UserError: when the file is missing or damaged.
    """
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
        # Appended to the earlier answers by rewriting the whole file atomically (as metrics.csv).
        path = Path(artifacts) / ANSWERS_FILE
        earlier = path.read_text(encoding="utf-8") if path.is_file() else ""
        write_atomic(path, earlier + text + "\n\n")
    return text


def random_test_questions(stories, count: int = 3) -> list[tuple[str, str, str]]:
    """`count` random (story, question, answer) of the test set as text, for a `sample` given no
    story: new ones each time."""
    rng = np.random.default_rng()
    chosen = rng.choice(len(stories.test), size=min(count, len(stories.test)), replace=False)
    return [
        (" ".join(stories.test[i][0]), " ".join(stories.test[i][1]), stories.test[i][2])
        for i in chosen
    ]


def sample(model, config, run, test_stories) -> str:
    """What both readers' `sample` does: answers `--set story=... question=...`; without them,
    three random test stories of the run's data (`test_stories()` loads them), with their true
    answers. Prints and returns the text."""
    artifacts = None if run is None else run.artifacts
    if config.story or config.question:
        text = answer(model, config.story, config.question, artifacts)
    else:
        text = "\n\n".join(
            answer(model, story, question, artifacts) + f"\ntrue answer: {truth}"
            for story, question, truth in random_test_questions(test_stories())
        )
    print(text)
    return text

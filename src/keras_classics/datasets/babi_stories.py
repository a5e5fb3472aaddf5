"""Parsing bAbI stories and encoding them as the original did: tokens, the vocabulary, padded index
sequences, and a story a user types."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import reduce

import numpy as np

from keras_classics.errors import DataError, UserError

Story = tuple[list[str], list[str], str]  # (story tokens, question tokens, answer)


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

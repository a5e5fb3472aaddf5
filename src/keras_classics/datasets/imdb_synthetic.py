"""The synthetic twin of IMDB: short English film reviews from a small grammar, labelled by the
sentiment of their words, with a word index ranked by frequency as imdb.npz's is."""

from __future__ import annotations

import functools
import random
from collections import Counter

import numpy as np

POSITIVE = (
    "good", "great", "excellent", "wonderful", "brilliant", "superb", "enjoyable",
    "beautiful", "funny", "moving", "charming", "clever", "touching", "fantastic",
)  # fmt: skip

NEGATIVE = (
    "bad", "terrible", "awful", "boring", "dull", "horrible", "weak", "stupid", "poor",
    "pointless", "predictable", "annoying", "lame", "silly",
)  # fmt: skip

ASPECTS = (
    "acting", "plot", "story", "script", "direction", "music", "ending", "cast", "dialogue",
    "photography", "soundtrack", "pacing", "camera work", "humour",
)  # fmt: skip

FILMS = ("movie", "film")

INTENSIFIERS = ("very", "really", "quite", "so", "truly", "pretty", "extremely")

LIKES = ("loved", "enjoyed", "liked", "adored")

LIKE = ("love", "enjoy", "like", "adore")

DISLIKES = ("hated", "disliked")

NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

NAMES = ("john", "mary", "robert", "anna", "peter", "susan", "michael", "laura", "paul", "kate")

PEOPLE = ("man", "woman", "boy", "girl", "family", "detective", "soldier", "teacher")

PLOTS = (
    "returns to his home town", "falls in love", "tries to find the truth", "loses everything",
    "goes to war", "moves to a new city", "looks for her father", "solves a murder",
)  # fmt: skip

WHEN = ("last week", "on tv", "at the cinema", "with my wife", "with my friends", "years ago")


def _review(rng: random.Random) -> tuple[str, float]:
    """One review and its summed sentiment."""
    pick = rng.choice

    def adjective() -> tuple[str, float]:
        good = rng.random() < 0.5
        return pick(POSITIVE if good else NEGATIVE), (1.0 if good else -1.0)

    def opinion() -> tuple[str, float]:
        kind = rng.randrange(9)
        word, polarity = adjective()
        aspect, film = pick(ASPECTS), pick(FILMS)
        very = pick(INTENSIFIERS) + " " if rng.random() < 0.4 else ""
        if kind == 0:
            return f"the {aspect} was {very}{word}", polarity
        if kind == 1:  # negation flips the adjective
            return f"the {aspect} was not {very}{word}", -polarity
        if kind == 2:
            return f"it was a {very}{word} {film}", polarity
        if kind == 3:
            article = "an" if word[0] in "aeiou" else "a"
            return f"it is not {article} {word} {film}", -polarity
        if kind == 4:
            liked = rng.random() < 0.5
            verb = pick(LIKES) if liked else pick(DISLIKES)
            return f"i {verb} this {film}", 1.0 if liked else -1.0
        if kind == 5:
            return f"i did not {pick(LIKE)} this {film} at all", -1.0
        if kind == 6:  # the clause after "but" counts more
            other, other_polarity = adjective()
            return (
                f"the {aspect} was {word} but the {pick(ASPECTS)} was {other}",
                0.5 * polarity + 1.5 * other_polarity,
            )
        if kind == 7:
            score = rng.randint(1, 10)
            return f"{NUMBERS[score - 1]} out of ten", (score - 5.5) / 2.25
        recommend = rng.random() < 0.5
        return f"i would {'' if recommend else 'not '}recommend it", 1.0 if recommend else -1.0

    def neutral() -> str:
        kind = rng.randrange(5)
        if kind == 0:
            return f"i saw this {pick(FILMS)} {pick(WHEN)}"
        if kind == 1:
            return f"it is about a {pick(PEOPLE)} who {pick(PLOTS)}"
        if kind == 2:
            return f"the {pick(FILMS)} stars {pick(NAMES)} and {pick(NAMES)}"
        if kind == 3:
            return f"the {pick(ASPECTS)} reminded me of an old {pick(FILMS)}"
        return "<br /><br />"

    sentences, total = [], 0.0
    for _ in range(rng.randint(4, 12)):
        if rng.random() < 0.4:
            sentences.append(neutral())
        else:
            text, value = opinion()
            sentences.append(text)
            total += value
    return ". ".join(s.capitalize() for s in sentences) + ".", total


def synthetic_texts(count: int, seed: int) -> tuple[list[str], np.ndarray]:
    """`count` generated reviews, half positive and half negative (clear-cut ones only)."""
    rng = random.Random(seed)  # scalar draws: several times faster than NumPy's Generator
    texts: list[str] = []
    labels: list[int] = []
    wanted = {0: count // 2, 1: count - count // 2}
    while len(texts) < count:
        text, total = _review(rng)
        label = int(total > 0)
        if abs(total) < 0.5 or not wanted[label]:
            continue
        wanted[label] -= 1
        texts.append(text)
        labels.append(label)
    return texts, np.array(labels, dtype="int64")


@functools.lru_cache(maxsize=1)
def synthetic_word_index() -> dict[str, int]:
    """Every word the generator writes, ranked by its frequency in 2,000 generated reviews."""
    texts, _ = synthetic_texts(2000, seed=0)
    # imported here: imdb_words serves this index for --data synthetic, so it imports this module
    from keras_classics.datasets.imdb_words import text_to_word_sequence

    counts = Counter(w for text in texts for w in text_to_word_sequence(text))
    words = {
        w
        for group in (
            POSITIVE,
            NEGATIVE,
            ASPECTS,
            FILMS,
            INTENSIFIERS,
            LIKES,
            LIKE,
            DISLIKES,
            NUMBERS,
            NAMES,
            PEOPLE,
            PLOTS,
            WHEN,
        )  # fmt: skip
        for phrase in group
        for w in phrase.split()
    }
    words |= set(counts)
    ranked = sorted(words, key=lambda w: (-counts[w], w))
    return {w: rank for rank, w in enumerate(ranked, 1)}

"""The synthetic twin of bAbI: stories of people moving between rooms and carrying objects, with the
questions of task 1 (where is X?) and task 2 (where is the object?), written as the real files
are."""

from __future__ import annotations

import numpy as np

from keras_classics.errors import UserError

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
    """One story in the bAbI text format: statements in pairs, then a question, `questions`
    times."""
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

"""The synthetic twin of fra.txt: short English sentences and their French translations from a small
grammar (articles, gender and number agree), punctuated as recent fra.txt releases are."""

from __future__ import annotations

import numpy as np

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

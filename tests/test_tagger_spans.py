"""Tests of the tagger's article-wide span passes (index/entities/_tagger_spans.py).

The spans are given by hand, as the model might tag them, so that each pass is tested
whatever the trained weights do.
"""

from __future__ import annotations

import random
import re

import pytest
from searchlib.index.entities._tagger_spans import _whole_words, article_spans, join_first_names


def spans(text: str, *marks: tuple[str, str]) -> list[tuple[str, int, int]]:
    """(TYPE, start, end) of each (TYPE, surface) mark, in order, each after the last."""
    out, at = [], 0
    for tag, surface in marks:
        start = text.index(surface, at)
        out.append((tag, start, start + len(surface)))
        at = start + len(surface)
    return out


def joined(text: str, *marks: tuple[str, str]) -> list[tuple[str, str]]:
    return [(t, text[s:e]) for t, s, e in join_first_names(text, spans(text, *marks))]


@pytest.mark.parametrize("text, marks, expected", [
    # a person with no first name before an org with a corporate suffix is that org
    ("Drexel Burnham Lambert Inc said.", [("PER", "Drexel"), ("ORG", "Burnham Lambert Inc")],
     [("ORG", "Drexel Burnham Lambert Inc")]),
    # ... but not before an org without one, nor with a first name
    ("Drexel Burnham said.", [("PER", "Drexel"), ("ORG", "Burnham")],
     [("PER", "Drexel"), ("ORG", "Burnham")]),
    ("John Quell Acme Inc", [("PER", "John Quell"), ("ORG", "Acme Inc")],
     [("PER", "John Quell"), ("ORG", "Acme Inc")]),
    # the words of a surname with particles
    ("nominee Rocky De La Fuente said", [("PER", "Rocky De"), ("ORG", "La"), ("PER", "Fuente")],
     [("PER", "Rocky De La Fuente")]),
    # a nationality before an organisation
    ("the Iranian Chess Federation said", [("MISC", "Iranian"), ("ORG", "Chess Federation")],
     [("ORG", "Iranian Chess Federation")]),
    # a hyphenated given name after a surname
    ("governor Chang Chi-cheng said", [("PER", "Chang")], [("PER", "Chang Chi-cheng")]),
    # an org tagged from "of" on, or after "<Word> of", or after an org ending in "of"
    ("the US House of Representatives", [("LOC", "US House"), ("ORG", "of Representatives")],
     [("ORG", "US House of Representatives")]),
    ("the Ministry of Defence said", [("ORG", "Defence")], [("ORG", "Ministry of Defence")]),
    ("the National Conference of State Legislatures",
     [("ORG", "National Conference of"), ("ORG", "State Legislatures")],
     [("ORG", "National Conference of State Legislatures")]),
    # ... but a person is described by "of", not named by it
    ("Tristan Vell of Kingsbridge College", [("PER", "Tristan Vell"),
                                             ("ORG", "of Kingsbridge College")],
     [("PER", "Tristan Vell"), ("ORG", "Kingsbridge College")]),
])
def test_join_first_names(text: str, marks: list, expected: list) -> None:
    assert joined(text, *marks) == expected


def test_article_spans_give_kinds() -> None:
    text = "Drexel Burnham Lambert Inc said."
    out = article_spans([text], [spans(text, ("PER", "Drexel"), ("ORG", "Burnham Lambert Inc"))])
    assert out == [[("org", 0, len("Drexel Burnham Lambert Inc"))]]


def test_whole_words_are_what_the_regex_of_words_finds() -> None:
    rng = random.Random(8)
    pieces = ["Smith", "Smithson", "O'Smith", "Smith-Jones", "Qin", "Gang", "Élise", "said",
              " ", "  ", ",", ".", "-", "'", "\u2019", "_", "2"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) + rng.choice([" ", ""]) for _ in range(12))
        words = set(rng.sample(["Smith", "Qin", "Gang", "Élise", "Smithson", "Jones"],
                               rng.randint(1, 4)))
        pattern = re.compile(r"(?<![\w'\u2019-])(?:" + "|".join(map(re.escape, sorted(words)))
                             + r")(?![\w-])")
        assert _whole_words(text, words) == [m.span() for m in pattern.finditer(text)], text
    assert _whole_words("Smith, O'Smith, Smith-Jones and Smithson met Smith.", {"Smith"}) == [
        (0, 5), (45, 50)]

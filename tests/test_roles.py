"""The role mentions' scan ("the minister") finds what one compiled regex of the article's
heads would, without compiling one per article."""

from __future__ import annotations

import random
import re

from searchlib.index.entities._roles import _the_heads

_PIECES = ["the", "The", "THE", "minister", "foreign minister", "ministers", "company",
           "Smith", "Smithson", "O'Smith", "Smith-Jones", "Qin", "Gang", "said", "Élise",
           " ", "  ", "\n", ",", ".", "-", "'", "\u2019", "_", "2"]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) + rng.choice([" ", "", "  "])
                    for _ in range(rng.randint(1, 12))) for _ in range(n)]


def test_the_heads_are_what_the_regex_of_heads_finds() -> None:
    rng = random.Random(7)
    for text in _texts(5000, 1):
        heads = sorted(rng.sample(["minister", "foreign minister", "company", "foreign",
                                   "ministers"], rng.randint(1, 4)), key=len, reverse=True)
        pattern = re.compile(r"\b(?:the|The)\s+(" + "|".join(map(re.escape, heads))
                             + r")\b(?!\s+[A-Z])")
        expected = [(m.start(1), m.end(1), m.group(1)) for m in pattern.finditer(text)]
        assert list(_the_heads(text, heads)) == expected, (text, heads)


def test_the_heads_examples() -> None:
    heads = ["foreign minister", "minister"]
    text = "The foreign minister said; the minister Qin Gang; the ministers; the minister."
    assert [h for _, _, h in _the_heads(text, heads)] == ["foreign minister", "minister"]

"""The tagger's tokeniser and all-caps test: their shortcuts change no answer."""

from __future__ import annotations

import random
import re

import pytest
from searchlib.index.entities import _features
from searchlib.index.entities._features import (
    SPACED_TOKEN,
    TOKEN,
    TOKEN_RULES,
    caps_paragraph,
    tokenise,
)

RULES = re.compile(TOKEN_RULES)
TRICKY = [
    "China's U.S. Mr. Smith (Reuters) Sino-US 1.19 A&P O'Neil can't it\u2019s JOHN'S",
    "George W. Bush met Co. Ltd. staff at No. 10; vs. Jan. 5, 1990s A4 x_y __init__",
    "Zo\u00eb S\u00e3o Paulo \u00dcnal e.g. i.e. U.S.-based Ab. Cd.E end.",
    "\u2460\u00bd\u00b2 \u24b6b \u2167 Mt.Everest 10:30 3/4 -- \u2014 \"quoted\" [x] Inc.",
]
ALPHABET = "aZq09_.-&'\u2019 \n\u00e9\u00c9\u00bd,:/MrsNoCo"


def rule_tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m[0], *m.span()) for m in RULES.finditer(text)]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_rule_gives_the_rules_tokens(text: str) -> None:
    assert tokenise(text) == rule_tokens(text)


def test_fast_rule_on_random_text() -> None:
    rng = random.Random(21)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24)))
        assert tokenise(text) == rule_tokens(text), text


def test_spaced_tokens_carry_the_gaps() -> None:
    text = "  Ana  Ruiz,\tin\nLima. "
    pairs = SPACED_TOKEN.findall(text)
    assert [t for _, t in pairs] == [m[0] for m in TOKEN.finditer(text)]
    assert "".join(g + t for g, t in pairs) == text.rstrip()


def test_caps_paragraph_stops_counting_at_the_same_answer() -> None:
    """Two thirds of the words all in capitals, counted in full, as the shortcut counts."""
    rng = random.Random(12)
    words = ["AB", "Cd", "ef", "GH", "1", "\u00dc", "\u00c9T\u00c9", "x", "U.S.", "(UN)"]
    texts = ["ZORBEX CORP NAMES NEW CHIEF", "LONDON 1996-08-30", "Ana met the UN envoy.", ""]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(0, 9)))
              for _ in range(3000)]
    for text in texts:
        upper = len(_features._CAPS_WORD.findall(text))
        expected = upper >= 1 and upper * 3 >= len(_features._ALPHA_WORD.findall(text)) * 2
        assert caps_paragraph.__wrapped__(text) == expected, text
    assert caps_paragraph("ZORBEX CORP NAMES NEW CHIEF")
    assert not caps_paragraph("Ana met the UN envoy.")

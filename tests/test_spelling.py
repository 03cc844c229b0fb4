"""The bigram index of a vocabulary against a brute-force edit distance, and suggestions
for words no one types (bounded: no correction of a 9,999-letter word)."""

from __future__ import annotations

import random
import resource

from hypothesis import given, settings
from hypothesis import strategies as st

from searchlib._spelling import MAX_WORD, BigramIndex, distance, one_edit


def _brute(a: str, b: str, swaps: bool) -> int:
    # Textbook dynamic programme (optimal string alignment when swaps are allowed).
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if swaps and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@settings(max_examples=300, deadline=None)
@given(st.text("abcde", max_size=8), st.text("abcde", max_size=8), st.booleans())
def test_distance_is_the_edit_distance(a, b, swaps):
    true = _brute(a, b, swaps)
    assert distance(a, b, 2, swaps) == (true if true <= 2 else 3)


@settings(max_examples=500, deadline=None)
@given(st.text("abc", max_size=6), st.text("abc", max_size=6))
def test_one_edit_is_a_distance_of_one_with_swaps(a, b):
    assert one_edit(a, b) == (_brute(a, b, True) == 1)


def _vocabulary(n: int = 3000) -> list[str]:
    rng = random.Random(7)
    words = {"".join(rng.choice("aeioustrnlk") for _ in range(rng.randint(1, 11)))
             for _ in range(n)}
    return sorted(words | {"taiwan", "beijing", "café", "naïve"})


def test_within_finds_exactly_the_terms_within_the_distance():
    vocab = _vocabulary()
    index = BigramIndex(vocab)
    rng = random.Random(3)
    words = [*rng.sample(vocab, 40), "taiwn", "beijng", "cafe", "naive", "xyz", "a"]
    for word in words:
        for maxdist, swaps in ((1, True), (2, False), (1, False)):
            expected = {t for t in vocab if _brute(word, t, swaps) <= maxdist}
            got = index.within(word, maxdist, swaps)
            assert {t for t, _ in got} == expected, (word, maxdist, swaps)
            assert all(_brute(word, t, swaps) == d for t, d in got)


def test_an_empty_vocabulary_has_no_neighbours():
    assert BigramIndex([]).within("taiwan", 2) == []


def test_very_long_words_are_not_corrected(examples_index):
    # Before the bound, one 9,999-letter word generated every one-edit string of it:
    # 60 s and 7 GB. Now no correction is looked for past MAX_WORD letters.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    res = examples_index.search("q" * 9_999)
    assert res.total == 0 and res.suggestion is None
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 500
    assert BigramIndex(["taiwan"]).within("t" * (MAX_WORD + 1), 2) == []
    # A long but plausible misspelling is still corrected.
    assert examples_index.search("Taiwn").suggestion == "taiwan"

"""Snippets: the best window of a long paragraph around its matches."""

from __future__ import annotations

import json

import pytest

import searchlib
from searchlib._snippets import best_window, make_snippet
from tests.shared import run

LONG = " ".join(f"w{i}" for i in range(100))


def _span(text: str, word: str) -> tuple[int, int]:
    start = text.index(f" {word} ") + 1
    return (start, start + len(word))


def test_a_short_paragraph_is_its_own_snippet():
    text = "Taiwan is short."
    snip = make_snippet(text, [(0, 6)], words=10)
    assert (snip.start, snip.end, snip.text) == (0, len(text), text)
    assert snip.highlight == "<b>Taiwan</b> is short."


def test_the_window_holds_the_most_matches_and_is_cut_with_ellipses():
    spans = [_span(LONG, "w10"), _span(LONG, "w60"), _span(LONG, "w62"), _span(LONG, "w65")]
    start, end = best_window(LONG, spans, words=10)
    window = LONG[start:end].split()
    assert len(window) == 10 and {"w60", "w62", "w65"} <= set(window)
    assert window[0] == "w58"  # a few words of lead before the first match held
    snip = make_snippet(LONG, spans, words=10)
    assert snip.text.startswith("…w58") and snip.text.endswith("w67…")
    assert snip.highlight.count("<b>") == 3


def test_no_matches_gives_the_start():
    snip = make_snippet(LONG, [], words=5)
    assert snip.text == "w0 w1 w2 w3 w4…"


def test_snippet_highlight_is_escaped():
    text = "<i>x</i> " * 30 + "Taiwan " + "<i>x</i> " * 30
    start = text.index("Taiwan")
    snip = make_snippet(text, [(start, start + 6)], words=6)
    assert "<i>" not in snip.highlight and "<b>Taiwan</b>" in snip.highlight


@pytest.fixture
def long_index(tmp_path):
    para = " ".join(["filler"] * 80 + ["Taiwan", "semiconductors"] + ["filler"] * 80)
    ix = searchlib.Index.create(tmp_path / "ix")
    ix.add_articles([searchlib.Article("Long one", [para], id="long")])
    yield ix
    ix.close()


def test_hits_carry_snippets_and_the_full_text(long_index):
    hit = long_index.search("Taiwan", snippet=12).hits[0]
    assert len(hit.text.split()) == 162
    assert "<b>Taiwan</b>" in hit.snippet_highlight and hit.snippet.startswith("…")
    assert len(hit.snippet.split()) == 12
    a, b = hit.snippet_range
    assert hit.snippet.strip("…") == hit.text[a:b]
    assert long_index.search("Taiwan", snippet=0).hits[0].snippet is None


def test_cli_snippet_option(runner, long_index):
    index = str(long_index.path)
    out = run(runner, "search", "Taiwan", "--snippet", "6", "--index", index).output
    line = next(x for x in out.splitlines() if "Taiwan" in x and "filler" in x)
    assert line.strip().startswith("…") and len(line.split()) == 6
    full = run(runner, "search", "Taiwan", "--index", index).output  # not a terminal
    assert full.count("filler") == 160
    data = json.loads(run(runner, "search", "Taiwan", "--format", "json", "--snippet", "8",
                          "--index", index).output)
    assert len(data["hits"][0]["snippet"].split()) == 8


def _first_window(text: str, spans: list[tuple[int, int]], words: int) -> tuple[int, int]:
    """best_window as first written, one Python tuple per word: the reference."""
    import bisect
    import re

    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    if len(tokens) <= words:
        return (0, len(text))
    starts = [s for s, _ in tokens]
    best, first = (0, 0), 0
    for span_start, _ in spans:
        i = max(0, min(bisect.bisect_right(starts, span_start) - 1 - words // 4,
                       len(tokens) - words))
        lo, hi = tokens[i][0], tokens[i + words - 1][1]
        held = sum(1 for s, e in spans if s >= lo and e <= hi)
        if (held, -i) > best:
            best, first = (held, -i), i
    return (tokens[first][0], tokens[first + words - 1][1])


def test_the_window_is_the_one_the_word_by_word_reference_finds():
    import random
    import sys

    rng = random.Random(7)
    # Every character Python calls whitespace, where str.split() and \S+ must agree.
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    letters = ["a", "bc", "Zürich", "x\u200by", "—", "1.5", "<i>"]
    for _ in range(3000):
        n = rng.randint(0, 90)
        text = "".join(rng.choice(letters) + rng.choice(spaces + [" "] * 20)
                       for _ in range(n))
        text = rng.choice(["", " ", "\u3000"]) + text
        spans = sorted({(a, a + 1) for a in rng.sample(range(len(text)),
                                                       min(len(text), rng.randint(0, 5)))})
        words = rng.randint(1, 45)
        assert best_window(text, spans, words) == _first_window(text, spans, words), text

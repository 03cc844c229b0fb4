"""Snippets: the best window of about N words of a long paragraph around its matches."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from searchlib._highlight import mark

_WORD = re.compile(r"\S+")
_START = re.Match.start
#: The mark shown where a snippet cuts the paragraph.
ELLIPSIS = "…"
#: Words shown by default (about two lines of a terminal).
DEFAULT_WORDS = 40


@dataclass(frozen=True)
class Snippet:
    """A window of a paragraph.

    :param start: first character of the window in the paragraph's text
    :param end: one past its last character
    :param text: the window's text, with ``…`` where the paragraph was cut
    :param highlight: the same, HTML-escaped, with the matches in ``<b>``
    """

    start: int
    end: int
    text: str
    highlight: str


def best_window(text: str, spans: list[tuple[int, int]], words: int = DEFAULT_WORDS
                ) -> tuple[int, int]:
    """The ``(start, end)`` characters of the run of *words* words holding the most matches.

    A paragraph of at most *words* words is its own window. The window starts a few words
    before the first match it holds, so that the match is read in its sentence; among
    equally good windows, the earliest.

    :param spans: the matches, sorted, as from :func:`searchlib._highlight.match_spans`
    :param words: the window's length in words (at least 1)
    """
    # str.split() splits where \S+ ends (both use Python's own whitespace test), and is
    # several times faster than the expression: most paragraphs stop here.
    if len(text.split()) <= words:
        return (0, len(text))
    starts = list(map(_START, _WORD.finditer(text)))  # at C speed: no loop in Python
    lead = words // 4
    best = (0, 0)  # (matches held, -first word)
    first = 0
    for span_start, _ in spans:
        i = max(0, min(bisect.bisect_right(starts, span_start) - 1 - lead,
                       len(starts) - words))
        lo, hi = starts[i], _end_of_word(text, starts[i + words - 1])
        held = sum(1 for s, e in spans if s >= lo and e <= hi)
        if (held, -i) > best:
            best, first = (held, -i), i
    return (starts[first], _end_of_word(text, starts[first + words - 1]))


def _end_of_word(text: str, start: int) -> int:
    found = _WORD.match(text, start)
    assert found is not None  # *start* is where a word was found
    return found.end()


def make_snippet(text: str, spans: list[tuple[int, int]], words: int = DEFAULT_WORDS,
                 marked: str | None = None) -> Snippet:
    """The :class:`Snippet` of *text* around *spans* (see :func:`best_window`).

    :param marked: ``mark(text, spans)`` when the caller has it: the snippet of a short
        paragraph is the paragraph itself
    """
    start, end = best_window(text, spans, max(1, words))
    if start == 0 and end == len(text):
        return Snippet(0, end, text, marked if marked is not None else mark(text, spans))
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans
              if s < end and e > start]
    before = ELLIPSIS if start > 0 else ""
    after = ELLIPSIS if end < len(text.rstrip()) else ""
    window = text[start:end]
    return Snippet(start, end, before + window + after,
                   before + mark(window, inside) + after)

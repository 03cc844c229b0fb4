"""Turn raw entity spans into :class:`Entity` objects with trimmed spans and canonical names.

Shared by every extractor, so that "the U.S.", "US" and "United States" count as one place
and "Qin" and "Qin Gang" as one person whichever extractor found them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from searchlib.index._format import KINDS
from searchlib.index._records import Entity
from searchlib.index.entities._gazetteer import canonical, clean, load

_ARTICLE = re.compile(r"(?:the|The|THE)\s+")
_POSSESSIVE = ("'s", "\u2019s", "'S", "\u2019S")
#: Characters that never start or end a name but often touch one.
_EDGE = " \t\n\"'\u2018\u2019\u201c\u201d()[]{},;:!?-\u2013\u2014"
#: Abbreviations whose final dot belongs to the name ("Corp.", "U.S.").
_DOTTED = frozenset({"Inc", "Corp", "Co", "Ltd", "Jr", "Sr", "Bros", "St", "Mt"})


def trim_span(paragraph: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a span to the CoNLL convention, or return None if nothing is left.

    Drops surrounding punctuation and spaces, a leading "the", a trailing possessive
    ("China's" -> "China", also with a curly quote) and a sentence-final dot that is not
    part of an abbreviation.
    """
    while True:
        before = (start, end)
        while start < end and paragraph[start] in _EDGE:
            start += 1
        while start < end and paragraph[end - 1] in _EDGE:
            end -= 1
        match = _ARTICLE.match(paragraph, start, end)
        if match and match.end() < end:
            start = match.end()
        if paragraph[max(start, end - 2):end] in _POSSESSIVE and end - start > 2:
            end -= 2
        if end > start and paragraph[end - 1] == ".":
            word = paragraph[start:end - 1].rsplit(" ", 1)[-1]
            # "U.S." keeps its dot (several dots); "Corp." too; "Washington." does not.
            if "." not in word and word not in _DOTTED and not (len(word) == 1
                                                                and word.isupper()):
                end -= 1
        if (start, end) == before:
            return (start, end) if end > start else None


def _strip_titles(name: str) -> str:
    cues = load().cues
    words = name.split(" ")
    while len(words) > 1 and cues.get(words[0], frozenset()) & {"title", "role"}:
        words.pop(0)
    return " ".join(words)


def resolve_people(names: list[str]) -> dict[str, str]:
    """Map partial person names to the one full name they are part of in the same article.

    "Qin" -> "Qin Gang" and "Blinken" -> "Antony Blinken", in whatever order they appear;
    a short form that fits several full names ("Smith" with "Ann Smith" and "Bob Smith")
    is left alone, because guessing would merge two people.

    :param names: every person name (already canonical) seen in the article
    :returns: the names that change, mapped to their full form
    """
    full = {n for n in names if " " in n}
    by_word: dict[str, set[str]] = {}
    for f in full:
        for word in f.split(" "):
            by_word.setdefault(word, set()).add(f)
    mapping: dict[str, str] = {}
    for name in set(names):
        words = name.split(" ")
        found = {f for f in by_word.get(words[0], ())
                 if f != name and _contains(f.split(" "), words)}
        # Prefer the longest: "Bill Clinton" within "President Bill Clinton" etc.
        longest = {f for f in found if not any(f != g and f in g for g in found)}
        if len(longest) == 1:
            mapping[name] = longest.pop()
    return mapping


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i:i + n] == part for i in range(len(words) - n + 1))


def resolve(paragraphs: Sequence[str],
            spans: list[list[tuple[str, int, int]]]) -> list[list[Entity]]:
    """Build the entities of ONE article from raw spans.

    Trims each span (:func:`trim_span`), gives it a canonical name (known aliases, then
    cleaned text; person titles such as "Mr" are dropped from names) and resolves partial
    person names within the article (:func:`resolve_people`). Overlapping duplicates of
    the same span are dropped; entities come out sorted by position.

    :param paragraphs: the article's paragraphs in order
    :param spans: for each paragraph, ``(kind, start, end)`` character spans
    :raises ValueError: if the two lists differ in length or a kind is unknown
    """
    if len(paragraphs) != len(spans):
        raise ValueError(f"{len(paragraphs)} paragraphs but {len(spans)} span lists")
    staged: list[list[tuple[str, int, int, str]]] = []
    people: list[str] = []
    for paragraph, raw in zip(paragraphs, spans, strict=True):
        out = []
        seen = set()
        for kind, start, end in sorted(raw, key=lambda s: (s[1], s[2])):
            if kind not in KINDS:
                raise ValueError(f"unknown entity kind {kind!r}")
            trimmed = trim_span(paragraph, max(0, start), min(len(paragraph), end))
            if trimmed is None or trimmed in seen:
                continue
            seen.add(trimmed)
            name = canonical(paragraph[trimmed[0]:trimmed[1]], kind)
            if kind == "person":
                name = _strip_titles(name)
                people.append(name)
            out.append((kind, trimmed[0], trimmed[1], clean(name)))
        staged.append(out)
    full = resolve_people(people)
    return [[Entity(kind, paragraph[s:e], s, e,
                    full.get(name, name) if kind == "person" else name)
             for kind, s, e, name in out]
            for paragraph, out in zip(paragraphs, staged, strict=True)]

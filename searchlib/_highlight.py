"""Highlighting: where a paragraph matches its query, as character spans."""

from __future__ import annotations

from collections.abc import Iterable

from whoosh.analysis import Analyzer

from searchlib.index._format import KINDS

#: Terms of these fields are looked for in the paragraph text itself.
_TEXT_FIELDS = ("text", "title")


def match_spans(text: str, terms: set[tuple[str, str]], analyzer: Analyzer,
                mentions: Iterable[tuple] = (), name_analyzer: Analyzer | None = None
                ) -> list[tuple[int, int]]:
    """The sorted, non-overlapping spans of *text* that the query terms hit.

    :param terms: ``(field, term)`` pairs from :func:`searchlib._query.positive_terms`
    :param analyzer: the text field's analyzer, so that "calls" matches the term "call"
    :param mentions: the paragraph's stored ``(kind, start, end, name)`` entities; a mention
        is marked when an entity-field term (``person:qin``) is a word of its name
    :param name_analyzer: the entity fields' analyzer, which splits names into those words
    """
    words = {t for f, t in terms if f in _TEXT_FIELDS}
    spans = []
    if words:
        for tok in analyzer(text, chars=True, mode="index"):
            if tok.text in words:
                spans.append((tok.startchar, tok.endchar))
    by_kind = {kind: {t for f, t in terms if f == kind} for kind in KINDS}
    for kind, start, end, name in mentions:
        wanted = by_kind.get(kind)
        if wanted and name_analyzer and wanted.intersection(t.text for t in name_analyzer(name)):
            spans.append((start, end))
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def mark(text: str, spans: list[tuple[int, int]], before: str = "<b>", after: str = "</b>"
         ) -> str:
    """*text* with each span wrapped in *before* and *after*."""
    parts, pos = [], 0
    for start, end in spans:
        parts += [text[pos:start], before, text[start:end], after]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)

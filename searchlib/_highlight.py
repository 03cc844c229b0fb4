"""Highlighting: where a paragraph matches its query, as character spans, and safe HTML."""

from __future__ import annotations

import html
import re
import threading
import weakref
from collections.abc import Callable, Iterable
from itertools import compress

from whoosh.analysis import (
    Analyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.analyzers import CompositeAnalyzer

from searchlib.index._engine.quickwriter import remembered
from searchlib.index._format import KINDS

#: Terms of these fields are looked for in the paragraph text itself.
_TEXT_FIELDS = ("text", "title")

#: Filters that turn each token into at most one term from its own text alone, so a word's
#: term can be remembered: the same word always gives the same term.
_WORD_FILTERS = (LowercaseFilter, StopFilter, StemFilter)
#: Names whose words are remembered per analyzer (then the memory starts afresh).
_MAX_NAMES = 200_000
#: (id(analyzer), what) -> (a weak reference to it, a memory): the analyzers are pickled
#: with the schema, so nothing is stored on them, and they cannot be hashed; an entry goes
#: with its analyzer (each opening of an index unpickles new ones).
_MEMOS: dict[tuple[int, str], tuple[weakref.ref, dict]] = {}
_MEMOS_LOCK = threading.Lock()
#: A match's text, called over many matches at C speed by ``map``.
_GROUP = re.Match.group


def _forget(key: tuple[int, str]) -> Callable[[weakref.ref], None]:
    def forget(_ref: weakref.ref) -> None:
        with _MEMOS_LOCK:
            _MEMOS.pop(key, None)
    return forget


def _memory(analyzer: Analyzer, what: str) -> dict:
    """The memory named *what* kept for *analyzer*."""
    key = (id(analyzer), what)
    found = _MEMOS.get(key)
    if found is not None and found[0]() is analyzer:
        return found[1]
    memo: dict = {}
    with _MEMOS_LOCK:
        _MEMOS[key] = (weakref.ref(analyzer, _forget(key)), memo)
    return memo


def _analysed(text: str, analyzer: Analyzer) -> list[tuple[str, int, int]]:
    # Whoosh reuses one token object: keep copies of what is needed.
    return [(tok.text, tok.startchar, tok.endchar)
            for tok in analyzer(text, chars=True, mode="index")]


def _word_memory(analyzer: Analyzer) -> dict[str, str | None] | None:
    """The word -> term memory of *analyzer*, or ``None`` when its terms are not a function
    of each token's own text: a regex tokenizer then only the filters of ``_WORD_FILTERS``.
    """
    items = getattr(analyzer, "items", ())
    if not (isinstance(analyzer, CompositeAnalyzer) and items
            and type(items[0]) is RegexTokenizer and not items[0].gaps
            and all(type(f) in _WORD_FILTERS for f in items[1:])):
        return None
    return _memory(analyzer, "terms")


class _SeveralTokens(Exception):
    """A word that the analyzer makes several tokens of (never expected)."""


def _scan(text: str, analyzer: Analyzer, memo: dict[str, str | None]
          ) -> tuple[list[re.Match], list[str | None]] | None:
    """The tokenizer's matches in *text* and each one's term (``None``: no term, a stop
    word), or ``None`` when a word turns out to be several tokens.

    The expression finds the words and *memo* (from :func:`_word_memory`) gives their
    terms, both at C speed; only a word not seen before goes through Whoosh's chain of
    generators, which costs about 5 us a word.
    """
    def term_of(word: str) -> str | None:
        analysed = [t.text for t in analyzer(word, mode="index")]
        if len(analysed) > 1:
            raise _SeveralTokens(word)
        return analysed[0] if analysed else None

    found = list(analyzer.items[0].expression.finditer(text))  # type: ignore[attr-defined]
    try:
        return found, remembered(list(map(_GROUP, found)), memo, term_of)
    except _SeveralTokens:
        return None


def tokens(text: str, analyzer: Analyzer) -> list[tuple[str, int, int]]:
    """``(term, start, end)`` of each token *analyzer* indexes in *text*.

    The same as running the analyzer over the text, about ten times faster when its terms
    are a function of each word (see :func:`_scan`).
    """
    memo = _word_memory(analyzer)
    scanned = _scan(text, analyzer, memo) if memo is not None else None
    if scanned is None:
        return _analysed(text, analyzer)
    return [(term, m.start(), m.end())
            for m, term in zip(*scanned, strict=True) if term is not None]


def _contains(seq: list[str], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(tuple(seq[i:i + n]) == part for i in range(len(seq) - n + 1))


class Highlighter:
    """Where one query's terms are in the paragraphs it hits; the terms are sorted out
    once per query, not once per paragraph.

    :param terms: ``(field, term)`` pairs from :func:`searchlib._query.positive_terms`; a
        term that is a tuple of words is a phrase, marked only where the words follow each
        other (as the phrase query matched them), never word by word
    :param analyzer: the text field's analyzer, so that "calls" matches the term "call"
    :param name_analyzer: the entity fields' analyzer, which splits names into words
    """

    def __init__(self, terms: set[tuple[str, str | tuple[str, ...]]], analyzer: Analyzer,
                 name_analyzer: Analyzer | None = None) -> None:
        self._words = {t for f, t in terms if f in _TEXT_FIELDS and isinstance(t, str)}
        self._phrases = {t for f, t in terms if f in _TEXT_FIELDS and isinstance(t, tuple)}
        self._analyzer = analyzer
        self._memo = _word_memory(analyzer)
        self._by_kind = ({kind: wanted for kind in KINDS
                          if (wanted := {t for f, t in terms if f == kind})}
                         if name_analyzer is not None else {})
        self._name_analyzer = name_analyzer
        self._names = (_memory(name_analyzer, "names")
                       if self._by_kind and name_analyzer is not None else {})

    def spans(self, text: str, mentions: Iterable[tuple] = ()) -> list[tuple[int, int]]:
        """The sorted, non-overlapping spans of *text* that the query terms hit.

        :param mentions: the paragraph's stored ``(kind, start, end, name)`` entities; a
            mention is marked when an entity-field term (``person:qin``) is a word of its
            name, or an entity-field phrase a run of its words
        """
        spans: list[tuple[int, int]] = []
        if self._words or self._phrases:
            spans += self._text_spans(text)
        if self._by_kind:
            spans += self._mention_spans(mentions)
        return _merge(spans)

    def _text_spans(self, text: str) -> list[tuple[int, int]]:
        words, phrases = self._words, self._phrases
        scanned = _scan(text, self._analyzer, self._memo) if self._memo is not None else None
        if scanned is None:
            found = _analysed(text, self._analyzer)
            spans = [(start, end) for term, start, end in found if term in words]
        else:
            matches, terms = scanned
            spans = [m.span() for m in compress(matches, map(words.__contains__, terms))]
            found = ([(term, m.start(), m.end()) for m, term in zip(matches, terms, strict=True)
                      if term is not None] if phrases else [])
        texts = [term for term, _, _ in found]
        for phrase in phrases:
            n = len(phrase)
            for i in range(len(found) - n + 1):
                if tuple(texts[i:i + n]) == phrase:
                    spans.append((found[i][1], found[i + n - 1][2]))
        return spans

    def _mention_spans(self, mentions: Iterable[tuple]) -> list[tuple[int, int]]:
        names, analyzer = self._names, self._name_analyzer
        assert analyzer is not None  # there are entity terms only with it
        if len(names) > _MAX_NAMES:
            names.clear()
        spans = []
        for kind, start, end, name in mentions:
            wanted = self._by_kind.get(kind)
            if not wanted:
                continue
            split = names.get(name)
            if split is None:
                split = names[name] = [t.text for t in analyzer(name)]
            if any(_contains(split, w) if isinstance(w, tuple) else w in split
                   for w in wanted):
                spans.append((start, end))
        return spans


def match_spans(text: str, terms: set[tuple[str, str | tuple[str, ...]]], analyzer: Analyzer,
                mentions: Iterable[tuple] = (), name_analyzer: Analyzer | None = None
                ) -> list[tuple[int, int]]:
    """The spans of *text* that *terms* hit (see :class:`Highlighter`, which is the same
    over many paragraphs of one query)."""
    return Highlighter(terms, analyzer, name_analyzer).spans(text, mentions)


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
    """*text*, HTML-escaped, with each span wrapped in *before* and *after*.

    Safe by construction: every character of the text goes through :func:`html.escape`,
    so the only markup in the result is *before* and *after* (a paragraph that says
    ``<img onerror=…>`` comes back as ``&lt;img onerror=…&gt;``).
    """
    parts, pos = [], 0
    for start, end in spans:
        parts += [html.escape(text[pos:start]), before, html.escape(text[start:end]), after]
        pos = end
    parts.append(html.escape(text[pos:]))
    return "".join(parts)

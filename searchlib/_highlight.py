"""Highlighting: where a paragraph matches its query, as character spans, and safe HTML."""

from __future__ import annotations

import html
import threading
import weakref
from collections.abc import Callable, Iterable

from whoosh.analysis import (
    Analyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.analyzers import CompositeAnalyzer

from searchlib.index._format import KINDS

#: Terms of these fields are looked for in the paragraph text itself.
_TEXT_FIELDS = ("text", "title")

#: Filters that turn each token into at most one term from its own text alone, so a word's
#: term can be remembered: the same word always gives the same term.
_WORD_FILTERS = (LowercaseFilter, StopFilter, StemFilter)
#: Distinct words whose terms are remembered per analyzer (then the memory starts afresh).
_MAX_WORDS = 200_000
#: id(analyzer) -> (a weak reference to it, its words' terms): the analyzers are pickled
#: with the schema, so nothing is stored on them, and they cannot be hashed; an entry goes
#: with its analyzer (each opening of an index unpickles new ones).
_MEMOS: dict[int, tuple[weakref.ref, dict[str, str | None]]] = {}
_MEMOS_LOCK = threading.Lock()


def _forget(key: int) -> Callable[[weakref.ref], None]:
    def forget(_ref: weakref.ref) -> None:
        with _MEMOS_LOCK:
            _MEMOS.pop(key, None)
    return forget


def _analysed(text: str, analyzer: Analyzer) -> list[tuple[str, int, int]]:
    # Whoosh reuses one token object: keep copies of what is needed.
    return [(tok.text, tok.startchar, tok.endchar)
            for tok in analyzer(text, chars=True, mode="index")]


def _memo(analyzer: Analyzer) -> dict[str, str | None] | None:
    """The word -> term memory of *analyzer*, or ``None`` when its terms are not a function
    of each token's own text (another tokenizer or filter)."""
    found = _MEMOS.get(id(analyzer))
    if found is not None and found[0]() is analyzer:
        return found[1]
    items = getattr(analyzer, "items", ())
    if not (isinstance(analyzer, CompositeAnalyzer) and items
            and type(items[0]) is RegexTokenizer and not items[0].gaps
            and all(type(f) in _WORD_FILTERS for f in items[1:])):
        return None
    memo: dict[str, str | None] = {}
    with _MEMOS_LOCK:
        _MEMOS[id(analyzer)] = (weakref.ref(analyzer, _forget(id(analyzer))), memo)
    return memo


def tokens(text: str, analyzer: Analyzer) -> list[tuple[str, int, int]]:
    """``(term, start, end)`` of each token *analyzer* indexes in *text*.

    The same as running the analyzer over the text, which costs about 5 us a word in
    Whoosh's chain of generators; here the tokenizer's expression finds the words (in C)
    and each distinct word is analysed once and remembered: about ten times faster.
    """
    memo = _memo(analyzer)
    if memo is None:
        return _analysed(text, analyzer)
    if len(memo) > _MAX_WORDS:
        memo.clear()
    out = []
    remembered = memo.get
    expression = analyzer.items[0].expression  # type: ignore[attr-defined]
    for m in expression.finditer(text):
        word = m.group()
        term = remembered(word, "")
        if term == "":  # not seen yet ("" is no term: every token has a letter)
            found = [t.text for t in analyzer(word, mode="index")]
            if len(found) > 1:  # never expected: a word that is several tokens alone
                return _analysed(text, analyzer)
            term = memo[word] = found[0] if found else None
        if term is not None:
            out.append((term, m.start(), m.end()))
    return out


def _contains(seq: list[str], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(tuple(seq[i:i + n]) == part for i in range(len(seq) - n + 1))


def match_spans(text: str, terms: set[tuple[str, str | tuple[str, ...]]], analyzer: Analyzer,
                mentions: Iterable[tuple] = (), name_analyzer: Analyzer | None = None
                ) -> list[tuple[int, int]]:
    """The sorted, non-overlapping spans of *text* that the query terms hit.

    :param terms: ``(field, term)`` pairs from :func:`searchlib._query.positive_terms`; a
        term that is a tuple of words is a phrase, marked only where the words follow each
        other (as the phrase query matched them), never word by word
    :param analyzer: the text field's analyzer, so that "calls" matches the term "call"
    :param mentions: the paragraph's stored ``(kind, start, end, name)`` entities; a mention
        is marked when an entity-field term (``person:qin``) is a word of its name, or an
        entity-field phrase a run of its words
    :param name_analyzer: the entity fields' analyzer, which splits names into those words
    """
    words = {t for f, t in terms if f in _TEXT_FIELDS and isinstance(t, str)}
    phrases = {t for f, t in terms if f in _TEXT_FIELDS and isinstance(t, tuple)}
    spans = []
    if words or phrases:
        found = tokens(text, analyzer)
        spans += [(start, end) for word, start, end in found if word in words]
        texts = [word for word, _, _ in found]
        for phrase in phrases:
            n = len(phrase)
            for i in range(len(found) - n + 1):
                if tuple(texts[i:i + n]) == phrase:
                    spans.append((found[i][1], found[i + n - 1][2]))
    by_kind = {kind: {t for f, t in terms if f == kind} for kind in KINDS}
    for kind, start, end, name in mentions:
        wanted = by_kind.get(kind)
        if not wanted or name_analyzer is None:
            continue
        name_words = [t.text for t in name_analyzer(name)]
        if any(_contains(name_words, w) if isinstance(w, tuple) else w in name_words
               for w in wanted):
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

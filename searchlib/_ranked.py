"""Ranking over arrays: top-k by score or date, exact totals, and one hit per article.

What :func:`searchlib._grouping.ranked` returns on the array path. The order is Whoosh's:
relevance is score descending with ties by document number; the date orders are date
(undated last), then article id (as bytes), then paragraph number, then document number.
Only the first *limit* places are sorted (``np.partition`` finds the cut first), and every
match is still counted.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from searchlib.index._engine.arrays import (
    DEFAULT_CACHE_BYTES,
    ArrayCache,
    SegmentArrays,
    held_bytes,
)
from searchlib.index._engine.columns import RefColumn
from searchlib.index._format import ARTICLE_ID, DATE, NO_DATE, PARAGRAPH

#: The memory cap of each searcher's array cache, in megabytes.
CACHE_ENV = "SEARCHLIB_CACHE_MB"

_STATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
#: A filter met this many times on one searcher is evaluated over the whole index once and
#: its documents kept in the searcher's array cache; before that, it is looked for among
#: the query's matches only (cheaper once, for a broad filter and a narrow query). Lucene's
#: query cache does the same for filters used again: someone refining a search keeps its
#: filters.
FILTER_CACHED_AFTER = 2
#: Filters whose uses are counted per searcher (then the count starts afresh).
_MAX_FILTERS = 1_000


def cache_bytes() -> int:
    """The array cache's memory cap: ``$SEARCHLIB_CACHE_MB`` megabytes, or the default."""
    value = os.environ.get(CACHE_ENV, "").strip()
    try:
        return int(float(value) * 1024 * 1024) if value else DEFAULT_CACHE_BYTES
    except ValueError:
        return DEFAULT_CACHE_BYTES


class SearcherArrays:
    """What the array path keeps for one searcher: the cache, and per-document columns
    over the whole index (dates, article order, paragraph numbers), built when first used.
    """

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.cache = ArrayCache(cache_bytes())
        self._lock = threading.Lock()
        self._columns: dict[str, np.ndarray | None] = {}
        self._filter_uses: dict[tuple[str, object], int] = {}

    def filter_docs(self, filter_q: object, within: np.ndarray,
                    evaluate: Callable[[np.ndarray | None], np.ndarray]) -> np.ndarray:
        """The documents of a filter query: all of them once it has been met
        :data:`FILTER_CACHED_AFTER` times on this searcher (kept in the cache), else those
        among *within*.

        :param filter_q: the filter (a Whoosh query: hashable, compared by value)
        :param within: the sorted documents that the filter is to narrow
        :param evaluate: the filter's live documents among the given ones (``None``: all)
        """
        key = ("filter", filter_q)
        try:
            hash(key)
        except TypeError:  # a query type that cannot be a key: never cached
            return evaluate(within)
        with self._lock:
            if len(self._filter_uses) >= _MAX_FILTERS:
                self._filter_uses.clear()
            uses = self._filter_uses[key] = self._filter_uses.get(key, 0) + 1
        if uses < FILTER_CACHED_AFTER:
            return evaluate(within)

        def build() -> tuple[np.ndarray, int]:
            docs = evaluate(None)
            return docs, held_bytes(docs)

        return self.cache.get(key, build)

    def _column(self, name: str, build: Callable[[], np.ndarray | None]) -> np.ndarray | None:
        with self._lock:
            if name not in self._columns:
                self._columns[name] = build()
            return self._columns[name]

    def _segments(self) -> list[tuple[SegmentArrays, int]]:
        return [(SegmentArrays(r, self.cache), off)
                for r, off in self.searcher.reader().leaf_readers()]

    def numeric(self, name: str) -> np.ndarray | None:
        """A numeric column's raw values over the index; ``None`` if a segment lacks it."""
        def build():
            parts = []
            for seg, _off in self._segments():
                col = seg.numeric_column(name)
                if col is None:
                    return None
                parts.append(col)
            return np.concatenate(parts) if parts else np.zeros(0, np.uint64)
        return self._column(name, build)

    def dates(self) -> np.ndarray:
        """Raw dates of every document; undated ones (and segments without dates) NO_DATE."""
        def build():
            parts = []
            for seg, _off in self._segments():
                col = seg.numeric_column(DATE)
                parts.append(col if col is not None
                             else np.full(seg.doccount, NO_DATE, dtype=np.uint64))
            return np.concatenate(parts) if parts else np.zeros(0, np.uint64)
        dates = self._column("_dates", build)
        assert dates is not None  # build() above always gives an array
        return dates

    def article_ranks(self) -> np.ndarray | None:
        """Each document's article id as its rank among all ids (bytes order)."""
        def build():
            per_segment = []
            for seg, _off in self._segments():
                if not seg.reader.has_column(ARTICLE_ID):
                    return None
                creader = seg.reader.column_reader(ARTICLE_ID, translate=False)
                if isinstance(creader, RefColumn.Reader):
                    refs = np.frombuffer(creader._refs, dtype=creader._refs.typecode)
                    per_segment.append((creader._values, refs, seg.doccount))
                else:
                    values = [creader[d] for d in range(seg.doccount)]
                    per_segment.append((values, np.arange(seg.doccount), seg.doccount))
            distinct = sorted({v for values, _r, _n in per_segment for v in values} | {b""})
            rank = {v: i for i, v in enumerate(distinct)}
            parts = []
            for values, refs, n in per_segment:
                of_ref = np.array([rank[v] for v in values], dtype=np.int64)
                out = np.full(n, rank[b""], dtype=np.int64)
                out[:len(refs)] = of_ref[refs[:n]]
                parts.append(out)
            return np.concatenate(parts) if parts else np.zeros(0, np.int64)
        return self._column("_articles", build)


def state_for(searcher) -> SearcherArrays:
    """The :class:`SearcherArrays` of *searcher*, made on first use and dropped with it."""
    with _LOCK:
        state = _STATES.get(searcher)
        if state is None:
            state = _STATES[searcher] = SearcherArrays(searcher)
        return state


def _cut(key: np.ndarray, limit: int | None) -> np.ndarray:
    """Indices of the entries whose *key* is among the *limit* smallest (ties at the cut
    all kept), or all indices."""
    if limit is None or limit >= len(key):
        return np.arange(len(key))
    kth = np.partition(key, limit - 1)[limit - 1]
    return np.flatnonzero(key <= kth)


def by_score(docs: np.ndarray, scores: np.ndarray, limit: int | None) -> np.ndarray:
    """Positions in *docs* of the first *limit* matches by score, best first."""
    neg = -scores
    cand = _cut(neg, limit)
    order = cand[np.lexsort((docs[cand], neg[cand]))]
    return order[:limit] if limit is not None else order


def by_date(state: SearcherArrays, docs: np.ndarray, newest: bool,
            limit: int | None) -> np.ndarray | None:
    """Positions in *docs* of the first *limit* matches in date order, or ``None`` when the
    index lacks a column the order needs."""
    articles = state.article_ranks()
    numbers = state.numeric(PARAGRAPH)
    if articles is None or numbers is None:
        return None
    raw = state.dates()[docs]
    undated = raw == NO_DATE
    if newest:
        # Whoosh's key: the negated date, and 1 (after every dated one) for undated.
        key = np.where(undated, 1, -(np.where(undated, 0, raw).astype(np.int64)))
    else:
        key = raw
    cand = _cut(key, limit)
    order = cand[np.lexsort((docs[cand], numbers[docs[cand]], articles[docs[cand]],
                             key[cand]))]
    return order[:limit] if limit is not None else order


@dataclass
class _Hit:
    docnum: int
    score: float


class ArrayResults:
    """The ranked matches of one search: what the Whoosh path's ``Results`` offers
    (``len()``, slicing into hits with ``docnum`` and ``score``, ``items()``, ``docs()``).

    :param matches: every matching document number, ascending
    :param order: the ranked document numbers (the first *limit*, or all)
    :param scores: their scores (zeros in a date order)
    :param state: the searcher's arrays (for grouping by article)
    """

    def __init__(self, matches: np.ndarray, order: np.ndarray, scores: np.ndarray,
                 state: SearcherArrays) -> None:
        self.matches = matches
        self.order = order
        self.scores = scores
        self.state = state

    def __len__(self) -> int:
        return len(self.matches)

    def __getitem__(self, index: slice) -> list[_Hit]:
        return [_Hit(int(d), float(s)) for d, s in zip(self.order[index].tolist(),
                                                       self.scores[index].tolist(),
                                                       strict=True)]

    def items(self) -> RankedItems:
        return RankedItems(self)

    def docs(self) -> np.ndarray:
        return self.matches


class RankedItems:
    """``(docnum, score)`` pairs in rank order, which :func:`group_by_article` groups with
    array operations."""

    def __init__(self, results: ArrayResults) -> None:
        self.results = results

    def __iter__(self) -> Iterator[tuple[int, float]]:
        r = self.results
        return zip(r.order.tolist(), r.scores.tolist(), strict=True)


#: What :class:`ArticleGroups` makes of each article (an ``ArticleGroup`` of
#: :mod:`searchlib._grouping`, which imports this module).
G = TypeVar("G")


class ArticleGroups(Generic[G]):
    """Ranked matches gathered by article, in the rank of each article's best paragraph.

    Supports ``len()``, iteration and slicing; the groups of a slice are built when asked
    for (:class:`searchlib._grouping.ArticleGroup` values).
    """

    def __init__(self, results: ArrayResults,
                 make_group: Callable[[str, int, float, list[int]], G]) -> None:
        self.results = results
        self._make = make_group
        state = results.state
        ranks = state.article_ranks()
        if ranks is None:
            raise LookupError("no article column")
        self._art = ranks[results.order]
        # The first place of each article: a stable sort keeps equal ids in rank order.
        by_id = np.argsort(self._art, kind="stable")
        ids = self._art[by_id]
        starts = np.concatenate(([True], ids[1:] != ids[:-1])) if len(ids) else ids.astype(bool)
        self._first = np.sort(by_id[starts])
        self._numbers = state.numeric(PARAGRAPH)
        self._field = state.searcher.schema[PARAGRAPH]

    def __len__(self) -> int:
        return len(self._first)

    def _group(self, i: int) -> G:
        r = self.results
        pos = int(self._first[i])
        docnum = int(r.order[pos])
        members = r.order[self._art == self._art[pos]]
        numbers = self._numbers
        assert numbers is not None  # the paragraph number is a sortable field: a column
        raw = np.sort(numbers[members])
        paragraphs = [int(self._field.from_column_value(int(v))) for v in raw.tolist()]
        aid = self.results.state.searcher.reader().column_reader(ARTICLE_ID)[docnum]
        return self._make(aid, docnum, float(r.scores[pos]), paragraphs)

    def __getitem__(self, index: slice) -> list[G]:
        return [self._group(i) for i in range(len(self))[index]]

    def __iter__(self) -> Iterator[G]:
        return (self._group(i) for i in range(len(self)))

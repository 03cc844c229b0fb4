"""The array executor: a parsed query evaluated over posting arrays, not match by match.

Whoosh answers a query by walking a tree of matchers one document at a time, each step a
few Python calls; a common word on all of Reuters is tens of thousands of them. Here each
node of the same query tree becomes a few NumPy operations on sorted arrays of document
numbers and their scores: a term's postings decoded whole (:mod:`searchlib.index._engine.arrays`),
``And`` an intersection, ``Or`` a union with the scores summed, ``AndNot`` and ``Not``
differences, a phrase the intersection of its words checked against their positions, a
date range a mask over the date column. Scores are Whoosh's BM25F (:mod:`searchlib._scoring`)
with the same boosts and the same sums, so both paths rank alike.

A node type not known here raises :class:`Unsupported`, and the caller answers the query
through Whoosh instead: never a different answer, at worst the slower one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq

from searchlib._scoring import TermScorer
from searchlib.index._engine.arrays import SegmentArrays, sorted_unique
from searchlib.index._engine.daterange import DayRange
from searchlib.index._engine.union import UnionOr
from searchlib.index._format import NO_DATE

_EMPTY = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float64)

#: Whoosh's ``Or`` turns into an array-preloading matcher, scoring every match 1.0 when its
#: terms are unscored (a wildcard's expansion), from this many clauses on, or on a segment
#: of at most this many documents (``Or.TOO_MANY_CLAUSES``, ``Or._matcher``).
_TOO_MANY_CLAUSES = wq.Or.TOO_MANY_CLAUSES
_SMALL_SEGMENT = 5000

#: Expanding pattern queries, whose terms are listed per segment by ``_btexts``.
_MULTI_TERMS = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Regex, wq.TermRange, wq.Variations)


class Unsupported(Exception):
    """The query holds a node the array executor does not evaluate."""


class Matches:
    """Sorted document numbers and, when scored, the score of each.

    :param docs: ascending, distinct global document numbers (int64)
    :param scores: float64 scores aligned with *docs*, or ``None`` when not scored
    """

    __slots__ = ("docs", "scores")

    def __init__(self, docs: np.ndarray, scores: np.ndarray | None) -> None:
        self.docs = docs
        self.scores = scores

    def __len__(self) -> int:
        return len(self.docs)


def _empty(scored: bool) -> Matches:
    return Matches(_EMPTY, _EMPTY_F if scored else None)


class Executor:
    """Evaluates query trees on one searcher.

    :param searcher: the top-level Whoosh searcher
    :param cache: the searcher's :class:`~searchlib.index._engine.arrays.ArrayCache`
    :param deadline: checked between nodes (anything with ``check(what)``), or ``None``
    """

    def __init__(self, searcher, cache, deadline=None) -> None:
        self.searcher = searcher
        self.schema = searcher.schema
        self.cache = cache
        self.deadline = deadline
        reader = searcher.reader()
        self.segments = [(SegmentArrays(r, cache), off) for r, off in reader.leaf_readers()]
        self.doccount = reader.doc_count_all()
        self._scorers: dict = {}

    # -- public ---------------------------------------------------------------------------

    def matches(self, q: wq.Query, scored: bool = True, within: np.ndarray | None = None
                ) -> Matches:
        """Every live document matching *q* (with scores when *scored*).

        :param within: only among these (sorted global document numbers)
        :raises Unsupported: for a node type not evaluated here
        """
        m = self._eval(q, scored, within)
        deleted = self.deleted()
        if deleted is not None and len(m.docs):
            keep = ~_member(m.docs, deleted)
            m = Matches(m.docs[keep], None if m.scores is None else m.scores[keep])
        return m

    def deleted(self) -> np.ndarray | None:
        """Global numbers of the deleted documents, or ``None``."""
        parts = [d + off for seg, off in self.segments if (d := seg.deleted()) is not None]
        return np.concatenate(parts) if parts else None

    def column(self, name: str) -> np.ndarray | None:
        """A numeric column over the whole index (raw values), or ``None`` when a segment
        lacks it."""
        parts = []
        for seg, _off in self.segments:
            col = seg.numeric_column(name)
            if col is None:
                return None
            parts.append(col)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)

    # -- evaluation -----------------------------------------------------------------------

    def _eval(self, q: Any, scored: bool, within: np.ndarray | None = None) -> Matches:
        """The matches of *q*, only among *within* (sorted global numbers) when given:
        an ``And`` finds its documents unscored first and then scores only those.

        *q* is a Whoosh query node, typed ``Any``: it is dispatched by exact type below, and
        Whoosh's ``Query`` base class declares none of the attributes read per type.
        """
        if self.deadline is not None:
            self.deadline.check("the search")
        kind = type(q)
        if kind is wq.Term:
            return self._term(q.fieldname, q.text, q.boost, scored, within)
        if kind in (wq.And, wq.Or, UnionOr):
            if kind is not wq.And and (q.scale or q.minmatch):
                raise Unsupported("Or with scale or minmatch")
            subs = q.subqueries
            if not subs:
                return _empty(scored)
            if len(subs) == 1:  # Whoosh uses the one child's matcher, without the boost
                return self._eval(subs[0], scored, within)
            m = (self._and(subs, scored, within) if kind is wq.And
                 else self._or(subs, scored, within))
            return _boosted(m, q.boost)
        if kind is wq.AndNot:
            a = self._eval(q.a, scored, within)
            return _minus(a, self._eval(q.b, False, a.docs).docs)
        if kind is wq.AndMaybe:
            a = self._eval(q.a, scored, within)
            if not scored:
                return a
            return _add_where(a, self._eval(q.b, True, a.docs))
        if kind is wq.Require:
            a = self._eval(q.a, scored, within)
            return restrict(a, self._eval(q.b, False, a.docs).docs)
        if kind is wq.Not:
            inner = self._eval(q.query, False, within).docs
            docs = (_complement(inner, self.doccount) if within is None
                    else within[~_member(within, inner)])
            return self._constant(docs, q.boost, scored)
        if kind is wq.Every and not q.fieldname:
            docs = np.arange(self.doccount, dtype=np.int64) if within is None else within
            return self._constant(docs, q.boost, scored)
        if isinstance(q, wq.qcore._NullQuery):
            return _empty(scored)
        if kind is DayRange:
            return self._days(q, scored, within)
        if kind is wq.Phrase:
            return self._phrase(q, scored, within)
        if kind in _MULTI_TERMS:
            m = self._multi(q, scored)
            return m if within is None else restrict(m, within)
        raise Unsupported(kind.__name__)

    def _constant(self, docs: np.ndarray, boost: float, scored: bool) -> Matches:
        return Matches(docs, np.full(len(docs), float(boost)) if scored else None)

    def _scorer(self, field: str, btext: bytes) -> TermScorer:
        key = (field, btext)
        scorer = self._scorers.get(key)
        if scorer is None:
            scorer = self._scorers[key] = TermScorer(self.searcher, field, btext)
        return scorer

    def _btext(self, field: str, text) -> bytes | None:
        if field not in self.schema:
            return None
        try:
            return self.schema[field].to_bytes(text)
        except ValueError:
            return None

    def _term(self, field: str, text, boost: float, scored: bool,
              within: np.ndarray | None = None) -> Matches:
        btext = self._btext(field, text)
        if btext is None:
            return _empty(scored)
        docs, scores = [], []
        for seg, off in self.segments:
            ids, weights = seg.postings(field, btext)
            if within is not None and len(ids):
                keep = _member(ids + off, within)
                ids, weights = ids[keep], weights[keep]
            if not len(ids):
                continue
            docs.append(ids + off)
            if scored:
                scores.append(self._term_scores(seg, field, btext, ids, weights, boost))
        return _joined(docs, scores, scored)

    def _term_scores(self, seg: SegmentArrays, field: str, btext: bytes, ids: np.ndarray,
                     weights: np.ndarray, boost: float) -> np.ndarray:
        scorer = self._scorer(field, btext)
        lengths = seg.lengths(field)[ids] if scorer.scorable else None
        # TermScorer.score reads the lengths only when scorable; its hint says an array.
        s = scorer.score(weights, lengths)  # type: ignore[arg-type]
        return s * boost if boost != 1.0 else s

    def _and(self, subs, scored: bool, within: np.ndarray | None) -> Matches:
        positive = [s for s in subs if type(s) is not wq.Not]
        negative = [s for s in subs if type(s) is wq.Not]
        if not positive:
            raise Unsupported("And of negations only")
        # The documents first, unscored, then the scores of those documents only: a common
        # word in an AND is scored for the few documents that have the other words too, not
        # for all of its postings. Each part is looked for only among the documents the
        # parts before it left; the broad ones (date ranges, everything) go last.
        positive.sort(key=lambda s: type(s) in (DayRange, wq.Every))
        docs = self._eval(positive[0], False, within).docs
        for other in positive[1:]:
            if not len(docs):
                break
            docs = self._eval(other, False, docs).docs
        for s in negative:
            if not len(docs):
                break
            docs = docs[~_member(docs, self._eval(s.query, False, docs).docs)]
        if not scored:
            return Matches(docs, None)
        scores = np.zeros(len(docs))
        if len(docs):
            for s in positive:
                part = self._eval(s, True, docs)
                if len(part) != len(docs):  # never expected: refuse rather than misalign
                    raise Unsupported("a part of an And lost documents when scored")
                assert part.scores is not None  # evaluated with scored=True
                scores = scores + part.scores
            for s in negative:
                # An And with a Not child: Whoosh intersects with the complement, whose
                # matcher scores each document with the Not's boost.
                scores = scores + float(s.boost)
        return Matches(docs, scores)

    def _or(self, subs, scored: bool, within: np.ndarray | None) -> Matches:
        parts = [self._eval(s, scored, within) for s in subs]
        return _union(parts, scored)

    def _days(self, q: DayRange, scored: bool, within: np.ndarray | None = None) -> Matches:
        parts = []
        hi = min(q.end, NO_DATE - 1)
        for seg, off in self.segments:
            col = seg.numeric_column(q.fieldname)
            if col is None:
                continue
            if within is None:
                parts.append(np.flatnonzero((col >= q.start) & (col <= hi)) + off)
                continue
            lo_i, hi_i = np.searchsorted(within, [off, off + seg.doccount])
            local = within[lo_i:hi_i] - off
            dates = col[local]
            parts.append(local[(dates >= q.start) & (dates <= hi)] + off)
        docs = np.concatenate(parts) if parts else _EMPTY
        return self._constant(docs, q.boost, scored)

    def _multi(self, q: Any, scored: bool) -> Matches:
        field = q.field()
        if field not in self.schema:
            return _empty(scored)
        if type(q) is wq.Prefix and q.text == "":
            raise Unsupported("empty prefix")
        docs, scores = [], []
        for seg, off in self.segments:
            if self.deadline is not None:
                self.deadline.check("expanding a wildcard or fuzzy term")
            words = [w if isinstance(w, bytes) else self.schema[field].to_bytes(w)
                     for w in q._btexts(seg.reader) if w]
            if not words:
                continue
            preloaded = len(words) > 2 and (len(words) >= _TOO_MANY_CLAUSES
                                            or seg.doccount <= _SMALL_SEGMENT)
            constant = preloaded and q.constantscore
            parts = []
            for w in words:
                ids, weights = seg.postings(field, w)
                if len(ids):
                    parts.append(Matches(
                        ids + off, None if not scored or constant else
                        self._term_scores(seg, field, w, ids, weights, q.boost)))
            if not parts:
                continue
            if constant:
                m = _union([Matches(p.docs, None) for p in parts], False)
                m = Matches(m.docs, np.ones(len(m.docs)) if scored else None)
            else:
                m = _union(parts, scored)
            docs.append(m.docs)
            if scored:
                scores.append(m.scores)
        return _joined(docs, scores, scored)

    def _phrase(self, q: wq.Phrase, scored: bool, within: np.ndarray | None = None
                ) -> Matches:
        field = q.fieldname
        if field not in self.schema:
            return _empty(scored)
        fieldobj = self.schema[field]
        if not fieldobj.format or not fieldobj.format.supports("positions"):
            raise Unsupported("phrase on a field without positions")
        if q.slop != 1:
            raise Unsupported("phrase with slop")
        words = []
        for word in q.words:
            b = self._btext(field, word)
            if b is None:
                return _empty(scored)
            words.append(b)
        docs, scores = [], []
        for seg, off in self.segments:
            lists = [seg.postings(field, w) for w in words]
            if any(not len(ids) for ids, _w in lists):
                continue
            cand = min((ids for ids, _w in lists), key=len)
            if within is not None:
                cand = cand[_member(cand + off, within)]
            for ids, _w in lists:
                cand = cand[_member(cand, ids)]
            if not len(cand):
                continue
            where = [np.searchsorted(ids, cand) for ids, _w in lists]
            ok = _consecutive(cand, [seg.positions(field, w) for w in words], where)
            if not ok.any():
                continue
            found = cand[ok]
            docs.append(found + off)
            if scored:
                total = None
                for w, (_ids, weights), idx in zip(words, lists, where, strict=True):
                    sel = idx[ok]
                    s = self._term_scores(seg, field, w, found, weights[sel], 1.0)
                    total = s if total is None else total + s
                assert total is not None  # a phrase has words (an empty one fails min())
                scores.append(total * q.boost if q.boost != 1.0 else total)
        return _joined(docs, scores, scored)


# -- array operations ---------------------------------------------------------------------

def _joined(docs: list, scores: list, scored: bool) -> Matches:
    if not docs:
        return _empty(scored)
    if len(docs) == 1:
        return Matches(docs[0], scores[0] if scored else None)
    return Matches(np.concatenate(docs), np.concatenate(scores) if scored else None)


def _boosted(m: Matches, boost: float) -> Matches:
    if boost == 1.0 or m.scores is None:
        return m
    return Matches(m.docs, m.scores * boost)


def _member(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mask over *a*: which of its (sorted) values are in sorted *b*.

    A binary search per value of *a* costs about 12 ns each; a bitmap over the values'
    span costs about 0.7 ns per value of either array plus 0.03 ns per number spanned
    (measured here with NumPy 2), so the bitmap is taken when *a* is long for its span.
    """
    if not len(b) or not len(a):
        return np.zeros(len(a), dtype=bool)
    span = int(max(a[-1], b[-1])) + 1
    if 16 * len(a) > len(b) + span // 16:
        seen = np.zeros(span, dtype=bool)
        seen[b] = True
        return seen[a]
    idx = np.searchsorted(b, a)
    idx[idx == len(b)] = 0
    return b[idx] == a


def _minus(a: Matches, docs: np.ndarray) -> Matches:
    keep = ~_member(a.docs, docs)
    return Matches(a.docs[keep], None if a.scores is None else a.scores[keep])


def restrict(a: Matches, docs: np.ndarray) -> Matches:
    """The matches of *a* whose documents are in sorted *docs*."""
    keep = _member(a.docs, docs)
    return Matches(a.docs[keep], None if a.scores is None else a.scores[keep])


def _add_where(a: Matches, b: Matches) -> Matches:
    # Only called on scored matches: both sides carry scores.
    assert a.scores is not None and b.scores is not None
    mask = _member(b.docs, a.docs)
    scores = a.scores.copy()
    scores[np.searchsorted(a.docs, b.docs[mask])] += b.scores[mask]
    return Matches(a.docs, scores)


def _complement(docs: np.ndarray, n: int) -> np.ndarray:
    mask = np.ones(n, dtype=bool)
    mask[docs] = False
    return np.flatnonzero(mask)


def _union(parts: list[Matches], scored: bool) -> Matches:
    """Documents in any part, scores summed.

    Merged into the largest part: each smaller one adds its scores where it overlaps and
    inserts the rest (``np.insert`` at ``searchsorted`` places, linear), instead of sorting
    everything again.
    """
    parts = sorted((p for p in parts if len(p)), key=len, reverse=True)
    if not parts:
        return _empty(scored)
    if len(parts) == 1:
        return parts[0]
    docs = parts[0].docs
    scores = None
    if scored:
        assert parts[0].scores is not None  # scored parts carry scores
        scores = parts[0].scores.copy()
    for p in parts[1:]:
        inside = _member(p.docs, docs)
        if scored and inside.any():
            assert scores is not None and p.scores is not None  # scored parts carry scores
            scores[np.searchsorted(docs, p.docs[inside])] += p.scores[inside]
        fresh = ~inside
        if fresh.any():
            at = np.searchsorted(docs, p.docs[fresh])
            docs = np.insert(docs, at, p.docs[fresh])
            if scored:
                assert scores is not None and p.scores is not None
                scores = np.insert(scores, at, p.scores[fresh])
    return Matches(docs, scores)


def _consecutive(cand: np.ndarray, positions: list, where: list) -> np.ndarray:
    """Mask over *cand*: documents where the phrase's words stand one after another.

    Word *i*'s positions, less *i*, are keyed by candidate; a candidate matches when some key
    is in every word's set.
    """
    n = len(cand)
    keys: np.ndarray | None = None
    span = len(positions)
    base = 1 << 32  # above any position: a key is (candidate, shifted position)
    for i, ((offsets, flat), idx) in enumerate(zip(positions, where, strict=True)):
        starts = offsets[idx]
        counts = offsets[idx + 1] - starts
        owner = np.repeat(np.arange(n, dtype=np.int64), counts)
        gather = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(counts) - counts, counts) + np.repeat(starts, counts)
        k = owner * base + (flat[gather] - i + span)
        k = sorted_unique(k)
        keys = k if keys is None else keys[_member(keys, k)]
        if not len(keys):
            return np.zeros(n, dtype=bool)
    assert keys is not None  # a phrase has at least one word
    ok = np.zeros(n, dtype=bool)
    ok[keys // base] = True
    return ok

"""Ordering, grouping and context: how matching paragraphs are put in order, gathered into
one hit per article, and shown among their neighbours.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from whoosh import collectors, sorting
from whoosh import query as wq

from searchlib._dateorder import date_ordered
from searchlib._deadline import Deadline, checked
from searchlib._errors import QueryError
from searchlib._executor import Executor, Unsupported, restrict
from searchlib._ranked import ArrayResults, ArticleGroups, RankedItems, by_date, by_score, state_for
from searchlib._results import Context, Paragraph, entity_names
from searchlib.index._documents import DocumentReader
from searchlib.index._engine.daterange import DayRange
from searchlib.index._format import ARTICLE_ID, NO_DATE, PARAGRAPH

#: The orders a search can be sorted in.
SORTS = ("relevance", "newest", "oldest")

#: Chooses how searches are evaluated: ``arrays`` (default) or ``whoosh`` (the reference).
ENGINE_ENV = "SEARCHLIB_ENGINE"
ENGINES = ("arrays", "whoosh")


def resolve_sort(sort: str | None, q: wq.Query) -> str:
    """The order to use: *sort* if given, else newest first for a query without words (empty,
    or a date range alone: every match scores the same, there is nothing to rank by) and
    relevance otherwise.

    :raises QueryError: for an unknown order
    """
    if sort is None:
        return "newest" if isinstance(q, (wq.Every, DayRange)) else "relevance"
    if sort not in SORTS:
        raise QueryError(f"unknown sort order {sort!r} (orders: {', '.join(SORTS)})")
    return sort


def _newest_key(value: int) -> int:
    # Negate so the plain ascending sort puts the latest first; undated go after every
    # dated paragraph (negated dates are all below zero).
    # NO_DATE (the raw value of an undated paragraph) is the largest 64-bit number: it sorts
    # last when oldest comes first and must be moved to the end for newest first.
    return 1 if value == NO_DATE else -value


def _sort_facet(sort: str) -> sorting.FacetType | None:
    """The Whoosh sort for *sort*; ``None`` for relevance (Whoosh's own score order)."""
    if sort == "relevance":
        return None
    date = (sorting.TranslateFacet(_newest_key, sorting.FieldFacet("date"))
            if sort == "newest" else sorting.FieldFacet("date"))
    # Ties (same day) are broken by article and paragraph so that the order is total and
    # pages neither overlap nor leave gaps, and an article's paragraphs stay in order.
    return sorting.MultiFacet([date, sorting.FieldFacet("article_id"),
                               sorting.FieldFacet("paragraph")])


def engine_name(engine: str | None = None) -> str:
    """The engine to use: *engine*, else ``$SEARCHLIB_ENGINE``, else ``arrays``.

    :raises QueryError: for an unknown name
    """
    name = (engine or os.environ.get(ENGINE_ENV, "") or "arrays").strip().lower()
    if name not in ENGINES:
        raise QueryError(f"unknown search engine {name!r} (engines: {', '.join(ENGINES)})")
    return name


def ranked(searcher, q: wq.Query, filter_q: wq.Query | None, sort: str,
           limit: int | None, engine: str | None = None,
           deadline: Deadline | None = None):
    """Run *q* restricted by *filter_q*, in *sort* order, keeping the first *limit* hits.

    :param limit: how many ranked hits to keep; ``None`` for all of them
    :param engine: ``arrays`` or ``whoosh`` (see :func:`engine_name`); a query the array
        executor cannot evaluate goes through Whoosh
    :param deadline: a :class:`~searchlib._deadline.Deadline` checked as the search goes
    :returns: an :class:`~searchlib._ranked.ArrayResults`, or the Whoosh ``Results`` (for a
        search without words in date order, a :class:`~searchlib._dateorder.DateOrdered`);
        ``len()`` of it is the exact number of matches
    """
    # An index with no commit yet has Whoosh's EmptyReader, without segments to read arrays
    # from: Whoosh answers it (with nothing).
    if engine_name(engine) == "arrays" and searcher.reader().doc_count_all() > 0:
        try:
            found = ranked_arrays(searcher, q, filter_q, sort, limit, deadline)
        except Unsupported:
            found = None
        if found is not None:
            return found
    return ranked_whoosh(searcher, q, filter_q, sort, limit, deadline)


def ranked_arrays(searcher, q: wq.Query, filter_q: wq.Query | None, sort: str,
                  limit: int | None, deadline: Deadline | None = None
                  ) -> ArrayResults | None:
    """:func:`ranked` by the array executor; ``None`` when the index lacks a column the
    order needs.

    :raises Unsupported: when the query holds a node the executor does not evaluate
    """
    state = state_for(searcher)
    ex = Executor(searcher, state.cache, deadline)
    relevance = sort == "relevance"
    m = ex.matches(q, scored=relevance)
    if filter_q is not None:
        m = restrict(m, state.filter_docs(
            filter_q, m.docs, lambda within: ex.matches(filter_q, scored=False,
                                                        within=within).docs))
    order: np.ndarray | None
    if relevance:
        assert m.scores is not None  # matched with scored=True
        order = by_score(m.docs, m.scores, limit)
        scores = m.scores[order]
    else:
        order = by_date(state, m.docs, sort == "newest", limit)
        if order is None:
            return None
        scores = np.zeros(len(order))
    return ArrayResults(m.docs, m.docs[order], scores, state)


def ranked_whoosh(searcher, q: wq.Query, filter_q: wq.Query | None, sort: str,
                  limit: int | None, deadline: Deadline | None = None):
    """:func:`ranked` through Whoosh's matchers and collectors (the reference path)."""
    allow = None
    if filter_q is not None:
        # Whoosh takes an empty filter set for "no filter" (its collectors test the set's
        # truth), so a filter that lets nothing through must be applied here.
        allow = set(checked(searcher.docs_for_query(filter_q), deadline))
        if not allow:
            q = wq.NullQuery
    if deadline is not None:
        deadline.check()
    fast = date_ordered(searcher, q, allow, sort, limit)
    if fast is not None:
        if deadline is not None:
            deadline.check()
        return fast
    collector = _Recording(_collector(limit, _sort_facet(sort), allow), deadline)
    try:
        searcher.search_with_collector(q, collector)
    except NotImplementedError:
        # Whoosh's AndNot over a date range and a fuzzy term meets a matcher without id()
        # (found by the fuzz test: `ka oilsakaka OR date:2023-06 ANDNOT oe~2`).
        raise QueryError("the search engine cannot run this combination of operators "
                         "(a Whoosh limitation); group the parts with parentheses or "
                         "simplify the query") from None
    if deadline is not None:
        deadline.check()
    results = collector.results()
    results.docset = collector.docs
    return results


def _collector(limit: int | None, facet: sorting.FacetType | None, allow: set[int] | None
               ) -> collectors.Collector:
    """A collector that visits every match once, so one pass ranks, counts and lists them.

    Whoosh's default top-N collector skips low-scoring blocks and then runs the query twice
    more (once to count, once to list the matches for facets). Without skipping it still
    prunes union matchers by score (``replace``), which loses matches from the count: a
    Whoosh bug met here, hence ``replace=0``. Score ties are broken by document number,
    so relevance order is total too.
    """
    found: collectors.Collector
    if facet is not None:
        # Whoosh takes limit=None (every match) though its hint says int.
        found = collectors.SortingCollector(facet, limit=limit)  # type: ignore[arg-type]
    elif limit is None:
        found = collectors.UnlimitedCollector()
    else:
        found = collectors.TopCollector(limit, usequality=False, replace=0)
    return collectors.FilterCollector(found, allow=allow) if allow is not None else found


class _Recording(collectors.WrappingCollector):
    """Passes every match on to the wrapped collector and remembers its document number;
    checks the search's deadline every few thousand matches and at each segment."""

    def __init__(self, child: collectors.Collector, deadline: Deadline | None = None) -> None:
        super().__init__(child)
        self.deadline = deadline if deadline is not None and deadline.seconds else None
        self._countdown = _CHECK_EVERY

    def prepare(self, top_searcher, q, context) -> None:
        self.docs: set[int] = set()
        super().prepare(top_searcher, q, context)

    def set_subsearcher(self, subsearcher, offset) -> None:
        if self.deadline is not None:
            self.deadline.check()
        super().set_subsearcher(subsearcher, offset)  # builds the matcher: expands terms
        if self.deadline is not None:
            self.deadline.check()

    def collect(self, sub_docnum: int):
        if self.deadline is not None:
            self._countdown -= 1
            if not self._countdown:
                self._countdown = _CHECK_EVERY
                self.deadline.check()
        self.docs.add(self.child.offset + sub_docnum)
        return self.child.collect(sub_docnum)


#: Matches between two looks at the clock (a look costs about what 20 matches do).
_CHECK_EVERY = 2048


def score_of(value: object) -> float:
    """A hit's relevance score; 0 in a date order, where Whoosh gives the sort key instead."""
    return float(value) if isinstance(value, (int, float)) else 0.0


@dataclass
class ArticleGroup:
    """The matching paragraphs of one article, represented by its first in rank order.

    :param docnum: the best paragraph's document number
    :param score: its score (0 for date orders)
    :param paragraphs: the numbers of all matching paragraphs of the article, ascending
    """

    article_id: str
    docnum: int
    score: float
    paragraphs: list[int] = field(default_factory=list)


def group_by_article(ranked_docs: Iterable[tuple[int, float]], reader,
                     deadline: Deadline | None = None
                     ) -> list[ArticleGroup] | ArticleGroups[ArticleGroup]:
    """Gather ranked paragraphs into articles, in the rank of each article's best paragraph.

    Article ids and paragraph numbers are read from columns, not stored fields, so grouping
    every match costs no document loads.

    :param ranked_docs: ``(docnum, score)`` pairs, best first
    :param reader: the searcher's reader
    :param deadline: checked as the pairs are grouped (the array path groups at once)
    """
    if reader.doc_count_all() == 0:
        return []  # an index with no commit yet: Whoosh's empty reader has no columns
    if isinstance(ranked_docs, RankedItems):
        try:
            return ArticleGroups(ranked_docs.results, ArticleGroup)
        except LookupError:
            pass
    articles = reader.column_reader(ARTICLE_ID)
    numbers = reader.column_reader(PARAGRAPH)
    groups: dict[str, ArticleGroup] = {}
    for docnum, score in checked(ranked_docs, deadline):
        aid = articles[docnum]
        group = groups.get(aid)
        if group is None:
            group = groups[aid] = ArticleGroup(aid, docnum, score_of(score))
        group.paragraphs.append(int(numbers[docnum]))
    for group in groups.values():
        group.paragraphs.sort()
    return list(groups.values())  # dicts keep insertion order: the rank of the best


def context_for(docs: DocumentReader, article_id: str, paragraph: int, n: int) -> Context:
    """The *n* paragraphs before and after one paragraph in its article.

    The headline (paragraph 0) is never context: every hit already carries it as ``title``.

    :param docs: the searcher's document reader
    :param n: how many on each side
    """

    def fetch(k: int) -> Paragraph | None:
        docnum = docs.docnum(article_id, k)
        if docnum is None:
            return None
        text, mentions = docs.body(docnum)
        return Paragraph(k, text, entity_names(mentions))

    before = [p for k in range(max(1, paragraph - n), paragraph) if (p := fetch(k))]
    after = []
    for k in range(max(1, paragraph + 1), paragraph + n + 1):
        p = fetch(k)
        if p is None:  # past the article's last paragraph
            break
        after.append(p)
    return Context(before, after)

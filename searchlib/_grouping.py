"""Ordering, grouping and context: how matching paragraphs are put in order, gathered into
one hit per article, and shown among their neighbours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from whoosh import collectors, sorting
from whoosh import query as wq

from searchlib._dateorder import date_ordered
from searchlib._deadline import Deadline, checked
from searchlib._errors import QueryError
from searchlib._results import Context, Paragraph, entity_names
from searchlib.index._documents import DocumentReader
from searchlib.index._engine.daterange import DayRange
from searchlib.index._format import NO_DATE

#: The orders a search can be sorted in.
SORTS = ("relevance", "newest", "oldest")



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


def ranked(searcher, q: wq.Query, filter_q: wq.Query | None, sort: str,
           limit: int | None, deadline: Deadline | None = None):
    """Run *q* restricted by *filter_q*, in *sort* order, keeping the first *limit* hits.

    :param limit: how many ranked hits to keep; ``None`` for all of them
    :returns: the Whoosh ``Results`` (for a search without words in date order, a
        :class:`~searchlib._dateorder.DateOrdered`); ``len()`` of it is the exact number of
        matches
    """
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


def group_by_article(ranked_docs: Iterable[tuple[int, float]], reader) -> list[ArticleGroup]:
    """Gather ranked paragraphs into articles, in the rank of each article's best paragraph.

    Article ids and paragraph numbers are read from columns, not stored fields, so grouping
    every match costs no document loads.

    :param ranked_docs: ``(docnum, score)`` pairs, best first
    :param reader: the searcher's reader
    """
    if reader.doc_count_all() == 0:
        return []  # an index with no commit yet: Whoosh's empty reader has no columns
    articles = reader.column_reader("article_id")
    numbers = reader.column_reader("paragraph")
    groups: dict[str, ArticleGroup] = {}
    for docnum, score in ranked_docs:
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

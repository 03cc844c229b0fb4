"""Date order without a collector, for searches without words.

Browsing ("everything from June 2023", "the newest about Taiwan by place") is an empty query,
perhaps with filters, listed newest or oldest first. Whoosh's sorting collector computes a
sort key for every match in Python: 450 ms for all of Reuters. Here the matches are read
off the date column, already sorted once per searcher, until the page is full: the order is
the same (date, then article id, then paragraph number), the cost a few milliseconds.
"""

from __future__ import annotations

import threading
import weakref
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from whoosh import query as wq

from searchlib.index._engine.daterange import DayRange, column_dates
from searchlib.index._format import NO_DATE

_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


@dataclass
class _Hit:
    docnum: int
    score: float = 0.0


class DateOrdered:
    """The matches of a wordless search in date order: what :func:`ranked` returns then.

    Offers what searchlib reads of Whoosh's ``Results``: ``len()``, slicing (hits with
    ``docnum`` and ``score``), ``items()`` and ``docs()``.

    :param order: the first matches in order (all of them when built without a limit)
    :param matches: every matching document number
    """

    def __init__(self, order: list[int], matches: set[int]) -> None:
        self.order = order
        self.matches = matches

    def __len__(self) -> int:
        return len(self.matches)

    def __getitem__(self, index: slice) -> list[_Hit]:
        return [_Hit(d) for d in self.order[index]]

    def items(self) -> Iterator[tuple[int, float]]:
        return ((d, 0.0) for d in self.order)

    def docs(self) -> set[int]:
        return self.matches


def _table(reader) -> tuple[array, array]:
    """The whole index's raw dates ascending and the document number of each, once per
    reader (one segment: that segment's own table)."""
    leaves = list(reader.leaf_readers())
    if len(leaves) == 1 and leaves[0][1] == 0:
        return column_dates(leaves[0][0], "date")
    with _LOCK:
        table = _TABLES.get(reader)
    if table is None:
        pairs = sorted((value, docnum + offset) for leaf, offset in leaves
                       for value, docnum in zip(*column_dates(leaf, "date"), strict=True))
        table = (array("Q", (v for v, _ in pairs)), array("I", (d for _, d in pairs)))
        with _LOCK:
            _TABLES[reader] = table
    return table


def _walk(values: array, docnums: array, newest: bool) -> Iterator[tuple[int, int]]:
    """``(raw date, docnum)`` in the order of the search: the dated ones newest or oldest
    first, the undated (``NO_DATE``, last in *values*) after them either way."""
    n = len(values)
    dated = n
    while dated and values[dated - 1] == NO_DATE:
        dated -= 1
    span = range(dated - 1, -1, -1) if newest else range(dated)
    for i in span:
        yield values[i], docnums[i]
    for i in range(dated, n):
        yield values[i], docnums[i]


def date_ordered(searcher, q: wq.Query, allow: set[int] | None, sort: str,
                 limit: int | None) -> DateOrdered | None:
    """The fast path of :func:`searchlib._grouping.ranked`, or ``None`` where it does not
    apply (a query with words, relevance order, an index without dates).

    :param allow: the documents the filters let through, or ``None`` for no filters
    :param limit: how many matches to put in order; ``None`` for all
    """
    if sort not in ("newest", "oldest") or not isinstance(q, (wq.Every, DayRange)):
        return None
    reader = searcher.reader()
    if not reader.has_column("date") or not reader.has_column("article_id"):
        return None
    if isinstance(q, wq.Every):
        matches = set(reader.all_doc_ids()) if allow is None else set(allow)
    else:
        matches = set(searcher.docs_for_query(q))
        if allow is not None:
            matches &= allow
    articles = reader.column_reader("article_id", translate=False)
    numbers = reader.column_reader("paragraph")
    order: list[int] = []
    wanted = len(matches) if limit is None else min(limit, len(matches))
    found = ((value, d) for value, d in _walk(*_table(reader), sort == "newest")
             if d in matches)
    for _value, same_day in groupby(found, key=lambda pair: pair[0]):
        if len(order) >= wanted:
            break
        day = [d for _, d in same_day]
        # Whoosh's order within a day: article id, then paragraph number.
        day.sort(key=lambda d: (articles[d], numbers[d]))
        order += day
    return DateOrdered(order, matches)

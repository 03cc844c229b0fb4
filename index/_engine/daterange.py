"""Date ranges answered from the date column instead of Whoosh's numeric postings.

Whoosh turns a date range into a union of every precision-tier term in it and loads all
their postings per segment: 90 ms for a month of Reuters (40,000 paragraphs). Here each
segment's date column is read once into a sorted table, and a range is two binary searches
and a slice (measured: under 5 ms for the same month).
"""

from __future__ import annotations

import threading
import weakref
from array import array
from bisect import bisect_left, bisect_right

from searchlib.index._format import NO_DATE
from whoosh import matching
from whoosh import query as wq

_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()


class DayRange(wq.Query):
    """Paragraphs whose raw ``date`` column value is within ``[start, end]``.

    Undated paragraphs (column value :data:`~searchlib.index._format.NO_DATE`) never match. Scores
    are constant, as for Whoosh's own range queries.

    :param start: raw lower bound, inclusive (Whoosh's long encoding of a datetime)
    :param end: raw upper bound, inclusive
    """

    def __init__(self, fieldname: str, start: int, end: int, boost: float = 1.0) -> None:
        self.fieldname = fieldname
        self.start = start
        self.end = end
        self.boost = boost

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fieldname!r}, {self.start}, {self.end})"

    def __str__(self) -> str:
        return f"{self.fieldname}:[{self.start} TO {self.end}]"

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and other.fieldname == self.fieldname
                and other.start == self.start and other.end == self.end
                and other.boost == self.boost)

    def __hash__(self) -> int:
        return hash((type(self), self.fieldname, self.start, self.end, self.boost))

    def is_leaf(self) -> bool:
        return True

    def field(self) -> str:
        return self.fieldname

    def estimate_size(self, ixreader) -> int:
        return ixreader.doc_count()

    def matcher(self, searcher, context=None):
        # Whoosh calls this once per segment, with that segment's searcher.
        reader = searcher.reader()
        values, docnums = column_dates(reader, self.fieldname)
        lo = bisect_left(values, self.start)
        hi = bisect_right(values, min(self.end, NO_DATE - 1))
        ids = sorted(docnums[lo:hi])
        if reader.has_deletions():
            ids = [d for d in ids if not reader.is_deleted(d)]
        if not ids:
            return matching.NullMatcher()
        return matching.ListMatcher(ids, all_weights=self.boost)


def column_dates(reader, fieldname: str) -> tuple[array, array]:
    """One segment's raw date values, sorted, and the document number of each.

    Built once per segment reader (segments never change once written). Arrays, not lists:
    12 bytes per paragraph instead of about 80.
    """
    key = (fieldname,)
    with _TABLES_LOCK:
        table = _TABLES.get(reader, {}).get(key)
    if table is None:
        values, docnums = array("Q"), array("I")
        if reader.has_column(fieldname):
            column = list(reader.column_reader(fieldname, translate=False))
            order = sorted(range(len(column)), key=column.__getitem__)
            values.extend(column[d] for d in order)
            docnums.extend(order)
        else:  # a segment of undated articles only has no date column
            values.extend([NO_DATE] * reader.doc_count_all())
            docnums.extend(range(reader.doc_count_all()))
        table = (values, docnums)
        with _TABLES_LOCK:
            _TABLES.setdefault(reader, {})[key] = table
    return table


def day_ranges(q: wq.Query) -> wq.Query:
    """*q* with every numeric range over ``date`` answered by :class:`DayRange`."""
    if isinstance(q, wq.NumericRange) and q.fieldname == "date":
        start = 0 if q.start is None else q.start + (1 if q.startexcl else 0)
        end = NO_DATE - 1 if q.end is None else q.end - (1 if q.endexcl else 0)
        # Dates are stored as whole numbers; Whoosh types range bounds as int | float.
        return DayRange(q.fieldname, int(start), int(end), boost=q.boost)
    return q if q.is_leaf() else q.apply(day_ranges)

"""The date facet: how many matching paragraphs fall in each month, over ALL matches.

Beside the entity facets (:mod:`searchlib._facets`) and as cheap: each reader's date column
is turned once into a month code per document (from the sorted date table the date ranges
already keep per segment, so the column is not read again), and a search's matches are
counted in C. Kept apart from the entity facets on purpose: a small table and one counting
call, easy to replace by a vectorised count.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable

from whoosh.util.times import datetime_to_long, long_to_datetime

from searchlib._results import DateCount
from searchlib.index._engine.daterange import column_dates
from searchlib.index._format import DATE, NO_DATE

#: The month code of an undated paragraph; dated months are ``year * 12 + month`` (>= 13).
UNDATED = 0

_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _month_start(code: int) -> int:
    """The raw date value (Whoosh's long) of the first day of month *code*."""
    year, month = divmod(code - 1, 12)
    return datetime_to_long(dt.datetime(year, month + 1, 1))


def _segment_months(reader, offset: int, months: array) -> None:
    """Fill *months* for one segment's documents, a month at a time over its sorted dates."""
    values, docnums = column_dates(reader, DATE)
    dated = bisect_left(values, NO_DATE)  # undated sort last; they keep UNDATED
    i = 0
    while i < dated:
        day = long_to_datetime(values[i])
        code = day.year * 12 + day.month
        # The first document of the next month (or of the undated): one binary search per
        # month instead of a date conversion per document.
        end = bisect_left(values, _month_start(code + 1), i, dated) if day.year < 9999 else dated
        for k in range(i, end):
            months[docnums[k] + offset] = code
        i = end


def month_table(reader) -> array:
    """A month code per document number of *reader*, built once per reader."""
    with _LOCK:
        table = _TABLES.get(reader)
    if table is None:
        table = array("I", bytes(4 * reader.doc_count_all()))
        if reader.has_column(DATE):
            for leaf, offset in reader.leaf_readers():
                _segment_months(leaf, offset, table)
        with _LOCK:
            _TABLES[reader] = table
    return table


def date_counts(reader, docnums: Iterable[int]) -> list[DateCount]:
    """Matching paragraphs per month, oldest month first; undated paragraphs are left out.

    :param reader: the searcher's reader
    :param docnums: every matching document number (not only the page shown)
    """
    table = month_table(reader)
    counts = Counter(map(table.__getitem__, docnums))
    counts.pop(UNDATED, None)
    return [DateCount(f"{(code - 1) // 12:04d}-{(code - 1) % 12 + 1:02d}", n)
            for code, n in sorted(counts.items())]

"""Search filters: who, where, when and which source, as Whoosh query objects.

A :class:`Filters` value is built from the keyword arguments of
:meth:`searchlib.Index.search` (or the CLI's ``--person``/``--since``/... options) and turned
into one Whoosh query that restricts the matching paragraphs without affecting their scores.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from whoosh import query as wq

from searchlib._aliases import Resolved, resolve
from searchlib._errors import QueryError
from searchlib._query import QueryParser, field_analyzer, positive_terms
from searchlib.index._engine.daterange import day_ranges
from searchlib.index._format import KINDS

_DATE_FORMS = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def parse_date_bound(value: str | dt.date, end: bool = False) -> dt.date:
    """The first (or, with *end*, the last) day of a ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

    So that ``since=2023-06`` means "from June 1st" and ``until=2023-06`` "to June 30th".

    :param value: the date as typed, or a :class:`datetime.date` (returned as is)
    :param end: give the last day of a month or year instead of the first
    :raises QueryError: with a one-line reason when *value* is not one of the three forms or
        is not a real date
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = _DATE_FORMS.fullmatch(text)
    if not m:
        raise QueryError(f"date {text!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if day is None:
            last = calendar.monthrange(year, int(month))[1] if 1 <= int(month) <= 12 else 0
            return dt.date(year, int(month), last if end else 1)
        return dt.date(year, int(month), int(day))
    except ValueError:
        raise QueryError(f"impossible date {text!r}") from None


def _names(value: str | Iterable[str] | None) -> tuple[str, ...]:
    # A lone string is one name, not a sequence of one-letter names.
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    return tuple(v.strip() for v in value if v and v.strip())


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to; every condition given must hold.

    :param person: names that must each be among a paragraph's people (a word of a name, as
        ``person:Qin``, or a whole name, as ``person:"Qin Gang"``)
    :param place: likewise for places
    :param org: likewise for organisations
    :param since: first day included (paragraphs of undated articles are then excluded)
    :param until: last day included
    :param source: the article's source, the whole name, case-insensitively
    """

    person: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    org: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    source: str | None = None
    #: The bounds as given, for echoing back (``2023-06`` rather than ``2023-06-01``).
    given: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, person: str | Iterable[str] | None = None,
           place: str | Iterable[str] | None = None, org: str | Iterable[str] | None = None,
           since: str | dt.date | None = None, until: str | dt.date | None = None,
           source: str | None = None) -> Filters:
        """Build filters from loosely typed arguments (strings or lists, dates or strings).

        :raises QueryError: when a date bound cannot be read, or *since* is after *until*
        """
        lo = parse_date_bound(since) if since not in (None, "") else None
        hi = parse_date_bound(until, end=True) if until not in (None, "") else None
        if lo and hi and lo > hi:
            raise QueryError(f"the date range is empty: since {since} is after until {until}")
        given = {"person": list(_names(person)), "place": list(_names(place)),
                 "org": list(_names(org)),
                 "since": None if lo is None else str(since if isinstance(since, str) else lo),
                 "until": None if hi is None else str(until if isinstance(until, str) else hi),
                 "source": source.strip() if source and source.strip() else None}
        return cls(person=_names(person), place=_names(place), org=_names(org), since=lo,
                   until=hi, source=source.strip() if source and source.strip() else None,
                   given=given)

    def __bool__(self) -> bool:
        return bool(self.person or self.place or self.org or self.since or self.until
                    or self.source)

    def to_dict(self) -> dict:
        """The filters in force, as given (empty ones left out)."""
        return {k: v for k, v in self.given.items() if v}


def resolved_names(filters: Filters) -> list[Resolved]:
    """The entity filters whose names are aliases, with the canonical names searched."""
    found = (resolve(kind, n) for kind in KINDS for n in getattr(filters, kind))
    return [r for r in found if r is not None and r.name != r.given]


def build_filter(parser: QueryParser, filters: Filters) -> wq.Query | None:
    """One Whoosh query that every filtered paragraph matches, or ``None`` for no filters.

    :param parser: the index's query parser (names match as in queries)
    :param filters: the conditions
    """
    schema = parser.schema
    parts: list[wq.Query] = []
    for kind in KINDS:
        parts += [parser.name_query(kind, n) for n in getattr(filters, kind)]
    if filters.since or filters.until:
        # Dates are stored as midnight datetimes; the upper bound is the end of its day so
        # that "until" is inclusive whatever the time part. A range never matches a
        # paragraph without a date, which is what a date filter should do.
        start = (dt.datetime.combine(filters.since, dt.time.min) if filters.since else None)
        end = (dt.datetime.combine(filters.until, dt.time.max) if filters.until else None)
        parts.append(day_ranges(wq.DateRange("date", start, end)))
    if filters.source:
        parts += [wq.Term("source", t.text)
                  for t in field_analyzer(schema, "source")(filters.source)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def highlight_terms(parser: QueryParser, filters: Filters
                    ) -> set[tuple[str, str | tuple[str, ...]]]:
    """The ``(field, word)`` pairs of the entity filters, so that the names a search was
    narrowed to are marked in its hits just as ``person:Qin`` in a query would be (a
    resolved name by its canonical form and, for a place, its demonyms)."""
    out: set = set()
    for kind in KINDS:
        for name in getattr(filters, kind):
            try:
                q = parser.name_query(kind, name)
            except QueryError:
                continue
            out |= positive_terms(q, None)
    return out

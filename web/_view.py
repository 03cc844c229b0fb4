"""What the templates need beyond the library's records: marked text, the date histogram's
geometry, safe links.

Nothing here builds HTML: the templates do, with Jinja2's autoescaping on, so that every
value from the index (text, headlines, names, urls) is escaped where it is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from searchlib import Hit


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """*text* cut at the match spans: ``(piece, is_match)`` in order, for ``<mark>``.

    :param spans: sorted, non-overlapping ``(start, end)`` character offsets into *text*
    """
    out, pos = [], 0
    for start, end in spans:
        if start > pos:
            out.append((text[pos:start], False))
        if end > start:
            out.append((text[start:end], True))
        pos = max(pos, end)
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def hit_segments(hit: Hit) -> list[tuple[str, bool]]:
    """A hit's paragraph cut at its matches."""
    return segments(hit.text, hit.matches)


def path_id(value: str) -> str:
    """An article or paragraph id as one URL path segment (``/``, ``#``, ``?`` escaped)."""
    return quote(value, safe="")


def safe_url(url: str | None) -> str | None:
    """*url* if it is an http(s) link, else ``None``: an indexed article's ``url`` is data,
    and a ``javascript:`` one must never become a link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


@dataclass
class Bar:
    """One month of the date histogram, placed in a 0-100 wide, 0-40 high drawing."""

    month: str
    count: int
    x: float
    width: float
    height: float


#: Height of the histogram drawing (its width is 100), in SVG units.
HISTOGRAM_HEIGHT = 40


def _next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return f"{year:04d}-{mon:02d}"


def histogram(dates: list) -> list[Bar]:
    """Bars for the months of a result's date facet, empty months between them included,
    so that the axis is time.

    :param dates: :class:`searchlib._results.DateCount` records, oldest first
    """
    if not dates:
        return []
    counts = {d.date: d.count for d in dates}
    months = [dates[0].date]
    while months[-1] < dates[-1].date:
        months.append(_next_month(months[-1]))
    top = max(counts.values())
    # At least eight bars' room, so that one or two months are bars, not a block; a short
    # run of months is centred.
    step = 100 / max(len(months), 8)
    gap = step * 0.15
    left = (100 - step * len(months)) / 2
    # A month with a few matches beside one with thousands still gets a visible sliver.
    return [Bar(m, n, left + i * step + gap / 2, step - gap,
                max(HISTOGRAM_HEIGHT * n / top, 0.8) if n else 0)
            for i, m in enumerate(months) for n in [counts.get(m, 0)]]

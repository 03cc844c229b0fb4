"""The date facet: matching paragraphs per month over ALL matches (``Results.dates``),
checked against an independent count of every hit's date."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

import searchlib


def _articles(start: int, dates: list[dt.date | None]) -> list[searchlib.Article]:
    return [searchlib.Article(f"Harbour news {i}",
                              [f"Ferry {i} left the harbour.", "Weather was calm."],
                              id=f"a{i}", date=d)
            for i, d in enumerate(dates, start)]


@pytest.fixture
def index(tmp_path):
    """Months across a year's end, undated articles, three segments and a deletion."""
    ix = searchlib.Index.create(tmp_path / "ix")
    ix.add_articles(_articles(0, [dt.date(2022, 12, 31), dt.date(2023, 1, 1), None]))
    ix.add_articles(_articles(10, [dt.date(2023, 1, 31), dt.date(2023, 3, 15),
                                   dt.date(2022, 12, 1)]))
    ix.add_articles(_articles(20, [dt.date(1999, 12, 31), dt.date(2023, 3, 1), None,
                                   dt.date(2023, 3, 31)]))
    assert ix.delete("a21") == 3
    yield ix
    ix.close()


def independent(ix, query: str = "", **options) -> list[dict]:
    months = Counter(h.date.strftime("%Y-%m") for h in ix.iter_hits(query, **options)
                     if h.date)
    return [{"date": m, "count": n} for m, n in sorted(months.items())]


@pytest.mark.parametrize("query, options", [
    ("", {}),
    ("harbour", {}),
    ("calm", {"since": "2023-01"}),
    ("ferry", {"until": "2022-12-31"}),
    ("", {"sort": "oldest"}),
    ("harbour OR calm", {"by_article": True}),
])
def test_counts_every_match(index, query, options):
    res = index.search(query, limit=1, **options)
    want = independent(index, query, **{k: v for k, v in options.items()
                                        if k != "by_article"})
    assert [d.to_dict() for d in res.dates] == want
    assert res.to_dict()["dates"] == want
    assert len(res.hits) == 1  # one hit shown, every match counted


def test_months_and_undated(index):
    res = index.search("harbour")
    # Headline and first paragraph of each article; a21 (2023-03-01) was deleted.
    assert [(d.date, d.count) for d in res.dates] == [
        ("1999-12", 2), ("2022-12", 4), ("2023-01", 4), ("2023-03", 4)]
    # Two undated articles match too; they are in the total, not in a month.
    assert res.total == 18 and sum(d.count for d in res.dates) == 14


def test_no_facets_no_dates(index):
    assert index.search("harbour", facets=0).dates == []
    assert index.search("nothingmatches").to_dict()["dates"] == []


def test_an_index_without_dates(tmp_path):
    with searchlib.Index.create(tmp_path / "ix") as ix:
        ix.add_articles(_articles(0, [None, None]))
        res = ix.search("harbour")
        assert res.total == 4 and res.dates == []


def test_a_narrow_range_of_many_paragraphs(tmp_path):
    """More paragraphs than days in their range: each day is looked up in a table of the
    range's months (a wide range converts each paragraph's day, as in ``index`` above)."""
    days = [dt.date(2023, 1, 20) + dt.timedelta(days=i % 25) for i in range(40)]
    with searchlib.Index.create(tmp_path / "ix") as ix:
        ix.add_articles(_articles(0, [*days[:20], None]))
        ix.add_articles(_articles(100, [None, *days[20:]]))
        for query in ("", "ferry", "calm"):
            res = ix.search(query, limit=1)
            assert [d.to_dict() for d in res.dates] == independent(ix, query)
        assert [(d.date, d.count) for d in ix.search("").dates] == [("2023-01", 72),
                                                                   ("2023-02", 48)]

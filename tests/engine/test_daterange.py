"""Date ranges answered from the date column (searchlib.index._engine.daterange)."""

from __future__ import annotations

import datetime as dt

import pytest
from searchlib.index._engine.daterange import DayRange, day_ranges
from whoosh import query as wq

from searchlib import Article, Index


@pytest.fixture
def dated(tmp_path):
    ix = Index.create(tmp_path / "ix")
    days = [dt.date(2023, 5, 31), dt.date(2023, 6, 1), dt.date(2023, 6, 15),
            dt.date(2023, 6, 30), dt.date(2023, 7, 1), None]
    # Two commits, so the index has two segments and each gets its own table.
    ix.add_articles([Article(f"Story {n}", ["harbour cranes"], id=f"a{n}", date=d)
                     for n, d in enumerate(days[:3])])
    ix.add_articles([Article(f"Story {n}", ["harbour cranes"], id=f"a{n}", date=d)
                     for n, d in enumerate(days[3:], 3)])
    yield ix
    ix.close()


def article_ids(results) -> set[str]:
    return {h.article_id for h in results.hits}


@pytest.mark.parametrize("query, expected", [
    ("cranes date:[2023-06-01 to 2023-06-30]", {"a1", "a2", "a3"}),
    ("cranes date:2023-06", {"a1", "a2", "a3"}),
    ("cranes date:[2023-06-15 to]", {"a2", "a3", "a4"}),
    ("cranes date:[to 2023-06-01]", {"a0", "a1"}),
    # Whoosh reads a day as a span and compares with its far end: > and < include the day.
    ("cranes date:>2023-06-30", {"a3", "a4"}),
    ("cranes date:<2023-06-01", {"a0", "a1"}),
])
def test_ranges_are_inclusive_and_skip_undated(dated, query, expected):
    assert article_ids(dated.search(query, limit=50)) == expected


def test_filters_use_the_same_ranges(dated):
    res = dated.search("cranes", since="2023-06", until="2023-06", limit=50)
    assert article_ids(res) == {"a1", "a2", "a3"}


def test_deleted_paragraphs_do_not_match(dated):
    dated.delete("a2")
    assert article_ids(dated.search("cranes date:2023-06", limit=50)) == {"a1", "a3"}


def test_parsed_date_ranges_become_day_ranges(dated):
    q = dated._parser.parse("date:[2023-06-01 to 2023-06-30]")
    assert isinstance(q, DayRange)
    assert day_ranges(wq.Term("text", "x")) == wq.Term("text", "x")

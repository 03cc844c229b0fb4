"""Integration: index the Wikinews corpus from ../shared and check counts against the files."""

from __future__ import annotations

import csv
import re

import pytest

import searchlib
from tests.shared import WIKINEWS

pytestmark = pytest.mark.slow


def expected_counts() -> tuple[int, int]:
    """Articles and paragraphs counted straight from the CSV files (headline included)."""
    articles = paragraphs = 0
    for path in sorted(WIKINEWS.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                articles += 1
                body = [b for b in re.split(r"\n\s*\n", row["text"]) if b.strip()]
                paragraphs += 1 + len(body)
    return articles, paragraphs


def test_index_wikinews_counts(tmp_path):
    if not WIKINEWS.exists():
        pytest.skip(f"../shared not present: the Wikinews corpus {WIKINEWS} is needed")
    articles, paragraphs = expected_counts()
    assert articles == 295
    ix = searchlib.Index.create(tmp_path / "wikinews")
    report = ix.add_paths([WIKINEWS])
    assert not report.errors
    stats = ix.stats()
    assert (stats.articles, stats.paragraphs) == (articles, paragraphs)
    assert (report.added, report.paragraphs) == (articles, paragraphs)
    again = ix.add_paths([WIKINEWS])
    assert (again.added, again.skipped) == (0, articles)
    assert ix.stats().paragraphs == paragraphs

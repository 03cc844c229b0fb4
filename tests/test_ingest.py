"""Ingest batches (index/_ingest.py): committed by article count and by text volume."""

from __future__ import annotations

import searchlib.index._ingest as ingest

from searchlib import Article, Index


def _articles(n: int, chars: int) -> list[Article]:
    return [Article(f"Headline {i}", ["word " * (chars // 5)], id=f"a{i}") for i in range(n)]


def test_a_batch_is_committed_once_its_text_is_large(tmp_path, monkeypatch):
    # 300 characters an article, a cap of 1,000: a commit every fourth article.
    monkeypatch.setattr(ingest, "MAX_BATCH_CHARS", 1_000)
    with Index.create(tmp_path / "ix") as ix:
        report = ix.add_articles(_articles(10, 300), batch_size=100)
        assert (report.commits, report.added) == (3, 10)
        assert ix.stats().articles == 10


def test_the_article_count_still_bounds_a_batch(tmp_path):
    with Index.create(tmp_path / "ix") as ix:
        report = ix.add_articles(_articles(10, 50), batch_size=4)
        assert (report.commits, report.added) == (3, 10)

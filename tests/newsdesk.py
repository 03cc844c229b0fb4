"""Helpers shared by the news-desk search tests (issue 4): small built corpora and one
Wikinews index per test session (indexing it takes seconds, so it is built once)."""

from __future__ import annotations

import datetime as dt

import pytest

from searchlib import Article, Index
from tests.shared import WIKINEWS

_WIKINEWS: dict[str, Index] = {}


def wikinews_index(tmp_path_factory) -> Index:
    """The Wikinews corpus from ../shared, indexed once per session (skips when absent)."""
    if not WIKINEWS.exists():
        pytest.skip(f"../shared not present: the Wikinews corpus {WIKINEWS} is needed")
    if "ix" not in _WIKINEWS:
        ix = Index.create(tmp_path_factory.mktemp("wikinews") / "ix")
        report = ix.add_paths([WIKINEWS])
        assert not report.errors
        _WIKINEWS["ix"] = ix
    return _WIKINEWS["ix"]


#: Articles dated on both sides of every boundary the date filters have.
DATED = {
    "y2022-end": dt.date(2022, 12, 31),
    "y2023-start": dt.date(2023, 1, 1),
    "may-end": dt.date(2023, 5, 31),
    "june-start": dt.date(2023, 6, 1),
    "june-end": dt.date(2023, 6, 30),
    "july-start": dt.date(2023, 7, 1),
    "y2023-end": dt.date(2023, 12, 31),
    "y2024-start": dt.date(2024, 1, 1),
    "undated": None,
}


def dated_index(path) -> Index:
    """An index of one short article per :data:`DATED` date, all about harbour cranes."""
    ix = Index.create(path)
    ix.add_articles([
        Article(f"Harbour cranes report {aid}",
                [f"The harbour cranes were inspected ({aid}).", "Inspectors filed a report."],
                id=aid, date=date, source="Port Gazette" if date else "Other Paper")
        for aid, date in DATED.items()])
    return ix


def ids(results) -> list[str]:
    return [h.id for h in results.hits]


def article_ids(results) -> set[str]:
    return {h.article_id for h in results.hits}

"""Streaming every hit, and exporting articles for a rebuild (issue 4)."""

from __future__ import annotations

import json

import pytest

from searchlib import Index, QueryError
from tests.newsdesk import ids, wikinews_index

QUERIES = ["Taiwan", "person:Blinken", "Qin OR semiconductors", "", '"foreign ministry"',
           "place:Beijing date:2023-06"]


def test_iter_hits_streams_more_than_a_page(examples_index):
    hits = examples_index.iter_hits("Blinken OR Taiwan OR Qin")
    assert not isinstance(hits, list)  # a generator, consumed one hit at a time
    streamed = [h.id for h in hits]
    full = examples_index.search("Blinken OR Taiwan OR Qin", limit=1000)
    assert len(streamed) == full.total > 10  # more than one default page
    assert streamed == ids(full)


def test_iter_hits_takes_the_search_options(examples_index):
    kwargs = {"person": "Blinken", "since": "2023-06", "sort": "oldest"}
    assert [h.id for h in examples_index.iter_hits("", **kwargs)] == \
        ids(examples_index.search("", limit=1000, **kwargs))
    grouped = list(examples_index.iter_hits("Taiwan", by_article=True, context=1))
    assert len(grouped) == examples_index.search("Taiwan", by_article=True).total
    assert all(h.matching_paragraphs and h.context is not None for h in grouped)
    with pytest.raises(QueryError):
        next(examples_index.iter_hits("", since="someday"))


def test_iter_hits_survives_a_commit_midway(examples_index):
    hits = examples_index.iter_hits("")
    first = next(hits)
    examples_index.delete(first.article_id)
    assert len([first, *hits]) == 33  # it reads the commit it started on


def snapshot(ix: Index, query: str) -> list[tuple]:
    """Every hit with its score, best first; hits of equal score in id order, since Whoosh
    orders those by internal document number, which depends on how the index was written."""
    res = ix.search(query, limit=1000)
    hits = sorted(res.hits, key=lambda h: (-round(h.score, 6), h.id))
    return [(round(h.score, 6), h.id, h.title, h.date, h.paragraph, h.text, h.entities,
             h.source, h.url) for h in hits]


def round_trip(ix: Index, tmp_path) -> Index:
    out = tmp_path / "export.jsonl"
    with open(out, "w", encoding="utf-8") as f:
        for rec in ix.export_articles():
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    again = Index.create(tmp_path / "rebuilt")
    report = again.add_paths([out])
    assert not report.errors
    return again


def test_export_then_index_gives_the_same_results(examples_index, tmp_path):
    again = round_trip(examples_index, tmp_path)
    assert again.stats().articles == examples_index.stats().articles
    assert again.stats().paragraphs == examples_index.stats().paragraphs
    for q in QUERIES:
        assert snapshot(again, q) == snapshot(examples_index, q), q
    # the undated article stays undated, and exporting again is byte-identical
    assert [r for r in again.export_articles()] == list(examples_index.export_articles())


def test_export_round_trip_of_the_seed(seed_index, tmp_path):
    again = round_trip(seed_index, tmp_path)
    for q in ["Taiwan", "Qin", "person:Qin", 'org:"State Department"']:
        assert snapshot(again, q) == snapshot(seed_index, q), q


def test_export_record_shape_and_selection(examples_index):
    records = list(examples_index.export_articles("Taiwan", source="example wire"))
    assert [r["id"] for r in records] == ["ex-jsonl-001"]
    rec = records[0]
    assert rec == {"id": "ex-jsonl-001",
                   "title": "Taiwan reports Chinese military aircraft near the island",
                   "date": "2023-06-08", "source": "Example Wire",
                   "url": "https://example.org/news/taiwan-aircraft",
                   "paragraphs": rec["paragraphs"]}
    assert len(rec["paragraphs"]) == 3  # the whole article, not just matching paragraphs
    undated = next(r for r in examples_index.export_articles() if "chip-exports" in r["id"])
    assert "date" not in undated


@pytest.mark.slow
def test_wikinews_round_trip(tmp_path_factory, tmp_path):
    ix = wikinews_index(tmp_path_factory)
    again = round_trip(ix, tmp_path)
    assert (again.stats().articles, again.stats().paragraphs) == \
        (ix.stats().articles, ix.stats().paragraphs)
    for q in ["government", "person:Trump", "coronavirus date:2020"]:
        assert snapshot(again, q) == snapshot(ix, q), q

"""The library API on a real on-disk index: the seed article and small built articles."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from searchlib.index._format import SCHEMA_VERSION

import searchlib
from searchlib import Article, Index
from tests.shared import seed_article_id


def paragraphs(results) -> set[int]:
    return {h.paragraph for h in results.hits}


def test_taiwan_returns_exactly_the_two_taiwan_paragraphs(seed_index):
    res = seed_index.search("Taiwan")
    assert res.total == 2
    assert paragraphs(res) == {3, 8}
    assert all("Taiwan" in h.text for h in res.hits)


def test_qin_returns_headline_and_five_body_paragraphs(seed_index):
    res = seed_index.search("Qin", limit=50)
    assert res.total == 6
    assert paragraphs(res) == {0, 1, 2, 3, 9, 10}


@pytest.mark.parametrize("query, expected", [
    ('"foreign ministry"', {3, 6, 9}),                 # phrase (stemmed: "ministry's" too)
    ("Taiwan OR semiconductors", {3, 5, 8}),           # OR
    ("Blinken NOT Qin", {4, 5, 6, 7}),                 # NOT
    ("semicond*", {5}),                                # wildcard
    ("Taiw*", {3, 8}),                                 # wildcard, mixed case
    ("TAIWAN", {3, 8}),                                # case-insensitive
    ("balloon~", {7}),                                 # fuzzy, same word
    ("baloon~", {7}),                                  # fuzzy, misspelt
    ("visiting", {2, 5, 8}),                           # stemming: visit, visits
    ("Qin Taiwan", {3}),                               # bare words are AND-ed
])
def test_query_language(seed_index, query, expected):
    assert paragraphs(seed_index.search(query, limit=50)) == expected


def test_date_ranges(seed_index):
    assert seed_index.search("Taiwan date:[2023-06-01 to 2023-06-30]").total == 2
    assert seed_index.search("Taiwan date:[2023-07-01 to 2023-07-31]").total == 0
    assert seed_index.search("Taiwan date:2023-06-14").total == 2


def test_title_field_matches_every_paragraph_of_matching_articles(seed_index):
    assert seed_index.search("title:Qin", limit=50).total == 12
    assert seed_index.search("title:semiconductors").total == 0


def test_reindexing_adds_no_duplicates(seed_index, seed_path):
    report = seed_index.add_paths([seed_path])
    assert (report.added, report.replaced, report.skipped) == (0, 0, 1)
    assert seed_index.stats().paragraphs == 12
    assert seed_index.search("Taiwan").total == 2


def test_changed_article_replaces_old_paragraphs(tmp_path):
    ix = Index.create(tmp_path / "ix")
    ix.add_articles([Article("Old head", ["alpha one", "alpha two", "alpha three"], id="a")])
    report = ix.add_articles([Article("New head", ["beta only"], id="a")])
    assert (report.added, report.replaced) == (0, 1)
    assert ix.search("alpha").total == 0
    assert ix.stats().paragraphs == 2
    assert [p.text for p in ix.article("a").paragraphs] == ["New head", "beta only"]


def test_duplicate_ids_in_one_batch_keep_the_last(tmp_path):
    ix = Index.create(tmp_path / "ix")
    ix.add_articles([Article("First", ["x"], id="d"), Article("Second", ["y"], id="d")])
    assert ix.stats().articles == 1 and ix.article("d").title == "Second"


def test_delete_removes_every_paragraph(seed_index):
    aid = seed_article_id(seed_index)
    assert seed_index.delete(aid) == 12
    assert seed_index.stats().paragraphs == 0
    assert seed_index.search("Qin").total == 0
    assert seed_index.delete(aid) == 0
    with pytest.raises(searchlib.ArticleNotFoundError):
        seed_index.article(aid)


def test_article_and_paragraph_views(seed_index):
    aid = seed_article_id(seed_index)
    art = seed_index.article(aid)
    assert art.date == dt.date(2023, 6, 14)
    assert [p.paragraph for p in art.paragraphs] == list(range(12))
    assert art.paragraphs[0].text == art.title
    assert "ALSO SEE" not in " ".join(p.text for p in art.paragraphs)
    assert seed_index.paragraph(f"{aid}#8").text.startswith("Visits by US officials")
    with pytest.raises(searchlib.ArticleNotFoundError):
        seed_index.paragraph("no-such#1")


def test_stats(seed_index):
    st = seed_index.stats()
    assert (st.articles, st.paragraphs, st.extractor) == (1, 12, "tagger")
    assert st.schema_version == SCHEMA_VERSION
    assert st.size_bytes > 0


def test_hits_are_plain_data_valid_after_close(seed_index):
    res = seed_index.search("Taiwan")
    seed_index.close()
    hit = res.hits[0]
    assert "<b>Taiwan</b>" in hit.highlight
    assert hit.text[hit.matches[0][0]:hit.matches[0][1]] == "Taiwan"
    assert set(hit.entities) == {"person", "place", "org"}
    json.dumps(res.to_dict())


def test_paging_is_exact_and_past_the_end_is_empty(seed_index):
    pages = [seed_index.search("Blinken", limit=3, page=p) for p in (1, 2, 3, 4)]
    ids = [h.id for p in pages for h in p.hits]
    assert len(ids) == len(set(ids)) == pages[0].total
    assert pages[-1].hits == [] and pages[-1].total == pages[0].total


def test_bad_query_is_a_query_error(seed_index):
    for q in ("nosuchfield:x", "date:[2023-13-45 to 2023-14-01]", "x" * 20_000):
        with pytest.raises(searchlib.QueryError):
            seed_index.search(q)


def test_open_missing_index_says_how_to_create(tmp_path):
    with pytest.raises(searchlib.IndexNotFoundError, match="searchlib index"):
        Index.open(tmp_path / "none")


def test_unknown_schema_version_is_a_clear_error(tmp_path):
    Index.create(tmp_path / "ix").close()
    meta = tmp_path / "ix" / "searchlib.json"
    meta.write_text(json.dumps({"schema_version": 999, "extractor": "rules"}))
    with pytest.raises(searchlib.IndexVersionError, match="999"):
        Index.open(tmp_path / "ix")


def test_create_refuses_to_overwrite_unless_asked(tmp_path):
    Index.create(tmp_path / "ix").add_articles([Article("T", ["b"], id="1")])
    with pytest.raises(searchlib.SearchlibError, match="exists"):
        Index.create(tmp_path / "ix")
    assert Index.create(tmp_path / "ix", overwrite=True).stats().articles == 0


def test_open_or_create_and_env_default(tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCHLIB_INDEX", str(tmp_path / "from-env"))
    ix = Index.open_or_create()
    assert ix.path == tmp_path / "from-env"
    ix.add_articles([Article("T", ["b"], id="1")])
    assert Index.open().stats().articles == 1


def test_unknown_extractor(tmp_path):
    with pytest.raises(searchlib.ExtractorError, match="rules"):
        Index.create(tmp_path / "ix", extractor="nope")


def test_searches_from_many_threads(seed_index):
    expected = {h.id for h in seed_index.search("Blinken", limit=50).hits}
    failures: list = []

    def worker():
        try:
            for _ in range(20):
                assert {h.id for h in seed_index.search("Blinken", limit=50).hits} == expected
        except Exception as e:  # collected: an assertion in a thread would be lost
            failures.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures

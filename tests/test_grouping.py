"""Ordering, paging, one hit per article, and context (issue 4)."""

from __future__ import annotations

import pytest

from searchlib import Article, Index, QueryError
from tests.newsdesk import dated_index, ids, wikinews_index


def all_pages(ix: Index, query: str, limit: int, **kwargs) -> list[str]:
    """Every hit id, fetched page by page until a page comes back empty."""
    out, page = [], 1
    while True:
        res = ix.search(query, limit=limit, page=page, **kwargs)
        if not res.hits:
            return out
        out += ids(res)
        page += 1


def test_sort_orders(tmp_path):
    ix = dated_index(tmp_path / "d")
    newest = ix.search("cranes", sort="newest", limit=100).hits
    oldest = ix.search("cranes", sort="oldest", limit=100).hits
    dated_new = [h.date for h in newest if h.date]
    assert dated_new == sorted(dated_new, reverse=True)
    assert newest[-1].date is None and oldest[-1].date is None  # undated last, both ways
    dated_old = [h.date for h in oldest if h.date]
    assert dated_old == sorted(dated_old)
    # within an article, paragraphs stay in order
    assert [h.paragraph for h in newest[:2]] == [0, 1]
    relevance = ix.search("cranes", sort="relevance", limit=100).hits
    scores = [h.score for h in relevance]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_default_sort(examples_index):
    assert examples_index.search("Taiwan").sort == "relevance"
    assert examples_index.search("").sort == "newest"
    with pytest.raises(QueryError, match="sort"):
        examples_index.search("Taiwan", sort="random")


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("query", ["", "Blinken OR Taiwan OR Qin"])
def test_paging_has_no_overlaps_or_gaps(examples_index, sort, query):
    full = examples_index.search(query, sort=sort, limit=1000)
    assert full.total == len(full.hits)
    for limit in (1, 3, 4):
        paged = all_pages(examples_index, query, limit, sort=sort)
        assert paged == ids(full), (limit, sort)
        assert examples_index.search(query, sort=sort, limit=limit, page=2).total == full.total


def test_by_article_counts(examples_index):
    flat = examples_index.search("Blinken OR Taiwan", limit=1000)
    grouped = examples_index.search("Blinken OR Taiwan", by_article=True, limit=1000)
    per_article: dict[str, set[int]] = {}
    for h in flat.hits:
        per_article.setdefault(h.article_id, set()).add(h.paragraph)
    assert grouped.total == len(per_article) == len(grouped.hits)
    assert grouped.total_paragraphs == flat.total
    assert len({h.article_id for h in grouped.hits}) == grouped.total  # one hit per article
    for hit in grouped.hits:
        assert hit.matching_paragraphs == sorted(per_article[hit.article_id])
        assert hit.paragraph in hit.matching_paragraphs
        # its best paragraph: the first of its article in the flat ranking
        assert hit.id == next(h.id for h in flat.hits if h.article_id == hit.article_id)
    data = grouped.to_dict()
    assert data["total_paragraphs"] == flat.total
    assert data["hits"][0]["match_count"] == len(data["hits"][0]["matching_paragraphs"])
    assert "total_paragraphs" not in flat.to_dict()


def test_by_article_paging_and_date_order(examples_index):
    full = examples_index.search("", by_article=True, limit=100)
    assert full.total == 8 and full.total_paragraphs == 33
    assert all_pages(examples_index, "", 3, by_article=True) == ids(full)
    dates = [h.date for h in full.hits if h.date]
    assert dates == sorted(dates, reverse=True) and full.hits[-1].date is None


def test_by_article_on_the_seed(seed_index):
    res = seed_index.search("Blinken", by_article=True)
    assert res.total == 1 and len(res.hits) == 1
    assert res.total_paragraphs == seed_index.search("Blinken").total
    assert len(res.hits[0].matching_paragraphs) == res.total_paragraphs


@pytest.fixture
def five(tmp_path):
    ix = Index.create(tmp_path / "five")
    ix.add_articles([Article("Five paragraphs about otters",
                             [f"Paragraph {n} mentions otters{' and weasels' * (n == 3)}."
                              for n in range(1, 6)], id="five")])
    yield ix
    ix.close()


def context_numbers(hit) -> tuple[list[int], list[int]]:
    return ([p.paragraph for p in hit.context.before], [p.paragraph for p in hit.context.after])


def test_context_at_first_middle_and_last_paragraph(five):
    by_par = {h.paragraph: h for h in five.search("otters", context=1, limit=10).hits}
    assert context_numbers(by_par[1]) == ([], [2])        # first body paragraph: no headline
    assert context_numbers(by_par[3]) == ([2], [4])
    assert context_numbers(by_par[5]) == ([4], [])        # last paragraph
    assert context_numbers(by_par[0]) == ([], [1])        # the headline itself
    hit = five.search("weasels", context=2).hits[0]
    assert context_numbers(hit) == ([1, 2], [4, 5])
    assert hit.context.before[0].text == "Paragraph 1 mentions otters."
    wide = five.search("weasels", context=10).hits[0]
    assert context_numbers(wide) == ([1, 2], [4, 5])
    assert five.search("weasels").hits[0].context is None
    data = hit.to_dict()["context"]
    assert data["before"][1] == {"paragraph": 2, "text": "Paragraph 2 mentions otters.",
                                 "entities": {"person": [], "place": [], "org": []}}


def test_context_on_the_seed(seed_index):
    hits = {h.paragraph: h for h in seed_index.search("Taiwan", context=1).hits}
    assert context_numbers(hits[3]) == ([2], [4])
    last = seed_index.search("Pollard", context=1).hits[0]
    assert last.paragraph == 11 and context_numbers(last) == ([10], [])


def test_wikinews_paging_and_grouping(tmp_path_factory):
    ix = wikinews_index(tmp_path_factory)
    for sort in ("relevance", "newest", "oldest"):
        full = ix.search("government", sort=sort, limit=10_000)
        assert full.total > 100
        paged = all_pages(ix, "government", 50, sort=sort)
        assert paged == ids(full) and len(set(paged)) == full.total
    grouped = ix.search("government", by_article=True, limit=10_000)
    assert grouped.total_paragraphs == full.total
    assert sum(len(h.matching_paragraphs) for h in grouped.hits) == full.total
    assert grouped.total == len({h.article_id for h in full.hits})

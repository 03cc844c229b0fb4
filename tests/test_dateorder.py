"""Wordless searches in date order: the fast path lists exactly what sorting would."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from searchlib import Article, Index
from searchlib._dateorder import DateOrdered
from searchlib._grouping import ranked


def _corpus(n: int = 40) -> list[Article]:
    rnd = random.Random(3)
    days = [dt.date(2023, 6, d) for d in (1, 2, 2, 3, 9)] + [None]  # ties and undated
    arts = []
    for i in rnd.sample(range(n), n):  # ids out of index order
        place = rnd.choice(["Taiwan", "Japan", "Brazil"])
        arts.append(Article(f"Report {i} from {place}",
                            [f"Ships left {place} port {k}." for k in range(rnd.randint(0, 3))],
                            id=f"a{i:02d}", date=rnd.choice(days)))
    return arts


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    ix = Index.create(tmp_path_factory.mktemp("desk") / "ix")
    arts = _corpus()
    with ix._writer(wait=5.0) as writer:  # three segments, and a deleted article
        for start in range(0, len(arts), 15):
            writer.write(arts[start:start + 15])
        writer.delete(arts[0].id)
    assert len(ix._ix._segments()) > 1
    yield ix, {a.id: a for a in arts[1:]}
    ix.close()


def _expected(arts: dict, sort: str, keep) -> list[tuple[str, int]]:
    rows = [(a.id, n, a.date) for a in arts.values() for n in range(len(a.paragraphs) + 1)
            if keep(a, n)]

    def key(row):
        aid, n, day = row
        if day is None:
            return (1, 0, aid, n)
        return (0, -day.toordinal() if sort == "newest" else day.toordinal(), aid, n)
    return [(aid, n) for aid, n, _ in sorted(rows, key=key)]


def _listed(ix: Index, query: str, sort: str, **filters) -> list[tuple[str, int]]:
    out, page = [], 1
    while True:
        res = ix.search(query, sort=sort, limit=7, page=page, **filters)
        out += [(h.article_id, h.paragraph) for h in res.hits]
        if page * 7 >= res.total:
            return out
        page += 1


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_empty_query_in_date_order(desk, sort):
    ix, arts = desk
    assert _listed(ix, "", sort) == _expected(arts, sort, lambda a, n: True)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_filters_and_date_ranges_in_date_order(desk, sort):
    ix, arts = desk
    in_taiwan = _expected(arts, sort, lambda a, n: "Taiwan" in a.title)
    assert _listed(ix, "", sort, place="Taiwan") == in_taiwan
    june2 = _expected(arts, sort, lambda a, n: a.date is not None
                      and dt.date(2023, 6, 2) <= a.date <= dt.date(2023, 6, 3))
    assert _listed(ix, "date:[20230602 to 20230603]", sort) == june2
    assert _listed(ix, "", sort, since="2023-06-02", until="2023-06-03") == june2


def test_the_fast_path_is_taken_and_counts_every_match(desk):
    ix, arts = desk
    with ix._ix.searcher() as s:
        # On the Whoosh path (the reference; the array executor orders by date itself).
        found = ranked(s, ix._parser.parse(""), None, "newest", limit=3, engine="whoosh")
        assert isinstance(found, DateOrdered)
        assert len(found) == sum(len(a.paragraphs) + 1 for a in arts.values())
        assert len(found.docs()) == len(found)
        words = ranked(s, ix._parser.parse("ships"), None, "newest", limit=3, engine="whoosh")
        assert not isinstance(words, DateOrdered)  # words: Whoosh's sorting collector
        arrays = ranked(s, ix._parser.parse(""), None, "newest", limit=3, engine="arrays")
        assert len(arrays) == len(found)
        assert [h.docnum for h in arrays[:3]] == [h.docnum for h in found[:3]]


def test_by_article_in_date_order(desk):
    ix, arts = desk
    res = ix.search("", sort="oldest", by_article=True, limit=100)
    firsts = list(dict.fromkeys(aid for aid, _ in _expected(arts, "oldest", lambda a, n: True)))
    assert [h.article_id for h in res.hits] == firsts
    assert res.total == len(arts)


def test_a_date_range_alone_is_listed_newest_first(desk):
    ix, arts = desk
    res = ix.search("date:[20230601 to 20230603]", limit=100)
    assert res.sort == "newest"
    assert [(h.article_id, h.paragraph) for h in res.hits] == _expected(
        arts, "newest", lambda a, n: a.date is not None and a.date <= dt.date(2023, 6, 3))
    assert ix.search("ships date:[20230601 to 20230603]").sort == "relevance"


def test_a_segment_of_undated_articles_only(tmp_path):
    ix = Index.create(tmp_path / "ix")
    with ix._writer(wait=5.0) as writer:
        writer.write([Article("Dated", ["Text."], id="d", date=dt.date(2023, 6, 1))])
        writer.write([Article("Undated", ["Text."], id="u")])  # a segment without dates
    assert len(ix._ix._segments()) == 2
    for sort in ("newest", "oldest"):
        hits = ix.search("", sort=sort, limit=10).hits
        assert [(h.article_id, h.paragraph) for h in hits] == [("d", 0), ("d", 1), ("u", 0),
                                                                ("u", 1)]
    assert ix.search("date:[20230101 to 20231231]").total == 2

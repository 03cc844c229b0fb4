"""The array executor against the Whoosh path: the same totals, facets, order and scores.

The index is real Reuters-21578 text (the first articles of ../shared), written in two
commits so that it has several segments, with an article deleted and one replaced. Each
query runs through ``Index.search`` once per engine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from searchlib.index._engine.arrays import ArrayCache

from searchlib import Article, Index
from searchlib._errors import QueryError
from searchlib._executor import Executor, Unsupported, _member
from searchlib._grouping import engine_name
from searchlib._ranked import state_for
from tests.shared import SHARED

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import reuters  # noqa: E402

REUTERS = SHARED / "corpus" / "reuters21578"

#: Every query class: words, booleans (nested), phrases (with stop words), fields,
#: wildcards, fuzzy terms, boosts, dates, empty.
QUERIES = [
    "oil", "bank", "said", "company", "temporao", "palladium", "tapioca",
    "oil AND prices", "interest AND rates", "trade AND deficit", "coffee AND brazil",
    "federal AND reserve AND bank", "crude AND oil AND prices", "japan AND trade AND surplus",
    "wheat OR corn", "gold OR silver", "zinc OR tin OR rubber", "oil prices", "oil OR prices",
    "(oil OR gas) AND (prices OR price)", "(wheat OR corn) AND NOT export",
    "oil AND NOT (prices OR opec)", "oil ANDNOT prices", "oil ANDMAYBE prices",
    "NOT oil", "(bank AND (rate OR rates)) OR (dollar AND yen)",
    "((oil AND crude) OR (gas AND natural)) AND NOT price",
    '"trade deficit"', '"interest rates"', '"stock exchange"', '"crude oil"',
    '"bank of england"', '"the company said"', '"federal reserve board"', '"new york"',
    "crude OR oil OR gas", 'title:"oil prices"',
    "person:reagan", "person:volcker", "place:taiwan", "org:opec", "org:gatt",
    'person:"james baker"', "place:japan AND trade", "title:oil", "headline:bank",
    "oil^2 OR prices", "(oil OR gas)^3 AND prices", "oil^0.5 prices^4",
    "oil*", "pri*", "tit?e", "export*", "oil~", "prices~2", "reagn~",
    "date:[19870301 to 19870331]", "oil AND date:[19870401 to 19870430]",
    "date:198703", "cocoa AND date:[19870101 to 19870331]", "date:[19870401 to]",
    "", "nosuchwordanywhere", "oil AND nosuchwordanywhere", "nosuchword OR oil",
    "source:reuters AND oil", "dollar", "yen AND dollar", '"west german"', "place:jap*",
    "(opec OR oil) AND (saudi OR kuwait OR iran)",
]

#: (keyword arguments of Index.search): filters, sorts, pages, by article.
OPTIONS = [
    {},
    {"page": 2, "limit": 7},
    {"sort": "newest"},
    {"sort": "oldest", "page": 3, "limit": 5},
    {"by_article": True},
    {"by_article": True, "sort": "newest", "page": 2},
    {"org": "opec"},
    {"place": "japan", "since": "1987-03-01"},
    {"person": "baker", "until": "1987-03-31", "sort": "oldest"},
    {"since": "1987-03", "until": "1987-03", "by_article": True},
    {"person": "james baker"},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    if not REUTERS.exists():
        pytest.skip(f"../shared not present: the Reuters corpus {REUTERS} is needed")
    articles = list(reuters.iter_articles(REUTERS, limit=500))
    ix = Index.create(tmp_path_factory.mktemp("reuters") / "ix")
    ix.add_articles(articles[:300])
    ix.add_articles(articles[300:])
    ix.delete(articles[10].id)
    old = articles[20]
    ix.add_articles([Article(old.title, ["Oil prices rose; a replaced paragraph.",
                                         *old.paragraphs[1:]], id=old.id, date=old.date)])
    yield ix
    ix.close()


def _run(ix: Index, engine: str, query: str, options: dict):
    ix.engine = engine
    try:
        return ix.search(query, suggest=False, **options)
    finally:
        ix.engine = None


def _same(a, w) -> None:
    assert a.total == w.total
    assert a.total_paragraphs == w.total_paragraphs
    assert a.facets == w.facets
    assert [h.id for h in a.hits] == [h.id for h in w.hits]
    assert np.allclose([h.score for h in a.hits], [h.score for h in w.hits], rtol=0,
                       atol=1e-6)
    assert ([h.matching_paragraphs for h in a.hits]
            == [h.matching_paragraphs for h in w.hits])


def test_index_has_segments_and_deletions(index):
    reader = index._current().reader()
    assert len(reader.leaf_readers()) >= 2
    assert reader.has_deletions()


def test_facet_table_arrays_equal_lists(index, monkeypatch):
    # Runs before the equivalence tests: the whole table is built here, so that from now
    # on every array-path search counts its facets with the gather and the bincount.
    import searchlib._facets as facets

    monkeypatch.setattr(facets, "BUILD_AT", 0)
    index._current()
    table = index._facets
    fresh = facets.FacetTable(index._current().reader())
    docs = np.arange(0, index._current().doc_count_all(), 3)
    assert table.count(docs) == fresh.count(docs.tolist())
    assert table.count(docs, top=4) == fresh.count(docs.tolist(), top=4)
    assert table._flat is not None


@pytest.mark.parametrize("query", QUERIES)
def test_queries_match_whoosh(index, query):
    for options in (OPTIONS[0], OPTIONS[2], OPTIONS[4]):
        _same(_run(index, "arrays", query, options), _run(index, "whoosh", query, options))


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in
                                                                     o.items()) or "plain")
def test_options_match_whoosh(index, options):
    for query in ("oil", "trade AND japan", '"interest rates"', "", "wheat OR corn",
                  "date:[19870301 to 19870315]"):
        _same(_run(index, "arrays", query, options), _run(index, "whoosh", query, options))


def test_queries_find_something(index):
    # The equivalence above would hold trivially for queries that find nothing.
    found = [q for q in QUERIES if _run(index, "arrays", q, {}).total]
    assert len(found) >= 60


def test_array_path_really_runs(index):
    s = index._current()
    q = index._parser.parse("oil AND prices")
    m = Executor(s, ArrayCache()).matches(q)
    assert len(m.docs) == index.search("oil AND prices", suggest=False).total > 0
    assert np.all(np.diff(m.docs) > 0)


def test_unknown_node_falls_back(index):
    from whoosh import query as wq

    q = wq.Ordered([wq.Term("text", "oil"), wq.Term("text", "price")])
    with pytest.raises(Unsupported):
        Executor(index._current(), ArrayCache()).matches(q)


def test_cache_is_capped_by_bytes(index):
    cache = ArrayCache(max_bytes=20_000)
    ex = Executor(index._current(), cache)
    for word in ("oil", "bank", "said", "company", "market", "prices", "trade"):
        ex.matches(index._parser.parse(word))
        assert cache.bytes <= 20_000 or len(cache._items) == 1
    assert 0 < len(cache._items) < 7 * 4 * 2


def test_new_commit_gets_new_arrays(index, tmp_path):
    ix = Index.create(tmp_path / "ix")
    ix.add_articles([Article("Tin", ["Tin prices fell."], id="a")])
    first = state_for(ix._current())
    assert ix.search("tin").total == 2
    ix.add_articles([Article("Zinc", ["Tin and zinc."], id="b")])
    assert state_for(ix._current()) is not first
    assert ix.search("tin").total == 3
    ix.close()


def test_engine_names(monkeypatch):
    assert engine_name() == "arrays"
    monkeypatch.setenv("SEARCHLIB_ENGINE", "whoosh")
    assert engine_name() == "whoosh"
    assert engine_name("arrays") == "arrays"
    with pytest.raises(QueryError):
        engine_name("lucene")


def test_deadline_is_checked(index):
    import time

    from searchlib._deadline import Deadline
    from searchlib._errors import QueryTimeoutError

    deadline = Deadline(1e-6)
    time.sleep(0.01)
    ex = Executor(index._current(), ArrayCache(), deadline=deadline)
    with pytest.raises(QueryTimeoutError):
        ex.matches(index._parser.parse("oil AND prices"))
    assert len(Executor(index._current(), ArrayCache(), Deadline(60)).matches(
        index._parser.parse("oil AND prices")))


@pytest.mark.parametrize("sizes", [(3, 5), (300, 5000), (5000, 300), (20000, 20000),
                                   (50, 100000), (100000, 50), (0, 10), (10, 0)])
def test_membership_by_bitmap_and_by_search_agree(sizes):
    # Both ways of testing membership are taken by these sizes; each must give the mask a
    # plain set gives.
    rng = np.random.default_rng(sum(sizes))
    a, b = (np.unique(rng.integers(0, 150_000, n)) for n in sizes)
    want = np.array([x in set(b.tolist()) for x in a.tolist()], dtype=bool)
    assert np.array_equal(_member(a, b), want)
    # Values far apart (the phrase keys): the search, whatever the sizes.
    assert np.array_equal(_member(a << 32, b << 32), want)

"""searchlib.index._engine.union: Or queries always answered by Whoosh's union matchers."""

from __future__ import annotations

from searchlib.index._engine.union import UnionOr, union_matchers
from whoosh import matching
from whoosh import query as wq

from searchlib import Article, Index


def test_every_plain_or_is_replaced_inside_any_query():
    q = wq.And([wq.Or([wq.Term("text", "a"), wq.Term("text", "b")], boost=2.0),
                wq.Not(wq.Or([wq.Term("text", "c"), wq.Term("text", "d")]))])
    out = union_matchers(q)
    ors = [x for x in _walk(out) if isinstance(x, wq.Or)]
    assert len(ors) == 2 and all(type(x) is UnionOr for x in ors)
    assert ors[0].boost == 2.0
    assert union_matchers(wq.Term("text", "a")) == wq.Term("text", "a")


def _walk(q):
    yield q
    for child in q.children():
        yield from _walk(child)


def test_the_hook_builds_union_matchers_and_finds_the_same(tmp_path):
    # The overridden hook: matcher_type makes Whoosh build UnionMatcher trees, never the
    # preloaded array matcher it picks for small segments.
    with Index.create(tmp_path / "ix") as ix:
        ix.add_articles([Article(f"T{i}", [f"word{i % 4} common"], id=f"a{i}")
                         for i in range(40)])
        with ix._ix.searcher() as s:
            terms = [wq.Term("text", f"word{i}") for i in range(3)]
            plain, ours = wq.Or(terms), union_matchers(wq.Or(terms))
            # A collector that needs no "current" match, as a search's: there Whoosh would
            # preload an array for a small segment.
            ctx = s.context(needs_current=False)
            assert isinstance(ours.matcher(s, ctx), matching.UnionMatcher)
            assert not isinstance(plain.matcher(s, ctx), matching.UnionMatcher)
            assert sorted(s.docs_for_query(ours)) == sorted(s.docs_for_query(plain))
            assert len(list(s.docs_for_query(ours))) == 30

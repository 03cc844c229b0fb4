"""searchlib.index._engine.pinned: the schema read once at open, not per access."""

from __future__ import annotations

from searchlib.index._engine.pinned import PinnedSchemaIndex, pinned

from searchlib import Article, Index


def test_the_schema_survives_the_toc_it_came_from(tmp_path):
    with Index.create(tmp_path / "ix") as ix:
        ix.add_articles([Article("First", ["one"], id="a")])
        assert isinstance(ix._ix, PinnedSchemaIndex)
        schema = ix._ix.schema
        ix.add_articles([Article("Second", ["two"], id="b")])  # a new TOC; the old one goes
        tocs = sorted(p.name for p in (tmp_path / "ix").glob("_MAIN_*.toc"))
        assert len(tocs) == 1
        # The hook: Whoosh's FileIndex.schema re-reads the TOC on every access.
        assert ix._ix.schema is schema
        assert ix.search("two").total == 1


def test_pinned_keeps_storage_and_name(tmp_path):
    with Index.create(tmp_path / "ix") as ix:
        again = pinned(ix._ix)
        assert again.storage is ix._ix.storage and again.indexname == ix._ix.indexname
        assert set(again.schema.names()) == set(ix._ix.schema.names())

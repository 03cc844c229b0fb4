"""Facet codes written with each segment: the same codes as decoding the entity column.

Two indexes of the same Reuters articles (several commits, a deletion): one written as now,
one by the per-document writer of the version before (Whoosh's own, so its segments have
no facet codes file: an older index). Their facets and entity counts must agree.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from searchlib.index._engine.codec import CompactCodec
from searchlib.index._engine.facetcodes import has_facet_codes, read_facet_codes
from searchlib.index._format import (
    ENTITY_COLUMN,
    FACET_CODES_EXT,
    KINDS,
    decode_entity_column,
    decode_facet_codes,
    encode_facet_codes,
)
from searchlib.index._integrity import read_manifest
from whoosh.codec.whoosh3 import W3Codec

from searchlib import Article, Index
from searchlib._facets import FacetTable
from tests.shared import SHARED

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks import reuters  # noqa: E402

REUTERS = SHARED / "corpus" / "reuters21578"
QUERIES = ["oil", "bank", "trade AND japan", "person:reagan", "place:taiwan", "tapioca",
           "org:opec OR org:gatt", ""]


def _build(path: Path, articles: list[Article]) -> Index:
    ix = Index.create(path)
    ix.add_articles(articles[:120])
    ix.add_articles(articles[120:])
    ix.delete(articles[5].id)
    return ix


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    if not REUTERS.exists():
        pytest.skip(f"../shared not present: the Reuters corpus {REUTERS} is needed")
    return list(reuters.iter_articles(REUTERS, limit=250))


@pytest.fixture(scope="module")
def new(tmp_path_factory, articles):
    ix = _build(tmp_path_factory.mktemp("new") / "ix", articles)
    yield ix
    ix.close()


@pytest.fixture(scope="module")
def old(tmp_path_factory, articles):
    with pytest.MonkeyPatch.context() as mp:
        # The per-document writer before facet codes files: Whoosh's own.
        mp.setattr(CompactCodec, "per_document_writer", W3Codec.per_document_writer)
        ix = _build(tmp_path_factory.mktemp("old") / "ix", articles)
    yield ix
    ix.close()


@pytest.fixture(scope="module")
def single(tmp_path_factory, articles):
    ix = Index.create(tmp_path_factory.mktemp("single") / "ix")
    ix.add_articles(articles)
    yield ix
    ix.close()


def _leaves(ix: Index) -> list:
    return list(ix._current().reader().leaf_readers())


def _entries(table: FacetTable, flat, starts) -> list[list[tuple[str, str]]]:
    """Each document's (kind, name) records, from a table's codes."""
    keys = table._keys
    return [[keys[c] for c in flat[starts[d]:starts[d + 1]].tolist()]
            for d in range(len(starts) - 1)]


def test_every_new_segment_has_its_file_and_old_ones_do_not(new, old):
    assert len(_leaves(new)) >= 2
    assert all(has_facet_codes(leaf) for leaf, _off in _leaves(new))
    assert not any(has_facet_codes(leaf) for leaf, _off in _leaves(old))
    assert all(read_facet_codes(leaf) is None for leaf, _off in _leaves(old))


def test_stored_codes_are_the_decoded_codes(new):
    table = FacetTable(new._current().reader())
    for leaf, offset in _leaves(new):
        stored = table._stored(leaf)
        assert stored is not None
        decoded = table._decoded(leaf, offset)
        assert len(stored[1]) == leaf.doc_count_all() + 1
        assert _entries(table, *stored) == _entries(table, *decoded)
        assert any(_entries(table, *stored))  # Reuters names people, places, organisations


@pytest.mark.parametrize("query", QUERIES)
def test_facets_from_files_equal_facets_from_columns(new, old, query):
    a, b = new.search(query, facets=20, suggest=False), old.search(query, facets=20,
                                                                   suggest=False)
    assert a.total == b.total
    assert a.facets == b.facets
    assert new.entities(query, top=30) == old.entities(query, top=30)


def _matches(ix: Index, query: str) -> list[int]:
    searcher = ix._current()
    return sorted(searcher.search(ix._parser.parse(query), limit=None).docs())


def _independent(ix: Index, docnums: list[int]) -> dict[str, list[tuple[str, int]]]:
    """Each kind's names and counts over *docnums*, most first and among equal counts in
    the order first named, from the entity column's values decoded one by one."""
    column = ix._current().reader().column_reader(ENTITY_COLUMN)
    tally: Counter = Counter()
    first: dict[tuple[str, str], int] = {}
    for d in docnums:
        for key in decode_entity_column(column[d]):
            tally[key] += 1
            first.setdefault(key, len(first))
    ranked = sorted(tally, key=lambda key: (-tally[key], first[key]))
    return {kind: [(n, tally[(k, n)]) for k, n in ranked if k == kind] for kind in KINDS}


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("which", ["single", "new", "old"])
def test_counts_and_names_equal_a_decode_of_every_value(request, which, query):
    ix = request.getfixturevalue(which)
    docnums = _matches(ix, query)
    want = _independent(ix, docnums)
    # A fresh table each time: the first count of a searcher is the cold one.
    for docs in (np.array(docnums, dtype=np.int64), docnums):
        counts = FacetTable(ix._current().reader()).count(docs)
        assert {kind: list(c.items()) for kind, c in counts.items()} == want
    table = FacetTable(ix._current().reader())
    assert {kind: list(c.items()) for kind, c in table.count(np.array(docnums), top=5).items()
            } == {kind: names[:5] for kind, names in want.items()}


def test_one_segment_decodes_only_the_names_shown(single):
    assert len(_leaves(single)) == 1
    table = FacetTable(single._current().reader())
    counts = table.count(np.array(_matches(single, "oil")), top=3)
    assert sum(map(len, counts.values())) == 9
    keys = table._keys
    assert len(keys) > 500 and keys._codes is None  # no name -> code table was needed
    assert [keys[c] for c in range(len(keys))] == list(keys)


def test_few_matches_use_the_file_not_the_column(new):
    new.search("tapioca")
    assert new._facets._flat is not None  # the whole table: it cost a file read


def test_merged_segments_get_the_file_and_the_old_ones_go(tmp_path, articles):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(CompactCodec, "per_document_writer", W3Codec.per_document_writer)
        ix = Index.create(tmp_path / "ix")
        ix.add_articles(articles[:40])
    before = ix.search("", facets=30).facets
    assert not any(has_facet_codes(leaf) for leaf, _off in _leaves(ix))
    # One commit per article, the session's segments merged into one at its end.
    ix.add_articles(articles[40:80], batch_size=1)
    mixed = [has_facet_codes(leaf) for leaf, _off in _leaves(ix)]
    assert False in mixed and True in mixed
    reference = Index.create(tmp_path / "ref")  # the same commits, all with files
    reference.add_articles(articles[:40])
    reference.add_articles(articles[40:80], batch_size=1)
    assert ix.search("", facets=30).facets == reference.search("", facets=30).facets
    assert ix.search("", facets=30).facets != before
    # Each file lives in its segment's compound file, which the manifest checksums.
    folder = tmp_path / "ix"
    live = {leaf.segment().segment_id() for leaf, _off in _leaves(ix)}
    assert {n.split(".")[0] for n in read_manifest(folder).files if n.endswith(".seg")} == live
    assert not list(folder.glob(f"*{FACET_CODES_EXT}"))
    assert not Index.check(folder).problems
    # Whoosh's own merge of everything into one segment writes the file too, and the
    # merged-away segments go with theirs.
    ix._ix.writer(codec=CompactCodec()).commit(optimize=True)
    leaves = _leaves(ix)
    assert len(leaves) == 1 and has_facet_codes(leaves[0][0])
    assert ix.search("", facets=30).facets == reference.search("", facets=30).facets
    segment = leaves[0][0].segment()
    assert [p.name for p in folder.glob("MAIN_*.*")] == [segment.make_filename(".seg")]


@pytest.mark.parametrize("ndocs, nkeys, most", [(0, 0, 0), (5, 3, 2), (300, 70_000, 300)])
def test_the_file_round_trips_at_every_width(ndocs, nkeys, most):
    rng = np.random.default_rng(ndocs)
    counts = rng.integers(0, most + 1, ndocs) if ndocs else np.zeros(0, dtype=np.int64)
    counts[:1] = most
    codes = rng.integers(0, max(nkeys, 1), int(counts.sum())).astype(np.int32)
    # a name may hold the unit separator itself
    records = [f"person\x1fName {i}".encode() if i % 7 else f"org\x1fA\x1fB {i}".encode()
               for i in range(nkeys)]
    starts, got, keys = decode_facet_codes(encode_facet_codes(counts, codes, records))
    assert starts.tolist() == [0, *np.cumsum(counts).tolist()]
    assert got.tolist() == codes.tolist()
    expected = [tuple(r.decode().split("\x1f", 1)) for r in records]
    assert list(keys) == expected  # decoded in bulk
    assert [keys[i] for i in range(len(keys))] == expected  # one at a time
    assert keys.kind_codes(KINDS).tolist() == [KINDS.index(k) for k, _n in expected]


def test_a_damaged_file_is_refused():
    blob = encode_facet_codes(np.array([2, 1]), np.array([0, 1, 0]), [b"place\x1fX", b"org\x1fY"])
    for bad in (blob[:-1], blob[:10], b"x" + blob[1:], blob[:-3] + b"zzz"):
        with pytest.raises(ValueError):
            decode_facet_codes(bad)

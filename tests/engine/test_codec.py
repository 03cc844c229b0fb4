"""The compact posting blocks and positions: same postings as Whoosh's W3, fewer bytes."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from searchlib.index._engine.codec import CompactCodec, CompactPositions, CompactTermInfo
from whoosh import fields, index
from whoosh.codec.whoosh3 import W3Codec, W3TermInfo
from whoosh.qparser import QueryParser

from searchlib import Article, Index


@given(st.lists(st.integers(0, 300_000), min_size=1, max_size=50, unique=True))
def test_positions_round_trip(positions):
    fmt = CompactPositions()
    poslist = sorted(positions)
    value = fmt.encode(poslist)
    assert fmt.decode_positions(value) == poslist
    assert fmt.decode_frequency(value) == len(poslist)
    assert fmt.decode_weight(value) == len(poslist)


def test_small_positions_take_a_byte_each():
    assert CompactPositions().encode([3, 10, 200]) == bytes([3, 7, 190])
    assert len(CompactPositions().encode([300])) == 5  # marker + one 4-byte gap


def _schema():
    text = fields.TEXT(phrase=True)
    text.format = CompactPositions()
    boosted = fields.TEXT(phrase=True, field_boost=1.5)  # weights that are not whole
    boosted.format = CompactPositions(field_boost=1.5)
    return fields.Schema(text=text, boosted=boosted, tag=fields.ID, freq=fields.TEXT(
        phrase=False), num=fields.NUMERIC)


def _documents(seed: int, n: int) -> list[dict]:
    rnd = random.Random(seed)
    words = [f"w{i}" for i in range(40)]
    docs = []
    for i in range(n):
        length = rnd.choice([1, 3, 20, 400])  # 400: gaps and counts past one byte
        body = " ".join(rnd.choice(words[: rnd.randint(1, 40)]) for _ in range(length))
        if i % 97 == 0:
            body += " w0" * 300  # a term frequency above 255: float weights
        docs.append({"text": body, "boosted": body[:200], "tag": f"t{i % 7}",
                     "freq": body[:100], "num": i * 1000})
    return docs


def _build(path, codec, docs, commits: int = 1) -> index.FileIndex:
    path.mkdir()
    ix = index.create_in(str(path), _schema())
    step = -(-len(docs) // commits)
    for start in range(0, len(docs), step):
        with ix.writer(codec=codec) as w:
            for doc in docs[start:start + step]:
                w.add_document(**doc)
    return ix


def _postings(ix) -> dict:
    """Every posting of every term: (field, term) -> [(docnum, weight, decoded value)]."""
    out = {}
    with ix.reader() as r:
        for fieldname, term in r.all_terms():
            fmt = ix.schema[fieldname].format
            m = r.postings(fieldname, term)
            rows = []
            while m.is_active():
                value = m.value()
                if isinstance(fmt, CompactPositions):
                    value = fmt.decode_positions(value)
                rows.append((m.id(), round(m.weight(), 4), value))
                m.next()
            out[fieldname, term] = rows
    return out


@pytest.mark.parametrize("commits", [1, 3])
def test_same_postings_as_w3(tmp_path, commits):
    docs = _documents(seed=commits, n=700)  # > 128 postings per term: several blocks
    w3 = _build(tmp_path / "w3", W3Codec(), docs, commits)
    compact = _build(tmp_path / "compact", CompactCodec(), docs, commits)
    expected, got = _postings(w3), _postings(compact)
    assert got == expected
    assert len(got) > 100


def test_searches_agree_with_w3(tmp_path):
    docs = _documents(seed=7, n=500)
    results = []
    for name, codec in [("w3", W3Codec()), ("compact", CompactCodec())]:
        ix = _build(tmp_path / name, codec, docs, commits=2)
        with ix.searcher() as s:
            qp = QueryParser("text", ix.schema)
            runs = []
            for q in ['"w1 w2"', "w3 AND w5", "w0", 'boosted:"w4 w4"', "w1 OR w39",
                      "tag:t3 w2", "num:[5000 TO 90000]"]:
                hits = s.search(qp.parse(q), limit=None)
                runs.append([(h.docnum, round(h.score, 4)) for h in hits])
            results.append(runs)
    assert results[0] == results[1]
    assert any(results[0])


def test_skip_to_across_blocks(tmp_path):
    docs = _documents(seed=3, n=600)
    ix = _build(tmp_path / "ix", CompactCodec(), docs)
    with ix.reader() as r:
        every = list(r.postings("text", "w0").all_ids())
        m = r.postings("text", "w0")
        for target in every[::37]:
            m.skip_to(target)
            assert m.id() == target


def test_compact_segments_merge_with_w3_segments(tmp_path):
    docs = _documents(seed=11, n=400)
    ix = _build(tmp_path / "ix", W3Codec(), docs[:200])
    with ix.writer(codec=CompactCodec()) as w:  # a compact segment beside a W3 one
        for doc in docs[200:]:
            w.add_document(**doc)
    assert len(ix._segments()) == 2
    before = _postings(ix)
    ix.writer(codec=CompactCodec()).commit(optimize=True)  # one compact segment of both
    assert len(ix._segments()) == 1
    assert _postings(ix) == before
    reference = _postings(_build(tmp_path / "ref", W3Codec(), docs))
    assert before == reference


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["taiwan", "vote", "china", "qin", "gang"]), min_size=1,
                         max_size=30), min_size=1, max_size=40))
def test_phrase_hits_match_the_text(tmp_path_factory, paragraphs):
    path = tmp_path_factory.mktemp("ix")
    ix = Index.create(path / "ix")
    ix.add_articles([Article(id="a1", title="t", paragraphs=[" ".join(p) for p in paragraphs])])
    hits = {h.paragraph for h in ix.search('"qin gang"', limit=100).hits}
    expected = {i for i, p in enumerate(paragraphs, start=1)
                if any(p[j:j + 2] == ["qin", "gang"] for j in range(len(p) - 1))}
    assert hits == expected


def test_searchlib_indexes_write_compact_segments(tmp_path):
    ix = Index.create(tmp_path / "ix")
    ix.add_articles([Article(id="a1", title="Taiwan", paragraphs=["Taiwan and Qin Gang."])])
    segments = index.open_dir(str(tmp_path / "ix"))._segments()
    assert segments and all(isinstance(s.codec(), CompactCodec) for s in segments)


def _term_stats(info) -> tuple:
    return (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
            info.max_weight(), info.min_id(), info.max_id())


def test_term_infos_match_w3(tmp_path):
    docs = _documents(seed=5, n=300)
    readers = [_build(tmp_path / name, codec, docs).reader()
               for name, codec in [("w3", W3Codec()), ("compact", CompactCodec())]]
    stats = []
    for r in readers:
        every = {(f, t): _term_stats(r.term_info(f, t)) for f, t in r.all_terms()}
        by_field = {f: [(t, _term_stats(i)) for t, i in r.iter_field(f)] for f in ("text", "tag")}
        cursor = r.cursor("text")
        cursor.find("w1")
        stats.append((every, by_field, _term_stats(cursor.term_info()),
                      r.doc_frequency("text", "w1"), r.frequency("text", "w1"),
                      r.most_frequent_terms("text", 3)))
        r.close()
    assert stats[0] == stats[1]
    assert len(stats[0][0]) > 50


@given(st.integers(0, 2**31), st.integers(0, 2**31 - 2), st.integers(0, 2**40))
def test_compact_term_info_round_trip(first, span, offset):
    stats = {"weight": 3.0, "df": 2, "minlength": 1, "maxlength": 90, "maxweight": 2.0,
             "minid": first, "maxid": first + span}
    info, w3 = CompactTermInfo(**stats), W3TermInfo(**stats)
    info.set_extent(offset, 1)
    w3.set_extent(offset, 1)
    back = CompactTermInfo.from_bytes(info.to_bytes())
    assert (back.min_id(), back.max_id(), back.extent()[0]) == (first, first + span, offset)
    assert _term_stats(back) == _term_stats(W3TermInfo.from_bytes(w3.to_bytes()))
    assert len(info.to_bytes()) < 22 + 12  # W3's fixed entry


def test_w3_term_infos_still_read():
    info = W3TermInfo(weight=1.0, df=1, minlength=2, maxlength=2, maxweight=1.0, minid=7,
                      maxid=7)
    info.set_extent(12345, 40)
    back = CompactTermInfo.from_bytes(info.to_bytes())
    assert (back.min_id(), back.max_id(), back.extent()[0]) == (7, 7, 12345)


def test_block_limit_fits_the_header():
    with pytest.raises(ValueError):
        CompactCodec(blocklimit=256)

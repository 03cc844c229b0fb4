"""The tiered merge policy keeps the number of segments bounded without re-merging all."""

from __future__ import annotations

import json
import resource

from searchlib.index._engine import merging
from searchlib.index._engine.merging import MERGE_FACTOR, SESSION_SEGMENTS, session_segments_cap

from searchlib import Article, Index


def segment_sizes(ix: Index) -> list[int]:
    return sorted(s.doc_count_all() for s in ix._ix._segments())


def test_one_commit_per_article_stays_in_few_segments(tmp_path):
    ix = Index.create(tmp_path / "ix")
    n = MERGE_FACTOR * 3 + 2
    ix.add_articles([Article(f"Story {i}", ["harbour cranes"], id=f"a{i}") for i in range(n)],
                    batch_size=1)
    sizes = segment_sizes(ix)
    # every tier holds fewer than MERGE_FACTOR segments after each commit
    assert len(sizes) < 2 * MERGE_FACTOR
    assert sum(sizes) == 2 * n  # nothing lost or duplicated: headline + one paragraph each
    assert ix.search("cranes", limit=1).total == n
    assert ix.stats().articles == n


def test_small_tier_merges_only_when_full(tmp_path):
    ix = Index.create(tmp_path / "ix")
    for i in range(MERGE_FACTOR - 1):
        ix.add_articles([Article(f"Story {i}", ["text"], id=f"a{i}")])
    assert len(segment_sizes(ix)) == MERGE_FACTOR - 1
    ix.add_articles([Article("One more", ["text"], id="last")])  # tier now full: merged
    ix.add_articles([Article("And another", ["text"], id="after")])
    assert len(segment_sizes(ix)) <= 2


def test_mostly_deleted_segments_are_rewritten(tmp_path):
    ix = Index.create(tmp_path / "ix")
    ix.add_articles([Article(f"Story {i}", ["text"], id=f"a{i}") for i in range(10)])
    for i in range(6):
        ix.delete(f"a{i}")
    ix.add_articles([Article("Fresh", ["text"], id="fresh")])
    assert sum(segment_sizes(ix)) == 2 * 5  # the dead paragraphs are gone from disk
    assert ix.stats().articles == 5


def _snapshot(ix: Index) -> tuple:
    """Everything a merge must keep, keyed by paragraph rather than document number."""
    whoosh_ix = ix._ix
    with whoosh_ix.searcher() as s:
        r = s.reader()
        ids = r.column_reader("article_id")
        numbers = r.column_reader("paragraph")
        body = r.column_reader("body")
        key = {d: (ids[d], numbers[d]) for d in r.all_doc_ids()}
        postings = {}
        for fieldname, term in r.all_terms():
            m = r.postings(fieldname, term)
            rows = []
            while m.is_active():
                if m.id() in key:
                    rows.append((key[m.id()], m.weight(), m.value()))
                m.next()
            if rows:
                postings[fieldname, term] = sorted(rows)
        lengths = {(key[d], f): r.doc_field_length(d, f) for d in key
                   for f in ("text", "title", "person")}
        columns = {key[d]: body[d] for d in key}
    return postings, lengths, columns


def _articles(n: int, start: int = 0) -> list[Article]:
    return [Article(f"Story {i} about Taiwan", [f"Qin Gang visited port {i}.",
                                               "Cranes " * (i % 5 + 1)], id=f"a{i}")
            for i in range(start, start + n)]


def test_a_run_ends_in_one_segment_and_leaves_older_ones_alone(tmp_path):
    ix = Index.create(tmp_path / "ix")
    ix.add_articles(_articles(3), batch_size=1)
    before = {s.segid for s in ix._ix._segments()}
    assert len(before) == 1  # that run's three commits were consolidated
    ix.add_articles(_articles(5, start=3), batch_size=2)
    after = {s.segid for s in ix._ix._segments()}
    assert len(after) == 2 and before < after
    assert ix.search("cranes", limit=1).total == 8


def test_a_session_leaves_its_own_segments_to_its_final_merge(tmp_path, monkeypatch):
    cap = 12
    monkeypatch.setattr(merging, "SESSION_SEGMENTS", cap)
    ix = Index.create(tmp_path / "ix")
    for i in range(MERGE_FACTOR - 1):  # older segments, one per run
        ix.add_articles(_articles(1, start=100 + i))
    older = {s.segid for s in ix._ix._segments()}
    counts = []
    with ix._writer(wait=5.0) as writer:
        for i in range(cap + 3):
            writer.write(_articles(1, start=i))
            counts.append(len(segment_sizes(ix)))
        # The session's segments piled up to the cap (where the index-wide tiers would
        # have merged them long before), then all went into one.
        assert max(counts) == len(older) + cap
        assert counts[-1] == len(older) + 1 + 2
        # The older segments' tier is one short of full: they stay as they are.
        assert older <= {s.segid for s in ix._ix._segments()}
        assert writer.consolidate()
    assert len(segment_sizes(ix)) == len(older) + 1
    assert ix.stats().articles == cap + 3 + len(older)
    # Later runs fill the older tier, and their commits merge it as before.
    ix.add_articles(_articles(1, start=200))
    ix.add_articles(_articles(1, start=201))
    assert len(segment_sizes(ix)) <= 3


def test_the_session_cap_leaves_room_for_open_files(monkeypatch):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert session_segments_cap() == min(SESSION_SEGMENTS, soft // 4) or soft == \
        resource.RLIM_INFINITY
    monkeypatch.setattr(resource, "getrlimit", lambda which: (256, hard))
    assert session_segments_cap() == 64


def test_merging_keeps_every_posting_length_and_value(tmp_path):
    ix = Index.create(tmp_path / "ix")
    with ix._writer(wait=5.0) as writer:
        for i in range(0, 12, 3):
            writer.write(_articles(3, start=i))
        writer.delete("a4")  # deletions in a segment being merged
        writer.write([Article("Story 1 again", ["Rewritten about Qin Gang."], id="a1")])
        assert len(segment_sizes(ix)) > 2
        expected = _snapshot(ix)
        assert writer.consolidate()
    assert len(segment_sizes(ix)) == 1
    assert _snapshot(ix) == expected
    assert ix.stats().articles == 11
    assert [h.article_id for h in ix.search('"Qin Gang" rewritten', limit=5).hits] == ["a1"]


def test_progress_says_when_the_run_merges(tmp_path):
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(
        json.dumps({"id": a.id, "title": a.title, "paragraphs": a.paragraphs}) + "\n"
        for a in _articles(6)), encoding="utf-8")
    seen = []
    ix = Index.create(tmp_path / "ix")
    ix.add_paths([corpus], progress=seen.append, batch_size=2)
    assert [p.stage for p in seen].count("merging") == 1 and seen[-1].stage == "merging"
    assert seen[-1].articles == 6
    seen.clear()
    Index.create(tmp_path / "one").add_paths([corpus], progress=seen.append)  # one commit
    assert seen and all(p.stage == "indexing" for p in seen)


def _terms(ix: Index) -> dict:
    """Every term's statistics and postings, by document number."""
    with ix._ix.searcher() as s:
        r = s.reader()
        found = {}
        for fieldname, term in r.all_terms():
            info = r.term_info(fieldname, term)
            m = r.postings(fieldname, term)
            rows = []
            while m.is_active():
                rows.append((m.id(), m.weight(), m.value()))
                m.next()
            found[fieldname, term] = (info.doc_frequency(), info.weight(), info.min_length(),
                                      info.max_length(), info.max_weight(), info.min_id(),
                                      info.max_id(), rows)
        return found


def _harbour(n: int, start: int) -> list[Article]:
    return [Article(f"Harbour report {i}", [f"Cranes and ships in port {i}. " * (1 + i % 3),
                                            "Harbour dues rose."], id=f"h{i}")
            for i in range(start, start + n)]


def test_a_merge_that_copies_posting_blocks_writes_what_one_segment_would(tmp_path,
                                                                           monkeypatch):
    from searchlib.index._engine.codec import CompactPostingsWriter

    copied = []
    copy_block = CompactPostingsWriter.copy_block
    monkeypatch.setattr(CompactPostingsWriter, "copy_block",
                        lambda self, block, base: copied.append(base) or copy_block(
                            self, block, base))
    merged, whole = Index.create(tmp_path / "merged"), Index.create(tmp_path / "whole")
    with merged._writer(wait=5.0) as writer:
        writer.procs = 1  # one segment per commit, documents in order
        for start in range(0, 1200, 300):
            writer.write(_harbour(300, start))
        assert len(segment_sizes(merged)) == 4
        assert writer.consolidate()
    with whole._writer(wait=5.0) as writer:
        writer.procs = 1
        writer.write(_harbour(1200, 0))
    assert segment_sizes(merged) == segment_sizes(whole) == [3600]
    assert copied and max(copied) > 0  # full blocks of later segments were copied
    assert _terms(merged) == _terms(whole)
    assert merged.search("harbour", limit=1).total == whole.search("harbour", limit=1).total

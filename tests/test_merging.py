"""The tiered merge policy keeps the number of segments bounded without re-merging all."""

from __future__ import annotations

from index.merging import MERGE_FACTOR
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

"""The hook of _engine.splitmerge: a large pure merge writes postings in a forked child and
document values in the parent, and the segment is what one process would write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from searchlib.index._engine import merging, splitmerge
from searchlib.index._engine.codec import CompactFieldWriter

from searchlib import Index
from searchlib._errors import SearchlibError
from tests.engine.test_merging import _harbour, _snapshot, _terms, segment_sizes


def _build(path: Path) -> Index:
    ix = Index.create(path)
    with ix._writer(wait=5.0) as writer:
        writer.procs = 1  # one segment per commit
        for start in range(0, 900, 300):
            writer.write(_harbour(300, start))
        assert len(segment_sizes(ix)) == 3
        assert writer.consolidate()
    return ix


def test_a_split_merge_writes_what_one_process_writes(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    splits: list[int] = []
    real = merging.run_split
    monkeypatch.setattr(merging, "run_split",
                        lambda writer, *a: splits.append(os.getpid()) or real(writer, *a))
    monkeypatch.setattr(splitmerge, "MIN_DOCUMENTS", 10**9)
    alone = _build(tmp_path / "alone")
    assert splits == []
    monkeypatch.setattr(splitmerge, "MIN_DOCUMENTS", 100)
    split = _build(tmp_path / "split")
    assert splits == [os.getpid()]
    assert segment_sizes(split) == segment_sizes(alone) == [2700]
    assert _terms(split) == _terms(alone)
    assert _snapshot(split) == _snapshot(alone)
    assert split.search('"harbour dues"').total == alone.search('"harbour dues"').total == 900
    report = Index.check(tmp_path / "split")
    assert report.problems == [] and report.files > 0


def test_segments_with_deletions_merge_in_one_process(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(splitmerge, "MIN_DOCUMENTS", 100)
    monkeypatch.setattr(merging, "run_split", lambda *a: pytest.fail("split a merge with "
                                                                     "deletions"))
    ix = Index.create(tmp_path / "ix")
    with ix._writer(wait=5.0) as writer:
        writer.procs = 1
        writer.write(_harbour(300, 0))
        writer.write(_harbour(300, 300))
        writer.delete("h5")
        assert writer.consolidate()
    assert ix.stats().articles == 599


def test_a_failed_child_fails_the_merge_and_keeps_the_segments(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    monkeypatch.setattr(splitmerge, "MIN_DOCUMENTS", 100)
    ix = Index.create(tmp_path / "ix")
    with ix._writer(wait=5.0) as writer:
        writer.procs = 1
        writer.write(_harbour(300, 0))
        writer.write(_harbour(300, 300))
        before = segment_sizes(ix)

        def broken(*args: object) -> None:
            raise OSError("disk on fire")

        monkeypatch.setattr(CompactFieldWriter, "add_terms", broken)  # the child's copy too
        with pytest.raises(SearchlibError, match="merging the segments failed in a helper "
                                                 "process .*disk on fire"):
            writer.consolidate()
    assert segment_sizes(ix) == before
    assert ix.search("harbour").total == 1200


def test_a_run_whose_final_merge_fails_keeps_its_batches_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(splitmerge, "MIN_DOCUMENTS", 100)
    real = CompactFieldWriter.add_terms

    def broken_in_a_merge(self, schema, lengths, terms) -> None:
        if isinstance(lengths, splitmerge._SourceLengths):  # only the split merge's child
            raise OSError("disk on fire")
        real(self, schema, lengths, terms)

    monkeypatch.setattr(CompactFieldWriter, "add_terms", broken_in_a_merge)
    ix = Index.create(tmp_path / "ix")
    report = ix.add_articles(_harbour(600, 0), batch_size=300)
    assert report.added == 600 and report.errors == []
    [note] = report.notes
    assert "the final merge could not be written" in note and "disk on fire" in note
    assert ix.search("harbour").total == 1200
    monkeypatch.setattr(CompactFieldWriter, "add_terms", real)
    ix.add_articles([])  # the next run finishes the merge
    assert len(segment_sizes(ix)) == 1

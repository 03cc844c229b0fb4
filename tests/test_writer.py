"""Tests of the article writer's sessions: when the index's name statistics reach the disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from searchlib.index import _writer
from searchlib.index._format import NAMES_FILE
from searchlib.index.entities._names import IndexNames

from searchlib import Article, Index
from searchlib._errors import IngestInterrupted


def _articles(n: int) -> list[Article]:
    return [Article(id=f"a{i}", title=f"Talks, day {i}",
                    paragraphs=[f"Antony Blinken met Qin Gang in Beijing on day {i}."])
            for i in range(n)]


@pytest.fixture
def saves(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = IndexNames.save

    def counted(self: IndexNames) -> None:
        calls.append(1)
        real(self)

    monkeypatch.setattr(IndexNames, "save", counted)
    return calls


def _full_counts(path: Path) -> dict[str, int]:
    return json.loads((path / NAMES_FILE).read_text(encoding="utf-8"))["full"]


def test_a_session_saves_the_names_once_at_its_end(tmp_path: Path, saves: list[int],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_writer, "NAMES_SAVE_SECONDS", 3600.0)
    ix = Index.create(tmp_path / "ix")
    report = ix.add_articles(_articles(5), batch_size=1)
    assert report.articles == 5
    assert len(saves) == 1  # five commits, one save when the session ended
    assert _full_counts(tmp_path / "ix")["Antony Blinken"] == 5


# With no interval, a save after every commit and nothing left for the end; when any save
# takes more than a billionth of the session, none after the first commit's until the end.
@pytest.mark.parametrize(("cost_factor", "expected"), [(0.0, 4), (1e9, 2)])
def test_a_session_saves_after_a_commit_once_the_interval_has_passed(
        tmp_path: Path, saves: list[int], monkeypatch: pytest.MonkeyPatch,
        cost_factor: float, expected: int) -> None:
    monkeypatch.setattr(_writer, "NAMES_SAVE_SECONDS", 0.0)
    monkeypatch.setattr(_writer, "NAMES_SAVE_COST_FACTOR", cost_factor)
    ix = Index.create(tmp_path / "ix")
    ix.add_articles(_articles(4), batch_size=1)
    assert len(saves) == expected
    assert _full_counts(tmp_path / "ix")["Qin Gang"] == 4


def test_names_counted_in_an_interrupted_session_are_saved(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_writer, "NAMES_SAVE_SECONDS", 3600.0)
    ix = Index.create(tmp_path / "ix")

    def stream():
        yield from _articles(3)
        raise KeyboardInterrupt

    with pytest.raises(IngestInterrupted):
        ix.add_articles(stream(), batch_size=1)
    assert _full_counts(tmp_path / "ix")["Antony Blinken"] == 3


def test_a_build_from_empty_looks_up_only_the_ids_it_wrote(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from searchlib.index._documents import DocumentReader

    looked: list[str] = []
    real = DocumentReader.header
    monkeypatch.setattr(DocumentReader, "header",
                        lambda self, aid: looked.append(aid) or real(self, aid))
    ix = Index.create(tmp_path / "ix")
    first, second = _articles(6)[:3], _articles(6)[3:]
    changed = Article(id="a1", title="Talks, day 1", paragraphs=["Rewritten."])
    with ix._writer(wait=5.0) as writer:
        writer.write(first)
        assert writer.write(second).added == 3 and looked == []  # none of them written yet
        counts = writer.write([first[0], changed, Article(id="new", title="New", paragraphs=[])])
        assert (counts.skipped, counts.replaced, counts.added) == (1, 1, 1)
        assert sorted(looked) == ["a0", "a1"]  # "new" was never written: not looked up
    looked.clear()
    with ix._writer(wait=5.0) as writer:  # a session on an index with articles: every id
        assert writer.write([first[2], Article(id="b", title="B", paragraphs=[])]).added == 1
        assert sorted(looked) == ["a2", "b"]
    assert ix.stats().articles == 8
    assert [h.paragraph for h in ix.search("rewritten").hits] == [1]

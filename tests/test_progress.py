"""The progress callback of an ingest advances per article, through one large file too."""

from __future__ import annotations

import io

from searchlib import Index, Progress
from tests.reliability_helpers import make_corpus


def _ingest(tmp_path, paths, **kwargs) -> list[Progress]:
    seen: list[Progress] = []
    with Index.create(tmp_path / "ix") as ix:
        ix.add_paths(paths, progress=seen.append, **kwargs)
    return seen


def test_one_large_jsonl_moves_by_bytes_read_and_articles_written(tmp_path):
    corpus = make_corpus(tmp_path / "corpus.jsonl", 300)
    size = corpus.stat().st_size
    seen = _ingest(tmp_path, [corpus], batch_size=100)
    indexing = [p for p in seen if p.stage == "indexing"]
    assert len(indexing) >= 300  # one call per article written, then per commit
    done = [p.bytes_done for p in indexing]
    assert done == sorted(done) and done[-1] == size
    # Not 0% until the file is read and then 100%: every article moves the bar.
    assert len({d for d in done if 0 < d < size}) >= 290
    assert {p.bytes_total for p in seen} == {size}
    articles = [p.articles for p in indexing]
    assert articles == sorted(articles) and articles[0] == 1 and articles[-1] == 300
    first_batch_end = next(p.bytes_done for p in indexing if p.articles == 100)
    assert size * 0.25 < first_batch_end < size * 0.45  # a third of the file's articles


def test_reindexing_unchanged_articles_moves_at_each_commit(tmp_path):
    corpus = make_corpus(tmp_path / "corpus.jsonl", 200)
    with Index.create(tmp_path / "ix") as ix:
        ix.add_paths([corpus])
        seen: list[Progress] = []
        report = ix.add_paths([corpus], batch_size=50, progress=seen.append)
    assert report.skipped == 200
    assert [p.articles for p in seen] == [50, 100, 150, 200]
    assert seen[-1].bytes_done == corpus.stat().st_size


def test_many_small_files_and_stdin(tmp_path):
    folder = tmp_path / "txt"
    folder.mkdir()
    for i in range(5):
        (folder / f"{i}.txt").write_text(f"Headline {i}\n\nTaiwan body {i}.\n", encoding="utf-8")
    seen = _ingest(tmp_path, [folder])
    assert [p.articles for p in seen if p.stage == "indexing"][:5] == [1, 2, 3, 4, 5]
    total = sum(f.stat().st_size for f in folder.iterdir())
    assert seen[-1].bytes_done == total
    seen = []
    piped = io.BytesIO(b'{"title": "A", "text": "x"}\n{"title": "B", "text": "y"}\n')
    with Index.create(tmp_path / "ix2") as ix:
        ix.add_paths(["-"], format="jsonl", progress=seen.append, stdin=piped)
    assert [p.articles for p in seen] == [1, 2, 2]
    assert {p.bytes_done for p in seen} == {0}  # standard input has no size to measure

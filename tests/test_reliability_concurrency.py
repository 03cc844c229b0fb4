"""Concurrency: readers during a write, a second writer, a killed writer's lock, threads."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from whoosh.util.filelock import FileLock

import searchlib
from searchlib import Article, Index
from tests.reliability_helpers import (
    TIMEOUT,
    make_corpus,
    prefix_paragraphs,
    script,
    start_indexing,
    stop,
    wait_for_commits,
)

N = 3000
BATCH = 10
#: Paragraph totals the index may hold after whole batches of the generated corpus.
VALID_TOTALS = {prefix_paragraphs(k) for k in range(0, N + 1, BATCH)}


def lock_is_held(index_dir) -> bool:
    lock = FileLock(str(index_dir / "MAIN_WRITELOCK"))
    if lock.acquire():
        lock.release()
        return False
    return True


def small_jsonl(path, prefix: str, n: int = 3):
    path.write_text("".join(json.dumps({"id": f"{prefix}{i}", "title": f"{prefix} {i}",
                                        "text": "Taiwan body."}) + "\n" for i in range(n)),
                    encoding="utf-8")
    return path


@pytest.fixture
def busy_writer(tmp_path):
    """A real ``searchlib index`` subprocess, caught in the middle of its run."""
    index_dir = tmp_path / "ix"
    proc = start_indexing(make_corpus(tmp_path / "corpus.jsonl", N), index_dir, BATCH)
    try:
        wait_for_commits(proc, index_dir)
        yield proc, index_dir
    finally:
        stop(proc)


def test_readers_never_block_and_see_the_last_commit(busy_writer):
    proc, index_dir = busy_writer
    assert lock_is_held(index_dir), "the writer holds the lock for its whole run"
    # a search in another process, while the writer works
    done = subprocess.run([script(), "search", "Taiwan", "--index", str(index_dir),
                           "--format", "json", "--limit", "1"],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] in VALID_TOTALS
    # and through the library, several times as commits land
    with Index.open(index_dir) as ix:
        for _ in range(5):
            res = ix.search("Taiwan", limit=1)
            assert res.total in VALID_TOTALS
            assert ix.stats().paragraphs in VALID_TOTALS
    assert proc.poll() is None, "the searches ran while the writer was still writing"


def test_second_writer_waits_then_fails_naming_the_lock(busy_writer, tmp_path):
    _, index_dir = busy_writer
    other = small_jsonl(tmp_path / "other.jsonl", "second")
    done = subprocess.run([script(), "index", str(other), "--index", str(index_dir),
                           "--wait", "0.5"], capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("searchlib: error: ") and "MAIN_WRITELOCK" in line
    assert "--wait" in line and "0.5s" in line
    with pytest.raises(searchlib.IndexLockedError, match="MAIN_WRITELOCK"):
        with Index.open(index_dir) as ix:
            ix.add_paths([other], wait=0.2)


def test_second_writer_gets_the_lock_when_the_first_finishes(tmp_path):
    index_dir = tmp_path / "ix"
    first = start_indexing(make_corpus(tmp_path / "corpus.jsonl", 300), index_dir, BATCH)
    try:
        wait_for_commits(first, index_dir, commits=1)
        other = small_jsonl(tmp_path / "other.jsonl", "second")
        done = subprocess.run([script(), "index", str(other), "--index", str(index_dir),
                               "--wait", str(TIMEOUT)],
                              capture_output=True, text=True, timeout=TIMEOUT * 2)
        first.communicate(timeout=TIMEOUT)
    finally:
        stop(first)
    assert (first.returncode, done.returncode) == (0, 0), done.stderr
    with Index.open(index_dir) as ix:
        assert ix.stats().articles == 303


def test_a_killed_writer_leaves_no_stale_lock(busy_writer, tmp_path):
    proc, index_dir = busy_writer
    proc.kill()
    proc.communicate(timeout=TIMEOUT)
    assert (index_dir / "MAIN_WRITELOCK").exists()  # the file stays; the OS lock does not
    assert not lock_is_held(index_dir)
    other = small_jsonl(tmp_path / "other.jsonl", "after")
    done = subprocess.run([script(), "index", str(other), "--index", str(index_dir),
                           "--wait", "0"], capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert "3 articles added" in done.stdout


def test_one_index_searched_from_a_thread_pool_while_it_is_written(tmp_path):
    ix = Index.create(tmp_path / "ix")
    batches = [[Article(f"Taiwan head {b}-{i}", ["Taiwan body.", "Taiwan more."],
                        id=f"t{b}-{i}") for i in range(5)] for b in range(10)]
    valid = {3 * 5 * b for b in range(11)}
    ix.add_articles(batches[0])

    def read(n: int) -> int:
        res = ix.search("Taiwan", limit=5)
        assert res.total in valid and len(res.hits) == 5
        assert all("Taiwan" in h.text for h in res.hits)
        ix.article(res.hits[0].article_id)
        assert ix.stats().paragraphs in valid
        return res.total

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(read, n) for n in range(200)]
        for batch in batches[1:]:
            ix.add_articles(batch)
        totals = [f.result(timeout=TIMEOUT) for f in futures]
    assert set(totals) <= valid
    assert ix.search("Taiwan").total == 150
    ix.close()

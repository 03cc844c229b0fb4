"""Crashes and interruption: SIGKILL and Ctrl-C in the middle of a real ``searchlib index``."""

from __future__ import annotations

import random
import re
import signal
import subprocess

import pytest

from searchlib import Article, ArticleNotFoundError, Index, IngestInterrupted
from tests.reliability_helpers import (
    TIMEOUT,
    make_corpus,
    paragraph_count,
    script,
    start_indexing,
    stop,
    wait_for_commits,
)

N = 1500
BATCH = 10


def committed_prefix(index_dir) -> int:
    """Check the index holds whole articles a0..a(k-1), a whole number of batches; return k."""
    with Index.open(index_dir) as ix:
        st = ix.stats()
        present = []
        for i in range(N):
            try:
                art = ix.article(f"a{i}")
            except ArticleNotFoundError:
                continue
            # every indexed article is complete: headline and all its paragraphs
            assert [p.paragraph for p in art.paragraphs] == list(range(paragraph_count(i) + 1))
            present.append(i)
    k = len(present)
    assert present == list(range(k)), "articles are committed in input order, batch by batch"
    assert st.articles == k and k % BATCH == 0
    assert st.paragraphs == sum(paragraph_count(i) + 1 for i in range(k))
    return k


def test_sigkill_mid_index_keeps_the_last_commit_and_a_rerun_resumes(tmp_path):
    corpus = make_corpus(tmp_path / "corpus.jsonl", N)
    index_dir = tmp_path / "ix"
    proc = start_indexing(corpus, index_dir, BATCH, "--quiet")
    try:
        wait_for_commits(proc, index_dir)
        proc.kill()
        proc.communicate(timeout=TIMEOUT)
    finally:
        stop(proc)
    assert proc.returncode == -signal.SIGKILL
    k = committed_prefix(index_dir)
    assert 0 < k < N

    # The same command again (with bigger batches, to be quick) skips what is there.
    done = subprocess.run([script(), "index", str(corpus), "--index", str(index_dir),
                           "--batch-size", "500", "--wait", "30"],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert f"{N - k:,} articles added, 0 replaced, {k:,} skipped" in done.stdout
    with Index.open(index_dir) as ix:
        assert ix.stats().articles == N


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_commits_finished_batches_says_how_far_and_exits_130(tmp_path, signum):
    corpus = make_corpus(tmp_path / "corpus.jsonl", N)
    index_dir = tmp_path / "ix"
    proc = start_indexing(corpus, index_dir, BATCH)
    try:
        wait_for_commits(proc, index_dir)
        proc.send_signal(signum)  # SIGTERM (service managers, `timeout`) works as Ctrl-C
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        stop(proc)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    m = re.search(r"searchlib: error: interrupted after ([\d,]+) articles \(last commit: "
                  r"([\d,]+) batch", err)
    assert m, err
    said = int(m[1].replace(",", ""))
    assert committed_prefix(index_dir) == said
    assert int(m[2].replace(",", "")) == said // BATCH
    assert "run the same command again" in err


def test_library_interrupt_keeps_committed_batches_and_reraises(tmp_path):
    """Library side of Ctrl-C: KeyboardInterrupt mid-stream commits nothing of that batch."""

    def articles():
        for i in range(25):
            yield Article(f"Taiwan headline {i}", ["Body."], id=f"k{i}")
        raise KeyboardInterrupt

    with Index.create(tmp_path / "ix") as ix:
        with pytest.raises(IngestInterrupted) as info:
            ix.add_articles(articles(), batch_size=10)
        assert isinstance(info.value, KeyboardInterrupt)
        report = info.value.report
        assert (report.added, report.commits) == (20, 2)
        assert ix.stats().articles == 20
        # the lock was released: the next write goes through at once
        assert ix.add_articles([Article("After", ["x"], id="after")], wait=0).added == 1


def test_interrupting_the_final_merge_keeps_everything(tmp_path, monkeypatch):
    """Ctrl-C while a run merges its segments: all batches are committed already."""
    import searchlib.index._engine.merging

    def interrupted(*args):
        raise KeyboardInterrupt  # as if Ctrl-C arrived while the merge copies documents

    with Index.create(tmp_path / "ix") as ix:
        monkeypatch.setattr(searchlib.index._engine.merging, "_copy_documents", interrupted)
        with pytest.raises(IngestInterrupted) as info:
            ix.add_articles([Article(f"Taiwan headline {i}", ["Body."], id=f"k{i}")
                             for i in range(25)], batch_size=10)
        assert (info.value.report.added, info.value.report.commits) == (25, 3)
        assert len(ix._ix._segments()) == 3  # the merge did not happen
        assert ix.stats().articles == 25 and ix.search("taiwan", limit=1).total == 25
        monkeypatch.undo()
        # no lock or half-merged segment left behind: the next run writes, and merges its
        # segment with those the interrupted run left
        assert ix.add_articles([Article("After", ["x"], id="after")], wait=0).added == 1
        assert len(ix._ix._segments()) == 1 and ix.stats().articles == 26


def test_a_seeded_global_random_cannot_make_segment_names_collide(tmp_path):
    """Whoosh names segments with the global ``random``; a caller's seed must not matter."""
    with Index.create(tmp_path / "ix") as ix:
        for b in range(3):
            random.seed(1234)
            ix.add_articles([Article(f"Seeded {b}", ["body"], id=f"s{b}")])
        assert ix.stats().articles == 3
    with Index.open(tmp_path / "ix") as ix:
        assert [ix.article(f"s{b}").title for b in range(3)] == ["Seeded 0", "Seeded 1",
                                                                    "Seeded 2"]

"""The multi-process writer (_engine.parallel): faster, and still within the guarantees."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from searchlib.index._engine.parallel import ParallelWriter, parallel_supported

from searchlib import Article, Index, SearchlibError
from tests.reliability_helpers import (
    TIMEOUT,
    make_corpus,
    paragraph_count,
    script,
    wait_for,
    wait_for_commits,
)

pytestmark = pytest.mark.skipif(not parallel_supported(), reason="needs fork()")


def articles(n: int, paragraphs: int = 5) -> list[Article]:
    return [Article(f"Harbour report {i}", [f"Cranes and ships, part {j}." for j in
                                            range(paragraphs)], id=f"a{i}")
            for i in range(n)]


def doc(n: int) -> dict:
    return {"article_id": f"x{n}", "paragraph": 1, "text": "plain words"}


def alive_with(marker: str) -> list[int]:
    """Processes (not zombies) whose command line mentions *marker*."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            state = re.search(r"State:\s+(\w)", (entry / "status").read_text())
        except OSError:
            continue
        if marker in cmdline and state and state[1] != "Z":
            found.append(int(entry.name))
    return found


def test_a_large_batch_is_indexed_by_two_processes(tmp_path):
    ix = Index.create(tmp_path / "ix")
    with ix._writer(wait=5.0) as writer:
        counts = writer.write(articles(400))  # 2,400 paragraphs, one commit
        assert (counts.added, counts.paragraphs) == (400, 2400)
        assert len(list(ix._ix._segments())) == 2  # one segment per sub-writer
        assert writer.consolidate()  # ... merged into one at the end of a run
    assert len(list(ix._ix._segments())) == 1
    assert ix.stats().paragraphs == 2400 and ix.search("cranes", limit=1).total == 2000
    assert multiprocessing.active_children() == []


def test_job_files_hold_one_list_each_and_are_removed_once_read(tmp_path):
    # The hook _SubWriter._process_file reads what ParallelWriter._enqueue writes: every
    # document of every job file (the last one partial) is indexed, in its own order.
    ix = Index.create(tmp_path / "ix")
    writer = ParallelWriter(ix._ix)
    total = 2 * ParallelWriter.BATCH + 7
    for n in range(total):
        writer.add_document(**doc(n))
    temp = Path(writer.temp_storage().folder)
    writer.commit()
    assert not list(temp.glob("*.doclist"))
    assert ix.stats().paragraphs == total
    with ix._ix.searcher() as s:
        column = s.reader().column_reader("article_id")
        found = sorted(column[d] for d in range(total))
    assert found == sorted(f"x{n}" for n in range(total))


def test_cancel_stops_the_sub_writers_and_changes_nothing(tmp_path):
    ix = Index.create(tmp_path / "ix")
    writer = ParallelWriter(ix._ix)
    for n in range(2 * ParallelWriter.BATCH + 1):  # job files enough to start both
        writer.add_document(**doc(n))
    assert len(writer.tasks) == 2
    writer.cancel()
    assert not any(task.is_alive() for task in writer.tasks)
    assert ix.stats().paragraphs == 0


def test_a_failing_sub_writer_fails_the_commit(tmp_path):
    ix = Index.create(tmp_path / "ix")
    ix.add_articles(articles(3))
    writer = ParallelWriter(ix._ix)
    for n in range(ParallelWriter.BATCH + 100):
        writer.add_document(**doc(n))
    writer.add_document(article_id="bad", paragraph="not a number", text="x")
    with pytest.raises(SearchlibError, match="sub-writer"):
        writer.commit()
    assert ix.stats().paragraphs == 3 * 6


def test_sub_writers_die_with_a_killed_parent(tmp_path):
    marker = str(tmp_path / "ix")
    code = f"""
import sys, time
from searchlib import Index
from searchlib.index._engine.parallel import ParallelWriter
ix = Index.create({marker!r})
w = ParallelWriter(ix._ix)
for n in range(2 * ParallelWriter.BATCH + 1):
    w.add_document(article_id=f"x{{n}}", paragraph=1, text="plain words")
print(" ".join(str(t.pid) for t in w.tasks), flush=True)
time.sleep(600)
"""
    proc = subprocess.Popen([sys.executable, "-c", code, marker], stdout=subprocess.PIPE,
                            text=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 2
        proc.kill()
        proc.wait(timeout=TIMEOUT)
        wait_for(lambda: not alive_with(marker), "the sub-writers to end with their parent")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_in_a_terminal_reaches_all_processes_and_keeps_whole_batches(tmp_path, signum):
    batch, n = 300, 1500  # 300 articles are about 1,200 paragraphs: written in parallel
    corpus = make_corpus(tmp_path / "corpus.jsonl", n)
    index_dir = tmp_path / "ix"
    proc = subprocess.Popen(
        [script(), "index", str(corpus), "--index", str(index_dir), "--batch-size",
         str(batch), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        wait_for_commits(proc, index_dir, commits=1)
        # What Ctrl-C does: the whole group gets it (systemd's SIGTERM too, by default)
        os.killpg(proc.pid, signum)
        _, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    wait_for(lambda: not alive_with(str(index_dir)), "no process left behind")
    with Index.open(index_dir) as ix:
        st = ix.stats()
        k = st.articles
        assert k % batch == 0 and 0 < k < n
        assert st.paragraphs == sum(paragraph_count(i) + 1 for i in range(k))


def test_works_where_the_default_start_method_is_spawn(tmp_path):
    # A process started by a process pool (or any process on Python 3.14) defaults to
    # spawn; the sub-writers must still be forked, like the queues they share.
    code = f"""
import multiprocessing
multiprocessing.set_start_method("spawn")
from searchlib import Article, Index
ix = Index.create({str(tmp_path / "ix")!r})
with ix._writer(wait=5.0) as writer:
    counts = writer.write([Article(f"Report {{i}}", ["Cranes.", "Ships.", "Docks."], id=str(i))
                           for i in range(400)])
print(counts.paragraphs, len(list(ix._ix._segments())))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    paragraphs, segments = map(int, done.stdout.split())
    assert paragraphs == 1600 and segments >= 2

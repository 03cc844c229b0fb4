"""Where a process boundary is the point (issue 13, items 7 and 9): first runs racing on one
new path, a kill during the final merge, a full disk and a read-only file system.

The disk conditions are real: a tmpfs of a few hundred KB and a read-only bind mount, in a
user and mount namespace of their own (``unshare -rm``, no root needed); those tests skip
where the kernel does not allow such namespaces.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searchlib import Index
from tests.reliability_helpers import TIMEOUT, generation, make_corpus, script, wait_for


def _corpus(path: Path, prefix: str, n: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"{prefix}{i}", "title": f"Taiwan {prefix} {i}",
                                "paragraphs": [f"Trade talks {i} in Berlin.",
                                               f"Second paragraph {i}."]}) + "\n")
    return path


def test_concurrent_first_runs_wait_for_each_other(tmp_path):
    """Item 7: several `searchlib index` runs on one new path: all succeed, none is lost."""
    corpora = [_corpus(tmp_path / f"c{k}.jsonl", f"p{k}-", 30) for k in range(3)]
    for attempt in range(3):
        ix = tmp_path / f"ix{attempt}"
        procs = [subprocess.Popen([script(), "index", str(c), "--index", str(ix),
                                   "--batch-size", "10", "--wait", "120"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for c in corpora]
        for p in procs:
            out, err = p.communicate(timeout=TIMEOUT)
            assert p.returncode == 0, (attempt, out, err)
            assert "Traceback" not in err and "30 articles added" in out, (attempt, out, err)
        with Index.open(ix) as index:
            assert index.stats().articles == 90, attempt


def _files_in_use(ix: Path) -> set[str]:
    with Index.open(ix) as index:
        segs = {s.segment_id() for s in index._ix._segments()}
        gen = index._ix.latest_generation()
    return {f"_MAIN_{gen}.toc", *(f"{s}.seg" for s in segs)}


def test_a_kill_during_the_final_merge_is_finished_by_a_run_with_nothing_new(tmp_path):
    """Item 9: SIGKILL while the run merges its segments; the re-run (everything skipped)
    finishes the merge and leaves no orphan files."""
    corpus = make_corpus(tmp_path / "a.jsonl", 600)
    batches = 600 // 20
    for attempt in range(8):
        ix = tmp_path / f"ix{attempt}"
        proc = subprocess.Popen([script(), "index", str(corpus), "--index", str(ix),
                                 "--batch-size", "20"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # generation 0 is the creation; the last batch's commit is generation `batches`
        wait_for(lambda ix=ix, proc=proc: generation(ix) >= batches or proc.poll() is not None,
                 "the last batch's commit")
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=TIMEOUT)
        if generation(ix) == batches and len(list(ix.glob("*.seg"))) > 1:
            break  # killed before the merge committed: the case under test
    else:
        pytest.skip("the final merge always finished before the kill landed")
    with Index.open(ix) as index:
        assert index.stats().articles == 600  # every batch was committed
    res = subprocess.run([script(), "index", str(corpus), "--index", str(ix),
                          "--batch-size", "20"], capture_output=True, text=True,
                         timeout=TIMEOUT)
    assert res.returncode == 0, res.stderr
    assert "0 articles added, 0 replaced, 600 skipped" in res.stdout
    assert len(list(ix.glob("*.seg"))) == 1, sorted(p.name for p in ix.iterdir())
    used = _files_in_use(ix)
    extra = {p.name for p in ix.iterdir()} - used - {"searchlib.json", "searchlib.sums",
                                                     "MAIN_WRITELOCK", "entity_names.json"}
    assert not extra, f"left over: {sorted(extra)}"
    check = subprocess.run([script(), "check", "--index", str(ix)], capture_output=True,
                           text=True, timeout=TIMEOUT)
    assert check.returncode == 0, check.stderr
    with Index.open(ix) as index:
        assert index.stats().articles == 600
        assert index.search("Taiwan", limit=1).total == index.stats().paragraphs


def _namespaces() -> bool:
    if not shutil.which("unshare") or sys.platform != "linux":
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs "
                            "/tmp 2>/dev/null || mount -t tmpfs tmpfs /mnt"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(not _namespaces(), reason="needs user and mount "
                                      "namespaces (unshare -rm) to fake a full or read-only "
                                      "file system")


def _in_namespace(script_text: str) -> subprocess.CompletedProcess:
    return subprocess.run(["unshare", "-rm", "sh", "-c", script_text], capture_output=True,
                          text=True, timeout=TIMEOUT)


@needs_namespaces
@pytest.mark.parametrize("batch_size, size", [("40", "400k"), ("400", "1m")],
                         ids=["one-process", "two-processes"])
def test_a_full_disk_ends_in_one_line_with_the_batches_committed(tmp_path, batch_size, size):
    corpus = make_corpus(tmp_path / "a.jsonl", 3000)
    disk = tmp_path / "disk"
    disk.mkdir()
    ix = disk / "ix"
    sl = shlex.quote(script())
    out = _in_namespace(
        f"mount -t tmpfs -o size={size} tmpfs {disk} && "
        f"{sl} index {corpus} --index {ix} --batch-size {batch_size}; echo rc=$?; "
        f"{sl} stats --index {ix} --format json > {tmp_path}/stats.json; ls -a {ix}")
    err_lines = out.stderr.strip().splitlines()
    assert "Traceback" not in out.stderr, out.stderr
    assert "rc=1" in out.stdout, (out.stdout, out.stderr)
    [line] = [ln for ln in err_lines if ln.startswith("searchlib: error:")]
    assert err_lines == [line], out.stderr  # nothing else on stderr, from any process
    m = re.search(r"cannot write to the index \((No space left on device|File too large)\); "
                  r"(\d+) batch(es)? committed \(([\d,]+) added", line)
    assert m, line
    committed = int(m[4].replace(",", ""))
    stats = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))
    assert stats["articles"] == committed > 0  # data intact, exactly what was said
    listing = out.stdout.split("rc=1", 1)[1].split()
    assert not [n for n in listing if n.endswith(".tmp")], listing  # no temp files left


@needs_namespaces
def test_a_read_only_index_reads_and_refuses_writes_in_one_line(tmp_path):
    ix = tmp_path / "ix"
    corpus = make_corpus(tmp_path / "a.jsonl", 20)
    assert subprocess.run([script(), "index", str(corpus), "--index", str(ix), "-q"],
                          timeout=TIMEOUT).returncode == 0
    more = make_corpus(tmp_path / "more.jsonl", 30)
    sl = shlex.quote(script())
    out = _in_namespace(
        f"mount --bind {ix} {ix} && mount -o remount,bind,ro {ix} && "
        f"{sl} search Taiwan --index {ix} --limit 1; echo rc=$?; "
        f"{sl} index {more} --index {ix}; echo rc=$?; "
        f"{sl} delete a1 --index {ix}; echo rc=$?")
    assert "Traceback" not in out.stderr, out.stderr
    rcs = re.findall(r"rc=(\d+)", out.stdout)
    assert rcs == ["0", "1", "1"], (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 2 and all("Read-only file system" in ln and
                                   ln.startswith("searchlib: error:") for ln in lines), lines
    with Index.open(ix) as index:
        assert index.stats().articles == 20


def test_orphans_of_a_failed_commit_are_cleaned_at_the_next_writers_start(tmp_path):
    ix = tmp_path / "ix"
    with Index.create(ix) as index:
        index.add_articles([])
    # what a killed merge or commit leaves: an unreferenced segment and a writer's temp folder
    (ix / "MAIN_deadbeef00000000.seg").write_bytes(b"\0" * 1000)
    (ix / "MAIN.tmp").mkdir()
    (ix / "MAIN.tmp" / "pool.tmp").write_bytes(b"x" * 1000)
    (ix / "zq3k8s.tmp").mkdir()
    time.sleep(0.01)
    with Index.open(ix) as index:
        index.add_articles([])  # a writer that writes nothing still cleans up
    names = sorted(p.name for p in ix.iterdir())
    assert "MAIN_deadbeef00000000.seg" not in names and "MAIN.tmp" not in names
    assert "zq3k8s.tmp" not in names


def _file_size_limit(limit: int):
    def apply() -> None:  # in the child: files past *limit* bytes fail with EFBIG
        import resource
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error, not a kill
    return apply


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
def test_a_final_merge_that_does_not_fit_is_a_note_and_exit_0(tmp_path):
    """Every batch fits, the merged segment does not: nothing the user asked for failed."""
    corpus = make_corpus(tmp_path / "a.jsonl", 400)
    ix = tmp_path / "ix"
    cmd = [script(), "index", str(corpus), "--index", str(ix), "--batch-size", "100"]
    # four batch segments of about 45 KB each; merged, about 160 KB
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT,
                         preexec_fn=_file_size_limit(100_000))
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip().splitlines() == [
        "searchlib: note: the final merge could not be written (File too large); every batch "
        "is committed and the next run finishes the merge"]
    assert "400 articles added" in res.stdout
    segments = sorted(p.name for p in ix.glob("*.seg"))
    assert len(segments) == 4, segments  # the half-written merged segment is gone
    assert set(p.name for p in ix.iterdir()) - _files_in_use(ix) <= {
        "searchlib.json", "searchlib.sums", "MAIN_WRITELOCK", "searchlib.run",
        "entity_names.json"}
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    assert again.returncode == 0 and "400 skipped" in again.stdout, again.stderr
    assert len(list(ix.glob("*.seg"))) == 1
    with Index.open(ix) as index:
        assert index.stats().articles == 400

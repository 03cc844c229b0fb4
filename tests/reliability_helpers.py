"""Shared by the reliability tests: a generated corpus, the installed script, file signals.

Not a test module (no ``test_`` prefix); imported as ``tests.reliability_helpers``.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

#: Generous: the machine may be loaded, and nothing here asserts speed.
TIMEOUT = 180


def script() -> str:
    """The installed ``searchlib`` console script next to this Python."""
    found = shutil.which("searchlib", path=str(Path(sys.executable).parent))
    if not found:
        pytest.fail("the searchlib console script is not installed next to this Python")
    return found


def paragraph_count(i: int) -> int:
    """Body paragraphs of generated article *i* (1 to 5, so batches differ in size)."""
    return i % 5 + 1


def make_corpus(path: Path, n: int) -> Path:
    """A JSONL file of *n* articles ``a0``..; every paragraph, headline too, says Taiwan."""
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            paras = [f"Paragraph {j} of article {i}: Taiwan trade talks in Berlin."
                     for j in range(paragraph_count(i))]
            f.write(json.dumps({"id": f"a{i}", "title": f"Taiwan headline {i}",
                                "date": "2023-06-14", "paragraphs": paras}) + "\n")
    return path


def prefix_paragraphs(k: int) -> int:
    """Paragraphs (headlines included) of the first *k* generated articles."""
    return sum(paragraph_count(i) + 1 for i in range(k))


def generation(index_dir: Path) -> int:
    """The latest committed Whoosh generation: its TOC file is the commit's on-disk signal."""
    gens = [int(m[1]) for p in index_dir.glob("_MAIN_*.toc")
            if (m := re.fullmatch(r"_MAIN_(\d+)\.toc", p.name))]
    return max(gens, default=-1)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    """Poll *condition* (a file on disk, a process state) until it holds."""
    until = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > until:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def start_indexing(corpus: Path, index_dir: Path, batch_size: int = 10,
                   *extra: str) -> subprocess.Popen:
    """``searchlib index`` in a real subprocess, with Ctrl-C delivered as in a terminal."""
    def default_sigint() -> None:
        # A child of a shell's background job inherits SIGINT ignored; Python then never
        # raises KeyboardInterrupt. Restore the default so the test means what it says.
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    return subprocess.Popen(
        [script(), "index", str(corpus), "--index", str(index_dir), "--batch-size",
         str(batch_size), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=default_sigint)


def wait_for_commits(proc: subprocess.Popen, index_dir: Path, commits: int = 2) -> None:
    """Block until *commits* batches are committed, and check the writer is still busy."""
    wait_for(lambda: generation(index_dir) >= commits or proc.poll() is not None,
             f"{commits} commits in {index_dir}")
    if proc.poll() is not None:
        out, err = proc.communicate()
        pytest.fail(f"indexer ended (rc {proc.returncode}) before it could be stopped: "
                    f"{out} {err}")


def stop(proc: subprocess.Popen) -> None:
    """Kill *proc* if it still runs (cleanup)."""
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=TIMEOUT)

"""The installed `searchlib` console script and `python -m searchlib`, in real subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared import EXAMPLES


def script() -> str:
    found = shutil.which("searchlib", path=str(Path(sys.executable).parent))
    if not found:
        pytest.fail("the searchlib console script is not installed next to this Python")
    return found


def test_installed_script_indexes_and_searches(tmp_path):
    env = dict(os.environ, SEARCHLIB_INDEX=str(tmp_path / "ix"))
    done = subprocess.run([script(), "index", str(EXAMPLES)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "articles added" in done.stdout
    done = subprocess.run([script(), "search", "Taiwan", "--format", "json"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["total"] >= 3 and all("Taiwan" in h["text"] or "Taiwan" in h["title"]
                                      or "Taiwan" in str(h["entities"]) for h in data["hits"])


def test_python_dash_m(tmp_path):
    done = subprocess.run([sys.executable, "-m", "searchlib", "stats", "--index",
                           str(tmp_path / "none")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("searchlib: error: no searchlib index")
    assert "Traceback" not in done.stderr


def _run_on_terminal(args: list[str]) -> str:
    """Run the script with a pseudo-terminal as stdout and stderr; return what it wrote."""
    pty = pytest.importorskip("pty", reason="needs a POSIX pseudo-terminal")
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the script
        os.execv(script(), [script(), *args])
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:  # the terminal closes when the child exits
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_only(tmp_path):
    shown = _run_on_terminal(["index", str(EXAMPLES), "--index", str(tmp_path / "a")])
    assert "indexing (" in shown and "100%" in shown and "articles added" in shown
    merging = _run_on_terminal(["index", str(EXAMPLES), "--index", str(tmp_path / "m"),
                                "--batch-size", "2"])  # several commits: merged at the end
    assert "merging the run's segments" in merging and "merging" not in shown
    quiet = _run_on_terminal(["index", str(EXAMPLES), "--index", str(tmp_path / "b"), "-q"])
    assert quiet.strip() == ""
    piped = subprocess.run([script(), "index", str(EXAMPLES), "--index", str(tmp_path / "c")],
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0 and "indexing" not in piped.stderr

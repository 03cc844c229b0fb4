"""The installed `searchlib` console script and `python -m searchlib`, in real subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES


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

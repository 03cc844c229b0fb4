"""Shared fixtures: every index lives under tmp_path, built through the public API."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import searchlib
from tests.shared import EXAMPLES, SEED


@pytest.fixture(autouse=True)
def _index_env(tmp_path, monkeypatch):
    """Point SEARCHLIB_INDEX at a temp folder so no test touches ./searchlib-index."""
    monkeypatch.setenv("SEARCHLIB_INDEX", str(tmp_path / "env-index"))


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"../shared not present: the seed article {SEED} is needed")
    return SEED


@pytest.fixture
def seed_index(tmp_path, seed_path):
    """A real on-disk index holding the seed article."""
    ix = searchlib.Index.create(tmp_path / "seed-index")
    report = ix.add_paths([seed_path])
    assert report.added == 1 and not report.errors
    yield ix
    ix.close()


@pytest.fixture
def examples_index(tmp_path):
    """A real on-disk index holding the bundled examples."""
    ix = searchlib.Index.create(tmp_path / "examples-index")
    report = ix.add_paths([EXAMPLES])
    assert not report.errors
    yield ix
    ix.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()

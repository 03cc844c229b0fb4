"""Where the tests find their data, and the in-process CLI call most CLI tests make.

The corpora live in ../shared beside the repository (never copied into it); tests that
need them skip with the reason when it is absent.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result
from searchlib.cli import main

import searchlib

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "000_1f2fab2566e00ffb.txt"
WIKINEWS = SHARED / "corpus" / "wikinews"
EXAMPLES = REPO / "examples"


def seed_article_id(ix: searchlib.Index) -> str:
    return ix.search("Taiwan").hits[0].article_id


def run(runner: CliRunner, *args: str, code: int = 0) -> Result:
    """Invoke the CLI in-process and check its exit code."""
    result = runner.invoke(main, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result

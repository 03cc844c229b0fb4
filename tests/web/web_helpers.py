"""What the web tests share: an index with hostile text, a real server, a real browser."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import searchlib

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

#: Debian's chromium (Playwright's own browser download does not work on these machines).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

#: Markup in every field a page shows: none of it may reach the page as markup.
HOSTILE = searchlib.Article(
    title='Harbour <script>alert("title")</script> report',
    paragraphs=['Taiwan said <script>alert(1)</script> and <img src=x onerror=alert(2)> '
                'were found & "quoted" in Kaohsiung harbour.',
                'A second paragraph about the harbour <b>bold</b> claims.'],
    id='evil"><script>alert(3)</script>', date=dt.date(2022, 12, 30),
    source='<i>Wire</i>', url="javascript:alert(4)")

#: Articles in other months, so that the date histogram has several bars.
MORE = [
    searchlib.Article("Taiwan election campaign opens", [
        "Campaigning for Taiwan's election opened in Taipei on Monday.",
        "Tsai Ing-wen spoke to supporters in Kaohsiung."],
        id="more-1", date=dt.date(2023, 4, 3), source="Example Wire"),
    searchlib.Article("Taiwan chip makers report exports", [
        "Chip exports from Taiwan rose in May, the ministry said."],
        id="more-2", date=dt.date(2023, 5, 20), source="Other Wire"),
]


def build_index(path: Path) -> Path:
    """The bundled examples, the hostile article and two more, in three commits."""
    with searchlib.Index.create(path) as ix:
        assert not ix.add_paths([EXAMPLES]).errors
        assert not ix.add_articles([HOSTILE]).errors
        assert not ix.add_articles(MORE).errors
    return path


@contextmanager
def web_client(path: Path) -> Iterator:
    """Starlette's test client over the app serving a new :func:`build_index` at *path*
    (as 127.0.0.1, a host the app answers); its index is ``client.app.state.index``."""
    from searchlib.web import create_app
    from starlette.testclient import TestClient

    with searchlib.Index.open(build_index(path)) as ix:
        with TestClient(create_app(ix), base_url="http://127.0.0.1") as client:
            yield client


def script() -> str:
    found = shutil.which("searchlib", path=str(Path(sys.executable).parent))
    if not found:
        pytest.fail("the searchlib console script is not installed next to this Python")
    return found


class Server:
    """``searchlib serve --port 0`` in a subprocess, on 127.0.0.1."""

    def __init__(self, index: Path, *args: str, **env: str) -> None:
        self.proc = subprocess.Popen([script(), "serve", "--index", str(index), "--port", "0",
                                      *args], stderr=subprocess.PIPE, text=True,
                                     env=dict(os.environ, PYTHONUNBUFFERED="1", **env))
        line = self.proc.stderr.readline()
        if "serving" not in line:
            self.proc.kill()
            pytest.fail(f"searchlib serve did not start: {line!r}")
        self.url = line.split(" at ", 1)[1].split()[0].rstrip("/")

    def stop(self) -> int:
        """Ctrl-C, as a person stops it; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def chromium() -> str:
    """The browser's path, or a skip saying why there is none."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    return CHROMIUM

"""``searchlib serve`` as a command: a real server process on 127.0.0.1, its errors, and
searches while ``searchlib index`` writes to the same index."""

from __future__ import annotations

import json
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

import searchlib
from tests.web.web_helpers import EXAMPLES, Server, script


@pytest.fixture
def index_path(tmp_path):
    with searchlib.Index.create(tmp_path / "ix") as ix:
        assert not ix.add_paths([EXAMPLES]).errors
    return tmp_path / "ix"


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def test_serves_until_ctrl_c(index_path):
    srv = Server(index_path)
    try:
        assert srv.url.startswith("http://127.0.0.1:")
        assert get_json(srv.url + "/api/stats")["articles"] == 8
        with urllib.request.urlopen(srv.url + "/?q=Taiwan", timeout=30) as r:
            assert r.status == 200 and b"<mark>Taiwan</mark>" in r.read()
    finally:
        assert srv.stop() == 130


def test_open_starts_the_browser_on_the_page(index_path, tmp_path):
    opened = tmp_path / "opened"
    opener = tmp_path / "opener"
    opener.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    opener.chmod(0o755)
    srv = Server(index_path, "--open", BROWSER=str(opener))  # webbrowser reads $BROWSER
    try:
        assert _wait_for(lambda: opened.exists() and opened.read_text().strip())
        assert opened.read_text().strip() == srv.url + "/"
    finally:
        assert srv.stop() == 130


def test_without_the_web_extra(index_path):
    # The web extra's packages made unimportable, as in a base install.
    code = ("import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None\n"
            "from searchlib.cli import main\n"
            f"main(['serve', '--index', {str(index_path)!r}])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'searchlib[web]'" in lines[0], done.stderr


def test_missing_index_and_busy_port(tmp_path, index_path):
    done = subprocess.run([script(), "serve", "--index", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([script(), "serve", "--index", str(index_path), "--port",
                               str(port)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"searchlib: error: cannot listen on 127.0.0.1:{port}: Address already in use"]


def _total(url: str, q: str) -> int:
    return get_json(f"{url}/api/search?q={q}")["total"]


def _wait_for(check, seconds: float = 30.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_search_while_indexing_answers_from_the_last_commit(index_path):
    """The library's ingest (what ``searchlib index`` runs) writes articles as a test thread
    hands them over, two per commit, holding the write lock throughout; the server, another
    process, answers meanwhile with what is committed."""
    srv = Server(index_path)
    handed: queue.Queue = queue.Queue()

    def articles():
        while (n := handed.get()) is not None:
            yield searchlib.Article(f"Quokka report {n}", ["Quokka sightings near Perth."],
                                    id=f"live-{n}")

    reports = []
    ix = searchlib.Index.open(index_path)
    writer = threading.Thread(target=lambda: reports.append(
        ix.add_articles(articles(), batch_size=2)))
    writer.start()
    try:
        handed.put(1)
        handed.put(2)  # the first batch of two: committed
        assert _wait_for(lambda: _total(srv.url, "quokka") == 4)  # two paragraphs each
        handed.put(3)  # taken, not yet committed
        time.sleep(1.0)
        assert writer.is_alive()  # still indexing, lock held
        assert _total(srv.url, "quokka") == 4
        assert get_json(srv.url + "/api/stats")["articles"] == 10
        handed.put(4)
        assert _wait_for(lambda: _total(srv.url, "quokka") == 8)
    finally:
        handed.put(None)
        writer.join(timeout=60)
        ix.close()
        assert srv.stop() == 130
    assert reports and reports[0].added == 4

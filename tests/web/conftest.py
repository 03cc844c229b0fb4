"""Fixtures of the web tests: one index and one test client per test module."""

from __future__ import annotations

import pytest

from tests.web.web_helpers import web_client


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """Starlette's test client over an index of the examples and a hostile article."""
    with web_client(tmp_path_factory.mktemp("web") / "ix") as c:
        yield c


@pytest.fixture(scope="module")
def index(client):
    """The :class:`searchlib.Index` the app serves."""
    return client.app.state.index

"""The JSON API returns exactly what the CLI's ``--format json`` prints for the same
options, errors included (the CLI's one-line message is the API's ``error``)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from searchlib.cli import main


def cli(index, *args: str, code: int = 0):
    result = CliRunner().invoke(main, [*args, "--index", str(index.path)])
    assert result.exit_code == code, (result.output, result.exception)
    return result


def cli_json(index, *args: str):
    return json.loads(cli(index, *args, "--format", "json").stdout)


SEARCHES = [
    # (URL parameters, the same options on the command line)
    ([("q", "Taiwan")], ["Taiwan"]),
    ([], []),
    ([("q", "Taiwan"), ("person", "Blinken"), ("since", "2023-06"), ("until", "2023-06-30")],
     ["Taiwan", "--person", "Blinken", "--since", "2023-06", "--until", "2023-06-30"]),
    ([("q", "Blinken OR Taiwan"), ("by_article", "1"), ("limit", "3"), ("page", "2")],
     ["Blinken OR Taiwan", "--by-article", "--limit", "3", "--page", "2"]),
    ([("q", "Lagarde"), ("context", "1")], ["Lagarde", "--context", "1"]),
    ([("place", "Taiwan"), ("place", "Beijing"), ("sort", "oldest")],
     ["--place", "Taiwan", "--place", "Beijing", "--sort", "oldest"]),
    ([("source", "example wire"), ("sort", "newest")], ["--source", "example wire",
                                                         "--sort", "newest"]),
    ([("q", "Taiwn")], ["Taiwn"]),
    ([("q", "harbour")], ["harbour"]),  # the hostile article: markup in every field
]


@pytest.mark.parametrize("params, args", SEARCHES)
def test_search_json_equals_cli(index, client, params, args):
    api = client.get("/api/search", params=params)
    assert api.status_code == 200, api.text
    assert api.json() == cli_json(index, "search", *args)


def test_entities_json_equals_cli(index, client):
    assert client.get("/api/entities").json() == cli_json(index, "entities")
    assert (client.get("/api/entities", params={"q": "Taiwan", "kind": "person", "top": 2})
            .json() == cli_json(index, "entities", "Taiwan", "--kind", "person", "--top", "2"))


def test_article_similar_stats_json_equal_cli(index, client):
    hit = index.search("Lagarde").hits[0]
    assert (client.get(f"/api/article/{hit.article_id}").json()
            == cli_json(index, "show", hit.article_id))
    pid = hit.id.replace("#", "%23")
    assert (client.get(f"/api/similar/{pid}", params={"limit": 3}).json()
            == cli_json(index, "similar", hit.id, "--limit", "3"))
    assert client.get("/api/stats").json() == cli_json(index, "stats")


@pytest.mark.parametrize("path, params, args, status", [
    ("/api/search", {"q": "Taiwan AND"}, ["search", "Taiwan AND"], 400),
    ("/api/search", {"q": "nosuchfield:x"}, ["search", "nosuchfield:x"], 400),
    ("/api/search", {"since": "2023-07", "until": "2023-06"},
     ["search", "--since", "2023-07", "--until", "2023-06"], 400),
    ("/api/article/no-such-article", {}, ["show", "no-such-article"], 404),
    ("/api/similar/no-such%230", {}, ["similar", "no-such#0"], 404),
])
def test_errors_equal_cli(index, client, path, params, args, status):
    api = client.get(path, params=params)
    assert api.status_code == status
    line = cli(index, *args, "--format", "json", code=1).stderr.strip()
    assert line == f"searchlib: error: {api.json()['error']}"


def test_exports_equal_cli(index, client):
    assert (client.get("/export/hits.csv", params={"q": "Taiwan", "by_article": "1"}).text
            == cli(index, "search", "Taiwan", "--by-article", "--all", "--format", "csv")
            .stdout)
    assert (client.get("/export/hits.jsonl", params={"q": "Taiwan"}).text
            == cli(index, "search", "Taiwan", "--all", "--format", "jsonl").stdout)
    assert (client.get("/export/articles.jsonl", params={"q": "Qin"}).text
            == cli(index, "export", "Qin").stdout)

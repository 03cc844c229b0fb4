"""The news-desk search options and the similar/export commands through the CLI (issue 4)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from searchlib.cli import main
from searchlib.cli._render import CSV_COLUMNS

from tests.shared import EXAMPLES, run


@pytest.fixture
def ix(runner, tmp_path):
    path = str(tmp_path / "cli-index")
    result = runner.invoke(main, ["index", str(EXAMPLES), "--index", path, "-q"])
    assert result.exit_code == 0, result.output
    return path


def search_json(runner, ix, *args) -> dict:
    return json.loads(run(runner, "search", *args, "--index", ix, "--format", "json").output)


def test_filters_and_empty_query(runner, ix):
    data = search_json(runner, ix, "--person", "Blinken", "--person", "Qin Gang",
                       "--since", "2023-06", "--until", "2023-06-30")
    assert data["query"] == "" and data["sort"] == "newest" and data["total"] > 0
    assert data["filters"] == {"person": ["Blinken", "Qin Gang"], "since": "2023-06",
                               "until": "2023-06-30"}
    assert all({"Antony Blinken", "Qin Gang"} <= set(h["entities"]["person"])
               for h in data["hits"])
    data = search_json(runner, ix, "Taiwan", "--place", "Taiwan", "--source", "example wire")
    assert {h["article_id"] for h in data["hits"]} == {"ex-jsonl-001"}
    data = search_json(runner, ix, "--org", "European Central Bank", "--until", "2023")
    assert data["total"] > 0


def test_bad_date_is_a_usage_error(runner, ix):
    out = run(runner, "search", "Taiwan", "--since", "2023-13", "--index", ix, code=2).output
    assert "--since" in out and "impossible date" in out
    run(runner, "search", "--until", "last week", "--index", ix, code=2)
    # --since after --until is a search error: one line, exit 1
    out = run(runner, "search", "--since", "2024", "--until", "2023", "--index", ix, code=1)
    assert out.output.count("\n") == 1 and "after" in out.output


def test_sort_and_paging(runner, ix):
    seen = []
    for page in (1, 2, 3, 4):
        data = search_json(runner, ix, "Blinken OR Taiwan", "--sort", "oldest", "--limit", "4",
                           "--page", str(page))
        seen += [h["id"] for h in data["hits"]]
    full = search_json(runner, ix, "Blinken OR Taiwan", "--sort", "oldest", "--limit", "100")
    assert seen == [h["id"] for h in full["hits"]] and len(seen) == full["total"] > 8
    dates = [h["date"] for h in full["hits"] if h["date"]]
    assert dates == sorted(dates)


def test_by_article_and_context_json(runner, ix):
    data = search_json(runner, ix, "Blinken", "--by-article", "--context", "1")
    assert data["by_article"] and data["total_paragraphs"] > data["total"] == len(data["hits"])
    hit = data["hits"][0]
    assert hit["match_count"] == len(hit["matching_paragraphs"])
    assert set(hit["context"]) == {"before", "after"}
    for p in hit["context"]["before"] + hit["context"]["after"]:
        assert isinstance(p["paragraph"], int) and p["text"]


def test_text_output(runner, ix):
    out = run(runner, "search", "Blinken", "--by-article", "--context", "1", "--index", ix)
    assert "articles (" in out.output and "matching paragraphs in this article: ¶" in out.output
    out = run(runner, "search", "Taiwn", "--index", ix).output
    assert "Did you mean: taiwan" in out
    out = run(runner, "search", "person:Blinkn", "--index", ix).output
    assert "Did you mean: person:blinken" in out
    out = run(runner, "search", "weigh new limits", "--context", "1", "--index", ix).output
    # the headline hit, then paragraph 1 after it as context
    assert "¶1 The Netherlands and Japan" in out


def test_csv_all_parses_back(runner, ix):
    out = run(runner, "search", "--all", "--format", "csv", "--index", ix).output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == CSV_COLUMNS and CSV_COLUMNS[:12] == [
        "id", "article_id", "title", "date", "paragraph", "score", "text", "person", "place",
        "org", "source", "url"]
    assert len(rows) == 33 and len({r["id"] for r in rows}) == 33  # more than one page
    row = next(r for r in rows if r["id"] == "ex-jsonl-001#2")
    assert row["person"] == "Tsai Ing-wen" and "Taiwan" in row["place"].split("; ")
    grouped = list(csv.DictReader(io.StringIO(run(
        runner, "search", "Taiwan", "--by-article", "--all", "--format", "csv", "--index", ix
    ).output)))
    assert all(r["matching_paragraphs"] for r in grouped)


def test_jsonl_all_and_its_usage(runner, ix):
    out = run(runner, "search", "Blinken OR Taiwan OR Qin", "--all", "--format", "jsonl",
              "--index", ix).output
    lines = [json.loads(x) for x in out.splitlines()]
    assert len(lines) == search_json(runner, ix, "Blinken OR Taiwan OR Qin")["total"] > 10
    run(runner, "search", "Taiwan", "--all", "--index", ix, code=2)


def test_similar_command(runner, ix):
    pid = search_json(runner, ix, '"spoke by phone"')["hits"][0]["id"]
    data = json.loads(run(runner, "similar", pid, "--limit", "3", "--index", ix,
                          "--format", "json").output)
    assert data["paragraph_id"] == pid and len(data["hits"]) == 3
    assert data["hits"][0]["article_id"] != pid.split("#")[0]
    assert "paragraphs like" in run(runner, "similar", pid, "--index", ix).output
    run(runner, "similar", "nope#1", "--index", ix, code=1)


def test_export_command_round_trip(runner, ix, tmp_path):
    out = run(runner, "export", "--index", ix).output
    dump = tmp_path / "dump.jsonl"
    dump.write_text(out, encoding="utf-8")
    assert len(out.splitlines()) == 8
    again = str(tmp_path / "again")
    run(runner, "index", str(dump), "--index", again, "-q")
    for q in ["Taiwan", "person:Qin", ""]:
        assert search_json(runner, again, q, "--limit", "100") == \
            search_json(runner, ix, q, "--limit", "100")
    part = run(runner, "export", "semiconductors", "--since", "2023", "--index", ix).output
    exported = [json.loads(x)["id"] for x in part.splitlines()]
    assert len(exported) == 2 and exported[0] == "ex-jsonl-003"
    assert "blinken-beijing" in exported[1]  # the undated chip story is left out

"""The CLI through click's CliRunner: commands, output formats, exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from searchlib.cli import main
from searchlib.index._format import SCHEMA_VERSION

from tests.shared import run


@pytest.fixture
def seeded(runner, tmp_path, seed_path):
    ix = str(tmp_path / "cli-index")
    result = runner.invoke(main, ["index", str(seed_path), "--index", ix])
    assert result.exit_code == 0, result.output
    return ix


def test_index_summary_line(runner, tmp_path, seed_path):
    ix = str(tmp_path / "i")
    out = run(runner, "index", str(seed_path), "--index", ix).output
    assert "1 articles added, 0 replaced, 0 skipped" in out and "12 paragraphs" in out
    out = run(runner, "index", str(seed_path), "--index", ix).output
    assert "0 articles added, 0 replaced, 1 skipped" in out


def test_index_quiet_prints_nothing(runner, tmp_path, seed_path):
    assert run(runner, "index", str(seed_path), "--index", str(tmp_path / "i"), "-q").output == ""


def test_search_json_shape(runner, seeded):
    data = json.loads(run(runner, "search", "Taiwan", "--index", seeded, "--format", "json")
                      .output)
    assert {"query", "total", "page", "hits"} <= set(data)
    assert (data["query"], data["total"], data["page"]) == ("Taiwan", 2, 1)
    hit = data["hits"][0]
    types = {"id": str, "article_id": str, "title": str, "date": str, "paragraph": int,
             "text": str, "highlight": str, "score": float, "entities": dict}
    for key, typ in types.items():
        assert isinstance(hit[key], typ), key
    assert hit["date"] == "2023-06-14"
    assert set(hit["entities"]) == {"person", "place", "org"}
    assert all(isinstance(v, list) for v in hit["entities"].values())


def test_search_text_is_plain_when_piped(runner, seeded):
    out = run(runner, "search", "Taiwan", "--index", seeded).output
    assert "2 paragraphs match 'Taiwan'" in out
    assert "¶3" in out and "¶8" in out and "2023-06-14" in out
    assert "\x1b[" not in out and "<b>" not in out


def test_search_jsonl_and_csv(runner, seeded):
    lines = run(runner, "search", "Qin", "--index", seeded, "--format", "jsonl").output
    hits = [json.loads(x) for x in lines.splitlines()]
    assert len(hits) == 6
    rows = list(csv.DictReader(io.StringIO(
        run(runner, "search", "Qin", "--index", seeded, "--format", "csv").output)))
    assert len(rows) == 6 and {r["paragraph"] for r in rows} == {"0", "1", "2", "3", "9", "10"}


def test_search_paging(runner, seeded):
    a = json.loads(run(runner, "search", "Blinken", "--index", seeded, "--format", "json",
                       "--limit", "2", "--page", "2").output)
    assert a["page"] == 2 and len(a["hits"]) == 2


def test_show_and_stats_json(runner, seeded):
    hit = json.loads(run(runner, "search", "Taiwan", "--index", seeded, "--format",
                         "json").output)["hits"][0]
    art = json.loads(run(runner, "show", hit["article_id"], "--index", seeded, "--format",
                         "json").output)
    assert {"id", "title", "date", "source", "url", "paragraphs"} <= set(art)
    assert len(art["paragraphs"]) == 12
    assert set(art["paragraphs"][0]) >= {"paragraph", "text", "entities"}
    st = json.loads(run(runner, "stats", "--index", seeded, "--format", "json").output)
    assert st["articles"] == 1 and st["paragraphs"] == 12 and st["index"] == seeded
    assert isinstance(st["size_bytes"], int) and st["extractor"] == "tagger"
    assert st["schema_version"] == SCHEMA_VERSION
    assert "Taiwan" in run(runner, "show", hit["article_id"], "--index", seeded).output


def test_delete(runner, seeded):
    aid = json.loads(run(runner, "search", "Taiwan", "--index", seeded, "--format",
                         "json").output)["hits"][0]["article_id"]
    assert "12 paragraphs" in run(runner, "delete", aid, "--index", seeded).output
    res = run(runner, "delete", aid, "--index", seeded, code=1)
    assert "no article" in res.output
    assert json.loads(run(runner, "stats", "--index", seeded, "--format", "json")
                      .output)["paragraphs"] == 0


def test_missing_index_is_one_line_exit_1(runner, tmp_path):
    res = run(runner, "search", "x", "--index", str(tmp_path / "none"), code=1)
    assert res.output.count("\n") == 1 and "searchlib index" in res.output


def test_env_var_locates_the_index(runner, tmp_path, seed_path, monkeypatch):
    monkeypatch.setenv("SEARCHLIB_INDEX", str(tmp_path / "env"))
    run(runner, "index", str(seed_path))
    assert "2 paragraphs" in run(runner, "search", "Taiwan").output


def test_bad_query_is_one_line_exit_1(runner, seeded):
    res = run(runner, "search", "bogus:field", "--index", seeded, code=1)
    assert res.output.startswith("searchlib: error: unknown field 'bogus'")
    assert "Traceback" not in res.output


def test_usage_errors_exit_2(runner):
    run(runner, "search", "x", "--sort", "random", code=2)  # QUERY is optional (issue 4)
    run(runner, "search", "x", "--limit", "0", code=2)
    run(runner, "nosuchcommand", code=2)


def test_bad_input_is_reported_and_rest_indexed(runner, tmp_path, seed_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "ok", "text": "fine words"}\nnot json\n', encoding="utf-8")
    ix = str(tmp_path / "i")
    res = run(runner, "index", str(bad), str(seed_path), str(tmp_path / "missing"), "--index",
              ix, code=1)
    assert f"{bad}:2: not JSON" in res.output and "missing: no such file" in res.output
    assert "2 articles added" in res.output and "2 files with errors" in res.output


def test_stdin(runner, tmp_path):
    ix = str(tmp_path / "i")
    res = runner.invoke(main, ["index", "-", "--format", "jsonl", "--index", ix],
                        input='{"title": "Piped", "text": "Taiwan news"}\n')
    assert res.exit_code == 0, res.output
    assert "1 paragraph match 'Taiwan'" in run(runner, "search", "Taiwan", "--index", ix).output
    assert json.loads(run(runner, "search", "Taiwan", "--index", ix, "--format", "json")
                      .output)["total"] == 1

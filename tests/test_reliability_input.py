"""Bad input and bad queries: one clear line each, the rest still done, exit 1; --strict."""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner
from searchlib.cli import main
from searchlib.index._readers import MAX_PARAGRAPH_CHARS

import searchlib
from searchlib import Article, Index
from tests.reliability_helpers import TIMEOUT, script

GOOD = "date 2023-06-14 Good headline about Taiwan\n\nTaiwan body paragraph.\n"
BIG = "word " * (3 * 1024 * 1024 // 5)  # one paragraph of 3 MB, no blank line

# (file name, bytes, what the error line says, line number or None)
BAD_FILES = [
    ("empty.txt", b"", "empty file", None),
    ("blank.txt", b" \n\n \n", "empty file", None),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", None),
    ("latin1.txt", "Café headline\n\nBody.\n".encode("latin-1"), "not valid UTF-8", 1),
    ("baddate.txt", b"date 2023-13-45 Headline\n\nBody.\n", "impossible date", 1),
    ("notjson.jsonl", b'{"title": "ok", "text": "fine"}\n{not json\n', "not JSON", 2),
    ("notitle.jsonl", b'{"text": "no title here"}\n', "no title", 1),
    ("notext.jsonl", b'{"title": "no text"}\n', "no text", 1),
    ("nocolumn.csv", b"url,date,headline\nu,2020-01-01,h\n", "lacks column(s) title, text", 1),
    ("ragged.csv", b"title,text\nA,B\nC\n", "row has 1 fields, header has 2", 3),
    ("huge.txt", f"Huge headline\n\n{BIG}\n".encode(), "paragraph 1 is", None),
    ("huge.jsonl", json.dumps({"title": "T", "text": BIG}).encode() + b"\n",
     "paragraph 1 is", 1),
]


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize("name, data, says, line", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_one_line_and_the_rest_is_indexed(runner, tmp_path, name, data, says, line):
    bad = tmp_path / name
    bad.write_bytes(data)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    ix = str(tmp_path / "ix")
    res = runner.invoke(main, ["index", str(bad), str(good), "--index", ix])
    assert res.exit_code == 1, res.output
    errors = [ln for ln in res.output.splitlines() if ln.startswith("searchlib: error:")]
    where = f"{bad}:{line}: " if line else f"{bad}: "
    [err] = errors
    assert err.startswith(f"searchlib: error: {where}") and says in err
    assert len(err) < 400, "one readable line, not the offending text"
    with Index.open(ix) as index:
        assert index.search("Taiwan").total >= 2  # the good file, whatever the bad one did


def test_multi_megabyte_paragraph_rejects_the_article_only(tmp_path):
    p = tmp_path / "mixed.jsonl"
    p.write_text(json.dumps({"id": "big", "title": "Big", "text": BIG}) + "\n"
                 + json.dumps({"id": "ok", "title": "Fine", "text": "Small."}) + "\n",
                 encoding="utf-8")
    with Index.create(tmp_path / "ix") as ix:
        report = ix.add_paths([p])
        [err] = report.errors
        assert err.line == 1 and f"limit {MAX_PARAGRAPH_CHARS:,}" in str(err)
        assert report.added == 1 and ix.article("ok").title == "Fine"
        report = ix.add_articles([Article("Big", [BIG], id="lib-big")])
        assert report.added == 0 and "lib-big" in str(report.errors[0])


def test_missing_path_and_directory_without_articles(runner, tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.md").write_text("not an article")
    (tmp_path / "empties").mkdir()
    (tmp_path / "empties" / "a.txt").write_bytes(b"")
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    res = runner.invoke(main, ["index", str(tmp_path / "nope"), str(tmp_path / "notes"),
                               str(tmp_path / "empties"), str(good), "--index",
                               str(tmp_path / "ix")])
    assert res.exit_code == 1
    assert f"{tmp_path / 'nope'}: no such file or directory" in res.output
    assert f"{tmp_path / 'notes'}: directory holds no article files" in res.output
    assert f"{tmp_path / 'empties' / 'a.txt'}: empty file" in res.output
    assert "1 articles added" in res.output and "3 files with errors" in res.output


def test_bad_input_in_a_real_process_has_no_traceback(tmp_path):
    for name, data, _, _ in BAD_FILES:
        (tmp_path / name).write_bytes(data)
    done = subprocess.run([script(), "index", str(tmp_path), "--index", str(tmp_path / "ix")],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == len(BAD_FILES)
    assert all(ln.startswith("searchlib: error: ") for ln in done.stderr.splitlines())


# -- --strict -------------------------------------------------------------------------------


def index_files(index_dir) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in index_dir.iterdir()}


def test_strict_stops_at_the_first_bad_input_and_leaves_the_index_as_it_was(runner, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    index_dir = tmp_path / "ix"
    assert runner.invoke(main, ["index", str(good), "--index", str(index_dir)]).exit_code == 0
    before = index_files(index_dir)
    more = tmp_path / "more.jsonl"
    more.write_text("".join(json.dumps({"id": f"m{i}", "title": f"More {i}", "text": "Taiwan"})
                            + "\n" for i in range(50)) + "{broken\n", encoding="utf-8")
    res = runner.invoke(main, ["index", str(more), str(tmp_path / "nope"), "--index",
                               str(index_dir), "--strict", "--batch-size", "10"])
    assert res.exit_code == 1
    assert res.output == f"searchlib: error: {more}:51: not JSON (Expecting property name " \
                         "enclosed in double quotes)\n"
    assert index_files(index_dir) == before
    with Index.open(index_dir) as ix:
        assert ix.stats().articles == 1


def test_strict_with_no_index_leaves_no_index(runner, tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"")
    res = runner.invoke(main, ["index", str(tmp_path / "bad.txt"), "--index",
                               str(tmp_path / "ix"), "--strict"])
    assert res.exit_code == 1 and "empty file" in res.output
    assert not (tmp_path / "ix").exists()


def test_strict_with_good_input_and_stdin_indexes_everything(runner, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    res = runner.invoke(main, ["index", str(good), "-", "--format", "txt", "--index",
                               str(tmp_path / "ix"), "--strict"],
                        input="Piped headline\n\nPiped Taiwan body.\n")
    assert res.exit_code == 0, res.output
    assert "2 articles added" in res.output


def test_strict_library_raises_the_first_input_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("title,text\nA,B\nC\n", encoding="utf-8")
    with Index.create(tmp_path / "ix") as ix:
        with pytest.raises(searchlib.InputError) as info:
            ix.add_paths([bad], strict=True)
        assert info.value.line == 3
        # The index was new: strict leaves none behind, as the CLI does.
        assert not (tmp_path / "ix").exists()
        with pytest.raises(searchlib.IndexNotFoundError, match="first ingest failed"):
            ix.stats()


# -- bad queries ----------------------------------------------------------------------------

BAD_QUERIES = [
    '"foreign ministry', "(Taiwan", "Taiwan)", "[Taiwan", "date:[2023-06-01 to",
    "NOT", "Taiwan NOT", "AND Taiwan", "nosuch:field", "author:smith", "*", "?",
    "Taiwan\x00\x07\x1b", "x" * 100_000, "Taiwan~9", "Taiwan~1/99", "date:2023-13-45",
    "date:abc", "Taiwan^1e400", '"', "~", ":", "{", "date:[abc to def]",
]


@pytest.fixture
def small_index(tmp_path):
    with Index.create(tmp_path / "qix") as ix:
        ix.add_articles([Article("Taiwan talks", ["The foreign ministry on Taiwan."], id="q1")])
        yield ix


@pytest.mark.parametrize("query", BAD_QUERIES, ids=[q[:20] for q in BAD_QUERIES])
def test_bad_query_is_a_query_error_or_a_sensible_reading(small_index, runner, query):
    before = small_index.stats()
    try:
        res = small_index.search(query)
        assert res.total >= 0
        code = 0
    except searchlib.QueryError as e:
        assert "\n" not in str(e) and len(str(e)) < 400
        code = 1
    assert small_index.stats() == before
    res = runner.invoke(main, ["search", query, "--index", str(small_index.path)])
    assert res.exit_code == code, res.output
    if code:
        assert res.output.startswith("searchlib: error: ") and res.output.count("\n") == 1


@pytest.mark.parametrize("query, reading", [
    ('"foreign ministry', 1),   # an unclosed quote closes at the end
    ("(Taiwan", 2),             # an unclosed bracket likewise
    ("*", 2),                   # everything
])
def test_lenient_readings(small_index, query, reading):
    assert small_index.search(query).total == reading


@pytest.mark.parametrize("query, says", [
    ("NOT", "only the operator"), ("Taiwan NOT", "nothing after it"),
    ("nosuch:field", "unknown field 'nosuch'"), ("x" * 100_000, "limit is 10,000"),
    ("Taiwan~9", "at most ~2"), ("date:2023-13-45", "dates are YYYY"),
])
def test_query_errors_say_what_is_wrong(small_index, query, says):
    with pytest.raises(searchlib.QueryError, match=None) as info:
        small_index.search(query)
    assert says in str(info.value)

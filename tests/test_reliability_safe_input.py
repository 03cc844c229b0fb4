"""Input that cannot hurt the index: lone surrogates, odd file names, FIFOs, UTF-16/32,
NUL bytes, duplicate and non-string ids, undated records, punctuation-only paragraphs.

Items 2, 3, 5 and 10 of issue 13. The printing commands run in a real subprocess: the
poisoning showed only when a real stdout had to encode the text.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from searchlib.cli import main

from searchlib import Article, Index
from tests.reliability_helpers import TIMEOUT, script


def run(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    """The installed script, its output as bytes decoded strictly (no hidden replacement)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.run([script(), *args], capture_output=True, timeout=TIMEOUT, env=env,
                          input=input)
    proc.stdout = proc.stdout.decode("utf-8")  # raises if anything unencodable got out
    proc.stderr = proc.stderr.decode("utf-8")
    return proc


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Error:" not in proc.stderr.replace("searchlib: error:", ""), proc.stderr


def error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("searchlib: error:")]


@pytest.mark.parametrize("field", ["title", "paragraphs", "id", "source", "url"])
def test_lone_surrogate_is_replaced_and_reported_and_every_command_prints(tmp_path, field):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "g1", "title": "Good Taiwan", "text": "Taiwan."}) + "\n",
                    encoding="utf-8")
    rec = {"id": "p1", "title": "Poison Taiwan", "paragraphs": ["Taiwan body."],
           "source": "Wire", "url": "http://x/1"}
    rec[field] = (["Taiwan \ud83d body"] if field == "paragraphs" else f"Taiwan \ud83d {field}")
    bad = tmp_path / "bad.jsonl"
    # json.dumps writes the lone surrogate as the escape "\ud83d", as in the issue.
    bad.write_text("\n" + json.dumps(rec) + "\n", encoding="ascii")
    ix = str(tmp_path / "ix")
    res = run("index", str(bad), str(good), "--index", ix)
    no_traceback(res)
    assert res.returncode == 1
    [err] = error_lines(res.stderr)
    assert err.startswith(f"searchlib: error: {bad}:2: ") and "U+FFFD" in err
    assert repr(field) in err
    assert "2 articles added" in res.stdout  # the good file too, and the repaired article
    for cmd in (["search", "Taiwan"], ["search"], ["search", "Taiwan", "--format", "json"],
                ["search", "Taiwan", "--format", "csv"], ["export"],
                ["entities", "Taiwan"]):
        out = run(*cmd, "--index", ix)
        no_traceback(out)
        assert out.returncode == 0, (cmd, out.stderr)
    with Index.open(ix) as index:
        pid = "Taiwan \ufffd id" if field == "id" else "p1"
        shown = run("show", pid, "--index", ix)
        assert shown.returncode == 0, shown.stderr
        assert "\ufffd" in shown.stdout or field == "url"
        text = json.dumps([h.to_dict() for h in index.search("Taiwan", limit=5).hits])
        assert "\\ud83d" not in text


def test_strict_catches_a_lone_surrogate_and_commits_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps({"id": f"a{i}", "title": "T", "text": "x"}) + "\n"
                           for i in range(30))
                   + json.dumps({"id": "s", "title": "T \ud800", "text": "x"}) + "\n",
                   encoding="ascii")
    ix = tmp_path / "ix"
    res = run("index", str(bad), "--index", str(ix), "--strict", "--batch-size", "5")
    assert res.returncode == 1 and f"{bad}:31:" in res.stderr and "U+FFFD" in res.stderr
    assert not ix.exists()


def test_library_articles_with_surrogates_are_cleaned(tmp_path):
    with Index.create(tmp_path / "ix") as ix:
        report = ix.add_articles([Article("Head \udcff", ["Body \ud83d Taiwan"], id="x\ud800")])
        assert report.added == 1 and "U+FFFD" in str(report.errors[0])
        [hit] = ix.search("Taiwan").hits
        assert hit.article_id == "x\ufffd" and hit.title == "Head \ufffd"
        assert "\ufffd" in hit.text


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses non-UTF-8 file names")
def test_non_utf8_file_name_is_indexed_with_a_readable_id(tmp_path):
    folder = os.fsencode(tmp_path)
    name = folder + b"/caf\xe9.txt"
    with open(name, "wb") as f:
        f.write(b"date 2023-06-14 Cafe headline Taiwan\n\nTaiwan body.\n")
    bad_json = folder + b"/na\xefve.jsonl"
    with open(bad_json, "wb") as f:
        f.write(b'{"title": "Naive Taiwan", "text": "Taiwan."}\n{broken\n')
    ix = str(tmp_path / "ix")
    res = run("index", str(tmp_path), "--index", ix)
    no_traceback(res)
    assert res.returncode == 1  # the broken line only
    [err] = error_lines(res.stderr)
    assert "na\\xefve.jsonl:2: not JSON" in err
    assert "2 articles added" in res.stdout
    out = run("search", "Taiwan", "--index", ix, "--format", "json")
    assert out.returncode == 0
    ids = sorted({h["article_id"] for h in json.loads(out.stdout)["hits"]})
    assert ids[0].startswith("caf\\xe9-") and ids[1].startswith("na\\xefve-")


def test_fifo_inside_a_directory_is_skipped_not_waited_for(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Headline Taiwan\n\nTaiwan body.\n", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    ix = str(tmp_path / "ix")
    res = run("index", str(folder), "--index", ix)  # a hang fails by TIMEOUT
    no_traceback(res)
    assert res.returncode == 1
    [err] = error_lines(res.stderr)
    assert err == f"searchlib: error: {folder / 'pipe.txt'}: a FIFO (named pipe), not a " \
                  "regular file; skipped"
    assert "1 articles added" in res.stdout


BOMS = [("utf-16", codecs.BOM_UTF16_LE, "utf-16-le"), ("utf-16", codecs.BOM_UTF16_BE, "utf-16-be"),
        ("utf-32", codecs.BOM_UTF32_LE, "utf-32-le"), ("utf-32", codecs.BOM_UTF32_BE, "utf-32-be")]


@pytest.mark.parametrize("fmt", ["txt", "jsonl", "csv"])
@pytest.mark.parametrize("label, bom, codec", BOMS, ids=[b[2] for b in BOMS])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path, fmt, label, bom, codec):
    body = {"txt": "date 2023-06-14 Zürich headline\n\nZürich Taiwan body.\n\nSecond.\n",
            "jsonl": json.dumps({"title": "Zürich headline", "date": "2023-06-14",
                                 "text": "Zürich Taiwan body.\n\nSecond."},
                                ensure_ascii=False) + "\n",
            "csv": 'title,date,text\nZürich headline,2023-06-14,"Zürich Taiwan body.\n\nSecond."\n'
            }[fmt]
    f = tmp_path / f"wide.{fmt}"
    f.write_bytes(bom + body.encode(codec))
    ix = str(tmp_path / "ix")
    res = CliRunner().invoke(main, ["index", str(f), "--index", ix])
    assert res.exit_code == 0, res.output
    with Index.open(ix) as index:
        [hit] = index.search("Taiwan").hits
        assert hit.title == "Zürich headline" and str(hit.date) == "2023-06-14"
        assert hit.text == "Zürich Taiwan body."
        assert len(index.article(hit.article_id).paragraphs) == 3


@pytest.mark.parametrize("name, data, line", [
    ("late.csv", b"title,text\n" + b"A,fine\n" * 2000 + b"Bad\x00head,text\nC,fine\n", 2002),
    ("late.txt", b"Headline\n\n" + b"Body words here.\n" * 1000 + b"\n\nNUL \x00 here\n", 1005),
    ("escape.jsonl", b'{"title": "ok", "text": "fine"}\n{"title": "a\\u0000b", "text": "x"}\n',
     2),
])
def test_nul_bytes_in_text_are_an_input_error_naming_the_line(tmp_path, name, data, line):
    f = tmp_path / name
    f.write_bytes(data)
    ix = str(tmp_path / "ix")
    res = CliRunner().invoke(main, ["index", str(f), "--index", ix])
    assert res.exit_code == 1
    [err] = [ln for ln in res.output.splitlines() if ln.startswith("searchlib: error:")]
    assert err.startswith(f"searchlib: error: {f}:{line}: NUL character"), err
    with Index.open(ix) as index:
        for hit in index.search("", limit=10_000).hits:
            assert "\0" not in hit.title + hit.text


@pytest.mark.parametrize("batch_size", ["1", "2000"])
def test_duplicate_ids_are_reported_and_counted_right_on_re_runs(tmp_path, batch_size):
    f = tmp_path / "dups.jsonl"
    f.write_text(json.dumps({"id": "x", "title": "First", "text": "old Taiwan"}) + "\n"
                 + json.dumps({"id": "y", "title": "Other", "text": "Taiwan"}) + "\n"
                 + json.dumps({"id": "x", "title": "Second", "text": "new Taiwan"}) + "\n",
                 encoding="utf-8")
    ix = str(tmp_path / "ix")
    runner = CliRunner()
    for attempt, counts in enumerate(["2 articles added, 0 replaced, 0 skipped",
                                      "0 articles added, 0 replaced, 2 skipped",
                                      "0 articles added, 0 replaced, 2 skipped"]):
        res = runner.invoke(main, ["index", str(f), "--index", ix, "--batch-size", batch_size])
        assert res.exit_code == 1, res.output
        errors = [ln for ln in res.output.splitlines() if ln.startswith("searchlib: error:")]
        assert errors == [f"searchlib: error: {f}:1: id 'x' appears twice: line 1 and line 3; "
                          "the later is kept"], (attempt, res.output)
        assert counts in res.output, (attempt, res.output)
    with Index.open(ix) as index:
        assert index.article("x").title == "Second"


def test_duplicate_ids_across_files_name_both(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": "x", "title": "First", "text": "t"}) + "\n", encoding="utf-8")
    b.write_text(json.dumps({"id": "x", "title": "Second", "text": "t"}) + "\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["index", str(a), str(b), "--index", str(tmp_path / "ix")])
    assert f"{a}:1: id 'x' appears twice: line 1 and {b}:1; the later is kept" in res.output


@pytest.mark.parametrize("value, says", [(["x", "y"], "a list"), (True, "true/false"),
                                          ({"a": 1}, "an object")])
def test_non_string_ids_are_an_input_error(tmp_path, value, says):
    f = tmp_path / "ids.jsonl"
    f.write_text(json.dumps({"id": 7, "title": "Seven", "text": "Taiwan"}) + "\n"
                 + json.dumps({"id": value, "title": "Bad", "text": "Taiwan"}) + "\n",
                 encoding="utf-8")
    ix = str(tmp_path / "ix")
    res = CliRunner().invoke(main, ["index", str(f), "--index", ix])
    assert res.exit_code == 1
    assert f"{f}:2: 'id' must be a string or a number, not {says}; article not indexed" \
        in res.output
    with Index.open(ix) as index:
        assert [h.article_id for h in index.search("Taiwan").hits] == ["7"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_bad_date_keeps_the_article_undated(tmp_path, fmt):
    f = tmp_path / f"dates.{fmt}"
    if fmt == "jsonl":
        f.write_text(json.dumps({"id": "d", "title": "Dated Taiwan", "date": "2023-02-30",
                                 "text": "Taiwan."}) + "\n", encoding="utf-8")
    else:
        f.write_text("id,title,date,text\nd,Dated Taiwan,2023-02-30,Taiwan.\n", encoding="utf-8")
    ix = str(tmp_path / "ix")
    res = CliRunner().invoke(main, ["index", str(f), "--index", ix])
    assert res.exit_code == 1
    assert (f"{f}:2: " if fmt == "csv" else f"{f}:1: ") in res.output
    assert "impossible date '2023-02-30'; indexed without a date" in res.output
    with Index.open(ix) as index:
        assert index.article("d").date is None


def test_star_matches_paragraphs_of_punctuation_only(tmp_path):
    with Index.create(tmp_path / "ix") as ix:
        ix.add_articles([Article("Headline", ["Words here.", "* * *", "—", "..."], id="p")])
        assert ix.search("*").total == 5 == ix.search("").total

"""Readers: plain text, JSON Lines and CSV into Article records."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from searchlib.index._readers import (
    InputFile,
    find_inputs,
    parse_date,
    read_input,
    split_paragraphs,
)
from searchlib.index._records import Article

from searchlib._errors import InputError


def read(path, fmt=None) -> list:
    items = list(find_inputs([path], fmt or "auto"))
    out = []
    for item in items:
        out += [item] if isinstance(item, InputError) else list(read_input(item))
    return out


def articles(items):
    return [i for i in items if isinstance(i, Article)]


def errors(items):
    return [i for i in items if isinstance(i, InputError)]


def test_txt_header_with_leading_space_and_boilerplate(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(" date 2023-06-14 Headline here\n\nFirst para\ncontinues.\n\nALSO SEE:\n\n"
                 "Second para.\n\nALSO SEE:\n", encoding="utf-8")
    [a] = read(p)
    assert a.title == "Headline here"
    assert a.date == dt.date(2023, 6, 14)
    assert a.paragraphs == ["First para continues.", "Second para."]


def test_txt_without_header_has_no_date(tmp_path):
    p = tmp_path / "b.txt"
    p.write_text("Just a headline\n\nBody one.\n\nBody two.\n", encoding="utf-8")
    [a] = read(p)
    assert (a.title, a.date, a.paragraphs) == ("Just a headline", None, ["Body one.", "Body two."])


def test_txt_impossible_date_is_reported_and_article_kept(tmp_path):
    p = tmp_path / "c.txt"
    p.write_text("date 2023-13-45 Bad date\n\nBody.\n", encoding="utf-8")
    items = read(p)
    [err] = errors(items)
    assert "impossible date" in str(err) and err.line == 1 and str(p) in str(err)
    [a] = articles(items)
    assert a.date is None and a.title == "Bad date"


def test_file_ids_are_stable_and_distinct(tmp_path):
    (tmp_path / "x").mkdir()
    for d in (tmp_path, tmp_path / "x"):
        (d / "same.txt").write_text("Title\n\nBody\n", encoding="utf-8")
    ids = [a.id for a in articles(read(tmp_path))]
    assert len(set(ids)) == 2 and all(i.startswith("same-") for i in ids)
    assert ids == [a.id for a in articles(read(tmp_path))]


def test_jsonl_text_paragraphs_and_ids(tmp_path):
    p = tmp_path / "a.jsonl"
    lines = [
        {"title": "T1", "date": "2023-06-01", "text": "P1\n\nP2", "id": "x1"},
        {"title": "T2", "paragraphs": ["A", " B  c "], "url": "https://u/2", "source": "S"},
        {"title": "T3", "text": "only"},
    ]
    p.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    a1, a2, a3 = read(p)
    assert (a1.id, a1.date, a1.paragraphs) == ("x1", dt.date(2023, 6, 1), ["P1", "P2"])
    assert (a2.id, a2.source, a2.paragraphs) == ("https://u/2", "S", ["A", "B c"])
    assert a3.id.startswith("a-") and a3.id.endswith(":3")


def test_jsonl_bad_lines_are_reported_with_line_numbers(tmp_path):
    p = tmp_path / "bad.ndjson"
    p.write_text('{"title": "ok", "text": "fine"}\nnot json\n{"text": "no title"}\n'
                 '{"title": "no text"}\n[1, 2]\n', encoding="utf-8")
    items = read(p)
    assert [a.title for a in articles(items)] == ["ok"]
    assert [e.line for e in errors(items)] == [2, 3, 4, 5]
    assert all(str(p) in str(e) for e in errors(items))


def test_csv_case_insensitive_columns_multiline_text(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text('URL,Date,Title,Text\nhttps://u/1,2020-01-02,Head,"Para one.\n\nPara two."\n',
                 encoding="utf-8")
    [a] = read(p)
    assert (a.id, a.title, a.paragraphs) == ("https://u/1", "Head", ["Para one.", "Para two."])


def test_csv_missing_column_and_ragged_row(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("url,date,headline\nu,2020-01-01,h\n", encoding="utf-8")
    [err] = read(p)
    assert isinstance(err, InputError) and "title" in str(err) and err.line == 1
    q = tmp_path / "r.csv"
    q.write_text("title,text\nA,B\nC\nD,E\n", encoding="utf-8")
    items = read(q)
    assert [a.title for a in articles(items)] == ["A", "D"]
    assert [e.line for e in errors(items)] == [3]


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"), (b"  \n\n", "empty file"), (b"\x00\x01binary", "binary"),
])
def test_unreadable_files(tmp_path, content, reason):
    p = tmp_path / "f.txt"
    p.write_bytes(content)
    [err] = read(p)
    assert isinstance(err, InputError) and reason in str(err)


def test_invalid_utf8_is_replaced_and_reported(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("Café news\n\nA paragraph.\n".encode("latin-1"))
    items = read(p)
    [err] = errors(items)
    assert "UTF-8" in str(err)
    [a] = articles(items)
    assert a.title == "Caf\ufffd news"


def test_missing_path_unknown_extension_and_empty_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.md").write_text("x")
    items = list(find_inputs([tmp_path / "nope", tmp_path / "empty", tmp_path / "notes.md"]))
    msgs = [str(e) for e in items]
    assert "no such file" in msgs[0] and "no article files" in msgs[1]
    assert "give its format" in msgs[2]


def test_stdin_needs_a_format_and_reads_with_one():
    [err] = find_inputs(["-"])
    assert isinstance(err, InputError)
    [item] = find_inputs(["-"], "jsonl")
    [a] = read_input(item, stdin=io.BytesIO(b'{"title": "From stdin", "text": "Body"}\n'))
    assert a.title == "From stdin" and a.id.startswith("stdin-")


def test_stdin_ids_are_stable_across_runs():
    item = InputFile("-", "txt")
    data = b"date 2023-01-02 Same\n\nBody\n"
    [a] = read_input(item, stdin=io.BytesIO(data))
    [b] = read_input(item, stdin=io.BytesIO(data))
    assert a.id == b.id and a.id.startswith("stdin-")


def test_parse_date_forms():
    assert parse_date("2023-06-14T10:00:00Z") == dt.date(2023, 6, 14)
    assert parse_date("") is None
    with pytest.raises(ValueError, match="impossible"):
        parse_date("2023-02-30")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("14/06/2023")


def test_split_paragraphs_folds_whitespace_and_crlf():
    assert split_paragraphs("a\r\nb\r\n\r\n  c  \n \n\nRead more:") == ["a b", "c"]


def test_oversized_paragraph_rejects_the_article_with_its_line(tmp_path):
    from searchlib.index._readers import MAX_PARAGRAPH_CHARS, check_article

    p = tmp_path / "big.jsonl"
    big = "x" * (MAX_PARAGRAPH_CHARS + 1)
    p.write_text(json.dumps({"title": "T", "paragraphs": ["ok", big]}) + "\n"
                 + json.dumps({"title": "Fine", "text": "small"}) + "\n", encoding="utf-8")
    items = read(p)
    [err] = errors(items)
    assert err.line == 1 and "paragraph 2 is" in str(err) and "not indexed" in str(err)
    assert [a.title for a in articles(items)] == ["Fine"]
    assert check_article(Article("x" * (MAX_PARAGRAPH_CHARS + 1))).startswith("headline")
    assert check_article(Article("T", ["x" * MAX_PARAGRAPH_CHARS])) is None


def test_jsonl_is_read_line_by_line_with_bad_bytes_reported_on_their_line(tmp_path):
    p = tmp_path / "mixed.jsonl"
    p.write_bytes(b'{"title": "one", "text": "a"}\n'
                  b'{"title": "two", "text": "b"}\n'
                  b'{"title": "caf\xe9", "text": "c"}\n'
                  b'{"title": "four", "text": "d"}\n')
    items = read(p)
    assert [a.title for a in articles(items)] == ["one", "two", "caf\ufffd", "four"]
    [err] = errors(items)
    assert "UTF-8" in str(err) and err.line == 3


def test_csv_record_may_hold_unusual_line_breaks(tmp_path):
    # Only \n ends a line: a form feed or U+2028 inside a field is text, not a new record.
    p = tmp_path / "odd.csv"
    p.write_text('title,text\nHead,"one\x0ctwo\u2028three"\n', encoding="utf-8")
    [a] = read(p)
    assert a.title == "Head" and len(a.paragraphs) == 1


def test_whitespace_only_jsonl_is_empty(tmp_path):
    p = tmp_path / "blank.jsonl"
    p.write_text("\n   \n\n", encoding="utf-8")
    [err] = read(p)
    assert "empty file" in str(err)

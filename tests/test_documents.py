"""Paragraph records put together again from columns (searchlib.index._documents)."""

from __future__ import annotations

import datetime as dt

from searchlib.index._documents import DocumentReader
from searchlib.index._format import decode_body, decode_mentions, encode_body
from searchlib.index._records import Entity

from searchlib import Article, Index


def test_body_round_trip_keeps_text_and_mentions_apart():
    text = "Zoë said: 5:3 — “Qin” in 北京\x1e"
    ents = [Entity("person", "Zoë", 0, 3, "Zoë Ball"), Entity("place", "北京", 20, 22, "Beijing")]
    header = {"source": "Wire: 1", "hash": "ab"}
    back_text, mentions, back_header = decode_body(encode_body(text, ents, header))
    assert (back_text, back_header) == (text, header)
    assert decode_mentions(mentions, text) == [("person", 0, 3, "Zoë Ball"),
                                               ("place", 20, 22, "Beijing")]
    assert decode_body(b"") == ("", "", {})


def test_a_name_equal_to_its_words_is_not_stored_twice():
    text = "Qin Gang met Wang Yi in Beijing."
    ents = [Entity("person", "Qin Gang", 0, 8, "Qin Gang"), Entity("place", "Beijing", 24, 31,
                                                                   "Beijing")]
    _text, mentions, _header = decode_body(encode_body(text, ents))
    assert "Qin" not in mentions and "Beijing" not in mentions
    assert decode_mentions(mentions, text) == [("person", 0, 8, "Qin Gang"),
                                               ("place", 24, 31, "Beijing")]


def test_records_from_an_index(tmp_path):
    ix = Index.create(tmp_path / "ix")
    ix.add_articles([
        Article("Ports reopen", ["Cranes moved again in Rotterdam."], id="a",
                date=dt.date(2023, 6, 2), source="Wire", url="https://example.org/a"),
        Article("Undated note", ["Nothing else."], id="b"),
    ])
    with ix._ix.searcher() as s:
        docs = DocumentReader(s)
        assert sorted(docs.docnums("a")) == [0, 1]
        record = docs.paragraph(docs.docnum("a", 1))
        assert record["id"] == "a#1" and record["title"] == "Ports reopen"
        assert record["date"] == dt.date(2023, 6, 2)
        assert (record["source"], record["url"]) == ("Wire", "https://example.org/a")
        assert record["text"] == "Cranes moved again in Rotterdam."
        assert ("place", 22, 31, "Rotterdam") in record["entities"]
        assert docs.header("b")["date"] is None and docs.header("nope") is None
        assert docs.docnum("a", 7) is None

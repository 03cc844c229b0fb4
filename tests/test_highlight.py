"""Highlight spans from query terms."""

from __future__ import annotations

from searchlib.index._schema import build_schema

from searchlib._highlight import mark, match_spans

SCHEMA = build_schema()
TEXT = SCHEMA["text"].analyzer
NAMES = SCHEMA["person"].analyzer


def test_stemmed_terms_are_marked_in_the_original_text():
    text = "Officials visited; the visit was short."
    spans = match_spans(text, {("text", "visit")}, TEXT)
    assert [text[a:b] for a, b in spans] == ["visited", "visit"]


def test_entity_terms_mark_mentions_whose_name_has_the_word():
    text = "Qin spoke to Blinken."
    mentions = [("person", 0, 3, "Qin Gang"), ("person", 13, 20, "Antony Blinken")]
    spans = match_spans(text, {("person", "gang")}, TEXT, mentions, NAMES)
    assert spans == [(0, 3)]


def test_other_fields_are_not_marked_and_spans_merge():
    assert match_spans("Taiwan", {("source", "taiwan")}, TEXT) == []
    assert mark("abcdef", [(0, 2), (4, 6)]) == "<b>ab</b>cd<b>ef</b>"

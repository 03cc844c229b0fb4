"""The query parser: fields, aliases, limits and errors."""

from __future__ import annotations

import pytest
from searchlib.index._schema import build_schema
from whoosh import query

from searchlib import QueryError
from searchlib._query import MAX_QUERY_CHARS, QueryParser


@pytest.fixture(scope="module")
def parser():
    return QueryParser(build_schema())


def fields_of(q) -> set[str]:
    return {f for f, _ in q.iter_all_terms()}


def test_bare_words_search_text_and_entity_names(parser):
    assert fields_of(parser.parse("qin")) == {"text", "person", "place", "org"}


@pytest.mark.parametrize("alias, field", [
    ("people", "person"), ("location", "place"), ("gpe", "place"),
    ("organisation", "org"), ("organization", "org"), ("headline", "title"),
])
def test_field_aliases(parser, alias, field):
    assert fields_of(parser.parse(f"{alias}:word")) == {field}


def test_unknown_field_is_an_error_but_quoted_colons_are_text(parser):
    with pytest.raises(QueryError, match="unknown field 'author'"):
        parser.parse("author:smith")
    assert fields_of(parser.parse('"ratio 3:1"'))  # parses as a phrase


def test_empty_query_matches_everything(parser):
    assert isinstance(parser.parse("   "), query.Every)


def test_control_characters_are_ignored(parser):
    assert parser.parse("tai\x00wan\x07") == parser.parse("tai wan")


def test_too_long(parser):
    with pytest.raises(QueryError, match="limit"):
        parser.parse("a" * (MAX_QUERY_CHARS + 1))


def test_impossible_date(parser):
    with pytest.raises(QueryError, match="month"):
        parser.parse("date:[2023-13-01 to 2023-14-01]")

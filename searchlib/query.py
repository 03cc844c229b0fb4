"""The query language: Whoosh's parser, configured for paragraphs and entity fields."""

from __future__ import annotations

import re

from whoosh import qparser, query
from whoosh.fields import Schema

from index.entities.base import KINDS
from index.errors import QueryError

__all__ = ["FIELD_ALIASES", "MAX_QUERY_CHARS", "QueryParser", "positive_terms"]

#: Friendlier names accepted for fields in queries.
FIELD_ALIASES: dict[str, list[str]] = {
    "person": ["people", "persons"],
    "place": ["places", "location", "locations", "gpe"],
    "org": ["orgs", "organisation", "organisations", "organization", "organizations"],
    "title": ["headline"],
}

#: Fields a user may name in a query.
_QUERY_FIELDS = ("text", "title", "date", "source", *KINDS)
#: Bare words are looked up in the paragraph text and in the entity names.
_DEFAULT_FIELDS = ["text", *KINDS]

#: Longer queries are refused: nobody types them, and Whoosh's parser is quadratic in places.
MAX_QUERY_CHARS = 10_000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_QUOTED = re.compile(r'"[^"]*"?')
_FIELD_PREFIX = re.compile(r"(?<![\w.])([A-Za-z_][\w]*):(?=[^\s:/])")


class QueryParser:
    """Parses query strings for one schema; safe to share between threads."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.known = set(_QUERY_FIELDS) | {a for v in FIELD_ALIASES.values() for a in v}
        self._parser = qparser.MultifieldParser(_DEFAULT_FIELDS, schema)
        self._parser.add_plugin(qparser.FuzzyTermPlugin())
        self._parser.add_plugin(qparser.GtLtPlugin())
        self._parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))

    def parse(self, text: str) -> query.Query:
        """Parse *text*; an empty query matches every paragraph.

        :raises QueryError: with a one-line reason when the query cannot be understood
        """
        text = _CONTROL.sub(" ", text or "").strip()
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(f"query is {len(text):,} characters long; the limit is "
                             f"{MAX_QUERY_CHARS:,}")
        if not text:
            return query.Every()
        unquoted = _QUOTED.sub(" ", text)
        for name in _FIELD_PREFIX.findall(unquoted):
            if name.lower() not in self.known:
                raise QueryError(f"unknown field {name!r} in query (fields: "
                                 f"{', '.join(sorted(self.known))}); quote the words to search "
                                 "them as text")
        try:
            q = self._parser.parse(text)
        except Exception as e:  # Whoosh's parser raises assorted types; all mean a bad query
            raise QueryError(f"cannot parse query {text!r}: {e}") from None
        if q is query.NullQuery:
            raise QueryError(f"query {text!r} has nothing to search for (only stop words?)")
        return q


def positive_terms(q: query.Query, reader) -> set[tuple[str, str]]:
    """The ``(field, text)`` terms whose presence makes a paragraph match *q*.

    Negated parts are left out (they are never highlighted); wildcards, prefixes and fuzzy
    terms are expanded against the index's vocabulary.
    """
    out: set[tuple[str, str]] = set()

    def walk(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)
            return
        if isinstance(node, query.Phrase):
            out.update((node.fieldname, w) for w in node.words)
            return
        if isinstance(node, (query.Term, query.MultiTerm)):
            for field, btext in node.existing_terms(reader, expand=True):
                out.add((field, btext.decode("utf-8") if isinstance(btext, bytes) else btext))
            return
        for child in node.children():
            walk(child)

    walk(q)
    return out

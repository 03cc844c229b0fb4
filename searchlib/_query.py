"""The query language: Whoosh's parser, configured for paragraphs and entity fields."""

from __future__ import annotations

import math
import re

from whoosh import qparser, query
from whoosh.fields import Schema

from searchlib._errors import QueryError
from searchlib.index._engine.daterange import day_ranges
from searchlib.index._engine.union import union_matchers
from searchlib.index._format import KINDS

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
#: Whoosh's operators (upper case only); a lower-case "and" is an ordinary word.
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
#: More edits than this match nearly every word, which is never what was meant.
MAX_FUZZY_EDITS = 2


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
        if not text or text == "*":
            # Whoosh reads "*" as "any word in a field": a paragraph of punctuation only
            # has none, yet "*" promises every paragraph.
            return query.Every()
        unquoted = _QUOTED.sub(" ", text)
        for name in _FIELD_PREFIX.findall(unquoted):
            if name.lower() not in self.known:
                raise QueryError(f"unknown field {name!r} in query (fields: "
                                 f"{', '.join(sorted(self.known))}); quote the words to search "
                                 "them as text")
        _check_operators(unquoted)
        try:
            q = self._parser.parse(text)
        except Exception as e:  # Whoosh's parser raises assorted types; all mean a bad query
            raise QueryError(f"cannot parse query {_short(text)}: {e}") from None
        _check_tree(q, text)
        return day_ranges(union_matchers(q))


def _short(text: str, width: int = 80) -> str:
    """The query quoted for an error message, cut so that the message stays one short line."""
    return repr(text if len(text) <= width else text[:width] + "…")


def _check_operators(unquoted: str) -> None:
    """Refuse a dangling operator: Whoosh would silently search the word "NOT" instead."""
    words = unquoted.replace("(", " ").replace(")", " ").split()
    if not words:
        return
    if all(w in _OPERATORS for w in words):
        raise QueryError(f"query has only the operator(s) {' '.join(words)}; add the words to "
                         "search for (quote them to search the words themselves)")
    if words[-1] in _OPERATORS:
        raise QueryError(f"{words[-1]} at the end of the query has nothing after it")
    if words[0] in _OPERATORS - {"NOT"}:
        raise QueryError(f"{words[0]} at the start of the query has nothing before it")


def _check_tree(q: query.Query, text: str) -> None:
    """Turn what Whoosh parses leniently, or would only fail on at search time, into errors.

    Whoosh marks a part it could not read (e.g. ``date:2023-02-30``) with an ``error``
    attribute and matches nothing for it; a fuzzy term's prefix longer than the word raises
    ``IndexError`` during the search, and an infinite boost breaks the scores.
    """
    if isinstance(q, query.qcore._NullQuery) and not getattr(q, "error", None):
        raise QueryError(f"query {_short(text)} has nothing to search for (only stop words?)")
    stack = [q]
    while stack:
        node = stack.pop()
        error = getattr(node, "error", None)
        if error:
            hint = ("; dates are YYYY, YYYY-MM or YYYY-MM-DD, ranges date:[A to B]"
                    if "date" in text.lower() else "")
            raise QueryError(f"cannot read query {_short(text)}: {error}{hint}")
        if isinstance(node, query.FuzzyTerm):
            if node.maxdist > MAX_FUZZY_EDITS:
                raise QueryError(f"fuzzy term {node.text}~{node.maxdist}: at most "
                                 f"~{MAX_FUZZY_EDITS} edits are allowed")
            if node.prefixlength > len(node.text):
                raise QueryError(f"fuzzy term {node.text}~{node.maxdist}/{node.prefixlength}: "
                                 "the fixed prefix is longer than the word")
        boost = getattr(node, "boost", 1.0)
        if not isinstance(boost, (int, float)) or not math.isfinite(boost):
            raise QueryError(f"boost ^{boost} in query {_short(text)} is not a finite number")
        stack.extend(node.children())


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

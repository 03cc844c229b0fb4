"""The query language: Whoosh's parser, configured for paragraphs and entity fields."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from whoosh import qparser, query
from whoosh.analysis import Analyzer
from whoosh.fields import Schema

from searchlib._aliases import resolve
from searchlib._errors import QueryError
from searchlib._reading import Reading, ReadingPlugin, entity_query
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
#: What a phrase counts as when checking where the operators are: a word.
_PHRASE_STAND_IN = " \x00phrase\x00 "
_FIELD_PREFIX = re.compile(r"(?<![\w.])([A-Za-z_][\w]*):(?=[^\s:/])")
#: Whoosh's operators (upper case only); a lower-case "and" is an ordinary word.
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
#: More edits than this match nearly every word, which is never what was meant.
MAX_FUZZY_EDITS = 2


def fuzzy_edits(word: str, asked: int) -> int:
    """The edits a fuzzy term of *word* may make: one or two letters get none (``ab~2``
    would match every short word), three to five letters at most one.

    :param word: the term's text
    :param asked: the edits the query asked for
    """
    if len(word) <= 2:
        return 0
    return min(asked, 1 if len(word) <= 5 else MAX_FUZZY_EDITS)


def field_analyzer(schema: Schema, field: str) -> Analyzer:
    """The analyzer of a text field of the schema (Whoosh types it as optional)."""
    analyzer = schema[field].analyzer
    assert analyzer is not None, f"{field} is a text field"
    return analyzer


class QueryParser:
    """Parses query strings and filter names for one schema; safe to share between
    threads."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.known = set(_QUERY_FIELDS) | {a for v in FIELD_ALIASES.values() for a in v}
        # The same string is often parsed several times per search (the query, then its
        # explanation, a suggestion's count); the trees are never changed once built.
        self._read = lru_cache(maxsize=256)(self._read_uncached)
        # A filter's name becomes the same tree on every search that names it: a place's
        # generated forms cost a tenth of a millisecond to analyze each time.
        self.name_query = lru_cache(maxsize=1024)(self._name_query)

    def _whoosh_parser(self, reading: Reading) -> qparser.QueryParser:
        # One per parse: the reading plugin records that parse's decisions.
        parser = qparser.MultifieldParser(_DEFAULT_FIELDS, self.schema)
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.add_plugin(qparser.GtLtPlugin())
        parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
        parser.add_plugin(ReadingPlugin(self.schema, reading))
        return parser

    def parse(self, text: str) -> query.Query:
        """Parse *text*; an empty query matches every paragraph.

        :raises QueryError: with a one-line reason when the query cannot be understood
        """
        return self.read(text)[0]

    def read(self, text: str) -> tuple[query.Query, Reading]:
        """Parse *text* and say how each word was read (for ``--explain``).

        :raises QueryError: with a one-line reason when the query cannot be understood
        """
        return self._read(text or "")

    def _name_query(self, kind: str, name: str) -> query.Query:
        """The paragraphs that name *name* as a *kind* (``person``, ``place``, ``org``).

        A known alias or demonym is its canonical entity ("US" -> United States, plus
        "American" in the text for a place). Any other name goes through the same analyzer
        as ``person:...`` in a query string: one word is a word of a name, several words are
        that exact sequence inside one name (the field has position gaps between names, so
        a phrase cannot straddle two).

        :raises QueryError: when the name has no words to look for
        """
        res = resolve(kind, name)
        if res is not None:
            return entity_query(self.schema, res)
        words = [t.text for t in field_analyzer(self.schema, kind)(name)]
        if not words:
            raise QueryError(f"the {kind} filter {name!r} has no words to look for")
        if len(words) == 1:
            return query.Term(kind, words[0])
        return query.Phrase(kind, words)

    def _read_uncached(self, text: str) -> tuple[query.Query, Reading]:
        reading = Reading()
        text = _CONTROL.sub(" ", text or "").strip()
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(f"query is {len(text):,} characters long; the limit is "
                             f"{MAX_QUERY_CHARS:,}")
        if not text or text == "*":
            # Whoosh reads "*" as "any word in a field": a paragraph of punctuation only
            # has none, yet "*" promises every paragraph.
            return query.Every(), reading
        unquoted = _QUOTED.sub(_PHRASE_STAND_IN, text)
        for name in _FIELD_PREFIX.findall(unquoted):
            if name.lower() not in self.known:
                raise QueryError(f"unknown field {name!r} in query (fields: "
                                 f"{', '.join(sorted(self.known))}); quote the words to search "
                                 "them as text")
        _check_operators(unquoted)
        try:
            q = self._whoosh_parser(reading).parse(text)
        except Exception as e:  # Whoosh's parser raises assorted types; all mean a bad query
            raise QueryError(f"cannot parse query {_short(text)}: {e}") from None
        _check_tree(q, text, reading)
        return day_ranges(union_matchers(q.accept(_cap_fuzzy))), reading


def _cap_fuzzy(node: query.Query) -> query.Query:
    """A fuzzy term with no more edits than its length allows (see :func:`fuzzy_edits`)."""
    if isinstance(node, query.FuzzyTerm) and node.maxdist <= MAX_FUZZY_EDITS:
        edits = fuzzy_edits(node.text, node.maxdist)
        if edits == 0:
            term = query.Term(node.fieldname, node.text, boost=node.boost)
            term.startchar, term.endchar = (getattr(node, "startchar", None),
                                            getattr(node, "endchar", None))
            return term
        if edits != node.maxdist:
            fewer: Any = node.copy()
            fewer.maxdist = edits
            return fewer
    return node


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


def _check_tree(q: query.Query, text: str, reading: Reading) -> None:
    """Turn what Whoosh parses leniently, or would only fail on at search time, into errors.

    Whoosh marks a part it could not read (e.g. ``date:2023-02-30``) with an ``error``
    attribute and matches nothing for it; a fuzzy term's prefix longer than the word raises
    ``IndexError`` during the search, and an infinite boost breaks the scores.
    """
    if isinstance(q, query.qcore._NullQuery) and not getattr(q, "error", None):
        dropped = reading.stop_words
        if dropped:
            raise QueryError(f"query {_short(text)} has only stop words "
                             f"({', '.join(dropped)}), which the index does not hold; "
                             "add a word that says what to find")
        raise QueryError(f"query {_short(text)} has nothing to search for")
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


#: Fields whose matches can be shown in a paragraph (the others, e.g. dates, cannot).
_SHOWN_FIELDS = frozenset({"text", "title", *KINDS})


def positive_terms(q: query.Query | None, reader) -> set[tuple[str, str | tuple[str, ...]]]:
    """The ``(field, text)`` terms whose presence makes a paragraph match *q*.

    A phrase is one entry whose text is the tuple of its words, so that only the phrase's
    occurrences are highlighted, not each of its words. Negated parts are left out (they
    are never highlighted); wildcards, prefixes and fuzzy terms are expanded against the
    index's vocabulary.
    """
    out: set[tuple[str, str | tuple[str, ...]]] = set()

    def walk(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)
            return
        if getattr(node, "fieldname", None) not in (None, *_SHOWN_FIELDS):
            return
        if isinstance(node, query.Phrase):
            if node.words:
                out.add((node.fieldname, tuple(node.words)))
            return
        if type(node) is query.Term:
            out.add((node.fieldname, node.text))
            return
        if isinstance(node, (query.Term, query.MultiTerm)) and reader is not None:
            for field, btext in node.existing_terms(reader, expand=True):
                out.add((field, btext.decode("utf-8") if isinstance(btext, bytes) else btext))
            return
        for child in node.children():
            walk(child)

    if q is not None:
        walk(q)
    return out

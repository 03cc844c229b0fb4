"""How a search was read, as data: for ``--explain``, ``Results.explain`` and ``"resolved"``.

So that a surprising zero is never a mystery: which words were dropped as stop words,
which names resolved to which entity, which fields each word was looked up in, and the
Whoosh query that was finally run.
"""

from __future__ import annotations

from whoosh import query as wq

from searchlib._filters import Filters, resolved_names
from searchlib._reading import Reading

#: The query searched is shown up to this many characters (a capped wildcard is long).
_MAX_SHOWN = 2_000


#: Terms whose presence one :class:`HeldTerms` remembers (then it starts afresh).
_MAX_TERMS = 100_000


class HeldTerms:
    """Whether an index reader holds a ``(field, text)`` term, each term looked up once.

    A name in a query or a filter stands for all its generated forms ("Taiwanese",
    "Taiwanian"), and showing the search looks each up: eight look-ups a search for a
    filtered query of the benchmark, a tenth of its time. Made once per searcher.
    """

    def __init__(self, reader) -> None:
        self._reader = reader
        self._known: dict[tuple[str, object], bool] = {}

    def __contains__(self, term: tuple[str, object]) -> bool:
        found = self._known.get(term)
        if found is None:
            if len(self._known) >= _MAX_TERMS:
                self._known.clear()
            found = self._known[term] = term in self._reader
        return found


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…"


def resolved_list(reading: Reading, filters: Filters) -> list[dict]:
    """Every name read as an alias of an entity: ``{"field", "given", "name", "kind"}``.

    ``field`` is the filter or query field the name was given in (``place`` for
    ``--place US`` and ``place:US``), or ``None`` for a bare query word.
    """
    out = []
    for note in reading.words:
        res = note.resolved
        if res is not None and res.name != res.given:
            out.append({"field": note.field, **res.to_dict(), "from": "query"})
    for res in resolved_names(filters):
        out.append({"field": res.kind, **res.to_dict(), "from": "filter"})
    return out


def _shown(q: wq.Query, reader) -> wq.Query:
    """*q* without the terms of an ``Or`` that the index does not hold: they match nothing
    there, and a name's generated forms ("Taiwanian") would only clutter the display."""
    if isinstance(q, wq.Or):
        kept = [_shown(c, reader) for c in q.subqueries
                if not (type(c) is wq.Term and (c.fieldname, c.text) not in reader)]
        return q.__class__(kept, boost=q.boost) if kept else q.__class__([])
    return q if q.is_leaf() else q.apply(lambda c: _shown(c, reader))


def explain(text: str, reading: Reading, q: wq.Query, filters: Filters,
            notices: list[str], reader=None) -> dict:
    """The explanation of one search, JSON-ready.

    :param text: the query as typed
    :param reading: what the parser recorded while reading it
    :param q: the query searched (after wildcards were expanded)
    :param filters: the search's filters
    :param notices: the search's notices
    :param reader: the index reader, or a :class:`HeldTerms` over it; with it,
        ``searched`` leaves out alternatives the index does not hold
    """
    if reader is not None:
        q = _shown(q, reader)
    return {
        "query": text,
        "words": [w.to_dict() for w in reading.words],
        "stop_words": reading.stop_words,
        "resolved": resolved_list(reading, filters),
        "filters": filters.to_dict(),
        "searched": _cut(str(q)),
        "notices": list(notices),
    }

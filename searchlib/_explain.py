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


def explain(text: str, reading: Reading, q: wq.Query, filters: Filters,
            notices: list[str]) -> dict:
    """The explanation of one search, JSON-ready.

    :param text: the query as typed
    :param reading: what the parser recorded while reading it
    :param q: the query searched (after wildcards were expanded)
    :param filters: the search's filters
    :param notices: the search's notices
    """
    return {
        "query": text,
        "words": [w.to_dict() for w in reading.words],
        "stop_words": reading.stop_words,
        "resolved": resolved_list(reading, filters),
        "filters": filters.to_dict(),
        "searched": _cut(str(q)),
        "notices": list(notices),
    }

"""Entity facets: the most named people, places and organisations among matching paragraphs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from index.entities.base import KINDS
from index.schema import ENTITY_COLUMN
from index.writer import decode_entity_column

__all__ = ["FacetTable"]


class FacetTable:
    """A docnum -> (kind, name) table for one searcher's view of the index.

    Decoded entries are cached, so a long-lived searcher pays for each paragraph once.
    """

    def __init__(self, reader) -> None:
        self._column = reader.column_reader(ENTITY_COLUMN) if reader.has_column(
            ENTITY_COLUMN) else None
        self._cache: dict[int, list[tuple[str, str]]] = {}

    def entities(self, docnum: int) -> list[tuple[str, str]]:
        """The distinct ``(kind, name)`` pairs of one paragraph."""
        found = self._cache.get(docnum)
        if found is None:
            found = decode_entity_column(self._column[docnum]) if self._column else []
            self._cache[docnum] = found
        return found

    def count(self, docnums: Iterable[int], kinds: Iterable[str] = KINDS
              ) -> dict[str, Counter]:
        """Paragraph counts per canonical name, for each kind."""
        wanted = set(kinds)
        counters = {kind: Counter() for kind in KINDS if kind in wanted}
        for docnum in docnums:
            for kind, name in self.entities(docnum):
                if kind in counters:
                    counters[kind][name] += 1
        return counters

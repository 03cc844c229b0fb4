"""Entity facets: the most named people, places and organisations among matching paragraphs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

from index.documents import decode_entity_column
from index.entities.base import KINDS
from index.schema import ENTITY_COLUMN

__all__ = ["EntityCount", "FacetTable"]


@dataclass
class EntityCount:
    """How often one canonical name occurs: in how many paragraphs and articles."""

    kind: str
    name: str
    count: int
    articles: int

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "count": self.count,
                "articles": self.articles}


class FacetTable:
    """A docnum -> (kind, name) table for one searcher's view of the index.

    Decoded entries are cached, so a long-lived searcher pays for each paragraph once.
    """

    def __init__(self, reader) -> None:
        # An empty index has no columns at all.
        self._column = (reader.column_reader(ENTITY_COLUMN)
                        if reader.has_column(ENTITY_COLUMN) else None)
        self._articles = (reader.column_reader("article_id")
                          if reader.has_column("article_id") else None)
        self._cache: dict[int, list[tuple[str, str]]] = {}

    def entities(self, docnum: int) -> list[tuple[str, str]]:
        """The distinct ``(kind, name)`` pairs of one paragraph."""
        found = self._cache.get(docnum)
        if found is None:
            found = (decode_entity_column(self._column[docnum])
                     if self._column is not None else [])
            self._cache[docnum] = found
        return found

    def _load(self, docnums: Iterable[int]) -> list[int]:
        """Decode the entries of *docnums* not cached yet, in document order; returns
        *docnums* as a list.

        The column is compressed in blocks of consecutive documents and its reader keeps
        the last block: visited in order, each block is inflated once (in the order of a
        set of document numbers, once per document: 1.7 s instead of 30 ms for a common
        word on all of Reuters).
        """
        docnums = list(docnums)
        cache = self._cache
        missing = [d for d in docnums if d not in cache]
        if missing and self._column is not None:
            missing.sort()
            column = self._column
            for d in missing:
                cache[d] = decode_entity_column(column[d])
        return docnums

    def count(self, docnums: Iterable[int], kinds: Iterable[str] = KINDS
              ) -> dict[str, Counter]:
        """Paragraph counts per canonical name, for each kind."""
        docnums = self._load(docnums)
        wanted = set(kinds)
        counters = {kind: Counter() for kind in KINDS if kind in wanted}
        # Counting in C (Counter over a chain) is several times faster than a Python loop,
        # which matters for searches with tens of thousands of matches.
        for (kind, name), n in Counter(chain.from_iterable(map(self.entities, docnums))).items():
            if kind in counters:
                counters[kind][name] = n
        return counters

    def top(self, docnums: Iterable[int], kinds: Iterable[str] = KINDS, n: int = 20
            ) -> list[EntityCount]:
        """The *n* most frequent names over *docnums*, with paragraph and article counts.

        Ties are broken by article count, then name, so the order is stable.
        """
        docnums = self._load(docnums)
        wanted = set(kinds)
        paragraphs: Counter = Counter()
        articles: dict[tuple[str, str], set[str]] = {}
        for docnum in docnums:
            for key in self.entities(docnum):
                if key[0] in wanted:
                    paragraphs[key] += 1
                    articles.setdefault(key, set()).add(self._articles[docnum]
                                                        if self._articles is not None else docnum)
        ranked = sorted(paragraphs, key=lambda k: (-paragraphs[k], -len(articles[k]), k))
        return [EntityCount(k[0], k[1], paragraphs[k], len(articles[k])) for k in ranked[:n]]

"""Entity facets: the most named people, places and organisations among matching paragraphs."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import cast

import numpy as np

from searchlib.index._engine.facetcodes import has_facet_codes, read_facet_codes
from searchlib.index._format import ENTITY_COLUMN, KINDS, FacetKeys, decode_entity_column

#: Up to this many matches, facets are counted from the documents' own entries until the
#: whole table has been built (which a larger search triggers).
BUILD_AT = 3000

#: Separates the records of one entity column value (see ``encode_entity_column``).
_RECORD_BYTES = b"\x1e"


@dataclass
class EntityCount:
    """How often one canonical name occurs: in how many paragraphs and articles."""

    kind: str
    name: str
    count: int
    articles: int
    #: other forms folded into this name at ingest ("Trump" for "Donald Trump")
    aliases: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "count": self.count,
                "articles": self.articles, "aliases": list(self.aliases)}


#: Decoded facet keys kept per table (then it starts afresh): about 150 bytes each.
_DECODED_KEYS = 50_000


class _Keys:
    """Code -> ``(kind, name)``: the first segment's facet codes file's records (decoded
    when asked for), then the keys numbered after them.

    The reverse look-up (:meth:`code`) is built only when a key must be numbered: for a
    second segment, or a segment read from its entity column.
    """

    def __init__(self) -> None:
        self._file: Sequence[tuple[str, str]] = ()
        self._more: list[tuple[str, str]] = []
        self._codes: dict[tuple[str, str], int] | None = None
        # The file's keys already decoded: the names a search's facets show come again
        # in the next searches (each decode is a slice, a UTF-8 decode and a split).
        self._decoded: dict[int, tuple[str, str]] = {}

    def adopt(self, keys: FacetKeys) -> None:
        """Number the table by a facet codes file's keys (before any other key)."""
        assert not self, "only the first keys can be adopted"
        self._file = keys

    def __len__(self) -> int:
        return len(self._file) + len(self._more)

    def __getitem__(self, code: int) -> tuple[str, str]:
        n = len(self._file)
        if code >= n:
            return self._more[code - n]
        key = self._decoded.get(code)
        if key is None:
            if len(self._decoded) >= _DECODED_KEYS:
                self._decoded.clear()
            key = self._decoded[code] = self._file[code]
        return key

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return chain(self._file, self._more)

    def code(self, key: tuple[str, str]) -> int:
        """The code of *key*, numbered next if it has none yet."""
        codes = self._codes
        if codes is None:
            codes = self._codes = dict(zip(self, range(len(self)), strict=True))
        code = codes.get(key)
        if code is None:
            code = codes[key] = len(self)
            self._more.append(key)
        return code

    def kind_codes(self) -> np.ndarray:
        """Each code's kind as its place in :data:`KINDS` (``int8``; -1: another kind)."""
        order = {kind: i for i, kind in enumerate(KINDS)}
        more = np.fromiter((order.get(k, -1) for k, _n in self._more), dtype=np.int8,
                           count=len(self._more))
        if isinstance(self._file, FacetKeys):
            return np.concatenate([self._file.kind_codes(KINDS), more])
        return more


def _tally(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct *codes* (ascending), how often each comes, and where each comes first.

    Many codes are counted over the whole table (a ``bincount`` of *size* slots); a few, as
    a rare word's matches have, by sorting them, which costs nothing per slot of a table
    that names every entity of the index.
    """
    if len(codes) * 16 < size:
        named, first, n = np.unique(codes, return_index=True, return_counts=True)
        return named, n, first
    n = np.bincount(codes, minlength=size)
    # First place of each code: assigning in reverse, the earliest write lands last.
    first = np.zeros(size, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    named = np.flatnonzero(n)
    return named, n[named], first[named]


class FacetTable:
    """A docnum -> (kind, name) table for one searcher's view of the index.

    Decoded entries are cached, so a long-lived searcher pays for each paragraph once. Each
    distinct ``(kind, name)`` is kept once and a paragraph's entry is a tuple of small
    integers, in a list indexed by document number: about 60 bytes per paragraph seen, where
    lists of freshly decoded strings took ten times as much (350 MB for 590,000 paragraphs).
    """

    def __init__(self, reader) -> None:
        # An empty index has no columns at all.
        self._column = (reader.column_reader(ENTITY_COLUMN)
                        if reader.has_column(ENTITY_COLUMN) else None)
        self._reader = reader
        self._keys = _Keys()
        self._code = self._keys.code
        # Every document's codes as one array and each document's start in it, built the
        # first time an array of document numbers is counted.
        self._flat: np.ndarray | None = None
        self._starts: np.ndarray | None = None
        # Written with the segments: the whole table costs no more than a few entries.
        self._prebuilt = all(has_facet_codes(leaf) for leaf, _off in reader.leaf_readers())
        self._cache: list[tuple[int, ...] | None] = (
            [] if self._prebuilt else [None] * reader.doc_count_all())

    @cached_property
    def _articles(self):
        """The article id column (for :meth:`top`), opened on first use."""
        reader = self._reader
        return reader.column_reader("article_id") if reader.has_column("article_id") else None

    def _decode(self, docnum: int) -> tuple[int, ...]:
        if self._column is None:
            return ()
        return tuple(map(self._code, decode_entity_column(self._column[docnum])))

    def _load(self, docnums: Iterable[int]) -> list[tuple[int, ...]]:
        """The entries of *docnums*, decoding those not cached yet in document order.

        The column is compressed in blocks of consecutive documents and its reader keeps
        the last block: visited in order, each block is inflated once (in the order of a
        set of document numbers, once per document: 1.7 s instead of 30 ms for a common
        word on all of Reuters).
        """
        docnums = list(docnums)
        if self._prebuilt:
            self._arrays()
        if self._flat is not None:
            flat, starts = self._flat, self._starts
            assert starts is not None  # set with _flat
            return [tuple(flat[starts[d]:starts[d + 1]].tolist()) for d in docnums]
        cache = self._cache
        missing = sorted(d for d in docnums if cache[d] is None)
        for d in missing:
            cache[d] = self._decode(d)
        return [entry for d in docnums if (entry := cache[d]) is not None]

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Every document's codes in document order (``flat``), and where each document's
        run starts (``starts``, one more entry than documents).

        Built once, from each segment's facet codes file when it has one (a memory map,
        renumbered only when the codes differ from this table's), else decoded from its
        entity column; the per-document tuples are dropped then: the arrays take 4 bytes
        per name and 8 per document instead of about 60 per document.
        """
        if self._flat is None:
            flats, starts, base = [], [], 0
            leaves = list(self._reader.leaf_readers())
            for leaf, offset in leaves:
                flat, first = self._stored(leaf) or self._decoded(leaf, offset)
                flats.append(flat)
                starts.append(first[:-1] + base if len(leaves) > 1 else first)
                base += len(flat)
            if len(leaves) == 1:  # the file's own arrays, not a copy
                self._flat, self._starts = flats[0], starts[0]
            else:
                self._flat = np.concatenate([*flats, np.zeros(0, dtype=np.int32)])
                self._starts = np.concatenate([*starts, np.array([base], dtype=np.int64)])
            self._cache = []
            self._kind_of = self._keys.kind_codes()
        assert self._starts is not None  # set with _flat
        return self._flat, self._starts

    def _stored(self, leaf) -> tuple[np.ndarray, np.ndarray] | None:
        """A segment's codes from its facet codes file, in this table's numbering."""
        found = read_facet_codes(leaf)
        if found is None or len(found[0]) != leaf.doc_count_all() + 1:
            return None
        starts, codes, keys = found
        if not self._keys:  # the first segment numbers the table
            self._keys.adopt(keys)  # in place: a caller may hold the table
            return codes, starts
        mine = np.fromiter(map(self._code, keys), dtype=np.int32, count=len(keys))
        if not np.array_equal(mine, np.arange(len(keys), dtype=np.int32)):
            codes = mine[codes]
        return codes, starts

    def _record_code(self, record: bytes) -> int:
        (key,) = decode_entity_column(record)
        return self._code(key)

    def _decoded(self, leaf, offset: int) -> tuple[np.ndarray, np.ndarray]:
        """A segment's codes decoded from its entity column: ``(codes, starts)``.

        A block's values are joined and split into records in C, and each record mapped to
        its code by one dictionary look-up (``map``); only a record never seen before is
        decoded (all of Reuters: 4.7 -> 0.3 s against reading each document's value).
        """
        flat = array("i")
        lengths = array("q")
        cache = self._cache
        codes_of: dict[bytes, int] = {}
        column = (leaf.column_reader(ENTITY_COLUMN, translate=False)
                  if leaf.has_column(ENTITY_COLUMN) else None)
        n = leaf.doc_count_all()
        if column is None or not hasattr(column, "blocks"):
            entries = [e if cache and (e := cache[offset + d]) is not None
                       else self._decode(offset + d) for d in range(n)]
            flat.extend(chain.from_iterable(entries))
            lengths.extend(len(e) for e in entries)
        else:
            for first, values in column.blocks():
                lengths.extend([0] * (first - len(lengths)))  # no value before this block
                counts = [v.count(_RECORD_BYTES) + 1 if v else 0 for v in values]
                records = _RECORD_BYTES.join(v for v in values if v).split(_RECORD_BYTES) \
                    if any(counts) else []
                codes = list(map(codes_of.get, records))
                for i, code in enumerate(codes) if None in codes else ():
                    if code is None:
                        code = codes_of.get(records[i])
                        if code is None:
                            code = codes_of[records[i]] = self._record_code(records[i])
                        codes[i] = code
                flat.extend(cast(list[int], codes))  # every None was filled in
                lengths.extend(counts)
            lengths.extend([0] * (n - len(lengths)))
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(lengths, dtype=np.int64), out=starts[1:])
        return np.frombuffer(flat, dtype=np.int32).copy(), starts

    def codes_of(self, docnums: np.ndarray) -> np.ndarray:
        """The codes of *docnums* (ascending), concatenated in document order: one gather."""
        flat, starts = self._arrays()
        begin = starts[docnums]
        counts = starts[docnums + 1] - begin
        total = int(counts.sum())
        gather = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts,
                                                              counts)
        return flat[gather + np.repeat(begin, counts)]

    def count(self, docnums: Iterable[int] | np.ndarray, kinds: Iterable[str] = KINDS,
              top: int | None = None) -> dict[str, Counter]:
        """Paragraph counts per canonical name, for each kind.

        Each counter lists names most first and, among equal counts, in the order they are
        first named going through the documents by number, so ``most_common`` is
        deterministic.

        :param docnums: the documents; an array of them is counted with array operations
            (one gather of their codes and one ``bincount``)
        :param top: keep only the first *top* names of each kind
        """
        wanted = set(kinds)
        counters: dict[str, Counter] = {kind: Counter() for kind in KINDS if kind in wanted}
        keys = self._keys
        if isinstance(docnums, np.ndarray) and self._flat is None \
                and len(docnums) <= BUILD_AT and not self._prebuilt:
            # Few matches: decoding just those is cheaper than the whole table, so a
            # first search stays fast; the table is built when a larger one comes.
            docnums = docnums.tolist()
        if isinstance(docnums, np.ndarray):
            codes = self.codes_of(np.sort(docnums.astype(np.int64, copy=False)))
            if not len(codes):
                return counters
            named, n, first = _tally(codes, len(keys))
            kind_of = self._kind_of[named]
            for k, kind in enumerate(KINDS):
                if kind not in counters:
                    continue
                cand = np.flatnonzero(kind_of == k)
                if top is not None and len(cand) > top:
                    cut = np.partition(-n[cand], top - 1)[top - 1]
                    cand = cand[-n[cand] <= cut]
                ranked = cand[np.lexsort((first[cand], -n[cand]))]
                for i in ranked[:top].tolist():
                    counters[kind][keys[int(named[i])][1]] = int(n[i])
            return counters
        # Counting in C (Counter over a chain) is several times faster than a Python loop,
        # which matters for searches with tens of thousands of matches.
        tally = Counter(chain.from_iterable(self._load(sorted(docnums))))
        for code, count in sorted(tally.items(), key=lambda item: -item[1]):
            kind, name = keys[code]
            if kind in counters and (top is None or len(counters[kind]) < top):
                counters[kind][name] = count
        return counters

    def top(self, docnums: Iterable[int], kinds: Iterable[str] = KINDS, n: int = 20
            ) -> list[EntityCount]:
        """The *n* most frequent names over *docnums*, with paragraph and article counts.

        Ties are broken by article count, then name, so the order is stable.
        """
        docnums = list(docnums)
        wanted = set(kinds)
        keys = self._keys
        paragraphs: Counter = Counter()
        articles: dict[int, set] = {}
        shown: dict[int, bool] = {}  # code -> of a wanted kind (each key decoded once)
        for docnum, codes in zip(docnums, self._load(docnums), strict=True):
            for code in codes:
                keep = shown.get(code)
                if keep is None:
                    keep = shown[code] = keys[code][0] in wanted
                if keep:
                    paragraphs[code] += 1
                    articles.setdefault(code, set()).add(self._articles[docnum]
                                                         if self._articles is not None
                                                         else docnum)
        ranked = sorted(paragraphs, key=lambda c: (-paragraphs[c], -len(articles[c]), keys[c]))
        return [EntityCount(keys[c][0], keys[c][1], paragraphs[c], len(articles[c]))
                for c in ranked[:n]]

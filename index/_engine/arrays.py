"""Posting lists, field lengths and columns of one segment as NumPy arrays.

The array executor (:mod:`searchlib._executor`) evaluates a whole query with a few array
operations instead of one Python call per match. What it needs from the index is here, read
straight from the files Whoosh writes: a term's document numbers and term frequencies (the
compact codec's blocks are arrays already; each is inflated once and viewed with
``np.frombuffer``), its positions (for phrases), the byte-coded field lengths (for BM25),
numeric columns (date, paragraph number) and the deleted documents.

Postings in any other layout (an inlined single posting, a segment of Whoosh's own W3
codec) are read through Whoosh's matcher, more slowly but the same.

Everything decoded is kept in an :class:`ArrayCache` (least recently used out first, by
bytes), one per searcher: segments never change, so nothing in it goes stale before the
searcher is replaced.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict

import numpy as np
from searchlib.index._engine.codec import (
    _HEADER,
    _IDS_SHIFT,
    _LAST,
    _LENGTHS_SHIFT,
    _MAGIC,
    _WEIGHT_BYTES,
    _WEIGHT_FLOATS,
    _WIDE,
    _ZLIB,
)
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

_DTYPES = (np.dtype(np.uint8), np.dtype("<u2"), np.dtype("<u4"))
#: Field length of each length byte (Whoosh stores lengths as one lossy byte).
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float64)

#: The cache's default size: enough for the postings of every term of a working set of
#: queries at a few million paragraphs, and the columns.
DEFAULT_CACHE_BYTES = 256 * 1024 * 1024


class ArrayCache:
    """Decoded arrays by key, evicting the least recently used once over *max_bytes*.

    :param max_bytes: the memory cap (sum of the arrays' ``nbytes``)
    """

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build):
        """The value under *key*, built by ``build()`` (returning ``(value, nbytes)``) when
        missing."""
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[0]
        value, size = build()
        with self._lock:
            if key not in self._items:
                self._items[key] = (value, size)
                self.bytes += size
                while self.bytes > self.max_bytes and len(self._items) > 1:
                    _k, (_v, old) = self._items.popitem(last=False)
                    self.bytes -= old
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0


def held_bytes(*arrays) -> int:
    """What an entry of these arrays counts against the cache's cap: their bytes, and 200
    for the entry itself."""
    return sum(a.nbytes for a in arrays) + 200


class SegmentArrays:
    """Array views of one segment reader.

    :param reader: a Whoosh ``SegmentReader``
    :param cache: where decoded arrays are kept
    """

    def __init__(self, reader, cache: ArrayCache) -> None:
        self.reader = reader
        self.cache = cache
        self.doccount = reader.doc_count_all()
        self._key = (id(reader), reader._segment.segment_id() if hasattr(reader, "_segment")
                     else id(reader))

    # -- postings -------------------------------------------------------------------------

    def has_term(self, field: str, btext: bytes) -> bool:
        return (field, btext) in self.reader

    def postings(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """``(docnums, weights)`` of a term in this segment (deleted documents included),
        ascending; empty arrays when the term is absent."""
        return self.cache.get((self._key, "p", field, btext),
                              lambda: self._build_postings(field, btext))

    def _terminfo(self, field: str, btext: bytes):
        try:
            return self.reader._terms.term_info(field, btext)
        except (TermNotFound, KeyError):
            return None

    def _blocks(self, info):
        """``(header fields, inflated data)`` of each compact block, or ``None`` when the
        postings are not in compact blocks."""
        if info is None or info.is_inlined():
            return None
        postfile = self.reader._terms._postfile
        offset, _length = info.extent()
        if postfile.get(offset, len(_MAGIC)) != _MAGIC:
            return None
        out = []
        pos = offset + len(_MAGIC)
        while True:
            n, maxid, _maxw, flags, _mn, _mx, datalen = _HEADER.unpack(
                postfile.get(pos, _HEADER.size))
            data = postfile.get(pos + _HEADER.size, datalen)
            if flags & _ZLIB:
                data = zlib.decompress(data)
            out.append((n, maxid, flags, data))
            pos += _HEADER.size + datalen
            if flags & _LAST:
                return out

    def _build_postings(self, field: str, btext: bytes):
        info = self._terminfo(field, btext)
        if info is None:
            return (_EMPTY_IDS, _EMPTY_F), 0
        blocks = self._blocks(info)
        if blocks is None:
            ids, weights = self._via_matcher(field, btext, info)
        else:
            id_parts, w_parts = [], []
            for n, maxid, flags, data in blocks:
                dtype = _DTYPES[(flags >> _IDS_SHIFT) & 3]
                gaps = np.frombuffer(data, dtype, n - 1).astype(np.int64)
                block = np.empty(n, dtype=np.int64)
                block[0] = maxid - int(gaps.sum())
                np.cumsum(gaps, out=block[1:])
                block[1:] += block[0]
                id_parts.append(block)
                end = (n - 1) * dtype.itemsize
                if flags & _WEIGHT_BYTES:
                    w_parts.append(np.frombuffer(data, np.uint8, n, end).astype(np.float64))
                elif flags & _WEIGHT_FLOATS:
                    w_parts.append(np.frombuffer(data, "<f4", n, end).astype(np.float64))
                else:
                    w_parts.append(np.ones(n, dtype=np.float64))
            ids = np.concatenate(id_parts)
            weights = np.concatenate(w_parts)
        return (ids, weights), held_bytes(ids, weights)

    def _via_matcher(self, field: str, btext: bytes, info):
        fmt = self.reader.schema[field].format
        m = self.reader._terms.matcher(field, btext, fmt)
        ids, weights = [], []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)

    def positions(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """``(offsets, positions)`` of a term: the positions of its *i*-th posting are
        ``positions[offsets[i]:offsets[i + 1]]``."""
        return self.cache.get((self._key, "x", field, btext),
                              lambda: self._build_positions(field, btext))

    def _build_positions(self, field: str, btext: bytes):
        info = self._terminfo(field, btext)
        blocks = self._blocks(info)
        if blocks is None:
            lists = self._positions_via_matcher(field, btext, info)
        else:
            chunks: list[np.ndarray] = []
            lengths: list[np.ndarray] = []
            for n, _maxid, flags, data in blocks:
                end = (n - 1) * _DTYPES[(flags >> _IDS_SHIFT) & 3].itemsize
                if flags & _WEIGHT_BYTES:
                    end += n
                elif flags & _WEIGHT_FLOATS:
                    end += 4 * n
                ltype = _DTYPES[(flags >> _LENGTHS_SHIFT) & 3]
                lens = np.frombuffer(data, ltype, n, end).astype(np.int64)
                start = end + n * ltype.itemsize
                chunks.append(np.frombuffer(data, np.uint8, int(lens.sum()), start))
                lengths.append(lens)
            raw = np.concatenate(chunks) if chunks else np.zeros(0, np.uint8)
            lens = np.concatenate(lengths) if lengths else np.zeros(0, np.int64)
            starts = np.zeros(len(lens) + 1, dtype=np.int64)
            np.cumsum(lens, out=starts[1:])
            wide: np.ndarray | list[int] = (
                np.flatnonzero(raw[starts[:-1][lens > 0]] == _WIDE) if len(raw) else [])
            if len(wide):
                nonempty = np.flatnonzero(lens > 0)
                lists = _split_lists(raw, starts, lens)
                for i in nonempty[wide]:
                    a = int(starts[i])
                    lists[i] = np.cumsum(np.frombuffer(
                        raw[a + 1:int(starts[i + 1])].tobytes(), "<u4").astype(np.int64))
            else:
                # Every list is one byte per gap: one cumulative sum over all of them, less
                # the sum before each list's start, gives each list's positions.
                total = np.cumsum(raw, dtype=np.int64)
                before = np.concatenate(([0], total))[starts[:-1]]
                positions = total - np.repeat(before, lens)
                return (starts, positions), held_bytes(starts, positions)
        offsets = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum([len(p) for p in lists], out=offsets[1:])
        positions = (np.concatenate(lists).astype(np.int64) if lists
                     else np.zeros(0, np.int64))
        return (offsets, positions), held_bytes(offsets, positions)

    def _positions_via_matcher(self, field: str, btext: bytes, info) -> list:
        if info is None:
            return []
        fmt = self.reader.schema[field].format
        m = self.reader._terms.matcher(field, btext, fmt)
        out = []
        while m.is_active():
            out.append(np.array(m.value_as("positions"), dtype=np.int64))
            m.next()
        return out

    # -- per-document arrays ----------------------------------------------------------------

    def lengths(self, field: str) -> np.ndarray:
        """Every document's length in *field* as Whoosh's scorer sees it (float64)."""
        return self.cache.get((self._key, "l", field), lambda: self._build_lengths(field))

    def _build_lengths(self, field: str):
        out = np.zeros(self.doccount, dtype=np.float64)
        perdoc = self.reader._perdoc
        reader = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if reader is not None:
            count = min(reader._count, self.doccount)
            raw = np.frombuffer(reader._dbfile.get(reader._basepos, count), np.uint8)
            out[:count] = _LENGTHS[raw]
        return out, held_bytes(out)

    def numeric_column(self, name: str, dtype=np.uint64) -> np.ndarray | None:
        """The raw values of a numeric column (``None`` if the segment has none)."""
        return self.cache.get((self._key, "c", name), lambda: self._build_numeric(name, dtype))

    def _build_numeric(self, name: str, dtype):
        out = numeric_values(self.reader, name, dtype)
        return out, 0 if out is None else held_bytes(out)

    def deleted(self) -> np.ndarray | None:
        """Sorted document numbers of the deleted documents, or ``None`` for none."""
        if not self.reader.has_deletions():
            return None
        def build():
            found = np.fromiter(sorted(self.reader._perdoc.deleted_docs()), dtype=np.int64)
            return found, held_bytes(found)
        return self.cache.get((self._key, "d"), build)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending.

    A sort and a comparison of neighbours: NumPy 2's ``np.unique`` takes a hash-table path
    for integers that measured 100 times slower here (424 ms against 3.5 ms for 350,000).
    """
    out = np.sort(values)
    if len(out) > 1:
        out = out[np.concatenate(([True], out[1:] != out[:-1]))]
    return out


def _split_lists(raw: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> list:
    return [np.cumsum(raw[int(a):int(a) + int(n)], dtype=np.int64)
            for a, n in zip(starts[:-1], lens, strict=True)]


def segments(reader) -> list[tuple[object, int]]:
    """``(segment reader, document offset)`` of each segment of *reader*."""
    return list(reader.leaf_readers())


def numeric_values(reader, name: str, dtype=np.uint64) -> np.ndarray | None:
    """The raw values of one segment reader's numeric column, read whole from its bytes
    (``None`` if the segment has none)."""
    if not reader.has_column(name):
        return None
    creader = reader.column_reader(name, translate=False)
    doccount = reader.doc_count_all()
    count = min(creader._count, doccount)
    raw = np.frombuffer(creader._dbfile.get(creader._basepos, count * creader._fixedlen),
                        np.dtype(">" + creader._typecode)).astype(dtype)
    out = np.full(doccount, creader._default, dtype=dtype)
    out[:count] = raw
    return out

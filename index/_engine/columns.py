"""Columns of byte strings: compressed in blocks, and a table of distinct values.

:class:`BlockColumn` holds long values read a few at a time (paragraph text, entity names);
:class:`RefColumn` holds short values that repeat (article ids), read at random.

Whoosh's ``CompressedBlockColumn`` was used before; as shipped (whoosh3 3.54) it

- keeps, for every block, an uncompressed pickle of ``(docnum, length)`` pairs: about 8
  bytes per document and column (1 MB per column for all of Reuters);
- counts its ``blocksize`` in kilobytes, and at the size that compresses text well (128 KB)
  every value read inflates 0.5 ms of data: 5 ms for a page of ten hits;
- decompresses a whole block for every value it returns, raises ``KeyError`` for a
  document without a value inside a block, and its iterator yields one value too many
  around every gap.

:class:`BlockColumn` compresses each block's value lengths with its values, keeps one small
table of block starts, inflates a block once for consecutive reads, and returns ``b""`` for
a document without a value.

Whoosh's ``RefBytesColumn`` numbers the distinct values of a segment with 16 bits: from the
65,537th distinct article id on, it warns and stores the first id instead, so a segment of
more than 65,536 articles would give wrong article ids. :class:`RefColumn` numbers them
with 32 bits when 16 do not suffice.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from bisect import bisect_right
from itertools import accumulate, pairwise

import numpy as np
from whoosh import columns

_COUNT = struct.Struct("<I")
_TRAILER = struct.Struct("<II")


#: Inflated blocks a reader keeps, most recent last.
_KEPT = 64


class BlockColumn(columns.Column):
    """Byte strings, zlib-compressed together in blocks of about *blocksize* bytes.

    Reading one value inflates its block (16 KB of news text: ~65 us); the reader keeps the
    last blocks, so reading values in document order inflates each block once.

    :param blocksize: uncompressed bytes of values per block
    :param level: zlib compression level
    """

    _default = b""

    def __init__(self, blocksize: int = 16 * 1024, level: int = 6) -> None:
        self._blocksize = blocksize
        self._level = level

    def writer(self, dbfile) -> BlockColumn.Writer:
        return self.Writer(dbfile, self._blocksize, self._level)

    class Writer(columns.ColumnWriter):
        """Layout: the blocks, then block start documents (``I`` each, one more than
        there are blocks: where the last one ends), block end offsets (``Q`` each), and the
        number of blocks (``I``). A block is ``zlib(lengths as I... + values)``."""

        def __init__(self, dbfile, blocksize: int, level: int) -> None:
            super().__init__(dbfile)
            self._blocksize = blocksize
            self._level = level
            self._base = dbfile.tell()
            self._values: list[bytes] = []
            self._size = 0
            self._starts = array("I", [0])
            self._ends = array("Q")

        def add(self, docnum: int, value: bytes) -> None:
            values = self._values
            missing = docnum - self._starts[-1] - len(values)
            if missing > 0:
                values.extend([b""] * missing)
            values.append(value)
            self._size += len(value)
            if self._size >= self._blocksize:
                self._emit()

        def _emit(self) -> None:
            values = self._values
            lengths = array("I", map(len, values))
            self._dbfile.write(zlib.compress(lengths.tobytes() + b"".join(values), self._level))
            self._ends.append(self._dbfile.tell() - self._base)
            self._starts.append(self._starts[-1] + len(values))
            self._values = []
            self._size = 0

        def finish(self, doccount: int) -> None:
            if self._values:
                self._emit()
            write = self._dbfile.write
            write(self._starts.tobytes())
            write(self._ends.tobytes())
            write(_COUNT.pack(len(self._ends)))

    class Reader(columns.ColumnReader):
        def __init__(self, dbfile, basepos: int, length: int, doccount: int) -> None:
            super().__init__(dbfile, basepos, length, doccount)
            get = dbfile.get
            (n,) = _COUNT.unpack(get(basepos + length - _COUNT.size, _COUNT.size))
            table = basepos + length - _COUNT.size - 8 * n - 4 * (n + 1)
            self._starts = array("I")
            self._starts.frombytes(get(table, 4 * (n + 1)))
            self._ends = array("Q")
            self._ends.frombytes(get(table + 4 * (n + 1), 8 * n))
            # Block number -> (block number, data, value offsets), each entry put whole, so
            # threads sharing this reader never see one block's data with another's
            # offsets. The last _KEPT blocks inflated are kept (about 1 MB): the ten hits
            # of a search are usually ten blocks, which a search over the same documents
            # need not inflate again (tantivy's document store keeps 100 blocks likewise).
            self._kept: dict[int, tuple[int, bytes, list[int]]] = {}

        def _block(self, i: int) -> tuple[int, bytes, list[int]]:
            kept = self._kept.get(i)
            if kept is not None:
                return kept
            begin = self._ends[i - 1] if i else 0
            data = zlib.decompress(self._dbfile.get(self._basepos + begin,
                                                    self._ends[i] - begin))
            count = self._starts[i + 1] - self._starts[i]
            lengths = array("I")
            lengths.frombytes(data[:4 * count])
            block = (i, data, list(accumulate(lengths, initial=4 * count)))
            blocks = self._kept
            if len(blocks) >= _KEPT:
                try:  # the oldest out; another thread may have changed the dict meanwhile
                    blocks.pop(next(iter(blocks)), None)
                except (RuntimeError, StopIteration):
                    pass
            blocks[i] = block
            return block

        def __getitem__(self, docnum: int) -> bytes:
            i = bisect_right(self._starts, docnum) - 1
            if i < 0 or i >= len(self._ends):
                return b""
            _i, data, offsets = self._block(i)
            j = docnum - self._starts[i]
            return data[offsets[j]:offsets[j + 1]]

        def __iter__(self):
            return map(self.__getitem__, range(self._doccount))

        def blocks(self):
            """``(first docnum, values)`` of each block in order: every value read with one
            inflate per block and no per-document lookup (for building whole-column
            tables)."""
            for i in range(len(self._ends)):
                _i, data, offsets = self._block(i)
                yield self._starts[i], [data[a:b] for a, b in pairwise(offsets)]


class RefColumn(columns.Column):
    """Short byte strings that repeat: each distinct value stored once, each document a
    2- or 4-byte reference to it.

    The reader loads the references and the distinct values on opening (for all of
    Reuters: 128,159 references, 20,841 ids), then answers every read from memory.
    """

    _default = b""

    def writer(self, dbfile) -> RefColumn.Writer:
        return self.Writer(dbfile)

    class Writer(columns.ColumnWriter):
        """Layout: references (``H`` or ``I`` each), value lengths (``I`` each), the values,
        then the reference type code (one byte), the number of references and of values
        (``I`` each). Reference 0 is the empty value, for documents without one."""

        def __init__(self, dbfile) -> None:
            super().__init__(dbfile)
            self._refs = array("I")
            self._uniques: dict[bytes, int] = {b"": 0}

        def add(self, docnum: int, value: bytes) -> None:
            refs = self._refs
            if docnum > len(refs):
                refs.extend([0] * (docnum - len(refs)))
            ref = self._uniques.setdefault(value, len(self._uniques))
            refs.append(ref)

        def finish(self, doccount: int) -> None:
            typecode = "H" if len(self._uniques) <= 0x10000 else "I"
            values = list(self._uniques)  # in reference order: dicts keep insertion order
            write = self._dbfile.write
            write(array(typecode, self._refs).tobytes())
            write(array("I", map(len, values)).tobytes())
            write(b"".join(values))
            write(typecode.encode("ascii"))
            write(_TRAILER.pack(len(self._refs), len(values)))

    class Reader(columns.ColumnReader):
        def __init__(self, dbfile, basepos: int, length: int, doccount: int) -> None:
            super().__init__(dbfile, basepos, length, doccount)
            get = dbfile.get
            end = basepos + length
            n_refs, n_values = _TRAILER.unpack(get(end - _TRAILER.size, _TRAILER.size))
            typecode = get(end - _TRAILER.size - 1, 1).decode("ascii")
            refs = array(typecode)
            refs.frombytes(get(basepos, refs.itemsize * n_refs))
            pos = basepos + refs.itemsize * n_refs
            # The values stay one string, cut on reading: a bytes object per distinct value
            # cost a Python loop (67 ms for 2,363,409 paragraphs' article ids) and 40
            # bytes of memory each.
            offsets = np.zeros(n_values + 1, dtype=np.int64)
            np.cumsum(np.frombuffer(get(pos, 4 * n_values), dtype=np.uint32), out=offsets[1:])
            self._data = get(pos + 4 * n_values, int(offsets[-1]))
            self._offsets = array("q", offsets.tobytes())  # read back as Python ints
            self._refs = refs

        @property
        def _values(self) -> list[bytes]:
            """Every distinct value, in reference order (the empty value first)."""
            offsets = self._offsets
            return [self._data[a:b] for a, b in pairwise(offsets)]

        def __getitem__(self, docnum: int) -> bytes:
            refs = self._refs
            if docnum >= len(refs):
                return b""
            ref = refs[docnum]
            return self._data[self._offsets[ref]:self._offsets[ref + 1]]

        def __iter__(self):
            return map(self.__getitem__, range(self._doccount))

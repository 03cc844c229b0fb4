"""Whoosh's W3 codec with compact posting blocks, and a compact positions format.

Whoosh 3's postings are the largest part of an index, and mostly overhead: each block is a
pickle (protocol 2, in which every ``bytes`` value goes through ``_codecs.encode``) of the
document ids, the weights as 8-byte floats and one value per posting, and a position list
is itself a 4-byte count plus a pickled list. One position thus costs about 25 bytes before
zlib, and the postings of all of Reuters came to 53 MB for 16 MB of text.

Here a block is plain arrays instead: the gaps between document ids, the weights as one
byte each when they are small whole numbers (term frequencies almost always are), the
values' lengths and the values themselves, zlib-compressed as Whoosh does. A position list
is its gaps, one byte each when they fit. A term's entry in the term dictionary ends in
varints (first and last document, postings offset) instead of 20 fixed bytes. The term
dictionary's hash tables, the columns and everything else stay Whoosh's. Each segment
records its codec, so an index keeps reading segments written by another codec.

On all of Reuters (one segment): postings 53 -> 9.3 MB, term dictionary 8.6 -> 7.3 MB.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from collections.abc import Iterator
from itertools import accumulate, groupby, pairwise
from operator import itemgetter
from typing import NamedTuple

from searchlib.index._engine.facetcodes import FacetCodesWriter
from whoosh import formats
from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import (
    W3Codec,
    W3FieldCursor,
    W3FieldWriter,
    W3LeafMatcher,
    W3PostingsWriter,
    W3TermInfo,
    W3TermsReader,
)
from whoosh.reading import CorruptIndexError, TermNotFound
from whoosh.system import emptybytes
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.varints import varint

#: Starts every posting list; a W3 matcher reading it would stop at its own magic check.
_MAGIC = b"Sb"
#: count, last id, max weight, flags, min and max length byte, data length.
_HEADER = struct.Struct("<BIfBBBI")
_FLAGS_AT = struct.calcsize("<BIf")  # where the flags byte is in a header
_LAST = 0x01
_ZLIB = 0x02
_WEIGHT_BYTES = 0x04  # weights are whole numbers 0-255, one byte each
_WEIGHT_FLOATS = 0x08  # weights as 4-byte floats (none of these bits: all 1.0)
_IDS_SHIFT = 4  # two bits: array type of the id gaps
_LENGTHS_SHIFT = 6  # two bits: array type of the value lengths
_TYPECODES = "BHI"
_ZLIB_LEVEL = 3
#: Below this many bytes zlib's header costs more than it saves.
_ZLIB_MIN = 80

#: Starts a position list whose gaps did not fit in one byte each.
_WIDE = 0xFF


def _typecode(values) -> int:
    """Index in :data:`_TYPECODES` of the narrowest array type holding *values*."""
    top = max(values, default=0)
    return 0 if top < 0x100 else 1 if top < 0x10000 else 2


class CompactPositions(formats.Positions):
    """Whoosh's Positions format with each position list stored as its gaps.

    Gaps below 255 take one byte each (the list is then ``bytes(gaps)``); otherwise the
    value is ``0xFF`` followed by the gaps as 4-byte unsigned integers.
    """

    def encode(self, poslist) -> bytes:
        if len(poslist) == 1 and poslist[0] < _WIDE:  # most words, once in a paragraph
            return bytes(poslist)
        gaps = [poslist[0], *(b - a for a, b in pairwise(poslist))]
        if max(gaps) < _WIDE:
            return bytes(gaps)
        return bytes((_WIDE,)) + array("I", gaps).tobytes()

    @staticmethod
    def _gaps(valuestring: bytes):
        if valuestring[:1] == b"\xff":
            return array("I", valuestring[1:])
        return valuestring

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return list(accumulate(self._gaps(valuestring)))

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(self._gaps(valuestring))

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost


class CompactPostingsWriter(W3PostingsWriter):
    """Writes each block of postings as arrays (see the module's doc)."""

    _held: tuple[bytes, bytes] | None = None  # a copied block, written once the next is known

    def _write_block(self, last: bool = False) -> None:
        if self._held is not None:
            self._write_held(last=False)
        if not self._blockcount:
            self._postfile.write(_MAGIC)
        self._terminfo.add_block(self)

        ids, weights, values = self._ids, self._weights, self._values
        n = len(ids)
        flags = _LAST if last else 0
        # The last id is in the header: the gaps lead up to it.
        gaps = [b - a for a, b in pairwise(ids)]
        code = _typecode(gaps)
        parts = [array(_TYPECODES[code], gaps).tobytes()]
        flags |= code << _IDS_SHIFT

        if any(w != 1.0 for w in weights):
            whole = [int(w) for w in weights]
            if max(whole) < 0x100 and min(whole) >= 0 and array("f", whole) == weights:
                flags |= _WEIGHT_BYTES
                parts.append(bytes(whole))
            else:
                flags |= _WEIGHT_FLOATS
                parts.append(weights.tobytes())

        fixedsize = self._format.fixed_value_size()
        if fixedsize is None or fixedsize < 0:
            lengths = [len(v) for v in values]
            code = _typecode(lengths)
            flags |= code << _LENGTHS_SHIFT
            parts.append(array(_TYPECODES[code], lengths).tobytes())
            parts.extend(values)
        elif fixedsize:
            parts.extend(values)

        data = b"".join(parts)
        if self._compression and len(data) >= _ZLIB_MIN:
            packed = zlib.compress(data, self._compression)
            if len(packed) < len(data):
                data = packed
                flags |= _ZLIB

        self._postfile.write(_HEADER.pack(
            n, ids[-1], self._maxweight, flags, length_to_byte(self._minlength),
            length_to_byte(self._maxlength), len(data)))
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def copy_block(self, block: RawBlock, base: int) -> None:
        """Write a block of another segment's postings as it is stored, with its document
        numbers moved up by *base* (only its header changes: it holds the last id, and the
        data holds the gaps).

        :param block: from :meth:`CompactLeafMatcher.raw_blocks`
        """
        if self._ids:
            self._write_block()
        elif self._held is not None:
            self._write_held(last=False)
        count, lastid, maxweight, flags, mnlen, mxlen, datalen = block.header
        ids, weights = block.ids_and_weights()
        info = self._terminfo
        info._weight += sum(weights)
        info._df += count
        if mnlen:  # 0: the field keeps no lengths (what Whoosh's blocks then say: None)
            minlength = byte_to_length(mnlen)
            info._minlength = (minlength if info._minlength is None
                               else min(info._minlength, minlength))
        info._maxlength = max(info._maxlength, byte_to_length(mxlen))
        info._maxweight = max(info._maxweight, maxweight)
        if info._minid is None:
            info._minid = ids[0] + base
        info._maxid = lastid + base
        self._held = (_HEADER.pack(count, lastid + base, maxweight, flags & ~_LAST, mnlen,
                                   mxlen, datalen), block.data)

    def _write_held(self, last: bool) -> None:
        assert self._held is not None
        header, data = self._held
        self._held = None
        if not self._blockcount:
            self._postfile.write(_MAGIC)
        if last:
            header = header[:_FLAGS_AT] + bytes((header[_FLAGS_AT] | _LAST,)) + header[
                _FLAGS_AT + 1:]
        self._postfile.write(header)
        self._postfile.write(data)
        self._blockcount += 1

    def finish_postings(self):
        if self._held is not None:
            self._write_held(last=not self._ids)
        return super().finish_postings()

    def add_many(self, ids: list[int], weights: list[float], values: list[bytes],
                 lengths: list[int | None]) -> None:
        """``add_posting`` for each posting of one term, a block at a time (the same blocks
        and statistics, without a Python call per posting).

        :param ids: ascending document numbers
        :param lengths: each document's length in the field (None or 0: unknown)
        """
        limit, start, n = self._blocklimit, 0, len(ids)
        while start < n:
            if len(self._ids) >= limit:
                self._write_block()
            end = min(n, start + limit - len(self._ids))
            self._ids.extend(ids[start:end])
            self._weights.extend(weights[start:end])
            self._maxweight = max(self._maxweight, *weights[start:end])
            self._values.extend(v for v in values[start:end] if v)
            known = [length for length in lengths[start:end] if length]
            if known:
                low = min(known)
                if self._minlength is None or low < self._minlength:
                    self._minlength = low
                self._maxlength = max(self._maxlength, *known)
            start = end


class CompactLeafMatcher(W3LeafMatcher):
    """Reads the posting blocks :class:`CompactPostingsWriter` writes."""

    def _read_header(self) -> None:
        postfile = self._postfile
        magic = postfile.get(self._startoffset, len(_MAGIC))
        if magic != _MAGIC:
            raise CorruptIndexError(
                f"Bad postings block tag {magic!r} at offset {self._startoffset} "
                f"(expected {_MAGIC!r}): the index is damaged; rebuild it")
        self._baseoffset = self._startoffset + len(_MAGIC)

    def _goto(self, position: int) -> None:
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        (self._blocklength, self._maxid, self._maxweight, self._flags, mnlen, mxlen,
         datalen) = _HEADER.unpack(self._postfile.get(position, _HEADER.size))
        self._lastblock = bool(self._flags & _LAST)
        self._compression = _ZLIB_LEVEL if self._flags & _ZLIB else 0
        self._minlength = byte_to_length(mnlen)
        self._maxlength = byte_to_length(mxlen)
        self._dataoffset = position + _HEADER.size
        self._nextoffset = self._dataoffset + datalen

    def _read_data(self) -> None:
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        if self._flags & _ZLIB:
            data = zlib.decompress(data)
        n, flags = self._blocklength, self._flags

        gaps = array(_TYPECODES[(flags >> _IDS_SHIFT) & 3])
        end = (n - 1) * gaps.itemsize
        gaps.frombytes(data[:end])
        first = self._maxid - sum(gaps)
        ids = tuple(accumulate(gaps, initial=first))

        if flags & _WEIGHT_BYTES:
            weights = array("f", iter(data[end:end + n]))
            end += n
        elif flags & _WEIGHT_FLOATS:
            weights = array("f")
            weights.frombytes(data[end:end + 4 * n])
            end += 4 * n
        else:
            weights = None

        # The values (positions) are cut out only when asked for: most queries never are.
        self._data = (ids, weights, (data, end))

    def _cut_values(self, data: bytes, end: int) -> tuple:
        n, fixedsize = self._blocklength, self._fixedsize
        if fixedsize is None or fixedsize < 0:
            lengths = array(_TYPECODES[(self._flags >> _LENGTHS_SHIFT) & 3])
            start = end + n * lengths.itemsize
            lengths.frombytes(data[end:start])
            offsets = list(accumulate(lengths, initial=start))
            return tuple(data[a:b] for a, b in pairwise(offsets))
        if fixedsize:
            return tuple(data[i:i + fixedsize] for i in range(end, end + n * fixedsize,
                                                              fixedsize))
        return (None,) * n

    def raw_blocks(self) -> Iterator[RawBlock]:
        """Each block from the current one on as stored, for merging."""
        while self.is_active():
            start = self._dataoffset - _HEADER.size
            header = _HEADER.unpack(self._postfile.get(start, _HEADER.size))
            yield RawBlock(header, self._postfile.get(self._dataoffset, header[-1]), self)
            self._next_block()

    def ids_and_weights(self) -> tuple:
        """``(ids, weights)`` of the current block, its values left uncut."""
        self._read_ids()
        self._read_weights()
        return self._ids, self._weights

    def decoded(self) -> tuple:
        """``(ids, weights, values)`` of the current block."""
        self._read_values()
        return (*self.ids_and_weights(), self._values)

    def blocks(self):
        """``(ids, weights, values)`` of each block from the current one on (for merging)."""
        while self.is_active():
            yield self.decoded()
            self._next_block()

    def _read_ids(self) -> None:
        if self._data is None:
            self._read_data()
        self._ids = self._data[0]

    def _read_weights(self) -> None:
        if self._data is None:
            self._read_data()
        weights = self._data[1]
        self._weights = array("f", [1.0]) * self._blocklength if weights is None else weights

    def _read_values(self) -> None:
        if self._data is None:
            self._read_data()
        self._values = self._cut_values(*self._data[2])


class PooledPostings(NamedTuple):
    """A term's postings gathered by a segment writer, for
    :meth:`CompactFieldWriter.add_terms`: three lists in step, in document order (a
    posting per document: no tuple per posting to make, and none to take apart)."""

    ids: list[int]
    weights: list[float]
    values: list[bytes | None]


class MovedPostings(NamedTuple):
    """A term's postings in another segment, for :meth:`CompactFieldWriter.add_terms`:
    its matcher and what to add to its document numbers."""

    matcher: CompactLeafMatcher
    base: int


class RawBlock:
    """One stored block of postings: its header's fields, its bytes, and the matcher
    standing on it (which decodes it when asked, before it moves on)."""

    __slots__ = ("data", "header", "_matcher")

    def __init__(self, header: tuple, data: bytes, matcher: CompactLeafMatcher) -> None:
        self.header, self.data, self._matcher = header, data, matcher

    def __len__(self) -> int:
        return self.header[0]

    def decoded(self) -> tuple:
        """``(ids, weights, values)``; only while its matcher is still on this block."""
        return self._matcher.decoded()

    def ids_and_weights(self) -> tuple:
        """``(ids, weights)``, the values left uncut; only while its matcher is on it."""
        return self._matcher.ids_and_weights()


class CompactTermInfo(W3TermInfo):
    """W3's term info with a shorter tail.

    The first 15 bytes are W3's (flags, total weight, document frequency, min and max
    length, max weight), so Whoosh's readers of single statistics at fixed offsets keep
    working; then three varints: first document, last minus first, postings offset (W3:
    two 4-byte ids, an 8-byte offset and a 4-byte length that nothing reads).
    """

    _prefix = struct.Struct("!BfIBBf")
    _COMPACT = 2  # flags value; W3 writes 0 (postings in the file) or 1 (inlined)

    def to_bytes(self) -> bytes:
        if self.is_inlined() or self._minid is None:
            return super().to_bytes()
        minlength = 0 if self._minlength is None else length_to_byte(self._minlength)
        return (self._prefix.pack(self._COMPACT, self._weight, self._df, minlength,
                                  length_to_byte(self._maxlength), self._maxweight)
                + varint(self._minid) + varint(self._maxid - self._minid)
                + varint(self._offset))

    @classmethod
    def from_bytes(cls, s: bytes) -> W3TermInfo:
        if s[0] != cls._COMPACT:
            return W3TermInfo.from_bytes(s)
        info = cls()
        (_flags, info._weight, info._df, minlength, maxlength,
         info._maxweight) = cls._prefix.unpack_from(s)
        info._minlength = byte_to_length(minlength)
        info._maxlength = byte_to_length(maxlength)
        numbers = []
        value = shift = 0
        for byte in s[cls._prefix.size:]:
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                numbers.append(value)
                value = shift = 0
        info._minid, span, info._offset = numbers
        info._maxid = info._minid + span
        return info


class CompactFieldWriter(W3FieldWriter):
    """Writes :class:`CompactTermInfo` entries, each term's postings at once."""

    def add_postings(self, schema, lengths, items) -> None:
        """Whoosh's ``FieldWriter.add_postings`` (sorted ``(field, term, docnum, weight,
        value)`` tuples to terms and posting blocks), a term at a time.

        :param lengths: the segment's per-document reader (field lengths), or None
        """
        self.add_terms(schema, lengths,
                       ((key, [group]) for key, group in groupby(items, key=itemgetter(0, 1))))

    def add_terms(self, schema, lengths, terms) -> None:
        """Write *terms* in order, each ``((field, term), sources)``; a term's sources, in
        document order, are posting tuples as ``add_postings`` takes them,
        :class:`PooledPostings`, or :class:`MovedPostings`, whose full blocks are copied
        as stored (the others are decoded and re-blocked: partial blocks do not pile up
        merge after merge, and small terms stay in few blocks), and all of whose blocks
        are copied when the term has no other source (its blocks are what cutting it
        again would give).

        :param lengths: the segment's per-document reader (field lengths), or None
        """
        lastkey: tuple | None = None
        lengths_of = None
        full = self._codec._blocklimit
        for key, sources in terms:
            fieldname, btext = key
            if lastkey is not None and key <= lastkey:
                raise OutOfOrderError(f"Term {lastkey[0]}:{lastkey[1]!r} .. "
                                      f"{fieldname}:{btext!r}")
            if lastkey is None or fieldname != lastkey[0]:
                if lastkey is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lengths_of = (lengths.doc_field_length_reader(fieldname) if lengths
                              else None)
            lastkey = key
            started = False
            # A term of one segment only keeps its blocks, the last one too: cutting them
            # again would give the same blocks.
            whole = len(sources) == 1
            for source in sources:
                if isinstance(source, MovedPostings):
                    for block in source.matcher.raw_blocks():
                        if not started:
                            self.start_term(btext)
                            started = True
                        if whole or len(block) >= full:
                            self._postwriter.copy_block(block, source.base)
                            continue
                        ids, weights, values = block.decoded()
                        self._add([d + source.base for d in ids], weights, values, lengths_of)
                    continue
                if type(source) is PooledPostings:
                    ids, weights, values = source
                else:
                    rows = source if isinstance(source, list) else list(source)
                    ids = [row[2] for row in rows]
                    weights = [row[3] for row in rows]
                    values = [row[4] for row in rows]
                if -1 in ids:  # Whoosh's spelling hack: a word for the spelling graph
                    kept = [i for i, d in enumerate(ids) if d != -1]
                    ids = [ids[i] for i in kept]
                    weights = [weights[i] for i in kept]
                    values = [values[i] for i in kept]
                if ids:
                    if not started:
                        self.start_term(btext)
                        started = True
                    if None in values:
                        values = [emptybytes if v is None else v for v in values]
                    self._add(ids, weights, values, lengths_of)
            if started:
                self.finish_term()
        if lastkey is not None:
            self.finish_field()

    def _add(self, ids: list[int], weights, values, lengths_of) -> None:
        self._postwriter.add_many(
            ids, weights, values, [lengths_of(d) for d in ids] if lengths_of else [0] * len(ids))

    def start_term(self, btext: bytes) -> None:
        if self._postwriter is None:
            raise RuntimeError("Called start_term before start_field")
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, CompactTermInfo())


class CompactFieldCursor(W3FieldCursor):
    def term_info(self):
        if self._pos is None:
            return None
        return CompactTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


class CompactTermsReader(W3TermsReader):
    """Reads term dictionaries with :class:`CompactTermInfo` (or W3) entries."""

    def cursor(self, fieldname, fieldobj):
        return CompactFieldCursor(self._tindex, fieldname, self._keycoder, self._keydecoder,
                                  fieldobj)

    def items(self):
        decode = CompactTermInfo.from_bytes
        return ((self._keydecoder(k), decode(v)) for k, v in self._tindex.items())

    def items_from(self, fieldname, prefix):
        decode = CompactTermInfo.from_bytes
        start = self._keycoder(fieldname, prefix)
        return ((self._keydecoder(k), decode(v)) for k, v in self._tindex.items_from(start))

    def term_info(self, fieldname, tbytes):
        try:
            return CompactTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None


class CompactCodec(W3Codec):
    """Whoosh's W3 codec writing :class:`CompactPostingsWriter` blocks.

    Vector postings (which searchlib does not use) and inlined postings stay W3's.
    """

    def __init__(self, blocklimit: int = 128, compression: int = _ZLIB_LEVEL,
                 inlinelimit: int = 1) -> None:
        if not 0 < blocklimit < 0x100:  # a block's posting count is one byte
            raise ValueError(f"blocklimit must be 1-255, not {blocklimit}")
        super().__init__(blocklimit, compression, inlinelimit)

    def postings_writer(self, dbfile, byteids: bool = False):
        if byteids:
            return super().postings_writer(dbfile, byteids=True)
        return CompactPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=False,
                                     compression=self._compression,
                                     inlinelimit=self._inlinelimit)

    def field_writer(self, storage, segment):
        return CompactFieldWriter(self, storage, segment)

    def per_document_writer(self, storage, segment):
        # Numbers the entity records as they are written (the facet codes file).
        return FacetCodesWriter(self, storage, segment)

    def terms_reader(self, storage, segment):
        name = segment.make_filename(self.TERMS_EXT)
        return CompactTermsReader(self, storage.open_file(name), storage.file_length(name),
                                  segment.open_file(storage, self.POSTS_EXT))

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term,
                                           scorer=scorer)
        offset, _length = terminfo.extent()
        return CompactLeafMatcher(dbfile, offset, _length, format_, term=term,
                                  scorer=scorer)

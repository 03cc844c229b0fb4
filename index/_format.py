"""The on-disk format of a searchlib index, in one place.

Field and column names, the schema version, the metadata file's name and every record
encoding (mentions, the facet column, the body column, paragraph ids) are defined here and
nowhere else: the writer and every reader use these constants and functions, never raw
strings. Changing anything here that an older index cannot serve means bumping
:data:`SCHEMA_VERSION`; so does moving a class that Whoosh pickles into the table of
contents (they all live in :mod:`searchlib.index._engine`, and a test pins their paths).
"""

from __future__ import annotations

import json
import struct
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

import numpy as np
from searchlib.index._records import Entity

#: Bumped whenever the stored format changes in a way an older index cannot serve.
#: 3: one import root (the pickled engine classes moved to ``searchlib.index._engine``).
SCHEMA_VERSION = 3

#: The file beside Whoosh's that records the schema version and the extractor.
META_FILE = "searchlib.json"

#: The file of index-wide entity name statistics (:mod:`searchlib.index.entities._names`).
NAMES_FILE = "entity_names.json"

#: The entity kinds searchlib knows, in display order; each is also a field name.
KINDS: tuple[str, ...] = ("person", "place", "org")

# Field names of a paragraph document.
ARTICLE_ID = "article_id"
PARAGRAPH = "paragraph"
TITLE = "title"
TEXT = "text"
DATE = "date"
SOURCE = "source"

#: Column holding a paragraph's text and entity mentions (see :func:`encode_body`).
BODY_COLUMN = "body"

#: Column holding every entity of a paragraph as ``kind<US>name`` records, for facets.
ENTITY_COLUMN = "entity_names"

#: The extension of a segment's facet codes file (``<segment id>.fcodes``, inside the
#: segment's compound file, so it is checksummed and removed with it): every document's
#: entity column records as small integers, written with the segment
#: (:func:`encode_facet_codes`). A segment without one (written before) is decoded instead.
FACET_CODES_EXT = ".fcodes"

#: Separates canonical names inside an entity field; the analyzer turns it into a
#: position gap so that a phrase query cannot match across two names.
NAME_SEPARATOR = "\x1f"

#: The key of an article's header (paragraph 0's body column) naming what extracted its
#: entities (``name/version/fingerprint``), which ``reextract`` resumes by.
EXTRACTED_BY = "ex"

#: The raw ``date`` column value of a paragraph whose article has no date.
NO_DATE = 2 ** 64 - 1

_RECORD = "\x1e"
_UNIT = "\x1f"
_RECORD_BYTE, _UNIT_BYTE = ord(_RECORD), ord(_UNIT)
_KIND_CODE = {kind: "abcdefgh"[i] for i, kind in enumerate(KINDS)}
_KIND_OF = {code: kind for kind, code in _KIND_CODE.items()}


def encode_mentions(text: str, entities: Sequence[Entity]) -> str:
    """Pack a paragraph's entity mentions into one compact string.

    One record per mention: a letter for the kind, the start offset, the length and, only
    when it differs from the words in the text, the canonical name.
    """
    records = []
    for e in entities:
        record = f"{_KIND_CODE[e.kind]}{e.start}{_UNIT}{e.end - e.start}"
        if e.name != text[e.start:e.end]:
            record += f"{_UNIT}{e.name}"
        records.append(record)
    return _RECORD.join(records)


def decode_mentions(value: str | None, text: str) -> list[tuple[str, int, int, str]]:
    """Inverse of :func:`encode_mentions`: ``(kind, start, end, name)`` tuples."""
    if not value:
        return []
    out = []
    for rec in value.split(_RECORD):
        start, length, *name = rec[1:].split(_UNIT, 2)
        begin = int(start)
        end = begin + int(length)
        out.append((_KIND_OF[rec[0]], begin, end, name[0] if name else text[begin:end]))
    return out


def encode_entity_column(entities: Sequence[Entity]) -> bytes:
    """Pack a paragraph's distinct (kind, name) pairs for the facet column."""
    seen = dict.fromkeys((e.kind, e.name) for e in entities)
    return _RECORD.join(f"{k}{_UNIT}{n}" for k, n in seen).encode("utf-8")


def decode_entity_column(value: bytes) -> list[tuple[str, str]]:
    """Inverse of :func:`encode_entity_column`."""
    if not value:
        return []
    pairs = []
    for rec in value.decode("utf-8").split(_RECORD):
        kind, name = rec.split(_UNIT, 1)
        pairs.append((kind, name))
    return pairs


def encode_body(text: str, entities: Sequence[Entity], header: dict | None = None) -> bytes:
    """The body column value of a paragraph: its mentions, its article's header (paragraph
    0 only: source, url, content hash), then its text.

    The header lives here rather than in a Whoosh stored field because Whoosh compresses
    each document's stored fields alone, which for a few short strings costs more than it
    saves (2.8 MB for all of Reuters; a fraction of that here, compressed with the text).
    """
    mentions = encode_mentions(text, entities)
    meta = json.dumps(header, ensure_ascii=False, separators=(",", ":")) if header else ""
    return f"{len(mentions)}:{len(meta)}:{mentions}{meta}{text}".encode(
        "utf-8", "surrogatepass")


def decode_body(value: bytes) -> tuple[str, str, dict]:
    """Inverse of :func:`encode_body`: ``(text, encoded mentions, header)``."""
    if not value:
        return "", "", {}
    raw = value.decode("utf-8", "surrogatepass")
    n_mentions, n_meta, rest = raw.split(":", 2)
    a = int(n_mentions)
    b = a + int(n_meta)
    return rest[b:], rest[:a], json.loads(rest[a:b]) if b > a else {}


def join_names(names: Iterable[str]) -> str:
    """The value of an entity field: its canonical names, kept apart by the separator."""
    return f" {NAME_SEPARATOR} ".join(names)


def paragraph_id(article_id: str, paragraph: int) -> str:
    """The id of one paragraph document: ``<article id>#<paragraph number>``."""
    return f"{article_id}#{paragraph}"


def split_paragraph_id(pid: str) -> tuple[str, int]:
    """Inverse of :func:`paragraph_id`; raises ValueError when *pid* is not one."""
    article_id, sep, number = pid.rpartition("#")
    if not sep or not article_id or not number.isdigit():
        raise ValueError(f"not a paragraph id: {pid!r}")
    return article_id, int(number)


_FACET_MAGIC = b"SLFCODE2"
#: magic, documents, codes, compressed key bytes, bytes per count, bytes per code
_FACET_HEADER = struct.Struct("<8sQQQBB")


def _width(largest: int) -> int:
    """The fewest bytes (1, 2 or 4) of an unsigned integer holding *largest*."""
    return 1 if largest < 1 << 8 else 2 if largest < 1 << 16 else 4


def encode_facet_codes(counts: np.ndarray, codes: np.ndarray, records: Sequence[bytes]
                       ) -> bytes:
    """A segment's facet codes file: a header, each document's number of records and every
    document's record numbers (unsigned, as few bytes each as the largest needs: 1-2
    bytes per paragraph and 2 per name on news), then the distinct entity column records
    they number, joined as a column value is and zlib-compressed.

    :param counts: how many records each document has, in document order
    :param codes: every document's record numbers, in document order
    :param records: the distinct ``kind<US>name`` records, by number
    """
    count_width = _width(int(counts.max()) if len(counts) else 0)
    code_width = _width(len(records))
    keys = zlib.compress(_RECORD.encode().join(records))
    header = _FACET_HEADER.pack(_FACET_MAGIC, len(counts), len(codes), len(keys),
                                count_width, code_width)
    return b"".join((header, np.asarray(counts, dtype=f"<u{count_width}").tobytes(),
                     np.asarray(codes, dtype=f"<u{code_width}").tobytes(), keys))


def decode_facet_codes(buf) -> tuple[np.ndarray, np.ndarray, FacetKeys]:
    """Inverse of :func:`encode_facet_codes`: ``(starts, codes, keys)``, where *starts*
    holds each document's first code (one more entry than documents), *codes* views *buf*
    (no copy: a memory map stays one) and *keys* decodes a record when it is asked for.

    :raises ValueError: when *buf* is not such a file
    """
    view = memoryview(buf)
    if len(view) < _FACET_HEADER.size:
        raise ValueError("facet codes file too short")
    magic, ndocs, ncodes, nkeys, count_width, code_width = _FACET_HEADER.unpack_from(view)
    at = _FACET_HEADER.size
    if magic != _FACET_MAGIC or count_width not in (1, 2, 4) or code_width not in (1, 2, 4) \
            or len(view) != at + count_width * ndocs + code_width * ncodes + nkeys:
        raise ValueError("not a facet codes file")
    starts = np.zeros(ndocs + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(view, dtype=f"<u{count_width}", count=ndocs, offset=at),
              out=starts[1:])
    at += count_width * ndocs
    codes = np.frombuffer(view, dtype=f"<u{code_width}", count=ncodes, offset=at)
    at += code_width * ncodes
    try:
        raw = zlib.decompress(view[at:])
        raw.decode("utf-8")  # checked whole once; then each record decodes alone
    except (zlib.error, UnicodeDecodeError) as e:
        raise ValueError(f"damaged facet codes file: {e}") from None
    return starts, codes, FacetKeys(raw)


class FacetKeys(Sequence[tuple[str, str]]):
    """The ``(kind, name)`` records of a facet codes file by number, decoded one at a time.

    A search shows a few dozen names: decoding all of them when a searcher first counts
    facets took 0.3 s for the 328,000 names of 2,000,000 paragraphs (and about 100 bytes
    of memory each). Records are found by where their separators are, in one array scan.

    :param raw: the records, UTF-8, joined as an entity column value is
    """

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        cuts = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == _RECORD_BYTE)
        # record i is raw[bounds[i]:bounds[i + 1] - 1]
        bounds = (np.concatenate(([0], cuts + 1, [len(raw) + 1])) if raw
                  else np.zeros(1)).astype(np.int64)
        # Every record must hold the unit separator between its kind and its name.
        units = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == _UNIT_BYTE)
        first = np.searchsorted(units, bounds[:-1])
        if np.any(first >= len(units)) or np.any(units[np.minimum(first, len(units) - 1)]
                                                 >= bounds[1:] - 1):
            raise ValueError("a facet key without a kind")
        self._bounds = array("q", bounds.tobytes())  # read back as Python ints

    def __len__(self) -> int:
        return len(self._bounds) - 1

    @overload
    def __getitem__(self, i: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, i: slice) -> list[tuple[str, str]]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("facet key out of range")
        kind, name = self._raw[self._bounds[i]:self._bounds[i + 1] - 1].decode(
            "utf-8").split(_UNIT, 1)
        return kind, name

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """Every record, decoded in bulk: split and paired in C unless a name holds the
        unit separator itself."""
        if not self._raw:
            return iter(())
        text = self._raw.decode("utf-8")
        parts = text.replace(_RECORD, _UNIT).split(_UNIT)
        if len(parts) != 2 * len(self):
            return iter(decode_entity_column(self._raw))
        return zip(parts[0::2], parts[1::2], strict=True)

    def kind_codes(self, kinds: Sequence[str]) -> np.ndarray:
        """Each record's kind as its place in *kinds* (``int8``; -1: none of them), found
        by comparing bytes at every record's start, with no record decoded."""
        data = np.frombuffer(self._raw, dtype=np.uint8)
        starts = np.frombuffer(self._bounds, dtype=np.int64)[:-1]
        lengths = np.frombuffer(self._bounds, dtype=np.int64)[1:] - 1 - starts
        out = np.full(len(self), -1, dtype=np.int8)
        for k, kind in enumerate(kinds):
            prefix = f"{kind}{_UNIT}".encode()
            match = lengths >= len(prefix)
            for j, byte in enumerate(prefix):
                match &= data[np.minimum(starts + j, len(data) - 1)] == byte
            out[match & (out == -1)] = k
        return out

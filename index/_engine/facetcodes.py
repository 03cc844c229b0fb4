"""Facet codes written with each segment, so that no search has to build them.

The facet table (:mod:`searchlib._facets`) needs every document's entity records as small
integers. Decoding them from the entity column took 1.6 s at 590,000 paragraphs (about 5 s
at 2 million) on the first search with many matches. Here the per-document writer numbers
each record as the segment is written or merged (a dictionary look-up per record, the
values being at hand anyway) and stores the numbers in the segment's
:data:`~searchlib.index._format.FACET_CODES_EXT` file; a reader maps it into memory.
"""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

import numpy as np
from searchlib.index._format import (
    ENTITY_COLUMN,
    FACET_CODES_EXT,
    FacetKeys,
    decode_facet_codes,
    encode_facet_codes,
)
from whoosh.codec.whoosh3 import W3PerDocWriter
from whoosh.filedb.filestore import OverlayStorage

_RECORD_BYTES = b"\x1e"


class FacetCodesWriter(W3PerDocWriter):
    """Whoosh's per-document writer, numbering the entity column's records on the way."""

    def __init__(self, codec, storage, segment) -> None:
        super().__init__(codec, storage, segment)
        self._numbers: dict[bytes, int] = {}
        self._counts = array("q")
        self._codes = array("i")

    def start_doc(self, docnum: int) -> None:
        super().start_doc(docnum)
        self._counts.append(0)

    def add_column_value(self, fieldname: str, columnobj, value) -> None:
        super().add_column_value(fieldname, columnobj, value)
        if fieldname == ENTITY_COLUMN and value:
            numbers = self._numbers
            records = value.split(_RECORD_BYTES)
            self._codes.extend([numbers.setdefault(r, len(numbers)) for r in records])
            self._counts[-1] += len(records)

    def cancel_doc(self) -> None:
        super().cancel_doc()
        n = self._counts.pop()
        if n:
            del self._codes[len(self._codes) - n:]

    def close(self) -> None:
        # Written before the columns close, so that a compound segment takes it in too.
        with self._create_file(FACET_CODES_EXT) as f:
            f.write(encode_facet_codes(np.frombuffer(self._counts, dtype=np.int64),
                                       np.frombuffer(self._codes, dtype=np.int32),
                                       list(self._numbers)))
        super().close()


def _name(leaf) -> tuple[str, Any] | None:
    """The facet codes file's name in a segment reader's storage, and that storage."""
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    storage = getattr(leaf, "_storage", None)
    if segment is None or storage is None:
        return None
    return segment.make_filename(FACET_CODES_EXT), storage


def has_facet_codes(leaf) -> bool:
    """Whether a segment reader's segment was written with its facet codes file."""
    found = _name(leaf)
    return found is not None and found[1].file_exists(found[0])


def read_facet_codes(leaf) -> tuple[np.ndarray, np.ndarray, FacetKeys] | None:
    """A segment reader's facet codes ``(starts, codes, keys)`` (see
    :func:`~searchlib.index._format.decode_facet_codes`), or ``None`` when its segment has
    no such file (written by an older version) or it cannot be read.

    The file is mapped into memory on its own, not through the segment's compound storage:
    views of that storage's map would keep it from closing with its searcher.
    """
    found = _name(leaf)
    if found is None:
        return None
    name, storage = found
    segment = leaf.segment()
    try:
        if isinstance(storage, OverlayStorage) and storage.a.file_exists(name):
            offset, length = storage.a.range(name)
            storage, name = storage.b, segment.make_filename(segment.COMPOUND_EXT)
        elif storage.file_exists(name):
            offset, length = 0, storage.file_length(name)
        else:
            return None
        folder = getattr(storage, "folder", None)
        if folder is None:  # a storage in memory
            with storage.open_file(name) as f:
                f.seek(offset)
                buf = f.read(length)
        else:
            buf = np.memmap(Path(folder) / name, dtype=np.uint8, mode="r", offset=offset,
                            shape=(length,))
        return decode_facet_codes(buf)
    except (OSError, ValueError):
        return None

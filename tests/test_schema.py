"""The schema's pieces: paragraph ids and the block-compressed column."""

from __future__ import annotations

import pytest
from whoosh import fields, index

from index.schema import BlockCachedColumn, paragraph_id, split_paragraph_id


def test_paragraph_ids_round_trip():
    assert split_paragraph_id(paragraph_id("a#b", 12)) == ("a#b", 12)
    for bad in ["a", "a#", "#3", "a#x"]:
        with pytest.raises(ValueError):
            split_paragraph_id(bad)


def test_block_column_with_gaps(tmp_path):
    schema = fields.Schema(n=fields.NUMERIC(stored=True),
                           col=fields.COLUMN(BlockCachedColumn(level=6, blocksize=4)))
    ix = index.create_in(str(tmp_path), schema)
    with ix.writer() as w:
        for n in range(23):
            if n % 3:  # every third document has no value, inside and between blocks
                w.add_document(n=n, col=f"v{n}".encode())
            else:
                w.add_document(n=n)
    expected = [b"" if n % 3 == 0 else f"v{n}".encode() for n in range(23)]
    with ix.reader() as r:
        col = r.column_reader("col")
        assert [col[n] for n in range(23)] == expected
        assert list(col) == expected
        assert col[22] == b"v22" and col[21] == b""

"""The block-compressed column: every value back, gaps empty, in any order of reads."""

from __future__ import annotations

import random
import threading

import pytest
from searchlib.index._engine.columns import _KEPT, BlockColumn, RefColumn
from whoosh import fields, index


def _build(path, values: list[bytes | None], blocksize: int, commits: int = 1):
    schema = fields.Schema(n=fields.NUMERIC(stored=True),
                           col=fields.COLUMN(BlockColumn(blocksize=blocksize)))
    path.mkdir()
    ix = index.create_in(str(path), schema)
    step = -(-len(values) // commits)
    for start in range(0, len(values), step):
        with ix.writer() as w:
            for n, value in enumerate(values[start:start + step], start=start):
                if value is None:
                    w.add_document(n=n)
                else:
                    w.add_document(n=n, col=value)
    return ix


@pytest.mark.parametrize("blocksize", [1, 40, 1 << 20])  # a value per block .. one block
def test_values_gaps_and_iteration(tmp_path, blocksize):
    values = [None if n % 3 == 0 else f"v{n}".encode() * (n % 7) for n in range(50)]
    values[-1] = None  # no value at the very end either
    ix = _build(tmp_path / "ix", values, blocksize)
    expected = [v or b"" for v in values]
    with ix.reader() as r:
        col = r.column_reader("col")
        order = list(range(50))
        random.Random(blocksize).shuffle(order)
        assert {n: col[n] for n in order} == dict(enumerate(expected))
        assert list(col) == expected
        assert col[200] == b""


def test_more_blocks_than_a_reader_keeps(tmp_path):
    values = [f"value {n}".encode() * (1 + n % 5) for n in range(3 * _KEPT)]
    ix = _build(tmp_path / "ix", values, blocksize=1)  # one block per value
    with ix.reader() as r:
        col = r.column_reader("col", translate=False)
        order = list(range(len(values))) * 2
        random.Random(7).shuffle(order)
        assert [col[n] for n in order] == [values[n] for n in order]
        assert len(col._kept) == _KEPT


def test_several_segments_and_a_merge(tmp_path):
    values = [f"paragraph {n} ".encode() * (n % 11 + 1) for n in range(300)]
    ix = _build(tmp_path / "ix", values, blocksize=256, commits=3)
    with ix.reader() as r:
        assert list(r.column_reader("col")) == values
    ix.writer().commit(optimize=True)
    with ix.reader() as r:
        assert list(r.column_reader("col")) == values


def test_threads_share_a_reader(tmp_path):
    values = [f"value {n}".encode() * (n % 5 + 1) for n in range(2000)]
    ix = _build(tmp_path / "ix", values, blocksize=300)
    wrong = []
    with ix.reader() as r:
        col = r.column_reader("col")

        def read(seed: int) -> None:
            rnd = random.Random(seed)
            for _ in range(3000):
                n = rnd.randrange(2000)
                if col[n] != values[n]:
                    wrong.append(n)

        threads = [threading.Thread(target=read, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert wrong == []


def test_an_empty_column(tmp_path):
    ix = _build(tmp_path / "ix", [None, b"", None], blocksize=100)
    with ix.reader() as r:
        assert list(r.column_reader("col")) == [b"", b"", b""]


def _column_round_trip(column, values: dict[int, bytes], doccount: int) -> list[bytes]:
    """Write *values* (docnum -> value) with the column's writer, read them all back."""
    from whoosh.filedb.filestore import RamStorage

    storage = RamStorage()
    f = storage.create_file("col")
    writer = column.writer(f)
    for docnum in sorted(values):
        writer.add(docnum, values[docnum])
    writer.finish(doccount)
    length = f.tell()
    f.close()
    reader = column.reader(storage.open_file("col"), 0, length, doccount)
    got = list(reader)
    if isinstance(reader, RefColumn.Reader):  # the distinct values, in reference order
        assert reader._values == list(dict.fromkeys([b"", *(values[d] for d in sorted(values))]))
    return got


def test_ref_column_beyond_65536_distinct_values():
    # Whoosh's RefBytesColumn stores the first value instead from the 65,537th distinct one.
    n = 70_000
    values = {d: f"article-{d // 2}".encode() for d in range(2 * n) if d % 5}
    got = _column_round_trip(RefColumn(), values, 2 * n + 3)
    assert got == [values.get(d, b"") for d in range(2 * n + 3)]


def test_ref_column_few_values_and_gaps(tmp_path):
    values = {0: b"a", 1: b"a", 4: b"b", 5: b"", 6: b"a"}
    assert _column_round_trip(RefColumn(), values, 8) == [b"a", b"a", b"", b"", b"b", b"",
                                                         b"a", b""]
    assert _column_round_trip(RefColumn(), {}, 2) == [b"", b""]

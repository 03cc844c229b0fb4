"""The hook of _engine.compound: files inside a compound segment are read in place."""

from __future__ import annotations

import mmap
from pathlib import Path

import pytest
from searchlib.index._engine.compound import ViewFile, install
from whoosh.filedb import compound
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

from searchlib import Article, Index


def test_install_replaces_the_file_class_compound_storage_opens() -> None:
    install()
    assert compound.BufferFile is ViewFile


def test_a_view_file_reads_like_whooshs_buffer_file() -> None:
    data = bytes(range(256)) * 40
    view = memoryview(data)[100:9000]
    ours = ViewFile(view, name="x")
    assert ours.read(5) == data[100:105]
    assert ours.tell() == 5
    ours.seek(10)
    assert ours.read_varint() == data[110]
    ours.seek(-3, 2)
    assert ours.read() == data[8997:9000]
    assert ours.read(4) == b""
    lines = ViewFile(memoryview(b"one\ntwo\n" + b"x" * 5000 + b"\nend"))
    assert [lines.readline(), lines.readline(), len(lines.readline()), lines.readline()] == [
        b"one\n", b"two\n", 5001, b"end"]
    assert lines.readline() == b""
    ours.seek(2)
    ours.seek(3, 1)
    assert ours.tell() == 5 and ours.get(7, 4) == data[107:111]
    with pytest.raises(ValueError):
        ours.seek(-1)
    ours.close()
    assert ours.is_closed


def test_files_in_a_segment_share_the_map_and_release_it(tmp_path: Path) -> None:
    ix = Index.create(tmp_path / "ix")
    ix.add_articles([Article(id=f"a{i}", title=f"Talks {i}",
                             paragraphs=[f"Taiwan and Qin Gang, round {i}."]) for i in range(30)])
    assert ix.search("Taiwan").total == 30
    seg = next(p for p in (tmp_path / "ix").iterdir() if p.suffix == ".seg")
    storage = FileStorage(str(tmp_path / "ix"))
    cs = CompoundStorage(storage.open_file(seg.name), use_mmap=True)
    assert isinstance(cs._source, mmap.mmap)
    name = next(n for n in cs.list() if n.endswith(".pst"))
    f = cs.open_file(name)
    assert isinstance(f, ViewFile)
    # A view, not a copy: the file's bytes are the map's bytes at the file's offset.
    offset, length = cs.range(name)
    assert f.read(length) == cs._source[offset:offset + length]
    assert f.file.tell() == length
    f.close()
    cs.close()  # no view left: the map closes
    assert cs._source is None

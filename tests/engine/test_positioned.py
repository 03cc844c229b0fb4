"""The hook of _engine.positioned: files Whoosh writes keep their own position."""

from __future__ import annotations

from array import array
from pathlib import Path

from searchlib.index._engine.positioned import PositionedFile, install
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from searchlib import Article, Index


def _write_everything(f: StructFile) -> list[int]:
    """Every kind of write StructFile has, with the position after each."""
    seen = []
    for step in (lambda: f.write(b"abc"), lambda: f.write_varint(300),
                 lambda: f.write_int(7), lambda: f.write_string(b"hello"),
                 lambda: f.write_pickle({"a": [1, 2, 3]}),
                 lambda: f.write_array(array("i", range(10))),
                 lambda: f.write_tagint(70000), lambda: f.write_float(1.5)):
        step()
        seen.append(f.tell())
    f.seek(4)
    f.write_byte(9)
    seen.append(f.tell())
    f.seek(0, 2)
    seen.append(f.tell())
    return seen


def test_install_makes_storage_create_positioned_files(tmp_path: Path) -> None:
    install()
    storage = FileStorage(str(tmp_path))
    f = storage.create_file("x.bin")
    assert isinstance(f, PositionedFile)
    f.close()
    # Files opened any other way are Whoosh's own.
    assert type(storage.create_file("y.bin", mode="ab")) is StructFile


def test_positions_and_bytes_are_whooshs(tmp_path: Path) -> None:
    ours = PositionedFile(open(tmp_path / "ours", "wb"))
    theirs = StructFile(open(tmp_path / "theirs", "wb"))
    assert _write_everything(ours) == _write_everything(theirs)
    ours.close()
    theirs.close()
    assert (tmp_path / "ours").read_bytes() == (tmp_path / "theirs").read_bytes()


def test_a_file_opened_at_an_offset_starts_there(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"12345")
    raw = open(tmp_path / "f", "r+b")
    raw.seek(5)
    f = PositionedFile(raw)
    f.write(b"67")
    assert f.tell() == 7
    f.truncate(3)
    assert f.tell() == raw.tell()
    f.close()


def test_an_index_written_through_positioned_files_reads_back(tmp_path: Path) -> None:
    ix = Index.create(tmp_path / "ix")
    ix.add_articles([Article(id=f"a{i}", title=f"Talks {i}",
                             paragraphs=[f"Taiwan and Qin Gang, round {i}.", "Tariffs."])
                     for i in range(300)])
    ix.add_articles([Article(id="b", title="More", paragraphs=["Taiwan again."])])
    assert ix.search("Taiwan").total == 301
    assert ix.search("tariffs").total == 300
    ix.close()
    report = Index.check(tmp_path / "ix")
    assert report.problems == [] and report.files > 0

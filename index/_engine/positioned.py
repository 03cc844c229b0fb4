"""Files Whoosh writes that know their position without asking the operating system.

Whoosh's writers ask the file where they are (``StructFile.tell``) before and after every
term they write: the postings writer at each term's start and end, the term table at each
key. On a buffered file ``tell()`` is an ``lseek`` system call every time, which made it
the largest single cost of writing and merging segments (a tenth of the ingest process's
samples for all of Reuters). :class:`PositionedFile` counts the bytes it writes instead;
:func:`install` makes Whoosh's file storage create its files with it.
"""

from __future__ import annotations

import pickle
from copy import copy
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.system import IS_LITTLE

_create_file = FileStorage.create_file


class PositionedFile(StructFile):
    """Whoosh's ``StructFile`` over a file opened for writing, keeping its own position.

    Every write goes through :meth:`write` (the pickle and array writers too, which in
    ``StructFile`` write to the underlying file directly), so the count stays exact; a seek
    or truncate asks the file again.
    """

    def __init__(self, fileobj, name=None, onclose=None) -> None:
        super().__init__(fileobj, name=name, onclose=onclose)
        self._pos = fileobj.tell()
        self._write = fileobj.write

    def write(self, data) -> int:
        n = self._write(data)
        self._pos += n
        return n

    def tell(self) -> int:
        return self._pos

    def seek(self, *args: Any) -> int:
        self._pos = self.file.seek(*args)
        return self._pos

    def truncate(self, *args: Any) -> int:
        size = self.file.truncate(*args)
        self._pos = self.file.tell()
        return size

    def write_pickle(self, obj: Any, protocol: int = -1) -> None:
        self.write(pickle.dumps(obj, protocol))

    def write_array(self, arry) -> None:
        if IS_LITTLE:  # Whoosh's files are big-endian
            arry = copy(arry)
            arry.byteswap()
        self.write(arry.tobytes())


def _create_positioned(self, name, excl=False, mode="wb", **kwargs):
    f = _create_file(self, name, excl=excl, mode=mode, **kwargs)
    if mode != "wb":  # only a file written from its start, never read back through it
        return f
    return PositionedFile(f.file, name=name, onclose=f.onclose)


def install() -> None:
    """Make Whoosh's file storage create files for writing as :class:`PositionedFile`."""
    FileStorage.create_file = _create_positioned  # type: ignore[method-assign]

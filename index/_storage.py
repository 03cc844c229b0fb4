"""Where an index lives: its directory, the Whoosh files in it and ``searchlib.json``."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from searchlib.index._engine.pinned import pinned
from searchlib.index._format import META_FILE
from searchlib.index._meta import IndexMeta, read_meta, write_meta
from searchlib.index._schema import build_schema
from whoosh import index as whoosh_index

from searchlib._errors import IndexNotFoundError, SearchlibError, UsageError

#: Where the index lives when neither ``--index`` nor ``SEARCHLIB_INDEX`` says.
DEFAULT_INDEX = "searchlib-index"


def resolve_index_path(path: str | os.PathLike | None = None) -> Path:
    """The index location: *path*, else ``$SEARCHLIB_INDEX``, else ``./searchlib-index``.

    :raises UsageError: when *path* is not a path
    """
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"an index path must be a string or a path, not {type(path).__name__}")
    return Path(path or os.environ.get("SEARCHLIB_INDEX") or DEFAULT_INDEX)


def dir_size(path: Path) -> int:
    """Bytes in the files of *path*; a file a concurrent commit deletes meanwhile counts 0."""
    total = 0
    for f in path.iterdir():
        try:
            total += f.stat().st_size if f.is_file() else 0
        except FileNotFoundError:
            pass
    return total


def open_files(where: Path) -> tuple[whoosh_index.FileIndex, IndexMeta]:
    """The Whoosh index and the metadata of the index at *where*.

    :raises IndexNotFoundError: if there is none
    :raises IndexVersionError: if it was written with another schema version
    """
    meta = read_meta(where)
    try:
        ix = whoosh_index.open_dir(str(where))
    except whoosh_index.EmptyIndexError:
        raise IndexNotFoundError(f"{where}: searchlib.json is there but the Whoosh "
                                 "files are missing; re-create the index") from None
    return pinned(ix), meta


@dataclass(frozen=True)
class NewIndex:
    """What creating an index added at its location, so that it can be taken away again.

    :param path: the index directory
    :param made_dir: whether creating it made the directory (else it was there, empty or
        holding other files)
    :param before: the names in the directory before the index was created
    """

    path: Path
    made_dir: bool
    before: frozenset[str]

    @classmethod
    def at(cls, where: Path) -> NewIndex:
        """Note what is at *where* before an index is created there."""
        if not where.is_dir():
            return cls(where, True, frozenset())
        return cls(where, False, frozenset(entry.name for entry in where.iterdir()))

    def remove(self) -> None:
        """Remove the index, leaving what was at its location before."""
        if self.made_dir:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        for entry in self.path.iterdir():
            if entry.name not in self.before:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


def create_files(where: Path, extractor: str, overwrite: bool = False
                 ) -> tuple[whoosh_index.FileIndex, IndexMeta]:
    """Create an empty index at *where*; see :meth:`searchlib.Index.create`.

    :param extractor: the extractor name to record (checked by the caller)
    """
    if (where / META_FILE).exists():
        if not overwrite:
            raise SearchlibError(f"{where}: an index exists already (open it, or pass "
                                 "overwrite=True to replace it)")
        shutil.rmtree(where)
    for parent in (where, *where.parents):
        # mkdir would fail with NotADirectoryError / FileExistsError: say which path is wrong.
        if parent.exists():
            if not parent.is_dir():
                raise SearchlibError(f"{where}: {parent} exists and is not a directory")
            break
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SearchlibError(f"{where}: cannot create the index directory "
                             f"({e.strerror or e})") from None
    ix = whoosh_index.create_in(str(where), build_schema())
    meta = IndexMeta(extractor=extractor)
    write_meta(where, meta)
    return pinned(ix), meta

"""Where an index lives: its directory, the Whoosh files in it and ``searchlib.json``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from whoosh import index as whoosh_index

from index.entities.base import check_extractor_name
from index.errors import IndexNotFoundError, SearchlibError
from index.meta import META_FILE, IndexMeta, read_meta, write_meta
from index.schema import build_schema

__all__ = ["DEFAULT_INDEX", "resolve_index_path", "open_files", "create_files", "dir_size"]

#: Where the index lives when neither ``--index`` nor ``SEARCHLIB_INDEX`` says.
DEFAULT_INDEX = "searchlib-index"


def resolve_index_path(path: str | os.PathLike | None = None) -> Path:
    """The index location: *path*, else ``$SEARCHLIB_INDEX``, else ``./searchlib-index``."""
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


class _PinnedSchemaIndex(whoosh_index.FileIndex):
    """A Whoosh index whose ``schema`` is the one read at open, not re-read from disk.

    Whoosh's ``FileIndex.schema`` reads the newest table of contents on every access, and a
    writer (another process or thread) deletes the previous one as it commits: a search asking
    for the schema then fails with ``FileNotFoundError``. A searchlib index's schema
    never changes (another schema version is refused at open), so reading it once is exact.
    """

    @property
    def schema(self):
        return self._schema


def _pinned(ix: whoosh_index.FileIndex) -> whoosh_index.FileIndex:
    return _PinnedSchemaIndex(ix.storage, ix.schema, ix.indexname)


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
    return _pinned(ix), meta


def create_files(where: Path, extractor: str, overwrite: bool = False
                 ) -> tuple[whoosh_index.FileIndex, IndexMeta]:
    """Create an empty index at *where*; see :meth:`searchlib.Index.create`."""
    check_extractor_name(extractor)
    if (where / META_FILE).exists():
        if not overwrite:
            raise SearchlibError(f"{where}: an index exists already (open it, or pass "
                                 "overwrite=True to replace it)")
        shutil.rmtree(where)
    if where.exists() and not where.is_dir():
        raise SearchlibError(f"{where}: exists and is not a directory")
    where.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(where), build_schema())
    meta = IndexMeta(extractor=extractor)
    write_meta(where, meta)
    return _pinned(ix), meta

"""A Whoosh index that keeps the schema it read at open."""

from __future__ import annotations

from whoosh import index as whoosh_index


class PinnedSchemaIndex(whoosh_index.FileIndex):
    """A Whoosh index whose ``schema`` is the one read at open, not re-read from disk.

    Whoosh's ``FileIndex.schema`` reads the newest table of contents on every access, and a
    writer (another process or thread) deletes the previous one as it commits: a search asking
    for the schema then fails with ``FileNotFoundError``. A searchlib index's schema
    never changes (another schema version is refused at open), so reading it once is exact.
    """

    @property
    def schema(self):
        return self._schema



def pinned(ix: whoosh_index.FileIndex) -> whoosh_index.FileIndex:
    """*ix* as a :class:`PinnedSchemaIndex`."""
    return PinnedSchemaIndex(ix.storage, ix.schema, ix.indexname)

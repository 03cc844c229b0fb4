"""The fence around Whoosh's internals: everything that subclasses, replaces or patches them.

Only the storage layer (:mod:`searchlib.index._schema`, ``_storage``, ``_documents``,
``_writer``) and the search layer (``searchlib._*``) import this package. Each module here
was verified against the whoosh3 versions in :data:`WHOOSH_VERIFIED` (``setup.cfg`` pins the
same range) and each overridden hook has a test in ``tests/engine/``.

The classes Whoosh pickles into an index's table of contents live here, at the paths
``searchlib.index._engine.<module>.<class>``; moving one is a format change (bump
:data:`searchlib.index._format.SCHEMA_VERSION`), and ``tests/engine/test_pickled.py`` pins
them.

- :mod:`.codec`: compact posting blocks and term-dictionary entries (a Whoosh codec)
- :mod:`.columns`: block-compressed and 32-bit reference columns
- :mod:`.merging`: the tiered merge policy and the streaming segment merge
- :mod:`.parallel`: the repaired multi-process writer
- :mod:`.daterange`: date ranges answered from the date column
- :mod:`.union`: ``Or`` with union matchers
- :mod:`.pinned`: an index whose schema is read once
- :mod:`.compound`: the files inside a segment read in place, not copied into memory
- :mod:`.positioned`: files being written that count their own position
- :mod:`.splitmerge`: a large pure merge on two cores (postings in a forked child)
- :mod:`.andnot`: Whoosh's ``AndNotMatcher`` checking its first document
"""

#: The whoosh3 releases this package was verified against (``setup.cfg`` pins the same).
WHOOSH_VERIFIED = ">=3.54,<3.55"

__all__ = ["WHOOSH_VERIFIED"]

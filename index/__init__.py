"""The indexing side of searchlib: from article files to paragraph documents on disk.

Installed as ``searchlib.index`` (the repository folder ``index/``). Its modules, lowest
layer first (a module imports only from its own layer or below; ``tests/test_layers.py``
checks it):

- base: :mod:`._records` (the typed records: Article, Entity), :mod:`._format` (the
  on-disk format: field and column names, record encodings, schema version)
- engine: :mod:`._engine` (everything that subclasses or replaces Whoosh internals)
- storage: :mod:`._schema`, :mod:`._meta`, :mod:`._storage`, :mod:`._documents`,
  :mod:`._writer`
- ingest and entities: :mod:`._readers`, :mod:`._ingest`, :mod:`.entities`

Nothing here imports the public API (:mod:`searchlib`) or the command line.
"""

__all__: list[str] = []

"""The indexing module: from article files to paragraph documents in a Whoosh index.

Layers: :mod:`index.readers` (files -> :class:`~index.articles.Article`),
:mod:`index.entities` (people, places, organisations), :mod:`index.schema` (the Whoosh
schema), :mod:`index.writer` (documents and batched commits), :mod:`index.ingest` (the
pipeline), :mod:`index.meta` (the metadata file). It never imports :mod:`searchlib`.
"""

from index.articles import Article
from index.errors import SearchlibError
from index.ingest import IngestReport, Progress, ingest_articles, ingest_paths
from index.meta import IndexMeta, read_meta, write_meta
from index.readers import find_inputs, read_input
from index.schema import SCHEMA_VERSION, build_schema
from index.writer import ArticleWriter

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "ArticleWriter",
    "IndexMeta",
    "IngestReport",
    "Progress",
    "SearchlibError",
    "build_schema",
    "find_inputs",
    "ingest_articles",
    "ingest_paths",
    "read_input",
    "read_meta",
    "write_meta",
]

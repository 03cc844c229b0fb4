"""searchlib: search news articles paragraph by paragraph, by words and by named entities.

>>> import searchlib
>>> ix = searchlib.Index.open_or_create("my-index")
>>> ix.add_paths(["examples/"])
>>> for hit in ix.search("Taiwan").hits:
...     print(hit.title, hit.paragraph, hit.highlight)
"""

from importlib import metadata as _metadata

from searchlib._api import Index, extract_entities
from searchlib._errors import (
    ArticleNotFoundError,
    ExtractorError,
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    IngestInterrupted,
    InputError,
    QueryError,
    QueryTimeoutError,
    SearchlibError,
    UsageError,
)
from searchlib._facets import EntityCount
from searchlib._filters import Filters
from searchlib._results import ArticleView, Context, Facet, Hit, Paragraph, Results, Stats
from searchlib.index._ingest import DEFAULT_BATCH_SIZE, IngestReport, Progress
from searchlib.index._records import Article
from searchlib.index._storage import DEFAULT_INDEX, resolve_index_path
from searchlib.index.entities import Entity

try:
    # One source for the version: setup.cfg, through the installed package's metadata.
    __version__ = _metadata.version("searchlib")
except _metadata.PackageNotFoundError:  # imported from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "Article",
    "ArticleNotFoundError",
    "ArticleView",
    "Context",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_INDEX",
    "Entity",
    "EntityCount",
    "ExtractorError",
    "Facet",
    "Filters",
    "Hit",
    "Index",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexVersionError",
    "IngestInterrupted",
    "IngestReport",
    "InputError",
    "Paragraph",
    "Progress",
    "QueryError",
    "QueryTimeoutError",
    "Results",
    "SearchlibError",
    "Stats",
    "UsageError",
    "extract_entities",
    "resolve_index_path",
]

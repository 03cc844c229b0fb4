"""searchlib: search news articles paragraph by paragraph, by words and by named entities.

>>> import searchlib
>>> ix = searchlib.Index.open_or_create("my-index")
>>> ix.add_paths(["examples/"])
>>> for hit in ix.search("Taiwan").hits:
...     print(hit.title, hit.paragraph, hit.highlight)
"""

from index.articles import Article
from index.entities import Entity, extract_entities
from index.errors import (
    ArticleNotFoundError,
    ExtractorError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    IngestInterrupted,
    InputError,
    QueryError,
    SearchlibError,
)
from index.ingest import DEFAULT_BATCH_SIZE, IngestReport, Progress
from searchlib.facets import EntityCount
from searchlib.filters import Filters
from searchlib.results import ArticleView, Context, Facet, Hit, Paragraph, Results, Stats
from searchlib.searchindex import Index
from searchlib.storage import DEFAULT_INDEX, resolve_index_path

__version__ = "0.1.0"

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
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexVersionError",
    "IngestInterrupted",
    "IngestReport",
    "InputError",
    "Paragraph",
    "Progress",
    "QueryError",
    "Results",
    "SearchlibError",
    "Stats",
    "extract_entities",
    "resolve_index_path",
]

"""The one error hierarchy of searchlib.

Defined here, in the lowest layer that raises errors, and re-exported by :mod:`searchlib`.
Whoosh's own exceptions are translated into these at the boundary, so callers only ever
need to catch :class:`SearchlibError`.
"""

from __future__ import annotations


class SearchlibError(Exception):
    """Base class of every error searchlib raises on purpose."""


class InputError(SearchlibError):
    """An input file (or one line of it) could not be read as an article.

    :param path: the file, or ``"-"`` for standard input
    :param line: the 1-based line number where it applies
    """

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {message}")


class UsageError(SearchlibError, ValueError):
    """An argument of a library call has the wrong type or an impossible value (a limit of
    0, a page of -1, a number given as a string). The CLI reports these with exit code 2.

    Also a :class:`ValueError`, which is what such arguments raised before.
    """


class IndexNotFoundError(SearchlibError):
    """No index exists at the given location."""


class IndexVersionError(SearchlibError):
    """The index was written with a schema version this release cannot read."""


class IndexLockedError(SearchlibError):
    """Another writer holds the index lock."""


class QueryError(SearchlibError):
    """A query could not be parsed or run."""


class QueryTimeoutError(QueryError):
    """A search ran past its time budget (``timeout=``, ``--timeout``).

    :param seconds: the budget that was exceeded
    """

    def __init__(self, message: str, seconds: float | None = None) -> None:
        self.seconds = seconds
        super().__init__(message)


class IndexCorruptError(SearchlibError):
    """A file of the index is damaged: the message names the file and the way out.

    :param path: the damaged file (or the index directory when no one file is to blame)
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        self.path = path
        super().__init__(message)


class ExtractorError(SearchlibError):
    """An entity extractor is unknown or could not be loaded."""


class ArticleNotFoundError(SearchlibError):
    """No article (or paragraph) has the given id."""


class IngestInterrupted(KeyboardInterrupt):
    """Indexing was interrupted (Ctrl-C); every batch committed before it stays in the index.

    A :class:`KeyboardInterrupt`, not a :class:`SearchlibError`, so code that lets Ctrl-C
    through keeps doing so.

    :param report: the :class:`~searchlib.index._ingest.IngestReport` of what was committed
    """

    def __init__(self, report: object) -> None:
        self.report = report
        super().__init__("interrupted")

"""Checks of the public API's arguments, so that a wrong type or value is a
:class:`~searchlib.UsageError` naming the parameter, never a raw Python exception from
deep inside."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

from whoosh.reading import CorruptIndexError

from searchlib._errors import IndexCorruptError, UsageError
from searchlib.index._records import Article

_F = TypeVar("_F", bound=Callable[..., Any])


def count(name: str, value: object, minimum: int) -> int:
    """*value* if it is a whole number of at least *minimum* (not a bool).

    :raises UsageError: otherwise
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise UsageError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return value


def seconds(name: str, value: object) -> float:
    """*value* if it is a number of seconds (0 or more)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise UsageError(f"{name} must be a number of seconds (0 or more), not {value!r}")
    return float(value)


def text(name: str, value: object, optional: bool = False) -> str | None:
    """*value* if it is a string (or ``None`` where *optional*)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise UsageError(f"{name} must be a string, not {type(value).__name__}")
    return value


def choice(name: str, value: object, choices: Iterable[str], optional: bool = False
           ) -> str | None:
    """*value* if it is one of *choices* (or ``None`` where *optional*)."""
    options = tuple(choices)
    if (value is None and optional) or (isinstance(value, str) and value in options):
        return value
    raise UsageError(f"{name} must be one of {', '.join(options)}, not {value!r}")


def names(name: str, value: object) -> None:
    """Check a name filter: ``None``, a string or an iterable of strings."""
    if value is None or isinstance(value, str):
        return
    if isinstance(value, (bytes, dict)) or not isinstance(value, Iterable):
        raise UsageError(f"{name} must be a name or a list of names, not "
                         f"{type(value).__name__}")
    for item in value:
        if not isinstance(item, str):
            raise UsageError(f"{name} must be a name or a list of names, not a list "
                             f"holding {type(item).__name__}")


def day(name: str, value: object) -> None:
    """Check a date bound: ``None``, a date, or a string (parsed by the filters)."""
    if value is not None and not isinstance(value, (str, dt.date)):
        raise UsageError(f"{name} must be a date or a YYYY-MM-DD string, not "
                         f"{type(value).__name__}")


def filters(person: object, place: object, org: object, since: object, until: object,
            source: object) -> None:
    """Check the filter arguments of a search."""
    names("person", person)
    names("place", place)
    names("org", org)
    day("since", since)
    day("until", until)
    text("source", source, optional=True)


def paths(value: object) -> list[str]:
    """The paths to index: one path, or an iterable of paths (``-`` is standard input)."""
    if isinstance(value, (str, os.PathLike)):
        value = [value]  # one path, not a sequence of one-letter paths
    if not isinstance(value, Iterable):
        raise UsageError(f"paths must be a list of files or directories, not "
                         f"{type(value).__name__}")
    out = []
    for p in value:
        if not isinstance(p, (str, os.PathLike)):
            raise UsageError(f"paths must hold file or directory names, not "
                             f"{type(p).__name__}")
        out.append(os.fspath(p))
    return [str(p) for p in out]


def callback(name: str, value: object) -> None:
    if value is not None and not callable(value):
        raise UsageError(f"{name} must be a function or None, not {type(value).__name__}")


def articles(items: object) -> Iterator[Article]:
    """The articles of an ``add_articles`` call, each with an id.

    An article without an id gets one as the readers give it: its url, else a digest of its
    headline and date (so adding the same article again replaces it).

    :raises UsageError: for an item that is not an :class:`Article` (when it is reached)
    """
    if isinstance(items, (str, bytes, Article)) or not isinstance(items, Iterable):
        raise UsageError(f"articles must be an iterable of Article, not "
                         f"{type(items).__name__}")
    for item in items:
        if not isinstance(item, Article):
            raise UsageError(f"articles must hold Article records, not "
                             f"{type(item).__name__}")
        if not item.id:
            key = f"{item.title}\0{item.date or ''}".encode("utf-8", "surrogatepass")
            item = replace(item, id=item.url or
                           "article-" + hashlib.blake2b(key, digest_size=6).hexdigest())
        yield item


def _corrupt(path: object, error: Exception) -> IndexCorruptError:
    return IndexCorruptError(f"{path}: the index is damaged ({error}); re-index the "
                             "articles into a new index", str(path))


def engine_errors(method: _F) -> _F:
    """Translate Whoosh's :class:`CorruptIndexError` inside an :class:`~searchlib.Index`
    method (a generator too) into :class:`IndexCorruptError` naming the index."""
    if inspect.isgeneratorfunction(method):
        @functools.wraps(method)
        def generator(self, *args, **kwargs):
            try:
                yield from method(self, *args, **kwargs)
            except CorruptIndexError as e:
                raise _corrupt(self.path, e) from e
        return generator  # type: ignore[return-value]

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except CorruptIndexError as e:
            raise _corrupt(self.path, e) from e
    return call  # type: ignore[return-value]


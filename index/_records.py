"""The typed records that cross layers: an article, an entity mention, an extractor.

Readers produce :class:`Article`; extractors produce :class:`Entity`; the writer consumes
both. The on-disk encodings of these records live in :mod:`searchlib.index._format`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from searchlib._errors import InputError

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?")


@dataclass
class Article:
    """One news article, split into paragraphs.

    :param title: the headline; stored as paragraph 0
    :param paragraphs: the body paragraphs, numbered from 1 in the index
    :param id: the article id; readers fill it from ``id``, else ``url``, else the file
    :param date: publication date, or ``None`` when unknown; a ``YYYY-MM-DD`` string (or
        an ISO date-time) is read as its day
    :raises InputError: when a field has the wrong type, or *date* is not a real day
    """

    title: str
    paragraphs: list[str] = field(default_factory=list)
    id: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        # Checked here, where the caller can see which article is wrong, rather than as an
        # AttributeError deep in the writer.
        where = f"article {(self.id or self.title)!r}"[:60]
        if not isinstance(self.title, str):
            raise InputError(where, f"title must be a string, not {type(self.title).__name__}")
        if isinstance(self.paragraphs, tuple):
            self.paragraphs = list(self.paragraphs)
        if not isinstance(self.paragraphs, list) or not all(
                isinstance(p, str) for p in self.paragraphs):
            raise InputError(where, "paragraphs must be a list of strings")
        for name in ("id", "source", "url"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise InputError(where, f"{name} must be a string, not {type(value).__name__}")
        self.date = _day(self.date, where)

    def content_hash(self) -> str:
        """A digest of everything that is indexed, to skip unchanged articles on re-index."""
        h = hashlib.blake2b(digest_size=16)
        for part in (self.title, str(self.date or ""), self.source or "", self.url or "",
                     *self.paragraphs):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        return h.hexdigest()


def _day(value: object, where: str) -> dt.date | None:
    """An article's date from a date, a datetime (its day) or a ``YYYY-MM-DD`` string."""
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        if not value.strip():
            return None
        m = _ISO_DAY.fullmatch(value.strip())
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise InputError(where, f"date {value!r} is not a real day") from None
        raise InputError(where, f"date {value!r} is not YYYY-MM-DD")
    raise InputError(where, f"date must be a date or a YYYY-MM-DD string, not "
                     f"{type(value).__name__}")


@dataclass(frozen=True)
class Entity:
    """One mention of a person, place or organisation in a paragraph.

    :param kind: one of :data:`searchlib.index._format.KINDS`
    :param text: the surface text, exactly ``paragraph[start:end]``
    :param start: character offset of the mention in its paragraph
    :param end: character offset just past the mention
    :param name: the canonical name, shared across mentions and articles
    """

    kind: str
    text: str
    start: int
    end: int
    name: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "start": self.start,
                "end": self.end, "name": self.name}


class EntityFinder(Protocol):
    """What the writer needs of an entity extractor (:class:`searchlib.index.entities.Extractor`
    is one)."""

    def extract_many(self, articles: Iterable[Sequence[str]]) -> Iterator[list[list[Entity]]]:
        """For each article's paragraphs (in order), each paragraph's entities."""
        ...


class NameResolver(Protocol):
    """What the writer needs of index-wide name resolution
    (:class:`searchlib.index.entities._names.IndexNames` is one)."""

    def resolve(self, articles: list[list[list[Entity]]]) -> list[list[list[Entity]]]:
        """Per article, per paragraph, the entities with index-wide canonical names."""
        ...

    def save(self) -> None:
        """Keep what was learnt from the batch just committed."""
        ...

"""The typed records that cross layers: an article, an entity mention, an extractor.

Readers produce :class:`Article`; extractors produce :class:`Entity`; the writer consumes
both. The on-disk encodings of these records live in :mod:`searchlib.index._format`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Article:
    """One news article, split into paragraphs.

    :param title: the headline; stored as paragraph 0
    :param paragraphs: the body paragraphs, numbered from 1 in the index
    :param id: the article id; readers fill it from ``id``, else ``url``, else the file
    :param date: publication date, or ``None`` when unknown
    """

    title: str
    paragraphs: list[str] = field(default_factory=list)
    id: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None

    def content_hash(self) -> str:
        """A digest of everything that is indexed, to skip unchanged articles on re-index."""
        h = hashlib.blake2b(digest_size=16)
        for part in (self.title, str(self.date or ""), self.source or "", self.url or "",
                     *self.paragraphs):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        return h.hexdigest()


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

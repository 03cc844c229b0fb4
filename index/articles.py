"""The article record every reader produces and the writer consumes."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

__all__ = ["Article"]


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

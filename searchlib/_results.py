"""Plain result records returned by :class:`searchlib.Index`.

They hold copies of everything they show, so they stay valid after the Whoosh searcher
that produced them is closed, and convert to the JSON shapes of the CLI with ``to_dict``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from searchlib.index._format import KINDS


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def entity_names(mentions: list[tuple]) -> dict[str, list[str]]:
    """Distinct canonical names per kind, in order of first mention.

    :param mentions: stored ``(kind, start, end, name)`` tuples
    """
    out: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for kind, _start, _end, name in mentions:
        if kind in out and name not in out[kind]:
            out[kind].append(name)
    return out


@dataclass
class Hit:
    """One matching paragraph.

    :param id: the paragraph id, ``<article id>#<paragraph number>``
    :param highlight: the paragraph with each match wrapped in ``<b>`` and ``</b>``
    :param matches: the ``(start, end)`` character spans of the matches in ``text``
    """

    id: str
    article_id: str
    title: str
    date: dt.date | None
    paragraph: int
    text: str
    highlight: str
    score: float
    entities: dict[str, list[str]]
    matches: list[tuple[int, int]] = field(default_factory=list)
    source: str | None = None
    url: str | None = None
    #: With ``by_article``: the numbers of all matching paragraphs of this hit's article.
    matching_paragraphs: list[int] | None = None
    #: With ``context``: the paragraphs around this one in its article.
    context: Context | None = None

    def to_dict(self) -> dict:
        out = {
            "id": self.id, "article_id": self.article_id, "title": self.title,
            "date": _iso(self.date), "paragraph": self.paragraph, "text": self.text,
            "highlight": self.highlight, "score": round(self.score, 6),
            "entities": self.entities, "source": self.source, "url": self.url,
        }
        # Keys that only a grouped or contextual search produces are left out otherwise,
        # so the plain hit keeps its documented shape.
        if self.matching_paragraphs is not None:
            out["match_count"] = len(self.matching_paragraphs)
            out["matching_paragraphs"] = self.matching_paragraphs
        if self.context is not None:
            out["context"] = self.context.to_dict()
        return out


@dataclass
class Facet:
    """One canonical name and the number of matching paragraphs that name it."""

    name: str
    count: int

    def to_dict(self) -> dict:
        return {"name": self.name, "count": self.count}


@dataclass
class Results:
    """One page of hits, the exact total, and entity facets over ALL matches.

    :param total: matching paragraphs, or with ``by_article`` matching articles
    :param total_paragraphs: with ``by_article``, the matching paragraphs; else ``None``
    :param sort: the order used: ``relevance``, ``newest`` or ``oldest``
    :param suggestion: a corrected query when this one found nothing or very little
    :param filters: the filters in force, as given
    """

    query: str
    total: int
    page: int
    limit: int
    hits: list[Hit]
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    total_paragraphs: int | None = None
    sort: str = "relevance"
    by_article: bool = False
    suggestion: str | None = None
    filters: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = {
            "query": self.query, "total": self.total, "page": self.page, "limit": self.limit,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {k: [f.to_dict() for f in v] for k, v in self.facets.items()},
            "sort": self.sort, "suggestion": self.suggestion, "filters": self.filters,
        }
        if self.by_article:
            out["by_article"] = True
            out["total_paragraphs"] = self.total_paragraphs
        return out


@dataclass
class Paragraph:
    """One paragraph of an article (0 is the headline)."""

    paragraph: int
    text: str
    entities: dict[str, list[str]]

    def to_dict(self) -> dict:
        return {"paragraph": self.paragraph, "text": self.text, "entities": self.entities}


@dataclass
class Context:
    """The paragraphs just before and after a hit in its article (never the headline)."""

    before: list[Paragraph] = field(default_factory=list)
    after: list[Paragraph] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"before": [p.to_dict() for p in self.before],
                "after": [p.to_dict() for p in self.after]}


@dataclass
class ArticleView:
    """A whole stored article, as :meth:`searchlib.Index.article` returns it."""

    id: str
    title: str
    date: dt.date | None
    source: str | None
    url: str | None
    paragraphs: list[Paragraph]

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "date": _iso(self.date),
                "source": self.source, "url": self.url,
                "paragraphs": [p.to_dict() for p in self.paragraphs]}


@dataclass
class Stats:
    """Counts and facts about an index."""

    articles: int
    paragraphs: int
    index: str
    size_bytes: int
    extractor: str
    schema_version: int
    #: provenance of the entities: the extractor's version and data fingerprint
    extractor_version: str = ""
    extractor_data: str = ""
    #: a ``reextract`` was interrupted: entities are partly from another extractor
    reextract_unfinished: bool = False

    def to_dict(self) -> dict:
        return dict(self.__dict__)

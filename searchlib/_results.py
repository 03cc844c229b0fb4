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
    :param highlight: the paragraph HTML-escaped, each match wrapped in ``<b>`` and ``</b>``
        (no other markup, whatever the text holds)
    :param matches: the ``(start, end)`` character spans of the matches in ``text``
        (``spans`` in JSON)
    :param snippet: the best window of about N words of a long paragraph around its
        matches (the whole paragraph when it is short), ``…`` where it was cut
    :param snippet_highlight: the snippet, HTML-escaped, with its matches in ``<b>``
    :param snippet_range: the ``(start, end)`` characters of ``text`` the snippet shows
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
    snippet: str | None = None
    snippet_highlight: str | None = None
    snippet_range: tuple[int, int] | None = None

    @property
    def spans(self) -> list[list[int]]:
        """The matches as ``[start, end]`` character offsets into ``text``."""
        return [[start, end] for start, end in self.matches]

    def to_dict(self) -> dict:
        out: dict[str, object] = {
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
        out["spans"] = self.spans
        if self.snippet is not None:
            out["snippet"] = self.snippet
            out["snippet_highlight"] = self.snippet_highlight
            out["snippet_range"] = list(self.snippet_range or (0, len(self.text)))
        return out


@dataclass
class Facet:
    """One canonical name and the number of matching paragraphs that name it."""

    name: str
    count: int

    def to_dict(self) -> dict:
        return {"name": self.name, "count": self.count}


@dataclass
class DateCount:
    """One month (``YYYY-MM``) and the number of matching paragraphs dated in it."""

    date: str
    count: int

    def to_dict(self) -> dict:
        return {"date": self.date, "count": self.count}


@dataclass
class Results:
    """One page of hits, the exact total, and entity facets over ALL matches.

    :param total: matching paragraphs, or with ``by_article`` matching articles
    :param total_paragraphs: with ``by_article``, the matching paragraphs; else ``None``
    :param sort: the order used: ``relevance``, ``newest`` or ``oldest``
    :param facets: the most named people, places and organisations over all matches, by
        kind; always all three kinds, each an empty list when nothing matched
    :param suggestion: a corrected query when this one found nothing or very little
    :param filters: the filters in force, as given
    :param dates: matching paragraphs per month over ALL matches, oldest first (undated
        ones are not counted)
    :param resolved: the names read as aliases of an entity, in the query and the
        filters: ``{"field", "given", "name", "kind"}`` (``US`` -> ``United States``)
    :param notices: things the search did differently from what was typed, one line each
        (e.g. a wildcard searched as its most frequent words only)
    :param explain: how the query was read (see :func:`searchlib._explain.explain`)
    """

    query: str
    total: int
    page: int
    limit: int
    hits: list[Hit]
    facets: dict[str, list[Facet]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS})
    total_paragraphs: int | None = None
    sort: str = "relevance"
    by_article: bool = False
    suggestion: str | None = None
    filters: dict = field(default_factory=dict)
    dates: list[DateCount] = field(default_factory=list)
    resolved: list[dict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    explain: dict | None = None

    def to_dict(self) -> dict:
        out = {
            "query": self.query, "total": self.total, "page": self.page, "limit": self.limit,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {k: [f.to_dict() for f in v] for k, v in self.facets.items()},
            "sort": self.sort, "suggestion": self.suggestion, "filters": self.filters,
            "dates": [d.to_dict() for d in self.dates],
        }
        if self.by_article:
            out["by_article"] = True
            out["total_paragraphs"] = self.total_paragraphs
        out["resolved"] = self.resolved
        out["notices"] = self.notices
        out["explain"] = self.explain
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


def similar_to_dict(paragraph_id: str, hits: list[Hit]) -> dict:
    """The JSON shape of a similar-paragraphs answer (``searchlib similar --format json``,
    the web API's ``/api/similar``)."""
    return {"paragraph_id": paragraph_id, "hits": [h.to_dict() for h in hits]}


#: The columns of hits as CSV, in order; entity names and paragraph numbers are joined with
#: "; ". New columns are only ever appended. ``matching_paragraphs`` is filled for hits of a
#: search by article and empty otherwise.
HIT_CSV_COLUMNS = ["id", "article_id", "title", "date", "paragraph", "score", "text",
                   "person", "place", "org", "source", "url", "matching_paragraphs"]


def hit_csv_row(hit: Hit) -> list:
    """One hit as a CSV row in :data:`HIT_CSV_COLUMNS` order (``None`` as empty)."""
    row = hit.to_dict()
    for kind, names in row.pop("entities").items():
        row[kind] = "; ".join(names)
    row["matching_paragraphs"] = "; ".join(map(str, hit.matching_paragraphs or []))
    return ["" if row[c] is None else row[c] for c in HIT_CSV_COLUMNS]

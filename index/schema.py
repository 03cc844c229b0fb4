"""The Whoosh schema of a searchlib index: one document per paragraph."""

from __future__ import annotations

from collections.abc import Iterable

from whoosh import fields
from whoosh.analysis import (
    Filter,
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StemmingAnalyzer,
)

from index.codec import CompactPositions
from index.columns import BlockColumn, RefColumn
from index.entities.base import KINDS

__all__ = [
    "SCHEMA_VERSION",
    "NAME_SEPARATOR",
    "ENTITY_COLUMN",
    "BODY_COLUMN",
    "build_schema",
    "join_names",
    "paragraph_id",
    "split_paragraph_id",
]

#: Bumped whenever the fields change in a way an older index cannot serve.
SCHEMA_VERSION = 2

#: Separates canonical names inside an entity field; the analyzer turns it into a
#: position gap so that a phrase query cannot match across two names.
NAME_SEPARATOR = "\x1f"

#: Column holding every entity of a paragraph as ``kind<US>name`` records, for facets.
ENTITY_COLUMN = "entity_names"

#: Column holding a paragraph's text and entity mentions (see :mod:`index.documents`).
BODY_COLUMN = "body"

_NAME_GAP = 100


class _NameGapFilter(Filter):
    """Drops separator tokens and leaves a gap in positions where each one stood."""

    def __call__(self, tokens: Iterable) -> Iterable:
        gap = 0
        for t in tokens:
            if t.text == NAME_SEPARATOR:
                gap += _NAME_GAP
                continue
            if gap and t.positions:
                t.pos += gap
            yield t


def _name_analyzer():
    # Entity names: whole words, lower-cased, no stemming or stop words, so that
    # person:Qin matches "Qin Gang" and person:"Qin Gang" matches only that name.
    tokenizer = RegexTokenizer(r"\w+(?:[.'’-]\w+)*|" + NAME_SEPARATOR)
    return tokenizer | _NameGapFilter() | LowercaseFilter()


def _text_field(analyzer) -> fields.TEXT:
    """A TEXT field with positions (for phrases) in :class:`CompactPositions`."""
    field = fields.TEXT(analyzer=analyzer, phrase=True)
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


def _day_field() -> fields.DATETIME:
    """A DATETIME field with 4 precision tiers instead of Whoosh's 8.

    Dates here are whole days, so the finest tiers (below a day) only repeat the day's
    term; with 16-bit steps a month's range still expands to a few dozen terms at most.
    """
    field = fields.DATETIME(sortable=True)
    field.shift_step = 16
    return field


def build_schema() -> fields.Schema:
    """The schema of one paragraph document.

    Every value is stored once, which keeps the index small and ingest fast: the text and
    the entity mentions in a block-compressed column, with the article's source, url and
    content hash beside paragraph 0, whose text is the headline; article id, paragraph
    number and date as columns (also what sorting and grouping read); the distinct entity
    names of each paragraph in a second block-compressed column, for facets. No Whoosh
    stored fields: they compress each document alone.
    :class:`index.documents.DocumentReader` puts a paragraph's record together again.
    ``title`` and ``source`` are indexed on every paragraph so that ``title:`` and
    ``--source`` select whole articles.
    """
    text_analyzer = StemmingAnalyzer()
    entity_fields = {kind: _text_field(_name_analyzer()) for kind in KINDS}
    return fields.Schema(
        # Each article id repeats on every paragraph: the column stores each value once.
        article_id=fields.ID(sortable=RefColumn()),
        # Few precision tiers: paragraph numbers are only matched exactly (0: the headline).
        paragraph=fields.NUMERIC(sortable=True, shift_step=16),
        title=_text_field(text_analyzer),
        # Highlighting re-analyses the text, so no character offsets in the postings.
        text=_text_field(text_analyzer),
        date=_day_field(),
        # Whole source name, matched case-insensitively.
        source=fields.TEXT(analyzer=IDTokenizer() | LowercaseFilter(), phrase=False),
        # Compressed in blocks of 16 KB (~65 us to inflate): alone, a short paragraph hardly
        # compresses; larger blocks save little (all of Reuters: 16 KB 9.0 MB, 128 KB 7.9 MB)
        # and cost every hit shown (128 KB: 0.5 ms each).
        **{BODY_COLUMN: fields.COLUMN(BlockColumn())},
        **{ENTITY_COLUMN: fields.COLUMN(BlockColumn())},
        **entity_fields,
    )


def join_names(names: Iterable[str]) -> str:
    """The value of an entity field: its canonical names, kept apart by the separator."""
    return f" {NAME_SEPARATOR} ".join(names)


def paragraph_id(article_id: str, paragraph: int) -> str:
    """The id of one paragraph document: ``<article id>#<paragraph number>``."""
    return f"{article_id}#{paragraph}"


def split_paragraph_id(pid: str) -> tuple[str, int]:
    """Inverse of :func:`paragraph_id`; raises ValueError when *pid* is not one."""
    article_id, sep, number = pid.rpartition("#")
    if not sep or not article_id or not number.isdigit():
        raise ValueError(f"not a paragraph id: {pid!r}")
    return article_id, int(number)

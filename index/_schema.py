"""The Whoosh schema of a searchlib index: one document per paragraph."""

from __future__ import annotations

from searchlib.index._engine.analysis import NameGapFilter
from searchlib.index._engine.codec import CompactPositions
from searchlib.index._engine.columns import BlockColumn, RefColumn
from searchlib.index._format import (
    ARTICLE_ID,
    BODY_COLUMN,
    DATE,
    ENTITY_COLUMN,
    KINDS,
    NAME_SEPARATOR,
    PARAGRAPH,
    SOURCE,
    TEXT,
    TITLE,
)
from whoosh import fields
from whoosh.analysis import (
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StemmingAnalyzer,
)


def _name_analyzer():
    # Entity names: whole words, lower-cased, no stemming or stop words, so that
    # person:Qin matches "Qin Gang" and person:"Qin Gang" matches only that name.
    tokenizer = RegexTokenizer(r"\w+(?:[.'’-]\w+)*|" + NAME_SEPARATOR)
    return tokenizer | NameGapFilter() | LowercaseFilter()


def _text_field(analyzer) -> fields.TEXT:
    """A TEXT field with positions (for phrases) in :class:`CompactPositions`."""
    field = fields.TEXT(analyzer=analyzer, phrase=True)
    assert field.format is not None  # a TEXT field always has one
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


def _article_id_field() -> fields.ID:
    """An ID field whose column is a :class:`RefColumn`: each id repeats on every paragraph,
    and the column stores each value once."""
    field = fields.ID()
    field.set_sortable(RefColumn())  # Whoosh's ``sortable=`` takes a column too, untyped
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
    :class:`searchlib.index._documents.DocumentReader` puts a paragraph's record together again.
    ``title`` and ``source`` are indexed on every paragraph so that ``title:`` and
    ``--source`` select whole articles.
    """
    text_analyzer = StemmingAnalyzer()
    entity_fields = {kind: _text_field(_name_analyzer()) for kind in KINDS}
    return fields.Schema(
        # Each article id repeats on every paragraph: the column stores each value once.
        **{ARTICLE_ID: _article_id_field()},
        # Few precision tiers: paragraph numbers are only matched exactly (0: the headline).
        **{PARAGRAPH: fields.NUMERIC(sortable=True, shift_step=16)},
        **{TITLE: _text_field(text_analyzer)},
        # Highlighting re-analyses the text, so no character offsets in the postings.
        **{TEXT: _text_field(text_analyzer)},
        **{DATE: _day_field()},
        # Whole source name, matched case-insensitively.
        **{SOURCE: fields.TEXT(analyzer=IDTokenizer() | LowercaseFilter(), phrase=False)},
        # Compressed in blocks of 16 KB (~65 us to inflate): alone, a short paragraph hardly
        # compresses; larger blocks save little (all of Reuters: 16 KB 9.0 MB, 128 KB 7.9 MB)
        # and cost every hit shown (128 KB: 0.5 ms each).
        **{BODY_COLUMN: fields.COLUMN(BlockColumn())},
        **{ENTITY_COLUMN: fields.COLUMN(BlockColumn())},
        **entity_fields,
    )

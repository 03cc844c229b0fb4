"""The Whoosh schema of a searchlib index: one document per paragraph."""

from __future__ import annotations

from collections.abc import Iterable

from whoosh import columns, fields
from whoosh.analysis import (
    Filter,
    IDTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StemmingAnalyzer,
)

from index.entities.base import KINDS

__all__ = [
    "SCHEMA_VERSION",
    "NAME_SEPARATOR",
    "ENTITY_COLUMN",
    "build_schema",
    "join_names",
    "paragraph_id",
    "split_paragraph_id",
]

#: Bumped whenever the fields change in a way an older index cannot serve.
SCHEMA_VERSION = 1

#: Separates canonical names inside an entity field; the analyzer turns it into a
#: position gap so that a phrase query cannot match across two names.
NAME_SEPARATOR = "\x1f"

#: Column holding every entity of a paragraph as ``kind<US>name`` records, for facets.
ENTITY_COLUMN = "entity_names"

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


def build_schema() -> fields.Schema:
    """The schema of one paragraph document."""
    text_analyzer = StemmingAnalyzer()
    entity_fields = {kind: fields.TEXT(analyzer=_name_analyzer(), phrase=True) for kind in KINDS}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        article_id=fields.ID(stored=True, sortable=True),
        paragraph=fields.NUMERIC(stored=True, sortable=True),
        title=fields.TEXT(analyzer=text_analyzer, stored=True, phrase=True),
        text=fields.TEXT(analyzer=text_analyzer, stored=True, phrase=True, chars=True),
        date=fields.DATETIME(stored=True, sortable=True),
        # Whole source name, matched case-insensitively.
        source=fields.TEXT(analyzer=IDTokenizer() | LowercaseFilter(), phrase=False, stored=True),
        url=fields.STORED(),
        content_hash=fields.STORED(),
        entities=fields.STORED(),
        **{ENTITY_COLUMN: fields.COLUMN(columns.VarBytesColumn())},
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

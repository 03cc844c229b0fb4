"""Reading paragraph documents back from the index as whole records.

The index stores each value once (see :mod:`index.schema`): a paragraph's text and entity
mentions share one block-compressed column; its article id, number and date live in columns; the
article's headline, source, url and content hash are kept with paragraph 0 only. This
module puts a paragraph's record together again from those places.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from collections.abc import Sequence
from functools import cached_property

from whoosh import query as wq
from whoosh.util.times import long_to_datetime

from index.entities.base import KINDS, Entity
from index.schema import BODY_COLUMN, paragraph_id

__all__ = ["DocumentReader", "encode_body", "decode_body", "decode_mentions",
           "encode_entity_column", "decode_entity_column", "NO_DATE"]

#: The raw ``date`` column value of a paragraph whose article has no date.
NO_DATE = 2 ** 64 - 1

_RECORD = "\x1e"
_UNIT = "\x1f"
_KIND_CODE = {kind: "abcdefgh"[i] for i, kind in enumerate(KINDS)}
_KIND_OF = {code: kind for kind, code in _KIND_CODE.items()}
#: Articles whose header and paragraph numbers are kept per reader.
_CACHED = 4096


def encode_mentions(text: str, entities: Sequence[Entity]) -> str:
    """Pack a paragraph's entity mentions into one compact string.

    One record per mention: a letter for the kind, the start offset, the length and, only
    when it differs from the words in the text, the canonical name.
    """
    records = []
    for e in entities:
        record = f"{_KIND_CODE[e.kind]}{e.start}{_UNIT}{e.end - e.start}"
        if e.name != text[e.start:e.end]:
            record += f"{_UNIT}{e.name}"
        records.append(record)
    return _RECORD.join(records)


def decode_mentions(value: str | None, text: str) -> list[tuple[str, int, int, str]]:
    """Inverse of :func:`encode_mentions`: ``(kind, start, end, name)`` tuples."""
    if not value:
        return []
    out = []
    for rec in value.split(_RECORD):
        start, length, *name = rec[1:].split(_UNIT, 2)
        begin = int(start)
        end = begin + int(length)
        out.append((_KIND_OF[rec[0]], begin, end, name[0] if name else text[begin:end]))
    return out


def encode_entity_column(entities: Sequence[Entity]) -> bytes:
    """Pack a paragraph's distinct (kind, name) pairs for the facet column."""
    seen = dict.fromkeys((e.kind, e.name) for e in entities)
    return _RECORD.join(f"{k}{_UNIT}{n}" for k, n in seen).encode("utf-8")


def decode_entity_column(value: bytes) -> list[tuple[str, str]]:
    """Inverse of :func:`encode_entity_column`."""
    if not value:
        return []
    return [tuple(rec.split(_UNIT, 1)) for rec in value.decode("utf-8").split(_RECORD)]


def encode_body(text: str, entities: Sequence[Entity], header: dict | None = None) -> bytes:
    """The body column value of a paragraph: its mentions, its article's header (paragraph
    0 only: source, url, content hash), then its text.

    The header lives here rather than in a Whoosh stored field because Whoosh compresses
    each document's stored fields alone, which for a few short strings costs more than it
    saves (2.8 MB for all of Reuters; a fraction of that here, compressed with the text).
    """
    mentions = encode_mentions(text, entities)
    meta = json.dumps(header, ensure_ascii=False, separators=(",", ":")) if header else ""
    return f"{len(mentions)}:{len(meta)}:{mentions}{meta}{text}".encode(
        "utf-8", "surrogatepass")


def decode_body(value: bytes) -> tuple[str, str, dict]:
    """Inverse of :func:`encode_body`: ``(text, encoded mentions, header)``."""
    if not value:
        return "", "", {}
    raw = value.decode("utf-8", "surrogatepass")
    n_mentions, n_meta, rest = raw.split(":", 2)
    a = int(n_mentions)
    b = a + int(n_meta)
    return rest[b:], rest[:a], json.loads(rest[a:b]) if b > a else {}


class DocumentReader:
    """Whole paragraph records for one searcher's view of the index.

    Article headers (headline, date, source, url) and paragraph numbers are cached, so the
    hits of one article cost one header load between them.
    """

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self._headers: OrderedDict[str, dict | None] = OrderedDict()
        self._numbered: OrderedDict[str, dict[int, int]] = OrderedDict()

    # Column readers are opened on first use: opening the article id column reads its table
    # of distinct ids (20 ms for all of Reuters), which most uses never need.
    @cached_property
    def _articles(self):
        return _column(self.searcher.reader(), "article_id")

    @cached_property
    def _numbers(self):
        return _column(self.searcher.reader(), "paragraph")

    @cached_property
    def _dates(self):
        return _column(self.searcher.reader(), "date", translate=False)

    @cached_property
    def _bodies(self):
        return _column(self.searcher.reader(), BODY_COLUMN)

    def article_id(self, docnum: int) -> str:
        return self._articles[docnum]

    def number(self, docnum: int) -> int:
        return int(self._numbers[docnum])

    def body(self, docnum: int) -> tuple[str, list[tuple[str, int, int, str]]]:
        """A paragraph's text and its ``(kind, start, end, name)`` entity mentions."""
        text, mentions, _header = self._record(docnum)
        return text, decode_mentions(mentions, text)

    def _record(self, docnum: int) -> tuple[str, str, dict]:
        return decode_body(self._bodies[docnum] if self._bodies is not None else b"")

    def date(self, docnum: int) -> dt.date | None:
        raw = self._dates[docnum] if self._dates is not None else NO_DATE
        return None if raw == NO_DATE else long_to_datetime(raw).date()

    def docnums(self, article_id: str) -> dict[int, int]:
        """Paragraph number -> document number, for every paragraph of one article."""
        found = _cached(self._numbered, article_id)
        if found is None:
            found = {self.number(d): d for d in
                     self.searcher.docs_for_query(wq.Term("article_id", article_id))}
            _remember(self._numbered, article_id, found)
        return found

    def docnum(self, article_id: str, paragraph: int) -> int | None:
        """The document number of one paragraph, or ``None`` when there is no such one."""
        return self.docnums(article_id).get(paragraph)

    def header(self, article_id: str) -> dict | None:
        """The article's headline, date, source, url and content hash (``None``: no such
        article)."""
        if article_id in self._headers:
            return _cached(self._headers, article_id)
        docnum = self.docnum(article_id, 0)
        header = None
        if docnum is not None:
            title, _mentions, stored = self._record(docnum)
            header = dict(stored, title=title, date=self.date(docnum))
        _remember(self._headers, article_id, header)
        return header

    def paragraph(self, docnum: int) -> dict:
        """The full record of one paragraph: ``id``, ``article_id``, ``paragraph``,
        ``text``, ``entities`` (mention tuples), ``title``, ``date``, ``source``, ``url``."""
        text, mentions = self.body(docnum)
        aid = self.article_id(docnum)
        number = self.number(docnum)
        header = self.header(aid) or {}
        return {
            "id": paragraph_id(aid, number), "article_id": aid, "paragraph": number,
            "text": text, "entities": mentions,
            "title": header.get("title", ""), "date": header.get("date"),
            "source": header.get("source"), "url": header.get("url"),
        }


def _cached(cache: OrderedDict, key: str):
    value = cache.get(key)
    if key in cache:
        cache.move_to_end(key)
    return value


def _remember(cache: OrderedDict, key: str, value: object) -> None:
    cache[key] = value
    if len(cache) > _CACHED:
        cache.popitem(last=False)


def _column(reader, name: str, translate: bool = True):
    return reader.column_reader(name, translate=translate) if reader.has_column(name) else None

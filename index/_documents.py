"""Reading paragraph documents back from the index as whole records.

The index stores each value once (see :mod:`searchlib.index._schema`): a paragraph's text and entity
mentions share one block-compressed column; its article id, number and date live in columns; the
article's headline, source, url and content hash are kept with paragraph 0 only. This
module puts a paragraph's record together again from those places.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterator
from functools import cached_property

from searchlib.index._format import (
    ARTICLE_ID,
    BODY_COLUMN,
    DATE,
    NO_DATE,
    PARAGRAPH,
    decode_body,
    decode_mentions,
    paragraph_id,
)
from searchlib.index._records import Article
from whoosh import query as wq
from whoosh.index import FileIndex
from whoosh.util.times import long_to_datetime

#: Articles whose header and paragraph numbers are kept per reader.
_CACHED = 4096


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
        return _column(self.searcher.reader(), ARTICLE_ID)

    @cached_property
    def _numbers(self):
        return _column(self.searcher.reader(), PARAGRAPH)

    @cached_property
    def _dates(self):
        return _column(self.searcher.reader(), DATE, translate=False)

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
                     self.searcher.docs_for_query(wq.Term(ARTICLE_ID, article_id))}
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


def article_headers(ix: FileIndex) -> Iterator[tuple[str, dict]]:
    """Every article's id and stored header (source, url, hash, extractor tag), in index
    order, from the latest commit."""
    with ix.searcher() as s:
        docs = DocumentReader(s)
        for docnum in sorted(s.docs_for_query(wq.Term(PARAGRAPH, 0))):
            _text, _mentions, header = docs._record(docnum)
            yield docs.article_id(docnum), header


def stored_articles(ix: FileIndex, ids: list[str]) -> Iterator[Article]:
    """The articles with these ids, as the index stores them (what ``index`` was given);
    ids deleted meanwhile are left out."""
    with ix.searcher() as s:
        docs = DocumentReader(s)
        for aid in ids:
            numbers = docs.docnums(aid)
            header = docs.header(aid)
            if header is None:
                continue
            paragraphs = [docs.body(numbers[n])[0] for n in sorted(numbers) if n > 0]
            yield Article(header["title"], paragraphs, id=aid, date=header.get("date"),
                          source=header.get("source"), url=header.get("url"))

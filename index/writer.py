"""The writer: turns articles into paragraph documents and commits them in batches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from whoosh.index import FileIndex, LockError

from index.articles import Article
from index.entities.base import KINDS, Entity, Extractor
from index.errors import IndexLockedError
from index.schema import ENTITY_COLUMN, join_names, paragraph_id

__all__ = ["BatchCounts", "ArticleWriter", "article_documents", "encode_entity_column",
           "decode_entity_column"]

_RECORD = "\x1e"
_UNIT = "\x1f"


@dataclass
class BatchCounts:
    """What one or more batches did to the index."""

    added: int = 0
    replaced: int = 0
    skipped: int = 0
    paragraphs: int = 0

    def __iadd__(self, other: BatchCounts) -> BatchCounts:
        self.added += other.added
        self.replaced += other.replaced
        self.skipped += other.skipped
        self.paragraphs += other.paragraphs
        return self


def encode_entity_column(entities: Sequence[Entity]) -> bytes:
    """Pack a paragraph's distinct (kind, name) pairs for the facet column."""
    seen = dict.fromkeys((e.kind, e.name) for e in entities)
    return _RECORD.join(f"{k}{_UNIT}{n}" for k, n in seen).encode("utf-8")


def decode_entity_column(value: bytes) -> list[tuple[str, str]]:
    """Inverse of :func:`encode_entity_column`."""
    if not value:
        return []
    return [tuple(rec.split(_UNIT, 1)) for rec in value.decode("utf-8").split(_RECORD)]


def article_documents(article: Article, entities: Sequence[Sequence[Entity]]) -> list[dict]:
    """The Whoosh documents of one article: the headline as paragraph 0, then the body.

    :param entities: one entity list per paragraph, headline first
    """
    assert article.id, "readers give every article an id"
    texts = [article.title, *article.paragraphs]
    common: dict = {"article_id": article.id, "title": article.title}
    if article.date is not None:
        common["date"] = dt.datetime(article.date.year, article.date.month, article.date.day)
    if article.source:
        common["source"] = article.source
    if article.url:
        common["url"] = article.url
    docs = []
    for n, text in enumerate(texts):
        found = entities[n] if n < len(entities) else []
        doc = dict(common, id=paragraph_id(article.id, n), paragraph=n, text=text,
                   entities=[(e.kind, e.start, e.end, e.name) for e in found])
        doc[ENTITY_COLUMN] = encode_entity_column(found)
        for kind in KINDS:
            names = list(dict.fromkeys(e.name for e in found if e.kind == kind))
            if names:
                doc[kind] = join_names(names)
        if n == 0:
            doc["content_hash"] = article.content_hash()
        docs.append(doc)
    return docs


class ArticleWriter:
    """Writes batches of articles into a Whoosh index, one commit per batch.

    An article whose id is already indexed with the same content is skipped; with other
    content, all its old paragraphs are deleted and the new ones added in the same commit,
    so a reader sees either the old article or the new one, never a mix.

    :param wait: seconds to wait for another writer's lock before giving up
    """

    def __init__(self, ix: FileIndex, extractor: Extractor | None, wait: float = 5.0,
                 limitmb: int = 128) -> None:
        self.ix = ix
        self.extractor = extractor
        self.wait = wait
        self.limitmb = limitmb

    def write(self, articles: Sequence[Article]) -> BatchCounts:
        """Index *articles* (later duplicates of an id win) and commit."""
        counts = BatchCounts()
        batch = {a.id: a for a in articles}
        counts.skipped += len(articles) - len(batch)  # superseded within this batch
        changed, replacing = self._changed(list(batch.values()), counts)
        if not changed:
            return counts
        assert self.extractor is not None, "writing articles needs an extractor"
        found = self.extractor.extract_many([[a.title, *a.paragraphs] for a in changed])
        writer = self._writer()
        try:
            for article, entities in zip(changed, found, strict=True):
                if article.id in replacing:
                    writer.delete_by_term("article_id", article.id)
                    counts.replaced += 1
                else:
                    counts.added += 1
                for doc in article_documents(article, entities):
                    writer.add_document(**doc)
                counts.paragraphs += 1 + len(article.paragraphs)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return counts

    def delete(self, article_id: str) -> int:
        """Delete every paragraph of one article and commit; returns how many."""
        writer = self._writer()
        try:
            n = writer.delete_by_term("article_id", article_id)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return n

    def _changed(self, articles: list[Article], counts: BatchCounts
                 ) -> tuple[list[Article], set[str]]:
        """Split off unchanged articles; return the rest and the ids already indexed."""
        if self.ix.doc_count_all() == 0:
            return articles, set()
        changed, replacing = [], set()
        with self.ix.searcher() as s:
            for a in articles:
                stored = s.document(id=paragraph_id(a.id, 0))
                if stored is None:
                    changed.append(a)
                elif stored.get("content_hash") == a.content_hash():
                    counts.skipped += 1
                else:
                    changed.append(a)
                    replacing.add(a.id)
        return changed, replacing

    def _writer(self):
        try:
            return self.ix.writer(timeout=self.wait, limitmb=self.limitmb)
        except LockError:
            raise IndexLockedError(
                f"{self.ix.storage.folder}: another process is writing to this index "
                f"(lock MAIN_WRITELOCK held for {self.wait:g}s); wait for it to finish, or "
                "pass --wait SECONDS to wait longer") from None

"""The peer engines searchlib is compared with, on the same paragraphs and queries.

Each peer indexes the paragraph records of :func:`paragraph_records` (headline as paragraph
0, then the body, with entities precomputed by searchlib's extractor so that only the
engines are compared) and answers :class:`~benchmarks.queries.BenchQuery` objects:

- ``whoosh-naive``: the code a user writes from Whoosh's quick start: the same analysis as
  searchlib, the default writer, one commit, a new searcher per query.
- ``fts5``: SQLite FTS5 (porter tokenizer) through sqlite-utils, entities in a side table.
- ``tantivy``: tantivy-py with its English stemmer (``en_stem``).

The peer libraries are optional (``pip install -e '.[bench]'``); import errors surface
only when a peer is built, and :func:`available_peers` tells which ones can run.
"""

from __future__ import annotations

import importlib.util
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from searchlib.index._records import Article

from benchmarks.queries import ENTITY_FIELDS, BenchQuery, to_fts5, to_tantivy

__all__ = ["PEERS", "Paragraph", "Peer", "available_peers", "make_peer", "paragraph_records"]

#: Top-10 hits, as the CLI shows them.
LIMIT = 10
#: Facet values kept per entity kind.
FACET_SIZE = 10


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph as the peers index it.

    :param rowid: dense integer id (SQLite rowid)
    :param pid: ``<article id>#<n>``, as searchlib names paragraphs
    :param title: the article headline
    :param text: the paragraph text (the headline itself for n = 0)
    :param date: YYYYMMDD, or 0 when unknown
    :param person: canonical person names found in the paragraph (place and org alike)
    """

    rowid: int
    pid: str
    article_id: str
    n: int
    title: str
    text: str
    date: int
    person: tuple[str, ...]
    place: tuple[str, ...]
    org: tuple[str, ...]


def paragraph_records(articles: Iterable[Article], extractor: str = "rules") -> list[Paragraph]:
    """Split articles into peer records, extracting entities once per article.

    :param articles: articles with ids
    :param extractor: entity extractor name, as searchlib's ``Index.create(extractor=)``
    """
    from searchlib.index.entities import extract_entities

    out: list[Paragraph] = []
    for article in articles:
        texts = [article.title, *article.paragraphs]
        found = extract_entities(texts, extractor)
        date = int(article.date.strftime("%Y%m%d")) if article.date else 0
        for n, (text, ents) in enumerate(zip(texts, found, strict=False)):
            names = {k: tuple(dict.fromkeys(e.name for e in ents if e.kind == k))
                     for k in ENTITY_FIELDS}
            out.append(Paragraph(len(out) + 1, f"{article.id}#{n}", article.id or "", n,
                                 article.title, text, date, **names))
    return out


class Peer(ABC):
    """An engine under comparison: build once, then open and answer queries."""

    name = ""
    #: Python modules the peer needs.
    requires: tuple[str, ...] = ()

    @abstractmethod
    def build(self, path: Path, records: Sequence[Paragraph]) -> None:
        """Index *records* into the new directory *path* and commit.

        :param path: an empty directory
        :param records: the paragraphs, in corpus order
        """

    @abstractmethod
    def open(self, path: Path) -> None:
        """Open the index built at *path* for searching."""

    @abstractmethod
    def search(self, q: BenchQuery, full: bool) -> int:
        """Run one query, fetch the top hits and return the total hit count.

        :param q: the query
        :param full: also build highlights and entity facets, as the CLI shows them
        """

    @abstractmethod
    def close(self) -> None:
        """Release the index."""


def _top_facets(counts: Counter) -> dict[str, list[tuple[str, int]]]:
    by_kind: dict[str, list[tuple[str, int]]] = {k: [] for k in ENTITY_FIELDS}
    for (kind, name), c in counts.most_common():
        if len(by_kind[kind]) < FACET_SIZE:
            by_kind[kind].append((name, c))
    return by_kind


class NaiveWhoosh(Peer):
    """Whoosh as its quick start shows it (searchlib's analyzers, nothing else tuned)."""

    name = "whoosh-naive"
    requires = ("whoosh",)

    def build(self, path: Path, records: Sequence[Paragraph]) -> None:
        import datetime as dt

        from whoosh import fields, index
        from whoosh.analysis import StemmingAnalyzer

        entity = {k: fields.TEXT(stored=True) for k in ENTITY_FIELDS}
        names = {f"{k}_names": fields.KEYWORD(commas=True) for k in ENTITY_FIELDS}
        schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                               title=fields.TEXT(stored=True),
                               text=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
                               date=fields.DATETIME(stored=True), **entity, **names)
        ix = index.create_in(str(path), schema)
        writer = ix.writer()
        for r in records:
            doc = {"id": r.pid, "title": r.title, "text": r.text}
            if r.date:
                doc["date"] = dt.datetime(r.date // 10000, r.date // 100 % 100, r.date % 100)
            for k in ENTITY_FIELDS:
                values = getattr(r, k)
                if values:
                    doc[k] = " ".join(values)
                    doc[f"{k}_names"] = ",".join(v.replace(",", " ") for v in values)
            writer.add_document(**doc)
        writer.commit()
        ix.close()

    def open(self, path: Path) -> None:
        from whoosh import index

        self.ix = index.open_dir(str(path))

    def search(self, q: BenchQuery, full: bool) -> int:
        from whoosh import sorting
        from whoosh.qparser import QueryParser

        facets = {k: sorting.FieldFacet(f"{k}_names", allow_overlap=True, maptype=sorting.Count)
                  for k in ENTITY_FIELDS} if full else None
        with self.ix.searcher() as searcher:  # a new searcher per query, as in the docs
            query = QueryParser("text", self.ix.schema).parse(q.text)
            results = searcher.search(query, limit=LIMIT, groupedby=facets)
            for hit in results:
                _ = hit["id"], hit["title"]
                if full:
                    _ = hit.highlights("text")
            if full:
                _ = {k: sorted(results.groups(k).items(), key=lambda kv: -kv[1])[:FACET_SIZE]
                     for k in ENTITY_FIELDS}
            return len(results)

    def close(self) -> None:
        self.ix.close()


class Fts5(Peer):
    """SQLite FTS5 with the porter tokenizer, built with sqlite-utils."""

    name = "fts5"
    requires = ("sqlite_utils",)

    def build(self, path: Path, records: Sequence[Paragraph]) -> None:
        import sqlite_utils

        db = sqlite_utils.Database(path / "fts5.db")
        db["paragraphs"].insert_all(
            ({"id": r.rowid, "pid": r.pid, "title": r.title, "text": r.text, "date": r.date,
              **{k: " ; ".join(getattr(r, k)) for k in ENTITY_FIELDS}} for r in records),
            pk="id", batch_size=2000)
        db["entities"].create({"pid": int, "kind": str, "name": str})
        db["entities"].insert_all(
            ({"pid": r.rowid, "kind": k, "name": name}
             for r in records for k in ENTITY_FIELDS for name in getattr(r, k)),
            batch_size=5000)
        db["entities"].create_index(["pid"])
        db["paragraphs"].create_index(["date"])
        db["paragraphs"].enable_fts(["text", *ENTITY_FIELDS], tokenize="porter")
        db.conn.commit()
        db.close()

    def open(self, path: Path) -> None:
        import sqlite3

        self.conn = sqlite3.connect(path / "fts5.db")

    def search(self, q: BenchQuery, full: bool) -> int:
        match, dates = to_fts5(q)
        where, params = [], []
        if match is not None:
            where.append("paragraphs_fts MATCH ?")
            params.append(match)
        if dates is not None:
            where.append("p.date BETWEEN ? AND ?")
            params.extend(dates)
        cond = " AND ".join(where)
        if match is not None:
            source = "paragraphs_fts JOIN paragraphs p ON p.id = paragraphs_fts.rowid"
            order = "paragraphs_fts.rank"
            snippet = "snippet(paragraphs_fts, 0, '<b>', '</b>', '...', 32)"
        else:  # a date range alone: no text to rank or highlight
            source, order, snippet = "paragraphs p", "p.date", "substr(p.text, 1, 200)"
        total = self.conn.execute(f"SELECT count(*) FROM {source} WHERE {cond}", params)
        total = total.fetchone()[0]
        cols = f"p.pid, p.title{', ' + snippet if full else ''}"
        self.conn.execute(f"SELECT {cols} FROM {source} WHERE {cond} ORDER BY {order} "
                          f"LIMIT {LIMIT}", params).fetchall()
        if full:
            rows = self.conn.execute(
                f"SELECT e.kind, e.name, count(*) FROM entities e WHERE e.pid IN "
                f"(SELECT p.id FROM {source} WHERE {cond}) GROUP BY e.kind, e.name", params)
            _top_facets(Counter({(k, n): c for k, n, c in rows}))
        return total

    def close(self) -> None:
        self.conn.close()


class Tantivy(Peer):
    """tantivy-py: English stemmer on the text, raw fast fields for entity facets."""

    name = "tantivy"
    requires = ("tantivy",)

    @staticmethod
    def _schema():
        import tantivy

        sb = tantivy.SchemaBuilder()
        sb.add_text_field("id", stored=True, tokenizer_name="raw")
        sb.add_text_field("title", stored=True)
        sb.add_text_field("text", stored=True, tokenizer_name="en_stem")
        sb.add_unsigned_field("date", indexed=True, fast=True, stored=True)
        for k in ENTITY_FIELDS:
            sb.add_text_field(k)  # tokenized, lower-cased: person:reagan
            sb.add_text_field(f"{k}_f", fast=True, tokenizer_name="raw")  # whole names
        return sb.build()

    def build(self, path: Path, records: Sequence[Paragraph]) -> None:
        import tantivy

        ix = tantivy.Index(self._schema(), path=str(path))
        writer = ix.writer()
        for r in records:
            doc = tantivy.Document(id=r.pid, title=r.title, text=r.text)
            if r.date:
                doc.add_unsigned("date", r.date)
            for k in ENTITY_FIELDS:
                for name in getattr(r, k):
                    doc.add_text(k, name)
                    doc.add_text(f"{k}_f", name)
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()

    def open(self, path: Path) -> None:
        import tantivy

        self.schema = self._schema()
        self.ix = tantivy.Index.open(str(path))
        self.searcher = self.ix.searcher()

    def search(self, q: BenchQuery, full: bool) -> int:
        import tantivy

        query = self.ix.parse_query(to_tantivy(q), ["text"])
        result = self.searcher.search(query, LIMIT, count=True)
        gen = tantivy.SnippetGenerator.create(self.searcher, query, self.schema, "text") \
            if full else None
        for _score, address in result.hits:
            doc = self.searcher.doc(address)
            if gen is not None:
                gen.snippet_from_doc(doc).to_html()
        if full:
            self.searcher.aggregate(query, {k: {"terms": {"field": f"{k}_f", "size": FACET_SIZE}}
                                            for k in ENTITY_FIELDS})
        return result.count

    def close(self) -> None:
        del self.searcher, self.ix  # tantivy releases its files when the objects go


#: Peers by name, in report order.
PEERS: dict[str, type[Peer]] = {p.name: p for p in (NaiveWhoosh, Fts5, Tantivy)}


def available_peers() -> dict[str, str | None]:
    """Which peers can run here.

    :returns: peer name -> ``None`` when runnable, else the reason it is not
    """
    out: dict[str, str | None] = {}
    for name, cls in PEERS.items():
        missing = [m for m in cls.requires if importlib.util.find_spec(m) is None]
        out[name] = (f"{', '.join(missing)} not installed (pip install -e '.[bench]')"
                     if missing else None)
    return out


def make_peer(name: str) -> Peer:
    """A new peer engine by name.

    :param name: a key of :data:`PEERS`
    """
    return PEERS[name]()

"""The :class:`Index`: one searchlib index on disk, to fill and to search."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from whoosh import index as whoosh_index
from whoosh import query as wq

from searchlib._errors import (
    ArticleNotFoundError,
    ExtractorError,
    SearchlibError,
)
from searchlib._export import article_records, matching_article_ids
from searchlib._facets import EntityCount, FacetTable
from searchlib._filters import Filters, build_filter, highlight_terms
from searchlib._grouping import (
    context_for,
    group_by_article,
    ranked,
    resolve_sort,
    score_of,
)
from searchlib._hits import make_hit, stream_hits
from searchlib._query import QueryParser, positive_terms
from searchlib._results import (
    ArticleView,
    Facet,
    Hit,
    Paragraph,
    Results,
    Stats,
    entity_names,
)
from searchlib._similar import similar_docs
from searchlib._suggest import suggest as suggest_query
from searchlib.index._documents import DocumentReader
from searchlib.index._format import KINDS, split_paragraph_id
from searchlib.index._ingest import (
    DEFAULT_BATCH_SIZE,
    IngestReport,
    Progress,
    check_articles,
    ingest_articles,
    ingest_paths,
)
from searchlib.index._meta import META_FILE, IndexMeta, write_meta
from searchlib.index._records import Article
from searchlib.index._storage import (
    create_files,
    dir_size,
    open_files,
    resolve_index_path,
)
from searchlib.index._writer import ArticleWriter
from searchlib.index.entities import get_extractor
from searchlib.index.entities._base import Extractor, check_extractor_name


class Index:
    """A searchlib index: a directory holding Whoosh files and ``searchlib.json``.

    Use :meth:`open`, :meth:`create` or :meth:`open_or_create`, not the constructor. An
    ``Index`` may be searched from several threads at once; writes take the index's lock,
    so one process writes at a time while any number read the last commit.
    """

    def __init__(self, path: Path, ix: whoosh_index.FileIndex, meta: IndexMeta) -> None:
        self.path = path
        self._ix = ix
        self.meta = meta
        self._parser = QueryParser(ix.schema)
        self._lock = threading.RLock()
        self._searcher = None
        self._facets: FacetTable | None = None
        self._docs: DocumentReader | None = None
        self._extractor: Extractor | None = None
        #: How searches are evaluated: ``"arrays"`` or ``"whoosh"`` (the reference path);
        #: ``None`` for ``$SEARCHLIB_ENGINE``, else arrays.
        self.engine: str | None = None

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike | None = None) -> Index:
        """Open an existing index.

        :raises IndexNotFoundError: if there is none at *path*
        :raises IndexVersionError: if it was written with another schema version
        """
        where = resolve_index_path(path)
        return cls(where, *open_files(where))

    @classmethod
    def create(cls, path: str | os.PathLike | None = None, extractor: str = "rules",
               overwrite: bool = False) -> Index:
        """Create a new, empty index.

        :param extractor: the entity extractor for everything added to it
        :param overwrite: replace an index already at *path* (otherwise that is an error)
        """
        where = resolve_index_path(path)
        return cls(where, *create_files(where, extractor, overwrite))

    @classmethod
    def open_or_create(cls, path: str | os.PathLike | None = None,
                       extractor: str | None = None) -> Index:
        """Open the index at *path*, creating it first if there is none.

        :param extractor: for a new index, its extractor (default ``rules``); for an
            existing one, it must match the recorded extractor unless the index is empty
        """
        where = resolve_index_path(path)
        if not (where / META_FILE).exists():
            return cls.create(where, extractor or "rules")
        ix = cls.open(where)
        if extractor and extractor != ix.meta.extractor:
            if ix._ix.doc_count() == 0:
                check_extractor_name(extractor)
                ix.meta.extractor = extractor
                write_meta(where, ix.meta)
            else:
                ix.close()
                raise ExtractorError(
                    f"{where}: index was built with the {ix.meta.extractor!r} extractor; "
                    f"re-create it to use {extractor!r}")
        return ix

    def close(self) -> None:
        """Close the searcher and any extractor worker processes."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            if self._extractor is not None:
                self._extractor.close()
                self._extractor = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------

    def _writer(self, wait: float) -> ArticleWriter:
        # The extractor is built on first write only: a model load is costly, and
        # search-only use never needs it.
        if self._extractor is None:
            self._extractor = get_extractor(self.meta.extractor)
        return ArticleWriter(self._ix, self._extractor, wait=wait)

    def add_paths(self, paths: Iterable[str | os.PathLike], format: str = "auto",
                  progress: Callable[[Progress], None] | None = None,
                  batch_size: int = DEFAULT_BATCH_SIZE, wait: float = 5.0,
                  stdin: BinaryIO | None = None, strict: bool = False) -> IngestReport:
        """Index every article in *paths* (files, directories, or ``-`` for stdin).

        Bad files and lines are recorded in the report's ``errors``, not raised. Articles
        are committed in batches; unchanged articles already indexed are skipped, so running
        the same paths again finishes an interrupted ingest.

        :param format: ``auto`` (by extension), ``txt``, ``jsonl`` or ``csv``
        :param progress: called with a :class:`~searchlib.index._ingest.Progress` as work finishes
        :param batch_size: articles per commit
        :param wait: seconds to wait for another writer's lock
        :param strict: read and check all input first and raise the first
            :class:`InputError`, leaving the index untouched
        :raises IndexLockedError: when another writer holds the lock for *wait* seconds
        :raises IngestInterrupted: on Ctrl-C, after committing the finished batches
        """
        return ingest_paths(self._writer(wait), [str(p) for p in paths], format, progress,
                            batch_size, stdin, strict=strict)

    def add_articles(self, articles: Iterable[Article], batch_size: int = DEFAULT_BATCH_SIZE,
                     wait: float = 5.0) -> IngestReport:
        """Index :class:`Article` records; an article with a known id replaces the old one.

        An article over the size limits is recorded in the report's ``errors``.
        """
        return ingest_articles(self._writer(wait), check_articles(articles), batch_size)

    def delete(self, article_id: str, wait: float = 5.0) -> int:
        """Delete every paragraph of an article; returns how many were deleted (0: none)."""
        return ArticleWriter(self._ix, None, wait=wait).delete(article_id)

    # -- reading -------------------------------------------------------------------------

    def _current(self):
        """The long-lived searcher, refreshed when another commit has landed."""
        # A whole new searcher, not Searcher.refresh(): refresh reuses segment readers and
        # with them the old deletion state, so deleted paragraphs would still be found.
        if self._searcher is None or (self._ix.latest_generation()
                                      != self._searcher.reader().generation()):
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._ix.searcher()
            self._facets = None
        if self._facets is None:
            self._facets = FacetTable(self._searcher.reader())
            self._docs = DocumentReader(self._searcher)
        return self._searcher

    def article(self, article_id: str) -> ArticleView:
        """The whole article with this id, paragraphs in order.

        :raises ArticleNotFoundError: if no such article is indexed
        """
        with self._lock:
            s = self._current()
            docs = sorted((self._docs.paragraph(n) for n in
                           s.docs_for_query(wq.Term("article_id", article_id))),
                          key=lambda d: d["paragraph"])
        if not docs:
            raise ArticleNotFoundError(f"no article with id {article_id!r}")
        first = docs[0]
        return ArticleView(
            id=article_id, title=first["title"], date=first["date"],
            source=first.get("source"), url=first.get("url"),
            paragraphs=[Paragraph(d["paragraph"], d["text"], entity_names(d["entities"]))
                        for d in docs])

    def paragraph(self, paragraph_id: str) -> Paragraph:
        """One paragraph by its id (``<article id>#<n>``)."""
        with self._lock:
            self._current()
            doc = self._docs.paragraph(self._paragraph_docnum(paragraph_id))
        return Paragraph(doc["paragraph"], doc["text"], entity_names(doc["entities"]))

    def _paragraph_docnum(self, paragraph_id: str) -> int:
        """The document number of a paragraph id (call with the lock held, after
        :meth:`_current`).

        :raises ArticleNotFoundError: for a malformed id or one not in the index
        """
        try:
            docnum = self._docs.docnum(*split_paragraph_id(paragraph_id))
        except ValueError as e:
            raise ArticleNotFoundError(str(e)) from None
        if docnum is None:
            raise ArticleNotFoundError(f"no paragraph with id {paragraph_id!r}")
        return docnum

    def stats(self) -> Stats:
        """Article and paragraph counts, size on disk, extractor and schema version."""
        with self._lock:
            s = self._current()
            paragraphs = s.doc_count()
            articles = sum(1 for _ in s.docs_for_query(wq.Term("paragraph", 0)))
        size = dir_size(self.path)
        return Stats(articles=articles, paragraphs=paragraphs, index=str(self.path),
                     size_bytes=size, extractor=self.meta.extractor,
                     schema_version=self.meta.schema_version)

    def entities(self, query: str | None = None, kind: str | None = None, top: int = 20
                 ) -> list[EntityCount]:
        """The most frequent entities over the whole index, or over paragraphs matching *query*.

        :param kind: only ``person``, ``place`` or ``org``
        :param top: how many names to return
        :returns: names with their paragraph ``count`` and number of ``articles``, most first
        """
        if kind is not None and kind not in KINDS:
            raise SearchlibError(f"unknown entity kind {kind!r} (kinds: {', '.join(KINDS)})")
        q = self._parser.parse(query or "")
        with self._lock:
            s = self._current()
            docnums = (s.reader().all_doc_ids() if isinstance(q, wq.Every)
                       else s.docs_for_query(q))
            return self._facets.top(docnums, [kind] if kind else KINDS, top)

    def search(self, query: str = "", limit: int = 10, page: int = 1, facets: int = 10, *,
               person: str | Iterable[str] | None = None,
               place: str | Iterable[str] | None = None,
               org: str | Iterable[str] | None = None,
               since: str | dt.date | None = None, until: str | dt.date | None = None,
               source: str | None = None, sort: str | None = None, by_article: bool = False,
               context: int = 0, suggest: bool = True) -> Results:
        """Search paragraphs, optionally narrowed by who, where, when and which source.

        :param query: Whoosh query syntax (see README); empty matches every paragraph
        :param limit: hits per page
        :param page: 1-based page number; a page past the end is empty
        :param facets: how many top names per entity kind to count over all matches
            (0 for none)
        :param person: a name, or several that must all be named (as ``person:`` matches)
        :param place: likewise for places
        :param org: likewise for organisations
        :param since: first day included: ``YYYY-MM-DD``, ``YYYY-MM`` (its first day),
            ``YYYY`` or a date; undated articles are excluded when a date bound is given
        :param until: last day included (``YYYY-MM`` and ``YYYY`` mean their last day)
        :param source: the article source, whole name, case-insensitive
        :param sort: ``relevance``, ``newest`` or ``oldest``; default relevance, or newest
            for a query without words (empty, or a date range alone)
        :param by_article: one hit per article (its best paragraph, carrying the numbers of
            all its matching paragraphs); ``total`` then counts articles and
            ``total_paragraphs`` paragraphs
        :param context: attach this many paragraphs before and after each hit
        :param suggest: when there are fewer than three hits, look for a corrected query
        :raises QueryError: when the query, a filter or the sort cannot be understood
        """
        if limit < 1 or page < 1:
            raise ValueError("limit and page must be at least 1")
        if context < 0:
            raise ValueError("context must not be negative")
        q, wanted, filter_q, order = self._plan(query, sort, person, place, org, since,
                                                until, source)
        start, stop = (page - 1) * limit, page * limit
        total_paragraphs = None
        with self._lock:
            s = self._current()
            docs = self._docs
            terms = positive_terms(q, s.reader()) | highlight_terms(self._ix.schema, wanted)
            if by_article:
                # Every match is ranked: an article's rank and its count of matching
                # paragraphs depend on all of them, not just the first page's.
                results = ranked(s, q, filter_q, order, limit=None, engine=self.engine)
                groups = group_by_article(results.items(), s.reader())
                total, total_paragraphs = len(groups), len(results)
                hits = []
                for group in groups[start:stop]:
                    hit = self._hit(docs.paragraph(group.docnum), group.score, terms)
                    hit.matching_paragraphs = group.paragraphs
                    hits.append(hit)
            else:
                results = ranked(s, q, filter_q, order, limit=stop, engine=self.engine)
                total = len(results)
                hits = [self._hit(docs.paragraph(h.docnum), score_of(h.score), terms)
                        for h in results[start:stop]]
            for hit in hits if context else ():
                hit.context = context_for(docs, hit.article_id, hit.paragraph, context)
            facet_counts = {}
            if facets and total:
                counts = self._facets.count(results.docs(), top=facets)
                facet_counts = {kind: [Facet(n, c) for n, c in counts[kind].most_common(facets)]
                                for kind in KINDS}
            suggestion = (suggest_query(s, self._parser, q, query, filter_q,
                                        total_paragraphs or total) if suggest else None)
        return Results(query=query, total=total, page=page, limit=limit, hits=hits,
                       facets=facet_counts, total_paragraphs=total_paragraphs, sort=order,
                       by_article=by_article, suggestion=suggestion,
                       filters=wanted.to_dict())

    def _hit(self, doc: dict, score: float, terms: set[tuple[str, str]]) -> Hit:
        return make_hit(self._ix.schema, doc, score, terms)

    def _plan(self, query: str, sort: str | None, person, place, org, since, until, source
              ) -> tuple[wq.Query, Filters, wq.Query | None, str]:
        """Parse the query and filters of a search: (query, filters, filter query, order)."""
        q = self._parser.parse(query)
        wanted = Filters.of(person=person, place=place, org=org, since=since, until=until,
                            source=source)
        return q, wanted, build_filter(self._ix.schema, wanted), resolve_sort(sort, q)

    def iter_hits(self, query: str = "", *, person: str | Iterable[str] | None = None,
                  place: str | Iterable[str] | None = None,
                  org: str | Iterable[str] | None = None,
                  since: str | dt.date | None = None, until: str | dt.date | None = None,
                  source: str | None = None, sort: str | None = None,
                  by_article: bool = False, context: int = 0) -> Iterator[Hit]:
        """Every hit of a search, in order, one at a time (no page limit).

        Takes the same filters and options as :meth:`search`. Only the ranked document
        numbers are held (16 bytes per match); each paragraph is loaded, highlighted and
        yielded in turn, so memory does not grow with the hits' text. The stream reads one
        commit of the index throughout, even if others land meanwhile.

        :raises QueryError: when the query, a filter or the sort cannot be understood
            (raised on the first ``next()``)
        """
        q, wanted, filter_q, order = self._plan(query, sort, person, place, org, since,
                                                until, source)
        # A searcher of its own: the shared one may be replaced (and closed) by another
        # thread while this generator is suspended between hits.
        s = self._ix.searcher()
        try:
            terms = positive_terms(q, s.reader()) | highlight_terms(self._ix.schema, wanted)
            yield from stream_hits(s, q, filter_q, order, terms, by_article, context)
        finally:
            s.close()

    def similar(self, paragraph_id: str, limit: int = 10) -> list[Hit]:
        """The paragraphs most like one paragraph, those of other articles first.

        Useful to find the follow-ups and wire copies of a story. The paragraph itself is
        never among them; paragraphs of its own article come only after all others.

        :param paragraph_id: ``<article id>#<n>``
        :param limit: how many at most
        :raises ArticleNotFoundError: if there is no such paragraph
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        with self._lock:
            s = self._current()
            found = similar_docs(s, self._paragraph_docnum(paragraph_id), limit)
            return [self._hit(self._docs.paragraph(d), score, set()) for d, score in found]

    def export_articles(self, query: str = "", *, person: str | Iterable[str] | None = None,
                        place: str | Iterable[str] | None = None,
                        org: str | Iterable[str] | None = None,
                        since: str | dt.date | None = None, until: str | dt.date | None = None,
                        source: str | None = None) -> Iterator[dict]:
        """Whole articles with at least one matching paragraph, in the JSON Lines input
        format (``id``, ``title``, ``date``, ``source``, ``url``, ``paragraphs``), in index
        order, one at a time. Indexing them again rebuilds the same index.

        :param query: as for :meth:`search`; empty exports every article (with filters,
            every article they let through)
        """
        q, wanted, filter_q, _ = self._plan(query, None, person, place, org, since, until,
                                            source)
        s = self._ix.searcher()  # its own, as in iter_hits
        try:
            yield from article_records(DocumentReader(s), matching_article_ids(s, q, filter_q))
        finally:
            s.close()

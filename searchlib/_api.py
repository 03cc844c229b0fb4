"""The :class:`Index`: one searchlib index on disk, to fill and to search."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from whoosh import index as whoosh_index
from whoosh import query as wq

from searchlib import _arguments as check
from searchlib._arguments import engine_errors
from searchlib._datefacet import date_counts
from searchlib._deadline import DEFAULT_TIMEOUT, budget, checked
from searchlib._errors import (
    ArticleNotFoundError,
    ExtractorError,
    IndexNotFoundError,
    InputError,
    UsageError,
)
from searchlib._expand import expand_multiterms
from searchlib._explain import HeldTerms, explain, resolved_list
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
from searchlib._hits import highlighter, make_hit, stream_hits
from searchlib._query import QueryParser, positive_terms
from searchlib._results import (
    ArticleView,
    Context,
    Facet,
    Hit,
    Paragraph,
    Results,
    Stats,
    entity_names,
)
from searchlib._similar import similar_docs
from searchlib._snippets import DEFAULT_WORDS
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
from searchlib.index._readers import FORMATS
from searchlib.index._records import Article
from searchlib.index._storage import (
    CheckReport,
    NewIndex,
    check_index,
    create_files,
    dir_size,
    open_files,
    open_searcher,
    resolve_index_path,
)
from searchlib.index._writer import ArticleWriter
from searchlib.index.entities import Entity, get_extractor
from searchlib.index.entities import extract_entities as _extract_entities
from searchlib.index.entities._base import (
    DEFAULT_EXTRACTOR,
    Extractor,
    check_extractor_name,
    provenance_tag,
)
from searchlib.index.entities._names import IndexNames
from searchlib.index.entities._reextract import reextract as reextract_index


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
        # The readers of the current searcher; None until _current() has made them.
        self._facet_table: FacetTable | None = None
        self._doc_reader: DocumentReader | None = None
        self._held_terms: HeldTerms | None = None
        self._extractor: Extractor | None = None
        # Set for an index this object created and nothing has been committed to yet: a
        # strict ingest or an extractor that fails there takes the whole index away again.
        self._new: NewIndex | None = None
        self._removed = False
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
    def create(cls, path: str | os.PathLike | None = None, extractor: str = DEFAULT_EXTRACTOR,
               overwrite: bool = False) -> Index:
        """Create a new, empty index.

        :param extractor: the entity extractor for everything added to it
        :param overwrite: replace an index already at *path* (otherwise that is an error)
        """
        check.text("extractor", extractor)
        return cls._create(resolve_index_path(path), extractor, overwrite)

    @classmethod
    def _create(cls, where: Path, extractor: str, overwrite: bool = False,
                exist_ok: bool = False) -> Index:
        """:meth:`create`; with *exist_ok*, open the index another process made meanwhile."""
        # Built first: an unknown name, or spaCy not installed, must not leave an index
        # recorded with an extractor that cannot run.
        finder = get_extractor(extractor)
        new = NewIndex.at(where) if not (where / META_FILE).exists() else None
        try:
            ix = cls(where, *create_files(where, extractor, overwrite, exist_ok))
        except BaseException:
            finder.close()
            raise
        ix._extractor = finder
        ix._new = new
        return ix

    @classmethod
    def open_or_create(cls, path: str | os.PathLike | None = None,
                       extractor: str | None = None) -> Index:
        """Open the index at *path*, creating it first if there is none.

        :param extractor: for a new index, its extractor (default ``tagger``); for an
            existing one, it must match the recorded extractor unless the index is empty
        """
        where = resolve_index_path(path)
        check.text("extractor", extractor, optional=True)
        if not (where / META_FILE).exists():
            # Another process may be creating it at this moment: then wait, and open it.
            ix = cls._create(where, extractor or DEFAULT_EXTRACTOR, exist_ok=True)
        else:
            ix = cls.open(where)
        if extractor and extractor != ix.meta.extractor:
            if ix._ix.doc_count() == 0:
                try:  # built before it is recorded, as in create()
                    ix._extractor = get_extractor(extractor)
                except BaseException:
                    ix.close()
                    raise
                ix.meta.extractor = extractor
                write_meta(where, ix.meta)
            else:
                ix.close()
                raise ExtractorError(
                    f"{where}: index was built with the {ix.meta.extractor!r} extractor; "
                    f"re-create it to use {extractor!r}")
        return ix

    @classmethod
    def check(cls, path: str | os.PathLike | None = None, quick: bool = False,
              repair: bool = False) -> CheckReport:
        """Verify an index on disk (it need not open): its metadata, each file's recorded
        checksum, and (unless *quick*) that every column and term reads back.

        :param quick: compare file sizes with the recorded ones only (fast)
        :param repair: rebuild a missing or unreadable ``searchlib.json`` from the segments
            and record checksums that are missing; damaged segments cannot be repaired
        :returns: the problems (one line each, naming the file and the way out) and what
            was repaired; no problems means the index is sound
        :raises IndexNotFoundError: when there is no index at *path*
        """
        return check_index(resolve_index_path(path), quick=quick, repair=repair)

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
        if self._removed:
            # Its first ingest failed and took it away: make it anew, empty.
            self._new = NewIndex.at(self.path)
            self._ix, self.meta = create_files(self.path, self.meta.extractor)
            self._parser = QueryParser(self._ix.schema)
            self._removed = False
        # An opened index builds its extractor on first write only: a model load is
        # costly, and search-only use never needs it.
        if self._extractor is None or self._extractor.name != self.meta.extractor:
            if self._extractor is not None:
                self._extractor.close()
            self._extractor = get_extractor(self.meta.extractor)
        self._record_provenance(self._extractor)
        return ArticleWriter(self._ix, self._extractor, wait=wait, names=IndexNames(self.path),
                             extracted_by=provenance_tag(self._extractor))

    def _record_provenance(self, extractor: Extractor) -> None:
        """Record in ``searchlib.json`` the version and data of the extractor that writes."""
        version, data = extractor.version, extractor.fingerprint()
        if (self.meta.extractor_version, self.meta.extractor_data) != (version, data):
            self.meta.extractor_version, self.meta.extractor_data = version, data
            write_meta(self.path, self.meta)

    def reextract(self, extractor: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                  wait: float = 5.0, progress: Callable[[IngestReport], None] | None = None
                  ) -> IngestReport:
        """Run entity extraction again over the stored text; only the entity fields change.

        Atomic per batch and resumable like :meth:`add_paths`: an interrupted run, started
        again with the same extractor, skips the articles it already re-wrote. Afterwards
        the index records *extractor* (name, version, data fingerprint) as its own.

        :param extractor: a registered extractor name; default: the index's own
        :param progress: called with the counts so far after each batch
        :returns: ``replaced`` counts re-extracted articles, ``skipped`` those already done
        :raises ExtractorError: for an unknown extractor or one that cannot load
        :raises IngestInterrupted: on Ctrl-C, after the last committed batch
        """
        check.text("extractor", extractor, optional=True)
        check.count("batch_size", batch_size, 1)
        check.seconds("wait", wait)
        check.callback("progress", progress)
        self._require_present()
        name = extractor or self.meta.extractor
        check_extractor_name(name)
        ext = get_extractor(name)
        try:
            return reextract_index(self._ix, self.path, self.meta, ext, batch_size, wait,
                                   on_batch=progress)
        finally:
            ext.close()

    def _require_present(self) -> None:
        if self._removed:
            raise IndexNotFoundError(f"{self.path}: the index was removed when its first "
                                     "ingest failed; add articles to create it again")

    @contextlib.contextmanager
    def _first_write(self) -> Iterator[None]:
        """Take a new index away again when its first ingest fails for want of input
        (a strict ingest's first bad line) or of an extractor (a model that cannot load):
        neither may leave a new, empty index behind."""
        try:
            yield
        except (InputError, ExtractorError):
            if self._new is not None and self._ix.doc_count_all() == 0:
                self.close()
                self._new.remove()
                self._removed = True
            raise
        if self._new is not None and self._ix.doc_count_all() > 0:
            self._new = None  # it holds articles now: no longer new

    @engine_errors
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
        :raises UsageError: for an argument of the wrong type or out of range
        """
        files = check.paths(paths)
        check.choice("format", format, ("auto", *FORMATS))
        check.callback("progress", progress)
        check.count("batch_size", batch_size, 1)
        check.seconds("wait", wait)
        with self._first_write():
            return ingest_paths(self._writer(wait), files, format, progress, batch_size,
                                stdin, strict=strict)

    @engine_errors
    def add_articles(self, articles: Iterable[Article], batch_size: int = DEFAULT_BATCH_SIZE,
                     wait: float = 5.0) -> IngestReport:
        """Index :class:`Article` records; an article with a known id replaces the old one.

        An article over the size limits is recorded in the report's ``errors``.
        """
        check.count("batch_size", batch_size, 1)
        check.seconds("wait", wait)
        items = check.articles(articles)
        with self._first_write():
            return ingest_articles(self._writer(wait), check_articles(items), batch_size)

    @engine_errors
    def delete(self, article_id: str, wait: float = 5.0) -> int:
        """Delete every paragraph of an article; returns how many were deleted (0: none)."""
        check.text("article_id", article_id)
        check.seconds("wait", wait)
        self._require_present()
        return ArticleWriter(self._ix, None, wait=wait).delete(article_id)

    # -- reading -------------------------------------------------------------------------

    def _current(self):
        """The long-lived searcher, refreshed when another commit has landed."""
        self._require_present()
        # A whole new searcher, not Searcher.refresh(): refresh reuses segment readers and
        # with them the old deletion state, so deleted paragraphs would still be found.
        if self._searcher is None or (self._ix.latest_generation()
                                      != self._searcher.reader().generation()):
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._searcher = open_searcher(self._ix, self.path)
            self._facet_table = None
        if self._facet_table is None:
            self._facet_table = FacetTable(self._searcher.reader())
            self._doc_reader = DocumentReader(self._searcher)
            self._held_terms = HeldTerms(self._searcher.reader())
        return self._searcher

    @property
    def _facets(self) -> FacetTable:
        """The facet table of the current searcher (call :meth:`_current` first)."""
        assert self._facet_table is not None, "_current() makes it"
        return self._facet_table

    @property
    def _docs(self) -> DocumentReader:
        """The document reader of the current searcher (call :meth:`_current` first)."""
        assert self._doc_reader is not None, "_current() makes it"
        return self._doc_reader

    @engine_errors
    def article(self, article_id: str) -> ArticleView:
        """The whole article with this id, paragraphs in order.

        :raises ArticleNotFoundError: if no such article is indexed
        """
        check.text("article_id", article_id)
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

    @engine_errors
    def paragraph(self, paragraph_id: str) -> Paragraph:
        """One paragraph by its id (``<article id>#<n>``)."""
        check.text("paragraph_id", paragraph_id)
        with self._lock:
            self._current()
            doc = self._docs.paragraph(self._paragraph_docnum(paragraph_id))
        return Paragraph(doc["paragraph"], doc["text"], entity_names(doc["entities"]))

    def context(self, paragraph_id: str, n: int = 1) -> Context:
        """The *n* paragraphs before and after one paragraph in its article (never the
        headline), as a search's ``context=n`` attaches them to its hits.

        :param paragraph_id: ``<article id>#<n>``
        :raises ArticleNotFoundError: if there is no such paragraph
        """
        check.count("n", n, 0)
        check.text("paragraph_id", paragraph_id)
        with self._lock:
            self._current()
            self._paragraph_docnum(paragraph_id)  # it must exist
            return context_for(self._docs, *split_paragraph_id(paragraph_id), n)

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

    @engine_errors
    def stats(self) -> Stats:
        """Article and paragraph counts, size on disk, extractor and schema version."""
        with self._lock:
            s = self._current()
            paragraphs = s.doc_count()
            articles = sum(1 for _ in s.docs_for_query(wq.Term("paragraph", 0)))
        size = dir_size(self.path)
        return Stats(articles=articles, paragraphs=paragraphs, index=str(self.path),
                     size_bytes=size, extractor=self.meta.extractor,
                     schema_version=self.meta.schema_version,
                     extractor_version=self.meta.extractor_version,
                     extractor_data=self.meta.extractor_data,
                     reextract_unfinished=bool(self.meta.reextract))

    @engine_errors
    def entities(self, query: str | None = None, kind: str | None = None, top: int = 20,
                 *, timeout: float | None = DEFAULT_TIMEOUT) -> list[EntityCount]:
        """The most frequent entities over the whole index, or over paragraphs matching *query*.

        :param kind: only ``person``, ``place`` or ``org``
        :param top: how many names to return
        :param timeout: seconds the query may run (``None`` or 0: no limit)
        :returns: names with their paragraph ``count`` and number of ``articles``, most first
        :raises QueryTimeoutError: when the query runs past *timeout*
        """
        check.text("query", query, optional=True)
        check.choice("kind", kind, KINDS, optional=True)
        check.count("top", top, 1)
        deadline = budget(timeout)  # checks the timeout too
        q = self._parser.parse(query or "")
        with self._lock:
            s = self._current()
            q = expand_multiterms(q, s.reader())[0]
            docnums = (s.reader().all_doc_ids() if isinstance(q, wq.Every)
                       else list(checked(s.docs_for_query(q), deadline)))
            deadline.check()
            found = self._facets.top(docnums, [kind] if kind else KINDS, top)
        names = IndexNames(self.path)
        for row in found:
            row.aliases = names.aliases_of(row.kind, row.name)
        return found

    @engine_errors
    def search(self, query: str = "", limit: int = 10, page: int = 1, facets: int = 10, *,
               person: str | Iterable[str] | None = None,
               place: str | Iterable[str] | None = None,
               org: str | Iterable[str] | None = None,
               since: str | dt.date | None = None, until: str | dt.date | None = None,
               source: str | None = None, sort: str | None = None, by_article: bool = False,
               context: int = 0, suggest: bool = True, snippet: int = DEFAULT_WORDS,
               timeout: float | None = DEFAULT_TIMEOUT) -> Results:
        """Search paragraphs, optionally narrowed by who, where, when and which source.

        :param query: Whoosh query syntax (see README); empty matches every paragraph
        :param limit: hits per page
        :param page: 1-based page number; a page past the end is empty
        :param facets: how many top names per entity kind to count over all matches
            (0 for none, and then no ``dates`` either: matches per month)
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
        :param snippet: each hit's ``snippet`` is the best window of about this many words
            around its matches (0: no snippets)
        :param timeout: seconds the search may run (``None`` or 0: no limit)
        :raises QueryError: when the query, a filter or the sort cannot be understood
        :raises UsageError: for a limit or page below 1, negative facets or context, or an
            argument of the wrong type
        :raises QueryTimeoutError: when the search runs past *timeout*
        """
        check.count("limit", limit, 1)
        check.count("page", page, 1)
        check.count("facets", facets, 0)
        check.count("context", context, 0)
        check.count("snippet", snippet, 0)
        deadline = budget(timeout)  # checks the timeout too
        q, wanted, filter_q, order = self._plan(query, sort, person, place, org, since,
                                                until, source)
        reading = self._parser.read(query)[1]
        start, stop = (page - 1) * limit, page * limit
        total_paragraphs = None
        with self._lock:
            s = self._current()
            q, notices = expand_multiterms(q, s.reader())
            docs = self._docs
            marker = highlighter(self._ix.schema, positive_terms(q, s.reader())
                                 | highlight_terms(self._parser, wanted))
            if by_article:
                # Every match is ranked: an article's rank and its count of matching
                # paragraphs depend on all of them, not just the first page's.
                results = ranked(s, q, filter_q, order, limit=None, engine=self.engine,
                                 deadline=deadline)
                groups = group_by_article(results.items(), s.reader(), deadline)
                total, total_paragraphs = len(groups), len(results)
                hits = []
                for group in groups[start:stop]:
                    hit = make_hit(marker, docs.paragraph(group.docnum), group.score, snippet)
                    hit.matching_paragraphs = group.paragraphs
                    hits.append(hit)
            else:
                results = ranked(s, q, filter_q, order, limit=stop, engine=self.engine,
                                 deadline=deadline)
                total = len(results)
                hits = [make_hit(marker, docs.paragraph(h.docnum), score_of(h.score), snippet)
                        for h in results[start:stop]]
            for hit in hits if context else ():
                hit.context = context_for(docs, hit.article_id, hit.paragraph, context)
            deadline.check()
            # Always the three kinds, empty lists when nothing matched (or facets=0).
            facet_counts: dict[str, list[Facet]] = {kind: [] for kind in KINDS}
            dates: list = []
            if facets and total:
                counts = self._facets.count(results.docs(), top=facets)
                facet_counts = {kind: [Facet(n, c) for n, c in counts[kind].most_common(facets)]
                                for kind in KINDS}
                dates = date_counts(s.reader(), results.docs())
            deadline.check()
            # The results are in: a suggestion is offered only while time is left.
            suggestion = (suggest_query(s, self._parser, q, query, filter_q,
                                        total_paragraphs or total, docs)
                          if suggest and not deadline.expired() else None)
            explained = explain(query, reading, q, wanted, notices, self._held_terms)
        return Results(query=query, total=total, page=page, limit=limit, hits=hits,
                       facets=facet_counts, total_paragraphs=total_paragraphs, sort=order,
                       by_article=by_article, suggestion=suggestion,
                       filters=wanted.to_dict(), dates=dates,
                       resolved=resolved_list(reading, wanted),
                       notices=notices, explain=explained)

    def _plan(self, query: str, sort: str | None, person, place, org, since, until, source
              ) -> tuple[wq.Query, Filters, wq.Query | None, str]:
        """Parse the query and filters of a search: (query, filters, filter query, order)."""
        check.text("query", query)
        check.text("sort", sort, optional=True)
        check.filters(person, place, org, since, until, source)
        q = self._parser.parse(query)
        wanted = Filters.of(person=person, place=place, org=org, since=since, until=until,
                            source=source)
        return q, wanted, build_filter(self._parser, wanted), resolve_sort(sort, q)

    @engine_errors
    def iter_hits(self, query: str = "", *, person: str | Iterable[str] | None = None,
                  place: str | Iterable[str] | None = None,
                  org: str | Iterable[str] | None = None,
                  since: str | dt.date | None = None, until: str | dt.date | None = None,
                  source: str | None = None, sort: str | None = None,
                  by_article: bool = False, context: int = 0, snippet: int = DEFAULT_WORDS,
                  timeout: float | None = DEFAULT_TIMEOUT) -> Iterator[Hit]:
        """Every hit of a search, in order, one at a time (no page limit).

        Takes the same filters and options as :meth:`search`. Only the ranked document
        numbers are held (16 bytes per match); each paragraph is loaded, highlighted and
        yielded in turn, so memory does not grow with the hits' text. The stream reads one
        commit of the index throughout, even if others land meanwhile.

        :param timeout: seconds that finding and ranking the matches may take (before the
            first hit; writing the hits out is not limited)
        :raises QueryError: when the query, a filter or the sort cannot be understood
            (raised on the first ``next()``)
        """
        check.count("context", context, 0)
        check.count("snippet", snippet, 0)
        deadline = budget(timeout)  # checks the timeout too
        q, wanted, filter_q, order = self._plan(query, sort, person, place, org, since,
                                                until, source)
        # A searcher of its own: the shared one may be replaced (and closed) by another
        # thread while this generator is suspended between hits.
        self._require_present()
        s = open_searcher(self._ix, self.path)
        try:
            q = expand_multiterms(q, s.reader())[0]
            marker = highlighter(self._ix.schema, positive_terms(q, s.reader())
                                 | highlight_terms(self._parser, wanted))
            yield from stream_hits(s, q, filter_q, order, marker, by_article, context,
                                   snippet, deadline=deadline)
        finally:
            s.close()

    @engine_errors
    def similar(self, paragraph_id: str, limit: int = 10, *,
                timeout: float | None = DEFAULT_TIMEOUT) -> list[Hit]:
        """The paragraphs most like one paragraph, those of other articles first.

        Useful to find the follow-ups and wire copies of a story. The paragraph itself is
        never among them; paragraphs of its own article come only after all others.

        :param paragraph_id: ``<article id>#<n>``
        :param limit: how many at most
        :param timeout: seconds the search may run (``None`` or 0: no limit)
        :raises ArticleNotFoundError: if there is no such paragraph
        :raises QueryTimeoutError: when the search runs past *timeout*
        """
        check.text("paragraph_id", paragraph_id)
        check.count("limit", limit, 1)
        deadline = budget(timeout)  # checks the timeout too
        with self._lock:
            s = self._current()
            found = similar_docs(s, self._paragraph_docnum(paragraph_id), limit)
            deadline.check("the search for similar paragraphs")
            marker = highlighter(self._ix.schema, set())
            return [make_hit(marker, self._docs.paragraph(d), score) for d, score in found]

    @engine_errors
    def export_articles(self, query: str = "", *, person: str | Iterable[str] | None = None,
                        place: str | Iterable[str] | None = None,
                        org: str | Iterable[str] | None = None,
                        since: str | dt.date | None = None, until: str | dt.date | None = None,
                        source: str | None = None,
                        timeout: float | None = DEFAULT_TIMEOUT) -> Iterator[dict]:
        """Whole articles with at least one matching paragraph, in the JSON Lines input
        format (``id``, ``title``, ``date``, ``source``, ``url``, ``paragraphs``), in index
        order, one at a time. Indexing them again rebuilds the same index.

        :param query: as for :meth:`search`; empty exports every article (with filters,
            every article they let through)
        :param timeout: seconds that finding the matches may take (before the first
            article; writing the articles out is not limited)
        :raises QueryTimeoutError: when finding the matches runs past *timeout*
        """
        deadline = budget(timeout)  # checks the timeout too
        q, wanted, filter_q, _ = self._plan(query, None, person, place, org, since, until,
                                            source)
        self._require_present()
        s = open_searcher(self._ix, self.path)  # its own, as in iter_hits
        try:
            q = expand_multiterms(q, s.reader())[0]
            ids = matching_article_ids(s, q, filter_q, deadline=deadline)
            yield from article_records(DocumentReader(s), ids)
        finally:
            s.close()


def extract_entities(paragraphs: Sequence[str], extractor: str = "rules") -> list[list[Entity]]:
    """Find the entities in the paragraphs of ONE article.

    :param paragraphs: the article's paragraphs in order (headline first, if it is to be
        searched); names are resolved across them, so "Qin" takes "Qin Gang" from elsewhere
    :param extractor: ``"rules"`` (default) or ``"spacy"``
    :returns: for each paragraph, its entities with offsets into that paragraph
    :raises UsageError: when *paragraphs* is not a list of strings
    :raises ExtractorError: when the extractor is unknown or cannot be loaded
    """
    if isinstance(paragraphs, str) or not isinstance(paragraphs, Iterable):
        raise UsageError("paragraphs must be a list of strings (one per paragraph), not "
                         f"{type(paragraphs).__name__}")
    texts = list(paragraphs)
    if not all(isinstance(p, str) for p in texts):
        raise UsageError("paragraphs must be a list of strings")
    check.text("extractor", extractor)
    return _extract_entities(texts, extractor)

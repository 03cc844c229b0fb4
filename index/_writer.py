"""The writer: turns articles into paragraph documents and commits them in batches."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from searchlib.index._documents import DocumentReader
from searchlib.index._engine.codec import CompactCodec
from searchlib.index._engine.merging import merge_all_except, session_merge, tiered_merge
from searchlib.index._engine.parallel import ParallelWriter, parallel_supported
from searchlib.index._engine.quickwriter import QuickSegmentWriter
from searchlib.index._extraction import SharedExtraction
from searchlib.index._format import (
    BODY_COLUMN,
    ENTITY_COLUMN,
    EXTRACTED_BY,
    KINDS,
    encode_body,
    encode_entity_column,
    join_names,
)
from searchlib.index._integrity import record as record_sums
from searchlib.index._records import Article, Entity, EntityFinder, NameResolver
from searchlib.index._runs import end_run, remove_orphans, start_run, write_error
from whoosh.index import FileIndex, LockError
from whoosh.util.filelock import try_for

from searchlib._errors import IndexLockedError, InputError

_Counts = TypeVar("_Counts", bound="BatchCounts")


@dataclass
class BatchCounts:
    """What one or more batches did to the index."""

    added: int = 0
    replaced: int = 0
    skipped: int = 0
    paragraphs: int = 0

    def __iadd__(self: _Counts, other: BatchCounts) -> _Counts:
        self.added += other.added
        self.replaced += other.replaced
        self.skipped += other.skipped
        self.paragraphs += other.paragraphs
        return self


def article_documents(article: Article, entities: Sequence[Sequence[Entity]],
                      extracted_by: str | None = None) -> list[dict]:
    """The Whoosh documents of one article: the headline as paragraph 0, then the body.

    :param entities: one entity list per paragraph, headline first
    :param extracted_by: the extractor's provenance tag, kept in the article's header (what
        ``reextract`` looks at to resume)
    """
    texts = [article.title, *article.paragraphs]
    common: dict = {"article_id": _article_id(article), "title": article.title}
    if article.date is not None:
        common["date"] = dt.datetime(article.date.year, article.date.month, article.date.day)
    if article.source:
        common["source"] = article.source
    header = {"source": article.source, "url": article.url, "hash": article.content_hash(),
              EXTRACTED_BY: extracted_by}
    header = {k: v for k, v in header.items() if v is not None}
    docs = []
    for n, text in enumerate(texts):
        found = entities[n] if n < len(entities) else []
        doc = dict(common, paragraph=n, text=text)
        doc[BODY_COLUMN] = encode_body(text, found, header if n == 0 else None)
        if found:
            doc[ENTITY_COLUMN] = encode_entity_column(found)
        for kind in KINDS:
            names = list(dict.fromkeys(e.name for e in found if e.kind == kind))
            if names:
                doc[kind] = join_names(names)
        docs.append(doc)
    return docs


def _article_id(article: Article) -> str:
    """The id of an article to write; the readers and ``check_articles`` give every one an id.

    :raises InputError: for an article without one
    """
    if not article.id:
        raise InputError(f"article {article.title[:40]!r}", "has no id")
    return article.id


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold back Ctrl-C while a commit runs and is recorded, then raise it: the caller then
    knows for sure whether the batch was committed. SIGTERM is held back the same way when
    its handler raises KeyboardInterrupt too (the CLI's). A handler of one's own is held
    back when it says it raises KeyboardInterrupt (a true ``raises_keyboard_interrupt``
    attribute, as the CLI's has). Only the main thread receives signals; elsewhere, or when
    someone else installed other handlers, this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if (handler is signal.default_int_handler
                or getattr(handler, "raises_keyboard_interrupt", False)):
            previous[signum] = signal.signal(signum, lambda n, frame: caught.append(n))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if caught:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _os_random() -> Iterator[None]:
    """Seed the global ``random`` from the OS for the duration, then restore the caller's state.

    Whoosh names each new segment with the global ``random``: a program that seeds it
    (``random.seed(42)`` before each import run, a test framework) would get the name of a
    live segment again, and Whoosh would fail or overwrite that segment's files.
    """
    state = random.getstate()
    random.seed(os.urandom(16))
    try:
        yield
    finally:
        random.setstate(state)


#: Within a session (``with``), the index's name statistics are saved after a commit at most
#: this often, and when the session ends. They are derived evidence about usage, not part of
#: any answer, and rewriting them whole after every batch grew with the index (a seventh of a
#: 2,000,000-paragraph ingest); a crash loses at most this many seconds of counts.
NAMES_SAVE_SECONDS = 30.0
#: ... and at least this many times as long after the last save as that save took: the file
#: grows with the distinct names (tens of megabytes at 2,000,000 paragraphs, seconds to
#: write), and saving it is kept to a twentieth of the session's time.
NAMES_SAVE_COST_FACTOR = 20.0


#: Memory (MB) for each indexing process's posting pool: a default batch's postings
#: (``_ingest.DEFAULT_BATCH_SIZE``), split between two processes, fit in it. Past it, a pool
#: sorts in runs on disk: memory stays bounded whatever the batch, at some speed.
POOL_MB = 384


class ArticleWriter:
    """Writes batches of articles into a Whoosh index, one commit per batch.

    An article whose id is already indexed with the same content is skipped; with other
    content, all its old paragraphs are deleted and the new ones added in the same commit,
    so a reader sees either the old article or the new one, never a mix.

    Used as a context manager, it holds the index's write lock from entry to exit, so a
    whole ``searchlib index`` run is one writer: a second writer waits for the lock (and
    gives up after *wait*) instead of slipping its commits in between our batches. Without
    the ``with``, each commit takes and releases the lock itself.

    :param wait: seconds to wait for another writer's lock before giving up
    :param limitmb: memory for Whoosh's posting pool per batch
    :param procs: processes that extract and index a large batch (``_extraction``,
        ``_engine.parallel``); default: two where the machine has two cores
    """

    def __init__(self, ix: FileIndex, extractor: EntityFinder | None, wait: float = 5.0,
                 limitmb: int = POOL_MB, procs: int | None = None,
                 names: NameResolver | None = None, extracted_by: str | None = None) -> None:
        self.ix = ix
        self.extractor = extractor
        #: index-wide name resolution (saved after commits, see NAMES_SAVE_SECONDS), and the
        #: provenance tag
        self.names = names
        self._names_saved = time.monotonic()
        self._names_save_cost = 0.0  # seconds the last save took
        self._names_dirty = False
        self.extracted_by = extracted_by
        self.wait = wait
        self.limitmb = limitmb
        self.procs = procs if procs is not None else min(2, os.cpu_count() or 1)
        self._extraction = (SharedExtraction(extractor, self.procs) if extractor is not None
                            else None)
        self._lock = None  # Whoosh's FileLock while this writer holds it for a whole session
        self._before: set[str] = set()  # ids of the segments there were when the session began
        #: In a session that began on an empty index, the ids of the articles it committed:
        #: only those can be in the index already (None: any id can).
        self._written: set[str] | None = None

    def __enter__(self) -> ArticleWriter:
        lock = self.ix.lock("WRITELOCK")
        try:
            if not try_for(lock.acquire, timeout=self.wait, delay=0.1):
                raise self._locked_error()
        except OSError as e:  # a read-only index folder or file system
            raise write_error(self.ix.storage.folder, e) from None
        self._lock = lock
        try:
            current = {s.segid for s in self.ix._segments()}
            # Leftovers of an interrupted merge or a failed commit go before we add ours.
            remove_orphans(self.ix)
            # A run that was stopped before its final merge left its segments: this run
            # merges them with its own, even when it has nothing new to write.
            self._before = start_run(self.ix.storage.folder, current)
            self._written = set() if self.ix.doc_count_all() == 0 else None
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._extraction is not None:
            self._extraction.close()
        try:
            if self._names_dirty:
                self._save_names()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None
            self._written = None

    def write(self, articles: Sequence[Article],
              on_commit: Callable[[BatchCounts], None] | None = None,
              on_article: Callable[[Article], None] | None = None,
              force: bool = False) -> BatchCounts:
        """Index *articles* (later duplicates of an id win) and commit.

        :param force: extract and replace them even if their content is unchanged (what
            ``reextract`` does; they must all be indexed already)

        On an exception before the commit, Ctrl-C included, nothing of this batch is
        committed; Ctrl-C during the commit waits until *on_commit* has recorded it.

        :param on_commit: called with the counts once the batch is committed (or found to
            need no commit), before a held-back Ctrl-C is raised
        :param on_article: called with each changed article once it is written (not yet
            committed), for progress
        """
        counts = BatchCounts()
        batch = {_article_id(a): a for a in articles}
        counts.skipped += len(articles) - len(batch)  # superseded within this batch
        if force:
            changed, replacing = list(batch.values()), set(batch)
        else:
            changed, replacing = self._changed(batch, counts)
        if not changed:
            if on_commit:
                on_commit(counts)
            return counts
        assert self._extraction is not None, "writing articles needs an extractor"
        try:
            found = self._extraction.extract([[a.title, *a.paragraphs] for a in changed])
        finally:
            if self._lock is None:  # no session to keep the helper for
                self._extraction.close()
        if self.names is not None:
            found = self.names.resolve(found)
        # Sub-processes pay off only for batches of some size.
        writer = self._writer(parallel=sum(1 + len(a.paragraphs) for a in changed) >= 1000)
        try:
            for article, entities in zip(changed, found, strict=True):
                if article.id in replacing:
                    writer.delete_by_term("article_id", article.id)
                    counts.replaced += 1
                else:
                    counts.added += 1
                for doc in article_documents(article, entities, self.extracted_by):
                    writer.add_document(**doc)
                counts.paragraphs += 1 + len(article.paragraphs)
                if on_article:
                    on_article(article)
        except BaseException:
            writer.cancel()
            self._tidy()
            raise
        # A session merges its own segments into one at the end (consolidate).
        policy = session_merge(self._before) if self._lock is not None else tiered_merge
        with _sigint_deferred():
            try:
                writer.commit(mergetype=policy)
            except OSError:  # a full disk: what the commit wrote is of no use
                with contextlib.suppress(Exception):
                    writer.cancel()
                self._tidy()
                raise
            record_sums(self.ix)
            if self._written is not None:
                self._written.update(_article_id(a) for a in changed)
            if self.names is not None:
                self._names_dirty = True
                interval = max(NAMES_SAVE_SECONDS,
                               NAMES_SAVE_COST_FACTOR * self._names_save_cost)
                if self._lock is None or time.monotonic() - self._names_saved >= interval:
                    self._save_names()
            if on_commit:
                on_commit(counts)
        return counts

    def _save_names(self) -> None:
        assert self.names is not None
        start = time.monotonic()
        self.names.save()
        self._names_saved = time.monotonic()
        self._names_save_cost = self._names_saved - start
        self._names_dirty = False

    def _tidy(self) -> None:
        """Remove what a cancelled or failed batch wrote, when this session holds the lock
        (otherwise the next writer's start does it)."""
        if self._lock is not None:
            with contextlib.suppress(Exception):
                remove_orphans(self.ix)

    def consolidate(self, before: Callable[[], None] | None = None,
                    everything: bool = False) -> bool:
        """Merge the segments written since this session took the lock into one segment.

        Batches and tiered merges leave a long run in up to a few dozen segments; one
        segment is smaller (each term is listed once, not once per segment) and faster to
        search. The segments from before the session are left alone: consolidating costs
        about what the session wrote, not the whole index. Everything is committed already,
        so Ctrl-C here just leaves the segments as they were. Returns whether it merged.

        :param before: called when there is something to merge, before merging
        :param everything: merge the older segments too (after a run that replaced them all)
        """
        if self._lock is None:
            return False
        if everything:
            self._before = set()
        fresh = [s for s in self.ix._segments() if s.segid not in self._before]
        if len(fresh) < 2:
            end_run(self.ix.storage.folder)
            return False
        if before:
            before()
        writer = self._writer()
        try:
            writer.commit(mergetype=merge_all_except(self._before))
        except BaseException:
            with contextlib.suppress(Exception):
                writer.cancel()
            self._tidy()
            raise
        record_sums(self.ix)
        end_run(self.ix.storage.folder)
        return True

    def delete(self, article_id: str) -> int:
        """Delete every paragraph of one article and commit; returns how many."""
        try:
            return self._delete(article_id)
        except OSError as e:
            raise write_error(self.ix.storage.folder, e, "; nothing was deleted") from None

    def _delete(self, article_id: str) -> int:
        writer = self._writer()
        try:
            n = writer.delete_by_term("article_id", article_id)
        except BaseException:
            writer.cancel()
            raise
        with _sigint_deferred():
            writer.commit(mergetype=tiered_merge)
            record_sums(self.ix)
        return n

    def _changed(self, batch: dict[str, Article], counts: BatchCounts
                 ) -> tuple[list[Article], set[str]]:
        """Split off unchanged articles; return the rest and the ids already indexed.

        :param batch: the articles by id
        """
        if self.ix.doc_count_all() == 0:
            return list(batch.values()), set()
        changed: list[Article] = []
        replacing: set[str] = set()
        written = self._written
        if written is not None and written.isdisjoint(batch):
            # A build from empty: ids this session never wrote are in no segment.
            return list(batch.values()), replacing
        with self.ix.searcher() as s:
            docs = DocumentReader(s)
            for aid, a in batch.items():
                header = docs.header(aid) if written is None or aid in written else None
                if header is None:
                    changed.append(a)
                elif header.get("hash") == a.content_hash():
                    counts.skipped += 1
                else:
                    changed.append(a)
                    replacing.add(aid)
        return changed, replacing

    def _writer(self, parallel: bool = False):
        """A Whoosh writer for one batch: on several cores when *parallel* and possible."""
        # fork() copies only the calling thread: with other threads running (the spaCy
        # extractor's worker pool, a caller's own), a lock one of them holds would stay held
        # in the sub-writers for ever. Then one process writes, as safely as before.
        if (parallel and self.procs > 1 and parallel_supported()
                and threading.active_count() == 1):
            def make(**kwargs):
                return ParallelWriter(self.ix, procs=self.procs, limitmb=self.limitmb,
                                      codec=CompactCodec(), **kwargs)
        else:
            def make(**kwargs):
                return QuickSegmentWriter(self.ix, limitmb=self.limitmb, codec=CompactCodec(),
                                          **kwargs)
        if self._lock is not None:
            # We hold the lock for the session already; Whoosh's writer must not take it
            # again (flock would refuse our own second descriptor).
            with _os_random():
                return make(_lk=False)
        try:
            with _os_random():
                return make(timeout=self.wait)
        except LockError:
            raise self._locked_error() from None

    def _locked_error(self) -> IndexLockedError:
        folder = self.ix.storage.folder
        return IndexLockedError(
            f"{folder}: another process is writing to this index (lock "
            f"{folder}/{self.ix.indexname}_WRITELOCK, waited {self.wait:g}s); let it finish "
            "or wait longer (an OS lock: it goes when that process ends)")

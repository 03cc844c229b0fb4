"""Entity extraction of a batch on two cores: a forked helper takes half of it.

Extraction runs before a batch's documents go to the sub-writers, and one process would
leave the second core idle for that whole stretch (all of Reuters with the tagger: about a
fifth of the ingest's CPU time). :class:`SharedExtraction` forks one helper process the
first time a batch is large enough, keeps it for the writer's session (so what the
extractor caches stays warm in it), sends it the second half of each batch and extracts the
first half itself. Only the paragraphs go to the helper and only the entities come back.

The helper is forked, not spawned: it starts with the extractor already loaded. It ignores
Ctrl-C and SIGTERM (the parent decides what a batch becomes), is killed when its parent
dies, and is killed by :meth:`SharedExtraction.close`. A helper that fails or dies makes
the batch fail with one line; nothing of it is committed. Where forking is unsafe (other
threads running, no ``fork``) or the extractor runs its own worker processes (spaCy's
``workers``), the batch is extracted here, as before.
"""

from __future__ import annotations

import multiprocessing
import threading
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from multiprocessing.connection import Connection

from searchlib.index._engine.parallel import guard_child, parallel_supported
from searchlib.index._records import Entity, EntityFinder

from searchlib._errors import SearchlibError

#: Batches with fewer paragraphs are extracted here: a round trip is not worth it.
MIN_PARAGRAPHS = 1000

_Found = list[list[list[Entity]]]


def _serve(extractor: EntityFinder, conn: Connection, parent_pid: int) -> None:
    """The helper's loop: extract each list of articles received, until ``None``."""
    guard_child(parent_pid)
    while True:
        try:
            articles = conn.recv()
        except EOFError:  # the parent closed its end
            return
        if articles is None:
            return
        try:
            reply: tuple = ("ok", list(extractor.extract_many(articles)))
        except Exception as e:  # noqa: BLE001  (reported to the parent, which raises it)
            reply = ("error", f"{type(e).__name__}: {e}")
        conn.send(reply)


class SharedExtraction:
    """Extracts batches of articles with a forked helper taking half of each.

    :param extractor: the index's extractor
    :param procs: cores to use; 1 extracts everything in this process
    """

    def __init__(self, extractor: EntityFinder, procs: int = 2) -> None:
        self.extractor = extractor
        self.procs = procs
        self._helper: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def extract(self, articles: Sequence[Sequence[str]]) -> _Found:
        """The entities of each article's paragraphs, in order.

        :param articles: each article's paragraphs, headline first
        :raises SearchlibError: when the helper failed or died
        """
        ends = list(accumulate(len(a) for a in articles))
        if not ends or ends[-1] < MIN_PARAGRAPHS or len(ends) < 2 or not self._usable():
            return list(self.extractor.extract_many(articles))
        # Cut where half the paragraphs are: articles differ a lot in length.
        cut = min(bisect_left(ends, ends[-1] / 2) + 1, len(ends) - 1)
        conn = self._start()
        conn.send([list(a) for a in articles[cut:]])
        mine = list(self.extractor.extract_many(articles[:cut]))
        theirs = self._reply(conn)
        if len(theirs) != len(articles) - cut:
            raise self._failed("it answered for the wrong number of articles")
        return mine + theirs

    def _usable(self) -> bool:
        if self._helper is not None:
            return self._helper.is_alive()
        # fork() copies only the calling thread: a lock another thread holds would stay
        # held in the helper for ever (the same rule as the parallel writer's).
        return (self.procs > 1 and parallel_supported() and threading.active_count() == 1
                and getattr(self.extractor, "workers", None) is None)

    def _start(self) -> Connection:
        if self._conn is None:
            ours, theirs = multiprocessing.Pipe()
            helper = multiprocessing.get_context("fork").Process(
                target=_serve, args=(self.extractor, theirs,
                                     multiprocessing.current_process().pid),
                daemon=True, name="searchlib-extraction")
            helper.start()
            theirs.close()  # so that a helper that dies reads as end of file here
            self._helper, self._conn = helper, ours
        return self._conn

    def _reply(self, conn: Connection) -> _Found:
        try:
            status, value = conn.recv()
        except (EOFError, OSError):
            self.close()
            raise self._failed("it died") from None
        if status != "ok":
            self.close()
            raise self._failed(value)
        return value

    @staticmethod
    def _failed(why: str) -> SearchlibError:
        return SearchlibError(f"entity extraction in a helper process failed ({why}); nothing "
                              "of this batch was committed")

    def close(self) -> None:
        """Stop the helper (killed: it may be in the middle of a batch)."""
        helper, conn = self._helper, self._conn
        self._helper = self._conn = None
        if helper is not None:
            helper.kill()  # SIGKILL: the helper ignores SIGTERM, which is for the parent
            helper.join()
        if conn is not None:
            conn.close()

"""A Whoosh writer that indexes on several cores and keeps searchlib's guarantees.

Whoosh's own multi-process writer (``MpWriter``) indexes about 1.7x faster on two cores,
but as shipped (whoosh3 3.54) it does not keep the promises of the README's "Guarantees":

- a sub-writer that fails (for one, ``_lk=False`` among the sub-writer arguments is passed
  twice and raises) leaves the parent blocked forever on a full job queue, and one that
  dies before handing in its segment is silently left out of the commit;
- ``cancel()`` only flips a flag in the parent's copy of each sub-process, so cancelled
  sub-writers wait on their queue forever, and the parent hangs at exit joining them;
- sub-writers share the terminal's Ctrl-C, so they die mid-commit, and they outlive a
  SIGKILLed parent;
- forked sub-writers inherit the parent's ``random`` state, from which Whoosh draws segment
  names.

:class:`ParallelWriter` fixes each of these: sub-writers ignore SIGINT and SIGTERM (the
parent decides), die with their parent, draw fresh random state, are daemons, and are killed
on cancel; a commit whose sub-writers did not all hand in their segment raises instead of
committing.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import queue
import random
import signal

import whoosh.multiproc
from searchlib.index._engine.quickwriter import QuickSegmentWriter, flush_segment
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from searchlib._errors import SearchlibError

_PR_SET_PDEATHSIG = 1
#: Seconds between looks at whether the sub-writers are still alive while waiting on them.
_POLL = 0.2


def parallel_supported() -> bool:
    """Whether this platform can fork sub-writers (Linux and other POSIX systems)."""
    return "fork" in multiprocessing.get_all_start_methods()


def guard_child(parent_pid: int) -> None:
    """Make a forked helper process safe to interrupt and to orphan: it ignores Ctrl-C and
    SIGTERM (sent to the whole process group; the parent decides), dies with its parent,
    and draws fresh ``random`` state (Whoosh names segments with it).

    :param parent_pid: the parent's pid, taken before the fork
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:  # Linux: be killed when the parent dies, however it dies
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
    random.seed(os.urandom(16))


class _SubWriter(SubWriterTask):
    """Whoosh's sub-writer process, made safe to interrupt and to orphan."""

    #: The parent's pid, set by the parent before the fork.
    parent_pid: int

    @staticmethod
    def _Popen(process_obj):  # noqa: N802  (multiprocessing's name)
        # Always fork, like the queues MpWriter made with start_method="fork": a process
        # whose default is spawn (one started by a process pool, or Python 3.14 anywhere)
        # would otherwise try to pickle those queues into the child, and fail.
        return multiprocessing.get_context("fork").Process._Popen(process_obj)

    def _process_file(self, filename: str, doc_count: int) -> None:
        # The job file is one pickled list (ParallelWriter._enqueue), not Whoosh's pickle
        # per document: one load, and each field name is read once per file.
        writer = self.writer
        tempstorage = writer.temp_storage()
        with tempstorage.open_file(filename).raw_file() as f:
            docs = pickle.load(f)
        assert len(docs) == doc_count
        for code, fields in docs:
            assert code == 0
            writer.add_document(**fields)
        tempstorage.delete_file(filename)

    def run(self) -> None:
        guard_child(self.parent_pid)
        # Whoosh's run() makes its writer from this module-level name; in this forked
        # child only, it makes the quicker one.
        whoosh.multiproc.SegmentWriter = QuickSegmentWriter  # type: ignore[misc]
        super().run()


class ParallelWriter(MpWriter):
    """Whoosh's multi-segment ``MpWriter`` with the repairs listed in this module's doc.

    :param procs: sub-writer processes; each commit adds one segment per sub-writer
    :param codec: the codec of every segment written (None: Whoosh's default)
    """

    #: Documents per file handed to a sub-writer. Whoosh's 256 made creating those files
    #: (about a millisecond each here) 4% of the main process on all of Reuters.
    BATCH = 1024

    def __init__(self, ix, procs: int = 2, limitmb: int = 128, codec=None, **kwargs) -> None:
        super().__init__(ix, procs=procs, batchsize=self.BATCH,
                         subargs={"limitmb": limitmb, "codec": codec}, multisegment=True,
                         start_method="fork", limitmb=limitmb, codec=codec, **kwargs)

    def _new_task(self):
        task = _SubWriter(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                          self.subargs, self.multisegment)
        task.parent_pid = os.getpid()
        task.daemon = True  # never keep the parent from exiting
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self) -> None:
        # Whoosh's MpWriter._enqueue, except that the documents are pickled in one list
        # (_SubWriter._process_file) and that a full queue with no sub-writer left alive
        # to empty it is an error instead of a wait for ever.
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            pickle.dump(self.docbuffer, f, pickle.HIGHEST_PROTOCOL)
        if len(self.tasks) < self.procs:
            self._new_task()
        while True:
            try:
                self.jobqueue.put((filename, len(self.docbuffer)), timeout=_POLL)
                break
            except queue.Full:
                if not any(task.is_alive() for task in self.tasks):
                    raise self._failed() from None
        self.docbuffer = []

    def _failed(self) -> SearchlibError:
        return SearchlibError(f"{self.storage.folder}: a sub-writer process failed; nothing "
                              "of this batch was committed")

    def _results(self) -> list:
        """Each sub-writer's finished segment, waiting only while one is still working."""
        results: list = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=_POLL))
            except queue.Empty:
                if not any(task.is_alive() for task in self.tasks):
                    try:  # a last look: a result may have arrived as its writer exited
                        results.append(self.resultqueue.get(timeout=_POLL))
                    except queue.Empty:
                        break
        return results

    def cancel(self, **kwargs: object) -> None:
        started = [task for task in self.tasks if task.pid is not None]
        for task in started:
            task.kill()  # SIGKILL: sub-writers ignore SIGTERM, which is for the parent
        for task in started:
            task.join()
        # With its readers killed, a queue's feeder thread may block for ever on a full
        # pipe, and Python joins that thread at exit: the parent would hang there.
        for q in (self.jobqueue, self.resultqueue):
            q.cancel_join_thread()
        SegmentWriter.cancel(self)

    def _flush_segment(self) -> None:
        flush_segment(self)  # the segment of the documents merged in at commit

    def _commit(self, mergetype, optimize, merge) -> None:
        # Whoosh's MpWriter._commit, except that a sub-writer that did not hand in its
        # segment fails the commit instead of being left out of it.
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        results = self._results()
        for task in self.tasks:
            task.join()
        if len(results) != len(self.tasks) or any(t.exitcode for t in self.tasks):
            SegmentWriter.cancel(self)
            raise self._failed()
        finalsegments += [segment for _, _, segment in results]
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

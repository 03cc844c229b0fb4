"""A large pure merge on two cores: postings in a forked child, document values here.

The merge at the end of an ingest run (``ArticleWriter.consolidate``) rewrites every
segment the run wrote, in one process, while the other core idles: all of Reuters spent a
quarter of its ingest there. Its two halves are independent once the field lengths come
from the merged segments themselves rather than from the new segment's lengths file: the
term dictionary and postings (about 70% of the work) and the per-document values (lengths,
columns, stored fields, facet codes). :func:`run_split` forks a child that writes the first
while this process writes the second, into the same new segment's files.

It is used only for a merge that adds nothing of its own and drops no document (no
deletions in the merged segments), of at least :data:`MIN_DOCUMENTS` documents, where
forking is safe; otherwise the merge runs in one process as before. The files come out as
they would from one process (``tests/engine/test_splitmerge.py`` compares every term,
posting, length and column value).

The field writer's files are opened before the fork: their buffers are flushed first, the
child writes and closes them, and this process then closes its copies, which hold nothing
to write.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable
from typing import Any

from searchlib.index._engine.parallel import guard_child, parallel_supported
from searchlib.index._engine.quickwriter import LoadedLengths

from searchlib._errors import SearchlibError

#: Merges of fewer documents are not worth a process.
MIN_DOCUMENTS = 20_000


def can_split(writer: Any, readers: list) -> bool:
    """Whether merging *readers* into *writer*'s new segment can run on two cores.

    :param readers: the merged segments' readers
    """
    return (not writer._added and writer.docnum == 0
            and sum(r.doc_count_all() for r in readers) >= MIN_DOCUMENTS
            and not any(r.has_deletions() for r in readers)
            and parallel_supported() and threading.active_count() == 1)


class _SourceLengths:
    """The new segment's field lengths, read from the merged segments in order."""

    def __init__(self, sources: list[tuple[Any, int]], doccount: int) -> None:
        self._sources = sources
        self._doccount = doccount

    def doc_field_length_reader(self, fieldname: str, default: int = 0) -> Callable:
        table: list[int | None] = []
        for reader, base in self._sources:
            assert len(table) == base, "merged segments out of order"
            count = reader.doc_count_all()
            part = LoadedLengths(reader._perdoc, count).table(fieldname)
            table.extend(part[:count] if part is not None else [None] * count)
        table.append(None)
        return table.__getitem__


def run_split(writer: Any, sources: list[tuple[Any, int]], terms: Callable[[], Any],
              copy: Callable[[Any, Any], Any]) -> None:
    """Write the merged segment: postings in a child, document values here.

    :param sources: ``(reader, base)`` of each merged segment, in document order
    :param terms: what ``CompactFieldWriter.add_terms`` takes, made in the child
    :param copy: copies one reader's document values into *writer* (``_copy_documents``)
    :raises SearchlibError: when the child failed or died; nothing is committed
    """
    fieldwriter = writer.fieldwriter
    files = (fieldwriter._tindex.dbfile, fieldwriter._postfile)
    for f in files:
        f.flush()
    doccount = sum(reader.doc_count_all() for reader, _ in sources)
    ours, theirs = multiprocessing.Pipe(duplex=False)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: the term dictionary and postings, then exit
        status = 1
        try:
            guard_child(parent)
            fieldwriter.add_terms(writer.schema, _SourceLengths(sources, doccount), terms())
            fieldwriter.close()
            status = 0
        except BaseException:  # noqa: BLE001  (reported to the parent, which raises it)
            try:
                theirs.send(traceback.format_exc(limit=3).strip().splitlines()[-1])
            except Exception:  # noqa: BLE001
                pass
        finally:
            os._exit(status)
    theirs.close()
    done = False
    try:
        for reader, base in sources:
            writer.docnum = base
            copy(writer, reader)
        writer.perdocwriter.close()
        _, status = os.waitpid(pid, 0)
        done = True
    finally:
        if not done:
            _kill(pid)
    try:
        why = ours.recv() if ours.poll() else None
    except EOFError:  # it closed its end without a word: it succeeded, or died
        why = None
    ours.close()
    if status != 0:
        raise SearchlibError(f"{writer.storage.folder}: merging the segments failed in a "
                             f"helper process ({why or 'it died'}); nothing was merged")
    for f in files:  # flushed before the fork and not written since: closing writes nothing
        f.file.close()
        f.is_closed = True
    fieldwriter.is_closed = True


def _kill(pid: int) -> None:
    try:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass

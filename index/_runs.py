"""What a writer leaves behind and the next one cleans up: the segments of an unfinished
run, orphan files of an interrupted merge or failed commit, and write errors as one line.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from whoosh.index import clean_files

from searchlib._errors import SearchlibError

#: Written when a run starts (the segments there were before it), removed once its final
#: merge is done: still there at the next start, it names the segments that run left.
RUN_FILE = "searchlib.run"


def start_run(folder: str | os.PathLike, segments: set[str]) -> set[str]:
    """Record the start of a writer's run; return the segments it must not merge.

    When the last run did not finish its merge, those are the segments from before that
    run, so this run's final merge takes in what the last one left.
    """
    path = Path(folder) / RUN_FILE
    with contextlib.suppress(FileNotFoundError, ValueError, OSError):
        before = set(json.loads(path.read_text(encoding="utf-8"))) & segments
        return before
    tmp = path.with_suffix(".run-tmp")
    with contextlib.suppress(OSError):  # a read-only index fails at its first commit
        tmp.write_text(json.dumps(sorted(segments)), encoding="utf-8")
        os.replace(tmp, path)
    return segments


def end_run(folder: str | os.PathLike) -> None:
    """The run's final merge is done (or there was nothing to merge)."""
    with contextlib.suppress(FileNotFoundError):
        (Path(folder) / RUN_FILE).unlink()


def remove_orphans(ix) -> None:
    """Delete the files no commit refers to: segments of a merge or commit that never
    finished, older tables of contents, writers' temporary folders. Call with the lock held.
    """
    gen = ix.latest_generation()
    if gen < 0:
        return
    toc = ix._read_toc()
    clean_files(ix.storage, ix.indexname, gen, toc.segments)
    folder = Path(ix.storage.folder)
    for p in folder.iterdir():
        if p.name.endswith(".tmp") and p.name != "searchlib.tmp":
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    p.unlink()


def write_error(folder: str | os.PathLike, e: OSError, committed: str = "") -> SearchlibError:
    """An OS error met writing the index (read-only, full disk) as one line."""
    reason = e.strerror or str(e)
    return SearchlibError(f"{folder}: cannot write to the index ({reason}){committed}; "
                          "free some space or make it writable, then run the same command "
                          "again")

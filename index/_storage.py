"""Where an index lives: its directory, the Whoosh files in it and ``searchlib.json``."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from searchlib.index._documents import article_headers
from searchlib.index._engine.andnot import install as install_and_not
from searchlib.index._engine.compound import install as install_view_files
from searchlib.index._engine.pinned import pinned
from searchlib.index._engine.positioned import install as install_positioned_files
from searchlib.index._format import (
    ARTICLE_ID,
    BODY_COLUMN,
    DATE,
    ENTITY_COLUMN,
    EXTRACTED_BY,
    META_FILE,
    NAMES_FILE,
    PARAGRAPH,
    SCHEMA_VERSION,
)
from searchlib.index._integrity import (
    SUMS_FILE,
    Problem,
    damaged_error,
    problems,
    unrecorded,
    verify,
)
from searchlib.index._integrity import record as record_sums
from searchlib.index._meta import IndexMeta, read_meta, write_meta
from searchlib.index._schema import build_schema
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.util.filelock import try_for

from searchlib._errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    SearchlibError,
    UsageError,
)

# Segments' files are read in place from the map of their compound file (_engine.compound).
install_view_files()
# Files being written count their own position (_engine.positioned).
install_positioned_files()
# AndNot checks its first document against the excluded part (_engine.andnot).
install_and_not()

#: The open Whoosh index, as the layers above storage name it (they never import Whoosh).
WhooshIndex = whoosh_index.FileIndex

#: Where the index lives when neither ``--index`` nor ``SEARCHLIB_INDEX`` says.
DEFAULT_INDEX = "searchlib-index"


def resolve_index_path(path: str | os.PathLike | None = None) -> Path:
    """The index location: *path*, else ``$SEARCHLIB_INDEX``, else ``./searchlib-index``.

    :raises UsageError: when *path* is not a path
    """
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"an index path must be a string or a path, not {type(path).__name__}")
    return Path(path or os.environ.get("SEARCHLIB_INDEX") or DEFAULT_INDEX)


def dir_size(path: Path) -> int:
    """Bytes in the files of *path*; a file a concurrent commit deletes meanwhile counts 0."""
    total = 0
    for f in path.iterdir():
        try:
            total += f.stat().st_size if f.is_file() else 0
        except FileNotFoundError:
            pass
    return total


def open_files(where: Path) -> tuple[whoosh_index.FileIndex, IndexMeta]:
    """The Whoosh index and the metadata of the index at *where*.

    :raises IndexNotFoundError: if there is none
    :raises IndexVersionError: if it was written with another schema version
    """
    meta = read_meta(where)
    verify(where)
    try:
        ix = whoosh_index.open_dir(str(where))
    except whoosh_index.EmptyIndexError:
        raise IndexNotFoundError(f"{where}: searchlib.json is there but the Whoosh "
                                 "files are missing; re-create the index") from None
    except Exception as e:  # a table of contents Whoosh cannot unpickle
        raise damaged_error(where, e) from None
    return pinned(ix), meta


@dataclass(frozen=True)
class NewIndex:
    """What creating an index added at its location, so that it can be taken away again.

    :param path: the index directory
    :param made_dir: whether creating it made the directory (else it was there, empty or
        holding other files)
    :param before: the names in the directory before the index was created
    """

    path: Path
    made_dir: bool
    before: frozenset[str]

    @classmethod
    def at(cls, where: Path) -> NewIndex:
        """Note what is at *where* before an index is created there."""
        if not where.is_dir():
            return cls(where, True, frozenset())
        return cls(where, False, frozenset(entry.name for entry in where.iterdir()))

    def remove(self) -> None:
        """Remove the index, leaving what was at its location before."""
        if self.made_dir:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        for entry in self.path.iterdir():
            if entry.name not in self.before:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


#: The lock every writer of the index takes (Whoosh's name for it); creation takes it too.
LOCK_FILE = "MAIN_WRITELOCK"
#: How long creating an index waits for another process creating it at the same moment.
CREATE_WAIT = 60.0


def is_ours(name: str) -> bool:
    """Whether a file name is one searchlib or Whoosh writes in an index directory."""
    return (name.startswith(("MAIN_", "_MAIN_", "searchlib."))
            or name.endswith(".tmp") or name in (META_FILE, NAMES_FILE))


def has_whoosh_files(where: Path) -> bool:
    """Whether *where* holds a Whoosh table of contents or segment."""
    try:
        return any(n.endswith((".toc", ".seg")) for n in os.listdir(where))
    except OSError:
        return False


def _refuse_foreign(where: Path, locked: bool = True) -> None:
    """Refuse to create an index over files searchlib did not write there.

    :raises IndexCorruptError: for a Whoosh index without ``searchlib.json``
    :raises SearchlibError: for a folder holding anything else
    """
    if not where.exists():
        return
    if not where.is_dir():
        raise SearchlibError(f"{where}: exists and is not a directory")
    names = sorted(os.listdir(where))
    # Unlocked, Whoosh files without metadata may be another process's creation under way.
    if locked and META_FILE not in names and any(n.endswith((".toc", ".seg")) for n in names):
        raise IndexCorruptError(
            f"{where}: holds Whoosh index files but no {META_FILE}; nothing was changed. "
            f"Rebuild the metadata with: searchlib check --repair --index {where}", str(where))
    foreign = [n for n in names if not is_ours(n)]
    if foreign:
        shown = ", ".join(os.fsencode(n).decode("utf-8", "backslashreplace")
                          for n in foreign[:3]) + (", …" if len(foreign) > 3
                                                                else "")
        raise SearchlibError(
            f"{where}: the folder holds files searchlib did not write ({shown}); nothing was "
            "changed. Give a new or empty folder for the index")


@contextlib.contextmanager
def creation_lock(where: Path, wait: float = CREATE_WAIT) -> Iterator[None]:
    """Hold the index's write lock while it is created: a second process creating the same
    index at the same moment waits, then finds it made.

    :raises IndexLockedError: when another process holds the lock for *wait* seconds
    """
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SearchlibError(f"{where}: cannot create the index directory "
                             f"({e.strerror or e})") from None
    lock = FileStorage(str(where)).lock(LOCK_FILE)
    if not try_for(lock.acquire, timeout=wait, delay=0.05):
        raise IndexLockedError(f"{where}: another process holds the lock {where}/{LOCK_FILE} "
                               f"(waited {wait:g}s); let it finish")
    try:
        yield
    finally:
        lock.release()


def create_files(where: Path, extractor: str, overwrite: bool = False,
                 exist_ok: bool = False) -> tuple[whoosh_index.FileIndex, IndexMeta]:
    """Create an empty index at *where*; see :meth:`searchlib.Index.create`.

    Nothing is written before the lock is held, and nothing is deleted that searchlib did
    not write: a folder with other files is refused.

    :param extractor: the extractor name to record (checked by the caller)
    :param exist_ok: open the index if another process created it meanwhile
    """
    for parent in (where, *where.parents):
        # mkdir would fail with NotADirectoryError / FileExistsError: say which path is wrong.
        if parent.exists():
            if not parent.is_dir():
                raise SearchlibError(f"{where}: {parent} exists and is not a directory")
            break
    _refuse_foreign(where, locked=False)  # before the lock file is written in a folder
    with creation_lock(where):
        if (where / META_FILE).exists():
            if exist_ok:
                return open_files(where)
            if not overwrite:
                raise SearchlibError(f"{where}: an index exists already (open it, or pass "
                                     "overwrite=True to replace it)")
        _refuse_foreign(where)
        for name in os.listdir(where):
            if name != LOCK_FILE:  # the lock others may be waiting on stays
                (where / name).unlink()
        ix = whoosh_index.create_in(str(where), build_schema())
        record_sums(ix)
        meta = IndexMeta(extractor=extractor)
        write_meta(where, meta)
        return pinned(ix), meta


def open_searcher(ix: whoosh_index.FileIndex, where: Path):
    """A Whoosh searcher on the latest commit, its files verified first.

    :raises IndexCorruptError: naming the damaged file
    """
    verify(where)
    try:
        return ix.searcher()
    except Exception as e:  # a damaged table of contents or segment header
        raise damaged_error(where, e) from None


@dataclass
class CheckReport:
    """What :func:`check_index` found and did.

    :param problems: one line each, naming the file and the way out
    :param repaired: what ``repair`` fixed, one line each
    :param files: how many files were verified
    """

    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    files: int = 0


def _meta_state(where: Path) -> str:
    """``ok``, ``missing``, ``unreadable`` (not JSON) or ``version`` (another schema)."""
    try:
        read_meta(where)
        return "ok"
    except (IndexNotFoundError, IndexCorruptError):
        return "missing"
    except IndexVersionError:
        try:
            json.loads((where / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "unreadable"
        return "version"


def _read_everything(where: Path) -> None:
    """Open the index and read every column of every segment (what searches read)."""
    ix = whoosh_index.open_dir(str(where))
    with ix.searcher() as s:
        for reader, _offset in s.reader().leaf_readers():
            for name in (ARTICLE_ID, PARAGRAPH, DATE, BODY_COLUMN, ENTITY_COLUMN):
                if reader.has_column(name):
                    for _value in reader.column_reader(name, translate=False):
                        pass
            for _term in reader.all_terms():
                pass


def check_index(where: Path, quick: bool = False, repair: bool = False) -> CheckReport:
    """Verify the index at *where*: its metadata, the checksum of every file, and (unless
    *quick*) that every column and term can be read. See :meth:`searchlib.Index.check`.

    :param quick: compare file sizes with the recorded ones only
    :param repair: rebuild a missing or unreadable ``searchlib.json`` from the segments,
        and record the checksums of files that have none
    :raises IndexNotFoundError: when there is no index at all at *where*
    """
    report = CheckReport()
    if not where.is_dir() or not has_whoosh_files(where):
        if (where / META_FILE).exists():
            report.problems.append(f"{where}: {META_FILE} is there but the Whoosh files are "
                                   f"missing; {_RESTORE_HINT}")
            return report
        raise IndexNotFoundError(f"no searchlib index at {where}")
    state = _meta_state(where)
    if state == "version":
        try:
            read_meta(where)
        except IndexVersionError as e:
            report.problems.append(str(e))
        return report
    if state != "ok":
        fixed = _rebuild_meta(where, report) if repair else False
        if not fixed:
            report.problems.append(
                f"{where / META_FILE}: {state}; rebuild it from the segments with: "
                f"searchlib check --repair --index {where}")
    try:
        found = problems(where, quick)
    except OSError as e:
        found = [Problem(str(where), f"cannot read ({e.strerror or e})")]
    sums = where / SUMS_FILE
    damaged_sums = any(p.path == str(sums) for p in found)
    if repair and (damaged_sums or not sums.exists() or unrecorded_safe(where)):
        try:
            if not quick:
                _read_everything(where)
            with creation_lock(where):  # not in the middle of a writer's commit
                record_sums(whoosh_index.open_dir(str(where)))
            report.repaired.append(f"{sums}: recorded the checksums of the files as they are")
            found = problems(where, quick)
        except Exception as e:
            report.problems.append(f"{where}: cannot read the index ({type(e).__name__}); "
                                   f"{_RESTORE_HINT}")
            return report
    report.problems.extend(str(p) for p in found)
    if not sums.exists():
        report.problems.append(f"{sums}: no checksums recorded (an index written before "
                               "they were); record them with: searchlib check --repair "
                               f"--index {where}")
    elif not found:
        for name in unrecorded_safe(where):
            report.problems.append(f"{where / name}: no checksum recorded (a commit "
                                   "interrupted before it was); record it with: searchlib "
                                   f"check --repair --index {where}")
    report.files = len(os.listdir(where))
    if not found and not quick:
        try:
            _read_everything(where)
        except Exception as e:
            report.problems.append(f"{where}: cannot read the index ({type(e).__name__}: "
                                   f"{str(e)[:80]}); {_RESTORE_HINT}")
    return report


_RESTORE_HINT = ("restore it from a backup, or re-index the articles into a new index "
                 "(searchlib index PATH... --index NEW)")


def unrecorded_safe(where: Path) -> list[str]:
    try:
        return unrecorded(where)
    except IndexCorruptError:
        return []


def _rebuild_meta(where: Path, report: CheckReport) -> bool:
    """Write ``searchlib.json`` again when the segments hold this release's schema."""
    try:
        ix = whoosh_index.open_dir(str(where))
        names = set(ix.schema.names())
    except Exception as e:
        report.problems.append(f"{where}: cannot read the Whoosh files to rebuild "
                               f"{META_FILE} ({type(e).__name__}); {_RESTORE_HINT}")
        return True
    if names != set(build_schema().names()):
        report.problems.append(f"{where}: the segments do not hold this searchlib's schema "
                               f"(version {SCHEMA_VERSION}); {META_FILE} not rebuilt")
        return True
    meta = IndexMeta()
    try:
        tags = Counter(header.get(EXTRACTED_BY) for _aid, header in article_headers(ix))
    except Exception:  # unreadable headers: the default, and the message says so
        tags = Counter()
    tag, _n = tags.most_common(1)[0] if tags else (None, 0)
    if isinstance(tag, str) and tag.count("/") == 2:
        # Each article's header names what extracted it: the index's own extractor.
        meta.extractor, meta.extractor_version, meta.extractor_data = tag.split("/")
        said = f"extractor {meta.extractor!r}, as the articles record"
    else:
        said = (f"extractor {meta.extractor!r}: say --extractor when adding if it was "
                "another")
    with creation_lock(where):
        write_meta(where, meta)
    report.repaired.append(f"{where / META_FILE}: rebuilt (schema version {SCHEMA_VERSION}, "
                           f"{said})")
    return True

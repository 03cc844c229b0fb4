"""Checksums of an index's files, recorded at each commit and verified before use.

The writer records, after every commit, a CRC-32 and the size of each file of the
committed generation (its table of contents and its segments) in ``searchlib.sums``,
written atomically beside them; the manifest carries a checksum of its own lines, so a
damaged manifest is told apart from a damaged segment. A searcher verifies the files of
the generation it opens (once per process for a file of a given name, size and mtime), so
a damaged byte is one :class:`IndexCorruptError` naming the file, never a wrong answer.
Segments and tables of contents are never rewritten in place (Whoosh names them by
generation and random id), so an entry stays valid as long as its file exists.
"""

from __future__ import annotations

import json
import os
import re
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

from searchlib._errors import IndexCorruptError

#: The manifest file in the index directory.
SUMS_FILE = "searchlib.sums"
_TOC = re.compile(r"_MAIN_(\d+)\.toc")
_CHUNK = 1 << 20
#: Files verified in this process: (path, size, mtime_ns) -> checksum.
_verified: dict[tuple[str, int, int], str] = {}
_verified_lock = threading.Lock()


def checksum(path: Path) -> str:
    """The CRC-32 of a file's bytes, as 8 hex digits."""
    crc = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
    return f"{crc:08x}"


def latest_generation(where: Path) -> int:
    """The newest table of contents' generation on disk (-1 when there is none)."""
    gens = [int(m[1]) for n in os.listdir(where) if (m := _TOC.fullmatch(n))]
    return max(gens, default=-1)


def generation_files(ix) -> list[str]:
    """The files of the latest committed generation of a Whoosh ``FileIndex``."""
    storage = ix.storage
    gen = ix.latest_generation()
    names = [f"_MAIN_{gen}.toc"]
    prefixes = tuple(s.segment_id() + "." for s in ix._segments())
    names += sorted(n for n in storage.list() if n.startswith(prefixes))
    return names


@dataclass
class Manifest:
    """The recorded files of one generation: name -> (size, checksum)."""

    generation: int
    files: dict[str, tuple[int, str]]


def _seal(generation: int, files: dict[str, tuple[int, str]]) -> str:
    body = json.dumps([generation, sorted(files.items())], separators=(",", ":"))
    return f"{zlib.crc32(body.encode()):08x}"


def read_manifest(where: Path) -> Manifest | None:
    """The manifest of the index at *where*; ``None`` when none was recorded.

    :raises IndexCorruptError: when the manifest itself is damaged
    """
    path = where / SUMS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        generation = int(raw["generation"])
        files = {str(k): (int(v[0]), str(v[1])) for k, v in raw["files"].items()}
        sealed = raw["seal"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        sealed = None
    if sealed is None or sealed != _seal(generation, files):
        raise IndexCorruptError(
            f"{path}: the checksum manifest is damaged; if the index files are sound, "
            f"record them again with: searchlib check --repair --index {where}", str(path))
    return Manifest(generation, files)


def record(ix) -> None:
    """Write the manifest of the latest generation of Whoosh index *ix*, atomically.

    Files recorded before keep their checksums (they are never rewritten); only new ones
    are read.
    """
    where = Path(ix.storage.folder)
    try:
        old = read_manifest(where)
    except IndexCorruptError:
        old = None
    known = old.files if old else {}
    files = {}
    for name in generation_files(ix):
        path = where / name
        size = path.stat().st_size
        entry = known.get(name)
        files[name] = entry if entry and entry[0] == size else (size, checksum(path))
    write_manifest(where, Manifest(ix.latest_generation(), files))


def write_manifest(where: Path, manifest: Manifest) -> None:
    body = {"generation": manifest.generation,
            "files": {k: list(v) for k, v in sorted(manifest.files.items())},
            "seal": _seal(manifest.generation, manifest.files)}
    tmp = where / (SUMS_FILE + ".tmp")
    tmp.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, where / SUMS_FILE)


@dataclass
class Problem:
    """One thing wrong with an index: the file and what to do about it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


_RESTORE = ("restore the index from a backup, or re-index the articles into a new index "
            "(searchlib index PATH... --index NEW)")


def problems(where: Path, quick: bool = False) -> list[Problem]:
    """What is wrong with the recorded files of the index at *where*, if anything.

    :param quick: compare sizes only, do not read the files
    """
    try:
        manifest = read_manifest(where)
    except IndexCorruptError as e:
        return [Problem(str(e.path), str(e).split(": ", 1)[1])]
    if manifest is None:
        return []
    found = []
    latest = latest_generation(where)
    # A newer commit than the manifest's (its manifest not written yet, or never: a kill)
    # may have merged recorded segments away.
    stale = latest > manifest.generation

    def missing(path: Path) -> None:
        # A commit may have landed since the manifest was read, and merged it away.
        if not (stale or latest_generation(where) > manifest.generation):
            found.append(Problem(str(path), f"missing; {_RESTORE}"))

    for name, (size, crc) in sorted(manifest.files.items()):
        path = where / name
        try:
            st = path.stat()
        except FileNotFoundError:
            missing(path)
            continue
        if st.st_size != size:
            found.append(Problem(str(path), f"damaged: {st.st_size:,} bytes, {size:,} "
                                 f"recorded; {_RESTORE}"))
            continue
        if quick:
            continue
        key = (str(path), st.st_size, st.st_mtime_ns)
        with _verified_lock:
            ok = _verified.get(key) == crc
        if ok:
            continue
        try:
            actual = checksum(path)
        except FileNotFoundError:  # gone between the stat and the read
            missing(path)
            continue
        if actual != crc:
            found.append(Problem(str(path), f"damaged: checksum {actual}, {crc} recorded; "
                                 f"{_RESTORE}"))
        else:
            with _verified_lock:
                _verified[key] = crc
    return found


def unrecorded(where: Path) -> list[str]:
    """Current files that the manifest does not cover (written by a commit whose manifest
    was not recorded), by name."""
    manifest = read_manifest(where)
    files = manifest.files if manifest else {}
    names = [n for n in os.listdir(where)
             if (n.endswith((".seg", ".toc")) and n not in files)]
    return sorted(names)


def verify(where: Path, quick: bool = False) -> None:
    """Raise the first problem of the index at *where* as an :class:`IndexCorruptError`."""
    found = problems(where, quick)
    if found:
        raise IndexCorruptError(str(found[0]), found[0].path)


def damaged_error(where: Path, e: BaseException) -> IndexCorruptError:
    """An error Whoosh raised reading the index at *where*, as one line naming the files."""
    toc = f"_MAIN_{latest_generation(where)}.toc"
    return IndexCorruptError(
        f"{where / toc}: cannot read the index ({type(e).__name__}: {str(e)[:120]}); "
        f"run: searchlib check --index {where}", str(where / toc))


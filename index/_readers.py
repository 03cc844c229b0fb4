"""Readers: from article files (plain text, JSON Lines, CSV) to :class:`Article` records.

Readers never raise on bad input. They yield :class:`InputError` items in the stream
beside the articles they could read, so one bad file or line never stops the rest.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from searchlib.index._records import Article

from searchlib._errors import InputError

#: The input formats, by name.
FORMATS = ("txt", "jsonl", "csv")
#: File extensions the directory walk picks up, and the format each implies.
EXTENSIONS = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}

#: Navigation boilerplate that news sites leave between paragraphs; a paragraph that
#: consists of nothing but one of these is dropped.
_BOILERPLATE = re.compile(
    r"(also see|see also|read more|related|related articles?|advertisement|"
    r"story continues below|click here|share this article)\s*:?", re.IGNORECASE)
_HEADER = re.compile(r"date\s+(\S+)\s*(.*)", re.IGNORECASE | re.DOTALL)
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")
_SPACES = re.compile(r"\s+")
_SNIFF_BYTES = 8192

#: A longer "paragraph" is not prose (a data dump, a book without blank lines): its article
#: is refused rather than split, since where to split it is a guess and it would drown every
#: search it matches. Real news paragraphs stay under a few thousand characters.
MAX_PARAGRAPH_CHARS = 100_000


@dataclass(frozen=True)
class InputFile:
    """One file to read, with the format it will be read as (``path`` ``-`` is stdin)."""

    path: str
    format: str
    size: int = 0


def find_inputs(paths: Iterable[str | os.PathLike], format: str = "auto"
                ) -> Iterator[InputFile | InputError]:
    """Expand *paths* into the files to read; directories are walked recursively.

    :param format: ``auto`` (by extension) or one of :data:`FORMATS`, applied to every file
    """
    for raw in paths:
        path = str(raw)
        if path == "-":
            if format == "auto":
                yield InputError("-", "standard input needs --format txt, jsonl or csv")
            else:
                yield InputFile("-", format)
            continue
        p = Path(path)
        if p.is_dir():
            found = 0
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    ext = os.path.splitext(name)[1].lower()
                    if name.startswith(".") or ext not in EXTENSIONS:
                        continue
                    child = os.path.join(root, name)
                    found += 1
                    yield InputFile(child, EXTENSIONS[ext] if format == "auto" else format,
                                    _size(child))
            if not found:
                yield InputError(path, "directory holds no article files "
                                 f"({', '.join(sorted(EXTENSIONS))})")
        elif p.is_file():
            fmt = format if format != "auto" else EXTENSIONS.get(p.suffix.lower())
            if fmt is None:
                yield InputError(path, f"cannot tell the format of {p.suffix or 'a file'} "
                                 "without an extension; pass --format txt, jsonl or csv")
            else:
                yield InputFile(path, fmt, _size(path))
        elif p.exists():
            yield InputError(path, "not a regular file or directory")
        else:
            yield InputError(path, "no such file or directory")


def read_input(item: InputFile, stdin: BinaryIO | None = None,
               opened: Callable[[BinaryIO], None] | None = None
               ) -> Iterator[Article | InputError]:
    """Read one input file, yielding its articles and the errors found on the way.

    JSON Lines and CSV files are read line by line, so a file of millions of articles is
    never held in memory whole; a text file is one article and is read at once.

    :param opened: called with the stream a JSON Lines or CSV file is read from, so that
        the caller can follow its position (the progress bar)
    """
    try:
        if item.path == "-":
            data = (stdin or sys.stdin.buffer).read()
        elif item.format == "txt":
            with open(item.path, "rb") as f:
                data = f.read()
        else:
            with open(item.path, "rb") as f:
                if opened:
                    opened(f)
                yield from _read_stream(item, f)
            return
    except OSError as e:
        yield InputError(item.path, f"cannot read: {e.strerror or e}")
        return
    if not data.strip():
        yield InputError(item.path, "empty file")
        return
    if b"\0" in data[:_SNIFF_BYTES]:
        yield InputError(item.path, "binary file, not text")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        yield InputError(item.path, f"not valid UTF-8 (byte {e.start}); "
                         "undecodable bytes replaced with U+FFFD", line)
        text = data.decode("utf-8-sig", errors="replace")
    if item.format == "txt":
        yield from _read_txt(item.path, text)
    else:
        yield from _read_stream(item, io.BytesIO(text.encode("utf-8")))


class _Lines:
    """The decoded lines of a binary stream, noting (once) a line that is not UTF-8."""

    def __init__(self, path: str, stream: BinaryIO) -> None:
        self.path = path
        self.stream = stream
        self.errors: list[InputError] = []
        self.content = False  # anything but white space seen

    def __iter__(self) -> Iterator[str]:
        for n, raw in enumerate(self.stream, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                if not self.errors:
                    self.errors.append(InputError(
                        self.path, f"not valid UTF-8 (byte {e.start} of the line); "
                        "undecodable bytes replaced with U+FFFD", n))
                line = raw.decode("utf-8", errors="replace")
            if n == 1:
                line = line.removeprefix("\ufeff")
            self.content = self.content or bool(line.strip())
            yield line

    def take_errors(self) -> list[InputError]:
        taken, self.errors = self.errors, []
        return taken


def _read_stream(item: InputFile, stream: BinaryIO) -> Iterator[Article | InputError]:
    """JSON Lines or CSV from a binary stream (a file, or standard input read into memory)."""
    if b"\0" in stream.read(_SNIFF_BYTES):
        yield InputError(item.path, "binary file, not text")
        return
    stream.seek(0)
    lines = _Lines(item.path, stream)
    reader = _read_jsonl if item.format == "jsonl" else _read_csv
    for found in reader(item.path, lines):
        yield from lines.take_errors()
        yield found
    yield from lines.take_errors()
    if not lines.content:
        yield InputError(item.path, "empty file")


def parse_date(value: object) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` (an ISO datetime's date part is accepted too).

    :raises ValueError: with a readable reason when the value is not a real date
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    s = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?", s)
    if not m:
        raise ValueError(f"date {s!r} is not YYYY-MM-DD")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"impossible date {s!r}") from None


def split_paragraphs(text: str) -> list[str]:
    """Split a body at blank lines; whitespace inside a paragraph is folded to one space."""
    out = []
    for block in _BLANK_LINES.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        para = _SPACES.sub(" ", block).strip()
        if para and not _BOILERPLATE.fullmatch(para):
            out.append(para)
    return out


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _file_id(path: str, line: int | None = None) -> str:
    """A stable id for an article that has neither id nor url: its file (and line)."""
    if path == "-":
        return ""
    digest = hashlib.blake2b(str(Path(path).resolve()).encode(), digest_size=4).hexdigest()
    stem = Path(path).stem
    return f"{stem}-{digest}" + (f":{line}" if line is not None else "")


def _content_id(article: Article) -> str:
    # Standard input has no file name: identify its articles by headline and date so that
    # piping the same article again replaces it.
    key = f"{article.title}\0{article.date or ''}".encode()
    return "stdin-" + hashlib.blake2b(key, digest_size=6).hexdigest()


def check_article(article: Article) -> str | None:
    """What is wrong with *article* (a headline or paragraph over the size limit), if anything."""
    for n, text in enumerate([article.title, *article.paragraphs]):
        if len(text) > MAX_PARAGRAPH_CHARS:
            what = "headline" if n == 0 else f"paragraph {n}"
            return (f"{what} is {len(text):,} characters long (limit "
                    f"{MAX_PARAGRAPH_CHARS:,}; blank lines separate paragraphs); article "
                    "not indexed")
    return None


def _finish(article: Article, path: str, line: int | None) -> Article | InputError:
    problem = check_article(article)
    if problem:
        return InputError(path, problem, line)
    if not article.id:
        article.id = article.url or _file_id(path, line) or _content_id(article)
    return article


def _read_txt(path: str, text: str) -> Iterator[Article | InputError]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        yield InputError(path, "empty file")
        return
    head = lines[first].strip()
    date = None
    m = _HEADER.fullmatch(head)
    if m and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", m[1]):
        head = m[2].strip()
        try:
            date = parse_date(m[1])
        except ValueError as e:
            yield InputError(path, f"{e}; indexed without a date", first + 1)
    paragraphs = split_paragraphs("\n".join(lines[first + 1:]))
    if not head:
        if not paragraphs:
            yield InputError(path, "no headline and no text", first + 1)
            return
        head = paragraphs.pop(0)
    yield _finish(Article(title=_SPACES.sub(" ", head), paragraphs=paragraphs, date=date),
                  path, None)


def _from_record(rec: dict, path: str, line: int) -> Article | InputError:
    """Build an article from a JSONL object or CSV row (keys already lower-cased)."""
    title = rec.get("title")
    if not isinstance(title, str) or not title.strip():
        return InputError(path, "no title", line)
    if "paragraphs" in rec and rec["paragraphs"] is not None:
        paras = rec["paragraphs"]
        if not isinstance(paras, list) or not all(isinstance(p, str) for p in paras):
            return InputError(path, "'paragraphs' must be a list of strings", line)
        paragraphs = [q for p in paras if (q := _SPACES.sub(" ", p).strip())]
    elif isinstance(rec.get("text"), str):
        paragraphs = split_paragraphs(rec["text"])
    else:
        return InputError(path, "no text (need 'text' or 'paragraphs')", line)
    try:
        date = parse_date(rec.get("date"))
    except ValueError as e:
        return InputError(path, str(e), line)
    fields = {}
    for key in ("id", "url", "source"):
        value = rec.get(key)
        if value is not None and str(value).strip():
            fields[key] = str(value).strip()
    return _finish(Article(title=_SPACES.sub(" ", title).strip(), paragraphs=paragraphs,
                           date=date, **fields), path, line)


def _read_jsonl(path: str, lines: Iterable[str]) -> Iterator[Article | InputError]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(path, f"not JSON ({e.msg})", n)
            continue
        if not isinstance(rec, dict):
            yield InputError(path, "not a JSON object", n)
            continue
        yield _from_record({str(k).lower(): v for k, v in rec.items()}, path, n)


def _read_csv(path: str, lines: Iterable[str]) -> Iterator[Article | InputError]:
    rows = csv.reader(lines)
    try:
        header = [h.strip().lower() for h in next(rows)]
    except StopIteration:
        return  # an empty file: reported by the caller
    except csv.Error as e:
        yield InputError(path, f"no CSV header row ({e})" if str(e) else "no CSV header row", 1)
        return
    missing = [c for c in ("title", "text") if c not in header]
    if missing:
        yield InputError(path, f"CSV header lacks column(s) {', '.join(missing)} "
                         f"(has: {', '.join(header)})", 1)
        return
    start = rows.line_num + 1
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as e:
            yield InputError(path, f"bad CSV: {e}", start)
            return
        if any(cell.strip() for cell in row):
            if len(row) != len(header):
                yield InputError(path, f"row has {len(row)} fields, header has {len(header)}",
                                 start)
            else:
                yield _from_record(dict(zip(header, row, strict=True)), path, start)
        start = rows.line_num + 1


csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

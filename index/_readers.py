"""Readers: from article files (plain text, JSON Lines, CSV) to :class:`Article` records.

Readers never raise on bad input. They yield :class:`InputError` items in the stream
beside the articles they could read, so one bad file or line never stops the rest.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import stat
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
                yield _error("-", "standard input needs its format given (txt, jsonl or csv)")
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
                    kind = _file_kind(child)
                    if kind is not None:
                        # Opening a FIFO blocks until someone writes to it; a device or a
                        # socket is no article either.
                        yield _error(child, f"{kind}, not a regular file; skipped")
                        continue
                    found += 1
                    yield InputFile(child, EXTENSIONS[ext] if format == "auto" else format,
                                    _size(child))
            if not found:
                yield _error(path, "directory holds no article files "
                                 f"({', '.join(sorted(EXTENSIONS))})")
        elif p.is_file():
            fmt = format if format != "auto" else EXTENSIONS.get(p.suffix.lower())
            if fmt is None:
                yield _error(path, f"cannot tell the format of {p.suffix or 'a file'} "
                                 "without an extension; give its format (txt, jsonl or csv)")
            else:
                yield InputFile(path, fmt, _size(path))
        elif p.exists():
            yield _error(path, "not a regular file or directory")
        else:
            yield _error(path, "no such file or directory")


def read_input(item: InputFile, stdin: BinaryIO | None = None,
               opened: Callable[[BinaryIO], None] | None = None
               ) -> Iterator[Article | InputError]:
    """Read one input file, yielding its articles and the errors found on the way.

    JSON Lines and CSV files are read line by line, so a file of millions of articles is
    never held in memory whole; a text file is one article and is read at once.

    :param opened: called with the stream a JSON Lines or CSV file is read from, so that
        the caller can follow its position (the progress bar)
    """
    for _line, found in read_located(item, stdin, opened):
        yield found


def read_located(item: InputFile, stdin: BinaryIO | None = None,
                 opened: Callable[[BinaryIO], None] | None = None
                 ) -> Iterator[tuple[int | None, Article | InputError]]:
    """:func:`read_input`, each article with the line it starts on (``None`` for a .txt)."""
    for found in _read_any(item, stdin, opened):
        if isinstance(found, tuple):
            yield found
        else:
            yield (found.line if isinstance(found, InputError) else None), found


def _read_any(item: InputFile, stdin: BinaryIO | None,
              opened: Callable[[BinaryIO], None] | None = None
              ) -> Iterator[Article | InputError | tuple[int, Article | InputError]]:
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
        yield _error(item.path, f"cannot read: {e.strerror or e}")
        return
    if not data.strip():
        yield _error(item.path, "empty file")
        return
    wide = _wide_encoding(data[:4])
    if wide:
        text = data.decode(wide, errors="replace")
        if "\ufffd" in text:
            yield _error(item.path, f"not valid {wide.upper()}; undecodable bytes replaced "
                         "with U+FFFD")
    else:
        if b"\0" in data[:_SNIFF_BYTES]:
            yield _error(item.path, "binary file, not text")
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            yield _error(item.path, f"not valid UTF-8 (byte {e.start}); "
                         "undecodable bytes replaced with U+FFFD", line)
            text = data.decode("utf-8-sig", errors="replace")
    if item.format == "txt":
        yield from _read_txt(item.path, text)
    else:
        yield from _read_stream(item, io.BytesIO(text.encode("utf-8", "surrogatepass")))


#: Byte order marks of the encodings other than UTF-8 that a text file may be in, the
#: 4-byte ones first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _wide_encoding(start: bytes) -> str | None:
    """``utf-16`` or ``utf-32`` when *start* (a file's first bytes) is such a byte order mark."""
    return next((enc for bom, enc in _BOMS if start.startswith(bom)), None)


def _recoded(stream: BinaryIO, encoding: str) -> Iterator[bytes]:
    """The lines (ending at ``\n`` only) of a UTF-16/32 stream, as UTF-8."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending = ""
    while True:
        chunk = stream.read(1 << 16)
        pending += decoder.decode(chunk, final=not chunk)
        *lines, pending = pending.split("\n")
        for line in lines:
            yield (line + "\n").encode("utf-8", "surrogatepass")
        if not chunk:
            break
    if pending:
        yield pending.encode("utf-8", "surrogatepass")


class _Lines:
    """The decoded lines of a binary stream, noting (once) a line that is not UTF-8."""

    def __init__(self, path: str, stream: Iterable[bytes]) -> None:
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
                    self.errors.append(_error(
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


def _read_stream(item: InputFile, stream: BinaryIO
                 ) -> Iterator[InputError | tuple[int, Article | InputError]]:
    """JSON Lines or CSV from a binary stream (a file, or standard input read into memory)."""
    start = stream.read(_SNIFF_BYTES)
    stream.seek(0)
    wide = _wide_encoding(start[:4])
    if wide:
        source: Iterable[bytes] = _recoded(stream, wide)
    elif b"\0" in start:
        yield _error(item.path, "binary file, not text")
        return
    else:
        source = stream
    lines = _Lines(item.path, source)
    reader = _read_jsonl if item.format == "jsonl" else _read_csv
    for line, found in reader(item.path, lines):
        yield from lines.take_errors()
        yield line, found
    yield from lines.take_errors()
    if not lines.content:
        yield _error(item.path, "empty file")


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


def shown_path(path: str | os.PathLike) -> str:
    """*path* as valid text for ids and messages: a file name's bytes that are not UTF-8
    (which Python keeps as lone surrogates, ``surrogateescape``) are shown as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _error(path: str | os.PathLike, message: str, line: int | None = None) -> InputError:
    return InputError(shown_path(path) if path != "-" else "-", message, line)


def _file_kind(path: str) -> str | None:
    """What *path* is when it is not a regular file (``None`` for one, or when it is gone)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # reading it will say what is wrong
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _file_id(path: str, line: int | None = None) -> str:
    """A stable id for an article that has neither id nor url: its file (and line)."""
    if path == "-":
        return ""
    raw = os.fsencode(Path(path).resolve())
    digest = hashlib.blake2b(raw, digest_size=4).hexdigest()
    stem = shown_path(Path(path).stem)
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


def clean_article(article: Article) -> str | None:
    """Replace lone surrogates in *article*'s strings with U+FFFD, in place; say what was
    done, if anything (an article built by a program may hold them too)."""
    fixed = []
    for key in ("title", "id", "url", "source"):
        value = getattr(article, key)
        if isinstance(value, str) and _SURROGATE.search(value):
            setattr(article, key, _SURROGATE.sub("\ufffd", value))
            fixed.append(key)
    if any(_SURROGATE.search(p) for p in article.paragraphs):
        article.paragraphs = [_SURROGATE.sub("\ufffd", p) for p in article.paragraphs]
        fixed.append("paragraphs")
    if not fixed:
        return None
    return f"lone surrogate code point(s) in {', '.join(fixed)} replaced with U+FFFD"


def _finish(article: Article, path: str, line: int | None) -> Article | InputError:
    problem = check_article(article)
    if problem:
        return _error(path, problem, line)
    if not article.id:
        article.id = article.url or _file_id(path, line) or _content_id(article)
    return article


def _read_txt(path: str, text: str) -> Iterator[Article | InputError]:
    nul = text.find("\0")
    if nul >= 0:
        yield _error(path, "NUL character in the text (binary data?); article not indexed",
                     text.count("\n", 0, nul) + 1)
        return
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        yield _error(path, "empty file")
        return
    head = lines[first].strip()
    date = None
    m = _HEADER.fullmatch(head)
    if m and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", m[1]):
        head = m[2].strip()
        try:
            date = parse_date(m[1])
        except ValueError as e:
            yield _error(path, f"{e}; indexed without a date", first + 1)
    paragraphs = split_paragraphs("\n".join(lines[first + 1:]))
    if not head:
        if not paragraphs:
            yield _error(path, "no headline and no text", first + 1)
            return
        head = paragraphs.pop(0)
    yield _finish(Article(title=_SPACES.sub(" ", head), paragraphs=paragraphs, date=date),
                  path, None)


#: A UTF-16 surrogate code point, which is not a character: JSON's ``"\\ud83d"`` escape
#: alone decodes to one, and no file, terminal or encoder can write it out again.
_SURROGATE = re.compile("[\ud800-\udfff]")
_STRING_FIELDS = ("title", "text", "date", "id", "url", "source")


def _clean(rec: dict, path: str, line: int) -> InputError | None:
    """Make every string of *rec* valid Unicode (lone surrogates -> U+FFFD), in place, and
    say so; an error when a NUL character is in one (binary data, never text)."""
    fixed = []
    for key, value in rec.items():
        if key == "paragraphs" and isinstance(value, list):
            for i, p in enumerate(value):
                if isinstance(p, str) and _SURROGATE.search(p):
                    value[i] = _SURROGATE.sub("\ufffd", p)
                    fixed.append(key)
            strings = [p for p in value if isinstance(p, str)]
        elif isinstance(value, str):
            if _SURROGATE.search(value):
                rec[key] = _SURROGATE.sub("\ufffd", value)
                fixed.append(key)
            strings = [value]
        else:
            continue
        if key in (*_STRING_FIELDS, "paragraphs") and any("\0" in v for v in strings):
            return _error(path, f"NUL character in {key!r} (binary data?); article not "
                          "indexed", line)
    if fixed:
        return _error(path, "lone surrogate code point(s) in "
                      f"{', '.join(repr(k) for k in dict.fromkeys(fixed))} replaced with "
                      "U+FFFD", line)
    return None


def _from_record(rec: dict, path: str, line: int) -> Iterator[Article | InputError]:
    """Build an article from a JSONL object or CSV row (keys already lower-cased); yields
    the warnings met on the way, then the article or the error that stopped it."""
    problem = _clean(rec, path, line)
    if problem is not None:
        yield problem
        if problem.reason.startswith("NUL"):
            return
    title = rec.get("title")
    if not isinstance(title, str) or not title.strip():
        yield _error(path, "no title", line)
        return
    if "paragraphs" in rec and rec["paragraphs"] is not None:
        paras = rec["paragraphs"]
        if not isinstance(paras, list) or not all(isinstance(p, str) for p in paras):
            yield _error(path, "'paragraphs' must be a list of strings", line)
            return
        paragraphs = [q for p in paras if (q := _SPACES.sub(" ", p).strip())]
    elif isinstance(rec.get("text"), str):
        paragraphs = split_paragraphs(rec["text"])
    else:
        yield _error(path, "no text (need 'text' or 'paragraphs')", line)
        return
    try:
        date = parse_date(rec.get("date"))
    except ValueError as e:
        # As for a .txt header: the article is worth more than its date.
        yield _error(path, f"{e}; indexed without a date", line)
        date = None
    fields = {}
    for key in ("id", "url", "source"):
        value = rec.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            # str() would store a Python repr ("['x', 'y']", "True") as the value.
            yield _error(path, f"{key!r} must be a string or a number, not "
                         f"{_json_type(value)}; article not indexed", line)
            return
        if str(value).strip():
            fields[key] = str(value).strip()
    yield _finish(Article(title=_SPACES.sub(" ", title).strip(), paragraphs=paragraphs,
                          date=date, **fields), path, line)


def _json_type(value: object) -> str:
    names = {bool: "true/false", list: "a list", dict: "an object"}
    return next((n for t, n in names.items() if isinstance(value, t)), type(value).__name__)


def _read_jsonl(path: str, lines: Iterable[str]
                ) -> Iterator[tuple[int, Article | InputError]]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield n, _error(path, f"not JSON ({e.msg})", n)
            continue
        except RecursionError:
            yield n, _error(path, "not JSON (nested too deeply)", n)
            continue
        if not isinstance(rec, dict):
            yield n, _error(path, "not a JSON object", n)
            continue
        for found in _from_record({str(k).lower(): v for k, v in rec.items()}, path, n):
            yield n, found


def _read_csv(path: str, lines: Iterable[str]) -> Iterator[tuple[int, Article | InputError]]:
    rows = csv.reader(lines)
    try:
        header = [h.strip().lower() for h in next(rows)]
    except StopIteration:
        return  # an empty file: reported by the caller
    except csv.Error as e:
        yield 1, _error(path, f"no CSV header row ({e})" if str(e) else "no CSV header row", 1)
        return
    missing = [c for c in ("title", "text") if c not in header]
    if missing:
        yield 1, _error(path, f"CSV header lacks column(s) {', '.join(missing)} "
                        f"(has: {', '.join(header)})", 1)
        return
    start = rows.line_num + 1
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as e:
            yield start, _error(path, f"bad CSV: {e}", start)
            return
        if any(cell.strip() for cell in row):
            if len(row) != len(header):
                yield start, _error(path, f"row has {len(row)} fields, header has "
                                    f"{len(header)}", start)
            else:
                for found in _from_record(dict(zip(header, row, strict=True)), path, start):
                    yield start, found
        start = rows.line_num + 1


csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

"""Loader for Reuters-21578 (Distribution 1.0): gzip SGML files to :class:`Article` records.

The SGML is not well-formed XML, so each ``<REUTERS>`` element is cut out with regular
expressions.  Only what the benchmark needs is kept: the headline, the date and the body
split into paragraphs, where a paragraph starts at a line indented by spaces.
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from searchlib.index._records import Article

__all__ = ["SOURCE", "find_files", "iter_articles", "parse_sgml", "split_paragraphs"]

#: The ``source`` recorded on every article this loader yields.
SOURCE = "reuters21578"

_DOC = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')
_DATE = re.compile(r"<DATE>\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
# Control characters arrive as numeric entities (&#3; ends every body); drop them after unescaping.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
# The wire sign-off on its own last line ("Reuter", sometimes "REUTER"); not article text.
_SIGNOFF = re.compile(r"^reuters?$", re.I)


def _clean(text: str) -> str:
    """Unescape SGML entities and remove control characters.

    :param text: raw SGML element content
    """
    return _CONTROL.sub("", html.unescape(text))


def split_paragraphs(body: str) -> list[str]:
    """Split a body into paragraphs: a line indented by spaces starts a new one.

    Lines inside a paragraph are joined with one space (the wire wrapped at ~65 columns);
    the trailing "Reuter" sign-off is dropped.

    :param body: the unescaped text of a ``<BODY>`` element
    :returns: non-empty paragraphs in order
    """
    paragraphs: list[list[str]] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        if line.startswith(" ") or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(line.strip())
    out = [" ".join(p) for p in paragraphs]
    if out and _SIGNOFF.match(out[-1]):
        out.pop()
    return out


def _parse_date(doc: str) -> dt.date | None:
    m = _DATE.search(doc)
    if not m:
        return None
    month = _MONTHS.get(m.group(2).upper())
    try:
        return dt.date(int(m.group(3)), month, int(m.group(1))) if month else None
    except ValueError:  # a malformed day such as 31-APR: keep the article, lose the date
        return None


def parse_sgml(text: str) -> Iterator[Article]:
    """Yield the articles of one SGML file's text.

    Documents with neither a headline nor a body (the unprocessed tables) are skipped;
    a headline without a body gives an article with no body paragraphs.

    :param text: the whole file, decoded as latin-1
    """
    for m in _DOC.finditer(text):
        attrs, doc = m.group(1), m.group(2)
        title_m, body_m = _TITLE.search(doc), _BODY.search(doc)
        paragraphs = split_paragraphs(_clean(body_m.group(1))) if body_m else []
        title = " ".join(_clean(title_m.group(1)).split()) if title_m else ""
        if not title and not paragraphs:
            continue
        if not title:  # a body without a headline: its first paragraph stands in
            title = paragraphs.pop(0)
        newid = _NEWID.search(attrs)
        yield Article(
            title=title,
            paragraphs=paragraphs,
            id=f"reuters-{newid.group(1)}" if newid else None,
            date=_parse_date(doc),
            source=SOURCE,
        )


def find_files(directory: Path) -> list[Path]:
    """The corpus files of a Reuters-21578 directory, in collection order.

    :param directory: a folder holding ``reut2-NNN.sgm.gz`` (or uncompressed ``.sgm``)
    """
    files = sorted(directory.glob("reut2-*.sgm.gz")) or sorted(directory.glob("reut2-*.sgm"))
    return files


def _read(path: Path) -> str:
    opener = gzip.open if path.suffix == ".gz" else open
    # latin-1: the collection is ASCII except for one stray byte in reut2-017.
    with opener(path, "rt", encoding="latin-1") as fh:
        return fh.read()


def iter_articles(source: Path | Iterable[Path], limit: int | None = None) -> Iterator[Article]:
    """Stream the articles of the collection, reading one file at a time.

    :param source: the corpus directory, or explicit SGML files
    :param limit: stop after this many articles (``None``: all)
    """
    files = find_files(source) if isinstance(source, Path) and source.is_dir() else (
        [source] if isinstance(source, Path) else list(source))
    if not files:
        raise FileNotFoundError(f"no reut2-*.sgm(.gz) files in {source}")
    n = 0
    for path in files:
        for article in parse_sgml(_read(path)):
            if limit is not None and n >= limit:
                return
            yield article
            n += 1

"""Corpus dispatch for the benchmark: Reuters-21578, Wikinews CSV and a synthetic generator.

``--corpus`` accepts a path (a Reuters directory or ``.sgm[.gz]`` file, a Wikinews directory
or ``.csv`` file), the names ``reuters`` / ``wikinews`` (looked up in ``../shared/corpus``)
``synthetic:N`` for about N generated body paragraphs, or ``remix:N`` for about N paragraphs
of real Reuters and Wikinews sentences re-combined (:mod:`benchmarks.remix`).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from searchlib.index._records import Article

from benchmarks import reuters

__all__ = [
    "SHARED",
    "CorpusError",
    "CorpusSpec",
    "iter_corpus",
    "iter_wikinews",
    "resolve_corpus",
    "split_blank_lines",
    "synthetic_articles",
]

#: ``../shared`` relative to the repository root; read in place, never copied into the repo.
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

_BLANK = re.compile(r"\n\s*\n")
# Wikinews texts open with a dateline paragraph ("Friday, January 4, 2019"): not article text.
_DATELINE = re.compile(r"^[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4}$")


class CorpusError(Exception):
    """The requested corpus cannot be found or recognised."""


@dataclass(frozen=True)
class CorpusSpec:
    """Which corpus to read.

    :param kind: ``reuters``, ``wikinews``, ``synthetic`` or ``remix``
    :param path: the file or directory (``None`` for synthetic)
    :param size: target body paragraphs for ``synthetic``
    """

    kind: str
    path: Path | None = None
    size: int = 0

    @property
    def name(self) -> str:
        """A short name for result file names (``reuters``, ``wikinews``, ``synthetic-50000``)."""
        return f"{self.kind}-{self.size}" if self.kind in ("synthetic", "remix") else self.kind


def _shared_corpus(sub: str) -> Path:
    path = SHARED / "corpus" / sub
    if not path.exists():
        raise CorpusError(
            f"shared data not found: {path} does not exist (../shared is absent from this "
            f"checkout). Pass --corpus PATH to a copy of the corpus, or --corpus synthetic:N.")
    return path


def resolve_corpus(arg: str | None) -> CorpusSpec:
    """Turn a ``--corpus`` argument into a :class:`CorpusSpec`.

    :param arg: ``None`` (Reuters from ../shared), ``reuters``, ``wikinews``,
        ``synthetic[:N]`` or a path
    :raises CorpusError: when the corpus is absent or of an unknown shape
    """
    if arg is None or arg == "reuters":
        return CorpusSpec("reuters", _shared_corpus("reuters21578"))
    if arg == "wikinews":
        return CorpusSpec("wikinews", _shared_corpus("wikinews"))
    if arg.startswith("remix"):
        _, _, n = arg.partition(":")
        try:
            size = int(n.replace("_", "")) if n else 500_000
        except ValueError:
            raise CorpusError(f"bad remix size in {arg!r}; use remix:N") from None
        return CorpusSpec("remix", _shared_corpus("reuters21578"), size=size)
    if arg.startswith("synthetic"):
        _, _, n = arg.partition(":")
        try:
            return CorpusSpec("synthetic", size=int(n.replace("_", "")) if n else 100_000)
        except ValueError:
            raise CorpusError(f"bad synthetic size in {arg!r}; use synthetic:N") from None
    path = Path(arg).expanduser()
    if not path.exists():
        raise CorpusError(f"corpus not found: {path}")
    if path.is_dir():
        if reuters.find_files(path):
            return CorpusSpec("reuters", path)
        if sorted(path.glob("*.csv")):
            return CorpusSpec("wikinews", path)
    elif path.name.endswith((".sgm", ".sgm.gz")):
        return CorpusSpec("reuters", path)
    elif path.suffix == ".csv":
        return CorpusSpec("wikinews", path)
    raise CorpusError(f"not a Reuters (reut2-*.sgm[.gz]) or Wikinews (*.csv) corpus: {path}")


def split_blank_lines(text: str) -> list[str]:
    """Split text into paragraphs at blank lines, unwrapping and trimming each.

    :param text: the article body
    """
    return [" ".join(p.split()) for p in _BLANK.split(text.replace("\r\n", "\n")) if p.strip()]


def iter_wikinews(source: Path, limit: int | None = None) -> Iterator[Article]:
    """Stream Wikinews articles from CSV files with the columns ``url,date,title,text``.

    :param source: one CSV file, or a directory whose ``*.csv`` files are read in name order
    :param limit: stop after this many articles
    """
    files = sorted(source.glob("*.csv")) if source.is_dir() else [source]
    csv.field_size_limit(sys.maxsize)  # article texts exceed the default 128 KiB cell limit
    n = 0
    for path in files:
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if limit is not None and n >= limit:
                    return
                paragraphs = split_blank_lines(row.get("text") or "")
                if paragraphs and _DATELINE.match(paragraphs[0]):
                    paragraphs.pop(0)
                try:
                    date = dt.date.fromisoformat((row.get("date") or "").strip()[:10])
                except ValueError:
                    date = None
                url = (row.get("url") or "").strip() or None
                yield Article(title=" ".join((row.get("title") or "").split()),
                              paragraphs=paragraphs, id=url, date=date,
                              source="wikinews", url=url)
                n += 1


# --- synthetic corpus --------------------------------------------------------------------
# A Zipf-distributed vocabulary: hand-written news words first (so the fixed query set
# finds hits at every size), then pronounceable pseudo-words for the long tail.
_NEWS_WORDS = (
    "the of to and in a said for on that is it by with at from was as be will its year "
    "pct oil prices market trade bank company shares stock rate rates interest government "
    "billion mln dlrs tonnes wheat corn gold silver coffee cocoa sugar exports imports deficit "
    "surplus crude reserve federal central minister official report quarter profit loss "
    "net earnings dividend sales growth economy inflation dollar yen currency exchange debt "
    "loans tax budget production output agreement talks meeting week month analysts "
    "industry foreign domestic increase decline rise fall higher lower record offer merger "
    "acquisition bid tender shareholders board chairman president spokesman statement"
).split()
_SYLLABLES = ("ka", "lo", "mi", "ra", "ten", "sol", "vin", "dor", "pe", "qua", "zu", "bel",
              "nor", "tis", "gam", "ux", "ri", "fa", "mon", "che")
_PEOPLE = ("Anna Berger", "Tomas Reyes", "Mei Lin", "James Holt", "Karin Vogt",
           "Olu Adeyemi", "Pierre Lambert", "Sara Novak", "Hiro Tanaka", "Ivan Petrov")
_PLACES = ("Japan", "Brazil", "Canada", "France", "Kenya", "Tokyo", "London", "Chicago",
           "Indonesia", "Norway")
_ORGS = ("OPEC", "Acme Holdings Inc", "Northwind Bank", "World Bank", "Globex Corp",
         "United Grain Board", "Federal Reserve", "Orion Mining Ltd")


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = list(dict.fromkeys(_NEWS_WORDS))
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def _sentence(rng: random.Random, words: list[str], weights: list[float]) -> str:
    tokens = rng.choices(words, cum_weights=weights, k=rng.randint(8, 24))
    roll = rng.random()
    # Entity mentions in the shapes a rules extractor recognises (name + "said", "in Place").
    if roll < 0.25:
        tokens[0:0] = [rng.choice(_PEOPLE), "said"]
    if 0.15 < roll < 0.5:
        tokens += ["in", rng.choice(_PLACES)]
    if roll > 0.8:
        tokens.insert(len(tokens) // 2, rng.choice(_ORGS))
    text = " ".join(tokens)
    return text[0].upper() + text[1:] + "."


def synthetic_articles(n_paragraphs: int, seed: int = 1987) -> Iterator[Article]:
    """Generate news-like articles until about *n_paragraphs* body paragraphs exist.

    Deterministic for a given seed, so curves at different sizes share their prefix.

    :param n_paragraphs: body paragraphs to produce (the last article may overshoot by a few)
    :param seed: random seed
    """
    rng = random.Random(seed)
    words = _vocabulary(rng)
    weights, total = [], 0.0
    for rank in range(1, len(words) + 1):  # Zipf, s=1: word frequencies of natural text
        total += 1.0 / rank
        weights.append(total)
    start = dt.date(1987, 1, 1)
    made, n = 0, 0
    while made < n_paragraphs:
        k = min(rng.randint(2, 9), n_paragraphs - made)
        paragraphs = [" ".join(_sentence(rng, words, weights) for _ in range(rng.randint(1, 4)))
                      for _ in range(k)]
        title = " ".join(rng.choices(words[:400], k=rng.randint(4, 8))).upper()
        n += 1
        made += k
        yield Article(title=title, paragraphs=paragraphs, id=f"synthetic-{n}",
                      date=start + dt.timedelta(days=rng.randrange(365)), source="synthetic")


def iter_corpus(spec: CorpusSpec, limit: int | None = None) -> Iterator[Article]:
    """Stream the articles of a corpus.

    :param spec: from :func:`resolve_corpus`
    :param limit: stop after this many articles
    """
    if spec.kind == "reuters":
        assert spec.path is not None
        yield from reuters.iter_articles(spec.path, limit=limit)
    elif spec.kind == "remix":
        from benchmarks.remix import remix_articles

        wikinews = SHARED / "corpus" / "wikinews"
        for i, article in enumerate(remix_articles(spec.size, spec.path, wikinews)):
            if limit is not None and i >= limit:
                return
            yield article
    elif spec.kind == "wikinews":
        assert spec.path is not None
        yield from iter_wikinews(spec.path, limit=limit)
    else:
        for i, article in enumerate(synthetic_articles(spec.size)):
            if limit is not None and i >= limit:
                return
            yield article

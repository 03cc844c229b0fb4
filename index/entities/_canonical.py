"""Canonical forms of single names: what a person's, place's or organisation's name is,
whatever the words around it in the text.

- A person's name never holds titles, roles, honorifics, places or nationalities in front
  ("United States President Donald Trump", "Astronomer Anthony Boccaletti" -> the name),
  nor "of <place>" behind ("Amy Klobuchar of Minnesota"), nor "Jr."/"Sr."; the words cut
  off in front are returned as the mention's role ("president").
- An organisation's name drops corporate suffixes ("General Motors Corp" -> "General
  Motors"); a generic head word alone ("Court", "Bank", "Inc") is no name at all.
- Words that are never names (table abbreviations "Shr", "Avg"; speaker tags "WN"; units
  and time zones "UTC") are no entity of any kind (``data/not_names.tsv``).
- Case: roman numerals are upper case ("Elizabeth II"); dotted abbreviations and known
  acronyms keep their capitals when a headline's capitals are undone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from searchlib.index.entities._cues import CONNECT
from searchlib.index.entities._gazetteer import DATA_DIR, load, lookup

#: Corporate suffixes: dropped from the end of an organisation's canonical name.
CORPORATE = frozenset({"Inc", "Corp", "Corporation", "Co", "Cos", "Ltd", "Plc", "PLC", "plc",
                       "LLC", "AG", "SA", "NV", "GmbH", "Limited", "Incorporated", "LP",
                       "BV", "SpA", "AB", "ASA", "Bhd", "Pty"})
_ROMAN = re.compile(r"(?i)^(?=[ivxlc]{2,}$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")
#: Words of speech that open a sentence and get glued to a name ("Well", "Hi Agastya").
LEAD_WORDS = frozenset({"Well", "So", "Yeah", "Yes", "No", "Oh", "Okay", "OK", "Um", "Uh",
                        "Hi", "Hello", "Thanks", "Sure", "Right", "Wow", "Please",
                        "Dear", "Hey", "Ah", "Absolutely", "Exactly", "Indeed", "Actually",
                        "Do", "Does", "Did", "Are", "Is", "Was", "Were", "Be", "Maybe", "Can",
                        "Could", "Will", "Would", "Should", "Have", "Has", "Had", "Let"})
_GENERATION = frozenset({"Jr", "Jr.", "Sr", "Sr.", "Jnr", "Snr"})


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """Words that are never the whole of a name (hand-written, ``data/not_names.tsv``)."""
    with (DATA_DIR / "not_names.tsv").open(encoding="utf-8") as lines:
        return frozenset(line.split("\t")[0].strip() for line in lines
                         if line.strip() and not line.startswith("#"))


def is_not_name(name: str) -> bool:
    """True for a name that is only a table word, unit, tag or generic head word, a place
    and a unit ("U.S. Dlrs"), or a star's name."""
    if name in not_names():
        return True
    words = name.replace(".", "").split(" ")
    if all(w in not_names() or w.upper() in not_names() for w in words):
        return True
    head, _, last = name.rpartition(" ")
    if head and "sky" in load().cues.get(last, ()):
        return True  # "AB Aurigae", "Alpha Centauri": a star, whatever the extractor thought
    if head and (last in not_names() or last.upper() in not_names()) and (
            (hit := lookup(head)) is not None and hit[1] == "place"):
        return True  # "U.S. Dlrs", "N.Z. Dollar": a currency, not a place's organisation
    return len(words) == 1 and words[0] in CORPORATE


def fix_case(name: str) -> str:
    """Roman numerals upper case ("Elizabeth Ii" -> "Elizabeth II"), and "U.s." -> "U.S."."""
    words = name.split(" ")
    out = []
    for i, w in enumerate(words):
        if i and _ROMAN.match(w):
            w = w.upper()
        elif "." in w and len(w) <= 6 and w[:1].isupper():
            w = w.upper()
        out.append(w)
    return " ".join(out)


def _is_title(word: str) -> bool:
    cues = load().cues.get(word, ())
    return "title" in cues or "role" in cues


def _prefix_word(word: str) -> bool:
    """A word that may stand before a person's name without being part of it."""
    g = load()
    if _is_title(word) or word in g.demonyms or word in CONNECT or word == "the":
        return True
    hit = lookup(word)
    return word.lower() in g.common or (hit is not None and hit[1] == "place")


def person_name(name: str) -> tuple[str, str]:
    """The canonical form of a person's name and the role cut off its front.

    :param name: the cleaned mention ("Foreign Minister Qin Gang")
    :returns: ``("Qin Gang", "foreign minister")``; the role is "" when there was none
    """
    g = load()
    words = name.split(" ")
    # "Amy Klobuchar of Minnesota", "Jane Roe of the United States"
    for k in range(1, len(words) - 1):
        if words[k] == "of":
            rest = " ".join(words[k + 1:])
            rest = rest[4:] if rest.startswith("the ") else rest
            hit = lookup(rest)
            if hit is not None and hit[1] == "place" and words[0] not in g.cues:
                words = words[:k]
                break
    while len(words) > 2 and words[-1] in _GENERATION:
        words.pop()
    cut = 0
    # Titles and roles always go ("President Trump"); a common word, place or nationality
    # only when a first name follows ("Candidate Wayne Tseng", "United States Joe Biden").
    while cut < len(words) - 1:
        w = words[cut]
        if _is_title(w) or w.rstrip(".") in ("Mr", "Mrs", "Ms", "Dr", "Mme", "Mlle") or (
                cut == 0 and len(words) > 2 and w.isupper() and len(w) <= 3
                and not any(c.isupper() for c in "".join(words[1:])[1:2])):
            cut += 1
            continue
        ahead = words[cut + 1:]
        if _prefix_word(w) and any(x in g.first_names or _is_title(x) for x in ahead[:3]) \
                and w not in g.first_names:
            cut += 1
            continue
        break
    role = " ".join(w for w in words[:cut] if w not in CONNECT and w != "the").lower()
    words = words[cut:]
    while len(words) > 1 and words[0] in CONNECT:
        words.pop(0)
    return fix_case(" ".join(words)), role


def org_name(name: str) -> str:
    """The canonical form of an organisation's name: no corporate suffix, no trailing comma."""
    words = name.split(" ")
    while len(words) > 1 and (words[-1].rstrip(".,") in CORPORATE or words[-1] in ("&", "and")):
        words.pop()
    out = " ".join(words).rstrip(",")
    return fix_case(out)


def is_generic_org(name: str) -> bool:
    """A lone head word ("Court", "Commission", "Party") names no particular body."""
    if " " in name:
        return False
    if name in ("House", "Government", "Ministry", "Department", "Center", "Centre"):
        return True
    cues = load().cues.get(name, ())
    return "org" in cues or "role" in cues or "title" in cues

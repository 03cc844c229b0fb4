"""What the article itself says a name is, whatever the extractor thought.

Extractors decide from a few words around each mention; the whole article often says more:

- "Rocky Linux, a community enterprise operating system", "the CentOS project", "Hurricane
  Dorian", "Minetest 5.4": a name written with a software, product, storm or sky-object cue,
  or with a version number, is none of person, place or organisation (:func:`drop_things`),
  and nor are its lone words ("Rocky", "Stream" beside "CentOS Stream");
- a one-word "name" that is a common English word the article also writes in lower case
  ("Solar" beside "solar masses", "Life" beside "his life") is that word (:func:`drop_words`);
- a one-word name followed by "administration", "government" or "campaign" in lower case
  ("the Reagan administration") is a person, not an organisation (:func:`attributive_people`);
- a "person" the article also writes before "Inc", "Corp" or "Co" is a company
  (:func:`companies`);
- a name in an all-caps headline that the body never names is not trusted, unless the
  gazetteer knows it; where the body names a longer name that the headline spells from
  there ("TEXAS INSTRUMENTS <TXN>" beside "Texas Instruments Inc"), it is that name
  (:func:`headline_names`);
- a one-word name the article gives several kinds takes the kind of most of its mentions,
  a preposition of place or an electoral district after it ("the Groom by-election")
  counting for a place (:func:`vote_kinds`).

Names the gazetteer knows keep their kind: "the Facebook app" does not make Facebook an app.
Each function takes the article's paragraphs and its staged ``[kind, start, end, name]``
items and edits the items in place.
"""

from __future__ import annotations

import re
from collections import Counter

from searchlib.index.entities._canonical import CORPORATE
from searchlib.index.entities._features import caps_paragraph, is_word_char
from searchlib.index.entities._gazetteer import load, lookup

#: Nouns that say a name is a piece of software, a product, a storm or an object in the sky.
_THING_NOUNS = ("operating system", "distribution", "distro", "software", "app", "browser",
                "video game", "game engine", "game", "programming language", "blog",
                "website", "web site", "podcast", "smartphone", "console", "album", "song",
                "film", "movie", "novel", "hurricane", "typhoon", "cyclone", "tropical storm",
                "storm", "star system", "galaxy", "nebula", "exoplanet", "asteroid", "comet",
                "black hole", "project", "penguin", "dog", "cat", "horse", "whale", "shark",
                "bird", "species")
#: Of those, the ones that also stand before the name ("Hurricane Dorian", "the app X").
_BEFORE_NOUNS = ("operating system", "distribution", "software", "app", "browser",
                 "video game", "game", "blog", "website", "podcast", "album", "song", "film",
                 "movie", "novel", "hurricane", "typhoon", "cyclone", "tropical storm",
                 "storm", "asteroid", "comet")
#: Last words of product names ("Red Hat Enterprise Linux", "Chrome OS").
_PRODUCT_HEADS = frozenset({"Linux", "OS", "Windows"})
_NOUNS = "|".join(re.escape(n) for n in sorted(_THING_NOUNS, key=len, reverse=True))
_BEFORE = "|".join(re.escape(n) for n in sorted(_BEFORE_NOUNS, key=len, reverse=True))
#: Up to four describing words between "a" and the noun, none a preposition or pronoun
#: ("an upstream distribution", not "a fan of the video game").
_FILLER = r"(?:(?!(?:of|for|to|in|on|at|by|with|from|who|which|that|and|or)\b)[\w-]+ ){0,4}"
#: The noun ends its phrase ("Smith, a company spokesman" is no company).
_END = r"s?(?=[,.;:)\n]| (?:that|which|who|based|founded|in|of|for|and|with|from|by)\b|$)"
_SUFFIX = "(?:{})\\b".format("|".join(sorted(CORPORATE | {"Group", "Holdings", "Bros"},
                                            key=len, reverse=True)))
_CORPORATE = re.compile(rf",? (?:{_SUFFIX}|company\b|firm\b)")
_ORG_NOUNS = ("organisation|organization|group|company|firm|charity|non-profit|nonprofit|"
              "association|agency|union|band|club|team")
_ATTRIBUTIVE = re.compile(r" (?:administration|government|campaign|presidency|cabinet)\b")
_PLACE_AFTER = re.compile(r" (?:by-election|electorate|constituency|riding)\b")
_PLACE_BEFORE = re.compile(r"\b(?:in|near|outside)\s+$")


#: Cue contexts, compiled once: each gives the place where a name ends or begins.
_AFTER_NAME = (re.compile(rf" (?:{_NOUNS})s?\b"),  # "the CentOS project"
               re.compile(rf",? (?:(?:is|was) )?(?:a|an|the) {_FILLER}(?:{_NOUNS}){_END}"),
               re.compile(r" (?:v|version )?\d+\.\d+"))  # "Minetest 5.4"
_BEFORE_NAME = re.compile(rf"(?i:\b(?:{_BEFORE})),? ")  # "Hurricane Dorian"
#: The same over ASCII text lower-cased: five times faster than matching regardless of case,
#: and the same matches there (the nouns are lower case; beyond ASCII, case-blind matching
#: has its own rules, such as "ſ" for "s", so other text takes the pattern above).
_BEFORE_NAME_LOWER = re.compile(rf"\b(?:{_BEFORE}),? ")
_ACRONYM_AFTER = re.compile(r" \(([A-Z][A-Za-z]{1,6})\)")  # "... Enterprise Linux (RHEL)"
_SUFFIX_AFTER = re.compile(rf",? {_SUFFIX}")
_BETWEEN = re.compile(r"(?:(?: and| &)? [A-Z][\w&'.-]*){0,3}")  # "Saatchi and Saatchi Co"
_ORG_BEFORE = re.compile(rf"\b(?:(?:{_ORG_NOUNS}) (?:called|named|known as)|"
                         r"organi[sz]ation:?|charity:?|non-?profit:?|NGO:?) ")
_ORG_AFTER = re.compile(rf",? (?:(?:is|was) )?(?:a|an|the) {_FILLER}(?:{_ORG_NOUNS}){_END}")


def _known(name: str) -> bool:
    return lookup(name) is not None


def _bounded(text: str, start: int, end: int) -> bool:
    return (start == 0 or not (is_word_char(text[start - 1]) or text[start - 1] == "-")) and (
        end == len(text) or not (is_word_char(text[end]) or text[end] == "-"))


def _ending_at(text: str, end: int, names: list[str]) -> str | None:
    """The longest of *names* written in *text* up to *end*, as a whole word."""
    for name in names:  # longest first
        start = end - len(name)
        if start >= 0 and text.startswith(name, start) and _bounded(text, start, end):
            return name
    return None


def _starting_at(text: str, start: int, names: list[str]) -> str | None:
    """The longest of *names* written in *text* from *start*, as a whole word."""
    for name in names:
        if text.startswith(name, start) and _bounded(text, start, start + len(name)):
            return name
    return None


def before_name_ends(text: str) -> list[int]:
    """Where a name may start after a word such as "Hurricane" or "software": the ends of
    the matches of ``_BEFORE_NAME`` in *text*."""
    if text.isascii():
        return [m.end() for m in _BEFORE_NAME_LOWER.finditer(text.lower())]
    return [m.end() for m in _BEFORE_NAME.finditer(text)]


def drop_things(paragraphs: list[str], staged: list[list[list]]) -> None:
    """Drop the names the article writes as software, products, storms or sky objects.

    :param paragraphs: the article's paragraphs
    :param staged: per paragraph, ``[kind, start, end, name]`` items (edited in place)
    """
    canonical = {text[item[1]:item[2]]: item[3] for text, out in zip(paragraphs, staged,
                                                                   strict=True)
                 for item in out if not _known(item[3])}
    canonical.update({n: n for n in canonical.values()})
    names = set(canonical)
    if not names:
        return
    things = {canonical[n] for n in names if " " in n and (
        n.rsplit(" ", 1)[-1] in _PRODUCT_HEADS or n.split(" ")[0].lower() in _BEFORE_NOUNS)}
    text = "\n".join(paragraphs)
    longest = sorted(names, key=len, reverse=True)
    for pattern in _AFTER_NAME:
        for m in pattern.finditer(text):
            found = _ending_at(text, m.start(), longest)
            if found and not _CORPORATE.match(text, m.start()):
                things.add(canonical[found])
    for end in before_name_ends(text):
        found = _starting_at(text, end, longest)
        if found:
            things.add(canonical[found])
    if not things:
        return
    ordered = sorted(things, key=len, reverse=True)
    things.update(m.group(1) for m in _ACRONYM_AFTER.finditer(text)
                  if _ending_at(text, m.start(), ordered))  # RHEL
    words = {w for t in things for w in t.split(" ") if not _known(w)}
    for out in staged:
        out[:] = [item for item in out if item[3] not in things
                  and not (" " not in item[3] and item[3] in words)]


def drop_words(paragraphs: list[str], staged: list[list[list]]) -> None:
    """Drop one-word names that are common words the article also writes in lower case.

    :param paragraphs: the article's paragraphs
    :param staged: per paragraph, ``[kind, start, end, name]`` items (edited in place)
    """
    common = load().common
    single = {item[3] for out in staged for item in out
              if item[0] != "place" and " " not in item[3] and item[3].lower() in common
              and not _known(item[3])}
    if not single:
        return
    in_full = {w for out in staged for item in out if " " in item[3]
               for w in item[3].split(" ")}
    lower = set(re.findall(r"\b[a-z]+\b", "\n".join(paragraphs)))
    words = {w for w in single - in_full if w.lower() in lower}
    if words:
        for out in staged:
            out[:] = [item for item in out if item[3] not in words]


def attributive_people(paragraphs: list[str], staged: list[list[list]]) -> None:
    """A one-word organisation before "administration" in lower case is a person.

    :param paragraphs: the article's paragraphs
    :param staged: per paragraph, ``[kind, start, end, name]`` items (edited in place)
    """
    people = {item[3] for text, out in zip(paragraphs, staged, strict=True) for item in out
              if item[0] == "org" and " " not in item[3] and not _known(item[3])
              and _ATTRIBUTIVE.match(text, item[2])}
    for out in staged:
        for item in out:
            if item[3] in people:
                item[0] = "person"


def companies(paragraphs: list[str], staged: list[list[list]]) -> None:
    """A "person" the article also writes before a corporate suffix is a company ("Woolworth"
    beside "Woolworth Co", "Saatchi" beside "Saatchi and Saatchi Co"), unless the name begins
    with a first name ("Walt Disney"); so is one the article calls a group ("a group called
    Ashodaya Samithi", "Faithless Hijabi, a non-profit organisation").

    :param paragraphs: the article's paragraphs
    :param staged: per paragraph, ``[kind, start, end, name]`` items (edited in place)
    """
    first_names = load().first_names
    people = {item[3] for out in staged for item in out if item[0] == "person"}
    if not people:
        return
    text = "\n".join(paragraphs)
    longest = sorted(people, key=len, reverse=True)
    found = set()
    for m in _SUFFIX_AFTER.finditer(text):
        window = max(0, m.start() - 80)
        for name in longest:
            at = text.find(name, window, m.start())
            if at >= 0 and _bounded(text, at, at + len(name)) and _BETWEEN.fullmatch(
                    text, at + len(name), m.start()) and (
                    " " not in name or name.split(" ")[0] not in first_names):
                found.add(name)
    found.update(n for m in _ORG_BEFORE.finditer(text)
                 if (n := _starting_at(text, m.end(), longest)))
    found.update(n for m in _ORG_AFTER.finditer(text)
                 if (n := _ending_at(text, m.start(), longest)))
    for out in staged:
        for item in out:
            if item[0] == "person" and item[3] in found:
                item[0] = "org"


def vote_kinds(paragraphs: list[str], staged: list[list[list]]) -> None:
    """Give a one-word name the kind of most of its mentions in the article.

    :param paragraphs: the article's paragraphs
    :param staged: per paragraph, ``[kind, start, end, name]`` items (edited in place)
    """
    votes: dict[str, Counter] = {}
    for text, out in zip(paragraphs, staged, strict=True):
        for kind, start, end, name in out:
            if " " not in name:
                if kind != "place" and (_PLACE_BEFORE.search(text, max(0, start - 12), start)
                                        or _PLACE_AFTER.match(text, end)):
                    kind = "place"  # "in Mysore", "the Groom by-election"
                votes.setdefault(name, Counter())[kind] += 1
    chosen = {}
    for name, counts in votes.items():
        known = lookup(name)
        if known is not None and known[1] != "place":
            continue
        if len(counts) > 1:
            (best, n), (_, m) = counts.most_common(2)
            if n > m:
                chosen[name] = best
    for out in staged:
        for item in out:
            item[0] = chosen.get(item[3], item[0])


def headline_names(paragraphs: list[str], staged: list[list[list]]) -> None:
    """Keep the names of all-caps headlines only where the body backs them.

    :param paragraphs: the article's paragraphs
    :param staged: per paragraph, ``[kind, start, end, name]`` items (edited in place)
    """
    caps = [caps_paragraph(p) for p in paragraphs]
    if all(caps) or not any(caps):
        return  # no headline, or nothing but headlines: no body to back or to doubt them
    body = {item[3].casefold(): (item[0], item[3]) for cap, out in zip(caps, staged,
                                                                      strict=True)
            if not cap for item in out}
    longer = sorted(body, key=len, reverse=True)
    for text, cap, out in zip(paragraphs, caps, staged, strict=True):
        if not cap:
            continue
        kept: list[list] = []
        for item in out:
            if kept and item[1] < kept[-1][2]:
                continue  # inside a name extended below
            key = item[3].casefold()
            if key not in body:
                start = item[1]
                for name in longer:
                    end = start + len(name)
                    if name.startswith(key + " ") and text[start:end].casefold() == name and (
                            not text[end:end + 1].isalnum()):
                        item[0], item[2], item[3] = body[name][0], end, body[name][1]
                        break
                else:
                    if not _known(item[3]):
                        continue
            kept.append(item)
        out[:] = kept

"""Turn raw entity spans into :class:`Entity` objects with trimmed spans and canonical names.

Shared by every extractor, so that "the U.S.", "US" and "United States" count as one place
and "Qin" and "Qin Gang" as one person whichever extractor found them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from searchlib.index._format import KINDS
from searchlib.index._records import Entity
from searchlib.index.entities._canonical import (
    LEAD_WORDS,
    is_generic_org,
    is_not_name,
    org_name,
    person_name,
)
from searchlib.index.entities._cues import COMPASS, FUNCTION_WORDS, is_country
from searchlib.index.entities._evidence import (
    attributive_people,
    companies,
    drop_things,
    drop_words,
    headline_names,
    vote_kinds,
)
from searchlib.index.entities._gazetteer import canonical, clean, load, lookup
from searchlib.index.entities._roles import (
    acronyms,
    best_cased,
    org_role,
    role_before,
    role_mentions,
)

_ARTICLE = re.compile(r"(?:the|The|THE)\s+")
_POSSESSIVE = ("'s", "\u2019s", "'S", "\u2019S")
#: Characters that never start or end a name but often touch one.
_EDGE = " \t\n\"'\u2018\u2019\u201c\u201d()[]{},;:!?-\u2013\u2014"
#: Abbreviations whose final dot belongs to the name ("Corp.", "U.S.").
_DOTTED = frozenset({"Inc", "Corp", "Co", "Ltd", "Jr", "Sr", "Bros", "St", "Mt"})


def trim_span(paragraph: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a span to the CoNLL convention, or return None if nothing is left.

    Drops surrounding punctuation and spaces, a leading "the", a trailing possessive
    ("China's" -> "China", also with a curly quote), a sentence-final dot that is not part
    of an abbreviation, and an unclosed bracket with what follows it.
    """
    while True:
        before = (start, end)
        cut = paragraph.rfind("(", start, end)
        if cut > start and paragraph.find(")", cut, end) < 0:
            end = cut  # "World Health Organization (WHO": the bracket is not the name's
        while start < end and (paragraph[start] in _EDGE or paragraph[start] == "."):
            start += 1
        while start < end and paragraph[end - 1] in _EDGE:
            end -= 1
        match = _ARTICLE.match(paragraph, start, end)
        if match and match.end() < end:
            start = match.end()
        if paragraph[max(start, end - 2):end] in _POSSESSIVE and end - start > 2:
            end -= 2
        if end > start and paragraph[end - 1] == ".":
            word = paragraph[start:end - 1].rsplit(" ", 1)[-1]
            # "U.S." keeps its dot (several dots); "Corp." too; "Washington." does not.
            if "." not in word and word not in _DOTTED and not (len(word) == 1
                                                                and word.isupper()):
                end -= 1
        if (start, end) == before:
            return (start, end) if end > start else None


def resolve_people(names: list[str], headline: frozenset[str] = frozenset()
                   ) -> dict[str, str]:
    """Map partial person names to the one full name they are part of in the same article.

    "Qin" -> "Qin Gang" and "Blinken" -> "Antony Blinken", in whatever order they appear;
    a short form that fits several full names ("Smith" with "Ann Smith" and "Bob Smith")
    is left alone, because guessing would merge two people.

    :param names: every person name (already canonical) seen in the article
    :param headline: the person names of the headline: when a short form fits several full
        names, the one the headline names is the article's subject ("Mendez" beside "Tony
        Mendez" of the headline and his wife "Jonna Mendez")
    :returns: the names that change, mapped to their full form
    """
    full = {n for n in names if " " in n}
    # Words compared case-folded: a particle is capitalised at a sentence start ("Van
    # Gogh" is "Vincent van Gogh"), and nothing else in a canonical name differs by case.
    by_word: dict[str, set[str]] = {}
    for f in full:
        for word in f.casefold().split(" "):
            by_word.setdefault(word, set()).add(f)
    mapping: dict[str, str] = {}
    for name in set(names):
        words = name.casefold().split(" ")
        found = {f for f in by_word.get(words[0], ())
                 if f != name and _contains(f.casefold().split(" "), words)}
        # Prefer the longest: "Bill Clinton" within "President Bill Clinton" etc.
        longest = {f for f in found if not any(f != g and f in g for g in found)}
        if len(longest) > 1 and len(longest & headline) == 1:
            longest &= headline
        if len(longest) == 1:
            mapping[name] = longest.pop()
    return mapping


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i:i + n] == part for i in range(len(words) - n + 1))


def resolve(paragraphs: Sequence[str],
            spans: list[list[tuple[str, int, int]]]) -> list[list[Entity]]:
    """Build the entities of ONE article from raw spans.

    Trims each span (:func:`trim_span`) and gives it a canonical name: known aliases,
    then the rules of :mod:`~searchlib.index.entities._canonical` (no titles, roles or
    places in a person's name, no corporate suffix on an organisation's, no table words or
    generic head words as names). Within the article, the best-cased form of a name wins
    ("BANK OF ENGLAND" takes "Bank of England" from the body), an acronym takes the name it
    follows in brackets ("Securities and Exchange Commission (SEC)"), a partial person name
    takes the full name (:func:`resolve_people`), and "the minister", "the company" take the
    entity the article introduced with that role (:mod:`~searchlib.index.entities._roles`).
    Overlapping duplicates of the same span are dropped; entities come out sorted by position.

    :param paragraphs: the article's paragraphs in order
    :param spans: for each paragraph, ``(kind, start, end)`` character spans
    :raises ValueError: if the two lists differ in length or a kind is unknown
    """
    if len(paragraphs) != len(spans):
        raise ValueError(f"{len(paragraphs)} paragraphs but {len(spans)} span lists")
    staged: list[list[list]] = []  # per paragraph: [kind, start, end, name]
    roles: list[tuple[int, str, str, str]] = []  # (paragraph, kind, role, name)
    for p, (paragraph, raw) in enumerate(zip(paragraphs, spans, strict=True)):
        out: list[list] = []
        seen = set()
        for kind, start, end in sorted(raw, key=lambda s: (s[1], s[2])):
            if kind not in KINDS:
                raise ValueError(f"unknown entity kind {kind!r}")
            trimmed = trim_span(paragraph, max(0, start), min(len(paragraph), end))
            if trimmed is not None:
                trimmed = _drop_lead_words(paragraph, *trimmed)
            if trimmed is None or trimmed in seen or _speaker_tag(paragraph, *trimmed):
                continue
            seen.add(trimmed)
            found = _name(paragraph, trimmed[0], trimmed[1], kind)
            if found is None:
                continue
            kind, name, role = found
            if role:
                roles.append((p, kind, role, name))
            out.append([kind, trimmed[0], trimmed[1], name])
        staged.append(out)
    paragraphs = list(paragraphs)
    for evidence in (headline_names, drop_things, drop_words, attributive_people,
                     companies, vote_kinds):
        evidence(paragraphs, staged)
    _surnames_are_people(staged)
    _companies_are_no_people(staged)
    mapping = best_cased(staged)
    mapping.update(acronyms(paragraphs, staged, mapping))
    for out in staged:
        for item in out:
            item[0], item[3] = mapping.get((item[0], item[3]), (item[0], item[3]))
    full = resolve_people([item[3] for out in staged for item in out if item[0] == "person"],
                          frozenset(item[3] for item in staged[0] if item[0] == "person")
                          if staged else frozenset())
    for out in staged:
        for item in out:
            if item[0] == "person":
                item[3] = full.get(item[3], item[3])
    roles = [(p, kind, role, full.get(name, name) if kind == "person" else
              mapping.get((kind, name), (kind, name))[1]) for p, kind, role, name in roles]
    role_mentions(paragraphs, staged, roles)
    return [[Entity(kind, paragraph[s:e], s, e, name) for kind, s, e, name in out]
            for paragraph, out in zip(paragraphs, staged, strict=True)]


def _surnames_are_people(staged: list[list[list]]) -> None:
    """A lone word of a person's full name in the article is that person, not an org or a
    place ("the Trump campaign" beside "Donald Trump"), unless it is a known name."""
    words = {w for out in staged for kind, _, _, name in out if kind == "person"
             for w in name.split(" ")[1:] if " " in name}
    if not words:
        return
    for out in staged:
        for item in out:
            if item[0] != "person" and item[3] in words and lookup(item[3]) is None:
                item[0] = "person"


#: Last words of organisations named after a person ("Reagan Administration", "Doris Day
#: Animal Foundation"): the person is no company.
_NAMED_AFTER_PEOPLE = frozenset({"Administration", "Government", "Campaign", "Cabinet",
                                 "Foundation", "Institute", "Center", "Centre", "Library",
                                 "Museum", "Prize", "Award", "Trust", "Fund"})


def _companies_are_no_people(staged: list[list[list]]) -> None:
    """A "person" that begins an organisation's name in the article, or begins with one, is
    that organisation ("USAir" beside "USAir Group Inc", "Pan Am" beside "Pan Am Corp")."""
    orgs = [name.split(" ") for out in staged for kind, _, _, name in out if kind == "org"
            and name.rsplit(" ", 1)[-1] not in _NAMED_AFTER_PEOPLE]
    if not orgs:
        return
    heads = {" ".join(words[:k]) for words in orgs for k in range(1, len(words) + 1)}
    singles = {words[0] for words in orgs if len(words) == 1}
    first_names = load().first_names
    # ... unless it looks like a person: a first name, or a word of a person's full name
    # ("Reagan" beside "Ronald Reagan" and "the Reagan Administration").
    surnames = {w for out in staged for kind, _, _, name in out
                if kind == "person" and " " in name and name.split(" ")[0] in first_names
                for w in name.split(" ")}
    people = set()
    for out in staged:
        for item in out:
            name = item[3]
            if item[0] == "person" and (name in heads or name.split(" ")[0] in singles) and (
                    name.split(" ")[0] not in first_names and name not in surnames):
                people.add(name)
    for out in staged:
        for item in out:
            if item[0] == "person" and item[3] in people:
                item[0] = "org"


#: Lower-case words that join the words of a name and never begin or end one.
_CONNECTORS = ("of", "and", "&", "the", "for")


def _drop_lead_words(paragraph: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop sentence words glued to the front of a name ("So Faithless ...", "Hi Agastya")."""
    while True:
        word, space, _ = paragraph[start:end].partition(" ")
        # A lead word dropped can leave a connector in front: "Leaders of African Union".
        if not space or not (word in FUNCTION_WORDS or word in LEAD_WORDS
                             or word in _CONNECTORS):
            break
        start += len(word) + 1
    while True:  # "University of" cut before its place: no dangling "of" either
        _, space, word = paragraph[start:end].rpartition(" ")
        if not space or word not in (*_CONNECTORS, "de", "la"):
            break
        end -= len(word) + 1
    return start, end


def _speaker_tag(paragraph: str, start: int, end: int) -> bool:
    """An interview's speaker tag, "((WN))" or "((Jaya))": a label, not a mention."""
    if paragraph[max(0, start - 2):start] == "((" and paragraph[end:end + 2] == "))":
        return True
    close = paragraph.find("))")  # or inside the tag that opens an interview paragraph
    return paragraph.startswith("((") and 0 < close and end <= close


def _name(paragraph: str, start: int, end: int, kind: str) -> tuple[str, str, str] | None:
    """(kind, canonical name, role) of one trimmed span, or None if it names nothing."""
    surface = paragraph[start:end]
    if paragraph[end:end + 2] in ("'s", "\u2019s") and lookup(surface + "'s"):
        surface += "'s"  # "Moody's", "Standard and Poor's": the possessive is the name
    found = _canonical(surface, kind)
    if found is not None and found[0] == "person" and not found[2]:
        role = role_before(paragraph, start)
        if role:
            return found[0], found[1], role
    return found


@lru_cache(maxsize=100_000)
def _canonical(surface: str, kind: str) -> tuple[str, str, str] | None:
    """The context-free part of :func:`_name`, cached: names recur across articles."""
    # "WHO" in capitals is the organisation, though "Who" opens many a sentence.
    acronym = len(surface) > 1 and surface.isupper() and lookup(surface) is not None
    if (surface.capitalize() in FUNCTION_WORDS and not acronym) or surface in COMPASS or (
            surface in LEAD_WORDS) or (
            surface in load().demonyms and lookup(surface) is None) or not any(
            c.isalpha() for c in surface):
        return None
    known = lookup(surface)
    if known is not None and known[1] == "org" and surface not in load().weak:
        kind = "org"  # a known organisation ("Kodak said", "via Twitter") whatever the model
    if known is not None and known[1] == kind and surface.endswith("'s"):
        name = known[0]  # "Moody's": canonical() would cut the possessive
    else:
        name = clean(canonical(surface, kind))
    if kind == "org" and is_country(name):
        kind = "place"  # "his US counterpart": a country, whatever the model thought
    if not name or is_not_name(name):
        return None
    role = ""
    if kind == "person":
        if "misc" in load().cues.get(name.rsplit(" ", 1)[-1], ()):
            return None  # "Doris Day Show" is a show, not a person
        name, role = person_name(name)
        if is_not_name(name) or _is_title_only(name):
            return None
    elif kind == "org":
        name = org_name(name)
        if is_generic_org(name) or is_not_name(name):
            return None
        role = org_role(surface, name)
    return kind, name, role


def _is_title_only(name: str) -> bool:
    cues = load().cues.get(name, ())
    return " " not in name and ("title" in cues or "role" in cues)

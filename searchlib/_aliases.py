"""Names on the query side: the extractor's aliases and demonyms, read through its gazetteer.

The index stores canonical entity names ("United States"), so what a user types ("US",
"U.S.", "USA", "American") is resolved here with the same tables the extractor used when
it wrote them (:mod:`searchlib.index.entities._gazetteer`): one source of truth, whatever
that data says tomorrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from searchlib.index.entities import _gazetteer as gazetteer


@dataclass(frozen=True)
class Resolved:
    """A name as typed and the canonical entity it stands for.

    :param given: the name as the user typed it
    :param name: the canonical name the index holds
    :param kind: ``person``, ``place`` or ``org``
    """

    given: str
    name: str
    kind: str

    def to_dict(self) -> dict:
        return {"given": self.given, "name": self.name, "kind": self.kind}


def is_acronym(word: str) -> bool:
    """True for a word typed in capitals ("US", "WHO", "U.K."): news means the acronym."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def alias_of_word(word: str) -> Resolved | None:
    """The entity a bare query word names, case-sensitively, or ``None``.

    Only a word typed with a capital letter can name an entity ("US", "Iran"); "us" and
    "who" are ordinary words.

    :param word: the word as typed
    """
    if not word or not word[0].isupper():
        return None
    hit = gazetteer.lookup(word)
    return Resolved(word, hit[0], hit[1]) if hit else None


def resolve(kind: str, name: str) -> Resolved | None:
    """The canonical entity *name* stands for as a *kind*, when the tables know it.

    The field already says what is meant, so case is not needed to tell "us" from "US":
    the name as typed is tried, then in capitals (``place:usa``), then capitalised. A
    place may also be given by its demonym (``place:Iranian`` is Iran).

    :param kind: the entity field the name is looked up for
    :param name: the name as typed (``US``, ``U.S.``, ``Turkey``)
    :returns: ``None`` for a name the tables do not know (it is searched as written)
    """
    name = " ".join(name.split())
    forms = [name]
    if len(name) <= 6:
        forms.append(name.upper())
    forms.append(" ".join(w[:1].upper() + w[1:] for w in name.split(" ")))
    for form in forms:
        hit = gazetteer.lookup(form)
        if hit and hit[1] == kind:
            return Resolved(name, hit[0], kind)
    if kind == "place":
        for form in forms:
            place = gazetteer.load().demonyms.get(form)
            if place:
                return Resolved(name, place, kind)
    return None


@lru_cache(maxsize=1)
def _reverse() -> tuple[dict[tuple[str, str], frozenset[str]], dict[str, frozenset[str]]]:
    # Built once per process from the loaded tables: (canonical, kind) -> its surface
    # forms, and place -> its demonyms.
    tables = gazetteer.load()
    forms: dict[tuple[str, str], set[str]] = {}
    for surface, (canon, kind) in tables.names.items():
        forms.setdefault((canon, kind), set()).add(surface)
    demonyms: dict[str, set[str]] = {}
    for word, place in tables.demonyms.items():
        if place:
            demonyms.setdefault(place, set()).add(word)
    return ({k: frozenset(v) for k, v in forms.items()},
            {k: frozenset(v) for k, v in demonyms.items()})


def surface_forms(name: str, kind: str) -> frozenset[str]:
    """Every way the tables write the entity *name* of *kind* ("US", "U.S.", "America", ...)."""
    return _reverse()[0].get((name, kind), frozenset({name}))


def demonyms(place: str) -> frozenset[str]:
    """The nationality words of a place ("Iran" -> "Iranian", "Iranians")."""
    return _reverse()[1].get(place, frozenset())


def is_common_word(word: str) -> bool:
    """True when *word*, lower-cased, is a common English word ("who", "us")."""
    return word.lower() in gazetteer.load().common

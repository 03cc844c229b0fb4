"""The tagger's spans made trustworthy: what the article as a whole says about its names.

The tagger decides from a five-word window; these passes look at the whole article (a
surname of a person named in full, names in all-caps headlines the body never uses, a first
name tagged apart from its surname, countries and hyphenated places the model missed).
"""

from __future__ import annotations

import re
from functools import lru_cache

from searchlib.index.entities._canonical import CORPORATE
from searchlib.index.entities._cues import is_country, split_hyphen
from searchlib.index.entities._features import KIND_OF_TYPE, caps_paragraph, is_word_char
from searchlib.index.entities._gazetteer import load, lookup

Span = tuple[str, int, int]


def article_spans(paragraphs: list[str], tagged: list[list[Span]]) -> list[list[Span]]:
    """The (kind, start, end) spans of an article from the tagger's (TYPE, start, end) ones.

    :param paragraphs: the article's paragraphs
    :param tagged: the tagger's spans of each paragraph
    """
    tagged = [join_first_names(text, para) for text, para in zip(paragraphs, tagged, strict=True)]
    tagged = surnames(paragraphs, trusted_in_capitals(paragraphs, tagged))
    return [[(KIND_OF_TYPE[t], s, e) for t, s, e in para if t in KIND_OF_TYPE]
            + hyphen_places(text, para) + missed_countries(text, para)
            for text, para in zip(paragraphs, tagged, strict=True)]


def surnames(paragraphs: list[str], tagged: list[list[tuple[str, int, int]]]
              ) -> list[list[tuple[str, int, int]]]:
    """Tag the bare surnames of the article's people that the tagger left untagged.

    The tagger decides from a five-word window, so "Day said" at a sentence start may look
    like the common word; a surname of a person the article names in full is that person.
    """
    common = load().common
    last = {text[s:e].rsplit(" ", 1)[-1] for text, spans in zip(paragraphs, tagged,
                                                                 strict=True)
            for t, s, e in spans if t == "PER" and " " in text[s:e]}
    last = {w for w in last if len(w) > 2 and w[0].isupper() and w.isalpha()}
    if not last:
        return tagged
    out = []
    for text, spans in zip(paragraphs, tagged, strict=True):
        extra = [("PER", a, b) for a, b in _whole_words(text, last)
                 if not any(s < b and a < e for _, s, e in spans)
                 and (text[a:b].lower() not in common or not caps_paragraph(text))]
        out.append(sorted(spans + extra, key=lambda x: x[1]) if extra else spans)
    return out


def _whole_words(text: str, words: set[str]) -> list[tuple[int, int]]:
    """Spans where one of *words* (letters only) stands as a whole word: not after a word
    character, apostrophe or hyphen, not before a word character or hyphen.

    What a regex alternation of the words would find, without compiling one per article
    (that was a tenth of the extractor's time): whole-word occurrences of different words
    cannot overlap.
    """
    found = []
    for word in words:
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if (not is_word_char(before) and before not in "'\u2019-"
                    and not is_word_char(after) and after != "-"):
                found.append((start, end))
            start = text.find(word, start + 1)
    found.sort()
    return found


def trusted_in_capitals(paragraphs: list[str], tagged: list[list[tuple[str, int, int]]]
                         ) -> list[list[tuple[str, int, int]]]:
    """In all-caps headlines drop short unknown words and place names that are also words,
    unless the body names them too: capitals carry no signal there ("PRODUCER SPLIT HEATS
    UP ...") and a wire headline is full of tickers and table words ("1ST QTR NET")."""
    caps = [caps_paragraph(p) for p in paragraphs]
    if not any(caps):
        return tagged
    weak = load().weak
    body = {text[s:e].casefold() for text, spans, cap in zip(paragraphs, tagged, caps,
                                                             strict=True)
            if not cap for _, s, e in spans}
    out = []
    for text, spans, cap in zip(paragraphs, tagged, caps, strict=True):
        if cap:
            kept = []
            for t, s, e in spans:
                surface = text[s:e]
                hit = lookup(surface)
                if surface.casefold() in body or hit is not None and (
                        hit[1] == "org" or is_country(hit[0])):
                    kept.append((t, s, e))
                elif len(surface) > 4 and (hit is None or surface.title() not in weak):
                    kept.append((t, s, e))  # short unknown words are mostly tickers
            spans = kept
        out.append(spans)
    return out


def join_first_names(text: str, spans: list[tuple[str, int, int]]
                      ) -> list[tuple[str, int, int]]:
    """Join a first name tagged apart to the person right after it ("Antony" + "Blinken"),
    and a "person" with no first name to the organisation right after it ("Drexel" +
    "Burnham Lambert Inc"), a nationality to the organisation after it ("Iranian" + "Chess
    Federation"), the words of a surname with particles ("Rocky De" + "La" + "Fuente"), and a
    hyphenated given name to the surname before it ("Chang Chi-cheng").

    Tags are read without a transition model, so an org cue before a name ("Secretary of
    State Antony Blinken") can pull its first word into another type.
    """
    spans = _through_of(text, spans)
    if not spans:
        return spans
    first_names = load().first_names
    out = [spans[0]]
    for t, s, e in spans[1:]:
        pt, ps, pe = out[-1]
        if s == pe + 1 and text[pe] == " ":
            joined = lookup(text[ps:e])
            if joined is not None and t != pt:
                out[-1] = (_TYPE_OF_KIND[joined[1]], ps, e)  # "New" + "York"
                continue
            head, _, last = text[ps:pe].rpartition(" ")
            if (t == "PER" and pt != "PER" and not head and lookup(text[ps:pe]) is None
                    and not load().cues.get(text[ps:pe])):
                out[-1] = ("PER", ps, e)  # "Suu" + "Kyi": an unknown word before a person
                continue
            if t == "PER" and pt != "PER" and last in first_names:
                # "Secretary of State Antony" + "Blinken": the first name goes with him
                if head:
                    out[-1] = (pt, ps, ps + len(head))
                    out.append(("PER", pe - len(last), e))
                else:
                    out[-1] = ("PER", ps, e)
                continue
            if pt == "PER" and t == "ORG" and text[ps:pe].split(" ")[0] not in first_names and (
                    text[s:e].rstrip(".").rsplit(" ", 1)[-1] in CORPORATE):
                out[-1] = ("ORG", ps, e)  # "Drexel" + "Burnham Lambert Inc"
                continue
            if "PER" in (t, pt) and (text[s:e] in _PARTICLES or last in _PARTICLES
                                      or not head and text[ps:pe] in _PARTICLES):
                out[-1] = ("PER", ps, e)  # "Rocky De" + "La" + "Fuente"
                continue
            if pt == "MISC" and t == "ORG" and text[ps:pe] in load().demonyms:
                out[-1] = ("ORG", ps, e)  # "Iranian" + "Chess Federation"
                continue
            if pt == "PER" and _ROMAN.match(text[s:e]):
                out[-1] = ("PER", ps, e)  # "Elizabeth" + "II"
                continue
        out.append((t, s, e))
    return [(t, s, e + m.end()) if t == "PER" and (m := _GIVEN.match(text[e:])) else (t, s, e)
            for t, s, e in out]


def _through_of(text: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """An organisation tagged from "of" on, or right after "<org cue word> of", takes the
    capitalised word before "of", and the name that word ends ("US House" + "of Representatives",
    "Ministry of" + "Defence")."""
    out: list[tuple[str, int, int]] = []
    for t, s, e in spans:
        if t == "ORG" and out and out[-1][0] == "ORG" and out[-1][2] + 1 == s and (
                text.endswith(" of", 0, out[-1][2])):
            s = out.pop()[1]  # "National Conference of" + "State Legislatures"
        elif t == "ORG" and (m := _WORD_OF.search(text, 0, s)) and (
                "org" in load().cues.get(m.group(1), ())) and (
                not out or out[-1][2] <= m.start(1)
                or out[-1][2] == m.end(1) and out[-1][0] == "ORG"):
            # "Ministry" + "of" + "Defence", "Bank" + "of" + "Japan"
            s = out.pop()[1] if out and out[-1][2] == m.end(1) else m.start(1)
        elif t == "ORG" and text.startswith("of ", s) and (
                m := _WORD_BEFORE.search(text, 0, s)):
            if out and out[-1][2] == m.end(1):
                if out[-1][0] == "PER":  # "Tristan Smith of University College London"
                    out.append((t, s + 3, e))
                    continue
                s = out.pop()[1]
            elif not out or out[-1][2] <= m.start(1):
                s = m.start(1)
        out.append((t, s, e))
    return out


#: A hyphenated given name after a surname ("Chang" + "Chi-cheng", "Kim" + "Dae-jung").
_GIVEN = re.compile(r" [A-Z][a-z]+-[a-z]+\b")
_WORD_BEFORE = re.compile(r"([A-Z][\w.]*) $")
_WORD_OF = re.compile(r"(?<![\w'])([A-Z][a-z]+) of $")
_TYPE_OF_KIND = {"person": "PER", "place": "LOC", "org": "ORG"}
_ROMAN = re.compile(r"^(?:I{2,3}|IV|VI{0,3}|IX|XI{0,3})$")
#: Words inside surnames that the tagger may tag apart ("Rocky De La Fuente").
_PARTICLES = frozenset({"De", "La", "Del", "Della", "Di", "Da", "Van", "Von", "Der", "Den",
                        "Le", "Du", "Dos", "Das", "Bin", "Ibn"})


_CAPITALISED = re.compile(r"\b[A-Z][\w.]*(?: [A-Z][\w.]*)*")


@lru_cache(maxsize=1)
def _known_forms() -> frozenset[str]:
    """The surface forms always taken for their entity where written as they are: every
    form of a country, and the capital-letter acronyms of known organisations ("WHO")."""
    forms = set()
    for form, (canon, kind) in load().names.items():
        if kind == "place" and is_country(canon):
            forms.add(form)
        elif kind == "org" and 2 <= len(form.replace(".", "")) <= 6 and form.isupper() and (
                form.replace(".", "").isalpha()):
            forms.add(form)
    return frozenset(forms)


def missed_countries(text: str, spans: list[tuple[str, int, int]]
                      ) -> list[tuple[str, int, int]]:
    """Countries and known organisations' acronyms the tagger left untagged, or tagged only
    as part of a MISC word ("Visits by US officials", "US-built", "WHO said"): a country is a
    place wherever it is written with its capitals, and "WHO" in capitals is the
    organisation (not in a headline set all in capitals, where every word is)."""
    out = []
    forms = _known_forms()
    shouting = text.isupper()
    for m in _CAPITALISED.finditer(text):
        surface = m.group().rstrip(".") if not m.group().endswith("S.") else m.group()
        if surface not in forms:
            continue
        start, end = m.span()
        if any(s < end and start < e and t != "MISC" for t, s, e in spans):
            continue
        hit = lookup(surface)
        if hit is None or surface in load().weak:
            continue
        if hit[1] == "place" and is_country(hit[0]):
            out.append(("place", start, start + len(surface)))
        elif hit[1] == "org" and not shouting:
            out.append(("org", start, start + len(surface)))
    return out


_HYPHENATED = re.compile(r"\b[A-Z][\w]*(?:-[A-Z][\w]*)+\b")


def hyphen_places(text: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The places inside "Sino-US" style words that are no name of their own.

    A search for the United States should find Sino-US relations (see the rules extractor).
    """
    if "-" not in text:
        return []
    g = load()
    out = []
    for m in _HYPHENATED.finditer(text):
        if any(s < m.end() and m.start() < e and t != "MISC" for t, s, e in spans):
            continue
        for a, b in split_hyphen(g, m.group()) or ():
            out.append(("place", m.start() + a, m.start() + b))
    return out

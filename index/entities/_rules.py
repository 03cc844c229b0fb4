"""The ``rules`` extractor: gazetteers, cue words and capitalisation, in pure Python.

How a paragraph is read:

1. Tokens are words (with inner hyphens and apostrophes), dotted abbreviations ("U.S.",
   "Mr.") and numbers; a possessive "'s" is split off and ends a name.
2. Runs of capitalised tokens, joined by "of", "de", "van", "&" ..., are candidate names.
   A sentence-initial common or function word ("Visits", "The", "In") is dropped from the
   front of a run, and common non-entity acronyms ("AI", "GDP") from either end;
   months, weekdays and the like are dropped from either end.
3. Leading titles and roles ("Foreign Minister", "Mr", "President") are cut off and make
   the rest a person; a known place or nationality before a title ("US President Joe
   Biden") is split off.
4. The rest is classified by, in order: the gazetteer, organisation cue words ("Ministry",
   "Inc", "Party"), "Person of Org" / "Club of Country" splits, org context ("analysts at
   ...", "... shares"), initials and first names, place cue words ("River"), the words
   around it ("in ...", "... said") and sports-results layout; what is left is decided
   in a second pass over the whole article, where a word seen in a person's full name is
   that person.
5. All-caps paragraphs (headlines, datelines) carry no capitalisation signal, so only
   known names and names already found in the article's other paragraphs are taken.

"Sino-US": a hyphenated word whose parts are places or combining forms ("Sino",
"Anglo") yields the known place parts ("US" -> United States) and nothing for the rest,
because a search for the United States should find Sino-US relations, while "Sino" is a
prefix, not a name of China.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from searchlib.index._records import Entity
from searchlib.index.entities._base import Extractor, register
from searchlib.index.entities._cues import (
    COMPASS,
    CONNECT,
    FUNCTION_WORDS,
    NON_ENTITY_ACRONYMS,
    PERSON_AFTER,
    PLACE_BEFORE,
    is_country,
    org_context,
    split_hyphen,
)
from searchlib.index.entities._gazetteer import Gazetteer, load, lookup
from searchlib.index.entities._normalise import resolve

_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}"                       # U.S., U.K.
    r"|(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Gov|Sen|Rep|Rev|Prof|Capt|Adm|Mt|Jr|Sr|Inc|Corp"
    r"|Co|Ltd|Bros|No|vs)\.(?=\s)"
    r"|[A-Z]\.(?=\s+[A-Z])"                     # an initial: George W. Bush
    r"|[^\W_][\w&]*(?:['\u2019\-][^\W_][\w&]*)*"
    r"|&"
)
_POSSESSIVE = ("'s", "\u2019s", "'S", "\u2019S")
_CAPS_WORD = re.compile(r"\b[^\W\d_a-z]{2,}\b")
_ALPHA_WORD = re.compile(r"\b[^\W\d_]")
_SENTENCE_GAP = re.compile(r"[.!?:;\"\u201c\u201d(\[]|\s[-\u2013\u2014]\s|\n")


def _tokens(paragraph: str) -> list[tuple[str, int, int, bool, bool, bool]]:
    """Per token: (text, start, end, sentence-initial, possessive, joined to the previous).

    *joined* means only spaces separate it from the previous token, so both may belong to
    one name; a possessive is cut off the token and ends any name.
    """
    out: list = []
    prev_end = 0
    possessive_before = False
    for m in _TOKEN.finditer(paragraph):
        text, start, end = m.group(), m.start(), m.end()
        if start - prev_end == 1 and paragraph[prev_end] == " ":
            # the common case, a single space: same sentence, joined unless after "'s"
            initial, joined = not out, bool(out) and not possessive_before
        else:
            gap = paragraph[prev_end:start]
            initial = not out or _SENTENCE_GAP.search(gap) is not None
            joined = bool(out) and not possessive_before and not gap.strip()
        possessive_before = text[-2:] in _POSSESSIVE and len(text) > 2
        if possessive_before:
            text, end = text[:-2], end - 2
        out.append((text, start, end, initial, possessive_before, joined))
        prev_end = m.end()
    return out


def _in_results(tokens: list, run: list[int]) -> bool:
    """True if the name is followed by a score in a line of sports results."""
    j = run[-1] + 1
    if j >= len(tokens) or not tokens[j][0][:1].isdigit():
        return False
    return sum(1 for t in tokens if t[0][:1].isdigit()) >= 2


def _is_caps_paragraph(text: str) -> bool:
    """True for headlines and datelines: two thirds or more of the words are all capitals."""
    upper = len(_CAPS_WORD.findall(text))
    return upper >= 1 and upper * 3 >= len(_ALPHA_WORD.findall(text)) * 2


class _Candidate:
    __slots__ = ("para", "start", "end", "text", "kind", "initial", "guess")

    def __init__(self, para: int, start: int, end: int, text: str, kind: str | None,
                 initial: bool, guess: str = "") -> None:
        self.para, self.start, self.end, self.text = para, start, end, text
        self.kind, self.initial, self.guess = kind, initial, guess


class _Reader:
    """Finds candidate spans in one article; kept per call so it holds no state."""

    def __init__(self, g: Gazetteer) -> None:
        self.g = g
        self.cands: list[_Candidate] = []

    # -- runs ---------------------------------------------------------------------
    def paragraph(self, para: int, text: str) -> bool:
        """Collect the candidates of one paragraph; False if it is all capitals."""
        if _is_caps_paragraph(text):
            return False
        tokens = _tokens(text)
        g = self.g
        run: list[int] = []
        n = len(tokens)
        for i, tok in enumerate(tokens):
            word = tok[0]
            if "-" in word:
                places = split_hyphen(g, word)
                if places is not None:
                    self._close(para, text, tokens, run)
                    run = []
                    for s, e in places:
                        self.cands.append(_Candidate(para, tok[1] + s, tok[1] + e,
                                                     word[s:e], "place", False))
                    continue
            if word[0].isupper():
                if run and not tok[5]:
                    self._close(para, text, tokens, run)
                    run = []
                run.append(i)
                if tok[4]:
                    self._close(para, text, tokens, run)
                    run = []
            elif (run and word in CONNECT and tok[5] and i + 1 < n
                  and tokens[i + 1][0][0].isupper() and tokens[i + 1][5]):
                run.append(i)
            elif run:
                self._close(para, text, tokens, run)
                run = []
        self._close(para, text, tokens, run)
        return True

    def _close(self, para: int, text: str, tokens: list, run: list[int]) -> None:
        if not run:
            return
        g = self.g
        words = [tokens[i][0] for i in run]
        initial = tokens[run[0]][3]
        # Sentence case: drop common words from the front while they start the sentence.
        while words and initial:
            w = words[0]
            if any(lookup(" ".join(words[:k])) for k in range(min(4, len(words)), 1, -1)):
                break
            if w in FUNCTION_WORDS or w.lower() in g.common and (
                    lookup(w) is None or w in g.weak) and not (
                    w in g.first_names and len(words) > 1):
                run, words, initial = run[1:], words[1:], False
            else:
                break
        while words and (words[0] in CONNECT or words[0] == "The"
                         or words[0] in NON_ENTITY_ACRONYMS
                         or "stop" in g.cues.get(words[0], ())):
            run, words, initial = run[1:], words[1:], False
        while words and (words[-1] in CONNECT or words[-1] in NON_ENTITY_ACRONYMS
                         or "stop" in g.cues.get(words[-1], ())):
            run, words = run[:-1], words[:-1]
        if words and (len(words) > 1 or len(words[0]) > 1):
            self._classify(para, text, tokens, run, words, initial)

    # -- classification -------------------------------------------------------------
    def _emit(self, para: int, tokens: list, run: list[int], kind: str | None,
              initial: bool, guess: str = "") -> None:
        start, end = tokens[run[0]][1], tokens[run[-1]][2]
        text = " ".join(tokens[i][0] for i in run)
        self.cands.append(_Candidate(para, start, end, text, kind, initial, guess))

    def _classify(self, para: int, text: str, tokens: list, run: list[int],
                  words: list[str], initial: bool) -> None:
        g = self.g
        cues = g.cues
        surface = text[tokens[run[0]][1]:tokens[run[-1]][2]]
        hit = g.names.get(surface) or lookup(surface)
        if hit is not None and not (initial and surface in g.weak):
            kind = hit[1]
            if kind == "place" and _in_results(tokens, run) and not is_country(hit[0]):
                kind = "org"  # a club named after its town: "Leeds 2 Chelsea 1"
            self._emit(para, tokens, run, kind, initial)
            return
        if "misc" in cues.get(words[-1], ()) or all(w in g.demonyms or w in COMPASS
                                                     for w in words):
            return
        if len(words) > 2 and words[0] in g.demonyms and (
                words[1] in g.first_names or len(words[1]) == 2 and words[1][1] == "."):
            # "American John Smith": the nationality is not part of the name
            run, words, initial = run[1:], words[1:], False
        if len(words) > 1 and len(words[0]) == 2 and words[0][1] == "." and all(
                w not in g.demonyms for w in words) and all(
                "org" not in cues.get(w, ()) and w not in CONNECT for w in words):
            self._emit(para, tokens, run, "person", initial)  # "J. Smith"
            return
        if self._split_of(para, text, tokens, run, words, initial):
            return
        if "&" in words or "org" in cues.get(words[-1], ()) or (
                len(words) > 2 and "org" in cues.get(words[0], ()) and words[1] == "of"):
            self._emit(para, tokens, run, "org", initial)
            return
        # Titles, roles and a leading place or nationality ("US President Joe Biden").
        titled = False
        k = 0
        while k < len(words) - 1:
            w = words[k]
            c = cues.get(w, ())
            if "title" in c or "role" in c or (w in CONNECT and k):
                titled = titled or "title" in c
                k += 1
                continue
            nxt = cues.get(words[k + 1], ())
            if ("title" in nxt or "role" in nxt) and (w in g.demonyms or lookup(w)):
                place = lookup(w)
                if place is not None:
                    self._emit(para, tokens, run[k:k + 1], place[1], initial and k == 0)
                k += 1
                continue
            break
        if k:
            last = cues.get(words[-1], ())
            if k == len(words) - 1 and ("title" in last or "role" in last):
                return
            run, words = run[k:], words[k:]
            initial = False
            hit = lookup(" ".join(words))
            if hit is not None:
                self._emit(para, tokens, run, hit[1], initial)
                return
        if titled:
            self._emit(para, tokens, run, "person", initial)
            return
        if len(words) == 1 and words[0] in g.demonyms:
            return
        if org_context(tokens, run[0], run[-1]):
            self._emit(para, tokens, run, "org", initial)  # "analysts at Morgan Stanley"
            return
        first = words[0]
        if len(words) > 1 and first in g.first_names and "place" not in cues.get(
                words[-1], ()):
            self._emit(para, tokens, run, "person", initial)
            return
        if "place" in cues.get(words[-1], ()) or (len(words) > 1 and "place" in cues.get(
                first, ()) and first not in ("St", "St.")):
            self._emit(para, tokens, run, "place", initial)
            return
        self._emit(para, tokens, run, None, initial, self._context(text, tokens, run))

    def _split_of(self, para: int, text: str, tokens: list, run: list[int],
                  words: list[str], initial: bool) -> bool:
        """Read "Jane Roe of Acme Corp" and "Leeds of England" as two names."""
        if "of" not in words[1:-1]:
            return False
        k = words.index("of")
        left, right = words[:k], words[k + 1:]
        cues = self.g.cues
        if any(cues.get(w, frozenset()) & _NOT_SPLIT for w in left):
            return False
        person = len(left) > 1 and left[0] in self.g.first_names
        hit = lookup(" ".join(right))
        if not person and not (hit is not None and is_country(hit[0])):
            return False
        own = lookup(" ".join(left))
        if not person and own is not None and own[1] == "place" and not is_country(own[0]):
            self._emit(para, tokens, run[:k], "org", initial)  # a club: "Lyon of France"
        else:
            self._classify(para, text, tokens, run[:k], left, initial)
        self._classify(para, text, tokens, run[k + 1:], right, False)
        return True

    def _context(self, text: str, tokens: list, run: list[int]) -> str:
        """A guess from the neighbouring words, for the article-wide second pass."""
        i, j = run[0], run[-1]
        before = tokens[i - 1][0] if i > 0 and not tokens[i][3] else ""
        after = tokens[j + 1][0] if j + 1 < len(tokens) else ""
        if _in_results(tokens, run):
            return "org"  # a sports result: "Leicestershire 22 points, Somerset 4"
        if len(run) == 1 and tokens[i][0].isupper() and 1 < len(tokens[i][0]) < 6:
            return "org"  # an unknown acronym is far more often a body than a person
        if after in PERSON_AFTER:
            return "person"
        if before in PLACE_BEFORE:
            return "place"
        return ""


def _caps_paragraph(g: Gazetteer, para: int, text: str, memory: dict[str, str],
                    out: list[tuple[str, int, int]]) -> None:
    """Names in an all-caps paragraph: those seen in the article, then known ones."""
    tokens = _tokens(text)
    n = len(tokens)
    i = 0
    while i < n:
        for size in range(min(4, n - i), 0, -1):
            last = i + size - 1
            if any(not tokens[k][5] for k in range(i + 1, last + 1)) or any(
                    tokens[k][4] for k in range(i, last)):
                continue
            start, end = tokens[i][1], tokens[last][2]
            phrase = text[start:end]
            kind = memory.get(phrase.lower())
            if kind is None and phrase.isupper():
                hit = lookup(phrase)
                if hit is not None and phrase.title() not in g.weak:
                    kind = hit[1]
                    if (kind == "place" and not is_country(hit[0])
                            and _in_results(tokens, list(range(i, last + 1)))):
                        kind = "org"
            if kind is not None:
                out.append((kind, start, end))
                i = last
                break
        i += 1


def find_spans(paragraphs: Sequence[str]) -> list[list[tuple[str, int, int]]]:
    """Raw ``(kind, start, end)`` spans for each paragraph of ONE article."""
    g = load()
    reader = _Reader(g)
    caps = [p for p, text in enumerate(paragraphs) if not reader.paragraph(p, text)]
    known: dict[str, str] = {}
    person_words: set[str] = set()
    org_heads: set[str] = set()
    for c in reader.cands:
        if c.kind is not None:
            known.setdefault(c.text, c.kind)
            if c.kind == "person" and " " in c.text:
                person_words.update(c.text.split(" "))
            elif c.kind == "org" and " " in c.text:
                org_heads.add(c.text.split(" ", 1)[0])  # "Zorbex" of "Zorbex Corp"
    out: list[list[tuple[str, int, int]]] = [[] for _ in paragraphs]
    memory: dict[str, str] = {}
    for c in reader.cands:
        kind = c.kind
        if kind is None:
            kind = known.get(c.text)
        if kind is None:
            if all(w in person_words for w in c.text.split(" ")):
                kind = "person"
            elif c.text in org_heads:
                kind = "org"
            elif c.guess:
                kind = c.guess
            else:
                kind = _DEFAULT_MULTI if " " in c.text else _DEFAULT_SINGLE
        if not kind:
            continue
        out[c.para].append((kind, c.start, c.end))
        memory.setdefault(c.text.lower(), kind)
    for p in caps:
        _caps_paragraph(g, p, paragraphs[p], memory, out[p])
    return out


#: Cue classes that keep "X of Y" whole ("Bank of England", "Duke of York").
_NOT_SPLIT = frozenset({"org", "title", "role", "place", "misc"})
#: The kind of a capitalised name that no rule explains; "" drops it.
_DEFAULT_MULTI = "person"
_DEFAULT_SINGLE = ""


@register
class RulesExtractor(Extractor):
    """Pure-Python entity extractor: gazetteers, cue words and capitalisation."""

    name = "rules"

    def __init__(self) -> None:
        load()  # fail early, and pay the loading cost once, at construction

    def extract(self, paragraphs: Sequence[str]) -> list[list[Entity]]:
        paragraphs = list(paragraphs)
        return resolve(paragraphs, find_spans(paragraphs))

"""Names resolved across ONE article: best-cased forms, acronyms, roles and descriptions.

- The best-cased form of a name wins over its capitals in a headline ("BANK OF ENGLAND").
- "Full Name (ACR)" links the acronym to the name everywhere in the article; the data
  (``aliases.tsv``) links well-known ones in every article.
- "the minister", "the foreign minister", "the president", "the company" become mentions of
  the entity the article introduced with that role ("Foreign Minister Qin Gang", "Acme
  Corp"), once it has been introduced, and only when one entity has that role: two
  ministers leave "the minister" alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from searchlib.index.entities._canonical import CORPORATE
from searchlib.index.entities._features import is_word_char
from searchlib.index.entities._gazetteer import load

_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-Z][A-Za-z&.]{1,9})\s*\)")
_SMALL = frozenset({"of", "and", "the", "for", "&", "de", "du", "la", "on", "in"})
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z-]*)\s+$")
#: Heads of the descriptions that stand for an organisation already named.
_COMPANY = ("company", "firm")
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "mme", "mlle", "miss", "sir", "dame"})


def best_cased(staged: list[list[list]]) -> dict[tuple[str, str], tuple[str, str]]:
    """Map each name to the best-cased form of it seen in the article.

    A form with lower-case letters beats one in capitals; then the most frequent form.

    :param staged: per paragraph, ``[kind, start, end, name]`` items
    """
    forms: dict[tuple[str, str], Counter] = {}
    for out in staged:
        for kind, _, _, name in out:
            forms.setdefault((kind, name.casefold()), Counter())[name] += 1
    mapping = {}
    for (kind, _), counts in forms.items():
        if len(counts) < 2:
            continue
        best = max(counts, key=lambda n: (any(c.islower() for c in n), counts[n], n))
        for name in counts:
            if name != best:
                mapping[(kind, name)] = (kind, best)
    return mapping


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split(" ") if w and w not in _SMALL and w[0].isupper())


def acronyms(paragraphs: Sequence[str], staged: list[list[list]],
             mapping: dict[tuple[str, str], tuple[str, str]]
             ) -> dict[tuple[str, str], tuple[str, str]]:
    """Map acronyms to the names they follow in brackets: "European Community (EC)".

    :returns: ``(kind, acronym) -> (kind, full name)`` for every kind the acronym may have
        been given
    """
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for text, items in zip(paragraphs, staged, strict=True):
        for kind, _, end, name in items:
            m = _ACRONYM_AFTER.match(text, end)
            if m is None or kind == "person":
                continue
            acr = m.group(1)
            letters = acr.replace(".", "").replace("&", "")
            kind, name = mapping.get((kind, name), (kind, name))
            surface = text[:end].rsplit("(", 1)[-1]
            if letters.upper() in (_initials(name), _initials(surface)) or (
                    letters.isupper() and _initials(name).startswith(letters)
                    and len(letters) > 1):
                for k in ("org", "place", "person"):
                    out[(k, acr)] = (kind, name)
    return out


def role_before(paragraph: str, start: int) -> str:
    """The title or role words just before a name: "Foreign Minister Qin Gang" -> "foreign
    minister"; "" when there are none."""
    cues = load().cues
    words: list[str] = []
    before = paragraph[max(0, start - 80):start]  # three words at most: never scan further
    end = len(before)
    while len(words) < 3:
        m = _WORD_BEFORE.search(before, 0, end)
        if m is None:
            break
        word = m.group(1)
        c = cues.get(word) or cues.get(word.capitalize()) or ()
        if "title" not in c and "role" not in c:
            break
        words.insert(0, word.lower())
        end = m.start()
    return " ".join(words)


def org_role(surface: str, name: str) -> str:
    """What an organisation may later be called: "company" for "Acme Corp", "bank" for
    "European Central Bank"; "" for none."""
    last = surface.rstrip(".,").rsplit(" ", 1)[-1].rstrip(".")
    if last in CORPORATE or last in ("Company", "Group", "Holdings"):
        return "company"
    head = name.rsplit(" ", 1)[-1]
    if " " in name and "org" in load().cues.get(head, ()) and head.isalpha():
        return head.lower()
    return ""


_THE = re.compile(r"\b(?:the|The)\s+")
_CAPITAL_NEXT = re.compile(r"\s+[A-Z]")


def _the_heads(text: str, heads: list[str]):
    """``(start, end, head)`` of each "the <head>" in *text*, the longest head first where
    several fit, not followed by a capitalised word ("the minister Qin Gang" names him
    itself).

    What one regex of the heads would find (``\\b(?:the|The)\\s+(heads)\\b(?!\\s+[A-Z])``),
    without compiling one per article (a twentieth of the extractor's time).

    :param heads: sorted longest first
    """
    end_of_last = 0
    for the in _THE.finditer(text):
        start = the.end()
        if the.start() < end_of_last:
            continue
        for head in heads:
            end = start + len(head)
            if not text.startswith(head, start):
                continue
            if is_word_char(text[end - 1]) == (end < len(text) and is_word_char(text[end])):
                continue  # no word boundary after it
            if _CAPITAL_NEXT.match(text, end):
                continue
            end_of_last = end
            yield start, end, head
            break


def role_mentions(paragraphs: Sequence[str], staged: list[list[list]],
                  roles: list[tuple[int, str, str, str]]) -> None:
    """Add, in place, the mentions "the minister" and "the company" of introduced entities.

    :param staged: per paragraph, ``[kind, start, end, name]`` items (sorted afterwards)
    :param roles: ``(paragraph, kind, role, name)`` for each mention that carried a role
    """
    heads: dict[str, dict[tuple[str, str], int]] = {}
    for p, kind, role, name in roles:
        words = [w for w in role.split(" ") if w not in _HONORIFICS]
        if not words:
            continue
        forms = {" ".join(words[i:]) for i in range(len(words))}
        if kind == "org" and role == "company":
            forms |= set(_COMPANY)
        for form in forms:
            first = heads.setdefault(form, {})
            first[(kind, name)] = min(first.get((kind, name), p), p)
    if not heads:
        return
    longest_first = sorted(heads, key=len, reverse=True)
    for q, (text, items) in enumerate(zip(paragraphs, staged, strict=True)):
        added = False
        for start, end, head in _the_heads(text, longest_first):
            known = [key for key, p in heads[head.lower()].items() if p <= q]
            if len(known) != 1:
                continue
            if any(s < end and start < e for _, s, e, _ in items):
                continue
            kind, name = known[0]
            items.append([kind, start, end, name])
            added = True
        if added:
            items.sort(key=lambda item: (item[1], item[2]))

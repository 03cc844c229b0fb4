"""One name per entity across the index: short forms and spellings resolved at ingest.

Each index keeps, beside its Whoosh files, ``entity_names.json``: how many paragraphs name
each full person name, each spelling of a name, each name as an org or place, and the
variants (surface forms) folded into each canonical name. The writer passes every batch's
entities through :meth:`IndexNames.resolve` before they are stored:

- a one-word person name S ("Trump") becomes the full name F ("Donald Trump") when the
  article itself names no single full name containing S (the article decides first), F has
  S as one of its words (and is one of the article's, when it names several: "Trump" beside
  "Donald Trump" and "Melania Trump"), F is in at least :data:`MIN_PARAGRAPHS` paragraphs of
  the index, F has at least :data:`DOMINANCE` of the paragraphs of all those full names, and
  S is not an organisation or place in as many paragraphs as it is a person ("Baker" the
  company keeps its own name, and so does a person "Baker" beside it);
- a one-word person name that resolves to no full name this way, and is no first name
  ("Adele"; "Madonna", in no list of first names, goes too), is dropped: a bare surname
  ("Baker", "Harris") that fits several people, or none the index knows, is no name a
  reader can trust;
- a person name with no first name that the index holds as an organisation in at least
  twice as many paragraphs is that organisation ("Pan Am");
- spellings that differ only by case or accents ("Erdogan", "Erdoğan") take the most
  frequent one (short forms match full names' words the same way).

The counts include the batch being written, so one batch resolves among itself the same
way whether it is the first ingest or a ``reextract``. They only grow (a deleted article's
counts stay): they are evidence about usage, not an inventory.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter
from pathlib import Path

from searchlib.index._format import NAMES_FILE
from searchlib.index._records import Entity
from searchlib.index.entities._gazetteer import load

#: A full name needs this many paragraphs before short forms resolve to it.
MIN_PARAGRAPHS = 3
#: ... and this share of the paragraphs of all full names sharing the short form.
DOMINANCE = 0.75
#: Variants shown per name.
ALIASES_SHOWN = 5


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


class IndexNames:
    """The name statistics of one index, loaded from and saved to its directory.

    :param directory: the index directory (``None``: statistics in memory only)
    """

    def __init__(self, directory: str | os.PathLike | None) -> None:
        self.path = Path(directory) / NAMES_FILE if directory is not None else None
        raw: dict = {}
        if self.path is not None and self.path.exists():
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raw = {}  # derived data: start again rather than fail an ingest
        self.full: Counter = Counter(raw.get("full", {}))
        self.other: Counter = Counter(raw.get("other", {}))
        self.short: Counter = Counter(raw.get("short", {}))
        self.spellings: dict[str, Counter] = {k: Counter(v) for k, v in
                                              raw.get("spellings", {}).items()}
        self.aliases: dict[str, Counter] = {k: Counter(v) for k, v in
                                            raw.get("aliases", {}).items()}
        self.run: str = raw.get("run", "")
        self._by_word: dict[str, set[str]] = {}
        for full in self.full:
            self._index(full)

    def _index(self, full: str) -> None:
        _index_words(self._by_word, full)

    def reset(self, run: str = "") -> None:
        """Forget every count (a ``reextract`` starts from nothing); *run* names that run."""
        self.full, self.other, self.short = Counter(), Counter(), Counter()
        self.spellings, self.aliases = {}, {}
        self._by_word = {}
        self.run = run

    def save(self) -> None:
        """Write the statistics atomically (no-op without a directory)."""
        if self.path is None:
            return
        data = {"full": self.full, "other": self.other, "short": self.short,
                "spellings": self.spellings,
                "aliases": self.aliases, "run": self.run}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                       encoding="utf-8")
        os.replace(tmp, self.path)

    # -- counting --------------------------------------------------------------------
    def _count(self, articles: list[list[list[Entity]]]) -> None:
        for paragraphs in articles:
            for found in paragraphs:
                for kind, name in {(e.kind, e.name) for e in found}:
                    self.spellings.setdefault(f"{kind}\t{_fold(name)}", Counter())[name] += 1
                    if kind == "person":
                        if " " in name:
                            if name not in self.full:
                                self._index(name)
                            self.full[name] += 1
                        else:
                            self.short[name] += 1
                    elif " " not in name:
                        self.other[name] += 1

    def short_form(self, name: str, among: set[str] | None = None) -> str | None:
        """The full name a one-word person name stands for in this index, or None.

        :param name: the one-word name
        :param among: the article's own full names containing it, when it names several
            ("Trump" beside "Donald Trump" and "Melania Trump"): the choice is among them
        """
        if " " in name:
            return None
        candidates = self._by_word.get(_fold(name), set())
        # The article's few names, not the index's many (which grow with every batch).
        wanted = ([(n, self.full[n]) for n in among if n in candidates] if among is not None
                  else [(n, self.full[n]) for n in candidates])
        if not wanted:
            return None
        best, count = max(wanted, key=lambda nc: (nc[1], nc[0]))
        total = sum(c for _, c in wanted)
        if count < MIN_PARAGRAPHS or count < DOMINANCE * total:
            return None
        if self.other.get(name, 0) >= self.short.get(name, 0):
            # as often an org or place as a person: "Baker" the company stays apart
            return None
        return best

    def mostly_org(self, name: str) -> bool:
        """Whether a person name with no first name is an organisation in at least twice as
        many paragraphs of the index ("Pan Am" said by a headline, "Pan Am Corp" elsewhere).
        """
        if name.split(" ")[0] in load().first_names:
            return False
        folded = _fold(name)
        orgs = sum(self.spellings.get(f"org\t{folded}", Counter()).values())
        people = sum(self.spellings.get(f"person\t{folded}", Counter()).values())
        return orgs >= max(MIN_PARAGRAPHS, 2 * people)

    def spelling(self, kind: str, name: str) -> str:
        """The most frequent spelling of *name* (same letters, case and accents aside)."""
        forms = self.spellings.get(f"{kind}\t{_fold(name)}")
        if not forms or len(forms) < 2:
            return name
        return max(forms, key=lambda n: (forms[n], n))

    # -- resolving -------------------------------------------------------------------
    def resolve(self, articles: list[list[list[Entity]]]) -> list[list[list[Entity]]]:
        """The entities of a batch of articles with index-wide names, counted first.

        :param articles: per article, per paragraph, its entities as extracted
        """
        self._count(articles)
        first_names = load().first_names
        # A bare surname no full name of its article explains is looked up index-wide, and
        # the counts do not change within the batch: once per name.
        index_wide: dict[str, str | None] = {}
        out = []
        for paragraphs in articles:
            in_article = {e.name for found in paragraphs for e in found
                          if e.kind == "person" and " " in e.name}
            by_word: dict[str, set[str]] = {}
            for full in in_article:
                _index_words(by_word, full)
            resolved = []
            for found in paragraphs:
                para = []
                for e in found:
                    kind, name = e.kind, self.spelling(e.kind, e.name)
                    if kind == "person" and self.mostly_org(name):
                        kind = "org"
                    if kind == "person" and " " not in name:
                        among = by_word.get(_fold(name))
                        if among is None:
                            if name not in index_wide:
                                index_wide[name] = self.short_form(name)
                            expanded = index_wide[name]
                        else:
                            expanded = self.short_form(name, among)
                        name = expanded or name
                        if " " not in name and name not in first_names:
                            continue  # a bare surname that names nobody in particular
                    if (kind, name) != (e.kind, e.name):
                        e = Entity(kind, e.text, e.start, e.end, name)
                    if e.text[:1].isupper() and e.text.casefold() != name.casefold():
                        variant = " ".join(e.text.split())
                        self.aliases.setdefault(f"{e.kind}\t{name}", Counter())[variant] += 1
                    para.append(e)
                resolved.append(para)
            out.append(resolved)
        return out

    def aliases_of(self, kind: str, name: str) -> list[str]:
        """The most frequent variants folded into one name, most frequent first."""
        found = self.aliases.get(f"{kind}\t{name}")
        if not found:
            return []
        return [v for v, _ in sorted(found.items(), key=lambda vc: (-vc[1], vc[0]))
                if v.casefold() != name.casefold()][:ALIASES_SHOWN]


def _index_words(by_word: dict[str, set[str]], full: str) -> None:
    """File a full name under each of its words, folded."""
    for word in full.split(" "):
        by_word.setdefault(_fold(word), set()).add(full)

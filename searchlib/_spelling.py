"""Words within two edits of a misspelling, from a bigram index of a field's vocabulary.

Whoosh finds them (``reader.terms_within``) by walking a Levenshtein automaton over the
whole term dictionary: about 100 ms per word on 590,000 paragraphs, more as the vocabulary
grows. Here each term of the field is listed under the letter pairs of ``^term$`` once per
searcher (arrays of term numbers); a query word's candidates are the terms sharing enough
of its pairs (one edit changes at most two) and of a length within two of its own, counted
with one ``bincount``, and only those few are compared letter by letter.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from searchlib.index._engine.arrays import sorted_unique

_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()

#: Longer words are never corrected: no real word is, and the cost grows with the length.
MAX_WORD = 40


def _pairs(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i:i + 2] for i in range(len(padded) - 1)}


def distance(a: str, b: str, limit: int, swaps: bool = False) -> int:
    """The Levenshtein distance of *a* and *b* (insertions, deletions, substitutions; with
    *swaps*, a swap of two neighbours counts as one edit too), or ``limit + 1`` as soon as
    it is known to exceed *limit*."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if swaps and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                d = min(d, before[j - 2] + 1)
            current.append(d)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def one_edit(a: str, b: str) -> bool:
    """Whether *a* and *b* are exactly one edit apart (an insertion, a deletion, a
    substitution, or a swap of two neighbours): :func:`distance` with *swaps* equal to 1,
    in a few comparisons of slices instead of a table of distances."""
    if len(a) < len(b):
        a, b = b, a
    if len(a) - len(b) > 1 or a == b:
        return False
    i = 0
    while i < len(b) and a[i] == b[i]:
        i += 1
    if len(a) > len(b):
        return a[i + 1:] == b[i:]
    return (a[i + 1:] == b[i + 1:]
            or (a[i + 1:i + 2] == b[i:i + 1] and a[i:i + 1] == b[i + 1:i + 2]
                and a[i + 2:] == b[i + 2:]))


class BigramIndex:
    """The terms of one field of one reader, listed under their letter pairs.

    :param terms: the field's terms, as text
    """

    def __init__(self, terms: list[str]) -> None:
        self.terms = terms
        self.lengths = np.fromiter((len(t) for t in terms), dtype=np.int32, count=len(terms))
        # All of it in array operations: the terms joined as ^term$ lines, as character
        # numbers; each pair of neighbours not across a line break is (pair, term number).
        points = np.frombuffer("\n".join(f"^{t}$" for t in terms).encode("utf-32-le"),
                               dtype=np.uint32)
        self._chars = sorted_unique(points)
        text = np.searchsorted(self._chars, points).astype(np.int64)
        newline = text == np.searchsorted(self._chars, 10)
        owner = np.cumsum(newline)
        inside = ~newline[:-1] & ~newline[1:]
        pairs = ((text[:-1] << 16) | text[1:])[inside]
        keys = sorted_unique((pairs << 31) | owner[:-1][inside])
        self._pairs = keys >> 31
        self._owners = (keys & ((1 << 31) - 1)).astype(np.int32)

    def _list(self, pair: str) -> np.ndarray:
        """The numbers of the terms holding this pair of characters."""
        a, b = np.searchsorted(self._chars, [ord(pair[0]), ord(pair[1])])
        if a >= len(self._chars) or b >= len(self._chars) \
                or self._chars[a] != ord(pair[0]) or self._chars[b] != ord(pair[1]):
            return self._owners[:0]
        code = (int(a) << 16) | int(b)
        lo, hi = np.searchsorted(self._pairs, [code, code + 1])
        return self._owners[lo:hi]

    def within(self, word: str, maxdist: int, swaps: bool = False) -> list[tuple[str, int]]:
        """``(term, distance)`` of the terms within *maxdist* edits of *word*.

        :param swaps: count a swap of two neighbouring letters as one edit (see
            :func:`distance`)
        """
        if len(word) > MAX_WORD or not self.terms:
            return []
        pairs = _pairs(word)
        found = [ids for p in pairs if len(ids := self._list(p))]
        # Each edit changes at most two pairs of ^word$, a swap three.
        need = len(pairs) - (3 if swaps else 2) * maxdist
        if need > 0:
            if not found:
                return []
            shared = np.bincount(np.concatenate(found), minlength=len(self.terms))
            cand = np.flatnonzero(shared >= need)
        else:  # too short for the pairs to rule anything out
            cand = np.arange(len(self.terms))
        cand = cand[np.abs(self.lengths[cand] - len(word)) <= maxdist]
        out = []
        for i in cand.tolist():
            term = self.terms[i]
            if maxdist == 1 and swaps:  # the common case, without the table of distances
                d = 0 if term == word else 1 if one_edit(word, term) else 2
            else:
                d = distance(word, term, maxdist, swaps)
            if d <= maxdist:
                out.append((term, d))
        return out


def bigram_index(reader, field: str) -> BigramIndex:
    """The :class:`BigramIndex` of *field* in *reader*, built on first use per reader."""
    with _LOCK:
        per_reader = _INDEXES.get(reader)
        if per_reader is not None and field in per_reader:
            return per_reader[field]
    terms = [t.decode("utf-8", "replace") for t in reader.lexicon(field)] \
        if field in reader.schema else []
    index = BigramIndex(terms)
    with _LOCK:
        _INDEXES.setdefault(reader, {})[field] = index
    return index

"""The ``tagger``'s weights and the per-word caches that make tagging an article fast.

Every feature belongs to one word at one offset (:mod:`searchlib.index.entities._features`),
so the scores a word adds to itself (once per sentence-start and all-caps flag pair) and to
each neighbour are summed once per distinct word and kept in tables indexed by a word id.
Tagging an article is then a regex pass per paragraph, one dict lookup per token for its
id, and NumPy gathers and one ``argmax`` over the whole article: no Python work per token
except for the few tokens that start a known multi-word name or are tagged as names.
Tags are read greedily, without a transition model: a B- tag or a change of type starts a
name. The rows are the same float32 sums, added in the same order, as the features' own
weights (``tests/test_tagmodel.py`` checks the tags against a plain per-token reading).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, repeat

import numpy as np
from searchlib.index.entities._features import (
    BOS,
    EOS,
    INNER,
    OFFSETS,
    SENTENCE_END,
    SPACED_TOKEN,
    TAGS,
    caps_paragraph,
    context_parts,
    positional_features,
    token_features,
)
from searchlib.index.entities._gazetteer import load, lookup

#: Distinct words whose score rows are cached; past this the cache starts afresh.
_CACHE_WORDS = 300_000
#: How many first characters of a word say whether a known name may start with it.
_HEAD = 10
#: Each tag's prefix and type: "B-PER" -> ("B", "PER"), "O" -> ("O", "").
_READ = [(p, t) for p, _, t in (tag.partition("-") for tag in TAGS)]

Span = tuple[str, int, int]


class Model:
    """Trained weights and the caches that make tagging fast.

    :param features: feature strings, in the row order of *weights*
    :param weights: one row of per-tag weights for each feature
    """

    def __init__(self, features: Sequence[str], weights: np.ndarray) -> None:
        self.feature_index = {f: i for i, f in enumerate(features)}
        # The context features of each offset, by their name without the offset prefix.
        self._by_offset: dict[int, dict[str, int]] = {off: {} for off in OFFSETS}
        for f, i in self.feature_index.items():
            head, _, rest = f.partition(":")
            if head.lstrip("-").isdigit() and int(head) in self._by_offset:
                self._by_offset[int(head)][rest] = i
        self.weights = np.asarray(weights, dtype=np.float32)
        # A zero row at the end: what a feature the model does not know adds to a sum.
        self._zero = len(self.weights)
        self._padded = np.concatenate([self.weights, np.zeros_like(self.weights[:1])])
        self._reset()

    def _reset(self) -> None:
        self._ids: dict[str, int] = {}
        self._words: list[str] = []
        size, width = 4096, self.weights.shape[1]
        # Per word: its flags, its score rows as a neighbour (one per offset), and as the
        # token tagged (four rows, by 2 * sentence start + all caps; computed when needed).
        self._upper = np.zeros(size, dtype=bool)
        self._ends = np.zeros(size, dtype=bool)
        self._inner = np.zeros(size, dtype=bool)
        self._head = np.zeros(size, dtype=bool)
        self._mark = np.zeros(size, dtype=bool)
        self._ctx = np.zeros((size, len(OFFSETS), width), dtype=np.float32)
        self._slot = np.full(4 * size, -1, dtype=np.intp)  # its row of _tok, -1: not yet
        self._tok = np.zeros((size, width), dtype=np.float32)
        self._rows = 0
        self._pos: dict[tuple[str, bool], np.ndarray] = {}
        self._bos, self._eos = self._add(BOS), self._add(EOS)
        self._fill_context([self._bos, self._eos])

    def _sums(self, lists: Sequence[Sequence[str]], index: dict[str, int] | None = None
              ) -> np.ndarray:
        """The summed weights of each list of features, in one NumPy call.

        Rows are added in list order, as ``weights[ids].sum(axis=0)`` adds them; a feature
        the model does not know adds the zero row, which changes no sum. Few Python objects
        are made on the way: each one adds to the garbage collector's work.

        :param index: the features' ids (default: ``feature_index``)
        """
        zero = self._zero
        feats = chain.from_iterable(lists)
        ids = map((self.feature_index if index is None else index).get, feats, repeat(zero))
        # One zero row more at the end, so that no list's start is past the last row.
        sizes = np.fromiter(map(len, lists), dtype=np.intp, count=len(lists))
        flat = np.fromiter(chain(ids, (zero,)), dtype=np.intp, count=int(sizes.sum()) + 1)
        rows = np.add.reduceat(self._padded.take(flat, axis=0), np.cumsum(sizes) - sizes, axis=0)
        rows[sizes == 0] = 0  # reduceat gives an empty list its next row
        return rows

    def _fill_context(self, new: list[int]) -> None:
        """The context rows of new words (as summing ``context_features`` would give)."""
        parts = [context_parts(self._words[i]) for i in new]
        for j, off in enumerate(OFFSETS):
            near = abs(off) == 1
            self._ctx[new, j] = self._sums([p[near] for p in parts], self._by_offset[off])

    def _add(self, word: str) -> int:
        """The id of a new word, with its flags (its context rows come after, in bulk)."""
        n = len(self._words)
        if n == len(self._upper):
            for name in ("_upper", "_ends", "_inner", "_head", "_mark", "_ctx"):
                old = getattr(self, name)
                setattr(self, name, np.concatenate([old, np.zeros_like(old)]))
            self._slot = np.concatenate([self._slot, np.full_like(self._slot, -1)])
        self._ids[word] = n
        self._words.append(word)
        self._upper[n] = word[:1].isupper()
        self._ends[n] = word in SENTENCE_END
        self._inner[n] = word in INNER
        self._head[n] = word[:_HEAD] in _name_heads()
        return n

    def _fill_tokens(self, codes: list[int]) -> None:
        """Token rows for new ``4 * word id + 2 * sentence start + all caps`` codes."""
        words = self._words
        # Not through token_features' cache: each row is made once, and the cache's entries
        # would only add to the garbage collector's work.
        feats = token_features.__wrapped__
        rows = self._sums([feats(words[c >> 2], c & 2 > 0, c & 1 > 0) for c in codes])
        n = self._rows
        while n + len(codes) > len(self._tok):
            self._tok = np.concatenate([self._tok, np.zeros_like(self._tok)])
        self._tok[n:n + len(codes)] = rows
        self._slot[codes] = np.arange(n, n + len(codes))
        self._rows = n + len(codes)

    def _pos_row(self, tag: str, midcap: bool) -> np.ndarray:
        row = self._pos.get((tag, midcap))
        if row is None:
            row = self._sums([positional_features(tag, midcap)])[0]
            self._pos[(tag, midcap)] = row
        return row

    def tag(self, paragraphs: Sequence[str]) -> list[list[Span]]:
        """``(TYPE, start, end)`` spans of every paragraph of ONE article."""
        if len(self._words) >= _CACHE_WORDS:
            self._reset()  # between articles, so no row of this one is dropped
        out: list[list[Span]] = [[] for _ in paragraphs]
        art = self._encode(paragraphs)
        if art is not None:
            best = self._scores(art).argmax(axis=1)
            named = np.flatnonzero(best).tolist()
            if named:
                self._read(art, named, best[named].tolist(), out)
        return out

    def _encode(self, paragraphs: Sequence[str]) -> _Article | None:
        """An article's tokens as word ids and flags (None if it has no token)."""
        gaps: list[str] = []
        words: list[str] = []
        counts = []
        for text in paragraphs:
            pairs = SPACED_TOKEN.findall(text)
            counts.append(len(pairs))
            if pairs:
                spaces, toks = zip(*pairs, strict=True)
                gaps += spaces
                words += toks
        n = len(words)
        if not n:
            return None
        get = self._ids.get
        ids = np.fromiter(map(get, words, repeat(-1)), dtype=np.intp, count=n)
        new = []
        for k in np.flatnonzero(ids < 0).tolist():
            known = get(words[k])  # a new word may come twice in one article
            if known is None:
                known = self._add(words[k])
                new.append(known)
            ids[k] = known
        if new:
            self._fill_context(new)
        art = _Article()
        art.paragraphs, art.words, art.ids = paragraphs, words, ids
        art.count = count = np.asarray(counts)
        art.first = first = np.cumsum(count) - count
        art.para_of = para_of = np.repeat(np.arange(len(paragraphs)), count)
        size = np.fromiter(map(len, words), dtype=np.intp, count=n)
        reach = np.cumsum(np.fromiter(map(len, gaps), dtype=np.intp, count=n) + size)
        ends = reach - np.concatenate([[0], reach])[first][para_of]
        art.starts, art.ends = (ends - size).tolist(), ends.tolist()
        art.initial = initial = np.ones(n, dtype=bool)
        initial[1:] = self._ends[ids[:-1]]
        initial[first[count > 0]] = True
        art.caps = [caps_paragraph(p) for p in paragraphs]
        # Words the article capitalises away from a sentence start ("said Mugabe").
        capital = ids[self._upper[ids] & ~initial]
        self._mark[capital] = True
        art.midcap = initial & self._mark[ids]
        self._mark[capital] = False
        return art

    def _scores(self, art: _Article) -> np.ndarray:
        """Per token, its score for each tag: the same float32 additions, in the same order,
        as summing its token, positional and context features one group after another."""
        n, lanes = len(art.words), len(art.paragraphs)
        codes = 4 * art.ids + 2 * art.initial + np.asarray(art.caps, dtype=np.intp)[art.para_of]
        rows = self._slot[codes]
        if (rows < 0).any():
            self._fill_tokens(np.unique(codes[rows < 0]).tolist())
            rows = self._slot[codes]
        scores = self._tok.take(rows, axis=0)
        marks = self._name_matches(art)
        if marks or art.midcap.any():
            midcap = set(np.flatnonzero(art.midcap).tolist())
            where = sorted(midcap | set(marks))
            scores[where] += np.stack([self._pos_row(marks.get(k, ""), k in midcap)
                                       for k in where])
        # Each paragraph's words between two BOS and two EOS, so each offset is one gather.
        start = art.first + 4 * np.arange(lanes)
        padded = np.full(n + 4 * lanes, self._eos, dtype=np.intp)
        padded[start] = padded[start + 1] = self._bos
        at = np.arange(n) + 4 * art.para_of + 2
        padded[at] = art.ids
        # The context rows of word w are rows 4w .. 4w + 3 of one flat table.
        flat = self._ctx.reshape(-1, self._ctx.shape[2])
        for j, off in enumerate(OFFSETS):
            scores += flat.take(padded[at + off] * len(OFFSETS) + j, axis=0)
        return scores

    def _name_matches(self, art: _Article) -> dict[int, str]:
        """``B-kind``/``I-kind`` by token, where a known multi-word name covers it (as
        :func:`~searchlib.index.entities._features.name_matches` reads a paragraph)."""
        names = load().names
        ids, para_of, starts, ends = art.ids, art.para_of, art.starts, art.ends
        marks: dict[int, str] = {}
        # A multi-word name goes on with a capital or a connector ("Bank of England"); only
        # words that begin some name are looked at.
        opens = self._head[ids[:-1]] & self._upper[ids[:-1]]
        opens &= (self._upper[ids[1:]] | self._inner[ids[1:]]) & (para_of[:-1] == para_of[1:])
        after = 0
        for i in np.flatnonzero(opens).tolist():
            if i < after:
                continue
            p = int(para_of[i])
            stop = int(art.first[p] + art.count[p])
            for last in range(min(i + 3, stop - 1), i, -1):
                hit = names.get(art.paragraphs[p][starts[i]:ends[last]])
                if hit is not None:
                    marks[i] = "B-" + hit[1]
                    for k in range(i + 1, last + 1):
                        marks[k] = "I-" + hit[1]
                    after = last + 1
                    break
        return marks

    def _read(self, art: _Article, named: list[int], best: list[int], out: list[list[Span]]
              ) -> None:
        """Read the names of the tokens tagged, greedily, into *out* (per paragraph).

        :param named: the tokens whose best tag is not O, in order
        :param best: their best tags (indices into ``TAGS``)
        """
        words, starts, ends = art.words, art.starts, art.ends
        found: list[list] = []
        current: list | None = None
        for k, tag, p in zip(named, best, art.para_of[named].tolist(), strict=True):
            prefix, etype = _READ[tag]
            if (prefix == "I" and current is not None and current[0] == etype
                    and current[4] == k - 1 and current[3] == p):
                current[2] = ends[k]
                current[4] = k
            else:
                current = [etype, starts[k], ends[k], p, k, k]
                found.append(current)
        common = load().common
        seen: set[str] | None = None
        for etype, start, end, p, last, first in found:
            while last > first and words[last].isdigit():
                last -= 1  # a score or a number is not part of a name ("Leeds 2")
                end = ends[last]
            word = words[first]
            # A lone capitalised common word opening a sentence ("Paragraph 2 ...") that the
            # article never capitalises elsewhere is sentence case, not a name.
            if (first == last and art.initial[first] and not art.midcap[first]
                    and not art.caps[p] and lookup(word) is None):
                if seen is None:
                    seen = set(words)
                if _lower_word(word, common, seen):
                    continue
            out[p].append((etype, start, end))


class _Article:
    """One article's tokens, in order across its paragraphs, as the tagger reads them."""

    paragraphs: Sequence[str]
    words: list[str]
    ids: np.ndarray  #: word ids
    count: np.ndarray  #: tokens per paragraph
    first: np.ndarray  #: each paragraph's first token
    para_of: np.ndarray  #: each token's paragraph
    starts: list[int]  #: each token's offsets in its paragraph
    ends: list[int]
    initial: np.ndarray  #: whether the token opens a sentence
    midcap: np.ndarray  #: ... and the article also writes it with a capital mid-sentence
    caps: list[bool]  #: whether each paragraph is set in capitals


@lru_cache(maxsize=1)
def _name_heads() -> frozenset[str]:
    """The first characters (up to ``_HEAD``) of every known name of more than one token.

    A name of two tokens or more has a character that is neither a letter nor a digit
    between them ("Bank of England", "U.S.", "Sino-US"), and starts with its first token.
    """
    return frozenset(form[:k] for form in load().names if not form.isalnum()
                     for k in range(1, min(len(form), _HEAD + 1)))


def _lower_word(word: str, common: frozenset[str], seen: set[str]) -> bool:
    """Whether *word* is a common word, or one the article also writes in lower case."""
    low = word.lower()
    if low in common:
        return True
    forms = {low, low + "s", low + "es", low[:-1] if low.endswith("s") else low}
    return not forms.isdisjoint(seen)

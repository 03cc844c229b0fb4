"""The ``tagger`` extractor (the default): an averaged perceptron trained on CoNLL-2003.

The model tags each token O, B-TYPE or I-TYPE from features of the token and of the two
words on either side (:mod:`searchlib.index.entities._features`); its weights ship in
``data/tagger.npz`` and are re-made by ``scripts/train_tagger.py`` from
``conllpp_train.txt`` (tuned on ``conllpp_dev.txt``, nothing else).

Speed comes from caching: every feature belongs to one word at one offset, so the score a
word adds to its neighbours, and to itself, is summed once per distinct word and reused
(a table lookup per token and offset, then one ``argmax`` per article in NumPy). Tags are
read greedily, without a transition model: a B- tag or a change of type starts a name.
Spans then go through the same normalisation as every extractor's
(:func:`searchlib.index.entities._normalise.resolve`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from searchlib.index._records import Entity
from searchlib.index.entities._base import Extractor, register
from searchlib.index.entities._features import (
    OFFSETS,
    TAGS,
    article_features,
    caps_paragraph,
    context_features,
    name_matches,
    sentence_starts,
    token_features,
    tokenise,
)
from searchlib.index.entities._gazetteer import DATA_DIR, load, lookup
from searchlib.index.entities._normalise import resolve
from searchlib.index.entities._tagger_spans import article_spans

from searchlib._errors import ExtractorError

MODEL_FILE = DATA_DIR / "tagger.npz"
_BOS, _EOS = "<s>", "</s>"
#: Distinct words whose score rows are cached; past this the cache starts afresh.
_CACHE_WORDS = 300_000


def positional_features(tag: str, initial: bool, word: str, midcap: set[str]) -> list[str]:
    """Features that depend on the article, not on the word alone."""
    out = []
    if tag:
        out.append("mw=" + tag)
    if initial and word in midcap:
        out.append("midcap")
    return out


def article_tokens(paragraphs: Sequence[str]) -> tuple[list, list, list, set]:
    """Tokens, sentence starts, all-caps flags and mid-sentence capitals of one article."""
    tokens = [tokenise(p) for p in paragraphs]
    starts = [sentence_starts(t) for t in tokens]
    caps = [caps_paragraph(p) for p in paragraphs]
    return tokens, starts, caps, article_features(tokens, starts)


def token_feature_lists(paragraphs: Sequence[str]) -> list[list[list[str]]]:
    """Every feature of every token of ONE article (for training; extraction caches)."""
    tokens, starts, caps, midcap = article_tokens(paragraphs)
    out = []
    for text, toks, initial, cap in zip(paragraphs, tokens, starts, caps, strict=True):
        words = [t[0] for t in toks]
        matches = name_matches(toks, text)
        padded = [_BOS, _BOS, *words, _EOS, _EOS]
        para = []
        for i, word in enumerate(words):
            feats = list(token_features(word, initial[i], cap))
            for off in OFFSETS:
                feats += context_features(padded[i + 2 + off], off)
            feats += positional_features(matches[i], initial[i], word, midcap)
            para.append(feats)
        out.append(para)
    return out


def spans_from_tags(tokens: list[tuple[str, int, int]], tags: Sequence[str]
                    ) -> list[tuple[str, int, int]]:
    """``(TYPE, start, end)`` spans from per-token tags, read greedily."""
    spans: list[tuple[str, int, int]] = []
    current: list | None = None
    for (_, start, end), tag in zip(tokens, tags, strict=True):
        prefix, _, etype = tag.partition("-")
        if prefix == "I" and current is not None and current[0] == etype:
            current[2] = end
            continue
        if current is not None:
            spans.append(tuple(current))
        current = [etype, start, end] if prefix in ("B", "I") else None
    if current is not None:
        spans.append(tuple(current))
    return spans


class _Rows:
    """A growing float32 table of cached score rows, one per key."""

    def __init__(self, width: tuple[int, ...]) -> None:
        self.index: dict = {}
        self.table = np.zeros((1024, *width), dtype=np.float32)

    def add(self, key: object, row: np.ndarray) -> int:
        n = len(self.index)
        if n == len(self.table):
            self.table = np.concatenate([self.table, np.zeros_like(self.table)])
        self.table[n] = row
        self.index[key] = n
        return n


class Model:
    """Trained weights and the caches that make tagging fast.

    :param features: feature strings, in the row order of *weights*
    :param weights: one row of per-tag weights for each feature
    """

    def __init__(self, features: Sequence[str], weights: np.ndarray) -> None:
        self.feature_index = {f: i for i, f in enumerate(features)}
        self.weights = np.asarray(weights, dtype=np.float32)
        self._reset()

    def _reset(self) -> None:
        width = self.weights.shape[1]
        self._tok = _Rows((width,))
        self._ctx = _Rows((len(OFFSETS), width))
        self._pos = _Rows((width,))
        self._pos.add((), np.zeros(width, dtype=np.float32))  # row 0: nothing extra

    def _sum(self, feats: Sequence[str]) -> np.ndarray:
        index = self.feature_index
        ids = [index[f] for f in feats if f in index]
        return self.weights[ids].sum(axis=0)

    def _tok_row(self, key: tuple[str, bool, bool]) -> int:
        row = self._tok.index.get(key)
        if row is None:
            row = self._tok.add(key, self._sum(token_features(*key)))
        return row

    def _ctx_row(self, word: str) -> int:
        row = self._ctx.index.get(word)
        if row is None:
            rows = np.stack([self._sum(context_features(word, off)) for off in OFFSETS])
            row = self._ctx.add(word, rows)
        return row

    def _pos_row(self, feats: list[str]) -> int:
        key = tuple(feats)
        row = self._pos.index.get(key)
        if row is None:
            row = self._pos.add(key, self._sum(feats))
        return row

    def tag(self, paragraphs: Sequence[str]) -> list[list[tuple[str, int, int]]]:
        """``(TYPE, start, end)`` spans of every paragraph of ONE article."""
        if len(self._tok.index) >= _CACHE_WORDS or len(self._ctx.index) >= _CACHE_WORDS:
            self._reset()  # between articles, so no row of this one is dropped
        tokens, starts, caps, midcap = article_tokens(paragraphs)
        tok_get, ctx_get = self._tok.index.get, self._ctx.index.get
        bos, eos = self._ctx_row(_BOS), self._ctx_row(_EOS)
        tok_ids: list[int] = []
        ctx_ids: list[int] = []
        centre: list[int] = []
        extra: list[tuple[int, int]] = []  # (token number, positional row)
        for text, toks, initial, cap in zip(paragraphs, tokens, starts, caps, strict=True):
            if not toks:
                continue
            words = [t[0] for t in toks]
            keys = [(w, first, cap) for w, first in zip(words, initial, strict=True)]
            known = [tok_get(k) for k in keys]
            ids: list[int] = [self._tok_row(k) if i is None else i
                              for k, i in zip(keys, known, strict=True)]
            seen = [ctx_get(w) for w in words]
            rows: list[int] = [self._ctx_row(w) if r is None else r
                               for w, r in zip(words, seen, strict=True)]
            base = len(tok_ids)
            centre.extend(range(len(ctx_ids) + 2, len(ctx_ids) + 2 + len(words)))
            tok_ids += ids
            ctx_ids += (bos, bos, *rows, eos, eos)
            for i, tag in enumerate(name_matches(toks, text)):
                if tag or (initial[i] and words[i] in midcap):
                    feats = positional_features(tag, initial[i], words[i], midcap)
                    extra.append((base + i, self._pos_row(feats)))
        out: list[list[tuple[str, int, int]]] = [[] for _ in paragraphs]
        if not tok_ids:
            return out
        ctx = np.asarray(ctx_ids)
        at = np.asarray(centre)
        scores = self._tok.table[tok_ids]
        if extra:
            where = [at_ for at_, _row in extra]
            scores[where] += self._pos.table[[row for _at, row in extra]]
        table = self._ctx.table
        for j, off in enumerate(OFFSETS):
            scores += table[ctx[at + off], j]
        best = scores.argmax(axis=1)
        named = np.flatnonzero(best).tolist()
        if not named:
            return out
        best = best.tolist()
        # Map each tagged token back to its paragraph and read the names greedily.
        bounds, pos = [], 0
        for toks in tokens:
            bounds.append(pos)
            pos += len(toks)
        current: list | None = None
        prev_k = -2
        p = 0
        found: list[list] = []
        for k in named:
            while p + 1 < len(bounds) and bounds[p + 1] <= k:
                current = None
                p += 1
            _, start, end = tokens[p][k - bounds[p]]
            prefix, _, etype = TAGS[best[k]].partition("-")
            if (prefix == "I" and current is not None and current[0] == etype
                    and prev_k == k - 1 and current[3] == p):
                current[2] = end
                current[5] = k
            else:
                current = [etype, start, end, p, k, k]
                found.append(current)
            prev_k = k
        g = load()
        for etype, start, end, p, first, last in found:
            i = first - bounds[p]
            toks = tokens[p]
            while last > first and toks[last - bounds[p]][0].isdigit():
                last -= 1  # a score or a number is not part of a name ("Leeds 2")
                end = toks[last - bounds[p]][2]
            word = toks[i][0]
            # A lone capitalised common word opening a sentence ("Paragraph 2 ...") that the
            # article never capitalises elsewhere is sentence case, not a name.
            if (first == last and starts[p][i] and word not in midcap and not caps[p]
                    and lookup(word) is None and _lower_word(word, g.common, tokens)):
                continue
            out[p].append((etype, start, end))
        return out


def _lower_word(word: str, common: frozenset[str], tokens: list) -> bool:
    """Whether *word* is a common word, or one the article also writes in lower case."""
    low = word.lower()
    if low in common:
        return True
    forms = {low, low + "s", low + "es", low[:-1] if low.endswith("s") else low}
    return any(t[0] in forms for para in tokens for t in para)


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE) -> Model:
    """The shipped model (loaded once per process).

    :raises ExtractorError: if the weights file is missing or unreadable
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            features = str(data["features"]).split("\n")
            weights = data["weights"]
    except (OSError, KeyError, ValueError) as exc:
        raise ExtractorError(f"tagger model unreadable: {path} ({exc}); re-make it with "
                             "scripts/train_tagger.py") from None
    return Model(features, weights)


@lru_cache(maxsize=1)
def data_fingerprint() -> str:
    """A hash of the weights and every gazetteer file: what the extractor's output depends on."""
    digest = hashlib.sha256()
    for path in sorted(DATA_DIR.iterdir()):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@register
class TaggerExtractor(Extractor):
    """Entities from the trained tagger, normalised like every extractor's."""

    name = "tagger"
    version = "1"

    def __init__(self) -> None:
        self.model = load_model()

    def extract(self, paragraphs: Sequence[str]) -> list[list[Entity]]:
        paragraphs = list(paragraphs)
        return resolve(paragraphs, article_spans(paragraphs, self.model.tag(paragraphs)))

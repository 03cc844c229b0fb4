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
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from searchlib.index._records import Entity
from searchlib.index.entities._base import Extractor, register
from searchlib.index.entities._cues import is_country, split_hyphen
from searchlib.index.entities._features import (
    KIND_OF_TYPE,
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
        tagged = [_join_first_names(text, para)
                  for text, para in zip(paragraphs, self.model.tag(paragraphs), strict=True)]
        tagged = _surnames(paragraphs, _trusted_in_capitals(paragraphs, tagged))
        spans = [[(KIND_OF_TYPE[t], s, e) for t, s, e in para if t in KIND_OF_TYPE]
                 + _hyphen_places(text, para) + _missed_countries(text, para)
                 for text, para in zip(paragraphs, tagged, strict=True)]
        return resolve(paragraphs, spans)


def _surnames(paragraphs: list[str], tagged: list[list[tuple[str, int, int]]]
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
    pattern = re.compile(r"(?<![\w'\u2019-])(?:" + "|".join(map(re.escape, sorted(last)))
                         + r")(?![\w-])")
    out = []
    for text, spans in zip(paragraphs, tagged, strict=True):
        extra = [("PER", m.start(), m.end()) for m in pattern.finditer(text)
                 if not any(s < m.end() and m.start() < e for _, s, e in spans)
                 and (m.group().lower() not in common or not caps_paragraph(text))]
        out.append(sorted(spans + extra, key=lambda x: x[1]) if extra else spans)
    return out


def _trusted_in_capitals(paragraphs: list[str], tagged: list[list[tuple[str, int, int]]]
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


def _join_first_names(text: str, spans: list[tuple[str, int, int]]
                      ) -> list[tuple[str, int, int]]:
    """Join a first name tagged apart to the person right after it ("Antony" + "Blinken").

    Tags are read without a transition model, so an org cue before a name ("Secretary of
    State Antony Blinken") can pull its first word into another type.
    """
    if len(spans) < 2:
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
            if pt == "PER" and _ROMAN.match(text[s:e]):
                out[-1] = ("PER", ps, e)  # "Elizabeth" + "II"
                continue
        out.append((t, s, e))
    return out


_TYPE_OF_KIND = {"person": "PER", "place": "LOC", "org": "ORG"}
_ROMAN = re.compile(r"^(?:I{2,3}|IV|VI{0,3}|IX|XI{0,3})$")


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


def _missed_countries(text: str, spans: list[tuple[str, int, int]]
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


def _hyphen_places(text: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
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

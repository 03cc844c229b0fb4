"""Tokens and features of the ``tagger`` extractor, shared by its training script and by
extraction, so that a model always sees the features it was trained on.

Every feature is a property of ONE word seen at one offset from the token being tagged
(-2 .. +2), or of the token itself together with two flags of its position (sentence start,
all-caps paragraph), plus the kind of a known multi-word name the token is part of. So the
score contribution of a word at an offset can be computed once per word and cached: see
:mod:`searchlib.index.entities._tagmodel`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import islice

from searchlib.index.entities._cues import FUNCTION_WORDS, NON_ENTITY_ACRONYMS
from searchlib.index.entities._gazetteer import Gazetteer, load, lookup

#: Tags: IOB2 over the CoNLL types; MISC is learnt (it tells the model what is *not* a
#: person, place or org: "German", "Olympics") and dropped at extraction.
TYPES = ("PER", "LOC", "ORG", "MISC")
TAGS = ("O", *(f"{p}-{t}" for t in TYPES for p in ("B", "I")))
KIND_OF_TYPE = {"PER": "person", "LOC": "place", "ORG": "org"}

#: Context offsets whose words are features of the token being tagged.
OFFSETS = (-2, -1, 1, 2)

#: The tokeniser's rules, in order (the first that matches where a token starts wins).
TOKEN_RULES = (
    r"(?:[^\W\d_]\.){2,}"                        # U.S., U.K.
    r"|(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Gov|Sen|Rep|Rev|Prof|Capt|Adm|Mt|Jr|Sr|Inc|Corp"
    r"|Co|Ltd|Bros|No|vs|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec)\.(?=\s|$)"
    r"|[A-Z]\.(?=\s+[A-Z])"                      # an initial: George W. Bush
    r"|\d+(?:[.,:/]\d+)*"                        # numbers, scores, times
    r"|[^\W_]+(?:[-&][^\W_]+|['\u2019](?![sS]\b)[^\W_]+)*"
    r"|['\u2019][sS]\b"                          # a possessive, its own token as in CoNLL
    r"|\S"
)
#: The same tokens, faster: most tokens are plain ASCII words, which no rule before the
#: word rule can take (those start with a digit or need a "." after the letters) and
#: which the word rule ends where they end (no "-", "&" or apostrophe follows, nor any
#: other word character), so they are tried first.
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?![\w.\-&'\u2019])|" + TOKEN_RULES)
#: The same tokens, each with the white space before it (for offsets without Match objects;
#: every character that is not white space belongs to a token).
SPACED_TOKEN = re.compile(r"(\s*)(" + TOKEN.pattern + ")")
#: The context words before the first and after the last token of a paragraph.
BOS, EOS = "<s>", "</s>"
#: Between two tokens, what ends a sentence (the next capital says nothing).
SENTENCE_END = frozenset({".", "!", "?", ":", ";", '"', "\u201c", "\u201d", "(", "-",
                           "\u2013", "\u2014", "[", "'"})
#: Lower-case words inside multi-word names of the gazetteer.
INNER = frozenset({"of", "and", "the", "de", "del", "da", "do", "du", "la", "le", "van",
                    "von", "al", "el", "&", "-", "upon", "on", "in", "y", "for"})
_CAPS_WORD = re.compile(r"\b[^\W\d_a-z]{2,}\b")
_ALPHA_WORD = re.compile(r"\b[^\W\d_]")


def tokenise(text: str) -> list[tuple[str, int, int]]:
    """``(token, start, end)`` for each token of a paragraph."""
    return [(m[0], *m.span()) for m in TOKEN.finditer(text)]


def is_word_char(ch: str) -> bool:
    """Whether *ch* is what ``\\w`` matches in a str pattern (a letter, digit or ``_``)."""
    return ch.isalnum() or ch == "_"


@lru_cache(maxsize=4096)
def caps_paragraph(text: str) -> bool:
    """Headlines and datelines: two thirds or more of the words are all capitals.

    Cached because the tagger and its post-steps ask it of the same paragraphs in turn.
    """
    upper = len(_CAPS_WORD.findall(text))
    if not upper:
        return False
    # Not caps as soon as more than 3/2 * upper words are seen: count no further.
    over = upper * 3 // 2 + 1
    return sum(1 for _ in islice(_ALPHA_WORD.finditer(text), over)) < over


def sentence_starts(tokens: list[tuple[str, int, int]]) -> list[bool]:
    """Whether each token starts a sentence (or a quote, a bracket, a dash clause)."""
    out = []
    prev = "."
    for tok, _, _ in tokens:
        out.append(prev in SENTENCE_END)
        prev = tok
    return out


def shape(word: str) -> str:
    """The word's letter classes with repeats collapsed: "Qin" -> "Xx", "U.S." -> "X.X."."""
    out: list[str] = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:6]


def _classes(g: Gazetteer, word: str) -> list[str]:
    """Gazetteer and cue-word classes of one word."""
    out = []
    hit = lookup(word) if word[:1].isupper() else None
    if hit is not None:
        out.append("gz=" + hit[1] + ("/weak" if word in g.weak else ""))
    if word in g.first_names:
        out.append("first")
    for cue in g.cues.get(word, ()):
        out.append("cue=" + cue)
    if word in g.demonyms:
        out.append("demonym")
    low = word.lower()
    if low in g.common:
        out.append("common")
    if word in FUNCTION_WORDS:
        out.append("function")
    if word in NON_ENTITY_ACRONYMS:
        out.append("nonentity")
    return out


@lru_cache(maxsize=4096)
def _word(word: str) -> tuple[str, str, tuple[str, ...]]:
    """The lower case, the shape and the classes of a word, which its context and token
    features all use (cached for the few calls about one new word in a row)."""
    return word.lower(), shape(word), tuple(_classes(load(), word))


def context_parts(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Features of a neighbouring word without the offset that prefixes them: two words
    away, and right beside the token tagged (which adds the suffix)."""
    low, s, classes = _word(word)
    far = ("w=" + low, "s=" + s, *classes)
    return far, (*far, "suf=" + low[-3:]) if len(low) > 3 else far


@lru_cache(maxsize=200_000)
def context_features(word: str, offset: int) -> tuple[str, ...]:
    """Features of a neighbouring word at *offset* from the token tagged."""
    p = f"{offset}:"
    return tuple(p + f for f in context_parts(word)[abs(offset) == 1])


@lru_cache(maxsize=200_000)
def token_features(word: str, initial: bool, caps: bool) -> tuple[str, ...]:
    """Features of the token tagged itself, with its sentence-start and all-caps flags."""
    low, s, classes = _word(word)
    feats = ["bias", "w=" + word, "l=" + low, "s=" + s, f"len={min(len(word), 8)}"]
    for k in (1, 2, 3, 4):
        if len(low) > k:
            feats.append(f"p{k}={low[:k]}")
            feats.append(f"x{k}={low[-k:]}")
    feats += classes
    if "-" in word:
        parts = word.split("-")
        for part in parts:
            hit = lookup(part) if part[:1].isupper() else None
            if hit is not None:
                feats.append("part=" + hit[1])
        feats.append("hyph-last=" + parts[-1].lower())
    # The same evidence means something else at a sentence start or in a headline.
    flags = ("i" if initial else "") + ("c" if caps else "")
    if flags:
        feats += [f"{flags}|bias", f"{flags}|s={s}", f"{flags}|l={low}"]
        feats += [f"{flags}|{c}" for c in classes]
    return tuple(feats)


def name_matches(tokens: list[tuple[str, int, int]], text: str) -> list[str]:
    """Per token, ``B-kind``/``I-kind`` where a known multi-word name covers it, else ""."""
    g = load()
    names = g.names
    n = len(tokens)
    out = [""] * n
    i = 0
    while i < n:
        # A multi-word name goes on with a capital or a connector ("Bank of England").
        if not tokens[i][0][:1].isupper() or i + 1 == n or not (
                tokens[i + 1][0][:1].isupper() or tokens[i + 1][0] in INNER):
            i += 1
            continue
        for size in range(min(4, n - i), 1, -1):
            last = i + size - 1
            hit = names.get(text[tokens[i][1]:tokens[last][2]])
            if hit is not None:
                out[i] = "B-" + hit[1]
                for k in range(i + 1, last + 1):
                    out[k] = "I-" + hit[1]
                i = last
                break
        i += 1
    return out


def article_features(paragraphs: list[list[tuple[str, int, int]]],
                     starts: list[list[bool]]) -> set[str]:
    """Words the article writes with a capital away from a sentence start.

    A sentence-initial "Mugabe" is a name if the article also has "said Mugabe"; "Visits"
    is not, because it never appears capitalised mid-sentence.
    """
    seen = set()
    for tokens, initial in zip(paragraphs, starts, strict=True):
        for (tok, _, _), first in zip(tokens, initial, strict=True):
            if not first and tok[:1].isupper():
                seen.add(tok)
    return seen


def positional_features(tag: str, midcap: bool) -> list[str]:
    """Features that depend on the article, not on the word alone.

    :param tag: the token's part of a known multi-word name (:func:`name_matches`), or ""
    :param midcap: whether the token opens a sentence and the article also writes it with a
        capital mid-sentence (:func:`article_features`)
    """
    out = []
    if tag:
        out.append("mw=" + tag)
    if midcap:
        out.append("midcap")
    return out


def token_feature_lists(paragraphs: Sequence[str]) -> list[list[list[str]]]:
    """Every feature of every token of ONE article, as strings: what training reads, and
    the plain reading that the tagger's cached scores must equal."""
    tokens = [tokenise(p) for p in paragraphs]
    starts = [sentence_starts(t) for t in tokens]
    midcap = article_features(tokens, starts)
    out = []
    for text, toks, initial in zip(paragraphs, tokens, starts, strict=True):
        cap = caps_paragraph(text)
        words = [t[0] for t in toks]
        matches = name_matches(toks, text)
        padded = [BOS, BOS, *words, EOS, EOS]
        para = []
        for i, word in enumerate(words):
            feats = list(token_features(word, initial[i], cap))
            for off in OFFSETS:
                feats += context_features(padded[i + 2 + off], off)
            feats += positional_features(matches[i], initial[i] and word in midcap)
            para.append(feats)
        out.append(para)
    return out

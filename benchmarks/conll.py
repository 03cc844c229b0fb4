"""Read CoNLL-2003 style NER files into detokenised articles with character-offset gold spans.

Each ``-DOCSTART-`` starts an article; each sentence (blank-line separated) becomes one
paragraph, detokenised with the usual news spacing ("China 's" -> "China's", no space
before commas and full stops), and gold token spans become character spans in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

__all__ = ["GoldArticle", "KIND_OF_TAG", "detokenise", "read_conll", "parse_conll"]

#: CoNLL entity types scored, and searchlib's kind for each; MISC is not scored.
KIND_OF_TAG = {"PER": "person", "LOC": "place", "ORG": "org"}

_NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "'S",
                              "n't", "'re", "'ve", "'ll", "'d", "'m", "...", "'"})
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$", "#"})


@dataclass
class GoldArticle:
    """One article: paragraphs and, per paragraph, gold ``(kind, start, end)`` spans."""

    paragraphs: list[str] = field(default_factory=list)
    spans: list[list[tuple[str, int, int]]] = field(default_factory=list)


def detokenise(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join tokens into text and return each token's character span in it.

    :param tokens: the sentence's tokens in order
    """
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    quote_open = False
    prev = ""
    for tok in tokens:
        space = bool(parts)
        if tok in _NO_SPACE_BEFORE or prev in _NO_SPACE_AFTER:
            space = False
        if tok == '"':
            # Straight quotes alternate: attach an opening one to the next word, a
            # closing one to the previous word.
            space = space and not quote_open
            quote_open = not quote_open
        elif prev == '"' and quote_open:
            space = False
        if space:
            parts.append(" ")
            pos += 1
        offsets.append((pos, pos + len(tok)))
        parts.append(tok)
        pos += len(tok)
        prev = tok
    return "".join(parts), offsets


def _sentence(tokens: list[str], tags: list[str]) -> tuple[str, list[tuple[str, int, int]]]:
    text, offsets = detokenise(tokens)
    spans: list[tuple[str, int, int]] = []
    current: list = []  # [kind or None, start, end, type]
    for (start, end), tag in zip(offsets, tags, strict=True):
        prefix, _, etype = tag.partition("-")
        continues = (prefix == "I" and current and current[3] == etype)
        if continues:
            current[2] = end
            continue
        if current and current[0]:
            spans.append((current[0], current[1], current[2]))
        current = [KIND_OF_TAG.get(etype), start, end, etype] if prefix in ("B", "I") else []
    if current and current[0]:
        spans.append((current[0], current[1], current[2]))
    return text, spans


def parse_conll(lines: Iterable[str]) -> Iterator[GoldArticle]:
    """Parse CoNLL lines (``TOKEN POS CHUNK NER``) into articles.

    Both IOB1 (an entity may start with ``I-``) and IOB2 tagging are read.
    """
    article: GoldArticle | None = None
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if tokens and article is not None:
            text, spans = _sentence(tokens, tags)
            article.paragraphs.append(text)
            article.spans.append(spans)
        tokens.clear()
        tags.clear()

    for line in lines:
        fields = line.split()
        if not fields:
            flush()
            continue
        if fields[0] == "-DOCSTART-":
            flush()
            if article is not None and article.paragraphs:
                yield article
            article = GoldArticle()
            continue
        if article is None:
            article = GoldArticle()
        tokens.append(fields[0])
        tags.append(fields[-1])
    flush()
    if article is not None and article.paragraphs:
        yield article


def read_conll(path: str, limit: int | None = None) -> list[GoldArticle]:
    """Read up to *limit* articles from a CoNLL file."""
    out = []
    with open(path, encoding="utf-8") as lines:
        for article in parse_conll(lines):
            out.append(article)
            if limit is not None and len(out) >= limit:
                break
    return out

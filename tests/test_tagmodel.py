"""The tagger's fast scoring path gives the tags of a plain reading of its features."""

from __future__ import annotations

import numpy as np
import pytest
from searchlib.index.entities import _tagmodel
from searchlib.index.entities._features import (
    BOS,
    EOS,
    OFFSETS,
    TAGS,
    article_features,
    caps_paragraph,
    context_features,
    name_matches,
    positional_features,
    sentence_starts,
    token_features,
    tokenise,
)
from searchlib.index.entities._gazetteer import load, lookup
from searchlib.index.entities._tagger import load_model
from searchlib.index.entities._tagmodel import Model

ARTICLES = [
    ["ZORBEX CORP NAMES NEW CHIEF IN HONG KONG",
     "Foreign Minister Lin Wei met Ana Ruiz in Lima on Monday, the Bank of England said.",
     "Lin said the Zorbex Corp deal was close. Visits by U.S. officials to New York went on.",
     "", "   ",
     "Leeds 2 Manchester 1 . Paragraph 2 of the report: \"Ruiz's plan\" (Reuters) - Sino-US "
     "ties, the European Union and Wall Street.",
     "Visits were few; visits abroad fewer. Mugabe spoke, and then said Mugabe was tired.",
     "Rose spoke first. Officials met Rose beside a rose bed; Visits ended."],
    ["Ünal Öztürk flew to São Paulo with Dr. Émile Zola Jr. and George W. Bush at 10:30",
     "nothing here at all."],
    [""],
]


def reference_tag(model: Model, paragraphs: list[str]) -> list[list[tuple[str, int, int]]]:
    """The spans read token by token from string features, without any cache."""
    index, weights = model.feature_index, model.weights

    def total(feats: tuple[str, ...] | list[str]) -> np.ndarray:
        return weights[[index[f] for f in feats if f in index]].sum(axis=0)

    tokens = [tokenise(p) for p in paragraphs]
    starts = [sentence_starts(t) for t in tokens]
    midcap = article_features(tokens, starts)
    seen = {t[0] for toks in tokens for t in toks}
    common = load().common
    out = []
    for text, toks, initial in zip(paragraphs, tokens, starts, strict=True):
        words = [t[0] for t in toks]
        matches = name_matches(toks, text)
        padded = [BOS, BOS, *words, EOS, EOS]
        tags = []
        for i, word in enumerate(words):
            score = total(token_features(word, initial[i], caps_paragraph(text)))
            pos = positional_features(matches[i], initial[i] and word in midcap)
            if pos:
                score = score + total(pos)
            for off in OFFSETS:
                score = score + total(context_features(padded[i + 2 + off], off))
            tags.append(TAGS[int(score.argmax())])
        # Names: a B- tag, an O or a change of type ends one; then trailing numbers go, and
        # a lone sentence-opening word is dropped when the article writes it in lower case.
        names: list[list] = []
        for i, tag in enumerate(tags):
            prefix, _, etype = tag.partition("-")
            if prefix == "I" and names and names[-1][0] == etype and names[-1][2] == i - 1:
                names[-1][2] = i
            elif prefix != "O":
                names.append([etype, i, i])
        spans = []
        for etype, first, last in names:
            while last > first and words[last].isdigit():
                last -= 1
            word, low = words[first], words[first].lower()
            forms = {low, low + "s", low + "es", low[:-1] if low.endswith("s") else low}
            if (first == last and initial[first] and word not in midcap
                    and not caps_paragraph(text) and lookup(word) is None
                    and (low in common or forms & seen)):
                continue
            spans.append((etype, toks[first][1], toks[last][2]))
        out.append(spans)
    return out


@pytest.mark.parametrize("paragraphs", ARTICLES)
def test_cached_tags_equal_the_plain_reading(paragraphs: list[str]) -> None:
    model = load_model()
    expected = reference_tag(model, paragraphs)
    assert model.tag(paragraphs) == expected
    assert model.tag(paragraphs) == expected  # now from warm caches
    fresh = Model(list(model.feature_index), model.weights)
    assert fresh.tag(paragraphs) == expected


def test_the_examples_reach_every_path() -> None:
    """The articles above are no easy case: known multi-word names, mid-sentence capitals
    of a sentence-opening word, and names found."""
    text = ARTICLES[0][1]
    assert "B-org" in name_matches(tokenise(text), text)
    spans = load_model().tag(ARTICLES[0])
    start = text.index("Bank of England")
    assert ("ORG", start, start + len("Bank of England")) in spans[1]
    tokens = [tokenise(p) for p in ARTICLES[0]]
    assert "Mugabe" in article_features(tokens, [sentence_starts(t) for t in tokens])
    assert spans[3] == spans[4] == []


def test_tables_grow_and_restart_without_changing_tags(monkeypatch) -> None:
    shipped = load_model()
    model = Model(list(shipped.feature_index), shipped.weights)
    # More new words in one article than the tables first hold, then a cache restart.
    many = [" ".join(f"Zorb{i}x met ana{i} in Lim{i}a." for i in range(k, k + 500))
            for k in range(0, 5000, 500)]
    assert model.tag(many) == reference_tag(model, many)
    monkeypatch.setattr(_tagmodel, "_CACHE_WORDS", 100)
    assert model.tag(ARTICLES[0]) == reference_tag(model, ARTICLES[0])
    assert len(model._words) < 1000

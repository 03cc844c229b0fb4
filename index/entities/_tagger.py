"""The ``tagger`` extractor (the default): an averaged perceptron trained on CoNLL-2003.

The model tags each token O, B-TYPE or I-TYPE from features of the token and of the two
words on either side (:mod:`searchlib.index.entities._features`); its weights ship in
``data/tagger.npz`` and are re-made by ``scripts/train_tagger.py`` from
``conllpp_train.txt`` (tuned on ``conllpp_dev.txt``, nothing else). Scoring and reading the
tags is :class:`searchlib.index.entities._tagmodel.Model` (fast through per-word caches).
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
from searchlib.index.entities._gazetteer import DATA_DIR
from searchlib.index.entities._normalise import resolve
from searchlib.index.entities._tagger_spans import article_spans
from searchlib.index.entities._tagmodel import Model

from searchlib._errors import ExtractorError

MODEL_FILE = DATA_DIR / "tagger.npz"


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
    version = "2"

    def __init__(self) -> None:
        self.model = load_model()

    def extract(self, paragraphs: Sequence[str]) -> list[list[Entity]]:
        paragraphs = list(paragraphs)
        return resolve(paragraphs, article_spans(paragraphs, self.model.tag(paragraphs)))

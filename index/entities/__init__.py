"""Entity extraction: people, places and organisations named in each paragraph."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from searchlib.index._format import KINDS
from searchlib.index._records import Entity
from searchlib.index.entities import (
    _rules,  # noqa: F401  (registers the "rules" extractor)
    _spacyner,  # noqa: F401
    _tagger,  # noqa: F401  (registers the "tagger" extractor, the default)
)
from searchlib.index.entities._base import (
    DEFAULT_EXTRACTOR,
    Extractor,
    extractor_names,
    get_extractor,
    register,
)

__all__ = [
    "DEFAULT_EXTRACTOR",
    "KINDS",
    "Entity",
    "Extractor",
    "extract_entities",
    "extractor_names",
    "get_extractor",
    "register",
]


@lru_cache(maxsize=4)
def _shared(name: str) -> Extractor:
    # Building an extractor loads gazetteers or a model: do it once per process and name.
    return get_extractor(name)


def extract_entities(paragraphs: Sequence[str], extractor: str = DEFAULT_EXTRACTOR
                     ) -> list[list[Entity]]:
    """Find the entities in the paragraphs of ONE article.

    :param paragraphs: the article's paragraphs in order (headline first, if it is to be
        searched); names are resolved across them, so "Qin" takes "Qin Gang" from elsewhere
    :param extractor: ``"tagger"`` (default), ``"rules"`` or ``"spacy"``
    :returns: for each paragraph, its entities with offsets into that paragraph
    """
    return _shared(extractor).extract(list(paragraphs))

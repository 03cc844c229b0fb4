"""A Whoosh analysis filter for entity fields (pickled into the schema, so its path is fixed)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from searchlib.index._format import NAME_SEPARATOR
from whoosh.analysis import Filter, Token

#: Positions left between two names of one entity field.
NAME_GAP = 100


class NameGapFilter(Filter):
    """Drops separator tokens and leaves a gap in positions where each one stood."""

    # Filter's own signature; whoosh3's stubs type Filter.__call__ apart from its base
    # Composable's, so every filter subclass disagrees with one of the two.
    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]
        gap = 0
        for t in tokens:
            if t.text == NAME_SEPARATOR:
                gap += NAME_GAP
                continue
            if gap and t.positions:
                t.pos += gap
            yield t

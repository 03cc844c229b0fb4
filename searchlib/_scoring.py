"""BM25F over arrays: the scores Whoosh's ``BM25F`` gives, for every posting of a term at
once.

The formula, its constants and the order of its operations are Whoosh's
(``whoosh.scoring.bm25``), evaluated element-wise in float64, so each score is the same
double Whoosh computes one match at a time; statistics (idf, average field length) come
from the top-level searcher, as Whoosh's per-segment scorers take them from their parent.
"""

from __future__ import annotations

import numpy as np
from whoosh import scoring


class TermScorer:
    """Scores the postings of one term in one field.

    :param searcher: the top-level Whoosh searcher (its weighting must be BM25F)
    :param field: the field name
    :param btext: the term, as bytes
    """

    __slots__ = ("idf", "avgfl", "B", "K1", "scorable")

    def __init__(self, searcher, field: str, btext: bytes) -> None:
        weighting = searcher.weighting
        self.scorable = searcher.schema[field].scorable
        self.B = weighting._field_B.get(field, weighting.B)
        self.K1 = weighting.K1
        if self.scorable:
            self.idf = searcher.idf(field, btext)
            self.avgfl = searcher.avg_field_length(field) or 1

    def score(self, weights: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Scores of postings with these term frequencies and field lengths."""
        if not self.scorable:  # Whoosh's WeightScorer
            return weights.astype(np.float64, copy=True)
        K1, B = self.K1, self.B
        return self.idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths
                                                                   / self.avgfl)))


def supported(searcher) -> bool:
    """Whether *searcher* scores with plain BM25F (the only model computed here)."""
    return type(searcher.weighting) is scoring.BM25F

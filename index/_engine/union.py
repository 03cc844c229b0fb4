"""An ``Or`` query that always builds Whoosh's binary tree of union matchers."""

from __future__ import annotations

from whoosh import query


class UnionOr(query.Or):
    """``Or`` that always merges its parts with Whoosh's binary tree of union matchers.

    Whoosh's automatic choice preloads every match of a segment with fewer than 5,000
    documents into an array, a fixed cost per segment that dominated searches of a
    many-segment index (measured: 55 ms -> 23 ms median on 30% of Reuters in 14 segments).
    """

    matcher_type = query.Or.DEFAULT_MATCHER


def union_matchers(q: query.Query) -> query.Query:
    """*q* with every plain ``Or`` replaced by :class:`UnionOr`."""
    if type(q) is query.Or:
        q = UnionOr(q.subqueries, boost=q.boost, minmatch=q.minmatch, scale=q.scale)
    return q if q.is_leaf() else q.apply(union_matchers)

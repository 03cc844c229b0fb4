"""When to merge index segments: a tiered policy in place of Whoosh's default.

Every commit writes a new segment. Whoosh's default policy (``MERGE_SMALL``) merges all its
"small" segments once there are a dozen or more, so a long ingest in batches merged almost
everything again at nearly every commit (40 merges in 42 commits for Reuters-21578: two
thirds of the ingest time). Many segments, on the other hand, make every search pay a
cost per segment and the index larger on disk.

The tiered policy below keeps both in check: segments are grouped by size into tiers a
factor of :data:`MERGE_FACTOR` apart, and a tier is merged into one segment of the next
tier when it holds :data:`MERGE_FACTOR` segments. Each paragraph is then rewritten about
once per tier it climbs, and an index of N batches keeps under
``MERGE_FACTOR * log(N)`` segments. Segments with more deleted than live documents are
rewritten too, to drop the dead ones.
"""

from __future__ import annotations

import math
from collections import defaultdict

from whoosh.reading import SegmentReader

__all__ = ["MERGE_FACTOR", "tiered_merge"]

#: Segments of one tier merged at a time, and the size ratio between tiers.
MERGE_FACTOR = 8


def _tier(segment) -> int:
    return int(math.log(max(segment.doc_count_all(), 1), MERGE_FACTOR))


def tiered_merge(writer, segments: list) -> list:
    """Whoosh merge policy (``writer.commit(mergetype=tiered_merge)``).

    :param writer: the committing writer; merged segments are added to its new segment
    :param segments: the index's existing segments
    :returns: the segments to keep as they are
    """
    tiers: dict[int, list] = defaultdict(list)
    for segment in segments:
        tiers[_tier(segment)].append(segment)
    merge = next((tiers[t] for t in sorted(tiers) if len(tiers[t]) >= MERGE_FACTOR), [])
    merge = merge + [s for s in segments if s not in merge
                     and s.deleted_count() > s.doc_count_all() / 2]
    for segment in merge:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in merge]

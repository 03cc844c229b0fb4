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
rewritten too, to drop the dead ones. Inside an ingest session, which ends by merging what
it wrote into one segment, the session's own segments are left as they are up to a cap
(:func:`session_merge`): merging them on the way would be done again at the end.

Merging itself is done here too, not by Whoosh's ``add_reader``: that sends every posting
of every merged segment through the writer's external sort (pickled to temporary runs and
read back), though each segment's postings are in order already, and reads every document's
field lengths with a file-system ``stat`` per field. Merging all of Reuters took 44 s that
way; :func:`merge_into` streams each segment's postings term by term beside the writer's
own and copies the per-document values with one column reader per field.
"""

from __future__ import annotations

import heapq
import math
import resource
from collections import defaultdict
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from searchlib.index._engine.codec import CompactLeafMatcher, CompactTermsReader, MovedPostings
from searchlib.index._engine.splitmerge import can_split, run_split
from whoosh.reading import SegmentReader

#: Segments of one tier merged at a time, and the size ratio between tiers.
MERGE_FACTOR = 8

#: The most segments an ingest session keeps of its own before merging them into one (and
#: at most a quarter of the process's open-file limit: a searcher holds each segment's file
#: open). The session ends by merging them all into one, so every merge on the way is work
#: done twice: all of Reuters (22 segments) went 48 -> 38 s without them. The cap only keeps a
#: very long run, or one stopped before its final merge, from piling up segments.
SESSION_SEGMENTS = 512


def session_segments_cap() -> int:
    """:data:`SESSION_SEGMENTS`, lowered to a quarter of this process's open-file limit."""
    try:
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (OSError, ValueError):
        return SESSION_SEGMENTS
    if soft == resource.RLIM_INFINITY:
        return SESSION_SEGMENTS
    return max(MERGE_FACTOR, min(SESSION_SEGMENTS, soft // 4))


def _full_tier(segments: list) -> list:
    """The segments of the smallest tier that holds :data:`MERGE_FACTOR` of them, or none."""
    tiers: dict[int, list] = defaultdict(list)
    for segment in segments:
        tiers[int(math.log(max(segment.doc_count_all(), 1), MERGE_FACTOR))].append(segment)
    return next((tiers[t] for t in sorted(tiers) if len(tiers[t]) >= MERGE_FACTOR), [])


def _merge_with_dead(writer, segments: list, merge: list) -> list:
    """Merge *merge* and every segment with more deleted than live documents; return the
    segments kept as they are."""
    merge = merge + [s for s in segments if s not in merge
                     and s.deleted_count() > s.doc_count_all() / 2]
    merge_into(writer, merge)
    return [s for s in segments if s not in merge]


def tiered_merge(writer, segments: list) -> list:
    """Whoosh merge policy (``writer.commit(mergetype=tiered_merge)``).

    :param writer: the committing writer; merged segments are added to its new segment
    :param segments: the index's existing segments
    :returns: the segments to keep as they are
    """
    return _merge_with_dead(writer, segments, _full_tier(segments))


def session_merge(before: set[str]):
    """The merge policy of a commit inside an ingest session that ends by merging its own
    segments into one (``ArticleWriter.consolidate``): the segments from before the session
    are tiered as by :func:`tiered_merge`; the session's own are merged only when there are
    :func:`session_segments_cap` of them.

    :param before: ids (``segment.segid``) of the segments there were when it began
    """
    cap = session_segments_cap()

    def policy(writer, segments: list) -> list:
        old = [s for s in segments if s.segid in before]
        new = [s for s in segments if s.segid not in before]
        return _merge_with_dead(writer, segments, _full_tier(old)
                                + (new if len(new) >= cap else []))
    return policy


def merge_all_except(keep: set[str]):
    """A merge policy that merges every segment whose id is not in *keep* into one.

    :param keep: segment ids (``segment.segid``) to leave as they are
    """
    def policy(writer, segments: list) -> list:
        merge = [s for s in segments if s.segid not in keep]
        if len(merge) < 2 and not writer._added:
            return segments
        merge_into(writer, merge)
        return [s for s in segments if s not in merge]
    return policy


def merge_into(writer, segments: list) -> None:
    """Add the documents of *segments* to the segment *writer* is writing.

    Call it from a merge policy; the policy returns the segments it did not merge.
    """
    if not segments:
        return
    if any(writer.schema[name].vector for name in writer.schema.names()):
        for segment in segments:  # term vectors: Whoosh's own (slow) way
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        return
    pool = writer.pool if isinstance(writer.pool, _MergingPool) else _MergingPool(writer.pool)
    writer.pool = pool
    readers = [SegmentReader(writer.storage, writer.schema, segment) for segment in segments]
    if can_split(writer, readers):
        # Document values are copied when the segment is written, beside its postings.
        for reader in readers:
            pool.sources.append((reader, writer.docnum, None))
            pool.deferred.append((reader, writer.docnum))
            writer.docnum += reader.doc_count_all()
    else:
        for reader in readers:
            pool.sources.append((reader, writer.docnum, _copy_documents(writer, reader)))
    writer._added = True


def _copy_documents(writer, reader) -> dict[int, int] | None:
    """Copy the per-document values (lengths, columns, stored fields) of *reader*'s live
    documents to *writer*; returns old -> new document numbers when some are deleted."""
    schema = writer.schema
    pdw = writer.perdocwriter
    perdoc = reader._perdoc
    plan = []
    for name in schema.names():
        field = schema[name]
        length = perdoc.doc_field_length_reader(name) if field.scorable else None
        column = (reader.column_reader(name, field.column_type, translate=False)
                  if field.column_type and reader.has_column(name) else None)
        plan.append((name, field, length, column))
    has_stored = any(schema[name].stored for name in schema.names())
    docmap: dict[int, int] | None = {} if reader.has_deletions() else None
    is_deleted = reader.is_deleted
    for docnum in range(reader.doc_count_all()):
        if docmap is not None:
            if is_deleted(docnum):
                continue
            docmap[docnum] = writer.docnum
        stored = reader.stored_fields(docnum) if has_stored else {}
        pdw.start_doc(writer.docnum)
        for name, field, length, column in plan:
            pdw.add_field(name, field, stored.get(name), length(docnum) if length else 0)
            if column is not None and (value := column[docnum]) != b"":
                # No value stays no value: a column of the bytes family leaves gaps empty
                pdw.add_column_value(name, field.column_type, value)
        pdw.finish_doc()
        writer.docnum += 1
    return docmap


class _MergingPool:
    """Stands in for a writer's posting pool: its own postings (sorted by Whoosh's pool)
    and those of the merged segments, interleaved term by term."""

    def __init__(self, pool) -> None:
        self._pool = pool
        self.sources: list[tuple[SegmentReader, int, dict[int, int] | None]] = []
        #: ``(reader, base)`` of segments whose document values are still to be copied,
        #: on two cores by :meth:`flush_split`
        self.deferred: list[tuple[SegmentReader, int]] = []

    def __getattr__(self, name: str):
        return getattr(self._pool, name)

    def add(self, item) -> None:
        self._pool.add(item)

    def iter_terms(self) -> Iterator[tuple]:
        """``((field, term), sources)`` in term order, as ``CompactFieldWriter.add_terms``
        takes them: the pool's own postings, then each merged segment's, in document order."""
        term = itemgetter(0, 1)
        pooled = groupby(self._pool.iter_postings(), key=term)
        streams: list[Iterator[tuple]] = [((key, list(group)) for key, group in pooled)]
        streams += [_segment_terms(*source) for source in self.sources]
        try:
            # heapq.merge keeps equal terms in stream order, which is document order.
            for key, group in groupby(heapq.merge(*streams, key=itemgetter(0)),
                                      key=itemgetter(0)):
                yield key, [source for _key, source in group]
        finally:
            self._close_sources()

    def flush_split(self, writer) -> None:
        """Write the merged segment on two cores (:mod:`.splitmerge`)."""
        try:
            run_split(writer, self.deferred, self.iter_terms, _copy_documents)
        finally:
            self._close_sources()

    def iter_postings(self) -> Iterator[tuple]:
        """Every posting in order (what Whoosh's own segment flush reads)."""
        for (fieldname, text), sources in self.iter_terms():
            for source in sources:
                if isinstance(source, MovedPostings):
                    source = _rows(fieldname, text, source.matcher, source.base, None)
                yield from source

    def cleanup(self) -> None:
        self._close_sources()
        self._pool.cleanup()

    def _close_sources(self) -> None:
        for reader, _base, _docmap in self.sources:
            reader.close()
        self.sources = []


def _segment_terms(reader, base: int, docmap: dict[int, int] | None) -> Iterator[tuple]:
    """``((field, term), postings)`` for every term of one segment, in order, with the
    postings' document numbers moved to where the segment's documents now are.

    The postings are a generator, read only as the merge writes them: a common term of a
    large segment has hundreds of thousands.
    """
    schema = reader.schema
    terms = reader._terms
    if docmap is not None or not isinstance(terms, CompactTermsReader):
        for fieldname, text in sorted(reader.all_terms()):
            if fieldname in schema:
                yield (fieldname, text), _term_postings(reader, fieldname, text, base, docmap)
        return
    # The term table in its stored order (field by field, each field's terms sorted, as
    # every writer adds them; ``add_terms`` raises if they were not), each term's postings
    # opened from the entry read beside it: no lookup of each term in the table again.
    codec, postfile = terms._codec, terms._postfile
    for (fieldname, text), info in terms.items():
        if fieldname in schema:
            matcher = codec.postings_reader(postfile, info, schema[fieldname].format,
                                            term=(fieldname, text))
            yield (fieldname, text), _moved(fieldname, text, matcher, base, None)


def _term_postings(reader, fieldname: str, text: bytes, base: int,
                   docmap: dict[int, int] | None) -> Iterator[tuple] | MovedPostings:
    return _moved(fieldname, text, reader.postings(fieldname, text), base, docmap)


def _moved(fieldname: str, text: bytes, matcher, base: int,
           docmap: dict[int, int] | None) -> Iterator[tuple] | MovedPostings:
    """A term's postings moved to where its segment's documents now are."""
    if docmap is None and isinstance(matcher, CompactLeafMatcher):
        return MovedPostings(matcher, base)  # blocks copied as they are
    return _rows(fieldname, text, matcher, base, docmap)


def _rows(fieldname: str, text: bytes, matcher, base: int,
          docmap: dict[int, int] | None) -> Iterator[tuple]:
    for ids, weights, values in _blocks(matcher):
        if docmap is None:
            for d, w, v in zip(ids, weights, values, strict=True):
                yield fieldname, text, base + d, w, v
        else:
            for d, w, v in zip(ids, weights, values, strict=True):
                if d in docmap:
                    yield fieldname, text, docmap[d], w, v


def _blocks(matcher) -> Iterator[tuple]:
    """A term's postings as ``(ids, weights, values)`` per block."""
    if isinstance(matcher, CompactLeafMatcher):
        yield from matcher.blocks()
        return
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value())
        matcher.next()
    yield ids, weights, values

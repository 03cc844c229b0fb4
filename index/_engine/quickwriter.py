"""A segment writer with a shorter per-document path: the same postings, less Python.

Whoosh's ``SegmentWriter.add_document`` indexes a paragraph field by field: each text value
goes through the analyzer's chain of generators (a tokenizer and three filters passing one
``Token`` along), the format's ``word_values`` and ``FieldType.index``'s re-encoding. On
all of Reuters that was a fifth of the ingest's CPU time, and much of it repeated: the
headline, date, source and article id are the same on every paragraph of an article.

:class:`QuickSegmentWriter` differs in three ways, all giving exactly Whoosh's postings
(``tests/engine/test_quickwriter.py`` compares every term, posting and length):

- a text field whose analyzer is Whoosh's ``StemmingAnalyzer`` chain (``RegexTokenizer``,
  ``LowercaseFilter``, ``StopFilter``, ``StemFilter``) is analysed without the chain: the
  tokenizer's words are lower-cased and looked up in a memory of each word's term (or
  stop) at C speed, and only new words go through the filters' rules. The same tokens,
  stop words, position numbering and stems. An entity field's chain (names apart by
  :class:`~.analysis.NameGapFilter`'s gaps) is analysed in one loop likewise;
- a field's postings are kept for its last value, so a value repeated on consecutive
  documents is analysed once;
- postings are pooled per term (:class:`_TermPool`), a document's field at a time, and
  written a term at a time with the field lengths read whole (:func:`flush_segment`), not
  one Python call per posting.

Documents with boosts (``_boost``, ``_<field>_boost``) or ``_stored_`` values, and schemas
with term vectors or spelling fields, go through Whoosh's own ``add_document``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any

from searchlib.index._engine.analysis import NAME_GAP, NameGapFilter
from searchlib.index._engine.codec import PooledPostings
from searchlib.index._format import NAME_SEPARATOR
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import NumericColumn
from whoosh.fields import FieldType
from whoosh.formats import Positions
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

_Postings = list[tuple[bytes, int, float, bytes]]
#: Distinct words whose terms a memory holds (then it starts afresh).
_MAX_WORDS = 500_000
#: A match's text, called over many matches at C speed by ``map``.
_GROUP = re.Match.group
#: A posting's frequency, summed at C speed into the document's length in the field.
_FREQUENCY = itemgetter(1)


def quick_postings(field: FieldType) -> Callable[[str], _Postings] | None:
    """A function giving ``list(field.index(text))`` for *field* without Whoosh's chain of
    generators (:func:`stemming_postings`, :func:`name_postings`), or None when its
    analyzer or format is not one this module knows.

    :param field: a schema field
    """
    return stemming_postings(field) or name_postings(field)


def name_postings(field: FieldType) -> Callable[[str], _Postings] | None:
    """``list(field.index(text))`` for an entity field's chain (``RegexTokenizer``,
    :class:`~.analysis.NameGapFilter`, ``LowercaseFilter``), or None for another chain.

    :param field: a schema field
    """
    analyzer, fmt = field.analyzer, field.format
    parts = list(analyzer.items) if type(analyzer) is CompositeAnalyzer else []
    if not isinstance(fmt, Positions) or [type(p) for p in parts] != [
            RegexTokenizer, NameGapFilter, LowercaseFilter]:
        return None
    tokenizer = parts[0]
    assert isinstance(tokenizer, RegexTokenizer)
    if tokenizer.gaps:
        return None
    finditer = tokenizer.expression.finditer
    encode, boost = fmt.encode, fmt.field_boost

    def postings(text: str) -> _Postings:
        # A separator is a token of its own: it takes a position, and NameGapFilter moves
        # every word after it on by the gap.
        poses: defaultdict[str, list[int]] = defaultdict(list)
        gap = 0
        for pos, word in enumerate(map(_GROUP, finditer(text))):
            if word == NAME_SEPARATOR:
                gap += NAME_GAP
            else:
                poses[word.lower()].append(pos + gap)
        return [(term.encode("utf-8"), len(p), len(p) * boost, encode(p))
                for term, p in poses.items()]

    return postings


def stemming_postings(field: FieldType) -> Callable[[str], _Postings] | None:
    """A function giving ``list(field.index(text))`` for *field*, or None when its
    analyzer or format is not the one this module knows.

    :param field: a schema field
    """
    analyzer, fmt = field.analyzer, field.format
    parts = list(analyzer.items) if type(analyzer) is CompositeAnalyzer else []
    if not isinstance(fmt, Positions) or [type(p) for p in parts] != [
            RegexTokenizer, LowercaseFilter, StopFilter, StemFilter]:
        return None
    tokenizer, _lower, stopper, stemmer = parts
    assert isinstance(tokenizer, RegexTokenizer) and isinstance(stopper, StopFilter)
    assert isinstance(stemmer, StemFilter)
    if tokenizer.gaps or not stopper.renumber:
        return None
    finditer = tokenizer.expression.finditer
    stops, minsize, maxsize = stopper.stops, stopper.min, stopper.max
    stem, ignore = stemmer._stem, stemmer.ignore
    encode, boost = fmt.encode, fmt.field_boost
    # A lower-cased word -> its term's bytes, or None for a word StopFilter drops: what
    # the filters do to a word depends on the word alone.
    terms: dict[str, bytes | None] = {}

    def term_of(word: str) -> bytes | None:
        if len(word) < minsize or (maxsize is not None and len(word) > maxsize) \
                or word in stops:
            return None
        return (word if word in ignore else stem(word)).encode("utf-8")

    def postings(text: str) -> _Postings:
        # The tokenizer's words and their terms at C speed (map); only new words are
        # looked at in Python.
        found = remembered(list(map(str.lower, map(_GROUP, finditer(text)))), terms, term_of)
        # StopFilter(renumber=True): the first word kept keeps its place, the next ones
        # follow it without gaps.
        first = next((i for i, term in enumerate(found) if term is not None), 0)
        poses: defaultdict[bytes, list[int]] = defaultdict(list)
        for pos, term in enumerate(filter(None, found), first):
            poses[term].append(pos)
        return [(term, len(p), len(p) * boost, encode(p)) for term, p in poses.items()]

    return postings


#: What a memory gives for a key it does not hold yet.
_UNSEEN = object()


def remembered(keys: list[str], memo: dict[str, Any], compute: Callable[[str], Any]
               ) -> list[Any]:
    """*memo*'s value for each of *keys*, looked up at C speed (``map``); a key it does not
    hold yet is computed once and kept. A memory past ``_MAX_WORDS`` keys starts afresh.

    What the segment writer and the highlighting (``searchlib._highlight``) both use to
    give a paragraph's words their terms without Whoosh's chain of generators.
    """
    if len(memo) > _MAX_WORDS:
        memo.clear()
    found = list(map(memo.get, keys, repeat(_UNSEEN)))
    if _UNSEEN in found:
        for i, value in enumerate(found):
            if value is _UNSEEN:
                key = keys[i]
                value = memo.get(key, _UNSEEN)
                if value is _UNSEEN:
                    value = memo[key] = compute(key)
                found[i] = value
    return found


class LoadedLengths:
    """A segment's per-document reader whose field lengths are read whole, once per field.

    Whoosh's ``FieldWriter.add_postings`` asks for a document's length in the field with
    every posting, and W3's reader answers each from the file (a seek and a one-byte read:
    a third of the time of writing a segment's postings).
    """

    def __init__(self, perdoc: Any, doccount: int) -> None:
        self._perdoc = perdoc
        self._doccount = doccount

    def doc_field_length_reader(self, fieldname: str, default: int = 0) -> Callable:
        table = self.table(fieldname)
        if table is None:
            return lambda docnum: default
        return table.__getitem__

    def table(self, fieldname: str) -> list[int | None] | None:
        """Every document's length in the field, and one ``None`` past the last (W3's
        reader: a document past the column's end, or byte 0, has no length); ``None`` when
        the segment has no lengths for the field."""
        reader = self._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if reader is None:
            return None
        if not (isinstance(reader, NumericColumn.Reader) and reader._fixedlen == 1):
            length = self._perdoc.doc_field_length_reader(fieldname, None)
            return [length(d) or None for d in range(self._doccount)] + [None]
        raw = reader._dbfile.get(reader._basepos, reader._count) if reader._count else b""
        table: list[int | None] = [_DECODED[b] for b in raw]
        table.extend([None] * (self._doccount + 1 - len(table)))
        return table


_DECODED: list[int | None] = [byte_to_length(b) if b else None for b in range(256)]


def flush_segment(writer: SegmentWriter) -> None:
    """``SegmentWriter._flush_segment`` with the field lengths read once per field, and a
    merge's posting blocks copied rather than decoded (``CompactFieldWriter.add_terms``).

    :param writer: the writer whose segment is written
    """
    if getattr(writer.pool, "deferred", None):  # a merge on two cores (_engine.splitmerge)
        writer.pool.flush_split(writer)
        return
    writer.perdocwriter.close()
    perdoc = writer.per_document_reader() if writer.codec.length_stats else None
    lengths = LoadedLengths(perdoc, writer.docnum) if perdoc else None
    terms = getattr(writer.pool, "iter_terms", None)  # a term pool, or a merge's
    if terms is not None and hasattr(writer.fieldwriter, "add_terms"):
        writer.fieldwriter.add_terms(writer.schema, lengths, terms())
    else:
        writer.fieldwriter.add_postings(writer.schema, lengths, writer.pool.iter_postings())
    writer.fieldwriter.close()
    if perdoc:
        perdoc.close()


def _rows(key: tuple[str, bytes], pooled: PooledPostings) -> Iterator[tuple]:
    """A pooled term's postings as Whoosh's pool holds them: one tuple each."""
    fieldname, tbytes = key
    for docnum, weight, vbytes in zip(*pooled, strict=True):
        yield fieldname, tbytes, docnum, weight, vbytes


class _TermPool:
    """Stands in for Whoosh's posting pool: postings kept per term as they come, in
    document order (documents are added in order), so a flush sorts the terms instead of
    every posting. Past the pool's memory limit everything moves to Whoosh's pool, which
    sorts in runs on disk: memory stays bounded whatever the batch size.

    :param pool: the writer's ``PostingPool``
    """

    #: Bytes counted per posting besides its value (tuple, numbers, list slot).
    _POSTING = 120

    def __init__(self, pool: Any) -> None:
        self._pool = pool
        self.fieldnames = pool.fieldnames
        self.spilled = False
        #: field -> term -> its postings (a dict per field: no key tuple per posting)
        self._terms: dict[str, dict[bytes, PooledPostings]] | None = {}
        self._size = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)

    def add(self, item: tuple) -> None:
        """Whoosh's pool call for one ``(field, term, docnum, weight, value)`` posting (the
        documents that take Whoosh's own path, such as boosted ones)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_postings(fieldname, docnum, [(tbytes, 0, weight, vbytes)])

    def add_postings(self, fieldname: str, docnum: int, items: _Postings) -> None:
        """Add one document's postings in one field, as ``field.index`` gives them."""
        terms = self._terms
        if terms is None:
            for tbytes, _freq, weight, vbytes in items:
                self._pool.add((fieldname, tbytes, docnum, weight, vbytes))
            return
        if not items:
            return
        self.fieldnames.add(fieldname)
        field_terms = terms.get(fieldname)
        if field_terms is None:
            field_terms = terms[fieldname] = {}
        get = field_terms.get
        size = self._size + self._POSTING * len(items)
        for tbytes, _freq, weight, vbytes in items:
            pooled = get(tbytes)
            if pooled is None:
                field_terms[tbytes] = PooledPostings([docnum], [weight], [vbytes])
                size += len(tbytes) + 100
            else:
                ids, weights, values = pooled
                ids.append(docnum)
                weights.append(weight)
                values.append(vbytes)
            if vbytes:
                size += len(vbytes)
        self._size = size
        if size > self._pool.limit:
            self._spill()

    def _spill(self) -> None:
        self.spilled = True
        pooled = list(self._sorted())
        self._terms = None
        add = self._pool.add
        for key, postings in pooled:
            for item in _rows(key, postings):
                add(item)

    def _sorted(self) -> Iterator[tuple[tuple[str, bytes], PooledPostings]]:
        assert self._terms is not None
        for fieldname, field_terms in sorted(self._terms.items()):
            for tbytes in sorted(field_terms):
                yield (fieldname, tbytes), field_terms[tbytes]

    def iter_terms(self):
        """``((field, term), [postings])`` in term order (``CompactFieldWriter.add_terms``)."""
        if self._terms is None:
            yield from ((key, [list(group)]) for key, group in
                        groupby(self._pool.iter_postings(), key=itemgetter(0, 1)))
            return
        for key, postings in self._sorted():
            yield key, [postings]

    def iter_postings(self):
        for key, (source,) in self.iter_terms():
            yield from _rows(key, source) if type(source) is PooledPostings else source

    def cleanup(self) -> None:
        self._terms = {}
        self._pool.cleanup()


class QuickSegmentWriter(SegmentWriter):
    """Whoosh's segment writer with the shorter per-document path of this module's doc."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = self.schema
        self._plain = not any(schema[n].vector or schema[n].separate_spelling()
                              for n in schema.names())
        if self._plain:  # a spelling field adds postings out of document order
            self.pool = _TermPool(self.pool)
        self._quick: dict[str, Callable[[str], _Postings] | None] = {}
        self._last: dict[str, tuple[Any, _Postings]] = {}

    def _postings(self, fieldname: str, field: FieldType, value: Any) -> _Postings:
        last = self._last.get(fieldname)
        if last is not None and type(last[0]) is type(value) and last[0] == value:
            return last[1]
        if fieldname not in self._quick:
            self._quick[fieldname] = quick_postings(field)
        quick = self._quick[fieldname]
        if quick is not None and isinstance(value, str):
            items = quick(value)
        else:  # Whoosh multiplies by the field boost of 1.0: a float weight
            items = [(t, f, w * 1.0, v) for t, f, w, v in field.index(value)]
        self._last[fieldname] = (value, items)
        return items

    def add_document(self, **fields: Any) -> None:
        if not self._plain or any(name.startswith("_") for name in fields):
            super().add_document(**fields)
            return
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        add_postings = self.pool.add_postings  # a _TermPool: this path is for _plain only
        perdoc = self.perdocwriter
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        perdoc.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    items = self._postings(fieldname, field, value)
                    if field.scorable:
                        length = sum(map(_FREQUENCY, items))
                    add_postings(fieldname, docnum, items)
                perdoc.add_field(fieldname, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(fieldname, field.column_type,
                                            field.to_column_value(value))
        except ValueError:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        flush_segment(self)

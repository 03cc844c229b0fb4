"""Re-extraction: run an extractor again over the text an index stores, no input files needed.

Only the entity fields change: each article is read back from the index (headline,
paragraphs, date, source, url), extracted again and re-written in place, in batches of one
commit each, exactly as ``index`` writes a changed article. Every article's header records
the provenance tag of the extractor that filled it (``name/version/fingerprint``), so an
interrupted run, started again, skips the articles already done. The index's name
statistics (:mod:`~searchlib.index.entities._names`) start afresh with the run, so that the
result is the index a fresh ingest with that extractor would have built. At the end every
segment is merged into one (dropping the replaced paragraphs), and ``searchlib.json``
records the new extractor, its version and data fingerprint.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from searchlib.index._documents import DocumentReader
from searchlib.index._ingest import IngestReport
from searchlib.index._meta import IndexMeta, write_meta
from searchlib.index._records import Article
from searchlib.index._writer import ArticleWriter, BatchCounts
from searchlib.index.entities._base import Extractor, provenance_tag
from searchlib.index.entities._names import IndexNames
from whoosh import query as wq
from whoosh.index import FileIndex

from searchlib._errors import IngestInterrupted


def _pending(ix: FileIndex, tag: str) -> tuple[list[str], int]:
    """Ids of the articles not yet extracted with *tag*, in index order; and how many are."""
    todo, done = [], 0
    with ix.searcher() as s:
        docs = DocumentReader(s)
        for docnum in sorted(s.docs_for_query(wq.Term("paragraph", 0))):
            _text, _mentions, header = docs._record(docnum)
            if header.get("ex") == tag:
                done += 1
            else:
                todo.append(docs.article_id(docnum))
    return todo, done


def stored_articles(ix: FileIndex, ids: list[str]) -> Iterator[Article]:
    """The articles with these ids, as the index stores them (what ``index`` was given)."""
    with ix.searcher() as s:
        docs = DocumentReader(s)
        for aid in ids:
            numbers = docs.docnums(aid)
            header = docs.header(aid)
            if header is None:
                continue  # deleted since the run began
            paragraphs = [docs.body(numbers[n])[0] for n in sorted(numbers) if n > 0]
            yield Article(header["title"], paragraphs, id=aid, date=header.get("date"),
                          source=header.get("source"), url=header.get("url"))


def reextract(ix: FileIndex, directory: str | os.PathLike, meta: IndexMeta,
              extractor: Extractor, batch_size: int, wait: float = 5.0,
              on_batch: Callable[[IngestReport], None] | None = None) -> IngestReport:
    """Re-extract every article of the index with *extractor*; see the module docstring.

    :param meta: the index's metadata; updated and written (extractor, provenance)
    :param on_batch: called after each commit with the counts so far
    :returns: ``replaced`` counts the articles re-extracted, ``skipped`` those done already
    :raises IngestInterrupted: on Ctrl-C, after the last committed batch; run it again
    """
    directory = Path(directory)
    tag = provenance_tag(extractor)
    names = IndexNames(directory)
    report = IngestReport()
    todo, report.skipped = _pending(ix, tag)
    if not todo and meta.reextract != tag:
        return report  # every article is extracted with this extractor already
    if meta.reextract != tag or names.run != tag:
        # A new run (not the resumption of an interrupted one): counts start from nothing.
        names.reset(run=tag)
        names.save()
        meta.reextract = tag
        meta.extractor = extractor.name
        write_meta(directory, meta)
    writer = ArticleWriter(ix, extractor, wait=wait, names=names, extracted_by=tag)
    try:
        with writer:
            # Again under the lock: another writer may have changed the index meanwhile.
            todo, report.skipped = _pending(ix, tag)
            for start in range(0, len(todo), batch_size):
                batch = list(stored_articles(ix, todo[start:start + batch_size]))

                def committed(counts: BatchCounts) -> None:
                    nonlocal report
                    report += counts
                    report.commits += 1

                writer.write(batch, on_commit=committed, force=True)
                if on_batch:
                    on_batch(report)
            # Every paragraph was replaced: merge all segments, dropping the old copies, so
            # the index is the one a fresh ingest makes (term statistics included).
            writer.consolidate(everything=True)
    except KeyboardInterrupt as e:
        raise IngestInterrupted(report) from e
    meta.reextract = ""
    meta.extractor_version = extractor.version
    meta.extractor_data = extractor.fingerprint()
    write_meta(directory, meta)
    return report

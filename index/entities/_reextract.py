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
from collections.abc import Callable
from pathlib import Path

from searchlib.index._documents import article_headers, stored_articles
from searchlib.index._format import EXTRACTED_BY
from searchlib.index._ingest import IngestReport
from searchlib.index._meta import IndexMeta, write_meta
from searchlib.index._storage import WhooshIndex
from searchlib.index._writer import ArticleWriter, BatchCounts
from searchlib.index.entities._base import Extractor, provenance_tag
from searchlib.index.entities._names import IndexNames

from searchlib._errors import IngestInterrupted


def _pending(ix: WhooshIndex, tag: str) -> tuple[list[str], int]:
    """Ids of the articles not yet extracted with *tag*, in index order; and how many are."""
    todo, done = [], 0
    for aid, header in article_headers(ix):
        if header.get(EXTRACTED_BY) == tag:
            done += 1
        else:
            todo.append(aid)
    return todo, done


def reextract(ix: WhooshIndex, directory: str | os.PathLike, meta: IndexMeta,
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

"""The ingest pipeline: input files -> articles -> batches -> the writer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from index.articles import Article
from index.errors import InputError
from index.readers import InputFile, find_inputs, read_input
from index.writer import ArticleWriter, BatchCounts

__all__ = ["Progress", "IngestReport", "ingest_articles", "ingest_paths"]


@dataclass
class Progress:
    """How far an ingest has got, passed to the ``progress`` callback after each batch and file."""

    bytes_done: int
    bytes_total: int
    articles: int
    files_done: int
    files_total: int


@dataclass
class IngestReport(BatchCounts):
    """What an ingest did: counts, and every input error met on the way."""

    files: int = 0
    errors: list[InputError] = field(default_factory=list)

    @property
    def files_with_errors(self) -> int:
        return len({e.path for e in self.errors})


ProgressCallback = Callable[[Progress], None]


def ingest_articles(writer: ArticleWriter, articles: Iterable[Article | InputError],
                    batch_size: int = 500, report: IngestReport | None = None,
                    on_batch: Callable[[IngestReport], None] | None = None) -> IngestReport:
    """Write *articles* in batches of *batch_size*, one commit per batch.

    :param articles: articles, possibly interleaved with input errors to record
    :param on_batch: called after each commit (for progress)
    """
    report = report if report is not None else IngestReport()
    batch: list[Article] = []
    for item in articles:
        if isinstance(item, InputError):
            report.errors.append(item)
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            report += writer.write(batch)
            batch = []
            if on_batch:
                on_batch(report)
    if batch:
        report += writer.write(batch)
        if on_batch:
            on_batch(report)
    return report


def ingest_paths(writer: ArticleWriter, paths: Iterable[str], format: str = "auto",
                 progress: ProgressCallback | None = None, batch_size: int = 500,
                 stdin: BinaryIO | None = None) -> IngestReport:
    """Find, read and write every article under *paths*.

    :param format: ``auto`` (by extension) or ``txt``, ``jsonl``, ``csv``
    :param progress: called with a :class:`Progress` as files and batches finish
    :param stdin: the stream that the path ``-`` reads (default: ``sys.stdin.buffer``)
    """
    report = IngestReport()
    inputs: list[InputFile] = []
    for item in find_inputs(paths, format):
        if isinstance(item, InputError):
            report.errors.append(item)
        else:
            inputs.append(item)
    total = sum(i.size for i in inputs)
    done = 0
    files_done = 0

    def tick(_: IngestReport | None = None) -> None:
        if progress:
            progress(Progress(done, total, report.added + report.replaced + report.skipped,
                              files_done, len(inputs)))

    def stream() -> Iterator[Article | InputError]:
        nonlocal done, files_done
        for item in inputs:
            yield from read_input(item, stdin=stdin)
            done += item.size
            files_done += 1
            report.files += 1
            tick()

    return ingest_articles(writer, stream(), batch_size, report, on_batch=tick)

"""The ingest pipeline: input files -> articles -> batches -> the writer.

Each batch is one commit. What is committed stays committed: an error or Ctrl-C in the
middle of a batch cancels that batch only, and a re-run skips the articles already in the
index unchanged (content hash), so an interrupted ingest is finished by running it again.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from searchlib.index._readers import (
    InputFile,
    check_article,
    clean_article,
    find_inputs,
    read_input,
    read_located,
    shown_path,
)
from searchlib.index._records import Article
from searchlib.index._runs import write_error
from searchlib.index._writer import ArticleWriter, BatchCounts

from searchlib._errors import IngestInterrupted, InputError, SearchlibError


@dataclass
class Progress:
    """How far an ingest has got, passed to the ``progress`` callback after each article
    written, each batch committed and each file read, and once more when the run's segments
    start to be merged.

    :param bytes_done: input bytes up to the last article written (within one large
        JSON Lines or CSV file too)
    :param articles: articles dealt with so far: written (those of the batch in flight
        before their commit), or skipped as unchanged
    :param stage: ``indexing``, then ``merging`` (the run's segments into one, at its end)
    """

    bytes_done: int
    bytes_total: int
    articles: int
    files_done: int
    files_total: int
    stage: str = "indexing"


@dataclass
class IngestReport(BatchCounts):
    """What an ingest did: counts (of committed batches only), and every input error met.

    :param commits: how many batches were committed (batches with nothing new commit nothing)
    """

    files: int = 0
    commits: int = 0
    errors: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def files_with_errors(self) -> int:
        return len({e.path for e in self.errors})

    @property
    def articles(self) -> int:
        """Articles dealt with so far: added, replaced or skipped as unchanged."""
        return self.added + self.replaced + self.skipped


ProgressCallback = Callable[[Progress], None]

#: Articles per commit. Large enough that a batch keeps two indexing processes busy and the
#: index gets few, large segments; small enough that Ctrl-C loses at most some seconds of
#: work. Each segment costs its terms once more when it is written and again in the run's
#: final merge: all of Reuters went 1,140 -> 1,762 paragraphs/s from 500 to 2,000 articles,
#: its final merge 9.0 -> 6.8-7.4 s at 4,000, and 16,000 against 4,000 (with the posting
#: pool's memory raised to match, ``_writer.POOL_MB``) took 8-12% less time on all of Reuters
#: and on 590,000 remix paragraphs (8,000: 9%). A batch of 16,000 news articles is about
#: 100,000 paragraphs, 30-40 s of work here.
DEFAULT_BATCH_SIZE = 16_000
#: A batch is also committed once its text reaches this many characters, whatever its
#: number of articles: news articles of a few thousand characters make 16,000 articles about
#: 50 MB, but articles of a megabyte each would make 16 GB, and a batch is held in memory
#: (with its entities and documents) until it commits.
MAX_BATCH_CHARS = 64_000_000


def check_articles(articles: Iterable[Article | InputError]) -> Iterator[Article | InputError]:
    """Pass *articles* through, turning those that break the size limits into errors."""
    for item in articles:
        if isinstance(item, Article):
            fixed = clean_article(item)
            if fixed:
                yield InputError(f"article {item.id or item.title[:40]!r}", fixed)
            problem = check_article(item)
            if problem:
                yield InputError(f"article {item.id or item.title[:40]!r}", problem)
                continue
        yield item


def ingest_articles(writer: ArticleWriter, articles: Iterable[Article | InputError],
                    batch_size: int = DEFAULT_BATCH_SIZE, report: IngestReport | None = None,
                    on_batch: Callable[[IngestReport], None] | None = None,
                    strict: bool = False,
                    on_merge: Callable[[], None] | None = None,
                    on_article: Callable[[Article], None] | None = None) -> IngestReport:
    """Write *articles* in batches of *batch_size*, one commit per batch.

    The writer's lock is held from the first batch to the last; then the segments the run
    wrote are merged into one (:meth:`ArticleWriter.consolidate`).

    :param articles: articles, possibly interleaved with input errors to record
    :param on_batch: called after each commit (for progress)
    :param on_merge: called before the run's segments are merged (for progress)
    :param on_article: called with each article once written, before its batch commits
    :param strict: raise the first input error instead of recording it
    :raises IngestInterrupted: on Ctrl-C, after cancelling the batch in flight; its
        ``report`` counts what was committed
    """
    report = report if report is not None else IngestReport()

    def flush(batch: list[Article]) -> None:
        def committed(counts: BatchCounts) -> None:
            # Called inside the writer's Ctrl-C-free stretch: the report never lags a commit.
            nonlocal report
            report += counts
            if counts.added or counts.replaced:
                report.commits += 1

        writer.write(batch, on_commit=committed, on_article=on_article)
        if on_batch:
            on_batch(report)

    try:
        with writer:
            batch: list[Article] = []
            chars = 0
            for item in articles:
                if isinstance(item, InputError):
                    if strict:
                        raise item
                    report.errors.append(item)
                    continue
                batch.append(item)
                chars += len(item.title) + sum(map(len, item.paragraphs))
                if len(batch) >= batch_size or chars >= MAX_BATCH_CHARS:
                    flush(batch)
                    batch, chars = [], 0
            if batch:
                flush(batch)
            try:
                writer.consolidate(before=on_merge)
            except (OSError, SearchlibError) as e:
                # Every batch is committed: the merge is an optimisation, the next run
                # finishes it. Nothing failed that the user asked for.
                why = getattr(e, "strerror", None) or e
                report.notes.append(f"the final merge could not be written ({why}); every "
                                    "batch is committed and the next run finishes the merge")
    except IngestInterrupted:
        raise
    except KeyboardInterrupt as e:
        raise IngestInterrupted(report) from e
    except OSError as e:
        folder = writer.ix.storage.folder
        raise write_error(folder, e, f"; {_committed(report)} before it, the batch in "
                          "progress was discarded") from None
    return report


def _committed(report: IngestReport) -> str:
    n = report.commits
    return (f"{n:,} batch{'es' * (n != 1)} committed ({report.added:,} added, "
            f"{report.replaced:,} replaced)")


@dataclass
class _Scan:
    """What a first pass over the inputs found: which articles a later one with the same id
    supersedes (by input and ordinal, with the notice to give instead), and a replay of
    standard input."""

    superseded: dict[tuple[int, int], InputError] = field(default_factory=dict)
    stdin: BinaryIO | None = None


def _where(path: str, line: int | None, other: str) -> str:
    if path == other:
        return f"line {line}" if line is not None else "this file"
    return f"{path}:{line}" if line is not None else path


def scan_inputs(found_inputs: list[InputFile | InputError], stdin: BinaryIO | None = None,
                strict: bool = False) -> _Scan:
    """Read every input through once: find the ids that appear more than once (the later
    article is kept, the earlier reported), and with *strict* raise the first bad file,
    line or article. Nothing is kept but the ids and standard input (which can be read only
    once).

    :raises InputError: with *strict*, the first bad input
    """
    scan = _Scan()
    data: bytes | None = None
    seen: dict[str, tuple[int, int, str, int | None]] = {}
    inputs = 0
    for item in found_inputs:
        if isinstance(item, InputError):
            if strict:
                raise item
            continue
        i, inputs = inputs, inputs + 1
        source = None
        if item.path == "-":
            if data is None:
                data = (stdin or sys.stdin.buffer).read()
            source = io.BytesIO(data)
        k = 0
        for line, found in read_located(item, stdin=source):
            if isinstance(found, InputError):
                if strict:
                    raise found
                continue
            path = found_path(item)
            aid = str(found.id)  # the readers give every article an id
            before = seen.get(aid)
            if before is not None:
                bi, bk, bpath, bline = before
                notice = InputError(bpath, f"id {found.id!r} appears twice: "
                                    f"{_where(bpath, bline, bpath)} and "
                                    f"{_where(path, line, bpath)}; the later is kept", bline)
                if strict:
                    raise notice
                scan.superseded[(bi, bk)] = notice
            seen[aid] = (i, k, path, line)
            k += 1
    scan.stdin = io.BytesIO(data) if data is not None else stdin
    return scan


def found_path(item: InputFile) -> str:
    """The input's path as its messages show it."""
    return shown_path(item.path) if item.path != "-" else "-"


def ingest_paths(writer: ArticleWriter, paths: Iterable[str], format: str = "auto",
                 progress: ProgressCallback | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                 stdin: BinaryIO | None = None, strict: bool = False) -> IngestReport:
    """Find, read and write every article under *paths*.

    The inputs are read twice: a first pass finds ids that appear more than once (the later
    article is kept, the earlier reported and left out, so counts stay right on re-runs
    whatever the batch size) and, with *strict*, checks everything before the first write.

    :param format: ``auto`` (by extension) or ``txt``, ``jsonl``, ``csv``
    :param progress: called with a :class:`Progress` as files and batches finish
    :param stdin: the stream that the path ``-`` reads (default: ``sys.stdin.buffer``)
    :param strict: read and check every input before writing anything, and raise the first
        :class:`InputError`; the index is then untouched
    """
    paths = list(paths)
    report = IngestReport()
    found_inputs = list(find_inputs(paths, format))
    scan = scan_inputs(found_inputs, stdin, strict)
    report.errors.extend(i for i in found_inputs if isinstance(i, InputError))
    inputs = [i for i in found_inputs if isinstance(i, InputFile)]
    total = sum(i.size for i in inputs)
    done = 0  # bytes of the files read to their end
    files_done = 0
    # Per-article progress: where in the input each article of the batch in flight ends, so
    # that the bar moves as articles are written, through one large file too.
    ends: dict[int, int] = {}
    read_upto = 0  # the input position after the last article read
    written_upto = 0  # ... after the last article written or committed
    in_flight = 0  # articles written in the batch not committed yet

    def tick(stage: str = "indexing") -> None:
        if progress:
            progress(Progress(written_upto, total, report.articles + in_flight, files_done,
                              len(inputs), stage))

    def written(article: Article) -> None:
        nonlocal written_upto, in_flight
        written_upto = max(written_upto, ends.pop(id(article), written_upto))
        in_flight += 1
        tick()

    def committed(_: IngestReport) -> None:
        nonlocal written_upto, in_flight
        ends.clear()  # the batch is dealt with: skipped articles too
        written_upto, in_flight = max(written_upto, read_upto), 0
        tick()

    def stream() -> Iterator[Article | InputError]:
        nonlocal done, files_done, read_upto
        for i, item in enumerate(inputs):
            k = 0
            source: list[BinaryIO] = []
            for found in read_input(item, stdin=scan.stdin, opened=source.append):
                if isinstance(found, Article):
                    notice = scan.superseded.get((i, k))
                    k += 1
                    if notice is not None:
                        yield notice
                        continue
                    f = source[0] if source else None
                    # Standard input has no size: its bytes are not counted.
                    at = (min(f.tell(), item.size) if item.size and f is not None
                          and not f.closed else item.size)
                    read_upto = ends[id(found)] = done + at
                yield found
            done += item.size
            read_upto = max(read_upto, done)
            files_done += 1
            report.files += 1

    return ingest_articles(writer, stream(), batch_size, report, on_batch=committed,
                           strict=strict, on_merge=lambda: tick(stage="merging"),
                           on_article=written)

"""Commands that change the index: ``index`` and ``delete``."""

from __future__ import annotations

import signal
import sys
import threading

import click
from searchlib.cli import _render as render
from searchlib.cli._app import fail, handle_errors, index_option, main, open_index

import searchlib
from searchlib import DEFAULT_BATCH_SIZE, Index


@main.command("index")
@click.argument("paths", nargs=-1, required=True)
@index_option
@click.option("--format", "fmt", type=click.Choice(["auto", "txt", "jsonl", "csv"]),
              default="auto", show_default=True, help="Input format ('-' needs one).")
@click.option("--extractor", default=None,
              help="Entity extractor for a new index: tagger (default), rules or spacy.")
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True, type=click.IntRange(1),
              help="Articles per commit.")
@click.option("--wait", default=5.0, show_default=True, type=click.FloatRange(0),
              help="Seconds to wait for another writer's lock.")
@click.option("--strict", is_flag=True,
              help="Check all input first; stop at the first bad file or line, index nothing.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary line.")
@handle_errors
def index_cmd(paths, index_path, fmt, extractor, batch_size, wait, strict, quiet):
    """Index article files (.txt, .jsonl/.ndjson, .csv) or directories of them; '-' is stdin.

    Bad input is reported one line each and the rest indexed (exit 1); Ctrl-C or SIGTERM
    keeps what was committed (exit 130); running the same command again skips unchanged
    articles.
    """
    where = searchlib.resolve_index_path(index_path)
    try:
        # A new index that strict input or the extractor fails leaves nothing behind: the
        # library takes it away again (Index._first_write).
        with _Interrupts() as interrupts, Index.open_or_create(where,
                                                               extractor=extractor) as ix:
            show_bar = not quiet and sys.stderr.isatty()
            with click.progressbar(length=1, label="indexing", file=sys.stderr,
                                   hidden=not show_bar, show_pos=False) as bar:
                def progress(p: searchlib.Progress) -> None:
                    interrupts.check()
                    bar.label = (f"indexing ({p.articles:,} articles)" if p.stage == "indexing"
                                 else f"merging the run's segments ({p.articles:,} articles)")
                    bar.length = max(p.bytes_total, 1)
                    bar.update(p.bytes_done - bar.pos)
                    bar.render_progress()  # also when only the article count moved

                report = ix.add_paths(paths, format=fmt, progress=progress,
                                      batch_size=batch_size, wait=wait, strict=strict)
    except searchlib.IngestInterrupted as e:
        for err in e.report.errors:
            fail(str(err))
        fail(interrupted_line(e.report))
        sys.exit(130)
    except KeyboardInterrupt:  # before the first batch: opening the index, loading a model
        fail("interrupted before anything was indexed")
        sys.exit(130)
    for err in report.errors:
        fail(str(err))
    for note in report.notes:
        click.echo(f"searchlib: note: {note}", err=True)
    if not quiet:
        click.echo(render.report_line(report))
    if report.errors:
        sys.exit(1)


class _Interrupts:
    """Ctrl-C and SIGTERM (a service manager, `timeout`, `docker stop`) stop a run alike.

    Both raise KeyboardInterrupt and are remembered: one that lands while Python runs a
    finalizer (which prints and drops it) is raised again at the next progress report. The
    writer holds it back across a commit (``raises_keyboard_interrupt``). The caller's
    handlers are back afterwards (the command may run inside a program, as under click's
    CliRunner); only the main thread can set handlers.
    """

    raises_keyboard_interrupt = True
    _SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.caught = False
        self._previous: dict[int, object] = {}

    def __call__(self, signum: int, frame: object) -> None:
        self.caught = True
        raise KeyboardInterrupt

    def check(self) -> None:
        """Raise an interrupt that was caught but lost on the way."""
        if self.caught:
            raise KeyboardInterrupt

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            for signum in self._SIGNALS:
                self._previous[signum] = signal.signal(signum, self)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._previous.clear()


def interrupted_line(report: searchlib.IngestReport) -> str:
    """The line that says how far an interrupted ``searchlib index`` got."""
    return (f"interrupted after {report.articles:,} articles (last commit: "
            f"{report.commits:,} batch{'es' * (report.commits != 1)}, {report.added:,} added, "
            f"{report.replaced:,} replaced, {report.skipped:,} skipped; the batch in progress "
            "was discarded); run the same command again to index the rest")


@main.command()
@click.argument("article_ids", nargs=-1, required=True)
@index_option
@click.option("--wait", default=5.0, show_default=True, type=click.FloatRange(0),
              help="Seconds to wait for another writer's lock.")
@handle_errors
def delete(article_ids, index_path, wait):
    """Delete articles (all their paragraphs) by id."""
    missing = 0
    with open_index(index_path) as ix:
        for aid in article_ids:
            n = ix.delete(aid, wait=wait)
            if n:
                click.echo(f"deleted {aid} ({n} paragraphs)")
            else:
                fail(f"no article with id {aid!r}")
                missing += 1
    if missing:
        sys.exit(1)

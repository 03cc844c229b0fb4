"""The ``reextract`` command: run entity extraction again over the text an index stores."""

from __future__ import annotations

import signal
import sys

import click
from searchlib.cli._app import fail, handle_errors, index_option, main, open_index

import searchlib
from searchlib import DEFAULT_BATCH_SIZE


@main.command()
@index_option
@click.option("--extractor", default=None,
              help="Extractor to run (tagger, rules, spacy) [default: the index's own].")
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True,
              type=click.IntRange(1), help="Articles per commit.")
@click.option("--wait", default=5.0, show_default=True, type=click.FloatRange(0),
              help="Seconds to wait for another writer's lock.")
@click.option("--quiet", "-q", is_flag=True, help="No summary line.")
@handle_errors
def reextract(index_path, extractor, batch_size, wait, quiet):
    """Re-run entity extraction over the stored text; only the entity fields change.

    Commits every --batch-size articles; Ctrl-C keeps what was committed (exit 130), and the
    same command again resumes where it stopped.
    """
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with open_index(index_path) as ix:
            report = ix.reextract(extractor, batch_size=batch_size, wait=wait)
            name = ix.meta.extractor
    except searchlib.IngestInterrupted as e:
        fail(f"interrupted after re-extracting {e.report.replaced:,} articles "
             f"({e.report.commits:,} batches committed); run the same command again to "
             "finish")
        sys.exit(130)
    if not quiet:
        click.echo(f"{report.replaced:,} articles re-extracted with {name} "
                   f"({report.paragraphs:,} paragraphs), {report.skipped:,} already done")

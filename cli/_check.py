"""The ``check`` command: is the index on disk sound, and what to do if not."""

from __future__ import annotations

import sys

import click
from searchlib.cli._app import fail, handle_errors, index_option, main

from searchlib import Index


@main.command()
@index_option
@click.option("--quick", is_flag=True,
              help="Compare file sizes with the recorded ones only; do not read the files.")
@click.option("--repair", is_flag=True,
              help="Rebuild a missing searchlib.json from the segments and record missing "
                   "checksums (a damaged segment cannot be repaired).")
@handle_errors
def check(index_path, quick, repair):
    """Verify the index: metadata, each file's checksum, every column (like SQLite's
    PRAGMA integrity_check). One line per problem, naming the file and the way out; exit 1
    when there is any."""
    report = Index.check(index_path, quick=quick, repair=repair)
    for line in report.repaired:
        click.echo(f"repaired: {line}")
    for line in report.problems:
        fail(line)
    if report.problems:
        sys.exit(1)
    click.echo(f"ok: {report.files:,} files{' (sizes only)' if quick else ''}")

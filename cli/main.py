"""The ``searchlib`` command: a thin layer over :mod:`searchlib`."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable

import click

import searchlib
from cli import render
from searchlib import Index, SearchlibError

__all__ = ["main"]


def _fail(message: str) -> None:
    click.echo(f"searchlib: error: {message}", err=True)


def handle_errors(func: Callable) -> Callable:
    """Turn library errors into one line on stderr and exit code 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except SearchlibError as e:
            _fail(str(e))
            sys.exit(1)
        except BrokenPipeError:
            # `searchlib search ... | head` closes our stdout early: that is not an error.
            sys.stderr.close()
            sys.exit(0)

    return wrapper


index_option = click.option(
    "--index", "index_path", metavar="PATH", envvar="SEARCHLIB_INDEX",
    help="Index directory [default: $SEARCHLIB_INDEX, else ./searchlib-index].")


def _open(path: str | None) -> Index:
    return Index.open(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(searchlib.__version__, prog_name="searchlib")
def main() -> None:
    """Search news articles paragraph by paragraph, by words and named entities."""


@main.command("index")
@click.argument("paths", nargs=-1, required=True)
@index_option
@click.option("--format", "fmt", type=click.Choice(["auto", "txt", "jsonl", "csv"]),
              default="auto", show_default=True, help="Input format ('-' needs one).")
@click.option("--extractor", default=None,
              help="Entity extractor for a new index: rules (default) or spacy.")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1),
              help="Articles per commit.")
@click.option("--wait", default=5.0, show_default=True, type=click.FloatRange(0),
              help="Seconds to wait for another writer's lock.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary line.")
@handle_errors
def index_cmd(paths, index_path, fmt, extractor, batch_size, wait, quiet):
    """Index article files (.txt, .jsonl/.ndjson, .csv) or directories of them; '-' is stdin."""
    with Index.open_or_create(index_path, extractor=extractor) as ix:
        show_bar = not quiet and sys.stderr.isatty()
        with click.progressbar(length=1, label="indexing", file=sys.stderr,
                               hidden=not show_bar, show_pos=False) as bar:
            def progress(p: searchlib.Progress) -> None:
                bar.length = max(p.bytes_total, 1)
                bar.update(p.bytes_done - bar.pos)
                bar.label = f"indexing ({p.articles:,} articles)"

            report = ix.add_paths(paths, format=fmt, progress=progress, batch_size=batch_size,
                                  wait=wait)
    for err in report.errors:
        _fail(str(err))
    if not quiet:
        click.echo(render.report_line(report))
    if report.errors:
        sys.exit(1)


@main.command()
@click.argument("query")
@index_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1),
              help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "csv"]),
              default="text", show_default=True)
@handle_errors
def search(query, index_path, limit, page, fmt):
    """Search paragraphs, e.g. 'Taiwan', '"foreign minister"', 'person:Qin'."""
    with _open(index_path) as ix:
        results = ix.search(query, limit=limit, page=page)
    if fmt == "json":
        render.echo_json(results.to_dict())
    elif fmt == "jsonl":
        render.hits_jsonl(results.hits)
    elif fmt == "csv":
        render.hits_csv(results.hits)
    else:
        render.search_text(results)


@main.command()
@click.argument("article_id")
@index_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@handle_errors
def show(article_id, index_path, fmt):
    """Show a whole article by its id."""
    with _open(index_path) as ix:
        article = ix.article(article_id)
    if fmt == "json":
        render.echo_json(article.to_dict())
    else:
        render.article_text(article)


@main.command()
@index_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@handle_errors
def stats(index_path, fmt):
    """Counts, size and settings of the index."""
    with _open(index_path) as ix:
        st = ix.stats()
    if fmt == "json":
        render.echo_json(st.to_dict())
    else:
        render.stats_text(st)


@main.command()
@click.argument("article_ids", nargs=-1, required=True)
@index_option
@handle_errors
def delete(article_ids, index_path):
    """Delete articles (all their paragraphs) by id."""
    missing = 0
    with _open(index_path) as ix:
        for aid in article_ids:
            n = ix.delete(aid)
            if n:
                click.echo(f"deleted {aid} ({n} paragraphs)")
            else:
                _fail(f"no article with id {aid!r}")
                missing += 1
    if missing:
        sys.exit(1)

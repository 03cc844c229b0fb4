"""Commands that search: ``search``, ``similar`` and ``export``."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable

import click
from searchlib.cli import _render as render
from searchlib.cli._app import handle_errors, index_option, main, open_index

from searchlib import QueryError, QueryTimeoutError
from searchlib._deadline import DEFAULT_TIMEOUT
from searchlib._filters import parse_date_bound
from searchlib._grouping import SORTS
from searchlib._results import similar_to_dict
from searchlib._snippets import DEFAULT_WORDS


class DateBound(click.ParamType):
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, checked by the library's own date reader.

    A bad date is a usage error (exit 2, with the option named), like any other malformed
    option value; the string is passed on unchanged so that the library decides what a
    month or a year covers.
    """

    name = "DATE"

    def convert(self, value, param, ctx):
        try:
            parse_date_bound(value)
        except QueryError as e:
            self.fail(str(e), param, ctx)
        return value


def filter_options(func: Callable) -> Callable:
    """The options that narrow a search: --person/--place/--org/--since/--until/--source."""
    options = [
        click.option("--person", multiple=True, metavar="NAME",
                     help="Paragraphs naming this person (a word of the name, or the whole "
                          "name); repeatable, all must hold."),
        click.option("--place", multiple=True, metavar="NAME",
                     help="Likewise for places."),
        click.option("--org", multiple=True, metavar="NAME",
                     help="Likewise for organisations."),
        click.option("--since", type=DateBound(),
                     help="From this day on (YYYY-MM-DD, YYYY-MM or YYYY), inclusive; "
                          "undated articles are left out."),
        click.option("--until", type=DateBound(),
                     help="Up to this day, inclusive (YYYY-MM: its last day; YYYY: Dec 31)."),
        click.option("--source", metavar="NAME",
                     help="Articles from this source (whole name, any case)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def timeout_option(func: Callable) -> Callable:
    """``--timeout SECONDS``: the query's time budget; a search past it is one error line
    naming the option."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except QueryTimeoutError as e:
            raise QueryTimeoutError(f"{e} (--timeout SECONDS; 0 for no limit)",
                                    e.seconds) from None

    return click.option(
        "--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(0),
        metavar="SECONDS", help="Give up a query that runs longer (0: no limit).")(wrapper)


def _filters(kwargs: dict) -> dict:
    """The library keyword arguments of the filter options."""
    return {k: kwargs.pop(k) for k in ("person", "place", "org", "since", "until", "source")}


@main.command()
@click.argument("query", required=False, default="")
@index_option
@filter_options
@click.option("--sort", type=click.Choice(SORTS), default=None,
              help="Order [default: relevance; newest for no words, or a date range alone].")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1),
              help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--by-article", is_flag=True,
              help="One hit per article: its best paragraph, with the article's matching "
                   "paragraph numbers.")
@click.option("--context", default=0, show_default=True, type=click.IntRange(0),
              metavar="N", help="Show N paragraphs before and after each hit.")
@click.option("--all", "all_hits", is_flag=True,
              help="Every hit, no paging (with --format jsonl or csv; streamed).")
@click.option("--snippet", type=click.IntRange(0), default=None, metavar="N",
              help=f"Show the best window of about N words of each long paragraph around its "
                   f"matches (0: the whole paragraph) [default: {DEFAULT_WORDS} for text on a "
                   f"terminal, else 0; JSON always carries a {DEFAULT_WORDS}-word snippet].")
@click.option("--explain", is_flag=True,
              help="Say how the query was read: stop words dropped, names resolved, the "
                   "fields each word was looked up in.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "csv"]),
              default="text", show_default=True)
@handle_errors
@timeout_option
def search(query, index_path, sort, limit, page, by_article, context, all_hits, snippet,
           explain, fmt, timeout, **filters):
    """Search paragraphs, e.g. 'Taiwan', '"foreign minister"', 'person:Qin'.

    QUERY may be left out to list the paragraphs the filters let through, newest first.
    """
    wanted = _filters(filters)
    if snippet is None:
        snippet = 0 if fmt == "text" and not sys.stdout.isatty() else DEFAULT_WORDS
    wanted["snippet"] = snippet
    if all_hits and fmt not in ("jsonl", "csv"):
        raise click.UsageError("--all streams every hit: use it with --format jsonl or csv")
    with open_index(index_path) as ix:
        if all_hits:
            hits = ix.iter_hits(query, sort=sort, by_article=by_article, context=context,
                                timeout=timeout, **wanted)
            if fmt == "jsonl":
                render.hits_jsonl(hits)
            else:
                render.hits_csv(hits)
            return
        results = ix.search(query, limit=limit, page=page, sort=sort, by_article=by_article,
                            context=context, timeout=timeout, **wanted)
    if explain and fmt == "text":
        render.explain_text(results.explain)
    elif explain and fmt != "json":  # JSON carries it as "explain"
        render.explain_text(results.explain, err=True)
    if fmt in ("jsonl", "csv"):  # no room for them in the rows: say them on stderr
        for notice in results.notices:
            click.echo(f"note: {notice}", err=True)
    if fmt == "json":
        render.echo_json(results.to_dict())
    elif fmt == "jsonl":
        render.hits_jsonl(results.hits)
    elif fmt == "csv":
        render.hits_csv(results.hits)
    else:
        render.search_text(results)


@main.command()
@click.argument("paragraph_id")
@index_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1),
              help="How many paragraphs.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "csv"]),
              default="text", show_default=True)
@handle_errors
@timeout_option
def similar(paragraph_id, index_path, limit, fmt, timeout):
    """Paragraphs most like PARAGRAPH_ID (<article id>#<n>), other articles' first."""
    with open_index(index_path) as ix:
        hits = ix.similar(paragraph_id, limit=limit, timeout=timeout)
    if fmt == "json":
        render.echo_json(similar_to_dict(paragraph_id, hits))
    elif fmt == "jsonl":
        render.hits_jsonl(hits)
    elif fmt == "csv":
        render.hits_csv(hits)
    else:
        render.similar_text(paragraph_id, hits)


@main.command()
@click.argument("query", required=False, default="")
@index_option
@filter_options
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl",
              show_default=True, help="The JSON Lines input format of 'searchlib index'.")
@handle_errors
@timeout_option
def export(query, index_path, fmt, timeout, **filters):
    """Write out whole articles (all of them, or those with a paragraph matching QUERY and
    the filters) as JSON Lines that 'searchlib index' reads back."""
    wanted = _filters(filters)
    with open_index(index_path) as ix:
        render.records_jsonl(ix.export_articles(query, timeout=timeout, **wanted))

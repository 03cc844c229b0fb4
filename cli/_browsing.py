"""Commands that look around the index: ``show``, ``stats``, ``entities``."""

from __future__ import annotations

import click
from searchlib.cli import _render as render
from searchlib.cli._app import handle_errors, index_option, main, open_index
from searchlib.cli._searching import timeout_option


@main.command()
@click.argument("article_id")
@index_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@handle_errors
def show(article_id, index_path, fmt):
    """Show a whole article by its id."""
    with open_index(index_path) as ix:
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
    with open_index(index_path) as ix:
        st = ix.stats()
    if fmt == "json":
        render.echo_json(st.to_dict())
    else:
        render.stats_text(st)


@main.command()
@click.argument("query", required=False, default="")
@index_option
@click.option("--kind", type=click.Choice(["person", "place", "org"]), default=None,
              help="Only this kind of entity.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1),
              help="How many names.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
              show_default=True)
@handle_errors
@timeout_option
def entities(query, index_path, kind, top, fmt, timeout):
    """The most frequent entities, over the index or over paragraphs matching QUERY."""
    with open_index(index_path) as ix:
        found = ix.entities(query or None, kind=kind, top=top, timeout=timeout)
    if fmt == "json":
        render.echo_json([e.to_dict() for e in found])
    elif fmt == "csv":
        render.entities_csv(found)
    else:
        render.entities_text(found)

"""Commands that search: ``search``."""

from __future__ import annotations

import click

from cli import render
from cli.app import handle_errors, index_option, main, open_index

__all__ = ["search"]


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
    with open_index(index_path) as ix:
        results = ix.search(query, limit=limit, page=page)
    if fmt == "json":
        render.echo_json(results.to_dict())
    elif fmt == "jsonl":
        render.hits_jsonl(results.hits)
    elif fmt == "csv":
        render.hits_csv(results.hits)
    else:
        render.search_text(results)

"""Rendering of library results for the terminal, JSON, JSON Lines and CSV."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable

import click

from searchlib import ArticleView, EntityCount, Hit, IngestReport, Results, Stats

__all__ = ["CSV_COLUMNS", "echo_json", "hits_csv", "hits_jsonl", "search_text", "article_text",
           "stats_text", "report_line", "entities_text", "entities_csv"]

#: The columns of ``--format csv`` for hits, in order; entity names are joined with "; ".
CSV_COLUMNS = ["id", "article_id", "title", "date", "paragraph", "score", "text", "person",
               "place", "org", "source", "url"]


def echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def hits_jsonl(hits: Iterable[Hit]) -> None:
    for hit in hits:
        click.echo(json.dumps(hit.to_dict(), ensure_ascii=False))


def hits_csv(hits: Iterable[Hit], header: bool = True) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    if header:
        out.writerow(CSV_COLUMNS)
    for hit in hits:
        row = hit.to_dict()
        for kind, names in row.pop("entities").items():
            row[kind] = "; ".join(names)
        out.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    sys.stdout.flush()


def _bold(text: str, spans: list[tuple[int, int]]) -> str:
    # click.echo drops the styling when stdout is not a terminal, leaving plain text.
    parts, pos = [], 0
    for start, end in spans:
        parts += [text[pos:start], click.style(text[start:end], bold=True, fg="yellow")]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _entities_line(entities: dict[str, list[str]]) -> str:
    return "  ".join(f"{kind}: {', '.join(names)}" for kind, names in entities.items() if names)


def search_text(results: Results) -> None:
    """Headline, date and ¶N of each hit, its paragraph highlighted, its entities below."""
    first = (results.page - 1) * results.limit
    shown = f"{first + 1}-{first + len(results.hits)}" if results.hits else "none"
    click.echo(f"{results.total} paragraph{'s' * (results.total != 1)} match "
               f"{results.query!r} (showing {shown})")
    for n, hit in enumerate(results.hits, first + 1):
        click.echo("")
        date = hit.date.isoformat() if hit.date else "no date"
        click.echo(click.style(f"{n}. {hit.title}", bold=True) + f"  {date}  ¶{hit.paragraph}"
                   + click.style(f"  [{hit.id}]", dim=True))
        click.echo("   " + _bold(hit.text, hit.matches))
        line = _entities_line(hit.entities)
        if line:
            click.echo(click.style("   " + line, dim=True))


def article_text(article: ArticleView) -> None:
    date = article.date.isoformat() if article.date else "no date"
    click.echo(click.style(article.title, bold=True))
    click.echo(" · ".join(x for x in (date, article.source, article.url, article.id) if x))
    for p in article.paragraphs[1:]:
        click.echo("")
        click.echo(f"¶{p.paragraph} {p.text}")
        line = _entities_line(p.entities)
        if line:
            click.echo(click.style("   " + line, dim=True))


def stats_text(stats: Stats) -> None:
    click.echo(f"index:          {stats.index}")
    click.echo(f"articles:       {stats.articles:,}")
    click.echo(f"paragraphs:     {stats.paragraphs:,}")
    click.echo(f"size:           {stats.size_bytes / 1e6:,.1f} MB")
    click.echo(f"extractor:      {stats.extractor}")
    click.echo(f"schema version: {stats.schema_version}")


def report_line(report: IngestReport) -> str:
    """The one-line summary that ends ``searchlib index``."""
    return (f"{report.added:,} articles added, {report.replaced:,} replaced, "
            f"{report.skipped:,} skipped (unchanged); {report.paragraphs:,} paragraphs written "
            f"from {report.files:,} files; {report.files_with_errors:,} "
            f"file{'s' * (report.files_with_errors != 1)} with errors")


def entities_text(found: list[EntityCount]) -> None:
    if not found:
        click.echo("no entities")
    width = max((len(e.name) for e in found), default=0)
    for e in found:
        click.echo(f"{e.count:>6,}  {e.kind:<6}  {e.name:<{width}}  "
                   f"({e.articles:,} article{'s' * (e.articles != 1)})")


def entities_csv(found: list[EntityCount]) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["kind", "name", "count", "articles"])
    for e in found:
        out.writerow([e.kind, e.name, e.count, e.articles])
    sys.stdout.flush()

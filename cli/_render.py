"""Rendering of library results for the terminal, JSON, JSON Lines and CSV."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable

import click

from searchlib import ArticleView, EntityCount, Hit, IngestReport, Results, Stats
from searchlib._results import HIT_CSV_COLUMNS, hit_csv_row

#: The columns of ``--format csv`` for hits, in order (the library's, shared with the web
#: export): entity names are joined with "; "; new columns are only ever appended.
#: ``matching_paragraphs`` (numbers joined with "; ") is filled with ``--by-article`` only.
CSV_COLUMNS = HIT_CSV_COLUMNS


def echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def hits_jsonl(hits: Iterable[Hit]) -> None:
    for hit in hits:
        click.echo(json.dumps(hit.to_dict(), ensure_ascii=False))


def records_jsonl(records: Iterable[dict]) -> None:
    """One JSON object per line, written as they come (article export)."""
    for rec in records:
        click.echo(json.dumps(rec, ensure_ascii=False))


def hits_csv(hits: Iterable[Hit], header: bool = True) -> None:
    """Hits as CSV rows in :data:`CSV_COLUMNS` order, written as they come."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    if header:
        out.writerow(CSV_COLUMNS)
    for hit in hits:
        out.writerow(hit_csv_row(hit))
    sys.stdout.flush()


def _bold(text: str, spans: list[tuple[int, int]], window: tuple[int, int] | None = None
          ) -> str:
    """*text* (or its *window*, with "…" where cut) with the spans in bold.

    Works from the match spans, never from the HTML highlight: the text is printed as it
    is, markup and all. click.echo drops the styling when stdout is not a terminal.
    """
    lo, hi = window or (0, len(text))
    parts, pos = [], lo
    for start, end in spans:
        start, end = max(start, lo), min(end, hi)
        if start >= end:
            continue
        parts += [text[pos:start], click.style(text[start:end], bold=True, fg="yellow")]
        pos = end
    parts.append(text[pos:hi])
    return ("…" if lo > 0 else "") + "".join(parts) + ("…" if hi < len(text.rstrip()) else "")


def _entities_line(entities: dict[str, list[str]]) -> str:
    return "  ".join(f"{kind}: {', '.join(names)}" for kind, names in entities.items() if names)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _heading(results: Results) -> str:
    first = (results.page - 1) * results.limit
    shown = f"{first + 1}-{first + len(results.hits)}" if results.hits else "none"
    what = (f"{_plural(results.total, 'article')} "
            f"({_plural(results.total_paragraphs or 0, 'paragraph')})"
            if results.by_article else _plural(results.total, "paragraph"))
    target = repr(results.query) if results.query.strip() else "the filters"
    names = {(r["field"], r["given"]): r["name"] for r in results.resolved
             if r.get("from") == "filter"}
    narrowed = "  ".join(
        f"{k}: {', '.join(_arrow(names, k, n) for n in v) if isinstance(v, list) else v}"
        for k, v in results.filters.items())
    line = f"{what} match {target}"
    if narrowed and results.query.strip():
        line += f" with {narrowed}"
    elif narrowed:
        line += f" ({narrowed})"
    return f"{line} (showing {shown}, {results.sort} first)".replace(
        "relevance first", "most relevant first")


def _arrow(names: dict, field: str, given: str) -> str:
    # "US → United States": the name as typed and the entity it was searched as.
    name = names.get((field, given))
    return f"{given} → {name}" if name else given


def explain_text(explained: dict | None, err: bool = False) -> None:
    """How the query was read, one line per word, then the filters and the query run."""
    if not explained:
        return
    out = []
    for w in explained["words"]:
        word = f"{w['field']}:{w['word']}" if w["field"] else w["word"]
        if w["reading"] == "stop word":
            out.append(f"  {word:<20} stop word: dropped (the text index does not hold it)")
            continue
        line = f"  {word:<20} {w['reading']}"
        res = w["resolved"]
        if res:
            line += f" → {res['name']} ({res['kind']})"
        out.append(f"{line}; looked up in {', '.join(w['fields'])}")
    for r in explained["resolved"]:
        if r["from"] == "filter":
            out.append(f"  --{r['field']} {r['given']} → {r['name']}")
    searched = explained["searched"]
    if len(searched) > 400:
        searched = searched[:400] + "…"
    out.append(f"  searched: {searched}")
    out += [f"  note: {n}" for n in explained["notices"]]
    click.echo(f"How {explained['query']!r} was read:", err=err)
    for line in out:
        click.echo(line, err=err)
    click.echo("", err=err)


def _hit_text(n: int, hit: Hit) -> None:
    click.echo("")
    date = hit.date.isoformat() if hit.date else "no date"
    click.echo(click.style(f"{n}. {hit.title}", bold=True) + f"  {date}  ¶{hit.paragraph}"
               + click.style(f"  [{hit.id}]", dim=True))
    for p in hit.context.before if hit.context else ():
        click.echo(click.style(f"   ¶{p.paragraph} {p.text}", dim=True))
    click.echo("   " + _bold(hit.text, hit.matches, hit.snippet_range))
    for p in hit.context.after if hit.context else ():
        click.echo(click.style(f"   ¶{p.paragraph} {p.text}", dim=True))
    line = _entities_line(hit.entities)
    if line:
        click.echo(click.style("   " + line, dim=True))
    if hit.matching_paragraphs is not None:
        numbers = ", ".join(f"¶{k}" for k in hit.matching_paragraphs)
        click.echo(click.style(f"   {_plural(len(hit.matching_paragraphs), 'matching paragraph')}"
                               f" in this article: {numbers}", dim=True))


def search_text(results: Results) -> None:
    """Headline, date and ¶N of each hit, its paragraph highlighted (between its context,
    dimmed, with --context), its entities below; a 'Did you mean' line when suggested."""
    click.echo(_heading(results))
    aliases = [f"{r['given']} → {r['name']}" for r in results.resolved
               if r.get("from") == "query"]
    if aliases:
        click.echo("names: " + ", ".join(aliases))
    for notice in results.notices:
        click.echo(f"note: {notice}")
    if results.suggestion:
        click.echo(f"Did you mean: {results.suggestion}")
    first = (results.page - 1) * results.limit
    for n, hit in enumerate(results.hits, first + 1):
        _hit_text(n, hit)


def similar_text(paragraph_id: str, hits: list[Hit]) -> None:
    """The paragraphs like *paragraph_id*, most alike first."""
    click.echo(f"{_plural(len(hits), 'paragraph')} like {paragraph_id}")
    for n, hit in enumerate(hits, 1):
        _hit_text(n, hit)


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
    if stats.extractor_version or stats.extractor_data:
        click.echo(f"extractor data: version {stats.extractor_version}, data "
                   f"{stats.extractor_data}"
                   + (" (reextract unfinished)" if stats.reextract_unfinished else ""))
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
                   f"({e.articles:,} article{'s' * (e.articles != 1)})"
                   + (f"  also: {', '.join(e.aliases)}" if e.aliases else ""))


def entities_csv(found: list[EntityCount]) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["kind", "name", "count", "articles", "aliases"])
    for e in found:
        out.writerow([e.kind, e.name, e.count, e.articles, "; ".join(e.aliases)])
    sys.stdout.flush()

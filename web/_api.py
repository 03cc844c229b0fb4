"""The JSON API and the exports: what ``searchlib ... --format json|jsonl|csv`` prints.

Each answer is built by the same library call and ``to_dict`` as the CLI's, so
``/api/search?q=Taiwan&by_article=1`` is ``searchlib search Taiwan --by-article --format
json``, parsed. Errors are ``{"error": "..."}`` with 400 (bad query or parameter) or 404
(unknown id), raised as library errors and turned into JSON by the application.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import chain

from searchlib.index._format import KINDS
from searchlib.web._params import MAX_LIMIT, SearchParams, int_param, query_text
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse

from searchlib import Index, QueryError
from searchlib._results import HIT_CSV_COLUMNS, hit_csv_row, similar_to_dict


def _index(request: Request) -> Index:
    return request.app.state.index


def search(request: Request) -> JSONResponse:
    """``/api/search``: ``searchlib search --format json``."""
    params = SearchParams.parse(request.query_params)
    return JSONResponse(_index(request).search(**params.search_kwargs()).to_dict())


def entities(request: Request) -> JSONResponse:
    """``/api/entities?q=&kind=&top=``: ``searchlib entities --format json``."""
    kind = request.query_params.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise QueryError(f"unknown entity kind {kind!r} (kinds: {', '.join(KINDS)})")
    top = int_param(request.query_params, "top", 20, 1, MAX_LIMIT)
    found = _index(request).entities(query_text(request.query_params) or None, kind=kind,
                                     top=top)
    return JSONResponse([e.to_dict() for e in found])


def article(request: Request) -> JSONResponse:
    """``/api/article/{id}``: ``searchlib show ID --format json``."""
    return JSONResponse(_index(request).article(request.path_params["article_id"]).to_dict())


def similar(request: Request) -> JSONResponse:
    """``/api/similar/{paragraph id}?limit=``: ``searchlib similar ID --format json``."""
    pid = request.path_params["paragraph_id"]
    limit = int_param(request.query_params, "limit", 10, 1, MAX_LIMIT)
    return JSONResponse(similar_to_dict(pid, _index(request).similar(pid, limit=limit)))


def stats(request: Request) -> JSONResponse:
    """``/api/stats``: ``searchlib stats --format json``."""
    return JSONResponse(_index(request).stats().to_dict())


def _started(items: Iterator) -> Iterator:
    """*items* with its first item already read, so that a bad query fails (400) before the
    answer has begun, not in the middle of a stream."""
    first = next(items, None)
    return iter(()) if first is None else chain([first], items)


def _attachment(name: str) -> dict:
    return {"content-disposition": f'attachment; filename="{name}"'}


def _all_hits(request: Request) -> Iterator:
    params = SearchParams.parse(request.query_params)
    kwargs = params.search_kwargs()
    for key in ("limit", "page"):
        kwargs.pop(key)
    return _started(_index(request).iter_hits(kwargs.pop("query"), **kwargs))


def _csv_lines(hits: Iterable) -> Iterator[str]:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(HIT_CSV_COLUMNS)
    for hit in hits:
        out.writerow(hit_csv_row(hit))
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()


def export_csv(request: Request) -> StreamingResponse:
    """Every hit of the search as CSV: ``searchlib search --all --format csv``."""
    return StreamingResponse(_csv_lines(_all_hits(request)), media_type="text/csv",
                             headers=_attachment("searchlib-hits.csv"))


def _jsonl(records: Iterable[dict]) -> Iterator[str]:
    for rec in records:
        yield json.dumps(rec, ensure_ascii=False) + "\n"


def export_jsonl(request: Request) -> StreamingResponse:
    """Every hit of the search as JSON Lines: ``searchlib search --all --format jsonl``."""
    hits = (h.to_dict() for h in _all_hits(request))
    return StreamingResponse(_jsonl(hits), media_type="application/x-ndjson",
                             headers=_attachment("searchlib-hits.jsonl"))


def export_articles(request: Request) -> StreamingResponse:
    """The whole articles with a matching paragraph, in the input format of ``searchlib
    index``: ``searchlib export``."""
    params = SearchParams.parse(request.query_params)
    records = _started(_index(request).export_articles(params.q, **params.filters()))
    return StreamingResponse(_jsonl(records), media_type="application/x-ndjson",
                             headers=_attachment("searchlib-articles.jsonl"))

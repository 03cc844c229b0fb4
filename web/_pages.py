"""The HTML pages: search, article, similar paragraphs, and the context fragment that
"show context" swaps into a hit.
"""

from __future__ import annotations

from searchlib.index._format import KINDS, split_paragraph_id
from searchlib.web._params import (
    MAX_CONTEXT,
    MAX_LIMIT,
    MAX_QUERY,
    SearchParams,
    int_param,
)
from starlette.requests import Request
from starlette.responses import Response

from searchlib import Index, QueryError

#: Paragraphs of context on each side that "show context" brings in.
CONTEXT_STEP = 2


def _index(request: Request) -> Index:
    return request.app.state.index


def _render(request: Request, name: str, status: int = 200, **context) -> Response:
    return request.app.state.templates.TemplateResponse(request, name,
                                                        {"kinds": KINDS, **context},
                                                        status_code=status)


def search_page(request: Request) -> Response:
    """``/``: the search form, facets, date histogram and a page of hits.

    A bad query or parameter keeps the form (with what was typed) and says what is wrong,
    with status 400.
    """
    try:
        params = SearchParams.parse(request.query_params)
        results = _index(request).search(**params.search_kwargs())
    except QueryError as e:
        typed = (request.query_params.get("q") or "")[:MAX_QUERY]
        return _render(request, "search.html", 400, params=SearchParams(q=typed),
                       results=None, error=str(e))
    return _render(request, "search.html", params=params, results=results, error=None)


def article_page(request: Request) -> Response:
    """``/article/{id}``: every paragraph of an article with its entities."""
    article = _index(request).article(request.path_params["article_id"])
    return _render(request, "article.html", article=article, params=SearchParams())


def similar_page(request: Request) -> Response:
    """``/similar/{paragraph id}``: the paragraphs most like one, other articles' first."""
    ix = _index(request)
    pid = request.path_params["paragraph_id"]
    limit = int_param(request.query_params, "limit", 10, 1, MAX_LIMIT)
    hits = ix.similar(pid, limit=limit)  # raises ArticleNotFoundError for a bad id: 404
    article_id, number = split_paragraph_id(pid)
    return _render(request, "similar.html", pid=pid, article=ix.article(article_id),
                   paragraph=ix.paragraph(pid), number=number, hits=hits,
                   params=SearchParams())


def context_fragment(request: Request) -> Response:
    """``/fragment/context?id=&n=&slot=``: the paragraphs around a hit, for htmx to put
    above and below hit number *slot* of the page (out-of-band swaps), replacing the
    button that asked for them."""
    pid = request.query_params.get("id") or ""
    n = int_param(request.query_params, "n", CONTEXT_STEP, 1, MAX_CONTEXT)
    slot = int_param(request.query_params, "slot", 0, 0, 10 ** 6)
    context = _index(request).context(pid, n)
    return _render(request, "context.html", context=context, slot=slot, n=n,
                   params=SearchParams())

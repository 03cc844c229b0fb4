"""The Starlette application: routes, errors as JSON or as a page, safety headers, static
files.

Read-only by construction: every route is a GET (Starlette answers anything else with 405)
and none of them calls a writing method of :class:`searchlib.Index`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from searchlib.web import _api, _pages, _view
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from searchlib import (
    ArticleNotFoundError,
    Index,
    IndexCorruptError,
    QueryTimeoutError,
    SearchlibError,
)

STATIC = Path(__file__).parent / "static"
#: The htmx build shipped in static/ (npm ``htmx.org``, 0BSD licence), and its SHA-256.
HTMX_FILE = "htmx-2.0.11.min.js"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"

#: Host names a loopback server answers to. Any other Host header is refused (400), so that
#: a web page elsewhere cannot reach the index through DNS rebinding.
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

#: Everything from this server only, no inline script or style, never framed.
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_SECURITY_HEADERS = [
    (b"content-security-policy", _CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class _SecurityHeaders:
    """Adds :data:`_SECURITY_HEADERS` to every response (plain ASGI, so streaming answers
    are not buffered)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + _SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _CachedStatic(StaticFiles):
    """Static files cached by the browser for a year: their URLs change with their content
    (htmx's name carries its version, the stylesheet's URL its hash)."""

    def file_response(self, *args, **kwargs) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["cache-control"] = "public, max-age=31536000, immutable"
        return response


def status_of(error: SearchlibError) -> int:
    """The HTTP status of a library error: 404 for an unknown id, 503 for a search that ran
    out of time, 500 for a damaged index, 400 for the rest (a bad query or parameter)."""
    if isinstance(error, ArticleNotFoundError):
        return 404
    if isinstance(error, QueryTimeoutError):
        return 503
    if isinstance(error, IndexCorruptError):
        return 500
    return 400


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/export/"))


def _static_version(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def create_app(index: Index, allowed_hosts: list[str] | None = None) -> Starlette:
    """The web application over one open index, which it reuses for every request.

    The caller opens and closes the index; the application only reads it, from a pool of
    threads (an :class:`~searchlib.Index` may be searched from several at once). Searches
    while another process indexes answer from the last commit.

    :param index: the open index to serve
    :param allowed_hosts: the Host header values to answer (default: loopback names only;
        ``["*"]`` for any)
    """
    env = Environment(loader=PackageLoader("searchlib.web", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(
        htmx_url=f"/static/{HTMX_FILE}",
        css_url=f"/static/app.css?v={_static_version('app.css')}",
        segments=_view.segments, hit_segments=_view.hit_segments, path_id=_view.path_id,
        safe_url=_view.safe_url, histogram=_view.histogram,
        histogram_height=_view.HISTOGRAM_HEIGHT)
    templates = Jinja2Templates(env=env)

    async def library_error(request: Request, exc: SearchlibError) -> Response:
        status = status_of(exc)
        if _wants_json(request):
            return JSONResponse({"error": str(exc)}, status_code=status)
        return templates.TemplateResponse(request, "error.html",
                                          {"message": str(exc), "status": status},
                                          status_code=status)

    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code,
                                headers=exc.headers)
        return templates.TemplateResponse(request, "error.html",
                                          {"message": exc.detail, "status": exc.status_code},
                                          status_code=exc.status_code, headers=exc.headers)

    routes = [
        Route("/", _pages.search_page, name="search"),
        Route("/article/{article_id:path}", _pages.article_page, name="article"),
        Route("/similar/{paragraph_id:path}", _pages.similar_page, name="similar"),
        Route("/fragment/context", _pages.context_fragment, name="context"),
        Route("/api/search", _api.search),
        Route("/api/entities", _api.entities),
        Route("/api/article/{article_id:path}", _api.article),
        Route("/api/similar/{paragraph_id:path}", _api.similar),
        Route("/api/stats", _api.stats),
        Route("/export/hits.csv", _api.export_csv),
        Route("/export/hits.jsonl", _api.export_jsonl),
        Route("/export/articles.jsonl", _api.export_articles),
        Mount("/static", _CachedStatic(directory=STATIC), name="static"),
    ]
    # Starlette types a handler as taking any Exception; ours take the class they are registered
    # for, which is what Starlette passes them.
    handlers: dict[Any, Callable[..., Any]] = {SearchlibError: library_error,
                                               HTTPException: http_error}
    app = Starlette(
        routes=routes,
        middleware=[Middleware(_SecurityHeaders),
                    Middleware(TrustedHostMiddleware,
                               allowed_hosts=allowed_hosts or LOOPBACK_HOSTS)],
        exception_handlers=handlers)
    app.state.index = index
    app.state.templates = templates
    return app

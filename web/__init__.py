"""``searchlib serve``: a local web page and a JSON API over one index.

Installed as ``searchlib.web`` (the repository folder ``web/``) with the ``web`` extra
(Starlette, uvicorn, Jinja2). A thin layer like the CLI: it reads the request, calls the
public API of :mod:`searchlib` and renders the answer; the JSON API returns exactly what
``searchlib ... --format json`` prints.
"""

from searchlib.web._app import create_app

__all__ = ["create_app"]

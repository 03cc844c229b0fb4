"""Request parameters: the CLI's options read from a URL's query string, with bounds.

The names are the CLI's (``q`` for the query argument): ``/api/search?q=Taiwan&person=Blinken
&by_article=1`` is ``searchlib search Taiwan --person Blinken --by-article``. A page is a
link: every option it was built with is in its URL, so it can be shared and reloaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote_plus

from searchlib.index._format import KINDS

from searchlib import QueryError
from searchlib._grouping import SORTS

#: Longest query accepted, in characters (the library's own limit is 10,000; a shared link
#: needs far less, and a long query costs every request that carries it).
MAX_QUERY = 1000
#: Longest filter value (a name, a source), and how many names per kind.
MAX_NAME = 200
MAX_NAMES = 10
#: Most hits per page, similar paragraphs or entity names in one answer.
MAX_LIMIT = 100
#: Last page that may be asked for: a page is ranked from the first hit, so a deep page
#: costs as much as all the pages before it.
MAX_PAGE = 1000
#: Most paragraphs of context on each side of a hit.
MAX_CONTEXT = 5

_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"", "0", "false", "off", "no"}


def _one(params: Mapping, name: str, limit: int = MAX_NAME) -> str | None:
    value = params.get(name)
    if value is None or not value.strip():
        return None
    if len(value) > limit:
        raise QueryError(f"{name} is longer than {limit} characters")
    return value


def int_param(params: Mapping, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise QueryError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _flag(params: Mapping, name: str) -> bool:
    raw = (params.get(name) or "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise QueryError(f"{name} must be 1 or 0, not {raw!r}")


def query_text(params: Mapping) -> str:
    """The ``q`` parameter, bounded by :data:`MAX_QUERY` ("" when absent)."""
    q = params.get("q") or ""
    if len(q) > MAX_QUERY:
        raise QueryError(f"query is longer than {MAX_QUERY} characters")
    return q


@dataclass
class SearchParams:
    """The options of one search, as given in the URL.

    :param names: the entity filters, ``{"person": [...], "place": [...], "org": [...]}``
    """

    q: str = ""
    names: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    since: str | None = None
    until: str | None = None
    source: str | None = None
    sort: str | None = None
    limit: int = 10
    page: int = 1
    by_article: bool = False
    context: int = 0

    @classmethod
    def parse(cls, params) -> SearchParams:
        """Read and check a query string (Starlette's ``request.query_params``).

        :raises QueryError: naming the parameter that is malformed or out of bounds
        """
        names = {}
        for kind in KINDS:
            values = [v for v in params.getlist(kind) if v.strip()]
            if len(values) > MAX_NAMES:
                raise QueryError(f"at most {MAX_NAMES} {kind} filters")
            for v in values:
                if len(v) > MAX_NAME:
                    raise QueryError(f"{kind} is longer than {MAX_NAME} characters")
            names[kind] = values
        sort = _one(params, "sort")
        if sort is not None and sort not in SORTS:
            raise QueryError(f"unknown sort order {sort!r} (orders: {', '.join(SORTS)})")
        return cls(q=query_text(params), names=names, since=_one(params, "since"),
                   until=_one(params, "until"), source=_one(params, "source"), sort=sort,
                   limit=int_param(params, "limit", 10, 1, MAX_LIMIT),
                   page=int_param(params, "page", 1, 1, MAX_PAGE),
                   by_article=_flag(params, "by_article"),
                   context=int_param(params, "context", 0, 0, MAX_CONTEXT))

    def filters(self) -> dict:
        """The filter keyword arguments of :meth:`searchlib.Index.search` and friends."""
        return {**self.names, "since": self.since, "until": self.until, "source": self.source}

    def search_kwargs(self) -> dict:
        """Every keyword argument of :meth:`searchlib.Index.search`."""
        return {"query": self.q, "limit": self.limit, "page": self.page, "sort": self.sort,
                "by_article": self.by_article, "context": self.context, **self.filters()}

    def pairs(self) -> list[tuple[str, str]]:
        """The parameters as URL pairs, leaving out defaults (a short, canonical link)."""
        return _pairs(self.__dict__)

    def query_string(self, **changes) -> str:
        """The URL query string of these parameters with *changes* applied.

        A change of anything but the page goes back to page 1 (the old page number may not
        exist in the new result).
        """
        # A page has some seventy links: plain dicts, not new SearchParams, keep it cheap.
        return _encode(_pairs({**self.__dict__, "page": 1, **changes}))

    def with_name(self, kind: str, name: str) -> str:
        """The query string with the filter ``kind=name`` added (once)."""
        if name in self.names[kind]:
            return self.query_string()
        return self.query_string(names={**self.names, kind: [*self.names[kind], name]})

    def without_name(self, kind: str, name: str) -> str:
        """The query string with the filter ``kind=name`` removed."""
        return self.query_string(names={**self.names,
                                        kind: [v for v in self.names[kind] if v != name]})


#: Each distinct value is quoted once: the links of a page repeat the same few values.
_quote = lru_cache(maxsize=4096)(quote_plus)


def _encode(pairs: list[tuple[str, str]]) -> str:
    """``urlencode`` of *pairs*."""
    return "&".join(f"{key}={_quote(value)}" for key, value in pairs)


def _pairs(v: dict) -> list[tuple[str, str]]:
    """URL pairs of :class:`SearchParams` fields given as a dict, defaults left out."""
    out: list[tuple[str, str]] = [("q", v["q"])] if v["q"] else []
    for kind in KINDS:
        out += [(kind, name) for name in v["names"][kind]]
    for key in ("since", "until", "source", "sort"):
        if v[key]:
            out.append((key, v[key]))
    if v["limit"] != 10:
        out.append(("limit", str(v["limit"])))
    if v["by_article"]:
        out.append(("by_article", "1"))
    if v["context"]:
        out.append(("context", str(v["context"])))
    if v["page"] != 1:
        out.append(("page", str(v["page"])))
    return out

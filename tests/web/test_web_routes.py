"""Every route of the web app through Starlette's test client: status codes, JSON shapes,
errors, headers, and that nothing writes."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from searchlib.web import create_app
from searchlib.web._app import HTMX_FILE, HTMX_SHA256, STATIC
from searchlib.web._params import MAX_LIMIT, MAX_QUERY
from starlette.testclient import TestClient

import searchlib
from tests.web.web_helpers import HOSTILE


def a_hit(client, q="Taiwan") -> dict:
    return client.get("/api/search", params={"q": q}).json()["hits"][0]


# -- the JSON API ------------------------------------------------------------------------

def test_api_search_shape(client):
    r = client.get("/api/search", params={"q": "Taiwan", "limit": 3})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) >= {"query", "total", "page", "limit", "hits", "facets", "sort",
                         "suggestion", "filters", "dates"}
    assert body["total"] > 3 and len(body["hits"]) == 3
    assert set(body["facets"]) == {"person", "place", "org"}
    hit = body["hits"][0]
    assert set(hit) >= {"id", "article_id", "title", "date", "paragraph", "text", "highlight",
                        "score", "entities", "source", "url"}
    # The date facet counts every dated match, not the page of three.
    every = client.get("/export/hits.jsonl", params={"q": "Taiwan"}).text.splitlines()
    dated = [h for h in map(json.loads, every) if h["date"]]
    assert len(every) == body["total"] and len(dated) < body["total"]  # one is undated
    assert sum(d["count"] for d in body["dates"]) == len(dated)
    assert all(re.fullmatch(r"\d{4}-\d{2}", d["date"]) for d in body["dates"])


def test_api_search_options(client):
    r = client.get("/api/search", params=[("q", "Taiwan"), ("place", "Taiwan"),
                                          ("since", "2023-06"), ("until", "2023-06-30"),
                                          ("sort", "oldest"), ("by_article", "1"),
                                          ("context", "1"), ("limit", "2"), ("page", "2")])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["by_article"] is True and body["page"] == 2 and body["sort"] == "oldest"
    assert body["filters"] == {"place": ["Taiwan"], "since": "2023-06", "until": "2023-06-30"}
    assert all("matching_paragraphs" in h and "context" in h for h in body["hits"])
    assert all(h["date"].startswith("2023-06") for h in body["hits"])


def test_api_entities(client):
    body = client.get("/api/entities", params={"kind": "place", "top": 3}).json()
    assert len(body) == 3 and all(e["kind"] == "place" for e in body)
    assert set(body[0]) == {"kind", "name", "count", "articles", "aliases"}
    over_query = client.get("/api/entities", params={"q": "Blinken"}).json()
    assert over_query and over_query != client.get("/api/entities").json()


def test_api_article_similar_stats(client):
    hit = a_hit(client)
    art = client.get(f"/api/article/{hit['article_id']}").json()
    assert art["id"] == hit["article_id"] and art["paragraphs"][0]["paragraph"] == 0
    pid = hit["id"].replace("#", "%23")
    sim = client.get(f"/api/similar/{pid}", params={"limit": 2}).json()
    assert sim["paragraph_id"] == hit["id"] and len(sim["hits"]) <= 2
    assert all(h["id"] != hit["id"] for h in sim["hits"])
    stats = client.get("/api/stats").json()
    assert stats["articles"] == 11 and stats["paragraphs"] > 30


@pytest.mark.parametrize("path, params, status, says", [
    ("/api/search", {"q": "Taiwan AND"}, 400, ""),
    ("/api/search", {"q": "nosuchfield:x"}, 400, "nosuchfield"),
    ("/api/search", {"since": "2023-13"}, 400, "2023-13"),
    ("/api/search", {"sort": "sideways"}, 400, "sort"),
    ("/api/search", {"limit": "0"}, 400, "limit"),
    ("/api/search", {"limit": str(MAX_LIMIT + 1)}, 400, "limit"),
    ("/api/search", {"limit": "ten"}, 400, "limit"),
    ("/api/search", {"page": "0"}, 400, "page"),
    ("/api/search", {"by_article": "maybe"}, 400, "by_article"),
    ("/api/search", {"q": "x" * (MAX_QUERY + 1)}, 400, "longer"),
    ("/api/search", {"person": "p" * 201}, 400, "person"),
    ("/api/entities", {"kind": "animal"}, 400, "animal"),
    ("/api/entities", {"top": "1000"}, 400, "top"),
    ("/api/article/no-such-article", {}, 404, "no-such-article"),
    ("/api/similar/no-such%230", {}, 404, "no-such"),
    ("/api/similar/not-a-paragraph-id", {}, 404, "not-a-paragraph-id"),
    ("/api/nothing-here", {}, 404, ""),
])
def test_api_errors_are_json(client, path, params, status, says):
    r = client.get(path, params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and says in body["error"]
    assert "\n" not in body["error"] and "Traceback" not in body["error"]


def test_exports(client):
    csv_text = client.get("/export/hits.csv", params={"q": "Taiwan"}).text
    lines = csv_text.splitlines()
    total = client.get("/api/search", params={"q": "Taiwan"}).json()["total"]
    assert lines[0].startswith("id,article_id,title,date,paragraph,score,text")
    # Every match, not a page: the export ignores the page size.
    r = client.get("/export/hits.jsonl", params={"q": "Taiwan", "limit": 1})
    assert r.headers["content-disposition"].startswith("attachment")
    assert len(r.text.splitlines()) == total
    articles = client.get("/export/articles.jsonl", params={"q": "Qin"}).text.splitlines()
    assert articles and all('"paragraphs"' in a for a in articles)
    bad = client.get("/export/hits.csv", params={"q": "Taiwan AND"})
    assert bad.status_code == 400 and "error" in bad.json()


# -- the pages ---------------------------------------------------------------------------

def test_search_page(client):
    r = client.get("/", params={"q": "Taiwan", "limit": 2})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert page.count('class="hit"') == 2
    assert "<mark>Taiwan</mark>" in page
    assert 'class="facet-link" href="/?q=Taiwan&amp;limit=2&amp;person=' in page or \
        'class="facet-link" href="/?q=Taiwan&amp;person=' in page
    assert 'svg class="histogram"' in page and 'rel="next"' in page
    # Each month of the histogram is a link that narrows the search to it.
    assert re.search(r'<a class="month" href="/\?q=Taiwan&amp;since=(\d{4}-\d\d)'
                     r'&amp;until=\1&amp;limit=2">', page)
    assert 'href="/export/hits.csv?q=Taiwan' in page


def test_search_page_filters_and_suggestion(client):
    page = client.get("/", params=[("q", "Taiwan"), ("person", "Blinken")]).text
    assert 'aria-label="remove person: Blinken"' in page
    assert 'href="/?q=Taiwan"' in page  # the link that removes the filter
    page = client.get("/", params={"q": "Taiwn"}).text
    assert "Did you mean" in page and 'href="/?q=taiwan"' in page


def test_search_page_bad_query_keeps_the_form(client):
    r = client.get("/", params={"q": "Taiwan AND"})
    assert r.status_code == 400
    assert 'role="alert"' in r.text and 'value="Taiwan AND"' in r.text


def test_article_and_similar_pages(client):
    hit = a_hit(client, "Lagarde")
    r = client.get(f"/article/{hit['article_id']}")
    assert r.status_code == 200 and 'id="p-2"' in r.text
    r = client.get("/similar/" + hit["id"].replace("#", "%23"))
    assert r.status_code == 200 and "Paragraphs like" in r.text
    r = client.get("/article/no-such-article")
    assert r.status_code == 404 and "no-such-article" in r.text


def test_context_fragment(client):
    hit = a_hit(client, "Lagarde")
    r = client.get("/fragment/context", params={"id": hit["id"], "n": 1, "slot": 4})
    assert r.status_code == 200
    assert 'id="before-4" hx-swap-oob="true"' in r.text and "¶1" in r.text and "¶3" in r.text
    assert client.get("/fragment/context", params={"id": "nope#1"}).status_code == 404
    assert client.get("/fragment/context", params={"id": hit["id"], "n": 99}).status_code == 400


# -- safety ------------------------------------------------------------------------------

def test_read_only(client):
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/api/search").status_code == 405
    assert client.get("/api/stats").json()["articles"] == 11


def test_foreign_host_refused(index):
    with TestClient(create_app(index), base_url="http://evil.example") as c:
        assert c.get("/api/stats").status_code == 400
    with TestClient(create_app(index), base_url="http://localhost:8001") as c:
        assert c.get("/api/stats").status_code == 200


def test_security_and_cache_headers(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    css = client.get("/static/app.css")
    assert css.status_code == 200 and "immutable" in css.headers["cache-control"]
    again = client.get("/static/app.css", headers={"if-none-match": css.headers["etag"]})
    assert again.status_code == 304


def test_htmx_is_the_noted_build(client):
    data = (STATIC / HTMX_FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == HTMX_SHA256
    page = client.get("/").text
    assert f'<script src="/static/{HTMX_FILE}" defer></script>' in page
    assert client.get(f"/static/{HTMX_FILE}").content == data
    assert "https://" not in re.sub(r'href="https?://[^"]*"', "", page.split("<body>")[0])


def test_index_reused_and_sees_new_commits(index, client):
    before = client.get("/api/stats").json()["articles"]
    with searchlib.Index.open(index.path) as writer:
        writer.add_articles([searchlib.Article("Late news", ["Zanzibar ferry."], id="late")])
    try:
        assert client.get("/api/stats").json()["articles"] == before + 1
        assert client.get("/api/search", params={"q": "Zanzibar"}).json()["total"] == 1
        assert client.app.state.index is index
    finally:
        with searchlib.Index.open(index.path) as writer:
            writer.delete("late")


def test_hostile_article_is_served(client):
    r = client.get("/api/article/" + HOSTILE.id.replace('"', "%22"))
    assert r.status_code == 200 and r.json()["title"] == HOSTILE.title


def test_links_round_trip():
    from searchlib.web._params import SearchParams
    from starlette.datastructures import QueryParams

    odd = 'A & B #1 "é" +x/y?'
    p = SearchParams.parse(QueryParams([("q", 'Taiwan "foreign minister"'), ("page", "3"),
                                        ("place", "Taiwan"), ("by_article", "on")]))
    back = SearchParams.parse(QueryParams(p.with_name("person", odd)))
    assert back.names == {"person": [odd], "place": ["Taiwan"], "org": []}
    assert back.q == p.q and back.by_article and back.page == 1  # a new filter: page 1
    assert SearchParams.parse(QueryParams(p.query_string(page=3))).page == 3
    gone = SearchParams.parse(QueryParams(back.without_name("person", odd)))
    assert gone.names["person"] == [] and gone.names["place"] == ["Taiwan"]

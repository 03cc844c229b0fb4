"""Markup in the index never reaches a page as markup: a paragraph with ``<script>`` and
``<img onerror=...>`` (and a headline, id, source and ``javascript:`` url like it) is
indexed and checked in every page that shows it, and in the API."""

from __future__ import annotations

import json

from searchlib.web._view import path_id

from tests.web.web_helpers import HOSTILE

#: What must never appear in a page as written: it would run.
LIVE = ["<script>alert", "<img src=x", "onerror=alert(2)>", 'href="javascript:',
        "<b>bold</b>", "<i>Wire</i>"]


def assert_inert(page: str) -> None:
    body = page.split("<body>", 1)[1]
    for bad in LIVE:
        assert bad not in body, bad
    assert "<script" not in body  # the page's own scripts are all in <head>


def hostile_hit(client) -> dict:
    hits = client.get("/api/search", params={"q": "Kaohsiung harbour"}).json()["hits"]
    return next(h for h in hits if h["article_id"] == HOSTILE.id)


def test_search_page_escapes(client):
    page = client.get("/", params={"q": "Kaohsiung harbour"}).text
    assert_inert(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<mark>harbour</mark>" in page  # matches are still marked, around escaped text
    assert "&lt;i&gt;Wire&lt;/i&gt;" in page


def test_article_similar_context_pages_escape(client):
    hit = hostile_hit(client)
    page = client.get("/article/" + path_id(HOSTILE.id)).text
    assert_inert(page)
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in page
    assert "javascript:alert(4)" in page and 'class="original"' not in page  # text, no link
    assert_inert(client.get("/similar/" + path_id(hit["id"])).text)
    fragment = client.get("/fragment/context", params={"id": hit["id"], "n": 1}).text
    assert "<b>bold</b>" not in fragment and "&lt;b&gt;bold&lt;/b&gt;" in fragment


def test_queries_and_errors_escape(client):
    q = '<script>alert(5)</script> "<img src=x onerror=alert(6)>'
    page = client.get("/", params={"q": q}).text
    assert_inert(page)
    assert "<script>alert(5)" not in page and "&lt;script&gt;alert(5)" in page
    bad = client.get("/", params={"q": "<script>alert(7)</script>:x AND"})
    assert bad.status_code == 400 and "<script>alert(7)" not in bad.text
    missing = client.get("/article/" + path_id("<script>alert(8)</script>"))
    assert missing.status_code == 404 and "<script>alert(8)" not in missing.text
    assert "&lt;script&gt;alert(8)" in missing.text
    # A facet or filter value with markup goes back into links and chips escaped.
    page = client.get("/", params={"person": '"><script>alert(9)</script>'}).text
    assert "<script>alert(9)" not in page


def test_api_keeps_the_text_exactly_and_is_json(client):
    hit = hostile_hit(client)
    r = client.get("/api/article/" + path_id(HOSTILE.id))
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"  # never sniffed as HTML
    art = r.json()
    assert art["title"] == HOSTILE.title and art["url"] == HOSTILE.url
    assert art["paragraphs"][1]["text"] == HOSTILE.paragraphs[0]
    assert hit["text"] == HOSTILE.paragraphs[0]
    err = client.get("/api/search", params={"q": "<script>x</script>:y AND"})
    assert err.status_code == 400 and json.loads(err.text).keys() == {"error"}

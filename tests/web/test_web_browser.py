"""The page in a real browser: Debian's chromium driven by Playwright, against a real
``searchlib serve`` on 127.0.0.1 (a free port), as a person would use it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import sync_playwright

from tests.web.web_helpers import CHROMIUM_ARGS, Server, build_index, chromium

#: Set to a path to keep a copy of the desktop screenshot (how docs/serve.png is made).
KEEP_SCREENSHOT = os.environ.get("SEARCHLIB_WEB_SCREENSHOT")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(build_index(tmp_path_factory.mktemp("web") / "ix"))
    yield srv
    assert srv.stop() == 130  # Ctrl-C: the CLI's "interrupted"


@pytest.fixture(scope="module")
def browser():
    path = chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watched:
    """A page whose dialogs (an alert() would mean injected script ran), script errors and
    console errors (a refused Content-Security-Policy among them) are recorded."""

    def __init__(self, browser, **context) -> None:
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"),
                                          d.dismiss()))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("console", lambda m: m.type == "error"
                     and self.problems.append(f"console: {m.text}"))

    def close(self) -> None:
        self.context.close()


def hit_ids(page) -> list[str]:
    return page.locator("article.hit").evaluate_all("els => els.map(e => e.dataset.id)")


def query(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def test_search_facet_context_article(server, browser, tmp_path):
    w = Watched(browser, viewport={"width": 1280, "height": 900})
    page = w.page
    page.goto(server.url + "/")
    box = page.locator("input[name=q]")
    box.fill("Taiwan")
    box.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q=Taiwan"))
    first_hits = hit_ids(page)
    first_summary = page.locator("p.summary").inner_text()
    assert first_hits and "Taiwan" in first_summary
    assert page.locator("mark").first.inner_text().lower() == "taiwan"

    # A facet adds its filter: the URL says so, the hits change, a chip can take it off.
    facet = page.locator(".facet.names[data-kind=person] a.facet-link").first
    name = facet.inner_text()
    facet.click()
    page.wait_for_url(re.compile(r"[?&]person="))
    assert query(page.url)["person"] == [name] and query(page.url)["q"] == ["Taiwan"]
    assert hit_ids(page) != first_hits
    assert page.locator("p.summary").inner_text() != first_summary
    assert page.locator("li.chip", has_text=name).count() == 1

    # "show context" brings the neighbouring paragraphs in place, without leaving the page.
    at = page.url
    hit = page.locator("article.hit").first
    assert hit.locator(".context .ctx-para").count() == 0
    hit.locator("a.show-context").click()
    hit.locator(".context-shown").wait_for()
    assert hit.locator(".context .ctx-para").count() >= 1
    assert page.url == at
    assert hit.locator("a.show-context").count() == 0

    # The headline opens the whole article, at the paragraph of the hit.
    title = hit.locator("a.headline").inner_text()
    number = hit.locator(".para-num").inner_text()
    hit.locator("a.headline").click()
    page.wait_for_url(re.compile(r"/article/"))
    assert page.locator("h1").inner_text() == title
    if number != "¶0":
        assert page.locator("section.para:target .num").inner_text() == number

    # Back to the filtered search, and a picture of it.
    page.go_back()
    page.wait_for_url(re.compile(r"[?&]person="))
    shot = tmp_path / "serve.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    if KEEP_SCREENSHOT:
        Path(KEEP_SCREENSHOT).write_bytes(shot.read_bytes())

    # The hostile article's page runs nothing it holds.
    page.goto(server.url + "/?q=Kaohsiung+harbour")
    assert page.locator("article.hit").count() >= 1
    assert "<script>alert(1)</script>" in page.locator("article.hit p.text").first.inner_text()
    assert w.problems == []
    w.close()


def test_phone_width(server, browser, tmp_path):
    w = Watched(browser, viewport={"width": 390, "height": 844}, is_mobile=True,
                has_touch=True, device_scale_factor=2)
    page = w.page
    page.goto(server.url + "/?q=Taiwan")
    # Nothing wider than the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("input[name=q]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # The hits come first, the facets below them.
    hits_top = page.locator("section.results").bounding_box()["y"]
    facets_top = page.locator("aside.facets").bounding_box()["y"]
    assert hits_top < facets_top
    before = hit_ids(page)
    page.locator(".facet.names[data-kind=place] a.facet-link").first.tap()
    page.wait_for_url(re.compile(r"[?&]place="))
    assert hit_ids(page) != before or page.locator("li.chip").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("article.hit a.show-context").first.tap()
    page.locator(".context-shown").first.wait_for()
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    assert (tmp_path / "phone.png").stat().st_size > 10_000
    assert w.problems == []
    w.close()

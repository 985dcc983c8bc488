"""A reader's walk through the built site in Chromium, opened from file:// with the network blocked."""

from __future__ import annotations

from pathlib import Path

from conftest import CHROMIUM, FLAGS  # noqa: F401 - other test files import them from here


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll ``expression`` until true. Not ``page.wait_for_function``: its polling evaluates the
    string inside the page, which the pages' CSP (no 'unsafe-eval') refuses."""
    for _ in range(int(timeout / 0.02)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(20)
    raise AssertionError(f"still false after {timeout} s: {expression}")


class Walk:
    """A page that records console errors and every request that tried to leave the folder."""

    def __init__(self, browser, root: Path, **context_options):
        """``root``: the folder pages are opened from. Requests may go anywhere in the whole site: a
        language tree (en/) loads the shared assets/ beside it."""
        self.root = root.resolve()
        self.site = self.root.parent if not (self.root / "assets").is_dir() and (self.root.parent / "assets").is_dir() else self.root
        self.context = browser.new_context(**context_options)
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.site.as_uri() + "/"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def open(self, rel: str):
        path, _, fragment = rel.partition("#")
        self.page.goto((self.root / path).as_uri() + (f"#{fragment}" if fragment else ""))

    def wait_until(self, expression: str, timeout: float = 10.0) -> None:
        wait_until(self.page, expression, timeout)

    def click(self, selector: str) -> str:
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()
        assert self.page.url.startswith("file://"), self.page.url
        return self.page.url


def test_walk_home_person_city_day_timeline_offline(browser, built_content):
    w = Walk(browser, built_content, offline=True)
    w.open("index.html")
    assert w.page.locator("h1").inner_text()
    # home → a person from the wall of names
    w.click("ul.wall a[href$='people/yernazar-kyrykbayev.html']")
    assert "/people/" in w.page.url
    assert w.page.locator(".citations li").count() >= 1
    # person → their city (from the facts list, or a dated fact)
    w.click(".facts a[href*='cities/'], ol.dated a[href*='cities/']")
    assert "/cities/" in w.page.url
    assert w.page.locator("main h1").inner_text()
    # city → timeline (nav) → a day → back to the timeline
    w.click("nav[aria-label=Main] a[href$='timeline.html']")
    w.click("table.days a[href*='days/2022-01-05']")
    assert w.page.url.endswith("/days/2022-01-05.html")
    assert "5 January 2022" in w.page.locator("h1").inner_text()
    w.click(".pager a[href$='timeline.html']")
    assert w.page.url.endswith("/timeline.html")
    assert w.errors == [], w.errors
    assert w.blocked == [], w.blocked
    # the stylesheet applied (file:// and the page's CSP allowed it)
    assert w.page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Noto Serif"')
    w.context.close()


def test_citation_marks_read_their_source_in_its_language(browser, built_content):
    """A citation mark shows [1]; a screen reader hears "источник 1: <title>", the English title marked as
    English (an aria-label could not say that: WCAG 3.1.2)."""
    import re

    w = Walk(browser, built_content.parent / "ru", offline=True)
    w.open("people/yernazar-kyrykbayev.html")
    mark = w.page.locator("sup.cite a").first
    assert mark.locator("[aria-hidden=true]").inner_text() == "[1]"
    assert w.page.get_by_role("link", name=re.compile(r"^источник 1: \S")).count() >= 1
    hidden = mark.locator(".visually-hidden")
    assert hidden.locator("span[lang=en]").count() == 1  # the source's title, in English
    box = hidden.bounding_box()
    assert box is None or (box["width"] <= 1 and box["height"] <= 1)  # not on screen
    assert w.errors == [] and w.blocked == []
    w.context.close()


def test_every_page_of_the_fixture_loads_without_errors(browser, built_fixture):
    w = Walk(browser, built_fixture)
    for path in sorted(built_fixture.rglob("*.html")):
        w.open(path.relative_to(built_fixture).as_posix())
    assert w.errors == [], w.errors
    assert w.blocked == [], w.blocked
    w.context.close()

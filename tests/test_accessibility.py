"""WCAG 2.1 AA: axe-core in Chromium over one page of each kind, light and dark; print and phone layouts."""

from __future__ import annotations

import pytest
from conftest import ROOT
from test_browser import wait_until

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # installed by `npm ci` in .ci/run

PAGES = [
    "index.html",
    "people/index.html",
    "people/by-city.html",
    "people/yernazar-kyrykbayev.html",
    "cities/index.html",
    "cities/almaty.html",
    "timeline.html",
    "days/2022-01-05.html",
    "events/tokayev-shoot-to-kill-order.html",
    "sources/index.html",
    "sources/odf-2022-02.html",
    "about.html",
    "search.html",
    "download.html",
    "changes.html",
    "../ru/download.html",
    "../index.html",  # the language choice
    "../ru/people/yernazar-kyrykbayev.html",
    "../kk/index.html",
]


@pytest.fixture(scope="module", autouse=True)
def axe_installed():
    assert AXE.is_file(), "axe-core is missing: run `npm ci --ignore-scripts` (as .ci/run does)"


def axe_problems(page, root, pages, each=None) -> list[str]:
    """axe-core's violations on each of ``pages`` (relative to ``root``), opened in ``page``, whose context
    bypasses the CSP (the pages' policy forbids injected scripts: for axe only). ``each(rel)``: more checks
    on each page while it is open."""
    problems = []
    for rel in pages:
        page.goto((root / rel).as_uri())
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})"
        )
        for v in result["violations"]:
            problems.append(f"{rel}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}")
        if each is not None:
            each(rel)
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(browser, built_content, scheme):
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    problems = axe_problems(context.new_page(), built_content, PAGES)
    context.close()
    assert problems == []


def test_keyboard_reaches_the_skip_link_first_and_focus_is_visible(browser, built_content):
    page = browser.new_page()
    page.goto((built_content / "people/yernazar-kyrykbayev.html").as_uri())
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip", "#main"]
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    wait_until(page, "location.hash === '#main'")  # following the link is not instantaneous
    page.close()


def test_print_hides_navigation_and_keeps_citations(browser, built_content):
    page = browser.new_page()
    page.goto((built_content / "people/yernazar-kyrykbayev.html").as_uri())
    page.emulate_media(media="print")
    assert page.locator("nav[aria-label=Main]").is_hidden()
    assert all(nav.is_hidden() for nav in page.locator("footer nav").all())
    assert page.locator(".citations").is_visible()
    assert page.locator(".citations li").count() >= 2
    assert page.locator("h1").is_visible()
    page.close()


def test_phone_width_has_no_sideways_scrolling(browser, built_content):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    for rel in PAGES:
        page.goto((built_content / rel).as_uri())
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, rel
    page.close()


def test_pictures_have_text_equivalents(built_content):
    home = (built_content / "index.html").read_text(encoding="utf-8")
    assert "<svg" in home and 'aria-labelledby="map-title map-desc"' in home
    assert "The map as a list" in home and "Natural Earth" in home
    timeline = (built_content / "timeline.html").read_text(encoding="utf-8")
    assert 'class="chart day-chart"' in timeline and "<caption>Day by day</caption>" in timeline
    city = (built_content / "cities/almaty.html").read_text(encoding="utf-8")
    assert "fate-chart" in city and 'class="text-equivalent"' in city

"""Long lists in pages a cheap phone can open: every list page links to the next and the previous, the
pages of a list hold exactly its people, once; everyone is within three links of the home page; no page is
over the budget; a person moved in `serve` lands on the right page, and a list that shrinks loses its
last pages."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from conftest import ROOT, main
from test_accessibility import axe_problems
from test_html_valid import VNU
from test_serve import Preview, files, from_scratch, touched_up

from memorial import paging

sys.path.insert(0, str(ROOT / "bench"))
import make_corpus  # noqa: E402

BUDGET = 200 * 1024  # bytes an HTML page may have at most
PEOPLE = 2500
LINK = re.compile(r'<a href="([^"#]*)(#[^"]*)?"')


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated record of a few thousand people (common names, several facts each), built with the
    real page size for rows (a source's names: smaller): its English tree."""
    tmp = tmp_path_factory.mktemp("paged")
    make_corpus.write(PEOPLE, tmp / "content")
    names, paging.NAMES_PER_PAGE = paging.NAMES_PER_PAGE, 100  # (so that sources, cited for some 150 people each, run over pages too)
    try:
        assert main(["build", "--content", str(tmp / "content"), "--out", str(tmp / "output")]) == 0
    finally:
        paging.NAMES_PER_PAGE = names
    return tmp / "output" / "en"


def chain(tree: Path, first: str) -> list[str]:
    """The pages of a list, by following each page's rel=next from the first; each page's rel=prev must
    lead back."""
    pages = [first]
    while True:
        here = tree / pages[-1]
        html = here.read_text(encoding="utf-8")
        nav = html.split('class="pager pages"', 1)[1] if 'class="pager pages"' in html else ""
        prev = re.search(r'<a href="([^"]+)" rel="prev"', nav)
        if len(pages) > 1:
            assert prev and (here.parent / prev.group(1)).resolve() == (tree / pages[-2]).resolve(), pages[-1]
        else:
            assert prev is None, f"{first} is the first page and links to a previous one"
        following = re.search(r'<a href="([^"]+)" rel="next"', nav)
        if following is None:
            return pages
        nxt = (here.parent / following.group(1)).resolve().relative_to(tree.resolve()).as_posix()
        assert nxt not in pages, f"the pages of {first} go round in a circle"
        pages.append(nxt)


def people_in(tree: Path, pages: list[str], marker: str = 'class="people-list"') -> Counter:
    """The person pages linked from the lists of people on ``pages`` (not from their navigation)."""
    found: Counter = Counter()
    for rel in pages:
        html = (tree / rel).read_text(encoding="utf-8")
        for block in html.split(marker)[1:]:
            block = block.split("</ul>", 1)[0]
            found.update(Path(href).name for href, _ in LINK.findall(block))
    return found


def test_no_page_is_over_the_budget(generated):
    sizes = {p.relative_to(generated).as_posix(): p.stat().st_size for p in generated.rglob("*.html")}
    assert len(sizes) > PEOPLE
    assert [(rel, size) for rel, size in sizes.items() if size > BUDGET] == []
    assert max(size for rel, size in sizes.items() if rel.startswith("people/index")) > 10_000  # the lists are there


def test_every_list_holds_its_people_once_across_its_pages(generated):
    everyone = {p.name for p in (generated / "people").glob("*.html") if not re.match(r"(index|by-[a-z]+)(\.\d+)?\.html$", p.name)}
    assert len(everyone) == PEOPLE
    for first in ("people/index.html", "people/by-date.html"):
        pages = chain(generated, first)
        assert len(pages) > 5, first
        listed = people_in(generated, pages)
        assert set(listed) == everyone and set(listed.values()) == {1}, first
    by_city = people_in(generated, chain(generated, "people/by-city.html"))
    assert set(by_city) == everyone
    # a city's pages list its people once each, as many as its first page says
    almaty = chain(generated, "cities/almaty.html")
    assert len(almaty) > 3
    listed = people_in(generated, almaty)
    said = re.search(r"([\d,]+) people recorded", (generated / "cities/almaty.html").read_text(encoding="utf-8")).group(1)
    assert set(listed.values()) == {1} and sum(listed.values()) == int(said.replace(",", ""))
    # a busy day and a source continue on numbered pages too
    assert len(chain(generated, "days/2022-01-06.html")) > 1
    source = chain(generated, "sources/source-01.html")
    assert len(source) > 1
    cited = people_in(generated, source, 'class="wall"')
    said = re.search(r"People it is cited for <span class=\"count\">\(([\d,]+)\)", (generated / source[0]).read_text(encoding="utf-8"))
    assert set(cited.values()) == {1} and sum(cited.values()) == int(said.group(1).replace(",", ""))


def test_everyone_is_within_three_links_of_home(generated):
    generated = generated.resolve()  # (the output is a link to one of two trees)
    seen, frontier = {"index.html"}, ["index.html"]
    for _ in range(3):
        nxt = []
        for rel in frontier:
            if not rel.endswith(".html"):
                continue
            html = (generated / rel).read_text(encoding="utf-8")
            for href, _ in LINK.findall(html):
                target = (generated / rel).parent.joinpath(urldefrag(href)[0]).resolve()
                if href and generated in target.parents:
                    found = target.relative_to(generated).as_posix()
                    if found not in seen and target.is_file():
                        seen.add(found)
                        nxt.append(found)
        frontier = nxt
    people = {f"people/{p.name}" for p in (generated / "people").glob("*.html")}
    assert people - seen == set()


def test_the_home_page_leads_into_the_names_instead_of_listing_them(generated):
    html = (generated / "index.html").read_text(encoding="utf-8")
    assert 'class="wall"' not in html and 'class="jump letters"' in html
    cyrillic = html.split('class="jump cyrillic"', 1)[1].split("</nav>", 1)[0]
    assert '<span lang="ru">Е</span>' in cyrillic and ">Ye</a>" in cyrillic  # Ерлан is under Ye (and E)


PAGED = [
    "index.html",
    "people/index.html",
    "people/index.2.html",
    "people/by-city.3.html",
    "people/by-fate.2.html",
    "cities/almaty.html",
    "cities/almaty.3.html",
    "days/2022-01-06.2.html",
    "sources/source-01.html",
    "sources/source-01.2.html",
]


def test_the_paged_pages_are_valid_html(generated):
    assert VNU.is_file(), "the Nu HTML Checker is missing: run `npm ci --ignore-scripts` (as .ci/run does)"
    proc = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", *(str(generated / rel) for rel in PAGED)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and proc.stdout + proc.stderr == "", proc.stdout + proc.stderr


def test_the_paged_pages_pass_axe(browser, generated):
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    page = context.new_page()

    def no_sideways_scrolling(rel: str) -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{rel} scrolls sideways on a phone"

    problems = axe_problems(page, generated, PAGED, no_sideways_scrolling)
    context.close()
    assert problems == []


def test_a_person_moved_in_serve_lands_on_the_right_page(site, monkeypatch):
    """With small pages, an edit that moves a person to another city and another day gives what a build
    from scratch gives, page for page."""
    monkeypatch.setattr(paging, "PER_PAGE", 7)
    monkeypatch.setattr(paging, "NAMES_PER_PAGE", 10)
    make_corpus.write(120, site.content)
    out, preview = site.tmp / "output", Preview(site, site.tmp / "output")
    assert preview.build().ok
    pages_before = files(out)
    assert {"en/people/index.3.html", "en/cities/almaty.3.html"} <= set(pages_before)
    source = next(rel for rel in sorted(pages_before) if re.fullmatch(r"en/sources/[a-z0-9-]+\.2\.html", rel))
    assert len(chain(out / "en", source[3:].replace(".2.html", ".html"))) > 1
    person = sorted((site.content / "people").glob("*.md"))[5]
    text = person.read_text(encoding="utf-8")
    city = re.search(r"^city: (\S+)$", text, re.M).group(1)
    moved = text.replace(f"city: {city}\n", "city: shymkent\n" if city != "shymkent" else "city: almaty\n", 1)
    moved = re.sub(r"date: 2022-01-(\d\d)", "date: 2022-01-15", moved, count=1)
    assert moved != text
    person.write_text(moved, encoding="utf-8")
    result = preview.build()
    assert touched_up(result), result.timings
    assert files(out) == from_scratch(site, "fresh")


def test_a_list_that_shrinks_loses_its_last_pages():
    from memorial.pipeline import _without_stale_parts
    from memorial.routes import Page

    manifest = {f"en/cities/almaty{n}.html": "d" for n in ("", ".2", ".3", ".4")} | {"en/cities/almaty-2.html": "d", "en/x.html": "d"}
    made = [Page("en/cities/almaty.html", b""), Page("en/cities/almaty.2.html", b"")]
    assert sorted(_without_stale_parts(manifest, made)) == [
        "en/cities/almaty-2.html",
        "en/cities/almaty.2.html",
        "en/cities/almaty.html",
        "en/x.html",
    ]
    assert _without_stale_parts(manifest, [Page("en/x.html", b"")]) is manifest

"""Every page works from the unzipped folder: relative links that name existing files, nothing from elsewhere."""

from __future__ import annotations

import sitecheck


def test_fixture_site_links_resolve(built_fixture):
    assert sitecheck.problems(built_fixture.parent) == []


def test_shipped_site_links_resolve(built_content):
    assert sitecheck.problems(built_content.parent) == []


def test_every_page_kind_is_present(built_content):
    for rel in (
        "index.html",
        "people/index.html",
        "people/by-city.html",
        "people/by-date.html",
        "people/by-fate.html",
        "cities/index.html",
        "timeline.html",
        "sources/index.html",
        "days/2022-01-02.html",
        "days/2022-01-21.html",
        "about.html",
        "methodology.html",
        "corrections.html",
        "../assets/style.css",
        "../index.html",
        "../ru/people/yernazar-kyrykbayev.html",
        "../kk/timeline.html",
    ):
        assert (built_content / rel).is_file(), rel


def test_checker_catches_what_it_should(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="/people/x.html">r</a><a href="a/">d</a><a href="missing.html">m</a><img src="https://cdn.example/x.png">'
        '<script>alert(1)</script><a href="#nowhere">f</a><a href="https://example.org/">ok</a>',
        encoding="utf-8",
    )
    found = sitecheck.problems(tmp_path)
    assert len(found) == 6, found

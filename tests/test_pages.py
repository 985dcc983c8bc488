"""What readers see: the built pages show the right facts, sourced, and nothing unpublished."""

from __future__ import annotations

import re
from pathlib import Path


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def text(html: str) -> str:
    """Visible text, whitespace folded, for assertions that don't care about markup."""
    html = re.sub(r"</?(a|sup|span|time|strong|em|abbr)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def sections(html: str) -> dict[str, str]:
    """Visible text of each <section>, keyed by its heading."""
    out = {}
    for part in html.split("<section")[1:]:
        heading = text(part.split("</h2>")[0].split(">", 1)[1].split("<h2", 1)[-1])
        out[re.sub(r"\s*\(\d+\)$", "", heading.split(">", 1)[-1].strip())] = text(part)
    return out


def test_person_page_shows_facts_with_numbered_citations(built_fixture):
    html = read(built_fixture, "people/person-one.html")
    t = text(html)
    assert "<h1>Example Person One</h1>" in html
    assert "Also written: Ekzample Person One, Экзампл Персон[1]" in t
    assert '<span lang="ru">Экзампл Персон</span>' in html
    assert "30 (as of 6 January 2022)" in t
    assert "driver" in t and "Killed" in t
    assert '<a href="../cities/almaty.html">Almaty</a>' in html
    # dated facts in order, linked to their day page where one exists
    assert t.index("6 January 2022") < t.index("December 2022")
    assert '<a href="../days/2022-01-06.html">6 January 2022</a>' in html
    assert "Case closed" in t and "Fixture note on justice." in t
    # disagreements keep each side with its source
    assert "Where the sources disagree" in t and "30 years old[1]" in t and "31 years old[2]" in t
    # citations are numbered in reading order and link to the source pages
    # each mark is the number on screen; a screen reader says "source 1: <its title>" (hidden text, where the
    # title can say its language: an aria-label cannot)
    mark = r'<a href="\.\./sources/{}\.html"><span aria-hidden="true">\[{}\]</span><span class="visually-hidden">source {}: {}</span></a>'
    assert re.search(mark.format("report-a", 1, 1, "Fixture report: first"), html)
    assert re.search(mark.format("paper-b", 2, 2, "Fixture article"), html)
    assert "Example Rights Group, “Fixture report: first”, February 2022." in t
    assert "Example Daily (A. Writer), “Fixture article”, 20 December 2022." in t
    assert re.search(r"Entry last changed \d{1,2} \w+ \d{4}\.", t)


def test_story_markdown_is_rendered_and_sanitised(built_fixture):
    html = read(built_fixture, "people/person-one.html")
    assert '<a href="https://example.org/" rel="noopener noreferrer nofollow">link</a>' in html
    assert "<script>alert" not in html and "alert(1)" not in html


def test_drafts_reach_no_page(built_fixture):
    for path in built_fixture.rglob("*"):
        if path.is_file():
            data = path.read_text(encoding="utf-8", errors="replace")
            assert "Secretname" not in data and "hidden-draft" not in data, path
    assert not (built_fixture / "people/hidden-draft.html").exists()


def test_home_has_intro_figures_and_every_name(built_fixture):
    t = text(read(built_fixture, "index.html"))
    assert "Everything here is invented for testing." in t
    assert "238 people killed — Fixture officials, December 2022" in t
    assert "Example Person One" in t and "Example Person Two" in t
    assert "2 people are recorded here so far." in t


def test_people_index_in_four_orders_without_javascript(built_fixture):
    for rel in ("people/index.html", "people/by-city.html", "people/by-date.html", "people/by-fate.html"):
        html = read(built_fixture, rel)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script; the list itself needs none
        assert 'href="person-one.html"' not in html  # links are written from the root prefix
        assert html.count('href="../people/person-one.html"') >= 1, rel
    by_city = sections(read(built_fixture, "people/by-city.html"))
    assert list(by_city) == ["Almaty", "City not recorded"]
    assert "Example Person One" in by_city["Almaty"] and "Example Person Two" in by_city["City not recorded"]
    by_date = sections(read(built_fixture, "people/by-date.html"))
    assert list(by_date) == ["January 2022", "6 January 2022"]
    assert "Example Person Two" in by_date["January 2022"] and "Example Person One" in by_date["6 January 2022"]
    by_fate = sections(read(built_fixture, "people/by-fate.html"))
    assert list(by_fate) == ["Killed", "Tortured", "Detained"]
    assert "Example Person Two" in by_fate["Tortured"] and "Example Person Two" not in by_fate["Killed"]


def test_a_row_says_what_its_date_is_the_date_of(site, run):
    """A row shows the date of what happened to them, with it ("Tortured 6 January 2022"), only where a
    fact is marked as recording it; a date alone beside a fate read as its date (a verdict's date as a
    date of death). A fate that is not the person's is an error."""
    from memorial import pipeline

    site.edit(
        "people/person-two.md",
        "    sources: [paper-b]\nsources",
        "    sources: [paper-b]\n  - date: 2022-01-01\n    what: A fact on the first.\n    sources: [paper-b]\n    fate: tortured\nsources",
    )
    out = site.tmp / "output"
    assert pipeline.build(site.content, out).ok
    by_date = sections(read(out, "en/people/by-date.html"))
    assert list(by_date) == ["1 January 2022", "6 January 2022"]
    assert "Example Person TwoDetained, Tortured 1 January 2022" in by_date["1 January 2022"]  # name, then its meta
    assert "Example Person OneAlmaty · Killed" in sections(read(out, "en/people/index.html"))["E"]  # no fact marked: no date
    site.edit("people/person-two.md", "    fate: tortured", "    fate: killed")
    code, _, err = run("check", "--content", str(site.content))
    assert code == 1 and "person-two.md:" in err and "this fact's fate 'killed' is not among the person's fates" in err


def test_city_page_lists_its_people_and_events_by_date(built_fixture):
    t = text(read(built_fixture, "cities/almaty.html"))
    assert "Example Person One" in t and "Fixture event on the sixth." in t
    taraz = text(read(built_fixture, "cities/taraz.html"))
    assert "A city with a body." in taraz and "Fixture verdict" in taraz
    assert "Drafted fixture line" not in taraz


def test_day_and_timeline_pages(built_fixture):
    days = sorted(p.name for p in (built_fixture / "days").iterdir())
    assert days[0] == "2022-01-02.html" and days[-1] == "2022-01-21.html" and len(days) == 20
    fifth = text(read(built_fixture, "days/2022-01-05.html"))
    assert "Fixture summary of the fifth." in fifth and "Fixture state of emergency" in fifth and "(until 19 January 2022)" in fifth
    sixth = text(read(built_fixture, "days/2022-01-06.html"))
    assert "Example Person One: Fixture event on the sixth. (Almaty)" in sixth
    # the day is said once, above its lines (general events, then people, each under a heading)
    sixth_html = read(built_fixture, "days/2022-01-06.html")
    assert sixth_html.count("<time") == 1 and '<h2 id="people">People</h2>' in sixth_html
    tl = read(built_fixture, "timeline.html")
    row = re.search(r'<a href="days/2022-01-06.html">6 January</a></th><td>(\d+)</td><td>([^<]*)</td>', tl)
    assert row and row.groups() == ("1", "")
    row = re.search(r'<a href="days/2022-01-05.html">5 January</a></th><td>(\d+)</td><td>([^<]*)</td>', tl)
    assert row and row.groups() == ("0", "Fixture state of emergency")
    t = text(tl)
    # outside the range: the month-only detention, then the aftermath: general events by title, people's
    # facts counted by month (by name they made a page of megabytes at 10,000 people; they are on their pages)
    assert "Within these weeks, day not known Month People with a fact recorded January 2022 1" in t
    assert "Fixture detention sometime in January." not in t
    assert t.index("After 21 January 2022") < t.index("Fixture verdict") < t.index("December 2022 1")
    assert "Fixture aftermath in December." not in t and "Example Person" not in t


def test_sources_page_lists_what_cites_each_source(built_fixture):
    index = text(read(built_fixture, "sources/index.html"))
    assert "Example Rights Group, “Fixture report: first”, February 2022." in index
    page = text(read(built_fixture, "sources/paper-b.html"))
    assert "Example Person One" in page and "Example Person Two" in page
    assert "Fixture verdict" in page and "238 people killed" in page
    assert "No stable web address is known" in page
    report = read(built_fixture, "sources/report-a.html")
    assert "https://example.org/report-a" in report and "6 January 2022" not in report


def test_content_pages_are_built_and_in_the_footer(built_fixture):
    assert "About the fixture." in read(built_fixture, "about.html")
    assert '<a href="../about.html">About</a>' in read(built_fixture, "people/person-two.html")


def test_pages_are_byte_identical_across_builds(built_fixture, tmp_path):
    from conftest import FIXTURE, main

    again = tmp_path / "again"
    assert main(["build", "--content", str(FIXTURE), "--out", str(again)]) == 0
    first = {p.relative_to(built_fixture.parent): p.read_bytes() for p in built_fixture.parent.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


def test_a_private_contact_for_families_is_at_the_foot_of_every_page(site):
    """Set in site.yaml (`contact`), it is at the foot of every page, in each language's words; unset, nothing."""
    from memorial import pipeline

    site.edit("site.yaml", "title:", "contact: 'editors@example.org (Signal: @memorial-editors)'\ntitle:")
    site.edit("site.yaml", "languages: [en]", "languages: [en, ru]")
    out = site.tmp / "output"
    assert pipeline.build(site.content, out).ok
    for rel in ("en/index.html", "en/people/person-one.html", "ru/timeline.html"):
        footer = read(out, rel).split('<footer class="site-footer">', 1)[1]
        assert "editors@example.org (Signal: @memorial-editors)" in footer, rel
    assert "withdrawn:" in read(out, "en/index.html") and "снять запись:" in read(out, "ru/index.html")

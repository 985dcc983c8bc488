"""Every language whole (issue 21, the content's side): the site's own text and a person's front matter in the
reader's language where the content gives it, a city in the reader's script where a cited gazetteer gives it,
and everything else in English marked as English (WCAG 3.1.2, language of parts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, errors_of
from langcheck import known_names, unmarked_english
from test_browser import Walk

from memorial import datapackage
from memorial.load import load_content
from memorial.validate import validate

# The open data's codes, quoted in the data page's sentences (see langcheck)
DATA_CODES = frozenset({"true", "false", *(v for r in datapackage.RESOURCES for c in r.columns for v in c.values)})


def english_outside_marks(site: Path, content: Path, langs=("ru", "kk"), **options) -> list[str]:
    records = validate(load_content(content), content).records
    names = known_names(records)
    found = []
    for lang in langs:
        for page in sorted((site / lang).rglob("*.html")):
            codes = DATA_CODES if page.name == "data.html" else frozenset()
            found += [f"{page.relative_to(site)}: {text}" for text in unmarked_english(page, names, codes=codes, **options)]
    return found


def test_every_russian_and_kazakh_page_marks_its_english(built_content):
    """No text in English on a ru or kk page of the shipped site outside an element marked lang="en"."""
    assert english_outside_marks(built_content.parent, ROOT / "content") == []  # (the charts' and the map's text too)


def test_the_checker_finds_an_unmarked_sentence_but_not_a_name(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        '<html lang="ru"><head><title>Almaty — English title</title></head><body>'
        "<p>Almaty</p><p>Жители Almaty</p><p><span lang=en>worked in a shop</span></p>"
        "<dd>worked in a shopping centre</dd><p>Shot dead in Almaty</p><p>Файл people.csv, UTF-8, sha256sum</p></body></html>",
        encoding="utf-8",
    )
    found = unmarked_english(page, ["Almaty"])
    assert [f.split(" (read")[0] for f in found] == ["'worked in a shopping centre'", "'Shot dead in Almaty'"]


SITE_TRANSLATIONS = """translations:
  ru:
    title: Тестовый мемориал
    description: Тестовый сайт; все имена в нём выдуманы.
timeline:"""

PERSON_RU = """---
occupation: водитель
events:
  - date: 2022-12
    what: Тестовое событие в декабре.
  - date: 2022-01-06
    what: Тестовое событие шестого числа.
justice:
  note: Тестовая заметка о правосудии.
conflicts:
  - about: возраст
    sides: [30 лет, 31 год]
---
Тестовая история.
"""

FIGURE_RU = """---
value: "238"
what: человек погибли
given_by: Тестовые официальные лица
---
"""

GAZETTEER = """publisher: Example Gazetteer Office
title: Fixture gazetteer of place names
date: 2022
language: en
kind: official-statement
"""


@pytest.fixture
def russian(site):
    """The fixture site in English and Russian: its site text, person-one's front matter, a figure's text and
    Almaty's name (from a cited gazetteer) in Russian."""
    site.edit("site.yaml", "languages: [en]", "languages: [en, ru]")
    site.edit("site.yaml", "timeline:", SITE_TRANSLATIONS)
    site.write("people/person-one.ru.md", PERSON_RU)
    site.write("figures/dead-238.ru.md", FIGURE_RU)
    site.write("sources/gazetteer.yaml", GAZETTEER)
    site.edit("cities/almaty.yaml", "region:", "name_forms:\n  - name: Алматы\n    language: ru\n    sources: [gazetteer]\nregion:")
    return site


def test_a_translated_person_reads_in_russian(russian, run, browser):
    code, _, err = run("build", "--content", "content", "--out", "out")
    assert code == 0, err
    out = russian.tmp / "out"
    page = (out / "ru/people/person-one.html").read_text(encoding="utf-8")
    for text in ("водитель", "Тестовое событие шестого числа.", "Тестовая заметка о правосудии.", "Возраст", "31 год", "Алматы"):
        assert text in page, text
    assert "driver" not in page and "Fixture note on justice" not in page
    en = (out / "en/people/person-one.html").read_text(encoding="utf-8")
    assert "driver" in en and "водитель" not in en and "Almaty" in en
    # the site's own text: translated where given, else English marked as English (the intro, with its notice)
    home = (out / "ru/index.html").read_text(encoding="utf-8")
    assert "<h1>Тестовый мемориал</h1>" in home and 'lang="en">\n<p>A fixture.' in home
    assert "Этот текст ещё не переведён" in home
    # a figure, from its own translation (on the home page and on its source's page), and only in its tree
    for page in (home, (out / "ru/sources/paper-b.html").read_text(encoding="utf-8")):
        assert "человек погибли" in page and "Тестовые официальные лица" in page
        assert "people killed" not in page and "Fixture officials" not in page
    assert "people killed" in (out / "en/index.html").read_text(encoding="utf-8")
    # the day and city pages show the translated fact; the city its Russian name, and the Latin one beside it
    day = (out / "ru/days/2022-01-06.html").read_text(encoding="utf-8")
    assert "Тестовое событие шестого числа." in day
    city = (out / "ru/cities/almaty.html").read_text(encoding="utf-8")
    assert "<h1>Алматы</h1>" in city and "Almaty" in city
    assert english_outside_marks(out, russian.content, langs=("ru",)) == []

    # what the reader meets in Chromium: the page's text, as the browser's DOM holds it
    w = Walk(browser, out / "ru")
    w.open("people/person-one.html")
    shown = w.page.content()
    dom = russian.tmp / "dom.html"
    dom.write_text(shown, encoding="utf-8")
    names = known_names(validate(load_content(russian.content), russian.content).records)
    assert unmarked_english(dom, names) == []
    assert w.page.locator("dl.facts dd").first.inner_text().startswith("30")  # (the age, then the occupation)
    assert w.page.locator("dl.facts dd", has_text="водитель").count() == 1
    assert w.page.evaluate("document.querySelector('section.story').closest('[lang]').lang") == "ru"
    # the search finds them by the occupation in Russian, and shows it so
    w.open("search.html#q=водитель")
    w.wait_until("document.querySelectorAll('#search-page-results li').length > 0")
    assert "водитель" in w.page.locator("#search-page-results li").first.inner_text()
    assert w.errors == [], w.errors
    w.context.close()


def test_an_untranslated_occupation_in_search_is_marked_english(russian, run, browser):
    russian.edit("people/person-one.ru.md", "occupation: водитель\n", "")
    code, _, err = run("build", "--content", "content", "--out", "out")
    assert code == 0, err
    w = Walk(browser, russian.tmp / "out" / "ru")
    w.open("search.html#q=driver")
    w.wait_until("document.querySelectorAll('#search-page-results li').length > 0")
    assert w.page.evaluate("document.querySelector('#search-page-results li .meta span[lang=en]').textContent") == "driver"
    w.context.close()


def test_translations_that_name_what_the_entry_has_not_are_errors(russian, run):
    russian.edit("people/person-one.ru.md", "  - date: 2022-12\n", "  - date: 2022-01-07\n")
    russian.edit("people/person-one.ru.md", "    sides: [30 лет, 31 год]\n", "    sides: [30 лет, 31 год]\n  - about: город\n")
    russian.write("people/person-two.ru.md", "---\noccupation: учитель\njustice:\n  note: Заметка.\n---\n")
    russian.write("cities/taraz.ru.md", "---\noccupation: город\n---\nТекст.\n")
    russian.edit("site.yaml", "  ru:\n", "  kk:\n    title: Сынақ\n  ru:\n")
    # a figure's translation: another number, a note the figure has not, a person's field, a body
    russian.write("figures/dead-238.ru.md", FIGURE_RU.replace('"238"', '"239"\noccupation: чиновники\nnote: Заметка.') + "Текст.\n")
    russian.write("cities/almaty.ru.md", "---\ngiven_by: город\n---\n")
    code, _, err = run("check", "--content", "content")
    assert code == 1
    errors = errors_of(err)
    assert errors == [
        "content/cities/almaty.ru.md:2:1: error: 'given_by' is translated in a figure's file only; a cities translation has its body",
        "content/cities/taraz.ru.md:2:1: error: 'occupation' is translated in a person's file only; a cities translation has its body",
        "content/figures/dead-238.ru.md:2:8: error: the value gives 239 where the figure gives 238; "
        "a translation gives the same numbers, in this language's words",
        "content/figures/dead-238.ru.md:3:1: error: 'occupation' is translated in a person's file only; "
        "a figures translation has value, what, given_by and note (a figure has no body)",
        "content/figures/dead-238.ru.md:4:1: error: the figure has no note to translate; remove it here, or add it there",
        "content/figures/dead-238.ru.md:8:1: error: a figure has no text below its fields, so its translation has none: "
        "translate value, what, given_by and note in the front matter",
        "content/people/person-one.ru.md:4:11: error: the entry has no fact dated 2022-01-07; each translated fact names "
        "the fact it translates by its date (the entry's facts are dated 2022-01-06, 2022-12)",
        "content/people/person-one.ru.md:13:5: error: the entry has 1 conflict; conflicts are translated in the entry's order, one for each",
        "content/people/person-two.ru.md:2:1: error: the entry has no occupation to translate; remove it here, or add it there",
        "content/people/person-two.ru.md:3:1: error: the entry has no justice note to translate; remove it here, or add it there",
        "content/site.yaml:6:3: error: translations: 'kk' is not one of the site's other languages (ru); "
        "add it to languages, or give the text of ru instead",
    ], errors


def test_a_translation_checked_alone_is_checked_as_one(russian, run):
    """`check <file>` of a translation reads it as a translation, with the record it translates (not as a
    record of its folder's kind, whose required fields it lacks)."""
    russian.write("figures/dead-238.ru.md", FIGURE_RU.replace('"238"', '"239"'))
    code, _, err = run("check", "--content", "content", "content/figures/dead-238.ru.md", "content/people/person-one.ru.md")
    assert code == 1
    assert errors_of(err) == [
        "content/figures/dead-238.ru.md:2:8: error: the value gives 239 where the figure gives 238; "
        "a translation gives the same numbers, in this language's words",
    ]


def test_the_shipped_cities_read_in_the_readers_script(built_content, browser):
    """A city's page, in Chromium, is headed by its form in the page's language where a cited gazetteer gives
    one (GeoNames, CLDR), names the gazetteers it is from, and stays in Latin letters where none does."""
    site = built_content.parent
    for lang, city, heading in (("ru", "uralsk", "Уральск"), ("kk", "uralsk", "Орал"), ("ru", "semey", "Семей"), ("kk", "semey", "Semey")):
        w = Walk(browser, site / lang)
        w.open(f"cities/{city}.html")
        assert w.page.locator("main h1").inner_text() == heading, (lang, city)
        assert w.page.locator("main a[href$='sources/geonames-2023-01-04.html']").count() == 1
        assert w.errors == [], w.errors
        w.context.close()
    # and a person's page links their city by that form
    person = (site / "ru/people/yernazar-kyrykbayev.html").read_text(encoding="utf-8")
    assert 'cities/taldykorgan.html">Талдыкорган</a>' in person


def test_the_cities_cldr_forms_are_cldrs():
    """Every city name form that cites CLDR is what the CLDR data the site ships (Babel's) gives for one of
    Kazakhstan's time zones' cities in that language: no form is written from memory."""
    from babel import Locale
    from babel.core import get_global

    assert get_global("cldr")["version"] == "47"  # (the version the source record names)
    zones = ("Asia/Almaty", "Asia/Aqtobe", "Asia/Aqtau", "Asia/Atyrau", "Asia/Oral", "Asia/Qyzylorda", "Asia/Qostanay")
    records = validate(load_content(ROOT / "content"), ROOT / "content").records
    cited = [(f.name, f.language) for rec in records["cities"].values() for f in rec.data.name_forms if "unicode-cldr-47" in f.sources]
    assert len(cited) == 10
    for name, lang in cited:
        assert name in {Locale(lang).time_zones[z]["city"] for z in zones}, (name, lang)

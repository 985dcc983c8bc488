"""The interface in English, Russian and Kazakh: one tree per language, the same pages, every string translated."""

from __future__ import annotations

import re
import subprocess

import pytest
from babel.messages.pofile import read_po
from conftest import ROOT
from playwright.sync_api import sync_playwright
from test_browser import CHROMIUM, FLAGS, Walk

LANGS = ("en", "ru", "kk")


def tree(site, lang):
    return sorted(p.relative_to(site / lang).as_posix() for p in (site / lang).rglob("*") if p.is_file())


def test_every_language_tree_has_every_page(built_content):
    site = built_content.parent
    pages = {lang: tree(site, lang) for lang in LANGS}
    assert pages["en"] == pages["ru"] == pages["kk"]
    assert "people/yernazar-kyrykbayev.html" in pages["en"] and "search/index.js" in pages["en"]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_interface_string_is_translated(lang, tmp_path):
    """Fails when a string in the templates or code has no translation (run tools/update_translations.py, then translate)."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        ["pybabel", "extract", "-F", "babel.cfg", "-k", "N_", "-k", "NP_:1c,2", "--no-location", "-o", str(pot), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wanted = {(m.context, m.id) for m in read_po(pot.open("rb")) if m.id}
    catalog = read_po((ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb"), locale=lang)
    have = {(m.context, m.id): m for m in catalog if m.id}
    missing = sorted(str(i) for i in wanted if i not in have)
    empty = sorted(
        str(i)
        for i in wanted
        if i in have and (have[i].fuzzy or not all(have[i].string if isinstance(have[i].string, tuple) else [have[i].string]))
    )
    assert missing == [] and empty == []


def test_pages_speak_their_language(built_content):
    site = built_content.parent
    ru = (site / "ru/people/yernazar-kyrykbayev.html").read_text(encoding="utf-8")
    assert '<html lang="ru"' in ru and "Возраст" in ru
    assert "Этот текст ещё не переведён и показан на английском." in ru  # the story is in English
    assert "5 января 2022\u202fг." in ru  # CLDR's long format
    kk = (site / "kk/days/2022-01-05.html").read_text(encoding="utf-8")
    assert '<html lang="kk"' in kk and "2022\u202fж. 5 қаңтар" in kk  # Kazakh's own order
    en = (site / "en/people/yernazar-kyrykbayev.html").read_text(encoding="utf-8")
    assert "has not been translated" not in en
    # the switcher leads to the same page in the other languages
    for lang in ("en", "kk"):
        assert f'href="../../{lang}/people/yernazar-kyrykbayev.html" lang="{lang}"' in ru


def test_root_page_offers_every_language_and_follows_the_browser(built_content):
    site = built_content.parent
    root = (site / "index.html").read_text(encoding="utf-8")
    for lang, name in (("en", "English"), ("ru", "Русский"), ("kk", "Қазақша")):
        assert f'<a href="{lang}/index.html" hreflang="{lang}">{name}</a>' in root
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        w = Walk(browser, site, locale="kk-KZ", offline=True)
        w.open("index.html")
        w.page.wait_for_url("**/kk/index.html")
        assert w.page.locator("html").get_attribute("lang") == "kk"
        w.open("index.html#choose")  # asked to choose: stays
        assert w.page.url.endswith("index.html#choose")
        assert w.errors == [] and w.blocked == []
        browser.close()


def test_search_speaks_the_page_language(built_content):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        w = Walk(browser, built_content.parent / "ru", offline=True)
        w.open("index.html")
        w.page.locator("#site-search").fill("Жагипаров")
        w.wait_until("document.querySelector('.search-box .search-status').textContent !== ''")
        assert w.page.locator(".search-box .search-status").inner_text().startswith("найдено:")
        assert "Yerlan Zhagiparov" in w.page.locator(".search-box .search-results a").all_inner_texts()
        assert w.errors == [] and w.blocked == []
        browser.close()


def test_content_translations_replace_the_english_text(site, run):
    site.edit("site.yaml", "languages: [en]", "languages: [en, ru]")
    site.write("people/person-one.ru.md", "---\n---\nРассказ о нём на русском языке.\n")
    site.write("events/verdict.ru.md", "---\ntitle: Приговор (пример)\n---\nТекст события.\n")
    assert run("build")[0] == 0
    out = site.tmp / "output"
    ru = (out / "ru/people/person-one.html").read_text(encoding="utf-8")
    assert "Рассказ о нём на русском языке." in ru and "ещё не переведён" not in ru
    assert "Fixture story" not in ru
    assert "Fixture story" in (out / "en/people/person-one.html").read_text(encoding="utf-8")
    event = (out / "ru/events/verdict.html").read_text(encoding="utf-8")
    assert "<h1>Приговор (пример)</h1>" in event and "Текст события." in event
    other = (out / "ru/people/person-two.html").read_text(encoding="utf-8")
    assert "Этот текст ещё не переведён и показан на английском." in other and 'lang="en"' in other


def test_a_translation_must_belong_to_a_record_and_a_language(site, run):
    site.edit("site.yaml", "languages: [en]", "languages: [en, ru]")
    site.write("people/person-nine.ru.md", "---\n---\nТекст.\n")
    site.write("people/person-one.kk.md", "---\n---\nМәтін.\n")
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert (
        "content/people/person-nine.ru.md:1:1: error: this translates people/person-nine, which does not exist (did you mean 'person-one'?)"
        in err
    )
    assert (
        "content/people/person-one.kk.md:1:1: error: 'kk' is not one of the site's other languages (ru); name the file <id>.<language>.md"
        in err
    )


def test_numbers_are_written_the_way_each_language_writes_them():
    from conftest import FIXTURE

    from memorial.load import load_content
    from memorial.model import build_model
    from memorial.pipeline import TEMPLATES
    from memorial.render import Language
    from memorial.validate import validate

    model = build_model(validate(load_content(FIXTURE), FIXTURE), {})
    said = {lang: Language(model, TEMPLATES, lang).ngettext("%(num)d person", "%(num)d people", 10000) for lang in ("en", "ru", "kk")}
    assert said == {"en": "10,000 people", "ru": "10\u00a0000 человек", "kk": "10\u00a0000 адам"}


def test_a_new_page_translation_reaches_every_footer_on_rebuild(site, run):
    site.edit("site.yaml", "languages: [en]", "languages: [en, ru]")
    assert run("build")[0] == 0
    site.write("pages/about.ru.md", "---\ntitle: О мемориале\n---\nТекст.\n")
    assert run("build")[0] == 0
    person = (site.tmp / "output/ru/people/person-one.html").read_text(encoding="utf-8")
    assert '<a href="../about.html">О мемориале</a>' in person


def test_dates_and_ranges_in_each_languages_own_order():
    """CLDR's long format and interval formats, full month names; a Kazakh month inside a phrase in lower case."""
    import datetime as dt

    from memorial import dates, i18n
    from memorial.schema import PartialDate

    day, first, last, other = dt.date(2022, 1, 5), dt.date(2022, 1, 2), dt.date(2022, 1, 21), dt.date(2022, 2, 3)
    said = {
        lang: (
            dates.day(day, locale),
            dates.span(first, last, locale),
            dates.span(day, other, locale),
            dates.partial(PartialDate(2022, 2), locale),
        )
        for lang in ("en", "ru", "kk")
        for locale in [i18n.format_locale(lang)]
    }
    assert said["en"] == ("5 January 2022", "2–21 January 2022", "5 January\u2009–\u20093 February 2022", "February 2022")
    assert said["ru"] == ("5 января 2022\u202fг.", "2–21 января 2022\u202fг.", "5 января – 3 февраля 2022\u202fг.", "февраль 2022\u202fг.")
    assert said["kk"] == ("2022\u202fж. 5 қаңтар", "2022\u202fж. 2–21 қаңтар", "2022\u202fж. 5 қаңтар – 3 ақпан", "2022\u202fж. ақпан")
    assert dates.span(dt.date(2021, 12, 31), first, "ru") == "31 декабря 2021\u202fг. – 2 января 2022\u202fг."
    assert dates.capitalised(said["ru"][3]) == "Февраль 2022\u202fг."


def test_shipped_pages_say_dates_charts_and_fates_in_their_language(built_content):
    site = built_content.parent
    kk_home = (site / "kk/index.html").read_text(encoding="utf-8")
    assert "Хронология, 2022\u202fж. 2–21 қаңтар, күндер бойынша" in kk_home
    assert "<title>Алматы: 23 адам</title>" in kk_home  # the map's link titles, the city by its Kazakh form (CLDR)
    assert "Карта контуры: Natural Earth" in kk_home  # and its credit
    ru_city = (site / "ru/cities/almaty.html").read_text(encoding="utf-8")
    assert re.search(r"<title>Задержание: \d+ человека?</title>", ru_city), "the fate chart's nouns and counts"
    assert "people</title>" not in ru_city and "<title>Задержан(а)" not in ru_city
    event = (site / "ru/events/protests-spread-across-kazakhstan.html").read_text(encoding="utf-8")
    assert "3–6 января 2022\u202fг." in event  # a range in CLDR's interval format
    # a person's own fates agree with the sex their entry records, and are neutral where it records none
    man = (site / "ru/people/yernazar-kyrykbayev.html").read_text(encoding="utf-8")
    assert "<dd>Убит<" in man
    woman = (site / "ru/people/aliya-isenova.html").read_text(encoding="utf-8")
    assert "Преследовалась как правозащитница, Ранена," in woman and "Ранен(а)" not in woman
    neutral = (site / "ru/people/nurbolat-alpamys.html").read_text(encoding="utf-8")
    assert "<dd>Убит(а)<" in neutral
    by_fate = (site / "ru/people/by-fate.html").read_text(encoding="utf-8")
    assert ">Гибель" in by_fate and ">Уголовное преследование" in by_fate and "Преследуется по суду" not in by_fate


def glossary() -> list[tuple[list[str], dict[str, list[str]]]]:
    """translations/GLOSSARY.md's rows: (the English words, {language: the stems any one of which will do})."""
    rows = []
    for line in (ROOT / "translations" / "GLOSSARY.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| `"):
            continue  # the header, its rule and the text around the table
        rows.append(
            (re.findall(r"`([^`]+)`", cells[0]), {"ru": re.findall(r"`([^`]+)`", cells[1]), "kk": re.findall(r"`([^`]+)`", cells[2])})
        )
    return rows


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_catalogs_use_the_glossary(lang):
    """Wherever a msgid says a glossary term, its translation uses the glossary's word for it."""
    rows = glossary()
    assert len(rows) > 20 and all(words and stems[lang] for words, stems in rows)
    catalog = read_po((ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb"), locale=lang)
    wrong = []
    for m in catalog:
        if not m.id:
            continue
        english = " ".join(m.id) if isinstance(m.id, tuple) else m.id
        said = " ".join(m.string if isinstance(m.string, tuple) else [m.string]).casefold()
        for words, stems in rows:
            # a whole word, and not a file's name (sources.csv)
            if any(re.search(rf"\b{re.escape(w)}\b(?![.\w])", english, re.IGNORECASE) for w in words):
                if not any(stem.casefold() in said for stem in stems[lang]):
                    wrong.append(f"{english!r}: {said!r} lacks {' or '.join(stems[lang])} ({words[0]})")
    assert wrong == []

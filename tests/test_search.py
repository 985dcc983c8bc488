"""Find a name in any script and spelling, as you type, from file:// with the network off."""

from __future__ import annotations

import pytest
from test_browser import Walk


def found(w: Walk, query: str) -> list[str]:
    box = w.page.locator("#site-search")
    box.fill("")
    box.fill(query)
    w.wait_until("document.querySelector('.search-box .search-status').textContent !== ''")
    return w.page.locator(".search-box .search-results a").all_inner_texts()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Жагипаров", "Yerlan Zhagiparov"),  # Cyrillic finds Latin
        ("Zhagip", "Yerlan Zhagiparov"),  # a prefix, as you type
        ("Zhagiparv", "Yerlan Zhagiparov"),  # one letter missing
        ("Kiysimbaev", "Akylzhan Kiysimbayev"),  # a spelling variant
        ("Kiysymbaev", "Akylzhan Kiysimbayev"),
        ("makhanbaev", "Kosai Makhanbayev"),
        ("Махамбаев", "Kosai Makhanbayev"),  # Cyrillic with a typo
        ("Қайрат", "Kairat Sultanbek"),  # Kazakh letters
        ("Кайрат", "Kairat Sultanbek"),
        ("Qairat", "Kairat Sultanbek"),
        ("Kairat", "Kairat Sultanbek"),
        ("Ernazar Krykbaev", "Yernazar Kyrykbayev"),  # an alias
        ("kyrykbayev taldykorgan", "Yernazar Kyrykbayev"),  # a name and a city
        ("shepherd", "Yernazar Kyrykbayev"),  # an occupation
    ],
)
def test_header_box_finds_people_in_any_script(browser, built_content, query, expected):
    w = Walk(browser, built_content, offline=True)
    w.open("timeline.html")
    assert expected in found(w, query)
    assert w.errors == [] and w.blocked == []
    w.context.close()


def test_a_result_leads_to_the_person(browser, built_content):
    w = Walk(browser, built_content, offline=True)
    w.open("cities/almaty.html")
    found(w, "Жагипаров")
    w.click(".search-box .search-results a")
    assert w.page.url.endswith("/people/yerlan-zhagiparov.html")
    assert w.errors == [] and w.blocked == []
    w.context.close()


def test_nothing_found_says_so(browser, built_content):
    w = Walk(browser, built_content, offline=True)
    w.open("index.html")
    assert found(w, "Qwxzzyq") == []
    assert "No one found" in w.page.locator(".search-box .search-status").inner_text()
    w.context.close()


def test_search_page_filters_are_kept_in_the_address(browser, built_content):
    w = Walk(browser, built_content, offline=True)
    w.open("search.html#city=almaty&fate=killed")
    w.wait_until("document.getElementById('search-page-status').textContent !== ''")
    names = w.page.locator("#search-page-results a").all_inner_texts()
    assert names and "Zhanar Burkitbayeva" in names
    assert w.page.locator("#search-city").input_value() == "almaty"
    # a change of filter is written back to the address, ready to share
    w.page.select_option("#search-date", "2022-01-05")
    w.wait_until("location.hash.includes('date=2022-01-05')")
    assert "city=almaty" in w.page.url and "fate=killed" in w.page.url
    assert "Zhanar Burkitbayeva" in w.page.locator("#search-page-results a").all_inner_texts()
    # the header box's form sends its query to the search page
    w.open("index.html")
    w.page.locator("#site-search").fill("Kyrykbayev")
    with w.page.expect_navigation():
        w.page.locator(".search-box button").click()
    w.wait_until("document.getElementById('search-page-results').children.length > 0")
    assert "Yernazar Kyrykbayev" in w.page.locator("#search-page-results a").all_inner_texts()
    assert w.errors == [] and w.blocked == []
    w.context.close()


def test_an_address_changed_by_hand_or_by_back_is_searched_again(browser, built_content):
    w = Walk(browser, built_content, offline=True)
    w.open("search.html#q=Kyrykbayev")
    w.wait_until("document.getElementById('search-page-results').children.length > 0")
    assert w.page.locator("#search-page-results a").all_inner_texts()[0] == "Yernazar Kyrykbayev"
    w.page.evaluate("location.hash = 'q=Zhagiparov'")  # as if edited in the address bar
    w.wait_until("document.getElementById('search-q').value === 'Zhagiparov'")
    assert "Yerlan Zhagiparov" in w.page.locator("#search-page-results a").all_inner_texts()
    w.page.go_back()
    w.wait_until("document.getElementById('search-q').value === 'Kyrykbayev'")
    assert w.page.locator("#search-page-results a").all_inner_texts()[0] == "Yernazar Kyrykbayev"
    assert w.errors == [] and w.blocked == []
    w.context.close()


def test_the_index_of_everyone_is_once_per_site_and_each_tree_speaks_its_language(browser, built_content):
    site = built_content.parent
    trees = [tree for tree in ("en", "ru", "kk") if (site / tree / "search/index.js").is_file()]
    assert len(trees) == 3
    assert "yerlan-zhagiparov" in (site / "search/people.js").read_text(encoding="utf-8")
    for tree in trees:  # each tree's own part holds only the words of its language
        own = (site / tree / "search/index.js").read_text(encoding="utf-8")
        assert "zhagiparov" not in own.casefold() and len(own) < 2000
    w = Walk(browser, site / "ru", offline=True)
    w.open("timeline.html")
    assert "Yerlan Zhagiparov" in found(w, "Жагипаров")
    meta = w.page.locator(".search-box .search-results .meta").first.inner_text()
    assert "Задерж" in meta, meta  # what happened to him, in Russian
    assert w.errors == [] and w.blocked == []
    w.context.close()


def test_without_javascript_the_people_index_lists_everyone(browser, built_content):
    w = Walk(browser, built_content, java_script_enabled=False)
    w.open("people/index.html")
    people = len([p for p in (built_content / "people").glob("*.html") if not p.name.startswith(("index", "by-"))])
    assert w.page.locator("main .people-list li").count() == people
    w.open("search.html")
    assert w.page.locator(".no-js-note").is_visible()
    w.context.close()

"""The ZIM as Kiwix readers meet it: openZIM's metadata rules, and the archive served by Debian's kiwix-serve
(kiwix-tools 3.3) on 127.0.0.1, read in Chromium: the main page, the site's own search, a person page, the
toolbar's suggestions and Kiwix's full-text search, with no console errors."""

from __future__ import annotations

import datetime as dt
import io
import re
import socket
import subprocess
import time
import unicodedata
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, main
from libzim.reader import Archive
from PIL import Image
from test_browser import wait_until

from memorial import package


@pytest.fixture(scope="module")
def zim(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kiwix") / "memorial.zim"  # served as /memorial/
    assert main(["zim", "--content", str(ROOT / "content"), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def kiwix(zim):
    """kiwix-serve on a free loopback port; its address. Stopped by its PID."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        ["kiwix-serve", "--address=127.0.0.1", f"--port={port}", str(zim)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("kiwix-serve did not answer")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def graphemes(text: str) -> int:
    """Characters as a reader counts them (a letter and its combining marks are one), as openZIM counts."""
    return sum(not unicodedata.combining(c) for c in unicodedata.normalize("NFC", text))


def test_metadata_follows_openzims_rules(zim):
    """wiki.openzim.org/wiki/Metadata, checked as zimscraperlib's validators check it (zimscraperlib itself
    is not installed: it pulls in PyMuPDF, yt-dlp and cairosvg for these dozen rules)."""
    archive = Archive(str(zim))
    meta = {key: archive.get_metadata(key) for key in archive.metadata_keys}
    text = {key: value.decode("utf-8") for key, value in meta.items() if not key.startswith("Illustration_")}
    for key in ("Name", "Title", "Creator", "Publisher", "Date", "Description", "Language", "Illustration_48x48@1"):
        assert meta.get(key), f"{key} is mandatory"
    # <project>_<language or mul>_<selection>, lower case; three languages in one file are "mul"
    assert text["Name"] == "qandy-qantar-memorial_mul_all"
    assert text["Language"] == "eng,rus,kaz"  # ISO 639-3, the site's languages, the one its record is written in first
    assert all(re.fullmatch("[a-z]{3}", code) for code in text["Language"].split(","))
    assert graphemes(text["Title"]) <= 30
    assert graphemes(text["Description"]) <= 80
    assert graphemes(text["LongDescription"]) <= 4000
    description = (ROOT / "content" / "site.yaml").read_text(encoding="utf-8").split("description: ", 1)[1].split("\n", 1)[0]
    assert text["LongDescription"] == description  # whole
    # the short one is whole words of it, never cut mid-word ("…detained and prosecu")
    assert text["Description"].endswith("…") and description.startswith(text["Description"][:-1])
    assert description[len(text["Description"]) - 1] == " "
    assert dt.date.fromisoformat(text["Date"])
    tags = text["Tags"].split(";")
    assert len(tags) == len(set(tags))
    assert text["Scraper"].startswith("qandy-qantar-memorial build.py (libzim ")
    assert "Source" not in text  # the shipped site.yaml sets no base_url
    assert text["License"] == "CC-BY-4.0"  # site.yaml's licence
    assert "Counter" in text  # set by libzim, never by hand
    icon = Image.open(io.BytesIO(meta["Illustration_48x48@1"]))
    assert (icon.format, icon.size) == ("PNG", (48, 48))


def test_source_is_the_base_url_and_licence_only_when_given(site, run, tmp_path):
    with (site.content / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("base_url: https://memorial.example.org/\n")
    code, _, err = run("zim", "--out", str(tmp_path / "m.zim"))
    assert code == 0, err
    assert Archive(str(tmp_path / "m.zim")).get_metadata("Source") == b"https://memorial.example.org/"
    # write_zim writes the licence only when given (site.yaml's licence is optional)
    pages = tmp_path / "pages"
    (pages / "en").mkdir(parents=True)
    (pages / "index.html").write_text("<!DOCTYPE html><title>T</title><main><p>one</p></main>", encoding="utf-8")
    (pages / "en" / "index.html").write_text("<!DOCTYPE html><title>T</title><main><p>two</p></main>", encoding="utf-8")
    for licence in ("CC BY 4.0", None):
        out = tmp_path / f"{licence}.zim"
        package.write_zim(
            pages, out, title="T", description="D", languages=["en"], date=dt.date(2022, 1, 21), redirects={}, licence=licence
        )
        archive = Archive(str(out))
        assert ("License" in archive.metadata_keys) == (licence is not None)
        assert archive.get_metadata("Name") == b"t_en_all" and archive.get_metadata("Language") == b"eng"
    assert Archive(str(tmp_path / "CC BY 4.0.zim")).get_metadata("License") == b"CC BY 4.0"


def test_the_zims_pages_differ_from_the_sites_only_in_a_policy_that_lets_kiwix_work(zim, built_content):
    site = built_content.parent
    archive = Archive(str(zim))
    for path in ("index.html", "ru/people/yerlan-zhagiparov.html", "kk/search.html"):
        ours = (site / path).read_bytes()
        theirs = bytes(archive.get_entry_by_path(path).get_item().content)
        policy = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="[^"]*">')
        assert policy.sub(b"", ours) == policy.sub(b"", theirs)
        assert b"connect-src" not in ours and b"data:" not in policy.search(ours).group()
        assert b"connect-src 'self'" in policy.search(theirs).group() and b"default-src 'none'" in theirs


class Reader:
    """Chromium reading what kiwix-serve serves: console errors (with the address they are about), and any
    request for another host, refused."""

    def __init__(self, browser, base: str, **context_options):
        self.base = base
        self.context = browser.new_context(**context_options)
        self.errors: list[tuple[str, str]] = []
        self.elsewhere: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append((m.text, m.location["url"])) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append((str(e), "")))

    def _route(self, route):
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            route.abort()


def test_kiwix_serve_main_page_person_and_searches_work_without_console_errors(browser, kiwix):
    r = Reader(browser, kiwix, locale="ru-RU", viewport={"width": 360, "height": 740}, is_mobile=True)
    page = r.page
    # the ZIM's main page goes on to the reader's language; the site's own search box is on the first screen
    page.goto(f"{kiwix}/memorial/")
    page.wait_for_url("**/memorial/ru/index.html")
    box = page.locator("#site-search")
    assert box.is_visible() and box.bounding_box()["y"] + box.bounding_box()["height"] < 740
    assert "кириллица" in page.locator("label[for=site-search]").inner_text()
    # a Cyrillic spelling finds the Latin name, as the sources write it
    box.fill("Жагипаров")
    wait_until(page, "document.querySelector('.search-box .search-status').textContent !== ''")
    with page.expect_navigation():
        page.locator(".search-box .search-results a", has_text="Yerlan Zhagiparov").click()
    assert page.url == f"{kiwix}/memorial/ru/people/yerlan-zhagiparov.html"
    assert page.locator("main h1").inner_text() == "Yerlan Zhagiparov"
    # the main page, asked to choose, leads to each language's search
    page.goto(f"{kiwix}/memorial/index.html#choose")
    for code, words in (("en", "Find a name"), ("ru", "Найти имя"), ("kk", "Есімді табу")):
        assert page.locator(f"a[href='{code}/search.html']").inner_text() == words
    # Kiwix's toolbar suggests each language's page under its own title
    page.goto(f"{kiwix}/memorial/ru/people/yerlan-zhagiparov.html")
    page.locator("#kiwixsearchbox").press_sequentially("Zhagi")
    page.locator("ul.ui-autocomplete li").first.wait_for()
    suggested = page.locator("ul.ui-autocomplete li").all_inner_texts()
    for title in ("Yerlan Zhagiparov (English)", "Yerlan Zhagiparov (Русский)", "Yerlan Zhagiparov (Қазақша)"):
        assert suggested.count(title) == 1, suggested
    # Kiwix's full-text search: one result per language, told apart by their titles; the Russian one opens
    page.goto(f"{kiwix}/search?content=memorial&pattern=Zhagiparov")
    titles = [t.strip() for t in page.locator(".results li > a").all_inner_texts()]
    for title in ("Yerlan Zhagiparov (English)", "Yerlan Zhagiparov (Русский)", "Yerlan Zhagiparov (Қазақша)"):
        assert titles.count(title) == 1, titles
    with page.expect_navigation():
        page.locator(".results li > a", has_text="Yerlan Zhagiparov (Русский)").click()
    assert page.url == f"{kiwix}/memorial/ru/people/yerlan-zhagiparov.html"
    assert page.locator("html").get_attribute("lang") == "ru"
    # Chromium asks kiwix-serve's root for /favicon.ico when it shows kiwix's own search page: outside the ZIM
    theirs = [(text, url) for text, url in r.errors if url == f"{kiwix}/favicon.ico"]
    assert [e for e in r.errors if e not in theirs] == [] and r.elsewhere == []
    r.context.close()


def found(kiwix: str, pattern: str) -> list[str]:
    """The paths Kiwix's full-text search lists for ``pattern`` (all of them, on one page)."""
    query = urllib.parse.urlencode({"content": "memorial", "pattern": pattern, "pageLength": 500})
    with urllib.request.urlopen(f"{kiwix}/search?{query}", timeout=10) as response:
        html = response.read().decode("utf-8")
    return re.findall(r'<a href="/memorial/([^"]+)">', html)


def test_full_text_search_finds_each_language_in_its_own_tree(kiwix):
    """libzim indexes one archive under one language: stemming is English (the record's language); Russian
    and Kazakh words are found as typed. Each page is indexed by the words of its own language: a passage
    shown in another (an untranslated story) is left to the tree it belongs to."""
    for word, tree in (("пыткам", "ru/"), ("азаптауға", "kk/"), ("Хроника", "ru/")):
        paths = found(kiwix, word)
        assert paths and all(p.startswith(tree) for p in paths), (word, paths)
    assert found(kiwix, "scarred") == ["en/people/yerlan-zhagiparov.html"]  # a word of his story alone
    assert "en/people/yerlan-zhagiparov.html" in found(kiwix, "scars")  # English words by their stem
    # what Kiwix cannot do: a name in another script than the sources' (the site's own search can, above)
    assert found(kiwix, "Жагипаров") == []

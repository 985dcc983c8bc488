"""Archives people pass hand to hand: a reproducible zip, a Kiwix ZIM, and the hosted copy's offline cache."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT, main
from libzim.reader import Archive
from libzim.search import Query, Searcher
from PIL import Image
from test_browser import Walk, wait_until


@pytest.fixture(scope="module")
def shipped_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("zip") / "memorial.zip"
    assert main(["zip", "--content", str(ROOT / "content"), "--out", str(out)]) == 0
    return out


def test_two_zips_of_the_same_content_are_identical(tmp_path):
    a, b = tmp_path / "a" / "m.zip", tmp_path / "b" / "m.zip"
    assert main(["zip", "--content", str(FIXTURE), "--out", str(a)]) == 0
    assert main(["zip", "--content", str(FIXTURE), "--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        # sorted, with the list of every file's checksum last (it is known only once they are written)
        assert names[-1] == "SHA256SUMS" and names[:-1] == sorted(names[:-1])
        assert {i.date_time for i in infos} == {infos[0].date_time}
        assert {i.external_attr >> 16 for i in infos} == {0o644}


def test_zip_has_index_readme_and_a_correct_checksum(shipped_zip):
    with zipfile.ZipFile(shipped_zip) as zf:
        names = zf.namelist()
        readme = zf.read("README.txt").decode("utf-8")
    assert "index.html" in names and "en/people/yernazar-kyrykbayev.html" in names and "kk/people/yernazar-kyrykbayev.html" in names
    assert "open\n    index.html in any web browser" in readme
    assert "откройте файл index.html" in readme and "index.html\n    файлын кез келген браузерде ашыңыз" in readme
    sums = (shipped_zip.parent / "SHA256SUMS").read_text(encoding="utf-8")
    assert sums == f"{hashlib.sha256(shipped_zip.read_bytes()).hexdigest()}  {shipped_zip.name}\n"
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=shipped_zip.parent, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_default_zip_name_comes_from_the_content_not_the_clock(site, run):
    import datetime as dt
    import os

    stamp = dt.datetime(2023, 3, 14, 12, 0, tzinfo=dt.UTC).timestamp()
    for path in site.content.rglob("*"):
        os.utime(path, (stamp, stamp))
    code, out, _ = run("zip", "--content", "content")
    assert code == 0
    assert (site.tmp / "dist" / "memorial-2023-03-14.zip").is_file()
    assert "Content as of 2023-03-14." in zipfile.ZipFile(site.tmp / "dist" / "memorial-2023-03-14.zip").read("README.txt").decode()


def test_unzipped_site_walks_offline_from_file(browser, shipped_zip, tmp_path):
    with zipfile.ZipFile(shipped_zip) as zf:
        zf.extractall(tmp_path / "unzipped")
    w = Walk(browser, tmp_path / "unzipped" / "en", offline=True)
    w.open("index.html")
    w.click("ul.wall a[href$='people/yernazar-kyrykbayev.html']")
    w.click(".facts a[href*='cities/']")
    w.click("nav[aria-label=Main] a[href$='timeline.html']")
    w.click("table.days a[href*='days/2022-01-05']")
    assert w.page.url.endswith("/days/2022-01-05.html")
    assert w.errors == [] and w.blocked == []
    w.context.close()


def test_person_pages_stay_small(built_content):
    sizes = {p.name: p.stat().st_size for p in (built_content / "people").glob("*.html") if not p.name.startswith(("index", "by-"))}
    assert max(sizes.values()) < 20_000, max(sizes.items(), key=lambda kv: kv[1])


@pytest.fixture(scope="module")
def shipped_zim(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("zim") / "memorial.zim"
    assert main(["zim", "--content", str(ROOT / "content"), "--out", str(out)]) == 0
    return out


def test_zim_passes_zimcheck(shipped_zim):
    # -I (integrity) is left out: Debian's zimcheck 3.1.3 misreads every ZIM that libzim >= 9.3 writes;
    # libzim's own Archive.check() below covers integrity.
    proc = subprocess.run(
        ["zimcheck", "-0", "-C", "-M", "-F", "-P", "-R", "-U", "-L", "-D", str(shipped_zim)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Overall Test Status: Pass" in proc.stdout + proc.stderr


def test_zim_opens_its_main_page_and_finds_names(shipped_zim):
    archive = Archive(str(shipped_zim))
    assert archive.check()
    main_page = archive.main_entry.get_item()
    assert main_page.path == "index.html"
    assert "Qandy Qantar Memorial" in bytes(main_page.content).decode("utf-8")
    assert archive.get_metadata("Language").decode() == "eng,rus,kaz"
    assert archive.get_metadata("Title").decode() == "Qandy Qantar Memorial"
    icon = bytes(archive.get_illustration_item(48).content)
    assert icon.startswith(b"\x89PNG") and Image.open(io.BytesIO(icon)).size == (48, 48)
    assert archive.has_fulltext_index and archive.has_title_index
    results = list(Searcher(archive).search(Query().set_query("Kyrykbayev")).getResults(0, 10))
    assert "en/people/yernazar-kyrykbayev.html" in results
    assert archive.get_entry_by_path("assets/style.css").get_item().mimetype == "text/css"


def test_hosted_copy_keeps_working_offline_and_file_copy_never_registers(browser, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(tmp_path / "output")))
    port = server.server_address[1]
    with (content / "site.yaml").open("a", encoding="utf-8") as f:
        f.write(f"base_url: http://127.0.0.1:{port}/\n")
    assert main(["build", "--content", str(content), "--out", str(tmp_path / "output")]) == 0
    assert (tmp_path / "output" / "sw.js").is_file()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/en/index.html")
        page.evaluate("async () => { await navigator.serviceWorker.ready; }")
        page.goto(f"http://127.0.0.1:{port}/en/people/person-one.html")
        wait_until(page, "navigator.serviceWorker.controller !== null")
        context.set_offline(True)
        page.reload()
        assert page.locator("h1").inner_text() == "Example Person One"
        context.close()
    finally:
        server.shutdown()
    # the same build opened from disk: no registration, no errors
    w = Walk(browser, tmp_path / "output" / "en")
    w.open("index.html")
    assert w.page.evaluate("navigator.serviceWorker ? navigator.serviceWorker.controller : null") is None
    assert w.errors == [] and w.blocked == []
    w.context.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_two_zims_of_the_same_content_are_identical(shipped_zim, tmp_path):
    """Issue 24 case 11: libzim's random UUIDs (the file's, its indexes') are made from the content, so a
    copy can be checked against a published checksum; the file stays whole (its MD5) and searchable."""
    again = tmp_path / "again.zim"
    assert main(["zim", "--content", str(ROOT / "content"), "--out", str(again)]) == 0
    assert again.read_bytes() == shipped_zim.read_bytes()
    archive = Archive(str(again))
    assert archive.check()
    assert "en/people/almas-mukashev.html" in list(Searcher(archive).search(Query().set_query("Mukashev")).getResults(0, 10))

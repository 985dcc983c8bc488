"""The live preview as an editor uses it: `python build.py serve` in its own process, a page open in
Chromium, files saved in the content folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from conftest import ROOT, main
from test_cli import _free_port, _get

from memorial import cache


def _serve(site, port: int, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), *args],
        cwd=site.tmp,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        text=True,
    )


def _until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll ``expression`` in a page that may reload itself meanwhile."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate(expression):
                return
        except Error as e:  # the page was reloading
            if "context was destroyed" not in str(e) and "navigat" not in str(e):
                raise
        page.wait_for_timeout(20)
    raise AssertionError(f"still false after {timeout} s: {expression}")


def test_serve_reloads_the_open_page_when_a_file_is_saved(site, browser):
    """As an editor previews: the page open in Chromium shows a saved edit by itself, shows a refused
    save's error in the page, and the files written are those `build` writes (the reload is only in
    what the server sends)."""
    port = _free_port()
    proc = _serve(site, port)
    try:
        url = f"http://127.0.0.1:{port}/en/people/person-one.html"
        _get(url, lambda body: "Example Person One" in body)
        page = browser.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        _until(page, "document.documentElement.dataset.preview === 'listening'")  # it heard the server
        site.edit("people/person-one.md", "Fixture story", "Edited story")
        _until(page, "document.body.textContent.includes('Edited story')")  # no navigation by the test
        # a save with an error: the page says so, and keeps the last good version
        site.edit("people/person-one.md", "city: almaty", "city: almatty")
        _until(page, "document.getElementById('preview-problems') !== null")
        problems = page.locator("#preview-problems").inner_text()
        assert "person-one.md" in problems and "almatty" in problems and "not built" in problems
        site.edit("people/person-one.md", "city: almatty", "city: almaty")
        _until(page, "document.getElementById('preview-problems') === null")
        assert errors == []
        page.close()
    finally:
        proc.send_signal(signal.SIGINT)  # as Ctrl-C stops it
        out = proc.communicate(timeout=30)[0]
    # the build cache waited for a pause in the saves; stopped, `serve` wrote the last build's (cache.Writer)
    kept = cache.load(site.tmp / "output")
    assert kept.files == cache.content_files(site.content) and kept.person_pages, out
    # what is on disk is what a build writes: no reload script, the policy untouched
    on_disk = (site.tmp / "output" / "en/people/person-one.html").read_text(encoding="utf-8")
    assert "__preview__" not in on_disk and "connect-src" not in on_disk, out
    served = {p.relative_to(site.tmp / "output").as_posix(): p.read_bytes() for p in (site.tmp / "output").rglob("*") if p.is_file()}
    assert main(["build", "--content", str(site.content), "--out", str(site.tmp / "fresh")]) == 0
    fresh = {p.relative_to(site.tmp / "fresh").as_posix(): p.read_bytes() for p in (site.tmp / "fresh").rglob("*") if p.is_file()}
    assert served == fresh


def test_serve_says_plainly_when_its_port_is_taken(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve(site, port)
        out = proc.communicate(timeout=60)[0]
    assert proc.returncode == 2 and f"port {port} is taken" in out and "Traceback" not in out


def test_the_web_server_ends_with_serve_however_it_ends(site):
    """The web server is a process of its own (memorial/preview_server.py): killed outright, `serve` leaves
    no server behind holding its port, so the next `serve` can start on it."""
    port = _free_port()
    proc = _serve(site, port)
    try:
        _get(f"http://127.0.0.1:{port}/en/index.html", lambda body: "__preview__" in body)
    finally:
        proc.kill()  # (SIGKILL: nothing of `serve` runs after it)
        proc.communicate(timeout=30)
    deadline = time.monotonic() + 15
    while True:
        with socket.socket() as again:
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # (as `serve` binds: http.server's allow_reuse_address)
            try:
                again.bind(("127.0.0.1", port))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"port {port} still taken after `serve` was killed") from None
        time.sleep(0.1)


def test_serve_with_drafts_shows_them_marked_and_only_in_a_folder_of_its_own(site, browser):
    port = _free_port()
    proc = _serve(site, port, "--drafts")
    try:
        url = f"http://127.0.0.1:{port}/en/people/hidden-draft.html"
        _get(url, lambda body: "hidden-draft" in body or "Secretname" in body)
        page = browser.new_page()
        page.goto(url)
        assert "A draft: shown only in this preview, not published." in page.locator(".draft-note").inner_text()
        page.close()
    finally:
        proc.terminate()
        out = proc.communicate(timeout=10)[0]
    assert "output-with-drafts" in out
    assert (site.tmp / "output-with-drafts" / "en/people/hidden-draft.html").is_file()
    assert not (site.tmp / "output").exists()  # the published site's folder is not touched
    # and a build afterwards has no draft: the two never share a cache
    assert main(["build", "--content", str(site.content), "--out", str(site.tmp / "output")]) == 0
    assert not (site.tmp / "output" / "en/people/hidden-draft.html").exists()
    assert main(["build", "--content", str(site.content), "--out", str(site.tmp / "output-with-drafts")]) == 0
    assert not (site.tmp / "output-with-drafts" / "en/people/hidden-draft.html").exists()  # a plain build there: none

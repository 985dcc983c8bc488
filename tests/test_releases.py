"""A release as the workflow makes one: the content tagged, the archives signed, the site built with them; the
download page, in Chromium from file:// with the network cut, lists what a reader downloads (sizes, checksums,
the key); the changes page and the release notes say what each release added and corrected, and only count
what was withdrawn."""

from __future__ import annotations

import hashlib
import re
import subprocess

from conftest import FLAGS
from test_safety import PERSON


def git(site, *args: str) -> None:
    subprocess.run(["git", *args], cwd=site.tmp, check=True, capture_output=True)


def commit_and_tag(site, tag: str | None, when: str) -> None:
    env_date = f"{when}T12:00:00+00:00"
    subprocess.run(["git", "add", "-A"], cwd=site.tmp, check=True)
    subprocess.run(
        ["git", "-c", "user.name=e", "-c", "user.email=e@example.org", "commit", "-qm", "content", "--date", env_date],
        cwd=site.tmp,
        check=True,
        env={"GIT_COMMITTER_DATE": env_date, "PATH": "/usr/bin:/bin"},
    )
    if tag:
        subprocess.run(
            ["git", "-c", "user.name=e", "-c", "user.email=e@example.org", "tag", "-a", tag, "-m", tag],
            cwd=site.tmp,
            check=True,
            env={"GIT_COMMITTER_DATE": env_date, "PATH": "/usr/bin:/bin"},
        )


def test_the_download_page_lists_the_signed_archives(site, run, browser, tmp_path):
    key = tmp_path / "k.key"
    code, out, _ = run("keygen", "--key", str(key))
    public = out.split("public_key: ")[1].split()[0]
    with (site.content / "site.yaml").open("a", encoding="utf-8") as f:
        f.write(f"public_key: {public}\ndownloads_url: https://example.org/releases/\n")
    site.edit("site.yaml", "languages: [en]", "languages: [en, ru, kk]")
    for kind in ("zip", "zim"):
        assert run(kind, "--out", f"dist/memorial.{kind}", "--key", str(key))[0] == 0
    assert run("build", "--downloads", "dist")[0] == 0
    context = browser.new_context(offline=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((site.tmp / "output/en/index.html").as_uri())
    page.locator("footer").get_by_role("link", name="Download a copy").click()
    rows = page.locator("table.downloads tbody tr")
    assert rows.count() == 2
    for i, name in enumerate(("memorial.zim", "memorial.zip")):
        data = (site.tmp / "dist" / name).read_bytes()
        cells = rows.nth(i).locator("td")
        assert cells.nth(0).locator("a").get_attribute("href") == f"https://example.org/releases/{name}"
        assert cells.nth(2).inner_text() == hashlib.sha256(data).hexdigest()
        assert cells.nth(1).inner_text() == f"{len(data) / 1_000_000:.1f} MB"
    assert public in page.locator("main").inner_text()
    # in Russian too
    page.goto((site.tmp / "output/ru/download.html").as_uri())
    assert page.locator("h1").inner_text() == "Скачать копию"
    assert "Контрольная сумма" in page.locator("table").inner_text()
    assert errors == []
    context.close()
    assert FLAGS  # (the browser fixture runs Debian's Chromium with the project's flags)


def test_the_changes_page_and_the_release_notes(site, run, browser):
    git(site, "init", "-q")
    commit_and_tag(site, "release-2022-02-01", "2022-02-01")
    site.write("people/new-one.md", PERSON.replace("Example Person Three", "Example Newcomer"))
    site.edit("people/person-one.md", "Fixture event on the sixth.", "Fixture event on the sixth, corrected.")
    withdrawn = (site.content / "people/person-two.md").read_text(encoding="utf-8")
    assert "Example Person Two" in withdrawn
    (site.content / "people/person-two.md").write_text(
        withdrawn.replace("sources: [paper-b]\n---", "sources: [paper-b]\nstatus: withdrawn\n---"), encoding="utf-8"
    )
    commit_and_tag(site, "release-2022-03-01", "2022-03-01")
    code, notes, _ = run("changes")
    assert code == 0
    assert notes == (
        "## What changed since release-2022-02-01\n\n### Added: 1\n\n- Example Newcomer\n\n### Corrected: 1\n\n"
        "- Example Person One\n\n1 entry was withdrawn.\n"
    )
    site.write("people/new-two.md", PERSON.replace("Example Person Three", "Example Latecomer"))
    commit_and_tag(site, None, "2022-03-05")
    assert run("build")[0] == 0
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.goto((site.tmp / "output/en/changes.html").as_uri())
    sections = page.locator("main section")
    assert [sections.nth(i).locator("h2").inner_text() for i in range(sections.count())] == [
        "Not released yet",
        "Release of 1 March 2022",
        "Release of 1 February 2022",
    ]
    assert sections.nth(0).get_by_role("link").all_inner_texts() == ["Example Latecomer"]
    march = sections.nth(1).inner_text()
    assert "Added: 1" in march and "Example Newcomer" in march and "Corrected: 1" in march and "1 entry was withdrawn." in march
    assert "Person Two" not in page.content()  # the withdrawn person is counted, never named
    sections.nth(1).get_by_role("link", name="Example Newcomer").click()
    assert page.locator("h1").inner_text() == "Example Newcomer"
    context.close()
    assert re.search(r"Example Person Two", (site.tmp / "output/en/changes.html").read_text(encoding="utf-8")) is None

"""`check`'s own cache (cache.load_checks, cache.save_checks): in the user's cache folder, one per content
folder, signed; a check after an edit parses and checks again only what changed, and says exactly what a
check from scratch says."""

from __future__ import annotations

import shutil

import pytest
from conftest import errors_of

from memorial import cache, pipeline


@pytest.fixture
def user_cache(tmp_path, monkeypatch):
    """A user cache folder of this test's own (the signing key and the check caches in it)."""
    folder = tmp_path / "user-cache"
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.delenv("CI", raising=False)  # (on a CI machine, check keeps no cache: see the last test)
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "qandy-qantar-memorial"


def from_scratch(site, user_cache) -> tuple:
    """What a check says with no check cache at all (the one there is put back after)."""
    saved = user_cache.parent / "saved"
    shutil.copytree(user_cache / "checks", saved)
    shutil.rmtree(user_cache / "checks")
    try:
        return pipeline.check(site.content)[1]
    finally:
        shutil.rmtree(user_cache / "checks")
        shutil.move(saved, user_cache / "checks")


def test_a_second_check_reads_the_first_ones_cache_and_says_the_same(site, run, user_cache):
    first = run("check", "--content", str(site.content))
    whole, since = cache._check_paths(site.content)
    assert whole.is_file() and not since.exists()
    checked = cache.load_checks(site.content)
    assert checked.last.parsed and checked.last.documents and checked.stamp
    assert run("check", "--content", str(site.content)) == first


def test_an_edited_file_is_checked_again(site, run, user_cache):
    assert run("check", "--content", str(site.content))[0] == 0
    whole, since = cache._check_paths(site.content)
    written = whole.stat().st_mtime_ns
    site.edit("people/person-one.md", "city: almaty\nfates", "city: almatty\nfates")
    code, _, err = run("check", "--content", str(site.content))
    assert code == 1 and "city 'almatty' is not defined (did you mean 'almaty'?)" in err
    assert whole.stat().st_mtime_ns == written and since.is_file()  # only what changed was written, beside it
    assert tuple(d.format() for d in from_scratch(site, user_cache)) == tuple(errors_of(err))
    site.edit("people/person-one.md", "city: almatty\nfates", "city: almaty\nfates")  # put back: the whole file's parse again
    code, _, err = run("check", "--content", str(site.content))
    assert code == 0 and "almatty" not in err


def test_edits_between_checks_give_what_a_check_from_scratch_gives(site, run, user_cache):
    """Files added, removed, broken and mended between checks: every answer that of a check with no cache."""
    edits = [
        lambda: site.edit("people/person-two.md", "Second fixture story.", "Second fixture story, edited."),
        lambda: site.write("people/person-three.md", (site.content / "people/person-one.md").read_text(encoding="utf-8")),
        lambda: site.edit("people/person-three.md", "name: Example Person One", "name: Example Persn One"),
        lambda: site.edit("people/person-one.md", "date: 2022-01-06", "date: 2022-02-30"),
        lambda: (site.content / "people/person-three.md").unlink(),
        lambda: site.write("sources/unused-one.yaml", "publisher: Nobody\ntitle: Never cited\nlanguage: en\nkind: news\n"),
        lambda: site.edit("people/person-one.md", "date: 2022-02-30", "date: 2022-01-06"),
        # what unchanged files name changes under them: their problems are found again
        lambda: shutil.move(site.content / "sources/paper-b.yaml", site.tmp / "paper-b.yaml"),
        lambda: shutil.move(site.tmp / "paper-b.yaml", site.content / "sources/paper-b.yaml"),
        lambda: site.edit("people/person-two.md", "---\n", "---\nnot yaml: [\n"),
        # a translation unchanged, the entry it translates changed under it: its facts are matched again
        lambda: site.edit("site.yaml", "languages: [en]", "languages: [en, ru]"),
        lambda: site.write("people/person-one.ru.md", "---\nevents:\n  - date: 2022-01-06\n    what: Тестовое событие.\n---\nТекст.\n"),
        lambda: site.edit("people/person-one.md", "date: 2022-01-06", "date: 2022-01-07"),
    ]
    pipeline.check(site.content)
    for n, edit in enumerate(edits):
        edit()
        found = pipeline.check(site.content)[1]
        assert found == from_scratch(site, user_cache), f"after edit {n}"
        assert n != 7 or any("source 'paper-b' is not defined" in d.message for d in found)
    assert any(d.position.path.endswith("person-one.ru.md") and "no fact dated 2022-01-06" in d.message for d in found)


def test_a_cache_not_signed_here_is_ignored(site, run, user_cache):
    first = run("check", "--content", str(site.content))
    whole, _ = cache._check_paths(site.content)
    (user_cache / "cache.key").write_bytes(bytes(32))  # another machine's key: its caches are not read
    assert cache.load_checks(site.content) == cache.Checked()
    assert run("check", "--content", str(site.content)) == first
    assert cache.load_checks(site.content).last.parsed  # written again, signed with this key
    whole.write_bytes(whole.read_bytes()[:-100])  # cut short
    assert cache.load_checks(site.content) == cache.Checked()
    assert run("check", "--content", str(site.content)) == first


def test_only_the_last_few_content_folders_keep_a_check_cache(tmp_path, run, user_cache, monkeypatch):
    from conftest import FIXTURE

    monkeypatch.chdir(tmp_path)
    for i in range(cache.CHECKS_KEPT + 2):
        shutil.copytree(FIXTURE, tmp_path / f"content{i}")
        assert run("check", "--content", str(tmp_path / f"content{i}"))[0] == 0
    assert len(list((user_cache / "checks").glob("*.pickle"))) == cache.CHECKS_KEPT
    assert cache.load_checks(tmp_path / f"content{cache.CHECKS_KEPT + 1}").stamp
    assert cache.load_checks(tmp_path / "content0") == cache.Checked()


def test_a_check_on_a_ci_machine_keeps_no_cache(site, run, user_cache, monkeypatch):
    """CI checks once on a fresh machine: writing a cache no check will read would only make it slower."""
    monkeypatch.setenv("CI", "true")
    assert run("check", "--content", str(site.content))[0] == 0
    whole, since = cache._check_paths(site.content)
    assert not whole.exists() and not since.exists()
    monkeypatch.delenv("CI")
    assert run("check", "--content", str(site.content))[0] == 0
    assert whole.is_file()

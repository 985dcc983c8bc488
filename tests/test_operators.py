"""A clumsy operator cannot lose the site, the project or the content: builds at once, builds killed,
outputs pointed at the wrong place, files deleted or replaced by hand, a cache planted in the repository."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from test_safety import PERSON, _processes_in

from memorial import cache, lock

LEFTOVERS = (".output.cache.pickle.*", ".output.link-*", "*.part")


def build(cwd: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def site_of(out: Path) -> dict[str, str]:
    """What a reader gets from the output: every file, by its bytes' hash."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*")) if p.is_file()}


def reference(site, tmp_path: Path, name: str) -> dict[str, str]:
    """The site a single build from nothing makes of the same content, elsewhere."""
    folder = tmp_path / name
    folder.mkdir()
    proc = build(site.tmp, "build", "--out", str(folder / "output"))
    assert proc.wait() == 0, proc.stderr.read()
    return site_of(folder / "output")


def many_people(site, count: int) -> None:
    for i in range(count):
        site.write(f"people/many-{i}.md", PERSON.replace("Example Person Three", f"Example Many {i}"))


# ------------------------------------------------------------------ builds at once


def test_ten_pairs_of_builds_at_once_leave_a_whole_site(site, tmp_path):
    """Issue 24 case 1: the second build waits for the first (one lock per output), so each pair leaves
    the site a single build makes, whole, and no build fails."""
    many_people(site, 150)
    waited = 0
    for round_ in range(10):
        site.write("people/many-0.md", PERSON.replace("Example Person Three", f"Example Many Round {round_}"))
        pair = [build(site.tmp, "build"), build(site.tmp, "build")]
        for proc in pair:
            code = proc.wait(timeout=120)
            err = proc.stderr.read()
            assert code == 0, err
            waited += "waiting for process" in err
    assert waited >= 5, "the builds did not overlap: the test proves nothing"
    assert site_of(site.tmp / "output") == reference(site, tmp_path, "ref")
    assert not [p for pattern in LEFTOVERS for p in site.tmp.glob(pattern)]


def test_a_build_while_serve_runs_names_it_and_refuses(site):
    """A build cannot swap the trees under a running preview: it waits a while, then says who is writing."""
    serving = build(site.tmp, "serve", "--port", "0")
    try:
        deadline = time.monotonic() + 60
        while lock.holder(site.tmp / "output") == "" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert lock.holder(site.tmp / "output") == f"process {serving.pid}: serve"
        started = time.monotonic()
        proc = build(site.tmp, "build")
        assert proc.wait(timeout=60) == 2
        assert time.monotonic() - started >= 9  # (it waited before refusing)
        assert f"error: output/ is being written by process {serving.pid}: serve;" in proc.stderr.read()
    finally:
        serving.send_signal(signal.SIGINT)
        serving.wait(timeout=30)
    proc = build(site.tmp, "build")  # the preview stopped: its lock went with it
    assert proc.wait(timeout=60) == 0, proc.stderr.read()


# ------------------------------------------------------------------ builds killed


def test_ten_random_kills_leave_the_live_site_whole_and_nothing_behind(site, tmp_path):
    """Killed at ten random moments, a build never changes the live site, leaves no process running, and
    the next build cleans up whatever it left half-written."""
    assert build(site.tmp, "build").wait() == 0
    live = site_of(site.tmp / "output")
    many_people(site, 600)
    chance = random.Random(24)
    for _ in range(10):
        proc = build(site.tmp, "build")
        time.sleep(chance.uniform(0.3, 4.0))
        if proc.poll() is not None:  # finished first: what it made is the live site now
            assert proc.returncode == 0
            live = site_of(site.tmp / "output")
        else:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        deadline = time.monotonic() + 10
        while (left := _processes_in(site.tmp)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert left == []
        now = site_of(site.tmp / "output")
        if now != live:  # killed after its swap: the site it made is live, and it must be whole
            assert now == reference(site, tmp_path, f"ref-{chance.random()}")
            live = now
        site.write("people/many-1.md", PERSON.replace("Example Person Three", f"Example Many {chance.random()}"))
    assert build(site.tmp, "build").wait() == 0
    assert not [p for pattern in LEFTOVERS for p in site.tmp.glob(pattern)]
    assert site_of(site.tmp / "output") == reference(site, tmp_path, "ref")


def test_a_zim_killed_midway_keeps_the_last_one(site, run):
    """Issue 24 case 11: the ZIM is written beside and moved into place; a kill loses only the new one."""
    assert run("zim", "--out", "dist/m.zim")[0] == 0
    before = (site.tmp / "dist/m.zim").read_bytes()
    many_people(site, 300)
    proc = build(site.tmp, "zim", "--out", "dist/m.zim")
    deadline = time.monotonic() + 120
    while not list((site.tmp / "dist").glob("m.zim.part*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the ZIM was written before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (site.tmp / "dist/m.zim").read_bytes() == before


# ------------------------------------------------------------------ where the output goes


def test_output_refuses_what_the_build_did_not_make(site, run):
    """Issue 24 case 2: `--out` pointed at a repository, the code, someone's folder or a content file
    exits 2 and leaves it exactly as it was."""
    subprocess.run(["git", "init", "-q"], cwd=site.tmp, check=True)
    git_before = site_of(site.tmp / ".git")
    folder = site.tmp / "notes"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep me", encoding="utf-8")
    yaml_before = (site.content / "site.yaml").read_bytes()
    for args in (
        ("build", "--out", ".git"),
        ("build", "--out", ".git"),
        ("build", "--out", ".git/objects"),
        ("build", "--out", "notes"),
        ("build", "--out", "content/people"),
        ("build", "--out", "content/site.yaml"),
        ("zip", "--out", "content/site.yaml"),
        ("zip", "--out", "notes/mine.txt"),
        ("zim", "--out", "notes/mine.txt"),
        ("zip", "--out", "notes"),
    ):
        code, _, err = run(*args)
        assert code == 2, args
        assert err.startswith("error: refusing to"), err
    assert site_of(site.tmp / ".git") == git_before
    assert (folder / "mine.txt").read_text(encoding="utf-8") == "keep me" and [p.name for p in folder.iterdir()] == ["mine.txt"]
    assert (site.content / "site.yaml").read_bytes() == yaml_before
    # what the build made itself, or an empty folder, it uses
    (site.tmp / "empty").mkdir()
    assert run("build", "--out", "empty")[0] == 0
    assert run("build", "--out", "empty")[0] == 0
    assert run("zip", "--out", "dist/m.zip")[0] == 0
    assert run("zip", "--out", "dist/m.zip")[0] == 0
    # a SHA256SUMS that is not the archive's is not overwritten
    (site.tmp / "dist/SHA256SUMS").write_text("my own notes\n", encoding="utf-8")
    assert run("zip", "--out", "dist/m.zip")[0] == 2
    assert (site.tmp / "dist/SHA256SUMS").read_text(encoding="utf-8") == "my own notes\n"


def test_an_output_that_became_a_file_is_refused_not_destroyed(site, run):
    assert run("build")[0] == 0
    (site.tmp / "output").unlink()
    (site.tmp / "output").write_text("a file someone made", encoding="utf-8")
    code, _, err = run("build")
    assert code == 2 and "output as the output folder: it is a file" in err
    assert (site.tmp / "output").read_text(encoding="utf-8") == "a file someone made"


# ------------------------------------------------------------------ files changed by hand


def test_a_build_recovers_from_a_live_page_deleted_by_hand(site, run):
    """Issue 24 case 9: the next build that has anything to do puts the page back instead of failing."""
    assert run("build")[0] == 0
    page = site.tmp / "output/en/people/person-one.html"
    page.unlink()
    site.edit("people/person-two.md", "Second fixture story", "Second fixture story, corrected")
    code, _, err = run("build")
    assert code == 0, err
    assert page.is_file()
    site.edit("people/person-two.md", "corrected", "corrected again")
    assert run("build")[0] == 0
    assert page.is_file()


@pytest.mark.parametrize("name", [".output.state.json", ".output.a.manifest", ".output.cache.pickle"])
@pytest.mark.parametrize("text", ["[1, 2]", '{"quick": 3, "diagnostics": 4}', "\x00garbage"])
def test_a_state_manifest_or_cache_file_of_the_wrong_shape_is_built_past(site, run, tmp_path, name, text):
    assert run("build")[0] == 0
    (site.tmp / name).write_text(text, encoding="utf-8")
    site.edit("people/person-two.md", "Second fixture story", "Second fixture story, corrected")
    code, _, err = run("build")
    assert code == 0, err
    assert "story, corrected" in (site.tmp / "output/en/people/person-two.html").read_text(encoding="utf-8")


def test_a_cache_planted_in_the_repository_is_never_unpickled(site, run):
    """Issue 24 case 8: the cache beside the output is signed with a key outside the repository; a pickle
    put there by anyone else (a force-added file in a pull request) is discarded unread."""
    assert run("build")[0] == 0
    marker = site.tmp / "planted-code-ran"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    payload = pickle.dumps(Payload())
    for planted in (payload, cache.HEAD.pack(len(payload), bytes(32)) + payload):  # (as pickled, and in the signed layout)
        (site.tmp / ".output.cache.pickle").write_bytes(planted)
        site.edit("people/person-two.md", "story", "story, again")
        assert run("check")[0] == 0  # (check reads the cache too)
        assert run("build")[0] == 0
        assert not marker.exists()
    assert json.loads((site.tmp / ".output.state.json").read_text(encoding="utf-8"))["quick"]


def test_a_cache_made_by_other_code_is_not_used(site, run, monkeypatch):
    """The parsed files' and the checks' memos are keyed by the files' bytes alone: a cache another version
    of the code wrote (a rule added since, say) would keep that rule from ever seeing an unchanged file."""
    assert run("build")[0] == 0
    out = site.tmp / "output"
    assert cache.load(out).parsed  # this code's own cache is read
    monkeypatch.setattr(cache, "code_key", lambda: "another version of the code")
    assert cache.load(out) == cache.Build()
    assert cache.load(out, checks_only=True) == cache.Build()

"""Possible duplicates at the scale of the record: a summary in `check` and `build`, the whole review in
`python build.py duplicates`, and a pull request's own in `check --since`."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import pytest
from conftest import ROOT
from test_editors import person, suspects

from memorial import duplicates, pipeline

sys.path.insert(0, str(ROOT / "bench"))
import make_corpus  # noqa: E402


def test_namesakes_marked_as_checked_never_come_back(site, run):
    person(site, "nurlan-akhmetov", "Nurlan Akhmetov", extra="not_duplicate_of: [nurlan-akhmetov-2]\n")
    person(site, "nurlan-akhmetov-2", "Nurlan Akhmetov")
    person(site, "nurlan-akhmetov-3", "Nurlan Akhmetov", day="07")
    pair = frozenset(("nurlan-akhmetov.md", "nurlan-akhmetov-2.md"))
    code, _, err = run("check", "--content", "content")
    assert code == 0 and pair not in suspects(err)
    assert frozenset(("nurlan-akhmetov.md", "nurlan-akhmetov-3.md")) in suspects(err)  # the one not checked
    code, out, _ = run("duplicates", "--content", "content", "--out", "review.md")
    review = (site.tmp / "review.md").read_text(encoding="utf-8")
    assert code == 0 and "2 possible duplicates in 1 groups" in out
    assert "`nurlan-akhmetov` and `nurlan-akhmetov-2`" not in review
    assert "`nurlan-akhmetov` and `nurlan-akhmetov-3`" in review
    # nor in a build, nor after an edit to one of the two (the preview's way), nor a build from scratch
    out_dir = site.tmp / "output"
    first = pipeline.build(site.content, out_dir, serving=True)
    assert first.ok
    site.edit("people/nurlan-akhmetov-2.md", "Story.", "Story, longer.")
    site.edit("people/nurlan-akhmetov-2.md", "2022-01-06", "2022-01-05")
    again = pipeline.build(site.content, out_dir, last=first.build, serving=True)
    for result in (first, again, pipeline.build(site.content, site.tmp / "fresh")):
        warned = {(d.position.path.split("/")[-1], d.message.split("' in ")[1].split(" ")[0].split("/")[-1]) for d in result.diagnostics}
        assert ("nurlan-akhmetov.md", "nurlan-akhmetov-2.md") not in warned
        assert {(s.a, s.b) for s in result.build.validated.suspects} == {
            ("nurlan-akhmetov", "nurlan-akhmetov-3"),
            ("nurlan-akhmetov-2", "nurlan-akhmetov-3"),
        }


def git(cwd, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def test_check_since_warns_about_the_changed_entries_only(site, run):
    """As in a pull request: main holds a known pair and an entry with a warning; the branch adds a
    namesake of someone on main and edits another entry."""
    person(site, "kosai-makhanbayev", "Kosai Makhanbayev")
    person(site, "kosay-makhabayev", "Kosay Makhabayev")  # an old pair nobody has checked yet
    person(site, "berik-abishov", "Berik Abishov", city="taraz")
    person(site, "aidos-seitkulov", "Aidos Seitkulov", city="taraz")
    site.write(
        "people/no-story.md",
        (site.content / "people/berik-abishov.md").read_text().replace("Berik Abishov", "Example Storyless").replace("Story.\n", ""),
    )
    git(site.tmp, "init", "-q", "-b", "main")
    git(site.tmp, "add", "-A")
    git(site.tmp, "commit", "-qm", "main")
    git(site.tmp, "checkout", "-qb", "new-entries")
    person(site, "berik-abishev", "Berik Abishev", city="taraz")  # new: a double of berik-abishov, on main
    git(site.tmp, "add", "-A")
    git(site.tmp, "commit", "-qm", "a new entry")
    site.edit("people/aidos-seitkulov.md", "Story.", "Story, reworded.")  # changed, not committed yet
    git(site.tmp, "checkout", "-q", "main")
    git(site.tmp, "merge", "-q", "--no-ff", "-m", "main moves on", "new-entries")  # (then main moves past the branch)
    git(site.tmp, "reset", "-q", "--hard", "HEAD~1")
    git(site.tmp, "checkout", "-q", "new-entries")
    site.edit("people/aidos-seitkulov.md", "Story.", "Story, reworded.")

    code, _, err = run("check", "--content", "content")  # the full check sees both pairs and the storyless entry
    assert suspects(err) == {
        frozenset(("kosai-makhanbayev.md", "kosay-makhabayev.md")),
        frozenset(("berik-abishev.md", "berik-abishov.md")),
    }
    assert "no-story.md" in err

    code, _, err = run("check", "--content", "content", "--since", "main")
    assert code == 0, err
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    assert len(warnings) == 1 and warnings[0].startswith("content/people/berik-abishev.md:2:7: warning: 'Berik Abishev' may be")
    assert "2 file(s) added or changed since main" in err
    assert "possible duplicates" in err and "1 more are not shown" in err  # the old pair is counted, not listed
    assert "warning(s) about files not changed since main are not shown" in err  # the storyless entry's

    code, _, err = run("check", "--content", "content", "--since", "no-such-branch")
    assert code == 2 and "git could not compare the content with 'no-such-branch'" in err


def test_the_review_lists_every_group(site, run):
    content = site.tmp / "corpus"
    make_corpus.write(600, content)
    validated, _ = pipeline.check(content)
    groups = duplicates.grouped(list(validated.suspects))
    assert len(groups) > 20 and any(len(ids) > 2 for ids, _ in groups)
    code, out, _ = run("duplicates", "--content", str(content), "--out", "review.md")
    review = (site.tmp / "review.md").read_text(encoding="utf-8")
    assert code == 0 and f"{len(validated.suspects):,} possible duplicates in {len(groups):,} groups" in out
    assert len(re.findall(r"^## \d+\. ", review, re.M)) == len(groups)
    for s in validated.suspects:  # every pair, with the line that marks it checked
        assert f"`{s.a}` and `{s.b}`: {s.why}." in review
        assert f"`not_duplicate_of: [{s.b}]`" in review
    for ids, _ in groups:
        for pid in ids:
            assert f"people/{pid}.md` line " in review


@pytest.fixture(scope="module")
def namesakes(tmp_path_factory):
    content = tmp_path_factory.mktemp("namesakes") / "content"
    make_corpus.write(6000, content)
    return content


def test_the_summary_stays_short_with_thousands_of_namesakes(namesakes, tmp_path):
    names = Counter(path.stem.rsplit("-", 1)[0] if path.stem[-1].isdigit() else path.stem for path in (namesakes / "people").glob("*.md"))
    assert sum(n for n in names.values() if n > 1) > 2000  # people who share their name with someone
    for command in (["check"], ["build", "--out", str(tmp_path / "output")]):
        done = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), *command, "--content", str(namesakes)], capture_output=True, text=True, cwd=tmp_path
        )
        lines = (done.stdout + done.stderr).splitlines()
        assert done.returncode == 0, done.stderr[-2000:]
        assert len(lines) < 100, command
        assert sum("may be the same person" in line for line in lines) == duplicates.SHOWN
        assert any("possible duplicates" in line and "python build.py duplicates" in line for line in lines)

"""What changed in the record from one release to the next, read from the content's git history.

A release is a git tag named ``release-…`` (the release workflow makes one for each published archive).
For each, and for what is not released yet, the people added, corrected and withdrawn since the release
before. Only people published now are named: anyone else (withdrawn, made a draft again, deleted) is only
counted, so the page never names someone who asked to be removed, or whose entry was taken down.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

TAGS = "release-*"
STATUS = re.compile(r"^status:\s*['\"]?(\w+)", re.M)


@dataclass(frozen=True)
class Release:
    tag: str  # "" for what is not released yet
    date: dt.date | None  # the tag's date
    added: tuple[str, ...] = ()  # ids of people published now, first published in this release
    corrected: tuple[str, ...] = ()  # ids of people published now whose entry changed
    withdrawn: int = 0  # entries published before and not since (never named)
    not_shown: int = 0  # entries added or corrected then, not published now (never named)


def _git(top: str, *args: str, data: str | None = None) -> str:
    return subprocess.run(["git", "-C", top, *args], capture_output=True, text=True, check=True, input=data, encoding="utf-8").stdout


def releases(content_dir: Path, published: set[str]) -> tuple[Release, ...]:
    """Every release, newest first, with what is not released yet (when anything is) before them; () where
    the content is not in a git repository, or has no release yet."""
    try:
        top = _git(str(content_dir.resolve()), "rev-parse", "--show-toplevel").strip()
        people = Path(content_dir.resolve(), "people").relative_to(top).as_posix()
        tags = [
            line.split("\0")
            for line in _git(
                top, "for-each-ref", "--sort=creatordate", "--format=%(refname:short)%00%(creatordate:short)", f"refs/tags/{TAGS}"
            )
            .strip()
            .splitlines()
        ]
        if not tags:
            return ()
        out = []
        steps = [(None, tags[0][0]), *((a[0], b[0]) for a, b in zip(tags, tags[1:], strict=False)), (tags[-1][0], "HEAD")]
        dates = {tag: dt.date.fromisoformat(day) for tag, day in tags}
        for before, after in steps:
            release = _step(top, people, before, after, published)
            if after == "HEAD":
                if release.added or release.corrected or release.withdrawn or release.not_shown:
                    out.append(Release("", None, release.added, release.corrected, release.withdrawn, release.not_shown))
            else:
                out.append(Release(after, dates[after], release.added, release.corrected, release.withdrawn, release.not_shown))
        return tuple(reversed(out))
    except (OSError, subprocess.CalledProcessError, ValueError):
        return ()


def _step(top: str, people: str, before: str | None, after: str, published: set[str]) -> Release:
    """What changed in people's entries from ``before`` (None: nothing) to ``after``."""
    if before is None:
        changed = {path: "A" for path in _git(top, "ls-tree", "-r", "--name-only", after, "--", people).splitlines()}
    else:
        changed = {}
        for line in _git(top, "diff", "--name-status", "--no-renames", before, after, "--", people).splitlines():
            status, _, path = line.partition("\t")
            changed[path] = status[:1]
    ids = {Path(path).name.split(".")[0] for path in changed}
    was = _published_at(top, before, people, ids) if before else set()
    now = _published_at(top, after, people, ids)
    added, corrected, withdrawn, not_shown = [], [], 0, 0
    for pid in sorted(ids):
        if pid in was and pid not in now:
            withdrawn += 1
        elif pid in now:
            kind = corrected if pid in was else added
            if pid in published:
                kind.append(pid)
            else:
                not_shown += 1
    return Release(after, None, tuple(added), tuple(corrected), withdrawn, not_shown)


def _published_at(top: str, rev: str, people: str, ids: set[str]) -> set[str]:
    """Which of ``ids`` had a published entry at ``rev`` (read in one `git cat-file --batch`)."""
    if not ids:
        return set()
    ordered = sorted(ids)
    asked = "".join(f"{rev}:{people}/{pid}.md\n" for pid in ordered)
    raw = subprocess.run(["git", "-C", top, "cat-file", "--batch"], input=asked.encode(), capture_output=True, check=True).stdout
    out, at = set(), 0
    for pid in ordered:
        header_end = raw.index(b"\n", at)
        header = raw[at:header_end].split()
        if header[-1] == b"missing":
            at = header_end + 1
            continue
        size = int(header[2])
        text = raw[header_end + 1 : header_end + 1 + size].decode("utf-8", "replace")
        at = header_end + 1 + size + 1
        front = text.split("\n---", 1)[0]
        found = STATUS.search(front)
        if found is None or found.group(1) == "published":
            out.add(pid)
    return out

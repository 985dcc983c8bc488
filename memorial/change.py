"""What changed since the last build, and which people it affects.

Each stage of the build is given the change with its own last output, and redoes only what the change
reaches: ``since`` compares the content's files with the last build's; ``edits`` says, once the
content is checked, whether only some people's entries changed in ways that move no page (the usual
edit in `serve`), so that the model and the pages can be worked out from the last ones.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from .cache import Build
from .validate import Record, Validated
from .write import live_tree, manifest_signature


@dataclass(frozen=True)
class Change:
    files: frozenset[str]  # content files (relative to content/) added, removed or changed since the last build
    unchanged: frozenset[str]  # every other content file: size and time as the last build loaded them
    people: frozenset[str] | None  # when only published people's entries changed: their ids; else None


@dataclass(frozen=True)
class Edit:
    """A person whose entry changed: the record as the last build had it, and now."""

    before: Record
    after: Record


def since(last: Build, code: str, files: dict, out_dir: Path, looked_at: Collection[str] | None = None) -> Change:
    """The change from ``last`` to the content ``files`` (cache.content_files) and the code ``code``.
    ``looked_at``: the only files that may differ from the last build's (those `serve`'s watcher saw
    saved; the others are compared only when it is None)."""
    maybe = files.keys() | last.files.keys() if looked_at is None else looked_at
    changed = frozenset(rel for rel in maybe if files.get(rel) != last.files.get(rel))
    unchanged = frozenset(files.keys() - changed)
    return Change(changed, unchanged, _people_only(last, code, changed, files, out_dir))


def _people_only(last: Build, code: str, changed: frozenset[str], files: dict, out_dir: Path) -> frozenset[str] | None:
    """The ids of the people whose files are all that changed, when the last build is whole in memory and
    nothing else changed (a commit alone changes the entries' dates): no other file, no file added or removed, not the code, not the output (another
    build in between). A hosted copy's service worker lists every page's digest: it takes a whole build."""
    if not changed or last.model is None or last.validated is None or code != last.code or files.keys() != last.files.keys():
        return None
    if last.model.site.base_url:
        return None
    live = live_tree(out_dir)
    if live is None or live != last.tree or manifest_signature(out_dir, live) != last.manifests[live][0]:
        return None
    people = last.validated.records["people"]
    published = last.model.people_by_id
    ids = set()
    for rel in changed:
        kind, _, name = rel.partition("/")
        before = people.get(name.removesuffix(".md")) if kind == "people" and name.endswith(".md") else None
        if before is None or before.id not in published or os.path.basename(before.doc.path) != name:
            return None
        ids.add(before.id)
    return frozenset(ids)


def edits(change: Change, last: Build, validated: Validated) -> list[Edit] | None:
    """The people edited, when that is all that changed and no page appears, goes or moves for it: each
    stays published, shown the same way (full name or initials), with the same photo and address. None otherwise."""
    if change.people is None or last.validated is None:
        return None
    before, now = last.validated.records["people"], validated.records["people"]
    found = [Edit(before[pid], now[pid]) for pid in sorted(change.people) if pid in now]
    if len(found) != len(change.people) or any(
        e.after.status != "published"
        or e.after.data.display != e.before.data.display
        or e.after.data.photo != e.before.data.photo
        or e.after.data.address != e.before.data.address
        for e in found
    ):
        return None
    return found

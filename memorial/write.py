"""Stage 5 — write: put the rendered site on disk, all or nothing, touching only what changed.

The output folder is a symbolic link to one of two trees beside it
(`.output.a`, `.output.b`). A build brings the other tree up to date —
writing only the files whose bytes differ from what that tree holds, and
deleting files no longer in the site — then points the link at it in one
atomic rename. A failed or killed build never touches the tree the link points
to, so readers and `serve` always see a whole site; and a rebuild that changes
nothing writes nothing.

Each tree's manifest (path -> hash of its bytes) is kept beside it, so deciding
what to write needs no reading back of thousands of files. It is a line of text
per file, "path<TAB>digest" (as JSON, writing its 32,000 entries took 17 ms of
every rebuild in `serve`, four times as long).

Where a symbolic link cannot be made (Windows without Developer Mode or
administrator rights), the output is a real folder holding the live tree, and
`.output.live` beside it names which tree that is; the swap is then three
renames (the live folder back to its tree's name, the spare tree to the output's
name), not atomic: for an instant there is no output folder.
"""

from __future__ import annotations

import itertools
import operator
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .routes import Kept, Page, page_digest

TREES = ("a", "b")


def tree(out_dir: Path, name: str) -> Path:
    return out_dir.parent / f".{out_dir.name}.{name}"


def manifest_path(out_dir: Path, name: str) -> Path:
    return out_dir.parent / f".{out_dir.name}.{name}.manifest"


def live_marker(out_dir: Path) -> Path:
    """Where the name of the live tree is kept when the output is a folder, not a link (see above)."""
    return out_dir.parent / f".{out_dir.name}.live"


def live_tree(out_dir: Path) -> str | None:
    """Which tree the output shows, if any. None too when that tree is gone (deleted by hand): nothing of
    it can be kept."""
    if out_dir.is_symlink():
        target = os.readlink(out_dir)
        for name in TREES:
            if Path(target).name == tree(out_dir, name).name and tree(out_dir, name).is_dir():
                return name
    elif out_dir.is_dir():
        try:
            name = live_marker(out_dir).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return name if name in TREES else None
    return None


def live_folder(out_dir: Path, name: str) -> Path:
    """Where the live tree ``name`` is: its own folder beside the output link, or the output folder itself."""
    return tree(out_dir, name) if out_dir.is_symlink() or not out_dir.is_dir() else out_dir


def manifest_signature(out_dir: Path, name: str) -> tuple | None:
    """What tells whether a tree's manifest was written again since (by another build): its file's size,
    time and inode. Cheaper than reading 30,000 entries back."""
    try:
        st = manifest_path(out_dir, name).stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def read_manifest(out_dir: Path, name: str) -> dict[str, str]:
    try:
        text = manifest_path(out_dir, name).read_text(encoding="utf-8")
        return dict(line.split("\t") for line in text.splitlines())
    except (OSError, ValueError):  # (missing, or of another shape: the tree is written afresh)
        return {}


def manifest_text(manifest: dict[str, str]) -> str:
    """What read_manifest reads back as ``manifest``."""
    return "\n".join(map("\t".join, manifest.items()))


@dataclass
class Spare:
    """The tree a build brings up to date (the one the output link does not point to)."""

    out_dir: Path
    live: str | None  # the tree the link points to now, if any
    name: str
    folder: Path
    old: dict[str, str]  # what the spare tree holds: path -> digest (its manifest)
    made: set = field(default_factory=set)  # folders known to exist (per process)
    manifest: dict = field(default_factory=dict)  # what the tree holds once finish is done

    def put(self, page: Page) -> Kept:
        """Write ``page`` into the spare tree unless it holds these bytes already; the page's Kept entry.

        Rendering processes call this themselves, so pages go to disk as they are made."""
        digest = page_digest(page)
        if self.old.get(page.path) != digest:
            overwrite(self._target(page.path), page.data)
            return Kept(page.path, digest, written=True)
        return Kept(page.path, digest)

    def _target(self, rel: str) -> Path:
        """Where ``rel`` goes in this tree, its folder made if need be (asked of the file system once per
        folder and process: a mkdir of a folder that exists took 4 ms on tmpfs, 70 ms of a rebuild in `serve`)."""
        target = self.folder / rel
        parent = target.parent
        if parent not in self.made:
            if not parent.is_dir():
                parent.mkdir(parents=True, exist_ok=True)
            self.made.add(parent)
        return target

    def finish(self, pages: list[Page | Kept], files: list[tuple[Path, str]], unchanged: dict | None = None) -> dict:
        """Make the output show exactly ``pages`` plus ``files`` (source path, output path): this tree
        brought up to date, its manifest written, and the output link swapped to it. Returns counts.

        A Kept page marked ``written`` is in this tree already (see ``put``); another Kept page is taken
        from the live tree when this one does not have it already. ``unchanged`` (path -> digest) is more
        of those, in bulk: the live tree's pages that an edit in `serve` did not make again."""
        wanted: dict[str, Page | Kept | Path] = {p.path: p for p in pages}
        for source, rel in files:
            wanted[rel] = source
        new: dict[str, str] = dict(unchanged or {})
        written = 0
        old = self.old
        # Of `serve`'s 30,000 unchanged pages, only those this tree lacks or holds other bytes of are
        # copied: found with no Python call a page (a loop over them all took 12 ms of every rebuild in
        # `serve`, a difference of sets 8; the two trees' manifests share their strings, so most of these
        # comparisons are of a string with itself).
        lacking = itertools.compress(unchanged, map(operator.ne, unchanged.values(), map(old.get, unchanged))) if unchanged else ()
        for rel in lacking:
            if rel not in wanted:
                self.copy(rel)
                written += 1
        for rel, content in wanted.items():
            kind = type(content)
            if kind is Kept:  # on disk already, in one tree or the other
                digest = new[rel] = content.digest
                if content.written:
                    written += 1
                elif old.get(rel) != digest:
                    self.copy(rel)
                    written += 1
                continue
            if kind is not Page:
                content = Page(rel, content.read_bytes())
            new[rel] = page_digest(content)
            if old.get(rel) != new[rel]:
                self.put(content)
                written += 1
        removed = 0
        for rel in itertools.filterfalse(new.__contains__, old):  # (as above)
            (self.folder / rel).unlink(missing_ok=True)
            removed += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        if removed:
            _prune_empty_folders(self.folder)
        # (in the order pages came: it is not part of the site, and sorting 30,000 paths cost `serve` 10 ms)
        manifest_path(self.out_dir, self.name).write_text(manifest_text(new), encoding="utf-8")
        self.manifest = new
        swap(self.out_dir, self.live, self.name)
        return {"written": written, "removed": removed, "unchanged": len(new) - written}

    def copy(self, rel: str) -> None:
        """Copy a page the live tree holds into this tree as it is (its digest is known: no need to read it)."""
        try:
            data = (live_folder(self.out_dir, self.live) / rel).read_bytes()
        except FileNotFoundError:
            raise Missing(rel) from None
        overwrite(self._target(rel), data)


def overwrite(path: Path, data: bytes) -> None:
    """Write ``data`` as the file ``path``, over what it held, in place: cut to its new length after, not
    emptied first. (A file emptied and written again is written out to the disk when it is closed, by ext4,
    Linux's usual file system, lest a crash lose it: 0.15 ms a file, against 0.01 ms in place; a moved date
    writes 80 to 200 pages in `serve`. Only the spare tree is written so, which no one reads until the swap,
    and a build stopped midway leaves it untrusted: see prepare.)"""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    with open(fd, "wb") as f:
        f.write(data)
        f.truncate()


class Missing(Exception):
    """A file the live tree's manifest lists is gone (deleted by hand): its manifest cannot be trusted."""


def forget(out_dir: Path) -> None:
    """Trust neither tree's manifest: the next build writes every file afresh."""
    for name in TREES:
        manifest_path(out_dir, name).unlink(missing_ok=True)


def swap(out_dir: Path, live: str | None, spare: str) -> None:
    """Make the output show the tree ``spare``: a new link beside the old one, renamed over it (atomic on
    POSIX); where no link can be made, the folders renamed (see above)."""
    link = out_dir.parent / f".{out_dir.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    if not (out_dir.is_dir() and not out_dir.is_symlink()):
        try:
            os.symlink(tree(out_dir, spare).name, link, target_is_directory=True)
        except (OSError, NotImplementedError):
            pass  # (no right to make links: the folders are renamed instead)
        else:
            os.replace(link, out_dir)
            live_marker(out_dir).unlink(missing_ok=True)
            return
    if out_dir.is_symlink():
        out_dir.unlink()
    elif out_dir.is_dir():
        os.rename(out_dir, tree(out_dir, live or ("b" if spare == "a" else "a")))
    os.rename(tree(out_dir, spare), out_dir)
    live_marker(out_dir).write_text(spare, encoding="utf-8")


def foreign(out_dir: Path) -> str | None:
    """What makes ``out_dir`` something the build did not make (None when it may be used: missing, empty,
    or an output a build made: the link to one of its trees, or the folder its marker names)."""
    if out_dir.is_symlink():
        if Path(os.readlink(out_dir)).name in {tree(out_dir, name).name for name in TREES}:
            return None
        return "is a symbolic link the build did not make"
    if not out_dir.exists():
        return None
    if not out_dir.is_dir():
        return "is a file"
    if live_tree(out_dir) is not None or not any(out_dir.iterdir()):
        return None
    return "holds files the build did not make"


def remove_leftovers(out_dir: Path) -> None:
    """Links a swap killed midway left beside the output (see swap)."""
    for link in out_dir.parent.glob(f".{out_dir.name}.link-*"):
        link.unlink(missing_ok=True)


def prepare(out_dir: Path, known: dict | None = None) -> Spare:
    """Choose the spare tree and learn what it holds; nothing the link points to is touched. ``known``:
    tree name -> (manifest_signature, manifest) as an earlier build in this process left them (`serve`),
    taken instead of reading the manifest back when its file is still the one that build wrote."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    live = live_tree(out_dir)
    if live is not None and not out_dir.is_symlink() and tree(out_dir, live).exists():
        # A folder swap cut short between its renames: which tree the output holds is unsure, so no
        # manifest is trusted (everything is written afresh) and the stray copy goes.
        shutil.rmtree(tree(out_dir, live))
        for name in TREES:
            manifest_path(out_dir, name).unlink(missing_ok=True)
    if live is None and out_dir.exists() and not out_dir.is_symlink():
        # An output folder from before (or made by hand): it becomes the spare tree, so the swap stays atomic.
        spare_dir = tree(out_dir, "b")
        if spare_dir.exists():
            shutil.rmtree(spare_dir)
        os.rename(out_dir, spare_dir)
        manifest_path(out_dir, "b").unlink(missing_ok=True)
    spare = "b" if live == "a" else "a"
    spare_dir = tree(out_dir, spare)
    remembered = (known or {}).get(spare)
    if not spare_dir.is_dir():
        old = {}
    elif remembered is not None and remembered[0] == manifest_signature(out_dir, spare):
        old = remembered[1]
    else:
        old = read_manifest(out_dir, spare)
    manifest_path(out_dir, spare).unlink(missing_ok=True)  # a build killed midway leaves a tree we must not trust
    if not old and spare_dir.exists():
        shutil.rmtree(spare_dir)
    return Spare(out_dir, live, spare, spare_dir, old)


def _prune_empty_folders(root: Path) -> None:
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def asset_files(assets_dir: Path) -> list[tuple[Path, str]]:
    return [(p, f"assets/{p.relative_to(assets_dir).as_posix()}") for p in sorted(assets_dir.rglob("*")) if p.is_file()]

"""Stage 5 — write: put the rendered site on disk, all or nothing, touching only what changed.

The output folder is a symbolic link to one of two trees beside it
(`.output.a`, `.output.b`). A build brings the other tree up to date —
writing only the files whose bytes differ from what that tree holds, and
deleting files no longer in the site — then points the link at it in one
atomic rename. A failed or killed build never touches the tree the link points
to, so readers and `serve` always see a whole site; and a rebuild that changes
nothing writes nothing.

Each tree's manifest (path -> hash of its bytes) is kept beside it, so deciding
what to write needs no reading back of thousands of files.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .routes import Kept, Page, page_digest

TREES = ("a", "b")


def tree(out_dir: Path, name: str) -> Path:
    return out_dir.parent / f".{out_dir.name}.{name}"


def manifest_path(out_dir: Path, name: str) -> Path:
    return out_dir.parent / f".{out_dir.name}.{name}.manifest.json"


def live_tree(out_dir: Path) -> str | None:
    """Which tree the output link points to, if any."""
    if out_dir.is_symlink():
        target = os.readlink(out_dir)
        for name in TREES:
            if Path(target).name == tree(out_dir, name).name:
                return name
    return None


def read_manifest(out_dir: Path, name: str) -> dict[str, str]:
    try:
        return json.loads(manifest_path(out_dir, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_site(pages: list[Page | Kept], files: list[tuple[Path, str]], out_dir: Path) -> dict:
    """Make ``out_dir`` show exactly ``pages`` plus ``files`` (source path, output path). Returns counts.

    A Kept page is taken from the live tree when the spare tree does not have it already."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    live = live_tree(out_dir)
    if live is None and out_dir.exists() and not out_dir.is_symlink():
        # An output folder from before (or made by hand): it becomes the spare tree, so the swap stays atomic.
        spare_dir = tree(out_dir, "b")
        if spare_dir.exists():
            shutil.rmtree(spare_dir)
        os.rename(out_dir, spare_dir)
        manifest_path(out_dir, "b").unlink(missing_ok=True)
    spare = "b" if live == "a" else "a"
    spare_dir = tree(out_dir, spare)
    old = read_manifest(out_dir, spare) if spare_dir.is_dir() else {}
    manifest_path(out_dir, spare).unlink(missing_ok=True)  # a build killed midway leaves a tree we must not trust
    if not old and spare_dir.exists():
        shutil.rmtree(spare_dir)

    wanted: dict[str, Page | Kept | Path] = {p.path: p for p in pages}
    for source, rel in files:
        wanted[rel] = source
    new: dict[str, str] = {}
    written = 0
    made: set[Path] = set()
    for rel, content in sorted(wanted.items()):
        if isinstance(content, Path):
            content = Page(rel, content.read_bytes())
        new[rel] = page_digest(content)
        if old.get(rel) == new[rel]:
            continue
        data = content.data if isinstance(content, Page) else (tree(out_dir, live) / rel).read_bytes()
        target = spare_dir / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)
        written += 1
    removed = 0
    for rel in old.keys() - new.keys():
        (spare_dir / rel).unlink(missing_ok=True)
        removed += 1
    spare_dir.mkdir(parents=True, exist_ok=True)
    _prune_empty_folders(spare_dir)
    manifest_path(out_dir, spare).write_text(json.dumps(new, sort_keys=True), encoding="utf-8")
    # The swap: a new link beside the old one, renamed over it (atomic on POSIX).
    link = out_dir.parent / f".{out_dir.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(spare_dir.name, link)
    os.replace(link, out_dir)
    return {"written": written, "removed": removed, "unchanged": len(new) - written}


def _prune_empty_folders(root: Path) -> None:
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def asset_files(assets_dir: Path) -> list[tuple[Path, str]]:
    return [(p, f"assets/{p.relative_to(assets_dir).as_posix()}") for p in sorted(assets_dir.rglob("*")) if p.is_file()]

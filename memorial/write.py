"""Stage 5 — write: put the rendered site on disk, all or nothing.

Pages are written into a staging folder beside the output folder, which is
swapped in only when everything is written, so a failed or killed build leaves
the previous site whole.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .routes import Page


def write_site(pages: list[Page], files: list[tuple[Path, str]], out_dir: Path) -> None:
    """Write ``pages`` and copy ``files`` (source path, output path) into ``out_dir``."""
    out_dir = out_dir.resolve()
    recover(out_dir)
    staging = out_dir.parent / f".{out_dir.name}.building-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    made: set[Path] = set()
    for page in pages:
        target = staging / page.path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(page.data)
    for source, rel in files:
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    swap_in(staging, out_dir)


def swap_in(staging: Path, out_dir: Path) -> None:
    old = out_dir.parent / f".{out_dir.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        os.rename(out_dir, old)
    os.rename(staging, out_dir)
    if old.exists():
        shutil.rmtree(old)


def recover(out_dir: Path) -> None:
    """Undo a swap that was interrupted between its two renames."""
    old = out_dir.parent / f".{out_dir.name}.old"
    if old.exists() and not out_dir.exists():
        os.rename(old, out_dir)
    for stale in out_dir.parent.glob(f".{out_dir.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)


def asset_files(assets_dir: Path) -> list[tuple[Path, str]]:
    return [(p, f"assets/{p.relative_to(assets_dir).as_posix()}") for p in sorted(assets_dir.rglob("*")) if p.is_file()]

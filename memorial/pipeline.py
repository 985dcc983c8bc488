"""The build, one call per stage: load → validate → model → render → write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import export, images, routes
from .diagnostics import Diagnostic, has_errors, sort_key
from .load import last_changed, load_content, load_paths
from .model import SiteModel, build_model, page_id
from .render import render_site
from .validate import Validated, validate
from .write import asset_files, write_site

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "templates"
ASSETS = PROJECT / "assets"


@dataclass(frozen=True)
class Result:
    diagnostics: tuple[Diagnostic, ...]
    model: SiteModel | None = None
    pages: int = 0
    redirects: dict = field(default_factory=dict)  # former path -> current path, for archives

    @property
    def ok(self) -> bool:
        return not has_errors(list(self.diagnostics))


def check(content_dir: Path, paths: list[Path] | None = None) -> tuple[Validated, tuple[Diagnostic, ...]]:
    """The build minus render and write: every problem in the content, or in ``paths`` and what they refer to."""
    if paths:
        validated = validate(load_paths(content_dir, paths), content_dir, partial=True)
    else:
        validated = validate(load_content(content_dir), content_dir)
    return validated, tuple(sorted(validated.diagnostics, key=sort_key))


def build(content_dir: Path, out_dir: Path) -> Result:
    validated, diagnostics = check(content_dir)
    if has_errors(list(diagnostics)):
        return Result(diagnostics)
    model = build_model(validated, last_changed(content_dir))
    photos, photo_sizes = render_photos(model, content_dir)
    pages = render_site(model, TEMPLATES, photo_sizes) + export.data_files(model)
    write_site(pages + photos, asset_files(ASSETS), out_dir)
    return Result(diagnostics, model, len(pages), model.redirects)


def check_output_dir(out_dir: Path, content_dir: Path) -> str | None:
    """Refuse an output folder whose replacement would delete the project or the content."""
    out, content = out_dir.resolve(), content_dir.resolve()
    if (
        out == Path(out.anchor)
        or out == Path.home()
        or out == PROJECT
        or content.is_relative_to(out)
        or PROJECT.is_relative_to(out)
        or out.is_relative_to(content)
    ):
        return f"refusing to use {out_dir} as the output folder: it is replaced on every build, and it holds the project or the content"
    return None


def render_photos(model: SiteModel, content_dir: Path) -> tuple[list[routes.Page], dict]:
    """Each photo re-encoded at a few widths, and per person the versions its page lists."""
    files: list[routes.Page] = []
    sizes: dict[str, list[dict]] = {}
    for rec in model.people:
        if rec.data.photo is None:
            continue
        sizes[rec.id] = []
        for w, h, data in images.encode(content_dir / rec.data.photo.file):
            path = routes.photo(page_id(rec), w)
            files.append(routes.Page(path, data))
            sizes[rec.id].append({"url": path, "width": w, "height": h})
    return files, sizes

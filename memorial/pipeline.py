"""The build, one call per stage: load → validate → model → render → write.

Around the stages, the build cache (memorial/cache.py) lets a rebuild skip
what has not changed: everything, when no input changed; parsing, for
unchanged files; rendering, for person pages whose inputs are unchanged (and
their lines in lists, which are joined again). `serve` keeps the last build in
memory (``Warm``) and, when only stories changed, takes ``touch_up`` instead.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, images, routes, write
from .diagnostics import Diagnostic, has_errors, sort_key
from .load import last_changed, load_content, load_paths, parse_file, read_hashed
from .model import SiteModel, build_model, page_id, with_people
from .render import Markdown, Renderer, TemplateCache, render_site
from .validate import Record, Validated, revalidate, start_validation, validate
from .write import live_tree, manifest_signature, read_manifest

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "templates"
ASSETS = PROJECT / "assets"


@dataclass(frozen=True)
class Result:
    diagnostics: tuple[Diagnostic, ...]
    model: SiteModel | None = None
    pages: int = 0
    redirects: dict = field(default_factory=dict)  # former path -> current path, for archives
    unchanged: bool = False  # nothing to do: the output already shows this content
    counts: dict = field(default_factory=dict)  # files written, removed, unchanged; pages re-used
    timings: dict = field(default_factory=dict)  # stage -> seconds, for `build --timings`

    @property
    def ok(self) -> bool:
        return not has_errors(list(self.diagnostics))


@contextlib.contextmanager
def collector_paused():
    """No cyclic garbage collection during a build: the records are tens of thousands of long-lived
    objects, and each full collection walks them all (it made validation twice as slow at 10,000
    people). Pages and records free themselves by reference counting; the collector runs again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check(content_dir: Path, paths: list[Path] | None = None, *, cache_of: Path | None = None) -> tuple[Validated, tuple[Diagnostic, ...]]:
    """The build minus render and write: every problem in the content, or in ``paths`` and what they refer to.

    ``cache_of``: an output folder whose build cache may spare parsing unchanged files (it is only read)."""
    with collector_paused():
        return _check(content_dir, paths, cache_of)


def _check(content_dir: Path, paths: list[Path] | None, cache_of: Path | None) -> tuple[Validated, tuple[Diagnostic, ...]]:
    if paths:
        validated = validate(load_paths(content_dir, paths), content_dir, partial=True)
    else:
        state = cache.load(cache_of.absolute()) if cache_of is not None else cache.BuildState()
        loaded = load_content(content_dir, state.parsed, workers=os.cpu_count() or 1)
        validated = validate(loaded, content_dir, memo=state.validation)  # a copy: the cache is not written back
    return validated, tuple(sorted(validated.diagnostics, key=sort_key))


class Stopwatch:
    """Seconds spent in each stage of one build, for `build --timings`."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.times[stage] = self.times.get(stage, 0.0) + now - self._last
        self._last = now


@dataclass(frozen=True)
class Snapshot:
    """The last build, as `serve` keeps it for a touch-up (see ``touch_up``)."""

    code: str
    files: dict  # content file -> (size, modification time), as cache.content_files gives them
    validated: Validated
    model: SiteModel
    photos: dict  # person id -> the photo versions (render_photos)
    photo_shas: dict
    keys: dict  # person id -> key (cache.person_keys)
    manifest: dict  # every output file -> digest
    manifest_signature: tuple | None  # of the manifest's file, as this build left it (write.manifest_signature)
    diagnostics: tuple
    pages: int


class Warm:
    """What a long-running preview (`serve`) keeps between its builds: the build cache stays in memory
    instead of being read back, and is saved to disk in the background while the browser reloads; the
    last build itself, for a touch-up when only stories changed."""

    def __init__(self) -> None:
        self.state: cache.BuildState | None = None
        self.snapshot: Snapshot | None = None
        self.documents: dict = {}  # validate()'s per-file memo
        self.templates = TemplateCache()
        self.lists: dict = {}  # the people lists' rows, by language (Renderer.kept_lists)
        self.manifests: dict = {}  # output tree -> (signature, manifest) as this process wrote them (write.prepare)
        self._saving: cache.Writer | None = None

    def start_saving(self, out_dir: Path, parsed: dict, fragments: dict, validation: dict) -> None:
        """Start writing the cache in the background (see cache.Writer); ``finish_saving`` gives the rest."""
        self.wait()
        self._saving = cache.Writer(out_dir, parsed, fragments, validation)

    def finish_saving(self, person_keys: dict | None) -> None:
        """The person pages' keys and digests (None: the build failed, the cache on disk stays as it was)."""
        if self._saving is not None:
            self._saving.finish(person_keys)
            if person_keys is None:
                self.wait()

    def save(self, out_dir: Path, state: cache.BuildState) -> None:
        """Keep ``state`` for the next build, and write it to disk in the background."""
        self.start_saving(out_dir, state.parsed, state.fragments, state.validation)
        self.finish_saving(state.person_keys)
        self.state = state

    def wait(self) -> None:
        if self._saving is not None:
            self._saving.join()
            self._saving = None


def build(content_dir: Path, out_dir: Path, *, workers: int | None = None, warm: Warm | None = None) -> Result:
    """Build the site from ``content_dir`` into ``out_dir``. ``warm``: kept by the caller between builds."""
    with collector_paused():
        result = _build(content_dir, out_dir, workers, warm)
    if warm is not None:
        # Rendering froze the heap for its worker processes (render_site); `serve` lives on, so what this
        # build leaves behind must be collectable again. A one-off build exits instead (a full collection
        # of it all would cost 0.4 s at 10,000 people).
        gc.unfreeze()
    return result


def _build(content_dir: Path, out_dir: Path, workers: int | None, warm: Warm | None) -> Result:
    out_dir = out_dir.absolute()
    clock = Stopwatch()
    code = cache.code_key()
    files = cache.content_files(content_dir)
    quick = cache.quick_key(content_dir, code, files)
    previous = cache.unchanged(out_dir, quick)
    clock.lap("compare with the last build")
    if previous is not None:
        return Result(tuple(previous), unchanged=True, timings=clock.times)
    if warm is not None:
        warm.wait()  # the last build's cache is on disk whole before this build replaces it
        touched = touch_up(content_dir, out_dir, warm, code, files, quick, clock)
        if touched is not None:
            return touched
        warm.snapshot = None
    state = warm.state if warm is not None and warm.state is not None else cache.load(out_dir)
    clock.lap("read the build cache")
    workers = workers or os.cpu_count() or 1
    loaded = load_content(content_dir, state.parsed, workers=workers)
    clock.lap("load")
    checking = start_validation(loaded, content_dir, memo=state.validation, documents=warm.documents if warm is not None else None)
    clock.lap("validate")
    if has_errors(list(checking.first.diagnostics)):
        return Result(tuple(sorted(checking.finish().diagnostics, key=sort_key)), timings=clock.times)
    # The search for duplicates may still run on the other core: its warnings are awaited once the
    # model is made (it stops no build), before the cache that remembers them is written.
    model = build_model(checking.first, last_changed(content_dir))
    clock.lap("model")
    photo_files, photo_sizes, photo_shas = render_photos(model, content_dir)
    clock.lap("photos")
    keys = cache.person_keys(model, checking.first.records, code, photo_shas)
    keep = reusable_pages(model, keys, state, out_dir)
    clock.lap("find unchanged pages")
    validated = checking.finish()
    diagnostics = tuple(sorted(validated.diagnostics, key=sort_key))
    clock.lap("wait for the search for duplicates")
    saver = warm or Warm()  # a build of its own still saves the cache in the background, then waits for it

    def lines_made(fragments: dict) -> None:
        """Once everyone's lines are made, while pages still are, the cache starts being written in a thread
        (a preview's goes on being written while the browser reloads)."""
        saver.start_saving(out_dir, loaded.parsed, fragments, state.validation)

    try:
        with _progress_bar() as bar:
            spare = write.prepare(out_dir, warm.manifests if warm is not None else None)
            pages, fragments = render_site(
                model,
                TEMPLATES,
                photo_sizes,
                keep=keep,
                fragments=reusable_fragments(keep, state),
                workers=workers,
                progress=bar,
                sink=spare.put,
                lines_made=lines_made,
                templates=warm.templates if warm is not None else None,
                kept_lists=warm.lists if warm is not None else None,
            )
    except BaseException:
        saver.finish_saving(None)
        raise
    digests = {p.path: routes.page_digest(p) for p in pages}
    person_state = {}
    for lang in model.site.languages:
        for rec in model.people:
            path = f"{lang}/{routes.person(page_id(rec))}"
            person_state[(lang, rec.id)] = (keys[rec.id], path, digests[path])
    saver.finish_saving(person_state)
    saver.state = cache.BuildState(loaded.parsed, person_state, fragments, state.validation)
    clock.lap("render and write pages")
    counts = write.write_site(pages + photo_files, write.asset_files(ASSETS), out_dir, spare)
    clock.lap("write the rest, swap")
    counts["reused"] = len(keep)
    cache.mark_built(out_dir, quick, diagnostics)  # only now: the output shows this content
    if warm is None:
        saver.wait()
    else:
        signature = manifest_signature(out_dir, spare.name)
        warm.manifests[spare.name] = (signature, spare.manifest)
        warm.snapshot = Snapshot(
            code, files, validated, model, photo_sizes, photo_shas, keys, spare.manifest, signature, diagnostics, len(pages)
        )
    clock.lap("save the build cache")
    return Result(diagnostics, model, len(pages), redirects(model), counts=counts, timings=clock.times)


def _progress_bar():
    """A progress bar on a terminal, shown once rendering takes over a second; in CI or a pipe, none (and
    tqdm is not even imported: 13 ms of every build's start-up)."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from tqdm import tqdm

    return tqdm(desc="rendering", unit="page", delay=1.0, file=sys.stderr, leave=False)


def touch_up(content_dir: Path, out_dir: Path, warm: Warm, code: str, files: dict, quick: str, clock: Stopwatch) -> Result | None:
    """The rebuild after an editor changed some people's entries in `serve`, made from the last build: the
    changed files are read and checked again (with the checks over every record), the model is
    updated, and only the pages that show something of those people are made: their own, and when the
    front matter changed, the indexes and their cities', days' and sources' pages. None when anything
    else changed (other files, a person added or removed, published or not, shown by initials or not,
    a photo, former ids, the code): then the whole build runs."""
    snap = warm.snapshot
    if snap is None or warm.state is None or code != snap.code or files.keys() != snap.files.keys() or snap.model.site.base_url:
        return None  # (a hosted copy's service worker lists every page's digest)
    live = live_tree(out_dir)
    if live is None or manifest_signature(out_dir, live) != snap.manifest_signature:
        return None  # the output was changed by something else
    people = snap.validated.records["people"]
    published = {rec.id for rec in snap.model.people}
    old: dict[str, Record] = {}
    docs, parse_results = [], {}
    for rel in (rel for rel, stat in files.items() if snap.files[rel] != stat):
        kind, _, name = rel.partition("/")
        before = people.get(name.removesuffix(".md")) if kind == "people" and name.endswith(".md") else None
        if before is None or before.id not in published or before.doc.path.name != name:
            return None
        path = content_dir / rel
        raw, sha = read_hashed(path)
        doc, problems = parsed = parse_file(raw, path, "people", before.doc.display, sha)
        if doc is None or problems:
            return None
        old[before.id], parse_results[before.id] = before, parsed
        docs.append(doc)
    clock.lap("load")
    validated = revalidate(snap.validated, docs, content_dir, memo=warm.state.validation, documents=warm.documents)
    if validated is None:
        return None
    new = {pid: validated.records["people"][pid] for pid in old}
    if any(
        rec.status != "published" or rec.data.display != old[pid].data.display or rec.data.photo != old[pid].data.photo
        for pid, rec in new.items()
    ):
        return None
    diagnostics = tuple(sorted(validated.diagnostics, key=sort_key))
    clock.lap("validate")
    if has_errors(list(diagnostics)):
        return Result(diagnostics, timings=clock.times)
    changed_dates = {**snap.model.last_changed, **last_changed(content_dir, [rec.doc.path for rec in new.values()])}
    model = with_people(snap.model, new, changed_dates)
    keys = {**snap.keys, **cache.person_keys(model, validated.records, code, snap.photo_shas, people=list(new.values()))}
    clock.lap("model")
    markdown = Markdown()
    alike: dict = {}
    renderers = [Renderer(model, TEMPLATES, snap.photos, lang, markdown, warm.templates, alike) for lang in model.site.languages]
    fragments = dict(warm.state.fragments)
    by_language: dict[str, dict] = {r.lang: {} for r in renderers}
    for (lang, pid), frag in fragments.items():
        by_language[lang][pid] = frag
    pages = []
    for r in renderers:
        r.fragments = by_language[r.lang]
        r.kept_lists = warm.lists.setdefault(r.lang, {})
        edits = []
        for pid, rec in new.items():
            before = (old[pid], r.fragments[pid])
            fragments[(r.lang, pid)] = r.fragments[pid] = r.person_fragments(rec)
            edits.append((before, (rec, r.fragments[pid])))
        for task in r.tasks_about(edits):
            pages.extend(r.run(task))
    clock.lap("render and write pages")
    spare = write.prepare(out_dir, warm.manifests)
    counts = write.write_site(pages, [], out_dir, spare, unchanged=snap.manifest)
    counts["reused"] = len(snap.manifest) - len(pages)
    clock.lap("write the rest, swap")
    state = warm.state
    parsed = dict(state.parsed)
    person_state = dict(state.person_keys)
    for pid, rec in new.items():
        before = old[pid]
        parsed.pop((before.doc.display, before.doc.sha), None)
        parsed[(rec.doc.display, rec.doc.sha)] = parse_results[pid]
        for lang in model.site.languages:
            path = f"{lang}/{routes.person(page_id(rec))}"
            person_state[(lang, rec.id)] = (keys[rec.id], path, spare.manifest[path])
    warm.save(out_dir, cache.BuildState(parsed, person_state, fragments, state.validation))
    cache.mark_built(out_dir, quick, diagnostics)
    signature = manifest_signature(out_dir, spare.name)
    warm.manifests[spare.name] = (signature, spare.manifest)
    warm.snapshot = Snapshot(
        code, files, validated, model, snap.photos, snap.photo_shas, keys, spare.manifest, signature, diagnostics, snap.pages
    )
    clock.lap("save the build cache")
    return Result(diagnostics, model, snap.pages, redirects(model), counts=counts, timings=clock.times)


def redirects(model: SiteModel) -> dict[str, str]:
    """Former page paths -> current ones, in every language tree (for the archives)."""
    return {f"{lang}/{old}": f"{lang}/{new}" for lang in model.site.languages for old, new in model.redirects.items()}


def reusable_pages(model: SiteModel, keys: dict, state: cache.BuildState, out_dir: Path) -> dict:
    """Person pages (output path -> Kept) whose inputs match the last build and whose bytes are in the live output."""
    live = live_tree(out_dir)
    if live is None:
        return {}
    manifest = read_manifest(out_dir, live)
    keep = {}
    for lang in model.site.languages:
        for rec in model.people:
            before = state.person_keys.get((lang, rec.id))
            if before and before[0] == keys[rec.id] and manifest.get(before[1]) == before[2] and (lang, rec.id) in state.fragments:
                keep[before[1]] = routes.Kept(before[1], before[2])
    return keep


def reusable_fragments(keep: dict, state: cache.BuildState) -> dict:
    """The kept lines of the people whose pages are kept (made from the same inputs)."""
    kept_paths = set(keep)
    return {
        (lang, pid): frag
        for (lang, pid), frag in state.fragments.items()
        if state.person_keys.get((lang, pid), (None, None))[1] in kept_paths
    }


def render_photos(model: SiteModel, content_dir: Path) -> tuple[list[routes.Page], dict, dict]:
    """Each photo re-encoded at a few widths, per person the versions its page lists, and the originals' hashes."""
    files: list[routes.Page] = []
    sizes: dict[str, list[dict]] = {}
    shas: dict[str, str] = {}
    for rec in model.people:
        if rec.data.photo is None:
            continue
        source = content_dir / rec.data.photo.file
        shas[rec.id] = read_hashed(source)[1]
        sizes[rec.id] = []
        for w, h, data in images.encode(source):
            path = routes.photo(page_id(rec), w)
            files.append(routes.Page(path, data))
            sizes[rec.id].append({"url": path, "width": w, "height": h})
    return files, sizes, shas


def check_output_dir(out_dir: Path, content_dir: Path) -> str | None:
    """Refuse an output folder whose replacement would delete the project or the content."""
    out, content = out_dir.absolute(), content_dir.resolve()
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

"""The build, one stage after another: load → validate → model → render → write.

Each stage is given its input, what changed since the last build (change.py) and its own last output
(cache.Build), and redoes only what the change reaches. A first build has no last output and does
everything; a build in a new process reads the saved part of the last one from the cache beside the
output (the files it parsed, people's lines and pages, the search for duplicates) and spares what is
unchanged; `serve` keeps the whole of the last build in memory, so that after an editor saves some
people's entries only those files are read and checked again, the model is updated, and only the
pages that show something of those people are made.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, history, routes, write
from .diagnostics import Diagnostic, has_errors, sort_key
from .load import last_changed, load_content, load_paths, read_hashed, reload
from .write import live_tree, manifest_signature, read_manifest

# The stages that check, model and render are imported where they are used: a build with nothing to do
# stops before them, and importing them (pydantic's models, Jinja2, Babel) took half of its 0.3 s.
if TYPE_CHECKING:
    from .model import SiteModel
    from .validate import Validated

PROJECT = Path(__file__).resolve().parent.parent
SAVE_QUIET = 2.0  # seconds with no build before `serve` writes the last one's cache (see cache.Writer)
TEMPLATES = PROJECT / "templates"
ASSETS = PROJECT / "assets"


@dataclass(frozen=True)
class Result:
    diagnostics: tuple[Diagnostic, ...]
    model: SiteModel | None = None
    pages: int = 0
    redirects: dict = field(default_factory=dict)  # former path -> current path, for archives
    unchanged: bool = False  # nothing to do: the output already shows this content
    counts: dict = field(default_factory=dict)  # files written, removed, unchanged; pages re-used, made; processes
    timings: dict = field(default_factory=dict)  # stage -> seconds, for `build --timings`
    build: cache.Build | None = None  # what the next build starts from (`serve` keeps it); the last one's if this failed
    edited: tuple[str, ...] | None = None  # when only these people's entries changed, and the build worked from the last one's model
    notes: tuple[str, ...] = ()  # what is counted rather than listed in the diagnostics (duplicates.summary)

    @property
    def ok(self) -> bool:
        return not has_errors(list(self.diagnostics))


@contextlib.contextmanager
def collector_paused():
    """No cyclic garbage collection during a build: the records are tens of thousands of long-lived
    objects, and each full collection walks them all (it made validation twice as slow at 10,000
    people). Pages and records free themselves by reference counting; the collector runs again after,
    on what is made from then on: what was made meanwhile is set aside (gc.freeze), or the first
    collections would walk all of it for nothing (1.3 s of a 3.5 s `check` at 10,000 people)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def check(
    content_dir: Path, paths: list[Path] | None = None, *, cache_of: Path | None = None, focus=None, keep: bool = True
) -> tuple[Validated, tuple[Diagnostic, ...]]:
    """The build minus render and write: every problem in the content, or in ``paths`` and what they refer to.

    What it read and checked is kept for the next check of the same folder (cache.save_checks), which
    then parses and checks again only the files whose bytes changed; ``keep`` False: nothing is kept (a
    check that no other follows on this machine, as in CI: writing it all took a first check 0.8 s of 3).
    ``cache_of``: an output folder whose build cache may spare parsing unchanged files when there is no
    check cache yet (it is only read).
    ``focus``: ids of people whose every possible duplicate is warned about (see validate.start_validation)."""
    with collector_paused():
        return _check(content_dir, paths, cache_of, focus, keep)


def _check(
    content_dir: Path, paths: list[Path] | None, cache_of: Path | None, focus, keep: bool
) -> tuple[Validated, tuple[Diagnostic, ...]]:
    from . import change
    from .validate import validate

    if paths:
        validated = validate(load_paths(content_dir, paths), content_dir, partial=True)
    else:
        checked = cache.load_checks(content_dir)
        last = checked.last
        if not last.parsed and cache_of is not None:
            last = cache.load(cache_of.absolute(), checks_only=True)
        files = cache.content_files(content_dir)
        changed = change.since(last, "", files, cache_of)  # (files unchanged since are not read)
        loaded = load_content(content_dir, last.parsed, workers=os.cpu_count() or 1, unchanged=changed.unchanged)
        validated = validate(loaded, content_dir, searched=last.searched, documents=last.documents, rules=checked.rules, focus=focus)
        if keep:
            cache.save_checks(content_dir, checked, files, loaded.parsed, validated)
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


def build(
    content_dir: Path,
    out_dir: Path,
    *,
    workers: int | None = None,
    last: cache.Build | None = None,
    serving: bool = False,
    drafts: bool = False,
    downloads: Path | None = None,
    saved: Collection[str] | None = None,
) -> Result:
    """Build the site from ``content_dir`` into ``out_dir``. ``last``: the last build (Result.build), kept
    in memory by the caller; without it, its saved part is read from the cache. ``saved``: the files saved
    since ``last`` as `serve`'s watcher saw them (the others are not looked at again; None: every file is).
    ``serving``: the caller
    lives on (`serve`): the cache is saved in the background, and what the build leaves is collectable.
    ``drafts``: drafts are shown too, each marked as one (`serve --drafts`, into a folder of its own).
    ``downloads``: a folder holding released archives and their SHA256SUMS, listed on the download page."""
    out_dir, workers = out_dir.absolute(), workers or os.cpu_count() or 1
    # The last build's cache is not written while this one runs (see cache.Writer); dropped if this one
    # writes its own, else written once there is quiet again.
    held = last.saving if last is not None else None
    if held is not None:
        held.hold()
    result = None
    try:
        with collector_paused():
            try:
                result = _build(content_dir, out_dir, workers, last, serving, drafts, downloads, saved)
            except write.Missing as gone:
                # A page deleted from the live site by hand: nothing the builds remember of the trees is
                # trusted, and the site is built afresh (once; the live tree is still whole but for that page).
                print(f"note: {gone} was missing from {out_dir.name}/ (deleted by hand?); building every page again", file=sys.stderr)
                write.forget(out_dir)
                result = _build(content_dir, out_dir, workers, cache.Build(), serving, drafts, downloads)
    finally:
        if held is not None:
            made = result.build if result is not None else None  # (compared by identity: a Build's == reads every field)
            held.release(dropped=made is not None and made is not last and made.saving is not None)
    if serving:
        # The heap was frozen (collector_paused, parallel.collecting_new); `serve` lives on, so what this
        # build leaves behind must be collectable again. A one-off build exits instead (a full collection
        # of it all would cost 0.4 s at 10,000 people).
        gc.unfreeze()
    return result


def _build(
    content_dir: Path,
    out_dir: Path,
    workers: int,
    last: cache.Build | None,
    serving: bool,
    drafts: bool,
    downloads: Path | None = None,
    saved: Collection[str] | None = None,
) -> Result:
    clock = Stopwatch()
    archives = _archives(downloads)
    code = cache.code_key() + (" with drafts" if drafts else "") + repr(archives)  # (a site with drafts is another site)
    looked_at = None if last is None or not last.files else _saved_content(content_dir, last.files, saved)
    files = cache.content_files(content_dir) if looked_at is None else _with_sizes(content_dir, last.files, looked_at)
    quick = cache.quick_key(content_dir, code, files)
    previous = cache.unchanged(out_dir, quick)
    clock.lap("compare with the last build")
    if previous is not None:
        diagnostics, notes = previous
        return Result(tuple(diagnostics), unchanged=True, timings=clock.times, build=last, notes=tuple(notes))
    from . import change, pages
    from .model import build_model, page_id, with_people
    from .render import TemplateCache
    from .validate import start_validation

    if last is None:
        last = cache.load(out_dir)
        clock.lap("read the build cache")
    changed = change.since(last, code, files, out_dir, looked_at)

    # load, validate
    if changed.people is not None and last.loaded is not None:  # only some people's files: read those alone
        loaded = reload(content_dir, last.loaded, changed.files)
    else:
        loaded = load_content(content_dir, last.parsed, workers=workers, unchanged=changed.unchanged)
    clock.lap("load")
    checking = start_validation(
        loaded, content_dir, last=last.validated, people=changed.people, searched=last.searched, documents=last.documents
    )
    clock.lap("validate")
    if has_errors(list(checking.first.diagnostics)):
        refused = checking.finish()
        return Result(tuple(sorted(refused.diagnostics, key=sort_key)), timings=clock.times, build=last, notes=_notes(refused))
    # (the search for duplicates may still run on the other core: its warnings stop no build, and are
    # awaited once the model is made)

    # model
    edits = change.edits(changed, last, checking.first)
    if edits is None:
        model = build_model(checking.first, last_changed(content_dir), drafts=drafts)
        published = {rec.id for rec in model.people}
        model = dataclasses.replace(model, releases=history.releases(content_dir, published), downloads=archives)
    else:
        dates = {**last.model.last_changed, **last_changed(content_dir, [Path(e.after.doc.path) for e in edits])}
        model = with_people(last.model, {e.after.id: e.after for e in edits}, dates)
    clock.lap("model")
    shown = live_manifest(out_dir, last)
    photo_files, photo_sizes, shas, photos = render_photos(model, content_dir, files, last.photos, shown)
    clock.lap("photos")
    edited = None if edits is None else [e.after for e in edits]
    keys = {**(last.keys if edits is not None else {}), **cache.person_keys(model, checking.first.records, code, shas, people=edited)}
    keep = {} if edits is not None else reusable_pages(model, keys, last, shown)
    clock.lap("find unchanged pages")
    validated = checking.finish()
    diagnostics = tuple(sorted(validated.diagnostics, key=sort_key))
    notes = _notes(validated, last)
    clock.lap("wait for the search for duplicates")

    # render (and write each page as it is made)
    saving: list[cache.Writer] = []

    def start_saving(lines: dict) -> None:
        """Once everyone's lines are made, while pages still are, the cache starts being written in a thread
        (a preview's once no build has run for SAVE_QUIET seconds). After an edit, only once the site
        shows it: pickling holds the interpreter, and took half of the time of the few pages made."""
        saving.append(
            cache.Writer(
                out_dir, files, loaded.parsed, lines, validated.searched, validated.documents, quiet=SAVE_QUIET if serving else 0.0
            )
        )

    if edits is None:  # every page but those kept, and the lines of those kept
        lines = {
            lang: {pid: frag for pid, frag in frags.items() if last.person_pages.get((lang, pid), (None, None))[1] in keep}
            for lang, frags in last.lines.items()
        }
        only = None
    else:  # the pages that show something of the people edited (their lines made again)
        lines = {lang: dict(frags) for lang, frags in last.lines.items()}  # (copies, and a few taken out)
        for frags in lines.values():
            for pid in changed.people:
                frags.pop(pid, None)

        def only(everyone: dict) -> list:
            return pages.tasks_about(last.model, model, last.lines, everyone, edits)

    templates = last.templates or TemplateCache()
    try:
        with _progress_bar() as bar:
            spare = write.prepare(out_dir, last.manifests)
            made = pages.render_site(
                model,
                TEMPLATES,
                photo_sizes,
                only=only,
                keep=keep,
                lines=lines,
                workers=workers,
                progress=bar,
                sink=spare.put,
                lines_made=start_saving if edits is None else None,
                templates=templates,
                lists=(last.lists if edits is not None else {}) if serving else None,
            )
    except BaseException:
        for writer in saving:
            writer.finish(None)
            writer.join()
        raise
    # what the next build keeps of the person pages, handed to the cache's writer now so that it pickles
    # them while the rest is written
    digests = {page.path: page.digest for page in made.pages if isinstance(page, routes.Kept)}
    person_pages = {} if edits is None else dict(last.person_pages)
    for rec in model.people if edits is None else edited:
        for lang in model.site.languages:
            path = f"{lang}/{routes.person(page_id(rec))}"
            digest = digests[path] if path in digests else last.manifest[path]  # (an edit that changed nothing it shows)
            person_pages[(lang, rec.id)] = (keys[rec.id], path, digest)
    if saving:
        saving[0].finish(person_pages, photos)
    clock.lap("render and write pages")

    # write the rest, and swap the trees
    if edits is None:
        counts = spare.finish(made.pages + photo_files, write.asset_files(ASSETS))
    else:
        counts = spare.finish(made.pages, [], unchanged=_without_stale_parts(last.manifest, made.pages))
    clock.lap("write the rest, swap")
    if not saving:  # (see start_saving)
        start_saving(made.lines)
        saving[0].finish(person_pages, photos)
    if not serving:
        saving[0].join()
    cache.mark_built(out_dir, quick, diagnostics, notes)  # only now: the output shows this content
    this = cache.Build(
        code=code,
        files=files,
        parsed=loaded.parsed,
        loaded=loaded,
        validated=validated,
        notes=notes,
        searched=validated.searched,
        documents=validated.documents,
        model=model,
        photos=photos,
        keys=keys,
        person_pages=person_pages,
        lines=made.lines,
        lists=made.lists,
        templates=templates,
        pages=len(made.pages) if edits is None else last.pages,
        tree=spare.name,
        manifests={**last.manifests, spare.name: (manifest_signature(out_dir, spare.name), spare.manifest)},
        saving=saving[0],
    )
    clock.lap("save the build cache")
    remade = len(made.pages) - len(keep)
    counts.update(made=remade, reused=this.pages - remade, processes=made.processes)  # pages (not assets or photos)
    edited_ids = None if edits is None else tuple(e.after.id for e in edits)
    return Result(
        diagnostics, model, this.pages, redirects(model), counts=counts, timings=clock.times, build=this, edited=edited_ids, notes=notes
    )


def _saved_content(content_dir: Path, files: dict, saved: Collection[str] | None) -> set[str] | None:
    """Of the paths a watcher saw saved, those of content files the last build read (relative to
    ``content_dir``, as cache.content_files names them): all that may have changed in the content since,
    when ``files`` (the last build's) is still its list of files. None when that is not known: no
    watcher, a file or folder added or removed (a save made and removed at once, as an editor's
    temporary file, is none of them), or a path the watcher names otherwise."""
    if saved is None:
        return None
    roots = {os.path.abspath(content_dir), os.path.realpath(content_dir)}
    code = [os.path.realpath(TEMPLATES), os.path.realpath(ASSETS)]
    found = set()
    for path in map(os.path.abspath, saved):
        root = next((root for root in roots if os.path.commonpath([root, path]) == root), None)
        if root is None:
            if any(os.path.commonpath([folder, os.path.realpath(path)]) == folder for folder in code):
                continue  # (the code's key sees them)
            return None
        rel = Path(os.path.relpath(path, root)).as_posix()
        if rel in files:
            if not os.path.isfile(path):
                return None  # removed (or made a folder)
            found.add(rel)
        elif os.path.lexists(path):
            return None  # added
    return found


def _with_sizes(content_dir: Path, files: dict, looked_at: set[str]) -> dict:
    """``files`` (cache.content_files of the last build) with the sizes and times of ``looked_at`` as they are now."""
    now = dict(files)
    for rel in looked_at:
        st = os.stat(content_dir / rel)
        now[rel] = (st.st_size, st.st_mtime_ns)
    return now


def _notes(validated: Validated, last: cache.Build | None = None) -> tuple[str, ...]:
    """What a build says of the possible duplicates it did not warn about one by one (the ``last`` build's
    words when it found the same: grouping them took 15 ms of a rebuild in `serve`)."""
    from . import duplicates

    if last is not None and last.validated is not None and validated.suspects == last.validated.suspects:
        return last.notes

    found = list(validated.suspects)
    return tuple(duplicates.summary(found, len(duplicates.shown(found))))


def _progress_bar():
    """A progress bar on a terminal, shown once rendering takes over a second; in CI or a pipe, none (and
    tqdm is not even imported: 13 ms of every build's start-up)."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from tqdm import tqdm

    # No monitor thread: a live thread makes parallel.workers fall back to one process (a fork would copy
    # the locks it holds), and this bar is made before the rendering processes are forked.
    tqdm.monitor_interval = 0
    return tqdm(desc="rendering", unit="page", delay=1.0, file=sys.stderr, leave=False)


def _without_stale_parts(manifest: dict, made: list) -> dict:
    """The last build's pages but those past the new last page of a list made again with fewer pages."""
    made_paths = {page.path for page in made}
    stale = set()
    for first in {routes.first_part(path) for path in made_paths}:
        number = 2
        while routes.part(first, number) in made_paths:
            number += 1
        while (gone := routes.part(first, number)) in manifest:
            stale.add(gone)
            number += 1
    return {p: d for p, d in manifest.items() if p not in stale} if stale else manifest


def redirects(model: SiteModel) -> dict[str, str]:
    """Former page paths -> current ones, in every language tree (for the archives)."""
    return {f"{lang}/{old}": f"{lang}/{new}" for lang in model.site.languages for old, new in model.redirects.items()}


def live_manifest(out_dir: Path, last: cache.Build) -> dict:
    """What the live output tree holds (path -> digest): as the last build in this process left it, or
    read back when another build wrote it since (or this process made none)."""
    live = live_tree(out_dir)
    if live is None:
        return {}
    remembered = last.manifests.get(live)
    if remembered is not None and remembered[0] == manifest_signature(out_dir, live):
        return remembered[1]
    return read_manifest(out_dir, live)


def reusable_pages(model: SiteModel, keys: dict, last: cache.Build, shown: dict) -> dict:
    """Person pages (output path -> Kept) whose inputs match the last build and whose bytes are in the
    live output (``shown``, its manifest), with the lines made from the same inputs."""
    keep = {}
    for lang in model.site.languages:
        for rec in model.people:
            before = last.person_pages.get((lang, rec.id))
            if before and before[0] == keys[rec.id] and shown.get(before[1]) == before[2] and rec.id in last.lines.get(lang, ()):
                keep[before[1]] = routes.Kept(before[1], before[2])
    return keep


def render_photos(model: SiteModel, content_dir: Path, files: dict, last: dict, shown: dict) -> tuple[list, dict, dict, dict]:
    """Each person's photo at a few widths: the files; per person the versions its page lists, and the
    original's hash; and what the next build keeps of them ((file, size, time) -> (the file's hash,
    [(width, height, digest)])).

    An encode is kept by the original's hash (encoding a 3-megapixel JPEG takes 0.2 s): a photo whose
    bytes the last build encoded, and whose copies are in the live output, is not encoded again, even
    if its file was touched or copied. The hash is read only when the file's size or time changed."""
    from . import images
    from .model import page_id

    out: list = []
    sizes: dict[str, list[dict]] = {}
    hashes: dict[str, str] = {}
    memo: dict = {}
    by_hash = {sha: versions for sha, versions in last.values()}
    for rec in model.people:
        if rec.data.photo is None:
            continue
        rel = rec.data.photo.file
        key = (rel, *files.get(rel, (None, None)))
        pid = page_id(rec)
        source = content_dir / rel
        sha = last[key][0] if key in last else read_hashed(source)[1]
        versions = by_hash.get(sha)
        if versions is not None and all(shown.get(routes.photo(pid, w)) == d for w, _, d in versions):
            out += [routes.Kept(routes.photo(pid, w), d) for w, _, d in versions]
        else:
            encoded = [(routes.Page(routes.photo(pid, w), data), w, h) for w, h, data in images.encode(source)]
            out += [page for page, _, _ in encoded]
            versions = [(w, h, routes.page_digest(page)) for page, w, h in encoded]
        memo[key] = (sha, versions)
        hashes[rec.id] = sha
        sizes[rec.id] = [{"url": routes.photo(pid, w), "width": w, "height": h} for w, h, _ in versions]
    return out, sizes, hashes, memo


def check_output_dir(out_dir: Path, content_dir: Path) -> str | None:
    """Why ``out_dir`` may not be the output folder (None if it may). The build replaces its output whole,
    so it writes only where it wrote before, or into an empty or new folder: never over the project, the
    content, a git repository or a folder of someone else's files."""
    out, content = out_dir.absolute(), content_dir.resolve()
    if (
        out == Path(out.anchor)
        or out == Path.home()
        or out == PROJECT
        or content.is_relative_to(out)
        or PROJECT.is_relative_to(out)
        or out.resolve().is_relative_to(content)
        or ".git" in out.parts
    ):
        return f"refusing to use {out_dir} as the output folder: it is replaced on every build, and it holds the project, the content or a git repository"
    problem = write.foreign(out)
    if problem:
        return (
            f"refusing to use {out_dir} as the output folder: it {problem}. A build replaces its output folder whole, so it writes "
            f"only into a folder it made itself, or an empty one: choose another --out (or empty the folder yourself if nothing in it is needed)"
        )
    return None


def _archives(folder: Path | None) -> tuple:
    """(name, bytes, SHA-256) of each archive SHA256SUMS lists in ``folder``, as the download page shows them."""
    if folder is None:
        return ()
    from .signing import SUMS, read_sums

    try:
        listed = read_sums((folder / SUMS).read_text(encoding="utf-8")) or {}
        return tuple((name, (folder / name).stat().st_size, digest) for name, digest in sorted(listed.items()))
    except OSError:
        return ()


def remove_leftovers(out_dir: Path) -> None:
    """What builds into ``out_dir`` killed midway left (temporary files); called with its lock held, when
    nothing else can be writing them."""
    cache.remove_leftovers(out_dir.absolute())
    write.remove_leftovers(out_dir.absolute())

"""Every kind of page, declared once, and the making of the pages a build needs.

Each entry of ``KINDS`` says which pages of its kind a language tree has (their keys), how one is made
(``views.Views`` gives its view, ``render.Language`` its bytes), and what it shows of a person: ``shows`` gives that part of
a person's record and lines, and ``showing`` the keys of the pages that show the person. That is the
table from pages to the people they depend on: after an edit to some people, a kind whose ``shows``
is the same for each of them before and after need not be made again, and of the others only the
pages ``showing`` them before or after. A kind that shows no one (``shows`` None) is made again only
by a whole build. Addresses are in ``routes``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import export, parallel, routes
from .change import Edit
from .lines import Fragments, Lines
from .load import change_key
from .markdown import Markdown
from .model import SiteModel, cities_of, first_date, off_the_days, page_id, shown_name, sort_name
from .render import Language, TemplateCache
from .routes import Kept, Page
from .validate import Record
from .views import Views

Key = str | None  # a page's key within its kind: an id, an ISO date, or None for the kind's one page


@dataclass(frozen=True)
class Kind:
    name: str
    # (model, language) -> the pages of this kind in that tree, in order (a table, not a copy, where the model has
    # one: after an edit, a page is looked up in it)
    keys: Callable[[SiteModel, str], Collection[Key]]
    make: Callable[[Views, Key], list[Page]]
    # What its pages show of a person; required, so that a new kind cannot be forgotten by the rebuild after
    # an edit: NO_ONE for a kind that shows nobody (made again only by a whole build).
    shows: Callable[[SiteModel, Record, Fragments], object] | None
    showing: Callable[[SiteModel, Record], Iterable[Key]] | None = None  # which of its pages show them (None: all)
    # what one of those pages shows of them, when a change to ``shows`` need not reach all of them
    shows_on: Callable[[SiteModel, Record, Fragments, Key], object] | None = None
    from_lines: bool = False  # joined from everyone's kept lines: made in this process, after the lines

    def __post_init__(self) -> None:
        if self.shows is NO_ONE and (self.showing is not None or self.from_lines):
            raise ValueError(f"page kind {self.name!r} lists people, so it must say what it shows of them")


NO_ONE = None  # Kind.shows of a kind whose pages show no person


def _one(m: SiteModel, lang: str) -> list[Key]:
    return [None]


def _days_of(m: SiteModel, rec: Record) -> set[str]:
    return {day.isoformat() for e in rec.data.events if (day := m.day_of(e.date)) is not None}


def _timeline_view(m: SiteModel, rec: Record, frag: Fragments) -> tuple:
    """The timeline counts people per day, and per month those with facts on none of its days."""
    days = {m.day_of(e.date) for e in rec.data.events}
    months = {(*off_the_days(e.date, m.site.timeline), e.date.year, e.date.month) for e in rec.data.events if m.day_of(e.date) is None}
    return (frozenset(days - {None}), frozenset(months))


def _day_view(m: SiteModel, rec: Record, frag: Fragments, key: Key) -> tuple:
    """A day's page shows the person's lines of that day (in the order of their name, then their facts)."""
    return (
        sort_name(rec),
        tuple((i, frag.lines[i]) for i, e in enumerate(rec.data.events) if (d := m.day_of(e.date)) and d.isoformat() == key),
    )


def _city_view(m: SiteModel, rec: Record, frag: Fragments, key: Key) -> tuple:
    """A city's page shows the person's row and fates if they are of the city, and their lines in it."""
    here = key in cities_of(rec)
    lines = tuple((i, e.date, frag.lines_here[i]) for i, e in enumerate(rec.data.events) if e.city == key)
    return (sort_name(rec), here and frag.row_here, here and rec.data.fates, lines)


KINDS: tuple[Kind, ...] = (
    Kind(
        "home",
        _one,
        lambda r, _: [r.home()],
        shows=lambda m, rec, frag: (frag.name, sort_name(rec), cities_of(rec)),  # the names, and the map's counts
        from_lines=True,
    ),
    Kind(
        "people-indexes",
        _one,
        lambda r, _: list(r.people_indexes()),
        shows=lambda m, rec, frag: (frag.row, sort_name(rec), cities_of(rec), first_date(rec), rec.data.fates),
        from_lines=True,
    ),
    Kind("cities", _one, lambda r, _: [r.cities()], shows=lambda m, rec, frag: (cities_of(rec), tuple(e.city for e in rec.data.events))),
    Kind("timeline", _one, lambda r, _: [r.timeline()], shows=_timeline_view),
    Kind("sources", _one, lambda r, _: [r.sources()], shows=lambda m, rec, frag: frozenset(rec.cited)),  # counts
    Kind(
        "person",
        lambda m, lang: m.people_by_id,
        lambda r, key: [r.person(r.people_by_id[key])],
        shows=lambda m, rec, frag: (rec, m.last_changed.get(change_key(rec.doc.path))),
        showing=lambda m, rec: [rec.id],
    ),
    Kind(
        "city",
        lambda m, lang: m.cities,
        lambda r, key: r.city(r.m.cities[key]),
        shows=lambda m, rec, frag: (
            frag.row_here,
            frag.lines_here,
            sort_name(rec),
            rec.data.fates,
            cities_of(rec),
            tuple(e.city for e in rec.data.events),
        ),
        showing=lambda m, rec: cities_of(rec),
        shows_on=_city_view,
        from_lines=True,
    ),
    Kind(
        "day",
        lambda m, lang: [d.isoformat() for d in m.days],
        lambda r, key: r.day(key),
        shows=lambda m, rec, frag: (frag.lines, sort_name(rec), tuple(e.date for e in rec.data.events)),
        showing=_days_of,
        shows_on=_day_view,
        from_lines=True,
    ),
    Kind("event", lambda m, lang: [rec.id for rec in m.events], lambda r, key: [r.event(r.events_by_id[key])], shows=NO_ONE),
    Kind(
        "source",
        lambda m, lang: m.sources,
        lambda r, key: r.source(key),
        shows=lambda m, rec, frag: (frag.name_here, sort_name(rec), frozenset(rec.cited)),
        showing=lambda m, rec: rec.cited,
        from_lines=True,
    ),
    Kind("redirect", lambda m, lang: m.redirects, lambda r, key: [r.redirect(key, r.m.redirects[key])], shows=NO_ONE),
    Kind("page", lambda m, lang: [rec.id for rec in m.pages], lambda r, key: [r.page(r.pages_by_id[key])], shows=NO_ONE),
    Kind("search", _one, lambda r, _: [r.search_page()], shows=NO_ONE),
    Kind("download", _one, lambda r, _: [r.download()], shows=lambda m, rec, frag: m.as_of),  # (an edit may be the last change)
    Kind("changes", _one, lambda r, _: [r.changes()], shows=lambda m, rec, frag: (shown_name(rec), page_id(rec))),
    Kind("data-page", _one, lambda r, _: [r.data_page()], shows=NO_ONE),  # from the declarations, not the records
    Kind("search-index", _one, lambda r, _: [r.search_index()], shows=NO_ONE),
    Kind(
        "search-people",  # once, beside the language trees
        lambda m, lang: [None] if lang == m.site.default_language else [],
        lambda r, _: [r.search_people()],
        shows=lambda m, rec, frag: (frag.search, sort_name(rec)),
        from_lines=True,
    ),
    Kind(
        "data",  # the open data, once, beside the language trees
        lambda m, lang: [None] if lang == m.site.default_language else [],
        lambda r, _: _open_data(r),
        shows=lambda m, rec, frag: frag.data,
        from_lines=True,
    ),
)
BY_NAME = {kind.name: kind for kind in KINDS}


def _open_data(r: Views) -> list[Page]:
    """The open-data files, joined from everyone's lines: from the last build's joining where the same
    people are listed (export.Joined)."""
    fragments = r.lines.fragments
    people = dict(zip(fragments, map(operator.attrgetter("data"), fragments.values()), strict=True))
    made, joined = export.open_data(r.m, routes.DATA_FILES, people, r.lines.remembered(OPEN_DATA))
    r.lines.keep(OPEN_DATA, joined)
    return made


OPEN_DATA = ("open data",)  # Lines.keep's key of the open data's export.Joined

Task = tuple[str, str, Key]  # (language, kind, key): one page's worth of work (the kind may make several files)


def tasks(model: SiteModel) -> list[Task]:
    """Every page of the site, in every language tree."""
    return [(lang, kind.name, key) for lang in model.site.languages for kind in KINDS for key in kind.keys(model, lang)]


def tasks_about(last: SiteModel, model: SiteModel, lines_before: dict, lines_after: dict, edits: list[Edit]) -> list[Task]:
    """The pages to make again after ``edits`` (``lines_before``/``after``: language -> id -> Fragments):
    those of each kind whose view of an edited person changed, and of those only the ones showing them
    (found without a look at the others: listing the site's 32,000 pages took 12 ms of every rebuild)."""
    wanted: list[Task] = []
    for lang in model.site.languages:
        for kind in KINDS:
            if kind.shows is NO_ONE:
                continue
            changed = [
                e
                for e in edits
                if kind.shows(last, e.before, lines_before[lang][e.before.id]) != kind.shows(model, e.after, lines_after[lang][e.after.id])
            ]
            if not changed:
                continue
            keys = kind.keys(model, lang)
            if kind.showing is None:
                wanted += ((lang, kind.name, key) for key in keys)
                continue
            found = set()
            for e in changed:
                before, after = lines_before[lang][e.before.id], lines_after[lang][e.after.id]
                for key in {*kind.showing(last, e.before), *kind.showing(model, e.after)}:
                    if key in keys and (
                        kind.shows_on is None or kind.shows_on(last, e.before, before, key) != kind.shows_on(model, e.after, after, key)
                    ):
                        found.add(key)
            wanted += ((lang, kind.name, key) for key in sorted(found))
    return wanted


@dataclass(frozen=True)
class Made:
    """What render_site gives: every page made (or kept), everyone's lines, and how many processes made them."""

    pages: list
    lines: dict  # language -> person id -> Fragments
    lists: dict  # language -> the people lists' rows (lines.Lines.lists_made)
    processes: int


def render_site(
    model: SiteModel,
    templates_dir: Path,
    photos: dict,
    *,
    only: Callable[[dict], list[Task]] | None = None,
    keep: dict | None = None,
    lines: dict | None = None,
    workers: int = 1,
    progress=None,
    sink=None,
    lines_made=None,
    templates: TemplateCache | None = None,
    lists: dict | None = None,
) -> Made:
    """The site's pages: one tree per language, and the root page that chooses among them.

    ``lines`` (language -> person id -> Fragments) are people's lines an earlier build made from the same
    inputs; the others are made here. ``only(lines)``: the pages to make, given everyone's lines (an
    edit in `serve`: see tasks_about); without it every page is made but those in ``keep``: output path
    of a person page -> Kept, what an earlier build made from the same inputs. ``workers`` > 1 shares
    the work among processes. ``sink`` (a ``write.Spare.put``) takes each page as soon as it is made, in
    the process that made it, and gives back its Kept entry. ``lines_made(lines)`` is called once every
    person's lines are made, while pages are still being made. ``templates``: compiled templates to
    start from, and ``lists`` the people lists' rows as the last build left them (language ->
    Lines.lists_made; re-used only where the same records are listed), both kept by `serve` (``lists``
    None: no build follows in this process, and none are kept for one).

    Person pages and the pages that list no one are shared among the processes; this one alone makes
    everyone's lines, then the pages joined from them (a forked process would copy the lines and records
    it reads: forked memory is shared until touched; that cost 275 MB at the peak), then takes its share
    of the rest. Only a Kept entry per page comes back from a forked process (sending the lines back,
    3 KB a person and language, took this process 0.4 s of CPU in a three-tree build of 10,000 people)."""
    keep = keep or {}
    markdown = Markdown()
    templates = templates or TemplateCache()
    alike: dict = {}
    given = {lang: dict((lines or {}).get(lang, {})) for lang in model.site.languages}  # (each Lines adds to its own)
    views = {}
    for lang in model.site.languages:
        language = Language(model, templates_dir, lang, markdown, templates)
        views[lang] = Views(language, Lines(language, alike, given[lang], None if lists is None else lists.get(lang, {})), photos)
    # Everyone's lines not kept from the last build, in every language side by side (their names and search
    # entry are made once for all languages: Lines.alike_everywhere).
    # (found as differences of sets: a loop over 10,000 people in three languages took 6 ms of every rebuild in `serve`)
    missing = set().union(*(model.people_by_id.keys() - view.lines.fragments.keys() for view in views.values()))
    to_make = [(view, rec) for rec in model.people if rec.id in missing for view in views.values() if rec.id not in view.lines.fragments]
    everyone: dict = {}

    def make_lines(some: list) -> None:
        for view, rec in parallel.progress(some, progress):
            view.lines.make(rec)

    def everyones_lines() -> dict:
        """Everyone's lines, once those not kept are made: language -> person id -> Fragments."""
        everyone.update((lang, r.lines.fragments) for lang, r in views.items())
        return everyone

    joined, shared = [], []
    if only is not None:
        make_lines(to_make)
        chosen = only(everyones_lines())
        joined = [task for task in chosen if BY_NAME[task[1]].from_lines]
        shared = [task for task in chosen if not BY_NAME[task[1]].from_lines]
    else:
        for task in tasks(model):
            lang, kind, key = task
            if BY_NAME[kind].from_lines:
                joined.append(task)
            elif kind != "person" or f"{lang}/{routes.person(page_id(views[lang].people_by_id[key]))}" not in keep:
                shared.append(task)
        # A person's pages in every language side by side: one process makes them, converting the story once.
        shared.sort(key=lambda task: (task[1] != "person", task[2] or ""))
    if progress is not None:
        progress.total = len(shared) + len(to_make) + len(joined)

    def run(task: Task) -> list:
        lang, kind, key = task
        pages = BY_NAME[kind].make(views[lang], key)
        return [sink(page) if type(page) is Page else page for page in pages] if sink is not None else pages

    def own_work():
        """This process's part, a step at a time: everyone's lines, then the pages joined from them."""
        if not everyone:  # (a step at a time: between steps, what the forked processes sent is taken in)
            for i in range(0, len(to_make), 32):
                make_lines(to_make[i : i + 32])
                yield []
            everyones_lines()
        if lines_made is not None:
            lines_made(everyone)
        for task in parallel.progress(joined, progress):
            yield run(task)

    processes = parallel.workers(workers) if len(shared) > 200 else 1
    with parallel.collecting_new():  # (the forked processes inherit the views, model and templates: nothing is pickled)
        out: list[Page | Kept] = list(keep.values()) if only is None else []
        out += parallel.share_out(processes, run, shared, own_work(), progress)
    if only is None:
        first = views[model.site.default_language]
        out.append(first.chooser())
        if model.site.base_url:
            out.append(first.service_worker(out))
    if sink is not None:
        out = [sink(page) if isinstance(page, Page) else page for page in out]
    seen: set[str] = set()
    for page in out:
        if page.path in seen:
            raise RuntimeError(f"two pages would be written to {page.path}")  # a bug, not a content problem
        seen.add(page.path)
    return Made(sorted(out, key=lambda p: p.path), everyone, {lang: r.lines.lists_made for lang, r in views.items()}, processes)

"""Stage 3 — model: the whole site as data.

Takes validated records (published ones only: drafts and withdrawn entries stop
here and reach no page) and works out what pages need to know about each other:
who lived in which city, what happened on which day, which records cite which
source, and when each entry last changed.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import operator
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from . import routes
from .privacy import initials
from .schema import PartialDate, Site, Timeline
from .validate import Record, Validated


@dataclass(frozen=True, slots=True)  # (slots: a day's or a city's page reads a few fields of thousands)
class Happening:
    """One dated line on a day, city or timeline page: a person's event or a general event."""

    date: PartialDate
    kind: str  # "people" or "events"
    record: Record
    index: int | None = None  # position in the person's events list

    @property
    def city(self) -> str | None:
        if self.kind == "people":
            return self.record.data.events[self.index].city
        return self.record.data.city

    @property
    def sort_key(self) -> tuple:
        return line_key(self.date, self.kind, sort_name(self.record), self.record.id, self.index or 0)


def line_key(date: PartialDate, kind: str, name: str, rid: str, index: int) -> tuple:
    """Where a dated line stands in every dated list: by day (a known day before a month that starts with
    it), general events first, then by name. Unique: it ends with the record's id and the line's index."""
    return (date.first_day, date.precision != "day", kind != "events", name, rid, index)


def person_key(rec: Record) -> tuple:
    """Where a person stands in every list of people: by name. Unique: it ends with the id."""
    return (sort_name(rec), rec.id)


@dataclass(frozen=True)
class Grouping:
    """A list the model keeps in groups: of people (in person_key's order) or of dated lines (Happening,
    in line_key's order), and which groups an item belongs to. Declared once (GROUPINGS), it gives both a
    whole build's groups (``group``) and their update after some people were edited (``regroup``), so
    the two cannot drift apart."""

    of: str  # "people" or "lines"
    keys: Callable[[Any, Timeline], Iterable]  # (item, the site's timeline) -> the keys of its groups

    def order(self, item) -> tuple:
        return person_key(item) if self.of == "people" else item.sort_key


def first_date(rec: Record) -> PartialDate | None:
    """The earliest of a person's dates, a known day before a month that starts with it: their group in the
    people list by date, and the date their row shows."""
    return min((e.date for e in rec.data.events), default=None, key=lambda d: (d.first_day, d.precision != "day"))


def cities_of(rec: Record) -> set[str]:
    """The cities a person lived in or was in."""
    return rec.data.cities()


def letter(rec: Record) -> str:
    """The first letter of a person's sort name: their group in the people list by name."""
    return sort_name(rec)[:1].upper()


# Every grouping of the model, by the SiteModel field that holds it.
GROUPINGS: dict[str, Grouping] = {
    "people": Grouping("people", lambda p, tl: [None]),  # everyone, as one group
    "people_by_city": Grouping("people", lambda p, tl: sorted(cities_of(p)) or [None]),  # None: no city recorded
    "people_citing": Grouping("people", lambda p, tl: p.cited),  # source id -> the people citing it
    "people_by_day": Grouping("people", lambda p, tl: sorted({e.date.first_day for e in p.data.events if e.date.precision == "day"})),
    "by_letter": Grouping("people", lambda p, tl: [letter(p)]),
    "by_first_date": Grouping("people", lambda p, tl: [first_date(p)]),  # None: no date recorded
    "by_fate": Grouping("people", lambda p, tl: p.data.fates),
    "happenings": Grouping("lines", lambda h, tl: [None]),  # every dated line, as one group
    "by_day": Grouping("lines", lambda h, tl: [h.date.first_day] if h.date.precision == "day" else []),
    "events_by_day": Grouping("lines", lambda h, tl: [h.date.first_day] if h.kind == "events" and h.date.precision == "day" else []),
    "happenings_by_city": Grouping("lines", lambda h, tl: [h.city] if h.city else []),
    "events_off_the_days": Grouping("lines", lambda h, tl: off_the_days(h.date, tl) if h.kind == "events" else []),
    # people's facts off the days, by where and month: the timeline counts them
    "months_off_the_days": Grouping(
        "lines",
        lambda h, tl: [(where, PartialDate(h.date.year, h.date.month)) for where in off_the_days(h.date, tl)] if h.kind == "people" else [],
    ),
}
WHOLE = ("people", "happenings")  # groupings of one group: SiteModel holds them as a tuple


def off_the_days(date: PartialDate, timeline: Timeline) -> list[str]:
    """Where the timeline lists a dated line apart from its days: "before" its first day, "vague" (a month
    or a year that overlaps it), "after" its last day; or nowhere (a day of it)."""
    if date.last_day < timeline.start.first_day:
        return ["before"]
    if date.first_day > timeline.end.first_day:
        return ["after"]
    return ["vague"] if date.precision != "day" else []


def group(items: Iterable, grouping: Grouping, timeline: Timeline) -> dict:
    """``items`` (in the grouping's order) in their groups: key -> items."""
    out: dict = {}
    for item in items:
        for key in grouping.keys(item, timeline):
            out.setdefault(key, []).append(item)
    return out


def regroup(groups: dict, grouping: Grouping, timeline: Timeline, gone: Iterable, added: Iterable) -> dict:
    """``groups`` (as ``group`` gives them) after the items ``gone`` left and ``added`` joined. Each is found
    by bisection in its groups (going through 40,000 lines, or sorting a day's again, took `serve` 30 ms);
    only the groups they are in are copied."""
    out = dict(groups)
    copied: set = set()
    order = grouping.order

    def members(key) -> list:
        if key not in copied:
            out[key] = list(out.get(key, ()))
            copied.add(key)
        return out[key]

    for item in gone:
        for key in grouping.keys(item, timeline):
            lst, where = members(key), order(item)
            i = bisect.bisect_left(lst, where, key=order)
            if i == len(lst) or order(lst[i]) != where:
                raise RuntimeError(f"{where} is not in the group {key!r} that held it")  # a bug, not a content problem
            del lst[i]
    for item in added:
        for key in grouping.keys(item, timeline):
            bisect.insort(members(key), item, key=order)
    for key in copied:
        if not out[key]:
            del out[key]
    return out


@dataclass(frozen=True)
class SiteModel:
    site: Site
    people: tuple[Record, ...]  # published, sorted by name (person_key)
    cities: dict  # id -> Record, by name
    sources: dict  # id -> Record, by date
    events: tuple[Record, ...]  # published, by date
    days: tuple[dt.date, ...]  # every date of the timeline
    day_notes: dict  # iso date -> Record from content/days
    figures: tuple[Record, ...]  # by date
    pages: tuple[Record, ...]  # by order
    citing: dict  # source id -> {"events": [...], "figures": [...], "days": [...]} (the people: people_citing)
    last_changed: dict  # load.change_key(path) -> dt.date
    redirects: dict  # former output path -> current output path, from former_ids
    translations: dict  # (kind, id, language) -> Record of its text in that language
    # The groupings (GROUPINGS): key -> people, or dated lines (Happening), in order.
    people_by_city: dict
    people_citing: dict
    people_by_day: dict  # dt.date -> the people with something recorded on that day
    by_letter: dict
    by_first_date: dict
    by_fate: dict
    happenings: tuple[Happening, ...]  # every dated thing, by date
    by_day: dict  # dt.date -> its lines (day precision; only the timeline's days have pages)
    events_by_day: dict  # dt.date -> the general events' lines of that day
    happenings_by_city: dict
    events_off_the_days: dict  # "before", "vague", "after" -> the general events the timeline lists apart from its days
    months_off_the_days: dict  # (where, month or year) -> people's lines on none of the timeline's days
    releases: tuple = ()  # history.Release, newest first: what each release changed (from git)
    downloads: tuple = ()  # the archives beside this build (name, bytes, SHA-256): `build --downloads DIR`

    def day_of(self, date: PartialDate) -> dt.date | None:
        """The day of the timeline a date falls on: None for a month or a year, or a day outside it."""
        return date.first_day if date.precision == "day" and self.site.timeline.covers(date.first_day) else None

    def fates_in(self, cid: str) -> Counter:
        """What happened to the people recorded in a city, counted."""
        counts = self._fates_by_city
        if cid not in counts:
            counts[cid] = Counter(fate for p in self.people_by_city.get(cid, []) for fate in p.data.fates)
        return counts[cid]

    @functools.cached_property
    def as_of(self) -> dt.date | None:
        """The last day a content file changed: the day this copy holds the record as of."""
        return max(self.last_changed.values(), default=None)

    @functools.cached_property
    def people_by_id(self) -> dict:
        """id -> the published person (one table for every language tree's views)."""
        return {rec.id: rec for rec in self.people}

    @functools.cached_property
    def _fates_by_city(self) -> dict:
        return {}  # fates_in's answers (a city at a time: after an edit, only its cities' pages ask)


def sort_name(rec: Record) -> str:
    data = rec.data
    if getattr(data, "display", "full") == "initials":
        return initials(data.name).casefold()
    name = getattr(data, "sort_name", None) or getattr(data, "name", None) or getattr(data, "title", rec.id)
    return name.casefold()


def shown_name(rec: Record) -> str:
    """The name as pages show it: initials only for a living person who asked for it."""
    return initials(rec.data.name) if rec.data.display == "initials" else rec.data.name


def page_id(rec: Record) -> str:
    """The person's address. The id is made from the full name, so an initials-only entry has its own,
    random one, written in the entry (`check` makes sure it is there: see rules.address_of)."""
    if rec.data.display == "initials":
        return rec.data.address
    return rec.id


def build_model(validated: Validated, last_changed: dict, *, drafts: bool = False) -> SiteModel:
    """The site as data. ``drafts``: drafts are on it too (a preview's; their pages say they are drafts)."""
    recs = validated.records
    site = validated.site
    shown = ("published", "draft") if drafts else ("published",)
    names = {r.id: sort_name(r) for r in recs["people"].values() if r.status in shown}
    people = tuple(sorted((r for r in recs["people"].values() if r.id in names), key=lambda r: (names[r.id], r.id)))  # person_key
    events = tuple(sorted((r for r in recs["events"].values() if r.status in shown), key=lambda r: (r.data.date.first_day, r.id)))
    figures = tuple(sorted(recs["figures"].values(), key=lambda r: (r.data.date.first_day, r.id)))
    pages = tuple(sorted((r for r in recs["pages"].values() if r.status in shown), key=lambda r: (r.data.order, r.id)))
    day_notes = {r.id: r for r in recs["days"].values() if r.status in shown}

    # every dated line in order (line_key, with the names looked up rather than worked out again per line)
    dated = [
        (line_key(e.date, "people", names[p.id], p.id, i), Happening(e.date, "people", p, i))
        for p in people
        for i, e in enumerate(p.data.events)
    ]
    dated += [(h.sort_key, h) for h in (Happening(e.data.date, "events", e) for e in events)]
    dated.sort(key=operator.itemgetter(0))
    happenings = tuple(h for _, h in dated)

    start, end = site.timeline.start.first_day, site.timeline.end.first_day
    citing: dict = {sid: {"events": [], "figures": [], "days": []} for sid in recs["sources"]}
    for kind, items in (("events", events), ("figures", figures), ("days", tuple(day_notes.values()))):
        for rec in items:
            for sid in rec.cited:
                citing[sid][kind].append(rec)
    groups = {name: group(people if g.of == "people" else happenings, g, site.timeline) for name, g in GROUPINGS.items()}
    return SiteModel(
        site=site,
        cities=dict(sorted(recs["cities"].items(), key=lambda kv: (kv[1].data.name.casefold(), kv[0]))),
        sources=dict(sorted(recs["sources"].items(), key=lambda kv: (kv[1].data.date.first_day, kv[0]))),
        events=events,
        days=tuple(start + dt.timedelta(days=n) for n in range((end - start).days + 1)),
        day_notes=day_notes,
        figures=figures,
        pages=pages,
        citing=citing,
        last_changed=last_changed,
        redirects=redirects(people, recs["cities"].values(), events, recs["sources"].values(), pages),
        translations={(key.split("/")[0], *key.split("/", 1)[1].rsplit(".", 1)): rec for key, rec in recs["translations"].items()},
        **_flattened(groups),
    )


def with_people(model: SiteModel, changed: dict[str, Record], last_changed: dict) -> SiteModel:
    """What build_model would answer had only these people's entries changed, worked out from ``model``
    (`serve` after an edit: a fraction of the work), grouping by grouping through ``regroup``.

    Each keeps its id and stays published with the same former ids, so no page appears, goes or moves
    (the caller makes sure of it)."""
    old = sorted((model.people_by_id[pid] for pid in changed), key=person_key)  # (in the model's order)
    new = [changed[p.id] for p in old]

    def lines(people) -> list[Happening]:
        return [Happening(e.date, "people", rec, i) for rec in people for i, e in enumerate(rec.data.events)]

    gone_lines, added_lines = lines(old), lines(new)
    groups = {}
    for name, grouping in GROUPINGS.items():
        before = {None: getattr(model, name)} if name in WHOLE else getattr(model, name)
        gone, added = (old, new) if grouping.of == "people" else (gone_lines, added_lines)
        groups[name] = regroup(before, grouping, model.site.timeline, gone, added)
    found = dataclasses.replace(model, last_changed=last_changed, **_flattened(groups))
    # fates_in's answers but for the cities whose people's fates may count otherwise now (a city of
    # thousands was counted again for its page after each edit, a date moved too)
    recounted = set()
    for before, after in zip(old, new, strict=True):
        if before.data.fates != after.data.fates or cities_of(before) != cities_of(after):
            recounted |= cities_of(before) | cities_of(after) | {None}
    found._fates_by_city.update((cid, counts) for cid, counts in model._fates_by_city.items() if cid not in recounted)
    return found


def _flattened(groups: dict) -> dict:
    """The groupings as SiteModel's fields (those of one group as a tuple)."""
    return {name: tuple(found.get(None, ())) if name in WHOLE else found for name, found in groups.items()}


def redirects(people, cities, events, sources, pages) -> dict[str, str]:
    """Old addresses that must keep working: each former id's route leads to the record's route now."""
    out: dict[str, str] = {}
    for group, route in (
        (people, routes.person),
        (cities, routes.city),
        (events, routes.event),
        (sources, routes.source),
        (pages, routes.page),
    ):
        for rec in group:
            new = route(page_id(rec)) if rec.kind == "people" else route(rec.id)
            for old in rec.data.former_ids:
                out[route(old)] = new
    return dict(sorted(out.items()))

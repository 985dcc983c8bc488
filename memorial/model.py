"""Stage 3 — model: the whole site as data.

Takes validated records (published ones only: drafts and withdrawn entries stop
here and reach no page) and works out what pages need to know about each other:
who lived in which city, what happened on which day, which records cite which
source, and when each entry last changed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from . import routes
from .schema import PartialDate, Site
from .validate import Record, Validated


@dataclass(frozen=True)
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
        return (self.date.first_day, self.date.precision != "day", self.kind != "events", sort_name(self.record), self.index or 0)


@dataclass(frozen=True)
class SiteModel:
    site: Site
    people: tuple[Record, ...]  # published, sorted by name
    cities: dict  # id -> Record
    sources: dict
    events: tuple[Record, ...]  # published, by date
    days: tuple[dt.date, ...]  # every date of the timeline
    day_notes: dict  # iso date -> Record from content/days
    figures: tuple[Record, ...]  # by date
    pages: tuple[Record, ...]  # by order
    happenings: tuple[Happening, ...]  # every dated thing, by date
    by_day: dict  # dt.date -> [Happening] (day precision only)
    people_by_city: dict  # city id -> [Record]
    happenings_by_city: dict  # city id -> [Happening]
    citing: dict  # source id -> {"people": [...], "events": [...], "figures": [...]}
    last_changed: dict  # load.change_key(path) -> dt.date
    redirects: dict  # former output path -> current output path, from former_ids
    translations: dict  # (kind, id, language) -> Record of its text in that language


def sort_name(rec: Record) -> str:
    data = rec.data
    if getattr(data, "display", "full") == "initials":
        return initials(data.name).casefold()
    name = getattr(data, "sort_name", None) or getattr(data, "name", None) or getattr(data, "title", rec.id)
    return name.casefold()


def initials(name: str) -> str:
    """'Aigerim Nurlan-Kyzy' -> 'A. N.'"""
    return " ".join(f"{word[0]}." for word in name.replace("-", " ").split() if word[0].isalpha())


def shown_name(rec: Record) -> str:
    """The name as pages show it: initials only for a living person who asked for it."""
    return initials(rec.data.name) if rec.data.display == "initials" else rec.data.name


def page_id(rec: Record) -> str:
    """The person's address. The id is made from the full name, so an initials-only entry gets an opaque one."""
    if rec.data.display == "initials":
        return "p-" + hashlib.sha256(f"memorial-person:{rec.id}".encode()).hexdigest()[:12]
    return rec.id


def build_model(validated: Validated, last_changed: dict) -> SiteModel:
    recs = validated.records
    site = validated.site
    people = tuple(sorted((r for r in recs["people"].values() if r.status == "published"), key=lambda r: (sort_name(r), r.id)))
    events = tuple(sorted((r for r in recs["events"].values() if r.status == "published"), key=lambda r: (r.data.date.first_day, r.id)))
    figures = tuple(sorted(recs["figures"].values(), key=lambda r: (r.data.date.first_day, r.id)))
    pages = tuple(sorted((r for r in recs["pages"].values() if r.status == "published"), key=lambda r: (r.data.order, r.id)))
    day_notes = {r.id: r for r in recs["days"].values() if r.status == "published"}

    happenings = [Happening(e.date, "people", p, i) for p in people for i, e in enumerate(p.data.events)]
    happenings += [Happening(e.data.date, "events", e) for e in events]
    happenings.sort(key=lambda h: h.sort_key)

    start, end = site.timeline.start.first_day, site.timeline.end.first_day
    days = tuple(start + dt.timedelta(days=n) for n in range((end - start).days + 1))
    by_day: dict = {d: [] for d in days}
    by_city: dict = defaultdict(list)
    for h in happenings:
        if h.date.precision == "day" and h.date.first_day in by_day:
            by_day[h.date.first_day].append(h)
        if h.city:
            by_city[h.city].append(h)

    people_by_city: dict = defaultdict(list)
    for p in people:
        cities = {p.data.city} | {e.city for e in p.data.events}
        for cid in sorted(c for c in cities if c):
            people_by_city[cid].append(p)

    citing: dict = {sid: {"people": [], "events": [], "figures": [], "days": []} for sid in recs["sources"]}
    for group, items in (("people", people), ("events", events), ("figures", figures), ("days", tuple(day_notes.values()))):
        for rec in items:
            for sid in cited_sources(rec):
                citing[sid][group].append(rec)

    return SiteModel(
        site=site,
        people=people,
        cities=dict(sorted(recs["cities"].items(), key=lambda kv: (kv[1].data.name.casefold(), kv[0]))),
        sources=dict(sorted(recs["sources"].items(), key=lambda kv: (kv[1].data.date.first_day, kv[0]))),
        events=events,
        days=days,
        day_notes=day_notes,
        figures=figures,
        pages=pages,
        happenings=tuple(happenings),
        by_day=by_day,
        people_by_city=dict(people_by_city),
        happenings_by_city=dict(by_city),
        citing=citing,
        last_changed=last_changed,
        redirects=redirects(people, recs["cities"].values(), events, recs["sources"].values(), pages),
        translations={(key.split("/")[0], *key.split("/", 1)[1].rsplit(".", 1)): rec for key, rec in recs["translations"].items()},
    )


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


def cited_sources(rec: Record) -> list[str]:
    """Source ids a record cites, in the order a reader meets them on its page (the model's field order,
    then the entry's own ``sources``), from the references validation found."""
    order = _field_order(type(rec.data))
    seen: dict[str, None] = {}
    own: list[str] = []
    for path, kind, ref in sorted(rec.refs, key=lambda r: order.get(r[0][0], len(order))):  # stable: within a field, as written
        if kind != "sources":
            continue
        if len(path) == 2 and path[0] == "sources":
            own.append(ref)
        else:
            seen[ref] = None
    seen.update(dict.fromkeys(own))
    return list(seen)


@functools.cache
def _field_order(model_type) -> dict[str, int]:
    return {name: i for i, name in enumerate(model_type.model_fields)}

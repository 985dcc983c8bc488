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
import hashlib
import operator
from collections import Counter, defaultdict
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
    groups: PeopleGroups  # the people lists' groupings

    # Counts the pages of every language show: worked out once, on first use.
    @functools.cached_property
    def people_per_day(self) -> dict:
        """dt.date -> how many people have something recorded on that day."""
        return {d: len({h.record.id for h in hs if h.kind == "people"}) for d, hs in self.by_day.items()}

    @functools.cached_property
    def events_per_day(self) -> dict:
        """dt.date -> the general events on that day (records)."""
        return {d: [h.record for h in hs if h.kind == "events"] for d, hs in self.by_day.items()}

    @functools.cached_property
    def off_the_days(self) -> tuple[list, list, list]:
        """What the timeline lists apart from its days: the dated things before its first day, those
        without a day (a month, a span) within its days, and those after its last day."""
        start, end = self.days[0], self.days[-1]
        before = [h for h in self.happenings if h.date.last_day < start]
        vague = [h for h in self.happenings if h.date.precision != "day" and not (h.date.last_day < start or h.date.first_day > end)]
        after = [h for h in self.happenings if h.date.first_day > end]
        return before, vague, after

    def day_of(self, date: PartialDate) -> dt.date | None:
        """The day of the timeline a date falls on: None for a month or a year, or a day outside it."""
        return date.first_day if date.precision == "day" and date.first_day in self.by_day else None

    def fates_in(self, cid: str) -> Counter:
        """What happened to the people recorded in a city, counted."""
        counts = self._fates_by_city
        if cid not in counts:
            counts[cid] = Counter(fate for p in self.people_by_city.get(cid, []) for fate in p.data.fates)
        return counts[cid]

    @functools.cached_property
    def _fates_by_city(self) -> dict:
        return {}  # fates_in's answers (a city at a time: after an edit, only its cities' pages ask)


@dataclass(frozen=True)
class PeopleGroups:
    """The groups of the people lists, the same in every language (render gives them their headings)."""

    by_letter: tuple[tuple[str, list], ...]  # (first letter of the sort name, people)
    by_city: tuple[tuple[str, list], ...]  # (city id, people who lived or were there), in the cities' order
    no_city: list  # people with no city recorded at all
    by_first_date: tuple[tuple[PartialDate | None, list], ...]  # (their first date, people), earliest first
    by_fate: dict  # fate -> people


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
    names = {r.id: sort_name(r) for r in recs["people"].values() if r.status == "published"}
    people = tuple(sorted((r for r in recs["people"].values() if r.id in names), key=lambda r: (names[r.id], r.id)))
    events = tuple(sorted((r for r in recs["events"].values() if r.status == "published"), key=lambda r: (r.data.date.first_day, r.id)))
    figures = tuple(sorted(recs["figures"].values(), key=lambda r: (r.data.date.first_day, r.id)))
    pages = tuple(sorted((r for r in recs["pages"].values() if r.status == "published"), key=lambda r: (r.data.order, r.id)))
    day_notes = {r.id: r for r in recs["days"].values() if r.status == "published"}

    # Happening.sort_key, with the names looked up rather than worked out again for every line
    dated = [
        ((e.date.first_day, e.date.precision != "day", True, names[p.id], i), Happening(e.date, "people", p, i))
        for p in people
        for i, e in enumerate(p.data.events)
    ]
    dated += [(h.sort_key, h) for h in (Happening(e.data.date, "events", e) for e in events)]
    dated.sort(key=lambda kh: kh[0])
    happenings = [h for _, h in dated]

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
        for cid in sorted(cities_of(p)):
            people_by_city[cid].append(p)

    cities = dict(sorted(recs["cities"].items(), key=lambda kv: (kv[1].data.name.casefold(), kv[0])))
    citing: dict = {sid: {"people": [], "events": [], "figures": [], "days": []} for sid in recs["sources"]}
    for group, items in (("people", people), ("events", events), ("figures", figures), ("days", tuple(day_notes.values()))):
        for rec in items:
            for sid in rec.cited:
                citing[sid][group].append(rec)

    return SiteModel(
        site=site,
        people=people,
        cities=cities,
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
        groups=people_groups(people, names, cities, people_by_city),
    )


def with_people(model: SiteModel, changed: dict[str, Record], last_changed: dict) -> SiteModel:
    """What build_model would answer had only these people's entries changed, worked out from ``model``
    (`serve` after an edit: a fraction of the work).

    Each keeps its id and stays published with the same former ids, so no page appears, goes or moves
    (the caller makes sure of it): their lines leave the lists that held them and join the lists that
    hold them now, in the order build_model gives."""
    old = {p.id: p for p in model.people if p.id in changed}
    people = [changed.get(p.id, p) for p in model.people]
    if any(sort_name(changed[pid]) != sort_name(rec) for pid, rec in old.items()):
        people.sort(key=lambda r: (sort_name(r), r.id))
    position = {p.id: i for i, p in enumerate(people)}

    def theirs(h: Happening) -> bool:
        return h.record.id in changed and h.kind == "people"

    def lines(people) -> list[Happening]:
        return [Happening(e.date, "people", rec, i) for rec in people for i, e in enumerate(rec.data.events)]

    gone, added = lines(old.values()), lines(changed.values())
    happenings = _replaced(model.happenings, gone, added, theirs)

    def regroup(groups: dict, key_of, *, keep_empty: bool = False) -> dict:
        """Dated lines keyed by day or city: the changed people's taken out, and put back where they belong."""
        out = dict(groups)
        for key in {key_of(h) for h in gone + added} - {None}:
            out[key] = _replaced(groups.get(key, []), [h for h in gone if key_of(h) == key], [h for h in added if key_of(h) == key], theirs)
        return out if keep_empty else {k: v for k, v in out.items() if v}

    def day_of(h: Happening):
        return model.day_of(h.date)

    def moved(groups: dict, keys_of) -> dict:
        """People lists keyed by city or source: the changed people taken out, and put back where they belong."""
        out = dict(groups)
        for key in set().union(*(keys_of(r) for r in [*old.values(), *changed.values()])):
            members = [p for p in groups.get(key, []) if p.id not in changed] + [r for r in changed.values() if key in keys_of(r)]
            out[key] = sorted(members, key=lambda p: position[p.id])
        return {k: v for k, v in out.items() if v}

    people_by_city = moved(model.people_by_city, cities_of)
    citing_people = moved({sid: c["people"] for sid, c in model.citing.items()}, lambda r: set(r.cited))
    return dataclasses.replace(
        model,
        people=tuple(people),
        happenings=tuple(happenings),
        by_day=regroup(model.by_day, day_of, keep_empty=True),  # every day of the timeline has a page
        happenings_by_city=regroup(model.happenings_by_city, lambda h: h.city),
        people_by_city=people_by_city,
        citing={sid: {**c, "people": citing_people.get(sid, [])} for sid, c in model.citing.items()},
        last_changed=last_changed,
        groups=_regrouped(model.groups, old, changed, position, model.cities, people_by_city),
    )


def first_date(rec: Record) -> PartialDate | None:
    """The earliest of a person's dates, a known day before a month that starts with it: their group in the people lists."""
    return min((e.date for e in rec.data.events), default=None, key=lambda d: (d.first_day, d.precision != "day"))


def cities_of(rec: Record) -> set[str]:
    """The cities a person lived in or was in."""
    return rec.data.cities()


_SORT_KEY = operator.attrgetter("sort_key")


def _replaced(lines, gone: list[Happening], added: list[Happening], theirs) -> list[Happening]:
    """``lines`` (in _SORT_KEY's order) without the lines ``gone`` and with ``added``, in the same order:
    each found by bisection (going through 40,000 lines, or sorting a day's again, took `serve` 30 ms).
    ``theirs(h)``: whether h belongs to the people changed (the slow way, should a line not be found)."""
    out = list(lines)
    for h in gone:
        i = bisect.bisect_left(out, _SORT_KEY(h), key=_SORT_KEY)
        while i < len(out) and not (out[i].record.id == h.record.id and out[i].kind == h.kind and out[i].index == h.index):
            i += 1
        if i == len(out):
            return _replaced([line for line in lines if not theirs(line)], [], added, theirs)
        del out[i]
    for h in added:
        bisect.insort(out, h, key=_SORT_KEY)
    return out


def _letter(name: str) -> str:
    return name[:1].upper()


def _date_key(first: PartialDate | None) -> tuple:
    return (0, first.first_day, first.precision) if first else (1, dt.date.max, "")


def people_groups(people, names: dict, cities: dict, people_by_city: dict) -> PeopleGroups:
    by_letter: dict[str, list] = {}
    by_date: dict[tuple, tuple] = {}
    by_fate: dict[str, list] = {}
    no_city = []
    for p in people:
        by_letter.setdefault(_letter(names[p.id]), []).append(p)
        data = p.data
        first = first_date(p)
        by_date.setdefault(_date_key(first), (first, []))[1].append(p)
        for fate in data.fates:
            by_fate.setdefault(fate, []).append(p)
        if not cities_of(p):
            no_city.append(p)
    return PeopleGroups(
        by_letter=tuple(by_letter.items()),
        by_city=tuple((cid, people_by_city[cid]) for cid in cities if people_by_city.get(cid)),
        no_city=no_city,
        by_first_date=tuple(by_date[k] for k in sorted(by_date)),
        by_fate=by_fate,
    )


def _regrouped(groups: PeopleGroups, old: dict, changed: dict, position: dict, cities: dict, people_by_city: dict) -> PeopleGroups:
    """people_groups' answer after only ``changed`` people changed (``old``: as they were)."""

    def moved(pairs, keys_of) -> dict:
        lists = {key: [p for p in members if p.id not in changed] for key, members in pairs}
        for rec in changed.values():
            for key in keys_of(rec):
                lists.setdefault(key, []).append(rec)
        for key in {key for rec in [*old.values(), *changed.values()] for key in keys_of(rec)}:
            lists[key].sort(key=lambda p: position[p.id])
        return {key: members for key, members in lists.items() if members}

    by_letter = moved(groups.by_letter, lambda r: [_letter(sort_name(r))])
    by_date = moved(((_date_key(first), members) for first, members in groups.by_first_date), lambda r: [_date_key(first_date(r))])
    no_city = moved([("", groups.no_city)], lambda r: [] if cities_of(r) else [""]).get("", [])
    return PeopleGroups(
        by_letter=tuple(sorted(by_letter.items(), key=lambda kv: position[kv[1][0].id])),
        by_city=tuple((cid, people_by_city[cid]) for cid in cities if people_by_city.get(cid)),
        no_city=no_city,
        by_first_date=tuple((first_date(members[0]), members) for _, members in sorted(by_date.items())),
        by_fate=moved(groups.by_fate.items(), lambda r: r.data.fates),
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

"""The rules that a record must keep beside its own schema: what it names must exist, its dates must fall
where they belong, each kind's own rules (a day file inside the timeline, a page id the site does not
use, a photo inside content/, an initials-only entry that does not give the name away), ids and former
ids that lead to one record only, translations of records that exist. Each gives every problem it
finds (validate.py runs them over every record, or over those an edit changed)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from . import routes
from .diagnostics import Diagnostic, Position, did_you_mean, error, warning
from .images import photo_problem as image_problem
from .load import windows_reserved
from .markdown import nesting_problem
from .privacy import Names, privacy_problems
from .schema import ADDRESS_PATTERN, Site, fresh_address, matched_facts, parse_partial_date

if TYPE_CHECKING:  # (validate.py runs these rules: a name for the annotations only)
    from .validate import Record

# The site's own pages in the folders records are written to: a record whose address is one of them would
# be written over it (or over an initials-only person's opaque address, p-<12 hex digits>).
SITE_PAGES = {
    **{path: "a people list" for path in routes.PEOPLE_BY.values()},
    routes.CITIES: "the list of cities",
    routes.SOURCES: "the list of sources",
    "events/index.html": "a page the site keeps for events",
}
ADDRESSES = {"people": routes.person, "cities": routes.city, "sources": routes.source, "events": routes.event}
OPAQUE = re.compile(ADDRESS_PATTERN)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
RESERVED_PAGE_IDS = {
    "index", "people", "cities", "days", "sources", "events", "timeline", "assets", "photos", "data", "search", "404", "download", "changes",
}  # fmt: skip


def record_problems(
    rec: Record, records: dict, invalid: dict, site: Site | None, today: dt.date, content_dir: Path, names: Names, partial: bool = False
):
    """Every problem of one record seen against the others: what it names, its dates, its kind's rules,
    the name of a person shown by initials (``names``: privacy.name_index of every person)."""
    return [
        *_reference_problems(rec, records, invalid, partial),
        *_date_problems(rec, site, today),
        *_rule_problems(rec, site, content_dir),
        *_fact_city_problems(rec, records["cities"]),
        *privacy_problems(rec, records, names),
        *body_problems(rec),
        *(translation_problems(rec, records, site) if rec.kind == "translations" else ()),
    ]


def reference_problems(refs, position, records: dict, invalid: dict) -> list[Diagnostic]:
    """Each city or source named (``refs``: (path, kind, id)) that no file defines, with a "did you mean"."""
    out = []
    noun = {"cities": "city", "sources": "source"}
    for path, target, ref in refs:
        if isinstance(ref, str) and ref not in records[target] and ref not in invalid[target]:
            hint = did_you_mean(ref, records[target])
            out.append(error(position(path), f"{noun[target]} '{ref}' is not defined{hint or f' (add content/{target}/{ref}.yaml)'}"))
    return out


def _reference_problems(rec: Record, records: dict, invalid: dict, partial: bool) -> list[Diagnostic]:
    out = reference_problems(rec.refs, rec.doc.position, records, invalid)
    if rec.kind == "people" and not partial:
        for i, other in enumerate(rec.data.not_duplicate_of):
            if other not in records["people"] and other not in invalid["people"]:
                out.append(
                    error(
                        rec.doc.position(("not_duplicate_of", i)),
                        f"person '{other}' is not defined{did_you_mean(other, records['people'])}",
                    )
                )
    return out


# ---------------------------------------------------------------- dates


def _dated(rec: Record):
    """Yield (path, date) for every date in a record that places it in time."""
    data = rec.data
    if rec.kind == "people":
        for i, ev in enumerate(data.events):
            yield ("events", i, "date"), ev.date
    elif rec.kind == "events":
        yield ("date",), data.date
        if data.end_date:
            yield ("end_date",), data.end_date


def _date_problems(rec: Record, site: Site | None, today: dt.date) -> list[Diagnostic]:
    out = []
    for path, value in rec.dates:
        if value.first_day > today:
            out.append(error(rec.doc.position(path), f"{path[-1]}: {value.iso} is in the future"))
    if site is None:
        return out
    start, end = site.timeline.start.first_day, site.timeline.end.last_day
    for path, value in _dated(rec):
        if value.last_day < start:
            out.append(
                warning(
                    rec.doc.position(path),
                    f"{path[-1]}: {value.iso} is before the timeline ({start:%Y-%m-%d} to {end:%Y-%m-%d}); if the source misprints the year, record the corrected date and explain it in date_note",
                )
            )
        elif rec.kind == "events" and path == ("date",) and value.first_day > end and not rec.data.aftermath:
            out.append(
                warning(
                    rec.doc.position(path),
                    f"date: {value.iso} is after the timeline ({start:%Y-%m-%d} to {end:%Y-%m-%d}); mark the event 'aftermath: true' if that is right",
                )
            )
    if rec.kind == "events" and rec.data.end_date and rec.data.end_date.last_day < rec.data.date.first_day:
        out.append(error(rec.doc.position(("end_date",)), f"end_date: {rec.data.end_date.iso} is before date {rec.data.date.iso}"))
    return out


# ---------------------------------------------------------------- a dated fact's city


def _city_names(cities: dict):
    """One pattern that finds any city's name (or other form of it) in a text, and the city each names."""
    # (asked once a person: one list comprehension, not generators inside a generator, which took half again as long)
    return _city_pattern(
        tuple(sorted([(n, cid) for cid, rec in cities.items() for n in (rec.data.name, *[f.name for f in rec.data.name_forms])]))
    )


@functools.lru_cache(maxsize=2)  # (made once for a set of cities, not once a person)
def _city_pattern(named: tuple):
    by_name = dict(named)
    names = sorted(by_name, key=len, reverse=True)  # "Ust-Kamenogorsk" before a shorter name inside it
    # a whole name, not one that names a region ("the Almaty region" may be outside the city of Almaty)
    pattern = re.compile(rf"(?<!\w)({'|'.join(map(re.escape, names))})(?![\w-])(?!\s+[Rr]egion)") if names else None
    return pattern, by_name


def _fact_city_problems(rec: Record, cities: dict) -> list[Diagnostic]:
    """A dated fact's city is where the source puts that fact, not the person's city copied down. What can
    be seen without the source: a fact whose own text names other cities and not its own."""
    if rec.kind != "people" or not cities:
        return []
    pattern, by_name = _city_names(cities)
    out = []
    for i, event in enumerate(rec.data.events):
        if event.city is None or event.city not in cities or pattern is None:
            continue
        named = dict.fromkeys(by_name[m.group(1)] for m in pattern.finditer(event.what))
        if named and event.city not in named:
            others = " and ".join(cities[cid].data.name for cid in named)
            out.append(
                warning(
                    rec.doc.position(("events", i, "city")),
                    f"this fact's city is '{event.city}' but its text names {others} and not {cities[event.city].data.name}: "
                    "a fact's city is where the source puts that fact; correct 'city' or remove it",
                )
            )
    return out


# ---------------------------------------------------------------- per-kind rules


def _rule_problems(rec: Record, site: Site | None, content_dir: Path) -> list[Diagnostic]:
    """The rules of each kind of record."""
    out = _address_problems(rec)
    if rec.kind == "events" and rec.data.national and rec.data.city:
        out.append(
            error(rec.doc.position(("national",)), "an event is either national or in a city: remove 'city' or set 'national: false'")
        )
    elif rec.kind == "days":
        try:
            day = parse_partial_date(rec.id)
        except ValueError:
            day = None
        if day is None or day.precision != "day":
            out.append(error(rec.doc.position(), f"a day file is named after its date, e.g. 2022-01-05.md; '{rec.id}' is not a date"))
        elif site and not site.timeline.covers(day.first_day):
            out.append(
                error(
                    rec.doc.position(),
                    f"{rec.id} is outside the timeline ({site.timeline.start} to {site.timeline.end}); there is no page for that day",
                )
            )
    elif rec.kind == "pages" and rec.id in RESERVED_PAGE_IDS:
        out.append(
            error(
                rec.doc.position(),
                f"page id '{rec.id}' is taken by the site itself ({', '.join(sorted(RESERVED_PAGE_IDS))}); rename the file",
            )
        )
    elif rec.kind == "people":
        for where, name in [(("name",), rec.data.name), *((("aliases", i), a) for i, a in enumerate(rec.data.aliases))]:
            if CYRILLIC.search(name):
                out.append(
                    error(
                        rec.doc.position(where),
                        f"'{name}' is in Cyrillic: names and aliases are written as the sources write them in Latin letters; "
                        "a form in another script goes in 'name_forms', with the source that gives it",
                    )
                )
        for i, event in enumerate(rec.data.events):
            if event.fate is not None and event.fate not in rec.data.fates:
                out.append(
                    error(
                        rec.doc.position(("events", i, "fate")),
                        f"this fact's fate '{event.fate}' is not among the person's fates ({', '.join(rec.data.fates) or 'none'}): "
                        f"add it to 'fates', or correct or remove this 'fate'",
                    )
                )
        photo = rec.data.photo
        if photo is not None:
            problem = photo_problem(photo.file, content_dir)
            if problem:
                out.append(error(rec.doc.position(("photo", "file")), f"photo file: {problem}"))
    return out


def body_problems(rec: Record) -> list[Diagnostic]:
    """Every problem a record's Markdown body (a person's story) can cause; the rest of validation reads
    only the front matter, so this is all there is to redo when only a story changed."""
    out = []
    nested = nesting_problem(rec.body)
    if nested:
        line, problem = nested
        out.append(
            error(Position(rec.doc.display, rec.doc.body_line + line, 1), f"{'story' if rec.kind == 'people' else 'text'}: {problem}")
        )
    if rec.kind != "people":
        return out
    out.extend(_initials_problems(rec) if rec.data.display == "initials" else [])
    if rec.data.display != "initials" and rec.data.address is not None:
        out.append(
            error(
                rec.doc.position(("address",), key=True),
                "an address is only for a person shown by initials (display: initials); remove it, the page's address is the file name",
            )
        )
    if not rec.body.strip():
        out.append(warning(rec.doc.position(), "the entry has no story; write a few sentences below the front matter"))
    return out


def photo_problem(file: str, content_dir: Path) -> str | None:
    """Why a path written in content cannot be used, or None when it is safe."""
    p = PurePosixPath(file)
    if p.is_absolute() or "\\" in file or ":" in file:
        return f"'{file}' must be a path inside content/, such as photos/name.jpg"
    if ".." in p.parts:
        return f"'{file}' must not contain '..'; keep the file inside content/"
    if (content_dir / p).is_symlink():
        return f"'{file}' is a symbolic link; put the photo itself in content/"
    target = (content_dir / p).resolve()
    if not target.is_relative_to(content_dir.resolve()):
        return f"'{file}' leads outside content/"
    if not target.is_file():
        return f"'{file}' does not exist in content/"
    problem = image_problem(target)
    return f"'{file}' {problem}" if problem else None


def _initials_problems(rec: Record) -> list[Diagnostic]:
    """An initials-only entry must not give the name away (its texts, and every other record's, are read by
    privacy.privacy_problems): no photo, no sort name, and an address of its own that is not made from it."""
    out = []
    if rec.data.photo is not None:
        out.append(error(rec.doc.position(("photo",), key=True), "a person shown by initials cannot have a photo; remove it"))
    if rec.data.sort_name:
        out.append(error(rec.doc.position(("sort_name",), key=True), "a person shown by initials is sorted by initials; remove sort_name"))
    if rec.data.address is None:
        out.append(
            error(
                rec.doc.position(("display",), key=True),
                "a person shown by initials needs an address of their own, random so that no one can confirm a guessed "
                f"name with it: add the line 'address: {fresh_address()}' (a fresh one, made for you) below this one",
            )
        )
    return out


def check_ids(records) -> list[Diagnostic]:
    """Former ids keep old addresses alive: they must not clash with a current id or with each other. An
    initials-only person's address leads to them alone (ids cannot take its form: address_problem)."""
    out = []
    addresses: dict[str, str] = {}
    for rec in records["people"].values():
        address = rec.data.address
        if address is not None and address in addresses:
            out.append(
                error(
                    rec.doc.position(("address",)),
                    f"address '{address}' is also the address of {addresses[address]}; "
                    f"an address leads to one person only: write 'address: {fresh_address()}' (a fresh one) here",
                )
            )
        if address is not None:
            addresses.setdefault(address, rec.doc.display)
    for kind, recs in records.items():
        claimed: dict[str, str] = {}
        for rec in recs.values():
            former = getattr(rec.data, "former_ids", [])
            if former and getattr(rec.data, "display", "full") == "initials":
                out.append(
                    error(
                        rec.doc.position(("former_ids",), key=True),
                        "a person shown by initials cannot keep former ids: they are made from the full name",
                    )
                )
            for i, old in enumerate(former):
                where = rec.doc.position(("former_ids", i))
                if old in recs:
                    out.append(
                        error(where, f"former id '{old}' is the id of {recs[old].doc.display}; an address can lead to one record only")
                    )
                elif old in claimed:
                    out.append(error(where, f"former id '{old}' is also claimed by {claimed[old]}"))
                elif kind == "pages" and old in RESERVED_PAGE_IDS:
                    out.append(error(where, f"former id '{old}' is taken by the site itself"))
                elif windows_reserved(old):
                    out.append(error(where, f"former id {windows_reserved(old)}; remove it"))
                claimed.setdefault(old, rec.doc.display)
    return out


def translation_problems(rec: Record, records: dict, site: Site | None) -> list[Diagnostic]:
    """A translation belongs to a record that exists, in a language the site has, and translates what it has."""
    out = []
    kind, name = rec.id.split("/", 1)
    base, lang = name.rsplit(".", 1)
    if base not in records[kind]:
        out.append(error(rec.doc.position(), f"this translates {kind}/{base}, which does not exist{did_you_mean(base, records[kind])}"))
    if site is not None and (lang not in site.languages or lang == site.default_language):
        others = [code for code in site.languages if code != site.default_language]
        out.append(
            error(
                rec.doc.position(),
                f"'{lang}' is not one of the site's other languages ({', '.join(others) or 'none'}); name the file <id>.<language>.md",
            )
        )
    if kind in ("people", "cities", "days", "figures") and rec.data.title:
        out.append(error(rec.doc.position(("title",), key=True), f"a {kind} translation has no title; only its text is translated"))
    entry = records[kind].get(base)
    out.extend(_own_fields_problems(rec, kind))
    if kind == "people":
        out.extend(_fact_translation_problems(rec, entry.data if entry is not None else None))
    elif kind == "figures":
        out.extend(_figure_translation_problems(rec, entry.data if entry is not None else None))
    return out


# The fields only one kind's translation carries (the others: a body, and events' and pages' a title)
OWN_FIELDS = {
    "people": ("occupation", "events", "justice", "conflicts"),
    "figures": ("value", "what", "given_by", "note"),
}
CARRIES = {  # what each kind's translation has, as its errors say
    "people": "its story (the body) and occupation, events, justice and conflicts",
    "events": "its body and title",
    "pages": "its body and title",
    "cities": "its body",
    "days": "its body",
    "figures": "value, what, given_by and note (a figure has no body)",
}
WHOSE = {"people": "a person's", "figures": "a figure's"}


def _own_fields_problems(rec: Record, kind: str) -> list[Diagnostic]:
    """A field that only another kind's translation carries (a person's occupation in a city's file)."""
    return [
        error(
            rec.doc.position((name,), key=True),
            f"'{name}' is translated in {WHOSE[owner]} file only; a {kind} translation has {CARRIES.get(kind, 'its body')}",
        )
        for owner, names in OWN_FIELDS.items()
        if owner != kind
        for name in names
        if getattr(rec.data, name)
    ]


NUMBER = re.compile(r"\d+(?:[ ,.\u00a0\u202f]\d{3})*(?![\d])")


def numbers_in(text: str) -> list[int]:
    """The whole numbers a text gives, however they are grouped (10,000, 10 000, 10\u00a0000: 10000)."""
    return [int(re.sub(r"\D", "", n)) for n in NUMBER.findall(text)]


def _figure_translation_problems(rec: Record, figure) -> list[Diagnostic]:
    """A figure's translation translates what the figure has (a note only if it has one), gives its value
    with the same numbers, and has no body (a figure has none to translate). ``figure``: the figure's data
    (None: it does not exist, which is reported already)."""
    tr, at = rec.data, rec.doc.position
    out = []
    if rec.body.strip():
        out.append(
            error(
                Position(rec.doc.display, rec.doc.body_line, 1),
                "a figure has no text below its fields, so its translation has none: translate value, what, given_by and note "
                "in the front matter",
            )
        )
    if figure is None:
        return out
    if tr.note and figure.note is None:
        out.append(error(at(("note",), key=True), "the figure has no note to translate; remove it here, or add it there"))
    if tr.value and numbers_in(tr.value) != numbers_in(figure.value):
        mine, theirs = numbers_in(tr.value), numbers_in(figure.value)
        out.append(
            error(
                at(("value",)),
                f"the value gives {', '.join(map(str, mine)) or 'no number'} where the figure gives "
                f"{', '.join(map(str, theirs)) or 'none'}; a translation gives the same numbers, in this language's words",
            )
        )
    return out


def _fact_translation_problems(rec: Record, person) -> list[Diagnostic]:
    """A translation of a person's front matter translates what the entry has: an occupation, a justice note,
    each fact (named by its date) and each conflict and side. ``person``: the entry's data (None: it does
    not exist, which is reported already)."""
    tr, at = rec.data, rec.doc.position
    if person is None:  # (reported already: the entry it translates does not exist)
        return []
    out = []
    if tr.occupation and person.occupation is None:
        out.append(error(at(("occupation",), key=True), "the entry has no occupation to translate; remove it here, or add it there"))
    if tr.justice and not (person.justice and person.justice.note):
        out.append(error(at(("justice",), key=True), "the entry has no justice note to translate; remove it here, or add it there"))
    _, unmatched = matched_facts(person.events, tr.events)
    dates = sorted({e.date.iso for e in person.events})
    for i in unmatched:
        date = tr.events[i].date.iso
        many = sum(1 for e in person.events if e.date.iso == date)
        why = (
            f"the entry has no fact dated {date}"
            if not many
            else f"the entry has {many} fact{'s' if many > 1 else ''} dated {date} and this is one more translation of that date"
        )
        out.append(
            error(
                at(("events", i, "date")),
                f"{why}; each translated fact names the fact it translates by its date "
                f"(the entry's facts are dated {', '.join(dates) or 'nothing: it has none'})",
            )
        )
    for i, conflict in enumerate(tr.conflicts):
        if i >= len(person.conflicts):
            out.append(
                error(
                    at(("conflicts", i)),
                    f"the entry has {len(person.conflicts)} conflict{'s' if len(person.conflicts) != 1 else ''}; "
                    "conflicts are translated in the entry's order, one for each",
                )
            )
        elif len(conflict.sides) > len(person.conflicts[i].sides):
            out.append(
                error(
                    at(("conflicts", i, "sides")),
                    f"this conflict has {len(person.conflicts[i].sides)} sides in the entry; give one claim for each, in its order",
                )
            )
    return out


def _address_problems(rec: Record) -> list[Diagnostic]:
    return address_problems(rec.kind, rec.id, getattr(rec.data, "former_ids", []), rec.doc.position)


def address_problems(kind: str, rid: str, former_ids, position) -> list[Diagnostic]:
    """A record's page, and the pages its former ids keep, must not take the address of one of the site's
    own pages, nor look like an initials-only person's opaque address. (Checked of a file whose fields
    are not valid too: a clash of ids is a problem of its own, and must not wait for the next round.)"""
    route = ADDRESSES.get(kind)
    if route is None:
        return []
    out = []
    for where, old in [((), rid), *((("former_ids", i), old) for i, old in enumerate(former_ids) if isinstance(old, str))]:
        problem = address_problem(kind, old)
        if problem:
            what = f"id '{old}'" if not where else f"former id '{old}'"
            out.append(error(position(where), f"{what} {problem}; rename the file"))  # (position only for a message: it may read the file)
    return out


def address_problem(kind: str, rid: str) -> str | None:
    """Why a record of ``kind`` may not have the id ``rid`` (None if it may)."""
    route = ADDRESSES.get(kind)
    if route is not None and route(rid) in SITE_PAGES:
        return f"would be written to {route(rid)}, which is {SITE_PAGES[route(rid)]}"
    if kind == "people" and OPAQUE.match(rid):
        return "has the form of the address of a person shown by initials (p- and 12 letters or digits)"
    return None

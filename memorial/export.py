"""Open data: the memorial's published records as CSV and JSON, described by a Frictionless data package.

``data_files(model)`` is pure: it reads only the ``SiteModel`` (which holds
published records only) and returns the files as ``Page`` objects, the same
deterministic bytes on every call. Nothing from ``private:`` is ever read, and
a person shown by initials appears with initials and their random address only, without
aliases or name forms, exactly as their page shows them.

Files (under ``base_path``, default ``data/``), as datapackage.py declares them:

- ``people.csv`` / ``people.json``: one row per published person;
- ``events.csv``: one row per dated fact, each person's and each general event;
- ``cities.csv`` / ``cities.geojson``: every city, with where it is and how many people are recorded there;
- ``figures.csv``: every figure, as given;
- ``sources.csv``: every source, so the ids in the other files can be resolved;
- ``citations.csv``: which record cites which source, for what;
- ``datapackage.json``: the Frictionless Data Package describing them.

Dates are written as the content gives them (``2022-01-05``, ``2022-01`` or
``2022``), so they are strings; ``events.csv`` adds the earliest and latest day
each date can mean, which are full dates.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import json
import operator
from dataclasses import dataclass
from types import SimpleNamespace

from .datapackage import CITATIONS, CITIES, EVENTS, FIGURES, LIST_SEPARATOR, PEOPLE, SOURCES_CSV, package
from .model import SiteModel, page_id, shown_name
from .routes import Page, city, event, person, source

_PRECISION_ORDER = {"day": 0, "month": 1, "year": 2}


def by_fields(obj) -> tuple:
    """How a frozen dataclass with slots is pickled (its ``__reduce__``): as its class and its fields' values.
    Python's own way makes a list of them and sets them back one at a time in Python; the build's cache holds
    30,000 of them at 10,000 people in three languages, and this took a third off their time."""
    return type(obj), tuple(getattr(obj, name) for name in obj.__slots__)


@dataclass(frozen=True, slots=True)  # (slots: the files are joined from one field of each of 10,000)
class PersonData:
    """One person's lines in the open-data files. Made with the person's page and kept between builds,
    so that after an edit the files are assembled rather than rebuilt from every record."""

    id: str  # the files list people by id
    csv: str  # the person's line of people.csv (with its newline)
    json: str  # the person's object in people.json, on one line
    events: tuple[tuple[str, str], ...]  # (sort key, line of events.csv) for each dated fact
    citations: str = ""  # the person's lines of citations.csv

    __reduce__ = by_fields


def data_files(model: SiteModel, base_path: str = "data/", people: dict | None = None) -> list[Page]:
    """The open-data files for ``model``, as pages under ``base_path``; identical bytes on every call.

    ``people``: person id -> PersonData already made (see ``person_data``); the others are made here."""
    return open_data(model, base_path, people)[0]


@dataclass(frozen=True)
class Joined:
    """The people's lines of the open-data files in the files' order, joined a part at a time, as one build
    made them: the next (after an edit in `serve`) takes them and joins again only the parts whose lines
    changed (joining and encoding the whole files took 50 ms of every edit to a fact)."""

    ids: tuple[str, ...]  # each person's id in the model's order
    order: list[int]  # the model's people by id: their places in it
    made: list[PersonData]  # the people's lines by id
    general: list[tuple[str, str]]  # (sort key, line of events.csv) for each general event
    people: list[tuple[bytes, bytes, bytes]]  # each PART of ``made``: its lines of people.csv, people.json and citations.csv
    days: dict[str, tuple[list, bytes]]  # the first day of a date -> the lines of events.csv on it ((key, line), sorted), joined


PART = 256  # people a part of people.csv, people.json and citations.csv is joined from (see Joined)


def open_data(
    model: SiteModel, base_path: str = "data/", people: dict | None = None, last: Joined | None = None
) -> tuple[list[Page], Joined]:
    """data_files, and how its lines were joined; from those of the ``last`` build where the same people
    are listed: only the lines of those whose PersonData is not the very one it joined are put in place
    again, and only the parts holding them joined again."""
    base = base_path if base_path.endswith("/") or not base_path else base_path + "/"
    found = list(map((people or {}).get, map(_ID, model.people)))  # (no Python call a person: there are 10,000)
    datas = found if all(found) else [data or person_data(model, rec) for data, rec in zip(found, model.people, strict=True)]
    ids = tuple(map(_ID, datas))
    general = [(key, _csv_line(EVENTS.column_names, row)) for key, row in general_event_rows(model)]
    if last is not None and last.ids == ids and last.general == general:
        order = last.order
        made = list(map(datas.__getitem__, order))
        changed = list(itertools.compress(itertools.count(), map(operator.is_not, made, last.made)))
        parts = list(last.people)
        for part in {i // PART for i in changed}:
            parts[part] = _people_part(made[part * PART : (part + 1) * PART])
        days, touched = dict(last.days), {}
        for i in changed:  # (keys are unique: the lines out and in found by bisection)
            for key, _ in last.made[i].events:
                lines = touched.get(_day(key)) or touched.setdefault(_day(key), list(days[_day(key)][0]))
                del lines[bisect.bisect_left(lines, key, key=_KEY)]
            for line in made[i].events:
                day = _day(line[0])
                lines = touched.get(day) or touched.setdefault(day, list(days[day][0]) if day in days else [])
                lines.insert(bisect.bisect_left(lines, line[0], key=_KEY), line)
        for day, lines in touched.items():
            days[day] = (lines, _events_part(lines))
            if not lines:
                del days[day]
        if touched.keys() - last.days.keys():
            days = dict(sorted(days.items()))
    else:
        order = sorted(range(len(ids)), key=ids.__getitem__)
        made = list(map(datas.__getitem__, order))
        parts = [_people_part(made[start : start + PART]) for start in range(0, len(made), PART)]
        events = [line for d in made for line in d.events] + general
        events.sort(key=_KEY)
        days = {}
        for day, lines in itertools.groupby(events, key=lambda line: _day(line[0])):
            found = list(lines)
            days[day] = (found, _events_part(found))
    cities = city_rows(model)
    files = {
        "people.csv": _csv_line(PEOPLE.column_names, None).encode() + b"".join(part[0] for part in parts),
        "people.json": b"[\n" + b",\n".join(part[1] for part in parts) + b"\n]\n",
        "events.csv": _csv_line(EVENTS.column_names, None).encode() + b"".join(joined for _, joined in days.values()),
        "cities.csv": _csv(CITIES.column_names, cities),
        "cities.geojson": _json(geojson(cities)),
        "figures.csv": _csv(FIGURES.column_names, figure_rows(model)),
        "sources.csv": _csv(SOURCES_CSV.column_names, source_rows(model)),
        "citations.csv": (
            _csv_line(CITATIONS.column_names, None).encode()
            + b"".join(part[2] for part in parts)
            + "".join(_csv_line(CITATIONS.column_names, row) for row in other_citation_rows(model)).encode()
        ),
        "datapackage.json": _json(package(model)),
    }
    pages = [Page(base + name, data) for name, data in sorted(files.items())]
    return pages, Joined(ids, order, made, general, parts, days)


def _people_part(made: list[PersonData]) -> tuple[bytes, bytes, bytes]:
    return "".join(d.csv for d in made).encode(), ",\n".join(d.json for d in made).encode(), "".join(d.citations for d in made).encode()


def _events_part(lines: list[tuple[str, str]]) -> bytes:
    return "".join(map(operator.itemgetter(1), lines)).encode()


def _day(key: str) -> str:
    """The first day in an events.csv line's sort key (its lines are sorted by the key, so by it first)."""
    return key[: key.index("\0")]


_ID, _KEY = operator.attrgetter("id"), operator.itemgetter(0)


# ------------------------------------------------------------------ rows


def person_data(model: SiteModel, rec) -> PersonData:
    row = person_row(model, rec)
    events = person_event_rows(model, rec)
    person_line, *event_lines = _csv_lines([(PEOPLE.column_names, row)] + [(EVENTS.column_names, event_row) for _, event_row in events])
    citations = _csv_lines([(CITATIONS.column_names, cited) for cited in person_citation_rows(rec)])
    return PersonData(
        row["id"],
        person_line,
        json.dumps(row, ensure_ascii=False, sort_keys=True),
        tuple((key, line) for (key, _), line in zip(events, event_lines, strict=True)),
        "".join(citations),
    )


def person_row(model: SiteModel, rec) -> dict:
    """A published person's row, lists kept as lists."""
    tree = f"{model.site.default_language}/"  # pages live in one tree per language; link the content's own
    data = rec.data
    full = data.display == "full"
    pid = page_id(rec)
    dates = sorted((e.date for e in data.events), key=lambda d: (d.first_day, _PRECISION_ORDER[d.precision], d.iso))
    return {
        "id": pid,
        "name": shown_name(rec),
        "aliases": list(data.aliases) if full else [],
        "city": data.city or None,
        "city_name": _city_name(model, data.city),
        "fates": list(data.fates),
        "age": data.age.years if data.age else None,
        "age_as_of": data.age.as_of.iso if data.age else None,
        "occupation": data.occupation.text if data.occupation else None,
        "first_event_date": dates[0].iso if dates else None,
        "last_event_date": dates[-1].iso if dates else None,
        "justice_status": data.justice.status if data.justice else None,
        "sources": list(rec.cited),
        "page": tree + person(pid),
    }


def fact_key(pid: str, index: int) -> str:
    """A person's dated fact's key in events.csv (and citations.csv): its place in their entry, from 1."""
    return f"{pid}#{index + 1}"


def person_event_rows(model: SiteModel, rec) -> list[tuple[str, dict]]:
    """(sort key, row) for each of a person's dated facts; events.csv is sorted by the keys."""
    tree = f"{model.site.default_language}/"
    pid = page_id(rec)
    return [
        (
            _sort_key(e.date, "person", pid, index),
            {
                "key": fact_key(pid, index),
                "kind": "person",
                "person": pid,
                "name": shown_name(rec),
                **_date_cells(e.date),
                "city": e.city,
                "national": False,
                "city_name": _city_name(model, e.city),
                "what": e.what,
                "date_note": e.date_note,
                "sources": list(e.sources),
                "page": tree + person(pid),
            },
        )
        for index, e in enumerate(rec.data.events)
    ]


def general_event_rows(model: SiteModel) -> list[tuple[str, dict]]:
    """(sort key, row) for each general event."""
    tree = f"{model.site.default_language}/"
    rows = []
    for rec in model.events:
        data = rec.data
        rows.append(
            (
                _sort_key(data.date, "event", rec.id, 0),
                {
                    "key": rec.id,
                    "kind": "event",
                    "event": rec.id,
                    **_date_cells(data.date),
                    "end_date": data.end_date.iso if data.end_date else None,
                    "city": data.city,
                    "national": data.national,
                    "city_name": _city_name(model, data.city),
                    "what": data.title,
                    "sources": list(data.sources),
                    "page": tree + event(rec.id),
                },
            )
        )
    return rows


def person_citation_rows(rec) -> list[dict]:
    """Which source the person's entry cites for what (a form of the name only where the page shows it)."""
    data = rec.data
    pid = page_id(rec)
    cited: list[tuple[str, str | None, str]] = [(sid, None, "entry") for sid in data.sources]
    if data.display == "full":
        cited += [(sid, None, "name") for form in data.name_forms for sid in form.sources]
    for part in ("age", "occupation"):
        found = getattr(data, part)
        cited += [(sid, None, part) for sid in found.sources] if found else []
    cited += [(sid, fact_key(pid, i), "fact") for i, e in enumerate(data.events) for sid in e.sources]
    cited += [(sid, None, "justice") for sid in data.justice.sources] if data.justice else []
    cited += [(sid, None, "conflict") for c in data.conflicts for side in c.sides for sid in side.sources]
    return [{"source": sid, "person": pid, "event": key, "cited_for": what} for sid, key, what in dict.fromkeys(cited)]


def other_citation_rows(model: SiteModel) -> list[dict]:
    """What the general events, the figures and the days' summaries cite."""
    rows = [
        {"source": sid, "event": rec.id, "cited_for": "event"}
        for rec in sorted(model.events, key=lambda r: r.id)
        for sid in rec.data.sources
    ]
    rows += [
        {"source": sid, "figure": rec.id, "cited_for": "figure"}
        for rec in sorted(model.figures, key=lambda r: r.id)
        for sid in rec.data.sources
    ]
    rows += [{"source": sid, "day": iso, "cited_for": "day"} for iso, rec in sorted(model.day_notes.items()) for sid in rec.data.sources]
    return rows


def city_rows(model: SiteModel) -> list[dict]:
    tree = f"{model.site.default_language}/"
    return [
        {
            "id": cid,
            "name": rec.data.name,
            "region": rec.data.region,
            "latitude": rec.data.latitude,
            "longitude": rec.data.longitude,
            "people": len(model.people_by_city.get(cid, ())),  # as the map counts them
            "page": tree + city(cid),
        }
        for cid, rec in sorted(model.cities.items())
    ]


def geojson(cities: list[dict]) -> dict:
    """The cities as a GeoJSON FeatureCollection (RFC 7946: a position is longitude, then latitude)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
                "properties": {k: v for k, v in row.items() if k not in ("latitude", "longitude")},
            }
            for row in cities
        ],
    }


def figure_rows(model: SiteModel) -> list[dict]:
    return [
        {
            "id": rec.id,
            "value": rec.data.value,
            "what": rec.data.what,
            "given_by": rec.data.given_by,
            "date": rec.data.date.iso,
            "topic": rec.data.topic,
            "note": rec.data.note,
            "sources": list(rec.data.sources),
        }
        for rec in sorted(model.figures, key=lambda r: r.id)
    ]


def source_rows(model: SiteModel) -> list[dict]:
    tree = f"{model.site.default_language}/"  # pages live in one tree per language; link the content's own
    rows = []
    for sid, rec in model.sources.items():
        data = rec.data
        rows.append(
            {
                "id": sid,
                "publisher": data.publisher,
                "title": data.title,
                "author": data.author,
                "date": data.date.iso,
                "url": data.url,
                "archived_url": data.archived_url,
                "language": data.language,
                "kind": data.kind,
                "page": tree + source(sid),
            }
        )
    return sorted(rows, key=lambda r: r["id"])


def _sort_key(date, kind: str, rid: str, index: int) -> str:
    """events.csv's order: earliest day, precision, kind, id, position. One string (ids are slugs, without
    NUL) sorts as the tuple of those would, three times faster: 40,000 lines are sorted after every edit."""
    return f"{date.first_day.isoformat()}\0{_PRECISION_ORDER[date.precision]}\0{kind}\0{rid}\0{index:06d}"


def _date_cells(date) -> dict:
    return {
        "date": date.iso,
        "date_precision": date.precision,
        "earliest_day": date.first_day.isoformat(),
        "latest_day": date.last_day.isoformat(),
    }


def _city_name(model: SiteModel, cid: str | None) -> str | None:
    rec = model.cities.get(cid) if cid else None
    return rec.data.name if rec else None


# ------------------------------------------------------------------ bytes


_FORMULA_START = frozenset("=+-@\t\r")


def _cell(value) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, list):  # Table Schema's list type, with its delimiter
        value = LIST_SEPARATOR.join(value)
    if isinstance(value, str):
        return "'" + value if value[:1] in _FORMULA_START else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv(columns: list[str], rows: list[dict]) -> bytes:
    return (_csv_line(columns, None) + "".join(_csv_line(columns, row) for row in rows)).encode("utf-8")


def _csv_line(columns: list[str], row: dict | None) -> str:
    """One CSV line (with its newline): the header when ``row`` is None."""
    return _csv_lines([(columns, row)])[0]


def _csv_lines(rows: list[tuple[list[str], dict | None]]) -> list[str]:
    """Several CSV lines, one per (columns, row), through one writer (a person's lines: making a writer
    for each took longer than writing the line)."""
    written: list[str] = []
    # A writer quotes a cell holding a character of its line ending (and, before Python 3.12, no other
    # line break): ending lines in CRLF, a cell holding a CR or an LF is quoted. Lines end in LF here.
    # (It writes each line whole, with one call: into a list, not a StringIO, whose tell() after text
    # that is not ASCII took longer than the line.)
    writer = csv.writer(SimpleNamespace(write=written.append), lineterminator="\r\n")
    for columns, row in rows:
        writer.writerow(columns if row is None else map(_cell, map(row.get, columns)))
    return [line[:-2] + "\n" for line in written]


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")

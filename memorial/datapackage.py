"""The open data's description, declared once: each file (``RESOURCES``), its columns (``Column``), keys
and links between files. From it come the Frictionless data package (datapackage.json, ``package``) and
the site's open data page (views.Views.data_page), which shows the same declarations in each language:
titles and descriptions are marked for translation (``N_``). export.py writes the files to match."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .i18n import N_
from .model import SiteModel
from .new import make_id
from .schema import FATES, JUSTICE_STATUSES, LICENCES, FigureTopic, SourceKind

LIST_SEPARATOR = "; "
SOURCE_KINDS: tuple[str, ...] = SourceKind.__args__
FIGURE_TOPICS: tuple[str, ...] = FigureTopic.__args__
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
PARTIAL_NOTE = "Written as precisely as the source gives it: 2022-01-05 (day), 2022-01 (month) or 2022 (year)."
CITED_IN = ("entry", "name", "age", "occupation", "fact", "justice", "conflict", "event", "figure", "day")


@dataclass(frozen=True)
class Column:
    """One column of a table (or property of a GeoJSON feature)."""

    name: str
    type: str  # Table Schema's: string, integer, number, boolean, date, list ("array" in people.json)
    description: str  # in English; translated on the data page
    required: bool = False
    unique: bool = False
    values: tuple[str, ...] = ()  # the only values allowed (for a list: in each item)
    partial_date: bool = False  # a date written as precisely as known: 2022-01-05, 2022-01 or 2022
    minimum: float | None = None
    maximum: float | None = None
    web: bool = False  # a web address
    refers: tuple[str, str] | None = None  # (resource, column) whose values this column's are: a foreign key

    def field(self, *, as_array: bool = False) -> dict:
        """Its Table Schema field; ``as_array``: as people.json holds a list (a JSON array)."""
        field = {"name": self.name, "type": self.type, "description": self.description}
        constraints: dict = {}
        if self.type == "list":
            if as_array:
                field["type"] = "array"
            else:
                field.update(delimiter=LIST_SEPARATOR, itemType="string")
            if self.values:  # (Table Schema has no enum for a list's items: said in words)
                field["description"] += " Each one of: " + ", ".join(self.values) + "."
        elif self.values:
            constraints["enum"] = list(self.values)
        if self.partial_date:
            field["description"] += " " + PARTIAL_NOTE
            constraints["pattern"] = PARTIAL_DATE
        if self.type == "date":
            field["format"] = "default"
        if self.web:
            field["format"] = "uri"
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if constraints:
            field["constraints"] = constraints
        return field


@dataclass(frozen=True)
class Resource:
    """One file of the open data."""

    name: str
    path: str  # under data/
    format: str  # csv, json or geojson
    description: str  # in English; translated on the data page
    columns: tuple[Column, ...]
    primary_key: str | None = None

    @property
    def mediatype(self) -> str:
        return {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}[self.format]

    @functools.cached_property  # (asked for each line of the open data)
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _page(what: str) -> Column:
    return Column("page", "string", what, required=True)


ID = Column("id", "string", N_("The record's id: the name of its file in the memorial's content."), True, True)
PERSON_ID = Column(
    "id",
    "string",
    N_(
        "The person's id, as in the address of their page. A person shown by initials has a random id (p- and 12 hexadecimal digits) "
        "that is made from nothing in their entry, so it does not change with their name and cannot confirm a guess of it."
    ),
    True,
    True,
)
CITY = Column("city", "string", N_("Id of the person's city, when a source gives it."), refers=("cities", "id"))
SOURCES = Column("sources", "list", N_("Ids of the sources for this (see sources.csv)."), required=True)

PEOPLE = Resource(
    "people",
    "people.csv",
    "csv",
    N_("One row per published person."),
    (
        PERSON_ID,
        Column("name", "string", N_("The name as the memorial shows it; initials only for a living person who asked for that."), True),
        Column("aliases", "list", N_("Other spellings of the name met in the sources (never given for a person shown by initials).")),
        CITY,
        Column("city_name", "string", N_("Name of that city.")),
        Column("fates", "list", N_("What happened to the person."), required=True, values=FATES),
        Column("age", "integer", N_("Age in years, when a source gives it."), minimum=0),
        Column("age_as_of", "string", N_("The date the age refers to."), partial_date=True),
        Column("occupation", "string", N_("Occupation, when a source gives it.")),
        Column("first_event_date", "string", N_("The earliest dated fact about the person."), partial_date=True),
        Column("last_event_date", "string", N_("The latest dated fact about the person."), partial_date=True),
        Column("justice_status", "string", N_("Where accountability stands, as the sources report it."), values=JUSTICE_STATUSES),
        Column(
            "sources",
            "list",
            N_("Ids of every source the entry cites, in the order of the numbered citations on the person's page (see sources.csv)."),
            required=True,
        ),
        _page(N_("The person's page in the site's own language tree (en/…), relative to the root of the site.")),
    ),
    primary_key="id",
)
PEOPLE_JSON = Resource(
    "people-json",
    "people.json",
    "json",
    N_("The same people as people.csv, as a JSON array: one object per person, with aliases, fates and sources as lists."),
    PEOPLE.columns,
    primary_key="id",
)
EVENTS = Resource(
    "events",
    "events.csv",
    "csv",
    N_("One row per dated fact: each person's dated facts and each general event."),
    (
        Column(
            "key",
            "string",
            N_("The line's own id: a general event's id, or a person's id, '#' and the fact's place in their entry (1, 2…)."),
            True,
            True,
        ),
        Column("kind", "string", N_("person: a dated fact about one person; event: a general event."), True, values=("person", "event")),
        Column("person", "string", N_("For kind person: the person's id."), refers=("people", "id")),
        Column("event", "string", N_("For kind event: the event's id, as in the address of its page.")),
        Column("name", "string", N_("For kind person: the person's name as the memorial shows it.")),
        Column("date", "string", N_("When it happened."), True, partial_date=True),
        Column("date_precision", "string", N_("How precise the date is."), True, values=("day", "month", "year")),
        Column("earliest_day", "date", N_("The first day the date can mean (2022-01 gives 2022-01-01)."), True),
        Column("latest_day", "date", N_("The last day the date can mean (2022-01 gives 2022-01-31)."), True),
        Column("end_date", "string", N_("For general events that lasted: when they ended."), partial_date=True),
        Column("city", "string", N_("Id of the city where it happened, when a source gives the place."), refers=("cities", "id")),
        Column("national", "boolean", N_("true for a country-wide event."), True),
        Column("city_name", "string", N_("Name of that city.")),
        Column(
            "what",
            "string",
            N_("For kind person: the dated fact, in the memorial's words. For kind event: the event's title."),
            True,
        ),
        Column("date_note", "string", N_("Why the date is written as it is, e.g. a year the source misprints.")),
        SOURCES,
        _page(N_("The page that shows it, relative to the root of the site.")),
    ),
    primary_key="key",
)
CITIES = Resource(
    "cities",
    "cities.csv",
    "csv",
    N_("Every city and town the memorial names, with where it is."),
    (
        ID,
        Column("name", "string", N_("The name as the memorial shows it."), True),
        Column("region", "string", N_("The region (oblast).")),
        Column("latitude", "number", N_("Degrees north (WGS 84)."), True, minimum=-90, maximum=90),
        Column("longitude", "number", N_("Degrees east (WGS 84)."), True, minimum=-180, maximum=180),
        Column("people", "integer", N_("How many people are recorded there: from there, or with a dated fact there."), True, minimum=0),
        _page(N_("The city's page, relative to the root of the site.")),
    ),
    primary_key="id",
)
CITIES_GEOJSON = Resource(
    "cities-geojson",
    "cities.geojson",
    "geojson",
    N_(
        "The same cities as a GeoJSON FeatureCollection (RFC 7946): a point at each city's longitude and latitude, its other columns "
        "as the feature's properties."
    ),
    tuple(c for c in CITIES.columns if c.name not in ("latitude", "longitude")),
)
FIGURES = Resource(
    "figures",
    "figures.csv",
    "csv",
    N_("Counts, each as given by whoever gave it and when: never merged."),
    (
        ID,
        Column("value", "string", N_("The count exactly as given (text, so that 'about 10,000' is possible)."), True),
        Column("what", "string", N_("What is counted."), True),
        Column("given_by", "string", N_("Who gave the figure."), True),
        Column("date", "string", N_("When it was given."), True, partial_date=True),
        Column("topic", "string", N_("What it counts, as the home page groups the figures."), values=FIGURE_TOPICS),
        Column("note", "string", N_("A note on the figure.")),
        SOURCES,
    ),
    primary_key="id",
)
SOURCES_CSV = Resource(
    "sources",
    "sources.csv",
    "csv",
    N_("Every source the memorial cites."),
    (
        Column("id", "string", N_("The source's id, as used in the other files."), True, True),
        Column("publisher", "string", N_("Who published it."), True),
        Column("title", "string", N_("Its title, as published."), True),
        Column("author", "string", N_("Its author, when named.")),
        Column("date", "string", N_("When it was published."), True, partial_date=True),
        Column("url", "string", N_("Where it was published."), web=True),
        Column("archived_url", "string", N_("An archived copy."), web=True),
        Column("language", "string", N_("ISO 639-1 code of its language.")),
        Column("kind", "string", N_("What sort of source it is."), True, values=SOURCE_KINDS),
        _page(N_("The source's page, relative to the root of the site.")),
    ),
    primary_key="id",
)
CITATIONS = Resource(
    "citations",
    "citations.csv",
    "csv",
    N_("Which record cites which source, and for what: one row for each source of each sourced part of a record."),
    (
        Column("source", "string", N_("The source's id."), True, refers=("sources", "id")),
        Column("person", "string", N_("The person whose entry cites it."), refers=("people", "id")),
        Column("event", "string", N_("The dated fact or general event that cites it (its key in events.csv)."), refers=("events", "key")),
        Column("figure", "string", N_("The figure that cites it."), refers=("figures", "id")),
        Column("day", "date", N_("The day whose summary cites it.")),
        Column(
            "cited_for",
            "string",
            N_(
                "What it is cited for: the entry as a whole, a form of the name, the age, the occupation, a dated fact, justice, "
                "a conflict between sources, a general event, a figure or a day's summary."
            ),
            True,
            values=CITED_IN,
        ),
    ),
)

RESOURCES: tuple[Resource, ...] = (PEOPLE, PEOPLE_JSON, EVENTS, CITIES, CITIES_GEOJSON, FIGURES, SOURCES_CSV, CITATIONS)
BY_NAME = {r.name: r for r in RESOURCES}


def package(model: SiteModel) -> dict:
    """The datapackage.json describing the files."""
    site = model.site
    description = (
        f"{site.description} Published for remembrance and research. Only published entries are included; a living person "
        "who asked to be shown by initials appears by initials only. Every fact carries the ids of its sources (sources.csv, "
        "citations.csv)."
    )
    if site.licence is None:
        description += " No licence has been stated for this data: to reuse it beyond quotation, ask the memorial's editors."
    package = {
        "name": make_id(site.title) or "memorial",
        "title": site.title,
        "description": description,
        "resources": [_resource(r) for r in RESOURCES],
    }
    if site.licence is not None:
        title, url = LICENCES[site.licence]
        package["licenses"] = [{"name": site.licence, "path": url, "title": title}]
    if site.base_url:
        package["homepage"] = site.base_url
    return package


def _resource(r: Resource) -> dict:
    out = {
        "name": r.name,
        "path": r.path,
        "format": r.format,
        "mediatype": r.mediatype,
        "encoding": "utf-8",
        "description": r.description,
    }
    if r.format == "geojson":  # not a table: a file whose properties the data page describes
        return {**out, "type": "file"}
    # people.json's objects have their keys sorted, and Frictionless reads its columns in that order
    columns = sorted(r.columns, key=lambda c: c.name) if r.format == "json" else r.columns
    schema: dict = {"fields": [c.field(as_array=r.format == "json") for c in columns], "missingValues": [""]}
    if r.primary_key:
        schema["primaryKey"] = [r.primary_key]
    keys = [{"fields": [c.name], "reference": {"resource": c.refers[0], "fields": [c.refers[1]]}} for c in columns if c.refers is not None]
    if keys:
        schema["foreignKeys"] = keys
    return {**out, "type": "table", "schema": schema}

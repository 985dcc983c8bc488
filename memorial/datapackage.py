"""The open data's description: each file's fields as Frictionless Table Schema, and the data package
(datapackage.json) that lists the files. export.py writes the files to match."""

from __future__ import annotations

from .model import SiteModel
from .new import make_id
from .schema import FATES, JUSTICE_STATUSES, SourceKind

LIST_SEPARATOR = "; "
SOURCE_KINDS: tuple[str, ...] = SourceKind.__args__
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"

_FATE_RE = "(" + "|".join(FATES) + ")"
_FATES_PATTERN = f"^{_FATE_RE}({LIST_SEPARATOR}{_FATE_RE})*$"


def _partial(name: str, description: str) -> dict:
    return {
        "name": name,
        "type": "string",
        "description": description + " Written as precisely as the source gives it: 2022-01-05 (day), 2022-01 (month) or 2022 (year).",
        "constraints": {"pattern": PARTIAL_DATE},
    }


def _list(name: str, description: str, *, as_array: bool, required: bool = False, pattern: str | None = None) -> dict:
    if as_array:
        field = {"name": name, "type": "array", "description": description}
        if required:
            field["constraints"] = {"required": True}
        return field
    field = {"name": name, "type": "string", "description": f"{description} Several values are separated by '{LIST_SEPARATOR}'."}
    constraints = {"required": True} if required else {}
    if pattern:
        constraints["pattern"] = pattern
    if constraints:
        field["constraints"] = constraints
    return field


def people_fields(as_array: bool) -> list[dict]:
    return [
        {
            "name": "id",
            "type": "string",
            "description": "The person's id, as in the address of their page. A person shown by initials has a random id (p- and 12 hexadecimal digits) that is made from nothing in their entry, so it does not change with their name and cannot confirm a guess of it.",
            "constraints": {"required": True, "unique": True},
        },
        {
            "name": "name",
            "type": "string",
            "description": "The name as the memorial shows it; initials only for a living person who asked for that.",
            "constraints": {"required": True},
        },
        _list("aliases", "Other spellings of the name met in the sources (never given for a person shown by initials).", as_array=as_array),
        {"name": "city", "type": "string", "description": "Id of the person's city, when a source gives it."},
        {"name": "city_name", "type": "string", "description": "Name of the person's city."},
        _list(
            "fates",
            "What happened to the person: " + ", ".join(FATES) + ".",
            as_array=as_array,
            required=True,
            pattern=None if as_array else _FATES_PATTERN,
        ),
        {"name": "age", "type": "integer", "description": "Age in years, when a source gives it.", "constraints": {"minimum": 0}},
        _partial("age_as_of", "The date the age refers to."),
        {"name": "occupation", "type": "string", "description": "Occupation, when a source gives it."},
        _partial("first_event_date", "The earliest dated fact about the person."),
        _partial("last_event_date", "The latest dated fact about the person."),
        {
            "name": "justice_status",
            "type": "string",
            "description": "Where accountability stands, as the sources report it: " + ", ".join(JUSTICE_STATUSES) + ".",
            "constraints": {"enum": list(JUSTICE_STATUSES)},
        },
        _list(
            "sources",
            "Ids of every source the entry cites, in the order of the numbered citations on the person's page (see sources.csv).",
            as_array=as_array,
            required=True,
        ),
        {
            "name": "page",
            "type": "string",
            "description": "The person's page in the site's own language tree (en/...), relative to the root of the site.",
            "constraints": {"required": True},
        },
    ]


EVENT_FIELDS = [
    {
        "name": "kind",
        "type": "string",
        "description": "person: a dated fact about one person; event: a general event.",
        "constraints": {"required": True, "enum": ["person", "event"]},
    },
    {
        "name": "id",
        "type": "string",
        "description": "The person's id (as in people.csv) or the event's id.",
        "constraints": {"required": True},
    },
    {"name": "name", "type": "string", "description": "For kind person: the person's name as the memorial shows it."},
    _partial("date", "When it happened."),
    {
        "name": "date_precision",
        "type": "string",
        "description": "How precise the date is.",
        "constraints": {"required": True, "enum": ["day", "month", "year"]},
    },
    {
        "name": "earliest_day",
        "type": "date",
        "format": "default",
        "description": "The first day the date can mean (2022-01 gives 2022-01-01).",
        "constraints": {"required": True},
    },
    {
        "name": "latest_day",
        "type": "date",
        "format": "default",
        "description": "The last day the date can mean (2022-01 gives 2022-01-31).",
        "constraints": {"required": True},
    },
    _partial("end_date", "For general events that lasted: when they ended."),
    {
        "name": "city",
        "type": "string",
        "description": "Id of the city where it happened; 'national' for a country-wide event; empty when no source gives a place.",
    },
    {"name": "city_name", "type": "string", "description": "Name of that city."},
    {
        "name": "what",
        "type": "string",
        "description": "For kind person: the dated fact, in the memorial's words. For kind event: the event's title.",
        "constraints": {"required": True},
    },
    {"name": "date_note", "type": "string", "description": "Why the date is written as it is, e.g. a year the source misprints."},
    _list("sources", "Ids of the sources for this fact (see sources.csv).", as_array=False, required=True),
    {
        "name": "page",
        "type": "string",
        "description": "The page that shows it, relative to the root of the site.",
        "constraints": {"required": True},
    },
]

SOURCE_FIELDS = [
    {
        "name": "id",
        "type": "string",
        "description": "The source's id, as used in the other files.",
        "constraints": {"required": True, "unique": True},
    },
    {"name": "publisher", "type": "string", "constraints": {"required": True}},
    {"name": "title", "type": "string", "constraints": {"required": True}},
    {"name": "author", "type": "string"},
    _partial("date", "When it was published."),
    {"name": "url", "type": "string", "format": "uri", "description": "Where it was published."},
    {"name": "archived_url", "type": "string", "format": "uri", "description": "An archived copy."},
    {"name": "language", "type": "string", "description": "ISO 639-1 code of its language."},
    {
        "name": "kind",
        "type": "string",
        "description": "What sort of source it is.",
        "constraints": {"required": True, "enum": list(SOURCE_KINDS)},
    },
    {
        "name": "page",
        "type": "string",
        "description": "The source's page, relative to the root of the site.",
        "constraints": {"required": True},
    },
]


PEOPLE_COLUMNS = [f["name"] for f in people_fields(as_array=False)]
EVENT_COLUMNS = [f["name"] for f in EVENT_FIELDS]


def package(model: SiteModel, people_fields: list[dict], json_fields: list[dict]) -> dict:
    """The datapackage.json describing the files."""
    site = model.site
    description = (
        f"{site.description} Published for remembrance and research. Only published entries are included; a living person "
        "who asked to be shown by initials appears by initials only. Every fact carries the ids of its sources (sources.csv). "
        "No licence has been stated for this data: to reuse it beyond quotation, ask the memorial's editors."
    )
    package = {
        "name": make_id(site.title) or "memorial",
        "title": site.title,
        "description": description,
        "resources": [
            _resource("people", "people.csv", "csv", "One row per published person.", people_fields, primary_key="id"),
            _resource(
                "people-json",
                "people.json",
                "json",
                "The same people as people.csv, with aliases, fates and sources as lists.",
                json_fields,
                primary_key="id",
            ),
            _resource(
                "events", "events.csv", "csv", "One row per dated fact: each person's dated facts and each general event.", EVENT_FIELDS
            ),
            _resource("sources", "sources.csv", "csv", "Every source the memorial cites.", SOURCE_FIELDS, primary_key="id"),
        ],
    }
    if site.base_url:
        package["homepage"] = site.base_url
    return package


def _resource(name: str, path: str, fmt: str, description: str, fields: list[dict], primary_key: str | None = None) -> dict:
    schema: dict = {"fields": fields, "missingValues": [""]}
    if primary_key:
        schema["primaryKey"] = [primary_key]
    return {
        "name": name,
        "type": "table",
        "path": path,
        "format": fmt,
        "mediatype": "text/csv" if fmt == "csv" else "application/json",
        "encoding": "utf-8",
        "description": description,
        "schema": schema,
    }

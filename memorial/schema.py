"""The content model: pydantic models are the one source of truth.

Every field an editor may write is declared here; unknown fields are refused.
``python build.py schema`` exports these models as JSON Schema into schema/ so
that editors' YAML tools can autocomplete and underline mistakes.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema, model_validator

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# The address of a person shown by initials: random, written in the entry (never made from the name or id).
ADDRESS_PATTERN = r"^p-[0-9a-f]{12}$"


def fresh_address() -> str:
    """A new random address for a person shown by initials (48 random bits: `new` writes one, `check` offers one)."""
    return "p-" + secrets.token_hex(6)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month or only the year.

    Its derived values are worked out once (cached_property): lists and models sort tens of thousands
    of dated lines, and the same few hundred dates are shared by them all (see _parse_date_text)."""

    year: int
    month: int = 0  # 0 when unknown
    day: int = 0  # 0 when unknown

    @functools.cached_property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @functools.cached_property
    def iso(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @functools.cached_property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @functools.cached_property
    def last_day(self) -> dt.date:
        if self.day:
            return self.first_day
        if self.month:
            nxt = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    def __str__(self) -> str:
        return self.iso


# Years a date may have: far around January 2022 (a source, an age's date), and inside what Python's dates
# hold (year 0, or December 9999's last day, was a traceback).
YEARS = (1900, 2100)
_DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")  # (\d would take ٢٠٢٢ and ２０２２ too)


def parse_partial_date(value) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        return _parse_date_text(value)
    raise ValueError("a date is written 2022-01-05, 2022-01 or 2022")


@functools.lru_cache(maxsize=8192)  # a corpus has a few hundred distinct dates, written tens of thousands of times
def _parse_date_text(value: str) -> PartialDate:
    m = _DATE_RE.match(value.strip())
    if not m and _OTHER_DIGIT.search(value):
        raise ValueError(f"'{value}' is written with digits other than 0-9; write dates with the digits 0-9, such as 2022-01-05")
    if not m:
        raise ValueError(f"'{value}' is not a date; write it as 2022-01-05 (day), 2022-01 (month) or 2022 (year)")
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValueError(f"'{value}' has the year {year}; dates run from {YEARS[0]} to {YEARS[1]}: check the year")
    if m[2] and not 1 <= month <= 12:
        raise ValueError(f"'{value}' has no month {month}; months run 01 to 12")
    if m[3]:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"'{value}' is not a real date ({dt.date(year, month, 1):%B %Y} has no day {day})") from None
    return PartialDate(year, month, day)


def _day_precision(value: PartialDate) -> PartialDate:
    if value.precision != "day":
        raise ValueError(f"'{value.iso}' must be a full date such as 2022-01-05")
    return value


_DATE_SCHEMA = {
    "type": "string",
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
    "description": "2022-01-05 (day), 2022-01 (month) or 2022 (year)",
}
Date = Annotated[PartialDate, BeforeValidator(parse_partial_date), PlainSerializer(str), WithJsonSchema(_DATE_SCHEMA)]
FullDate = Annotated[Date, AfterValidator(_day_precision)]


_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a digit of another script: Arabic-Indic, full-width...
_WHOLE = re.compile(r"-?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_BASES = {"0x": 16, "0o": 8, "0b": 2}
_TRUE, _FALSE = ("true", "True", "TRUE"), ("false", "False", "FALSE")  # as YAML 1.2's core schema writes them
MAX_DIGITS = 30  # no field counts that high (and int() of thousands of digits is slow)


def _number(text: str, *, whole: bool):
    """The number ``text`` (as YAML gives it: see yamlread) is written as, in the one way every reader
    reads alike: the digits 0-9 without leading zeros (and a point for a fraction); else an error that
    says how to write it."""
    plain = text.strip()
    if (_WHOLE if whole else _DECIMAL).fullmatch(plain) and len(plain) <= MAX_DIGITS:
        return int(plain) if whole else float(plain)
    raise ValueError(_how_to_write(plain, whole))


def _how_to_write(plain: str, whole: bool) -> str:
    """Why ``plain`` is not read as a number, and how to write the one it may mean."""
    sign, digits = plain[: len(plain) - len(plain.lstrip("+-"))], plain.lstrip("+-")
    base = _BASES.get(digits[:2].lower())
    if base:
        try:
            return (
                f"'{plain}' is a number in base {base}, which readers take differently; write it in the digits 0-9: {sign}{int(digits, 0)}"
            )
        except ValueError:
            pass
    if re.fullmatch(r"0[0-9]+(\.[0-9]+)?", digits):
        fixed = digits.lstrip("0")
        fixed = "0" + fixed if fixed.startswith(".") else fixed
        return f"'{plain}' starts with 0, which readers take as base 8; write it without the leading zero: {sign}{fixed}"
    if not whole and re.fullmatch(r"[0-9]+,[0-9]+", digits):
        return f"'{plain}' is not a number; write it with a point, not a comma: {plain.replace(',', '.')}"
    if _OTHER_DIGIT.search(plain):
        return f"'{plain}' is written with digits other than 0-9; write it with the digits 0-9"
    if len(plain) > MAX_DIGITS and re.fullmatch(r"[0-9.]+", digits):
        return f"'{plain[:MAX_DIGITS]}...' is too long for a number ({len(plain):,} characters)"
    kind, example = ("a whole number", "34") if whole else ("a number", "43.25")
    if plain in _TRUE + _FALSE:
        return f"expected {kind}, found true/false"
    if not re.search("[0-9]", plain):
        return f"expected {kind}, found text"
    if re.fullmatch(r"[0-9]+(:[0-5]?[0-9])+", digits):
        kind += f" (YAML 1.1 reads it as {functools.reduce(lambda total, part: total * 60 + int(part), digits.split(':'), 0)}, in base 60)"
    return f"'{plain}' is not {kind}; write it in the digits 0-9, such as {example}"


def _whole(value):
    return _number(value, whole=True) if isinstance(value, str) else value


def _decimal(value):
    return _number(value, whole=False) if isinstance(value, str) else value


def _flag(value):
    if isinstance(value, str):
        if value.strip() in _TRUE + _FALSE:
            return value.strip() in _TRUE
        raise ValueError(f"'{value}' is not true or false; write true or false")
    return value


def _one_line(value: str) -> str:
    # (any line break a reader may split at: a bare carriage return started a new row in some CSV readers)
    if len(value.strip().splitlines()) > 1:
        raise ValueError("must be a single line")
    return value


def _address(value: str) -> str:
    if not re.match(ADDRESS_PATTERN, value):
        raise ValueError(
            f"'{value}' is not an address of a person shown by initials: it is p- and 12 random digits and letters a to f; "
            f"write 'address: {fresh_address()}' (a fresh one)"
        )
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError(f"'{value}' is not a web address; it must start with https:// or http://")
    return value


Text = Annotated[str, Field(min_length=1)]
# Numbers and true/false, read out of the text YAML gives (see yamlread)
Whole = Annotated[int, BeforeValidator(_whole)]
Decimal = Annotated[float, BeforeValidator(_decimal)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Line = Annotated[Text, AfterValidator(_one_line)]
NAME_MAX = 120  # characters of a name (the longest names in the sources, with a patronymic, are under 60)
WHAT_MAX = 300  # characters of a dated fact's text
Name = Annotated[Line, Field(max_length=NAME_MAX)]
Id = Annotated[str, Field(pattern=ID_PATTERN, description="the file name of a record, without extension")]
SourceIds = Annotated[list[Id], Field(min_length=1, description="ids of files in content/sources/")]
Url = Annotated[str, AfterValidator(_http_url), Field(json_schema_extra={"format": "uri"})]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$", description="ISO 639-1 code: en, ru, kk")]

Fate = Literal[
    "killed", "died-in-custody", "wounded", "tortured", "detained", "prosecuted", "missing", "journalist-targeted", "defender-targeted"
]
FATES: tuple[str, ...] = Fate.__args__
JusticeStatus = Literal[
    "none-known",
    "complaint-filed",
    "case-opened",
    "case-refused",
    "case-closed",
    "trial",
    "conviction",
    "acquittal",
    "amnesty",
    "compensation",
]
JUSTICE_STATUSES: tuple[str, ...] = JusticeStatus.__args__
SourceKind = Literal["ngo-report", "news", "opinion", "official-statement", "testimony", "court-document", "other"]
Status = Literal["published", "draft", "withdrawn"]
FigureTopic = Literal["deaths", "detentions", "torture", "justice", "places"]

# The open licences the open data may be published under: SPDX id -> (name, address of its text). Open
# Definition-conformant licences for data only, so that whatever an editor picks lets anyone reuse the record.
LICENCES: dict[str, tuple[str, str]] = {
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution Share Alike 4.0 International", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "ODC-By-1.0": ("Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1-0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License v1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "PDDL-1.0": ("Open Data Commons Public Domain Dedication & License 1.0", "https://opendatacommons.org/licenses/pddl/1-0/"),
}
LicenceId = Literal[tuple(LICENCES)]  # (the ids above: an unknown one is an editor's error that lists them)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    def __reduce__(self):
        # Pickled (in the caches) as its class and its fields' values, made again by _unpickled: pydantic's own
        # way builds a dict of four for each model, and reads it back with a call in Python, and the build's
        # cache pickles 150,000 models at 10,000 people (a fifth of the time it takes to write).
        return _unpickled, (type(self), self.__dict__)


NO_FIELDS: set = set()  # (one object: every model read back shares it)


def _unpickled(cls: type[Strict], fields: dict) -> Strict:
    """A model read back from a cache, in the state pydantic's own unpickling gives, but without the names of
    the fields its file gave, which nothing here reads (no exclude_unset): they were a set each, 75,000 in a
    check cache of 10,000 people, a fifth of its memory. Frozen, no model adds to the one empty set they share
    (model_copy copies it first). Nor has any model extra fields (forbidden) or private attributes."""
    model = object.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", NO_FIELDS)
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


MAX_TIMELINE_DAYS = 731  # two years: every day has a page in every language (from year 1: 740,000 pages a tree)


class Timeline(Strict):
    start: FullDate
    end: FullDate

    @model_validator(mode="after")
    def _a_sensible_span(self):
        days = (self.end.first_day - self.start.first_day).days + 1
        if days < 1:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if days > MAX_TIMELINE_DAYS:
            raise ValueError(
                f"{self.start} to {self.end} is {days:,} days; a timeline may cover at most {MAX_TIMELINE_DAYS} "
                "(each day has a page): shorten it, and mark later events 'aftermath: true'"
            )
        return self

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` is one of the timeline's days (each has a page)."""
        return self.start.first_day <= day <= self.end.first_day


class SiteText(Strict):
    """The site's own text in another language (site.yaml's translations: <language>:)"""

    title: Line | None = None
    description: Line | None = None
    intro: str | None = Field(None, description="Markdown shown at the top of the home page")


class Site(Strict):
    """content/site.yaml"""

    title: Line
    description: Line
    languages: Annotated[list[Language], Field(min_length=1)]
    default_language: Language
    timeline: Timeline
    base_url: Url | None = None
    intro: str = Field("", description="Markdown shown at the top of the home page")
    contact: Line | None = Field(
        None,
        description="a private way to reach the editors (an e-mail address, a messenger account) for families who ask for a "
        "correction or a withdrawal; shown at the foot of every page",
    )
    licence: LicenceId | None = Field(
        None,
        description="the licence the open data (data/) is published under, by its SPDX id; stated in datapackage.json and on the "
        "open data page. Without one, the data page asks readers to ask the editors before reusing the data",
    )
    downloads_url: Url | None = Field(
        None,
        description="the folder (ending in /) where the released archives are published, e.g. a GitHub release's "
        "https://github.com/<owner>/<repository>/releases/latest/download/; the download page links there",
    )
    translations: dict[Language, SiteText] = Field(
        default_factory=dict,
        description="the title, description and intro in the site's other languages, by language code; "
        "what is left out is shown in English, marked as such",
    )
    public_key: Line | None = Field(
        None,
        description="the minisign public key that checks the archives' signatures (the line `python build.py keygen` prints); "
        "shown on the download page and in README.txt",
    )

    @model_validator(mode="after")
    def _public_key_is_one(self):
        if self.public_key is not None and not (self.public_key.startswith("RW") and len(self.public_key) == 56):
            raise ValueError("public_key must be the line keygen prints: 56 letters and digits beginning with RW")
        return self

    @model_validator(mode="after")
    def _addresses_are_folders(self):
        for name, what in (("base_url", "the folder the site is served from"), ("downloads_url", "the folder the archives are in")):
            value = getattr(self, name)
            if value and not value.endswith("/"):
                raise ValueError(f"{name} '{value}' must end with '/' ({what})")
        return self

    @model_validator(mode="after")
    def _default_is_listed(self):
        if self.default_language not in self.languages:
            raise ValueError(f"default_language '{self.default_language}' must be one of languages {self.languages}")
        return self

    def text(self, lang: str) -> tuple[dict[str, str], dict[str, str]]:
        """The site's title, description and intro in ``lang``, each in that language where translated, else
        in the content's own: (texts, the language of each)."""
        tr = self.translations.get(lang)
        texts, langs = {}, {}
        for name in ("title", "description", "intro"):
            own = getattr(tr, name) if tr is not None else None
            texts[name] = own if own is not None else getattr(self, name)
            langs[name] = lang if own is not None else self.default_language
        return texts, langs


class Source(Strict):
    """content/sources/<id>.yaml"""

    publisher: Line
    title: Line
    author: Line | None = None
    date: Date
    url: Url | None = None
    archived_url: Url | None = None
    language: Language
    kind: SourceKind
    note: Line | None = None
    former_ids: list[Id] = Field(
        default_factory=list, description="earlier ids (file names) of this record; their old addresses redirect here"
    )


class NameForm(Strict):
    name: Name
    language: Language
    script: Literal["Latn", "Cyrl"] | None = None
    sources: SourceIds


class City(Strict):
    """content/cities/<id>.yaml (or .md with a Markdown body)"""

    name: Line
    name_forms: list[NameForm] = Field(default_factory=list)
    region: Line | None = None
    latitude: Decimal = Field(ge=40.0, le=56.0, description="Kazakhstan lies between 40.5 and 55.5 N")
    longitude: Decimal = Field(ge=46.0, le=88.0, description="Kazakhstan lies between 46.5 and 87.4 E")
    former_ids: list[Id] = Field(
        default_factory=list, description="earlier ids (file names) of this record; their old addresses redirect here"
    )


class Age(Strict):
    years: Whole = Field(ge=0, le=120)
    as_of: Date = Field(description="the date the age refers to")
    sources: SourceIds


class Occupation(Strict):
    text: Line
    sources: SourceIds


class PersonEvent(Strict):
    date: Date
    city: Id | None = None
    what: Annotated[Line, Field(max_length=WHAT_MAX)]
    sources: SourceIds
    date_note: Line | None = Field(None, description="why the date is written as it is, e.g. a misprinted year")
    fate: Fate | None = Field(
        None,
        description="what this fact records of what happened to them (one of their fates): the lists then say 'Killed 6 January 2022'",
    )


class Justice(Strict):
    status: JusticeStatus
    note: Text | None = None
    sources: SourceIds


class ConflictSide(Strict):
    claim: Line
    sources: SourceIds


class Conflict(Strict):
    about: Line
    sides: Annotated[list[ConflictSide], Field(min_length=2)]
    note: Line | None = None


class Photo(Strict):
    file: Line = Field(description="path inside content/, e.g. photos/name.jpg")
    credit: Line
    licence: Line
    alt: Line
    consent: Line = Field(description="who gave consent and when, or the licence that allows use")


class Person(Strict):
    """content/people/<id>.md — front matter; the Markdown body is the story"""

    name: Name
    sort_name: Name | None = None
    aliases: list[Name] = Field(default_factory=list, description="other spellings met in the sources, in the Latin script")
    name_forms: list[NameForm] = Field(
        default_factory=list, description="the name in another script or language, only where a source gives it"
    )
    age: Age | None = None
    occupation: Occupation | None = None
    sex: Literal["male", "female"] | None = Field(
        None,
        description="only where a source gives it (a pronoun counts): Russian then says what happened in the person's "
        "own form (Убит, Убита) rather than the neutral one (Убит(а))",
    )
    city: Id | None = None
    fates: Annotated[list[Fate], Field(min_length=1)]
    events: list[PersonEvent] = Field(default_factory=list)
    justice: Justice | None = None
    conflicts: list[Conflict] = Field(default_factory=list)
    sources: SourceIds
    photo: Photo | None = None
    status: Status = "published"
    display: Literal["full", "initials"] = Field("full", description="initials: a living person asked that only their initials be shown")
    address: Annotated[Line, AfterValidator(_address)] | None = Field(
        None,
        description="with display: initials, and only then: the page's address, p- and 12 random hexadecimal digits "
        "(`new person --initials` writes one, `check` offers one); never made from the name, so it cannot confirm a guess",
        json_schema_extra={"pattern": ADDRESS_PATTERN},
    )
    not_duplicate_of: list[Id] = Field(default_factory=list, description="ids of people an editor has checked are not this person")
    former_ids: list[Id] = Field(
        default_factory=list, description="earlier ids (file names) of this record; their old addresses redirect here"
    )
    private: dict[str, Any] = Field(
        default_factory=dict, description="notes for editors only (contacts, consent records); never in any output"
    )

    def cities(self) -> set[str]:
        """The cities the person lived in or was in."""
        return {c for c in [self.city, *(e.city for e in self.events)] if c}


class Event(Strict):
    """content/events/<id>.md — front matter; the Markdown body describes the event"""

    title: Line
    date: Date
    end_date: Date | None = None
    city: Id | None = None
    national: Flag = Field(False, description="true for country-wide events; leave out both this and city when no source gives a place")
    aftermath: Flag = Field(False, description="true for dated events after the timeline (trials, statements)")
    sources: SourceIds
    status: Status = "published"
    former_ids: list[Id] = Field(
        default_factory=list, description="earlier ids (file names) of this record; their old addresses redirect here"
    )


class Day(Strict):
    """content/days/<YYYY-MM-DD>.md — a sourced summary shown on that day's page"""

    sources: SourceIds
    status: Status = "published"


class Figure(Strict):
    """content/figures/<id>.yaml — one count, kept with who gave it and when"""

    value: Line
    what: Line
    given_by: Line
    date: Date
    sources: SourceIds
    note: Line | None = None
    topic: FigureTopic | None = Field(
        None, description="what it counts, so that the home page shows counts of one thing together (none: with the other counts)"
    )


class Page(Strict):
    """content/pages/<id>.md"""

    title: Line
    order: Whole = 100
    status: Status = "published"
    former_ids: list[Id] = Field(
        default_factory=list, description="earlier ids (file names) of this record; their old addresses redirect here"
    )


class FactTranslation(Strict):
    """A dated fact of a person's, in another language. It names the fact it translates by its date: the
    first translation of a date is of the entry's first fact of that date (in the order written), the second
    of its second; so facts may be added or reordered in the entry without a translation moving to another."""

    date: Date = Field(description="the date of the fact it translates, as the entry writes it")
    what: Annotated[Line, Field(max_length=WHAT_MAX)] | None = Field(None, description="the fact's 'what' in this language")
    date_note: Line | None = Field(None, description="the fact's date note in this language")


class JusticeTranslation(Strict):
    note: Text = Field(description="the justice note in this language")


class ConflictTranslation(Strict):
    """A conflict of the entry's, by position (the first translates the entry's first); its sides' claims
    by position too."""

    about: Line | None = Field(None, description="what the sources disagree about, in this language")
    sides: list[Line] = Field(default_factory=list, description="each side's claim, in the entry's order")
    note: Line | None = Field(None, description="the conflict's note in this language")


class Translation(Strict):
    """content/<kind>/<id>.<language>.md — the record's text in another language; body and fields replace the English"""

    # (what a translation leaves out is shown in English, marked as English; a figure's translation has
    # fields only: a figure has no body)

    title: Line | None = Field(None, description="the title in this language (pages and events)")
    occupation: Line | None = Field(None, description="a person's occupation in this language")
    events: list[FactTranslation] = Field(
        default_factory=list, description="a person's dated facts in this language, each naming the fact it translates by its date"
    )
    justice: JusticeTranslation | None = Field(None, description="the note of a person's justice, in this language")
    conflicts: list[ConflictTranslation] = Field(
        default_factory=list, description="a person's conflicts between sources in this language, in the entry's order"
    )
    value: Line | None = Field(None, description="a figure's value in this language, with the same numbers as the figure's own")
    what: Line | None = Field(None, description="what a figure counts, in this language")
    given_by: Line | None = Field(None, description="who gave a figure, in this language")
    note: Line | None = Field(None, description="a figure's note in this language")


def matched_facts(facts: list[PersonEvent], translated: list[FactTranslation]) -> tuple[dict[int, FactTranslation], list[int]]:
    """Which of a person's facts each translated fact translates (see FactTranslation): (index of the
    fact -> its translation, and the positions of the translations that name a fact the entry does not have).
    One place for the rule, read by the check and by the pages alike."""
    by_date: dict[str, list[int]] = {}
    for i, fact in enumerate(facts):
        by_date.setdefault(fact.date.iso, []).append(i)
    found: dict[int, FactTranslation] = {}
    unmatched: list[int] = []
    seen: dict[str, int] = {}
    for position, tr in enumerate(translated):
        nth = seen[tr.date.iso] = seen.get(tr.date.iso, -1) + 1
        candidates = by_date.get(tr.date.iso, [])
        if nth < len(candidates):
            found[candidates[nth]] = tr
        else:
            unmatched.append(position)
    return found, unmatched


MODELS: dict[str, type[Strict]] = {
    "site": Site,
    "sources": Source,
    "cities": City,
    "people": Person,
    "events": Event,
    "days": Day,
    "figures": Figure,
    "pages": Page,
    "translations": Translation,
}


def json_schemas() -> dict[str, dict]:
    """JSON Schema per kind, for schema/<kind>.schema.json."""
    out = {}
    for kind, model in MODELS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{kind}.schema.json"
        out[kind] = schema
    return out

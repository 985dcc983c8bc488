"""Regenerate the field-by-field reference in CONTRIBUTING.md from the pydantic models.

The part of CONTRIBUTING.md between ``<!-- fields:start -->`` and
``<!-- fields:end -->`` is rewritten from ``memorial.schema.MODELS``: for each
kind of record, a table of field, type, required and description. Nested fields
are written with dots (``age.years``); ``events[].date`` is the ``date`` of each
item of the ``events`` list.

A description comes from HINTS below where one is given for that field (plain
words for editors), otherwise from the model (``Field(description=...)``, which
also shows in the JSON Schema in schema/ and in VS Code). When you add a
description to memorial/schema.py, remove the field's hint if the model's
words are good enough for editors.

    python tools/field_reference.py           # rewrite CONTRIBUTING.md
    python tools/field_reference.py --check   # exit 1 if CONTRIBUTING.md is out of date

A test (tests/test_export.py) fails when the committed reference is stale.
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from pathlib import Path

from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from memorial import schema  # noqa: E402

START = "<!-- fields:start -->"
END = "<!-- fields:end -->"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"

# Descriptions in editors' words, by (kind, path); they win over the model's description.
HINTS: dict[tuple[str, str], str] = {
    ("site", "title"): "the memorial's name, shown on every page",
    ("site", "description"): "one line for search engines and link previews",
    ("site", "languages"): "the languages the site is written in",
    ("site", "default_language"): "the main language; must be one of `languages`",
    ("site", "intro"): "a few calm sentences of Markdown shown at the top of the home page",
    ("site", "timeline"): "the days the timeline covers",
    ("site", "timeline.start"): "the first day of the timeline",
    ("site", "timeline.end"): "the last day of the timeline",
    ("site", "base_url"): "the address of the hosted copy, ending with `/`; leave it out for a copy opened from its folder",
    ("sources", "publisher"): "who published it: an organisation, a newspaper, an office",
    ("sources", "title"): "the title exactly as published",
    ("sources", "author"): "the author, when the publication names one",
    ("sources", "date"): "when it was published, as precisely as the publication says",
    ("sources", "url"): "where it was published",
    ("sources", "archived_url"): "an archived copy, e.g. on web.archive.org",
    ("sources", "language"): "the language the source is written in",
    ("sources", "kind"): "what sort of source it is",
    ("sources", "note"): "one line, e.g. where it was published",
    ("cities", "name"): "the name as the site shows it",
    ("cities", "name_forms[].name"): "the name as the source writes it",
    ("cities", "latitude"): "where the city is, in degrees north (Kazakhstan lies between 40.5 and 55.5)",
    ("cities", "longitude"): "where the city is, in degrees east (Kazakhstan lies between 46.5 and 87.4)",
    ("cities", "name_forms"): "the name in another script or language, only forms a source gives",
    ("cities", "region"): "the region (oblast)",
    ("people", "name"): "the full name, spelt as the sources spell it (never invent a spelling)",
    ("people", "sort_name"): "how the name sorts in lists, e.g. `Kyrykbayev, Ernazar`; not with `display: initials`",
    ("people", "aliases"): "other spellings of the name met in the sources, in the Latin script; not with `display: initials`",
    ("people", "name_forms[].name"): "the name exactly as the source writes it, e.g. in Cyrillic",
    ("people", "age"): "the age a source gives, with the date it refers to",
    ("people", "age.years"): "the age in whole years",
    ("people", "occupation"): "work or study, as a source gives it",
    ("people", "occupation.text"): "one line, e.g. `shepherd`",
    ("people", "city"): "the person's city, only when a source gives it: an id from content/cities/",
    ("people", "fates"): "what happened to the person; list every one the sources report",
    ("people", "events"): "dated facts, in any order (the page sorts them)",
    ("people", "events[].date"): "when; never more precise than the source",
    ("people", "events[].city"): "where, when a source says: an id from content/cities/",
    ("people", "events[].what"): "one line in our own words, at most 300 characters",
    ("people", "justice"): "where accountability stands, as the sources report it",
    ("people", "justice.status"): "the latest step the sources report",
    ("people", "justice.note"): "what the sources say, in our own words (Markdown)",
    ("people", "conflicts"): "where sources disagree: each side keeps its own sources; never pick one silently",
    ("people", "conflicts[].about"): "what they disagree about, e.g. `age`",
    ("people", "conflicts[].sides"): "at least two claims",
    ("people", "conflicts[].sides[].claim"): "what one side says, e.g. `24 years old`",
    ("people", "conflicts[].note"): "one line of explanation",
    ("people", "sources"): "every source used for this entry",
    ("people", "photo"): "only with consent; not allowed with `display: initials`",
    ("people", "photo.credit"): "who took or gave the photo",
    ("people", "photo.licence"): "the terms under which it is used, e.g. `used with the family's permission`",
    ("people", "photo.alt"): "what the photo shows, for readers who cannot see it",
    ("events", "title"): "a short title in our own words",
    ("events", "date"): "when it happened or began",
    ("events", "end_date"): "when it ended, for events that lasted",
    ("events", "city"): "where: an id from content/cities/ (or `national: true` instead)",
    ("figures", "value"): 'the count exactly as given, as text: `"238"`, `"about 10,000"`',
    ("figures", "what"): "what is counted, e.g. `people killed`",
    ("figures", "given_by"): "who gave the figure, e.g. `Prosecutor General's Office`",
    ("figures", "date"): "when the figure was given",
    ("figures", "note"): "one line",
    ("pages", "title"): "the page title",
    ("pages", "order"): "position in the footer navigation",
}

SOURCES = "ids of files in content/sources/ (each file's name without `.yaml`)"

# Fallbacks by the field's own name, for fields that mean the same in every kind.
GENERIC = {
    "status": "`published`: on the site; `draft`: not yet; `withdrawn`: taken off the site, file kept",
    "language": "the language of this form: `en`, `ru`, `kk`",
    "script": "`Latn` (Latin) or `Cyrl` (Cyrillic)",
}


# ------------------------------------------------------------------ types in plain words

PLURALS = {
    "id (lowercase letters, digits, hyphens)": "ids (lowercase letters, digits, hyphens)",
    "language code (`en`, `ru`, `kk`)": "language codes (`en`, `ru`, `kk`)",
    "text, one line": "texts, one line each",
}
NUMBERS = {1: "one", 2: "two"}


def _flatten(annotation, metadata=()) -> tuple[object, list, list[str]]:
    """Strip Annotated layers and Optional; return (base type, metadata, descriptions found on the way)."""
    metadata = list(metadata)
    descriptions: list[str] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata.extend(extra)
        elif origin in (typing.Union, types.UnionType):
            arms = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = arms[0]
        else:
            break
    flat = []
    for item in metadata:
        if isinstance(item, FieldInfo):
            if item.description:
                descriptions.append(item.description)
            flat.extend(item.metadata)
        else:
            flat.append(item)
    return annotation, flat, descriptions


def _bounds(metadata) -> str:
    low = next((getattr(m, "ge", None) for m in metadata if getattr(m, "ge", None) is not None), None)
    high = next((getattr(m, "le", None) for m in metadata if getattr(m, "le", None) is not None), None)
    if low is None and high is None:
        return ""
    return f", {low} to {high}" if low is not None and high is not None else f", at least {low}" if low is not None else f", at most {high}"


def _validators(metadata) -> set:
    return {m.func for m in metadata if isinstance(m, AfterValidator)}


def describe(annotation, metadata=()) -> tuple[str, list[str], type[BaseModel] | None, bool]:
    """(type in plain words, descriptions carried by the type, nested model, whether it is a list of that model)."""
    base, meta, descriptions = _flatten(annotation, metadata)
    origin = typing.get_origin(base)
    if origin is list:
        inner, inner_descriptions, model, _ = describe(typing.get_args(base)[0])
        at_least = next((getattr(m, "min_length", None) for m in meta if getattr(m, "min_length", None)), None)
        if model is not None:
            text = "list of items, each with the fields below"
        elif inner.startswith("one of:"):
            text = "list, each " + inner
        else:
            text = "list of " + PLURALS.get(inner, inner)
        if at_least:
            text += f"; at least {NUMBERS.get(at_least, at_least)}"
        return text, descriptions or inner_descriptions, model, model is not None
    if origin is dict:
        return "fields of your own (`key: value`)", descriptions, None, False
    if origin is typing.Literal:
        return "one of: " + ", ".join(f"`{v}`" for v in typing.get_args(base)), descriptions, None, False
    if isinstance(base, type) and issubclass(base, BaseModel):
        return "fields, listed below", descriptions, base, False
    if base is schema.PartialDate:
        if schema._day_precision in _validators(meta):
            return "full date (`2022-01-05`)", descriptions, None, False
        return "date (`2022-01-05`, `2022-01` or `2022`)", descriptions, None, False
    if base is bool:
        return "`true` or `false`", descriptions, None, False
    if base is int:
        return "whole number" + _bounds(meta), descriptions, None, False
    if base is float:
        return "number" + _bounds(meta), descriptions, None, False
    if base is str:
        patterns = {getattr(m, "pattern", None) for m in meta} - {None}
        checks = _validators(meta)
        if schema.ID_PATTERN in patterns:
            return "id (lowercase letters, digits, hyphens)", descriptions, None, False
        if any(p and "[a-z]{2,3}" in p for p in patterns):
            return "language code (`en`, `ru`, `kk`)", descriptions, None, False
        if schema._http_url in checks:
            return "web address (`https://…`)", descriptions, None, False
        if schema._one_line in checks:
            limit = next((getattr(m, "max_length", None) for m in meta if getattr(m, "max_length", None)), None)
            return "text, one line" + (f", at most {limit} characters" if limit else ""), descriptions, None, False
        return "text (may run over several lines)", descriptions, None, False
    return getattr(base, "__name__", str(base)), descriptions, None, False


# ------------------------------------------------------------------ tables


def _default(field: FieldInfo) -> str:
    value = field.get_default(call_default_factory=True)
    if value in (None, [], {}, ""):
        return "no"
    if isinstance(value, bool):
        return f"no (default `{str(value).lower()}`)"
    return f"no (default `{value}`)"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def rows(kind: str, model: type[BaseModel], prefix: str = "", parent: str = "") -> list[tuple[str, str, str, str]]:
    out = []
    for name, field in model.model_fields.items():
        path = prefix + name
        text, type_descriptions, nested, is_list = describe(field.annotation, field.metadata)
        required = ("**yes**" if not parent else f"yes, in `{parent}`") if field.is_required() else _default(field)
        if name == "sources":
            description = "; ".join(filter(None, [HINTS.get((kind, path)), SOURCES]))
        else:
            description = HINTS.get((kind, path)) or field.description or GENERIC.get(name) or next(iter(type_descriptions), "")
        out.append((f"`{path}`", text, required, description))
        if nested is not None:
            out.extend(rows(kind, nested, path + ("[]." if is_list else "."), path + ("[]" if is_list else "")))
    return out


def reference() -> str:
    """The Markdown that goes between the markers."""
    lines = [
        "",
        "_Generated from `memorial/schema.py` by `python tools/field_reference.py`; do not edit by hand._",
        "",
        "`age.years` is the `years` field inside `age`; `events[].date` is the `date` of each item in the `events` list.",
        "A field that is not required may be left out. Any field not listed here is refused by `python build.py check`.",
    ]
    seen: set[tuple[str, str]] = set()
    for kind, model in schema.MODELS.items():
        where, _, what = (model.__doc__ or kind).strip().partition(" — ")
        path, _, aside = where.strip().partition(" ")
        lines += ["", f"### {kind}", "", f"`{path}`" + (f" {aside}" if aside else "") + (f": {what.strip()}" if what else ""), ""]
        lines += ["| field | type | required | description |", "|---|---|---|---|"]
        for path, text, required, description in rows(kind, model):
            seen.add((kind, path.strip("`")))
            lines.append(f"| {_cell(path)} | {_cell(text)} | {required} | {_cell(description)} |")
    stale = sorted(set(HINTS) - seen)
    if stale:
        raise SystemExit(f"tools/field_reference.py: HINTS names fields the models no longer have: {stale}")
    return "\n".join(lines) + "\n"


def updated(text: str) -> str:
    """``text`` with the part between the markers replaced by the current reference."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise SystemExit(f"CONTRIBUTING.md must contain {START} and then {END}, once each")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    return head + START + "\n" + reference() + "\n" + END + tail


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="exit 1 when the file is out of date, without writing it")
    p.add_argument("--file", type=Path, default=CONTRIBUTING)
    args = p.parse_args(argv)
    current = args.file.read_text(encoding="utf-8")
    new = updated(current)
    if args.check:
        if new != current:
            print(f"{args.file} is out of date: run python tools/field_reference.py", file=sys.stderr)
            return 1
        return 0
    if new != current:
        args.file.write_text(new, encoding="utf-8")
        print(f"updated {args.file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

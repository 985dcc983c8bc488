"""Open data (memorial/export.py) and the generated field reference in CONTRIBUTING.md."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT

from memorial.export import data_files
from memorial.load import last_changed, load_content
from memorial.model import build_model
from memorial.validate import validate

FILES = {"data/datapackage.json", "data/events.csv", "data/people.csv", "data/people.json", "data/sources.csv"}

PERSON = """---
name: {name}
aliases: [{alias}]
name_forms:
  - name: {form}
    language: ru
    sources: [report-a]
city: almaty
fates: [detained]
events:
  - date: 2022-01-06
    what: A fixture line.
    sources: [report-a]
sources: [report-a]
{extra}
---
Story.
"""


def model_of(content: Path):
    """The model exactly as memorial/pipeline.py builds it: load, validate, model."""
    validated = validate(load_content(content), content)
    assert validated.site is not None
    assert not [d for d in validated.diagnostics if d.severity == "error"], [d.format() for d in validated.diagnostics]
    return build_model(validated, last_changed(content))


def files_of(content: Path) -> dict[str, bytes]:
    return {page.path: page.data for page in data_files(model_of(content))}


def rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def write(files: dict[str, bytes], folder: Path) -> Path:
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder / "data" / "datapackage.json"


# ------------------------------------------------------------------ the files


def test_files_are_produced_under_the_base_path():
    model = model_of(FIXTURE)
    assert {p.path for p in data_files(model)} == FILES
    assert {p.path for p in data_files(model, "open/")} == {f.replace("data/", "open/") for f in FILES}


def test_people_csv_has_one_row_per_published_person():
    files = files_of(FIXTURE)
    people = rows(files["data/people.csv"])
    assert [r["id"] for r in people] == ["person-one", "person-two"]
    one = people[0]
    assert one == {
        "id": "person-one",
        "name": "Example Person One",
        "aliases": "Ekzample Person One",
        "city": "almaty",
        "city_name": "Almaty",
        "fates": "killed",
        "age": "30",
        "age_as_of": "2022-01-06",
        "occupation": "driver",
        "first_event_date": "2022-01-06",
        "last_event_date": "2022-12",
        "justice_status": "case-closed",
        "sources": "report-a; paper-b",
        "page": "en/people/person-one.html",
    }
    assert people[1]["fates"] == "detained; tortured"
    assert [p["id"] for p in json.loads(files["data/people.json"])] == ["person-one", "person-two"]
    everything = b"".join(files.values()).decode("utf-8")
    for needle in ("hidden-draft", "Draftonly", "Secretname", "Drafted fixture line"):
        assert needle not in everything, needle


def test_events_csv_has_every_dated_fact_sorted_by_date():
    events = rows(files_of(FIXTURE)["data/events.csv"])
    assert [(r["kind"], r["id"], r["date"], r["date_precision"], r["city"]) for r in events] == [
        ("person", "person-two", "2022-01", "month", ""),
        ("event", "emergency", "2022-01-05", "day", "national"),
        ("person", "person-one", "2022-01-06", "day", "almaty"),
        ("event", "verdict", "2022-11-16", "day", "taraz"),
        ("person", "person-one", "2022-12", "month", ""),
    ]
    assert events[0]["earliest_day"] == "2022-01-01" and events[0]["latest_day"] == "2022-01-31"
    assert events[1]["what"] == "Fixture state of emergency" and events[1]["end_date"] == "2022-01-19"
    assert events[2]["what"] == "Fixture event on the sixth." and events[2]["page"] == "en/people/person-one.html"


def test_private_fields_and_initials_only_people_do_not_leak(site):
    site.write(
        "people/aigerim-secretova.md",
        PERSON.format(
            name="Aigerim Secretova",
            alias="Aigerim Sekretova",
            form="Айгерим Секретова",
            extra="display: initials\naddress: p-5be3c0a1f29d",
        ),
    )
    site.write(
        "people/person-four.md",
        PERSON.format(
            name="Example Person Four",
            alias="Example Person Fore",
            form="Экзампл Персон",
            extra="private:\n  contact: Secretcontact +7 700 000 0000\n  consent: spoken to Secretrelative",
        ),
    )
    files = files_of(site.content)
    everything = b"".join(files.values()).decode("utf-8")
    for needle in ("Secretova", "secretova", "Sekretova", "Aigerim", "Айгерим", "Secretcontact", "Secretrelative", "+7 700", "private"):
        assert needle not in everything, needle
    people = {r["name"]: r for r in rows(files["data/people.csv"])}
    initials = people["A. S."]
    assert initials["id"] == "p-5be3c0a1f29d" and initials["page"] == f"en/people/{initials['id']}.html"
    assert initials["aliases"] == ""
    assert people["Example Person Four"]["aliases"] == "Example Person Fore"
    assert {r["name"] for r in json.loads(files["data/people.json"])} == set(people)
    assert [r["name"] for r in rows(files["data/events.csv"]) if r["id"] == initials["id"]] == ["A. S."]


# ------------------------------------------------------------------ bytes and the data package


@pytest.mark.parametrize("content", [FIXTURE, ROOT / "content"], ids=["fixture", "content"])
def test_bytes_are_deterministic_and_plain(content):
    first, second = files_of(content), files_of(content)
    assert first == second
    for path, data in first.items():
        text = data.decode("utf-8")
        assert "\r" not in text and not text.startswith("\ufeff") and text.endswith("\n"), path
        if path.endswith(".json"):
            value = json.loads(text)
            if path.endswith("people.json"):  # one person per line, keys sorted
                rows = ",\n".join(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in value)
                assert text == f"[\n{rows}\n]\n", path
            else:
                assert text == json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n", path


@pytest.mark.parametrize("content", [FIXTURE, ROOT / "content"], ids=["fixture", "content"])
def test_data_package_validates_with_frictionless(content, tmp_path):
    import frictionless  # requirements-dev.txt; imported here so that the other tests run without it

    report = frictionless.validate(str(write(files_of(content), tmp_path)))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_data_package_describes_its_files():
    files = files_of(ROOT / "content")
    package = json.loads(files["data/datapackage.json"])
    assert package["name"] == "qandy-qantar-memorial" and package["title"] == "Qandy Qantar Memorial"
    assert "licenses" not in package and "ask the memorial's editors" in package["description"]
    for resource in package["resources"]:
        assert {"path", "format", "mediatype", "encoding", "schema"} <= set(resource)
        assert f"data/{resource['path']}" in files
        for field in resource["schema"]["fields"]:
            # partial dates (2022-01) stay strings; only columns that always hold a full date are typed "date"
            assert field["type"] != "date" or field["name"] in ("earliest_day", "latest_day"), field
    people = next(r for r in package["resources"] if r["path"] == "people.csv")
    assert people["schema"]["primaryKey"] == ["id"]
    header = rows(files["data/people.csv"])[0].keys()
    assert list(header) == [f["name"] for f in people["schema"]["fields"]]
    assert len(rows(files["data/people.csv"])) == len(model_of(ROOT / "content").people)


# ------------------------------------------------------------------ CONTRIBUTING.md


def test_field_reference_in_contributing_is_up_to_date():
    spec = importlib.util.spec_from_file_location("field_reference", ROOT / "tools" / "field_reference.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    committed = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert tool.updated(committed) == committed, "CONTRIBUTING.md's field reference is stale: run python tools/field_reference.py"


def test_every_page_named_in_the_data_exists(built_content):
    import csv

    site = built_content.parent
    for name in ("people.csv", "events.csv", "sources.csv"):
        with (site / "data" / name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                assert (site / row["page"]).is_file(), (name, row["page"])

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

FILES = {f"data/{name}" for name in ("datapackage.json", "events.csv", "people.csv", "people.json", "sources.csv")} | {
    f"data/{name}" for name in ("cities.csv", "cities.geojson", "figures.csv", "citations.csv")
}

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
    assert [(r["key"], r["kind"], r["person"], r["event"], r["date"], r["date_precision"], r["city"], r["national"]) for r in events] == [
        ("person-two#1", "person", "person-two", "", "2022-01", "month", "", "false"),
        ("emergency", "event", "", "emergency", "2022-01-05", "day", "", "true"),
        ("person-one#1", "person", "person-one", "", "2022-01-06", "day", "almaty", "false"),
        ("verdict", "event", "", "verdict", "2022-11-16", "day", "taraz", "false"),
        ("person-one#2", "person", "person-one", "", "2022-12", "month", "", "false"),
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
    assert [r["name"] for r in rows(files["data/events.csv"]) if r["person"] == initials["id"]] == ["A. S."]
    assert [r["key"] for r in rows(files["data/events.csv"]) if r["person"] == initials["id"]] == [f"{initials['id']}#1"]
    # their citations name them by the opaque id, and leave out the name form their page does not show
    cited = [(r["person"], r["cited_for"]) for r in rows(files["data/citations.csv"]) if r["person"] == initials["id"]]
    assert cited == [(initials["id"], "entry"), (initials["id"], "fact")]
    assert ("person-four", "name") in [(r["person"], r["cited_for"]) for r in rows(files["data/citations.csv"])]


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
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 International",
        }
    ]
    assert "ask the memorial's editors" not in package["description"]
    for resource in package["resources"]:
        assert {"path", "format", "mediatype", "encoding", "description"} <= set(resource)
        assert f"data/{resource['path']}" in files
        assert ("schema" in resource) == (resource["type"] == "table") == (resource["format"] != "geojson"), resource["name"]
        for field in resource.get("schema", {}).get("fields", []):
            # partial dates (2022-01) stay strings; only columns that always hold a full date are typed "date"
            assert field["type"] != "date" or field["name"] in ("earliest_day", "latest_day", "day"), field
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
    for name in ("people.csv", "events.csv", "sources.csv", "cities.csv"):
        with (site / "data" / name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                assert (site / row["page"]).is_file(), (name, row["page"])


# ------------------------------------------------------------------ the tables added for reuse: keys, lists, cities, figures, citations


def package_of(files: dict[str, bytes]) -> dict:
    return json.loads(files["data/datapackage.json"])


def test_list_cells_are_table_schema_lists_and_read_back_as_lists(tmp_path):
    import frictionless

    files = files_of(FIXTURE)
    lists = {
        (r["name"], f["name"]): f
        for r in package_of(files)["resources"]
        for f in r.get("schema", {}).get("fields", [])
        if f["type"] in ("list", "array")
    }
    assert set(lists) >= {("people", "aliases"), ("people", "fates"), ("people", "sources"), ("events", "sources")}
    assert set(lists) >= {("figures", "sources"), ("people-json", "fates")}
    for (resource, _), field in lists.items():
        assert "pattern" not in field.get("constraints", {}), field
        if resource != "people-json":
            assert field["type"] == "list" and field["delimiter"] == "; " and field["itemType"] == "string", field
    package = frictionless.Package(str(write(files, tmp_path)))
    two = next(r for r in package.get_resource("people").read_rows() if r["id"] == "person-two")
    assert two["fates"] == ["detained", "tortured"]


def test_foreign_keys_join_the_tables_and_a_broken_one_is_caught(tmp_path):
    import frictionless

    files = files_of(FIXTURE)
    keys = {
        (r["name"], k["fields"][0], k["reference"]["resource"], k["reference"]["fields"][0])
        for r in package_of(files)["resources"]
        for k in r.get("schema", {}).get("foreignKeys", [])
    }
    assert keys >= {
        ("people", "city", "cities", "id"),
        ("events", "person", "people", "id"),
        ("events", "city", "cities", "id"),
        ("citations", "source", "sources", "id"),
        ("citations", "person", "people", "id"),
        ("citations", "event", "events", "key"),
        ("citations", "figure", "figures", "id"),
    }
    # the check is real: a city taken out of cities.csv leaves the rows that name it pointing nowhere
    files["data/cities.csv"] = b"\n".join(line for line in files["data/cities.csv"].split(b"\n") if not line.startswith(b"almaty,"))
    report = frictionless.validate(str(write(files, tmp_path)))
    broken = {(task.name, e.type) for task in report.tasks for e in task.errors}
    assert ("people", "foreign-key") in broken and ("events", "foreign-key") in broken, broken


def test_cities_are_a_table_and_valid_geojson_points_longitude_first():
    model = model_of(ROOT / "content")
    files = files_of(ROOT / "content")
    cities = {r["id"]: r for r in rows(files["data/cities.csv"])}
    assert set(cities) == set(model.cities)
    people, events = rows(files["data/people.csv"]), rows(files["data/events.csv"])
    for cid, row in cities.items():
        data = model.cities[cid].data
        assert (float(row["latitude"]), float(row["longitude"])) == (data.latitude, data.longitude)
        # a person counts for a city they are from or have a dated fact in
        there = {p["id"] for p in people if p["city"] == cid} | {e["person"] for e in events if e["city"] == cid and e["person"]}
        assert int(row["people"]) == len(there), cid
    assert sum(int(r["people"]) for r in cities.values()) > 0

    collection = json.loads(files["data/cities.geojson"])
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == list(cities)
    for feature in collection["features"]:
        row = cities[feature["id"]]
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]  # RFC 7946 3.1.1: longitude, then latitude
        assert (lon, lat) == (float(row["longitude"]), float(row["latitude"]))
        assert 46 <= lon <= 88 and 40 <= lat <= 56, feature  # Kazakhstan: swapped, they would fall outside
        assert feature["properties"] == {
            "id": row["id"],
            "name": row["name"],
            "region": row["region"] or None,
            "people": int(row["people"]),
            "page": row["page"],
        }


def test_figures_and_citations_cover_every_published_record():
    model = model_of(ROOT / "content")
    files = files_of(ROOT / "content")
    figures = rows(files["data/figures.csv"])
    assert [f["id"] for f in figures] == sorted(r.id for r in model.figures)
    assert {f["topic"] for f in figures} <= {"deaths", "detentions", "torture", "justice", "places", ""}
    cited = rows(files["data/citations.csv"])
    by_person = {(c["person"], c["source"]) for c in cited if c["cited_for"] == "entry"}
    for person in rows(files["data/people.csv"]):
        assert {(person["id"], s) for s in person["sources"].split("; ")} >= {p for p in by_person if p[0] == person["id"]}
    for event in rows(files["data/events.csv"]):
        assert {c["source"] for c in cited if c["event"] == event["key"]} == set(event["sources"].split("; ")), event["key"]
    for figure in figures:
        assert {c["source"] for c in cited if c["figure"] == figure["id"]} == set(figure["sources"].split("; "))
    assert {c["day"] for c in cited if c["day"]} == set(model.day_notes)


def test_the_fixture_states_no_licence_and_says_so():
    package = package_of(files_of(FIXTURE))
    assert "licenses" not in package and "ask the memorial's editors" in package["description"]


def test_an_unknown_licence_is_an_editors_error(site, run):
    site.edit("site.yaml", "default_language: en\n", "default_language: en\nlicence: CC-BY-4\n")
    code, _, err = run("check", "--content", str(site.content))
    assert code == 1
    assert "site.yaml:5:10: error: licence: 'CC-BY-4' is not allowed (did you mean 'CC-BY-4.0'?); use one of: CC0-1.0, CC-BY-4.0" in err, (
        err
    )
    assert "Traceback" not in err


def test_frictionless_command_validates_the_shipped_package(tmp_path):
    """The command-line tool a reuser runs, on the package as published."""
    import shutil
    import subprocess
    import sys

    command = shutil.which("frictionless") or str(Path(sys.executable).parent / "frictionless")
    proc = subprocess.run([command, "validate", str(write(files_of(ROOT / "content"), tmp_path))], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "INVALID" not in proc.stdout and proc.stdout.count("VALID") == len(package_of(files_of(ROOT / "content"))["resources"]), (
        proc.stdout
    )


# ------------------------------------------------------------------ the data page, as a reader meets it


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_data_page_describes_every_file_and_column_in_each_language(browser, built_content, lang):
    site = built_content.parent
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((site / lang / "index.html").as_uri())
    footer = page.locator("footer nav").first
    footer.locator("a[href='data.html']").click()  # reached from the foot of every page
    page.wait_for_load_state()
    assert page.url.endswith(f"/{lang}/data.html")
    sections = page.locator("section.resource")
    assert sections.count() == len(package["resources"])
    english = {}
    for resource in package["resources"]:
        section = page.locator(f"section.resource:has(h2#{resource['name']})")
        link = section.locator("h2 a")
        assert link.inner_text() == resource["path"]
        assert Path(link.evaluate("a => decodeURI(new URL(a.href).pathname)")).is_file()
        shown = section.locator("dl.columns dt").all_inner_texts()
        if resource["format"] == "geojson":
            collection = json.loads((site / "data" / resource["path"]).read_text(encoding="utf-8"))
            assert sorted(shown) == sorted(collection["features"][0]["properties"])
        else:
            assert sorted(shown) == sorted(f["name"] for f in resource["schema"]["fields"])
        english[resource["name"]] = resource["description"]
    licence = page.locator("section[aria-labelledby=licence] a")
    assert licence.get_attribute("href") == package["licenses"][0]["path"]
    assert "CC-BY-4.0" in page.locator("section[aria-labelledby=licence]").inner_text()
    # in Russian and Kazakh the descriptions are the catalogs' (test_i18n: every one translated), not English
    description = page.locator("section.resource:has(h2#people) > p").inner_text()
    assert (english["people"] in description) == (lang == "en"), description
    assert all(url.startswith("file://") for url in requests), requests  # nothing from another host
    page.close()

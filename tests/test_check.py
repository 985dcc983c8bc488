"""`build.py check`: every problem at once, as file:line:col with the exact wording editors see."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from conftest import ROOT, errors_of

PERSON = """---
name: Example Person Three
city: almaty
fates: [wounded]
events:
  - date: 2022-01-06
    city: almaty
    what: A fixture line.
    sources: [report-a]
sources: [report-a]
---
Story.
"""


def test_clean_content_passes(site, run):
    code, out, err = run("check", "--content", "content")
    assert code == 0, err
    assert "content OK" in out
    assert err == ""


def test_undefined_city_names_file_line_column_and_suggests(site, run):
    site.write("people/three.md", PERSON.replace("city: almaty\nfates", "city: almatty\nfates"))
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert errors_of(err) == ["content/people/three.md:3:7: error: city 'almatty' is not defined (did you mean 'almaty'?)"]


def test_undefined_source_in_a_nested_event(site, run):
    site.write("people/three.md", PERSON.replace("    sources: [report-a]", "    sources: [report-a, reprot-a, nowhere]"))
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert errors_of(err) == [
        "content/people/three.md:9:25: error: source 'reprot-a' is not defined (did you mean 'report-a'?)",
        "content/people/three.md:9:35: error: source 'nowhere' is not defined (add content/sources/nowhere.yaml)",
    ]


def test_every_problem_in_every_file_is_listed_at_once(site, run):
    site.write("people/three.md", PERSON.replace("name: Example Person Three\n", "").replace("fates: [wounded]", "fates: [kiled]"))
    site.write("people/four.md", PERSON.replace("city: almaty\nfates", "citi: almaty\nfates").replace("2022-01-06", "2022-02-30"))
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert errors_of(err) == [
        "content/people/four.md:3:1: error: unknown field 'citi' (did you mean 'city'?); allowed fields: name, sort_name, aliases, name_forms, age, occupation, sex, city, fates, events, justice, conflicts, sources, photo, status, display, address, not_duplicate_of, former_ids, private",
        "content/people/four.md:6:11: error: date: '2022-02-30' is not a real date (February 2022 has no day 30)",
        "content/people/three.md:2:1: error: required field 'name' is missing",
        "content/people/three.md:3:9: error: fates: 'kiled' is not allowed (did you mean 'killed'?); use one of: killed, died-in-custody, wounded, tortured, detained, prosecuted, missing, journalist-targeted, defender-targeted",
    ]
    assert err.rstrip().endswith("4 error(s), 0 warning(s)")


def test_a_bad_date_does_not_hide_a_misspelt_city(site, run):
    """One round, every problem of an entry: a file that fails its schema still has its cities and
    sources looked up."""
    site.write(
        "people/five.md",
        PERSON.replace("2022-01-06", "2022-02-30")
        .replace("city: almaty\nfates", "city: almatty\nfates")
        .replace("sources: [report-a]\n---", "sources: [reprt-a]\n---"),
    )
    code, _, err = run("check", "--content", "content")
    found = [line for line in errors_of(err) if "five.md" in line]
    assert code == 1 and len(found) == 3, found
    assert any("is not a real date" in line for line in found)
    assert any("city 'almatty' is not defined (did you mean 'almaty'?)" in line for line in found)
    assert any("source 'reprt-a' is not defined (did you mean 'report-a'?)" in line for line in found)


def test_wrong_types_are_explained(site, run):
    site.write("people/three.md", PERSON.replace("fates: [wounded]", "fates: wounded").replace("what: A fixture line.", "what: [a, list]"))
    code, _, err = run("check", "--content", "content")
    assert errors_of(err) == [
        "content/people/three.md:4:8: error: fates: expected a list, e.g. [a, b], found text",
        "content/people/three.md:8:11: error: what: expected text, found a list",
    ]


def test_yaml_syntax_error_is_placed_in_the_whole_file(site, run):
    site.write("people/three.md", PERSON.replace("fates: [wounded]", "fates: [wounded"))
    code, _, err = run("check", "--content", "content")
    assert code == 1
    [line] = errors_of(err)
    assert line.startswith("content/people/three.md:5:7: error: YAML syntax error:")


def test_duplicate_field(site, run):
    site.write("people/three.md", PERSON.replace("fates: [wounded]", "fates: [wounded]\nname: Again"))
    code, _, err = run("check", "--content", "content")
    assert errors_of(err) == ["content/people/three.md:5:1: error: field 'name' appears twice (first on line 2); keep one"]


def test_missing_front_matter(site, run):
    site.write("people/three.md", "name: No dashes\n")
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert errors_of(err) == [
        "content/people/three.md:1:1: error: couldn't find front matter: the file must start with a line '---', then the YAML fields, then another '---' line"
    ]


def test_future_and_misprinted_dates(site, run):
    next_year = dt.date.today().year + 1
    site.write("people/three.md", PERSON.replace("2022-01-06", f"{next_year}-01-06"))
    site.write("people/four.md", PERSON.replace("2022-01-06", "2020-01-06").replace("Person Three", "Person Four"))
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert errors_of(err) == [
        "content/people/four.md:6:11: warning: date: 2020-01-06 is before the timeline (2022-01-02 to 2022-01-21); if the source misprints the year, record the corrected date and explain it in date_note",
        f"content/people/three.md:6:11: error: date: {next_year}-01-06 is in the future",
    ]


def test_warnings_do_not_fail_the_check(site, run):
    site.edit("events/verdict.md", "aftermath: true\n", "")
    code, out, err = run("check", "--content", "content")
    assert code == 0
    assert errors_of(err) == [
        "content/events/verdict.md:3:7: warning: date: 2022-11-16 is after the timeline (2022-01-02 to 2022-01-21); mark the event 'aftermath: true' if that is right"
    ]


def test_a_facts_city_that_its_own_text_contradicts(site, run):
    """A dated fact's city is where the source puts that fact: a fact whose text names another city and
    not its own most likely had the person's city copied down. A warning; naming a region is no city."""
    site.write("people/three.md", PERSON.replace("what: A fixture line.", "what: Detained at a police station in Taraz."))
    site.write("people/four.md", PERSON.replace("Three", "Four").replace("what: A fixture line.", "what: Moved from Taraz to Almaty."))
    site.write("people/five.md", PERSON.replace("Three", "Five").replace("what: A fixture line.", "what: Held in the Taraz region."))
    code, _, err = run("check", "--content", "content")
    assert code == 0
    assert [line for line in errors_of(err) if "this fact's city" in line] == [
        "content/people/three.md:7:11: warning: this fact's city is 'almaty' but its text names Taraz and not Almaty: "
        "a fact's city is where the source puts that fact; correct 'city' or remove it"
    ]


def test_event_is_in_a_city_or_national_not_both(site, run):
    site.edit("events/emergency.md", "national: true\n", "national: true\ncity: almaty\n")
    code, _, err = run("check", "--content", "content")
    assert errors_of(err) == [
        "content/events/emergency.md:5:11: error: an event is either national or in a city: remove 'city' or set 'national: false'"
    ]


def test_bad_file_names_and_day_files(site, run):
    site.write("people/Bad Name.md", PERSON)
    site.write("days/2022-02-01.md", "---\nsources: [report-a]\n---\nOutside.\n")
    site.write("pages/timeline.md", "---\ntitle: Clash\n---\nx\n")
    code, _, err = run("check", "--content", "content")
    assert errors_of(err) == [
        "content/days/2022-02-01.md:2:1: error: 2022-02-01 is outside the timeline (2022-01-02 to 2022-01-21); there is no page for that day",
        "content/pages/timeline.md:2:1: error: page id 'timeline' is taken by the site itself (404, assets, changes, cities, data, days, download, events, index, people, photos, search, sources, timeline); rename the file",
        "content/people/Bad Name.md:1:1: error: file name 'Bad Name.md' is not a valid id: use lowercase letters, digits and hyphens (the name is the record's permanent address)",
    ]


def test_ids_that_would_take_the_sites_own_pages(site, run):
    """`new person "Index"` writes people/index.md: check must refuse it, not the build crash on it."""
    site.write("people/index.md", PERSON)
    site.write("people/by-city.md", PERSON)
    site.write("people/p-0123456789ab.md", PERSON)
    site.write("sources/index.yaml", "publisher: P\ntitle: T\ndate: 2022\nlanguage: en\nkind: news\n")
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert [line for line in errors_of(err) if "rename the file" in line] == [
        "content/people/by-city.md:2:1: error: id 'by-city' would be written to people/by-city.html, which is a people list; rename the file",
        "content/people/index.md:2:1: error: id 'index' would be written to people/index.html, which is a people list; rename the file",
        "content/people/p-0123456789ab.md:2:1: error: id 'p-0123456789ab' has the form of the address of a person shown by initials (p- and 12 letters or digits); rename the file",
        "content/sources/index.yaml:1:1: error: id 'index' would be written to sources/index.html, which is the list of sources; rename the file",
    ]


def test_encoding_problems(site, run):
    (site.content / "people/bom.md").write_bytes(b"\xef\xbb\xbf" + PERSON.encode())
    (site.content / "people/latin1.md").write_bytes(PERSON.replace("Story.", "Caf\xe9").encode("latin-1"))
    site.write("people/tabs.md", PERSON.replace("  - date", "\t- date"))
    code, _, err = run("check", "--content", "content")
    found = errors_of(err)
    # a byte-order mark (Windows' Notepad) is read past, with a warning; the others stop the file
    assert (
        "content/people/bom.md:1:1: warning: file starts with a byte-order mark, which was ignored; save it as UTF-8 without BOM" in found
    )
    assert "content/people/latin1.md:12:4: error: not valid UTF-8 (byte 0xe9); save the file as UTF-8" in found
    tabs = next(line for line in found if line.startswith("content/people/tabs.md:6:1: error: YAML syntax error:"))
    assert "this line has a tab: indent with spaces only" in tabs


def test_unused_source_is_a_warning(site, run):
    site.write("sources/unused.yaml", "publisher: P\ntitle: T\ndate: 2022\nlanguage: en\nkind: news\n")
    code, _, err = run("check", "--content", "content")
    assert code == 0
    assert errors_of(err) == [
        "content/sources/unused.yaml:1:1: warning: source 'unused' is not cited by any entry; cite it or remove the file"
    ]


def test_urls_must_be_web_addresses(site, run):
    site.edit("sources/report-a.yaml", "url: https://example.org/report-a", "url: javascript:alert(1)")
    code, _, err = run("check", "--content", "content")
    assert errors_of(err) == [
        "content/sources/report-a.yaml:4:6: error: url: 'javascript:alert(1)' is not a web address; it must start with https:// or http://"
    ]


def test_photo_path_cannot_leave_content(site, run):
    photo = "photo:\n  file: ../../etc/passwd\n  credit: c\n  licence: l\n  alt: a\n  consent: c\n"
    site.write("people/three.md", PERSON.replace("sources: [report-a]\n---", "sources: [report-a]\n" + photo + "---"))
    code, _, err = run("check", "--content", "content")
    assert errors_of(err) == [
        "content/people/three.md:12:9: error: photo file: '../../etc/passwd' must not contain '..'; keep the file inside content/"
    ]


def test_content_problems_never_print_a_traceback(site):
    site.write("people/three.md", "---\nname: [unclosed\n---\n")
    (site.content / "people/bin.md").write_bytes(b"\x00\xff\xfe")
    site.write("site.yaml", "- just\n- a list\n")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "check", "--content", "content"], capture_output=True, text=True, cwd=site.tmp
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "content/site.yaml:1:1: error: expected YAML fields (key: value), found a single value or a list" in proc.stderr

"""Values reach the site as the editor wrote them, and no hidden character reaches it at all.

YAML 1.1 (PyYAML's) read `010` as 8, `2:30` as 150 and `yes` as true: text fields now keep the
characters written, and number, true/false and date fields refuse what could be read two ways.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import unicodedata

from conftest import ROOT, errors_of
from test_safety import PERSON

from memorial import characters, duplicates, export, render


def _check(run) -> tuple[int, list[str]]:
    code, _, err = run("check", "--content", "content")
    return code, errors_of(err)


# ------------------------------------------------------------------ read as written


def test_text_fields_keep_the_characters_written(site, run):
    """`0123` was published as 83, `010` as 8, `2:30` as 150; `true` and `1.50` are text too."""
    site.write(
        "people/three.md",
        PERSON.replace(
            "name: Example Person Three", "name: 0123\naliases: [yes, on, 1.50]\noccupation:\n  text: true\n  sources: [report-a]"
        ),
    )
    site.write("figures/counted.yaml", "value: 010\nwhat: 2:30\ngiven_by: 0x1F\ndate: 2022-12\nsources: [paper-b]\nnote: null means none\n")
    code, _, err = run("build")
    assert code == 0, err
    out = site.tmp / "output"
    page = (out / "en/people/three.html").read_text(encoding="utf-8")
    assert "<h1>0123</h1>" in page and "true" in page
    assert "<dt>010</dt>" in (out / "en/index.html").read_text(encoding="utf-8")
    home = (out / "en/index.html").read_text(encoding="utf-8")
    assert "2:30" in home and "0x1F" in home
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((out / "data/people.csv").read_text(encoding="utf-8")))}
    assert rows["three"]["name"] == "0123" and rows["three"]["occupation"] == "true"
    assert rows["three"]["aliases"].split("; ") == ["yes", "on", "1.50"]


def test_numbers_and_flags_that_read_two_ways_are_errors_that_say_how_to_write_them(site, run):
    site.write(
        "people/three.md",
        PERSON.replace("city: almaty", "city: almaty\nage:\n  years: 010\n  as_of: 2022-01-06\n  sources: [report-a]"),
    )
    site.write("people/four.md", PERSON.replace("city: almaty", "age:\n  years: 2:30\n  as_of: 2022-01-06\n  sources: [report-a]"))
    site.write("people/five.md", PERSON.replace("city: almaty", "age:\n  years: true\n  as_of: 2022-01-06\n  sources: [report-a]"))
    site.write("pages/more.md", "---\ntitle: More\norder: 0x10\n---\nMore.\n")
    site.write("cities/semey.yaml", "name: Semey\nlatitude: 50,41\nlongitude: 0o1\n")
    site.write(
        "events/strike.md", "---\ntitle: Strike\ndate: 2022-01-04\nnational: yes\naftermath: 'false'\nsources: [report-a]\n---\nBody.\n"
    )
    code, errors = _check(run)
    assert code == 1
    assert errors == [
        "content/cities/semey.yaml:2:11: error: latitude: '50,41' is not a number; write it with a point, not a comma: 50.41",
        "content/cities/semey.yaml:3:12: error: longitude: '0o1' is a number in base 8, which readers take differently; write it in the digits 0-9: 1",
        "content/events/strike.md:4:11: error: national: 'yes' is not true or false; write true or false",
        "content/pages/more.md:3:8: error: order: '0x10' is a number in base 16, which readers take differently; write it in the digits 0-9: 16",
        "content/people/five.md:4:10: error: years: expected a whole number, found true/false",
        "content/people/four.md:4:10: error: years: '2:30' is not a whole number (YAML 1.1 reads it as 150, in base 60); "
        "write it in the digits 0-9, such as 34",
        "content/people/three.md:5:10: error: years: '010' starts with 0, which readers take as base 8; "
        "write it without the leading zero: 10",
    ]


def test_a_field_written_null_has_no_value(site, run):
    """`null`, `~` and an empty value mean "none" (YAML's core schema): an optional field is left out,
    a required one says how to write the word itself."""
    site.edit("sources/report-a.yaml", "publisher: Example Rights Group", "publisher: Example Rights Group\nauthor: ~")
    site.write("people/three.md", PERSON.replace("name: Example Person Three", "name: null"))
    code, errors = _check(run)
    assert errors == [
        "content/people/three.md:2:7: error: name: has no value (null, ~ and an empty value mean none); "
        'write it, in quotes if it is the word itself: "null"'
    ]


def test_dates_are_written_with_the_digits_0_to_9_only(site, run):
    """`0x7E6` and `33:42` were read as the year 2022, and so were Arabic-Indic and full-width digits."""
    site.edit("sources/report-a.yaml", "date: 2022-02", "date: 0x7E6")
    site.edit("figures/dead-238.yaml", "date: 2022-12", "date: 33:42")
    site.write("people/three.md", PERSON.replace("date: 2022-01-06", "date: ٢٠٢٢-٠١-٠٦"))
    site.write("people/four.md", PERSON.replace("date: 2022-01-06", "date: ２０２２"))
    code, errors = _check(run)
    assert code == 1
    assert errors == [
        "content/figures/dead-238.yaml:4:7: error: date: '33:42' is not a date; write it as 2022-01-05 (day), 2022-01 (month) or 2022 (year)",
        "content/people/four.md:6:11: error: date: '２０２２' is written with digits other than 0-9; "
        "write dates with the digits 0-9, such as 2022-01-05",
        "content/people/three.md:6:11: error: date: '٢٠٢٢-٠١-٠٦' is written with digits other than 0-9; "
        "write dates with the digits 0-9, such as 2022-01-05",
        "content/sources/report-a.yaml:3:7: error: date: '0x7E6' is not a date; write it as 2022-01-05 (day), 2022-01 (month) or 2022 (year)",
    ]


# ------------------------------------------------------------------ hidden characters


def test_control_characters_are_refused_each_at_its_own_line_and_column(site, run):
    """NUL, ESC, BEL and a bare CR reached the pages and the CSV files raw; a NUL was reported at 1:1."""
    site.write(
        "people/three.md",
        PERSON.replace("what: A fixture line.", "what: A fix\x00ture line.")
        .replace("city: almaty", "city: almaty\naliases: [Ex\x1bample]\noccupation:\n  text: dri\x7fver\n  sources: [report-a]")
        .replace("Story.", "Sto\x07ry, and\ra bare carriage return, and a C1 control \x9b here.\n\tA tab is fine."),
    )
    site.write("people/four.md", PERSON.replace("name: Example Person Three", 'name: "Example\\ePerson Four"'))
    site.edit("sources/report-a.yaml", "kind: ngo-report", "kind: ngo-report\nnote: one\x00two")
    code, errors = _check(run)
    assert code == 1
    assert [line for line in errors if ": error: " in line] == [
        "content/people/four.md:2:7: error: name: control character U+001B is not allowed; delete it",
        "content/people/three.md:4:13: error: control character U+001B is not allowed; delete it "
        "(most editors do not show it: retype the text around it)",
        "content/people/three.md:6:12: error: control character U+007F is not allowed; delete it "
        "(most editors do not show it: retype the text around it)",
        "content/people/three.md:11:16: error: control character U+0000 is not allowed; delete it "
        "(most editors do not show it: retype the text around it)",
        "content/people/three.md:15:4: error: control character U+0007 is not allowed; delete it "
        "(most editors do not show it: retype the text around it)",
        "content/people/three.md:15:12: error: a carriage return (U+000D) without a line feed after it; "
        "save the file with Unix (LF) or Windows (CRLF) line endings",
        "content/people/three.md:15:54: error: control character U+009B is not allowed; delete it "
        "(most editors do not show it: retype the text around it)",
        "content/sources/report-a.yaml:7:10: error: control character U+0000 is not allowed; delete it "
        "(most editors do not show it: retype the text around it)",
    ]
    assert run("build")[0] == 1


def test_invisible_formatting_characters_are_refused_in_fields(site, run):
    """A right-to-left override, a zero-width space or a soft hyphen make a name look like another
    one, or hide it from the search for duplicates."""
    site.write(
        "people/three.md",
        PERSON.replace("name: Example Person Three", "name: Example \u202ePerson Three")
        .replace("city: almaty", "city: almaty\naliases: [Ex\u200bample, Exam\u00adple]")
        .replace("what: A fixture line.", 'what: "A fixture\\u2066 line."'),
    )
    code, errors = _check(run)
    assert errors == [
        "content/people/three.md:2:15: error: invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) is not allowed in a field: "
        "it changes how text looks or compares without being seen; delete it",
        "content/people/three.md:4:13: error: invisible character U+200B (ZERO WIDTH SPACE) is not allowed in a field: "
        "it changes how text looks or compares without being seen; delete it",
        "content/people/three.md:4:25: error: invisible character U+00AD (SOFT HYPHEN) is not allowed in a field: "
        "it changes how text looks or compares without being seen; delete it",
        "content/people/three.md:8:11: error: what: invisible character U+2066 (LEFT-TO-RIGHT ISOLATE) is not allowed "
        "in a field: it changes how text looks or compares without being seen; delete it",
    ]


def test_every_invisible_formatting_character_of_unicode_is_refused_in_fields():
    """The list in characters.py is written out (working it out at each start was slow): Python's own
    Unicode tables must find nothing it lacks."""
    formatting = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert [f"U+{ord(c):04X}" for c in formatting if not characters.IN_FIELDS.match(c)] == []
    assert all(characters.IN_FIELDS.match(c) for c in "\x00\x1b\x7f\x85\x9f\u2028\u2029")
    assert not any(characters.IN_FIELDS.match(c) for c in "\t\n aа-'’ʼ")


def test_a_name_disguised_by_an_override_or_a_lookalike_letter_is_a_possible_duplicate(site, run):
    """Written backwards after a right-to-left override, 'enO nosreP elpmaxE' shows as 'Example Person
    One'; with a Cyrillic 'а' the name looks the same and is another string."""
    twin = PERSON.replace("fates: [wounded]", "fates: [killed]").replace(
        "sources: [report-a]\n---", "sources: [report-a]\nstatus: draft\n---"
    )
    site.write("people/reversed.md", twin.replace("name: Example Person Three", "name: \u202eenO nosreP elpmaxE"))
    site.write("people/lookalike.md", twin.replace("name: Example Person Three", "name: Ex\u0430mple Person One"))
    assert duplicates.fold("\u202eenO nosreP elpmaxE") == duplicates.fold("Example Person One") == "example person one"
    code, _, err = run("check", "--content", "content")
    warned = [line for line in errors_of(err) if "may be the same person" in line]
    pairs = {tuple(sorted(re.findall(r"people/([a-z-]+)\.md", line))) for line in warned}
    assert pairs == {("lookalike", "person-one"), ("person-one", "reversed"), ("lookalike", "reversed")}, warned


# ------------------------------------------------------------------ CSV and scripts


def test_csv_cells_holding_a_line_break_are_quoted_and_read_back_the_same():
    """A bare CR was written unquoted: a reader that splits lines at it began a row with the rest."""
    cells = ["a\rb", "c\nd", "e\r\nf", "=g", 'h"i', "plain"]
    columns = [f"c{i}" for i in range(len(cells))]
    text = "".join(export._csv_lines([(columns, None), (columns, dict(zip(columns, cells, strict=True)))]))
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert back == [columns, [export._cell(c) for c in cells]]
    assert text.endswith("\n") and not text.endswith("\r\n")  # (lines still end in LF)


def test_the_open_data_files_read_back_as_the_content_says(site, run):
    site.write("people/three.md", PERSON.replace("what: A fixture line.", 'what: "Quoted \\"words\\", a comma; =1+1"'))
    assert run("build")[0] == 0
    rows = list(csv.DictReader(io.StringIO((site.tmp / "output/data/events.csv").read_text(encoding="utf-8"), newline="")))
    assert [r["what"] for r in rows if r["person"] == "three"] == ['Quoted "words", a comma; =1+1']


def test_scripts_escape_the_unicode_line_separators(site, run, monkeypatch):
    """U+2028 and U+2029 end a line inside a JavaScript string in older engines (a syntax error there).
    Content cannot hold them in a field; a translated label can."""
    monkeypatch.setitem(render.FATE_LABELS, "killed", "Killed\u2028x\u2029")
    assert run("build")[0] == 0
    scripts = sorted((site.tmp / "output").rglob("*.js"))
    assert any(p.name == "index.js" for p in scripts) and any(p.name == "people.js" for p in scripts)
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        assert "\u2028" not in text and "\u2029" not in text, path
    words = (site.tmp / "output/en/search/index.js").read_text(encoding="utf-8")
    assert "Killed\\u2028x\\u2029" in words
    value = json.loads(words.removeprefix("window.MEMORIAL_SEARCH_WORDS = ").removesuffix(";\n"))
    assert value["fates"]["killed"] == "Killed\u2028x\u2029"
    assert render.script_json({"a": "\u2028"}) == '{"a":"\\u2028"}'


# ------------------------------------------------------------------ speed


def test_the_benchmark_corpus_still_checks_clean(tmp_path):
    """Its numbers, dates and flags are written the one way that now reads."""
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "bench/make_corpus.py"), "300", str(corpus)], check=True, capture_output=True)
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(corpus)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

"""`build.py import`: a documentation group's sheet of 300 people (tests/fixtures/import/people.csv, with a
mapping of its own headers) becomes entries as an editor would write them, checked as `check` checks,
never published without consent, never over a file, and a second import changes nothing."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time

from conftest import ROOT, errors_of

SAMPLE = ROOT / "tests/fixtures/import"
MAPPING = str(SAMPLE / "mapping.yaml")
MISTAKES = {8: ("Almaty", 3), 15: ("2022-01-05", 7), 23: ("report-a", 9), 42: ("убит", 6)}  # row -> (the right cell, its column)


def corrected(tmp_path, name="people.csv"):
    rows = list(csv.reader((SAMPLE / "people.csv").open(encoding="utf-8", newline="")))
    for number, (value, column) in MISTAKES.items():
        rows[number - 1][column] = value
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def tree(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_every_problem_of_the_sheet_at_once_and_nothing_written(site, run):
    before = tree(site.content / "people")
    code, _, err = run("import", str(SAMPLE / "people.csv"), "--mapping", MAPPING)
    assert code == 1
    sheet = str(SAMPLE / "people.csv")
    assert errors_of(err) == [
        f"{sheet}:8:D: error: city 'almati' is not defined (did you mean 'almaty'?)",
        f"{sheet}:15:H: error: as_of: '2022-13-05' has no month 13; months run 01 to 12",
        f"{sheet}:15:H: error: date: '2022-13-05' has no month 13; months run 01 to 12",
        f"{sheet}:23:J: error: source 'report-x' is not defined (did you mean 'report-a'?)",
        f"{sheet}:42:G: error: fates: 'shot' is not allowed; use one of: killed, died-in-custody, wounded, tortured, detained, "
        "prosecuted, missing, journalist-targeted, defender-targeted",
        f"{sheet}:61:B: warning: 'Example Person One' may be the same person as 'Example Person One' in content/people/person-one.md "
        "(names 100% alike, same city, a date in common); not written: merge what the row adds into that entry, or if someone has checked "
        "they are different people put 'person-one' in the row's not_duplicate_of column (or import with --with-duplicates)",
        f"{sheet}:99:B: warning: 'Dana Sultanov' may be the same person as 'Dana Sultanov' in {sheet}:98 (names 100% alike, same city, "
        "a date in common); not written: merge what the row adds into that entry, or if someone has checked they are different "
        "people put 'dana-sultanov' in the row's not_duplicate_of column (or import with --with-duplicates)",
    ]
    assert tree(site.content / "people") == before


def test_a_corrected_sheet_is_written_once_and_nothing_without_consent_is_published(site, run, tmp_path):
    sheet = corrected(tmp_path)
    before = tree(site.content / "people")
    code, out, _ = run("import", str(sheet), "--mapping", MAPPING, "--dry-run")
    assert code == 0 and "would write 298 entries (30 as drafts" in out
    assert tree(site.content / "people") == before
    code, out, err = run("import", str(sheet), "--mapping", MAPPING)
    assert code == 0, err
    assert "wrote 298 entries" in out and "2 held back as possible duplicates" in out
    after = tree(site.content / "people")
    assert set(before) < set(after) and all(after[name] == before[name] for name in before)  # nothing existing touched
    assert len(after) == len(before) + 298
    # an entry as an editor would write it, that `check` passes
    assert run("check")[0] == 0
    # rows without recorded consent (every tenth) are drafts, on no page
    rows = list(csv.DictReader(sheet.open(encoding="utf-8", newline="")))
    unconsented = [r["Full name"] for r in rows if not r["Consent"]]
    assert len(unconsented) == 30
    assert run("build")[0] == 0
    site_text = "\n".join(p.read_text(encoding="utf-8") for p in (site.tmp / "output").rglob("*.html"))
    consented = [r["Full name"] for r in rows if r["Consent"] and r["Full name"] not in unconsented]
    assert all(name not in site_text for name in unconsented)
    assert sum(name in site_text for name in consented) >= 250
    # a second import of the same sheet changes nothing
    code, out, _ = run("import", str(sheet), "--mapping", MAPPING)
    assert code == 0 and "wrote 0 entries" in out
    assert tree(site.content / "people") == after


def test_an_xlsx_sheet_imports_like_its_csv(site, run, tmp_path):
    import openpyxl

    rows = list(csv.reader(corrected(tmp_path).open(encoding="utf-8", newline="")))
    book = openpyxl.Workbook()
    book.active.title = "Cases"
    for row in rows:
        book.active.append([int(c) if c.isdigit() else c for c in row])
    book["Cases"]["D10"] = "Almati"  # a misspelt city, row 10
    book.save(tmp_path / "people.xlsx")
    code, _, err = run("import", str(tmp_path / "people.xlsx"), "--mapping", MAPPING, "--dry-run")
    assert code == 1
    assert f"{tmp_path / 'people.xlsx'}[Cases]:10:D: error: city 'almati' is not defined (did you mean 'almaty'?)" in err
    book["Cases"]["D10"] = "Almaty"
    book.save(tmp_path / "people.xlsx")
    code, out, _ = run("import", str(tmp_path / "people.xlsx"), "--mapping", MAPPING)
    assert code == 0 and "wrote 298 entries" in out
    assert run("import", str(corrected(tmp_path, "again.csv")), "--mapping", MAPPING)[1].startswith("wrote 0 entries")


def test_a_sheet_in_the_projects_own_words_needs_no_mapping(site, run, tmp_path):
    sheet = tmp_path / "own.csv"
    sheet.write_text(
        "name,city,fates,date,what,sources,consent\n"
        'Qaisar Example,almaty,detained,2022-01-06,"Detained at the square, by his own account.",report-a,yes\n'
        "Nurai Example,taraz,wounded,2022-01-07,Wounded near the akimat.,paper-b,\n",
        encoding="utf-8",
    )
    code, out, err = run("import", str(sheet))
    assert code == 0, err
    assert (site.content / "people/qaisar-example.md").read_text(encoding="utf-8").startswith('---\nname: "Qaisar Example"\n')
    assert "\nstatus: draft\n" in (site.content / "people/nurai-example.md").read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("full name,city\nX,almaty\n", encoding="utf-8")
    code, _, err = run("import", str(bad))
    assert code == 2
    assert f"{bad}:1:A: warning: column 'full name' is not read" in err and "no column for the name" in err


def test_an_import_killed_midway_leaves_no_half_entry(site, tmp_path):
    """Each entry appears whole or not at all (written aside, then linked into place): after a kill at any
    moment, every file there is a whole entry, and the import run again completes the sheet."""
    sheet = corrected(tmp_path)
    fixture = {p.name for p in (site.content / "people").iterdir()}
    for delay in (0.8, 1.0, 1.2):
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "import", str(sheet), "--mapping", MAPPING],
            cwd=site.tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for path in (site.content / "people").glob("*.md"):
            if path.name not in fixture:
                assert path.read_text(encoding="utf-8").rstrip().endswith("files."), path  # (each imported entry ends with its story)
    code = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "import", str(sheet), "--mapping", MAPPING], cwd=site.tmp, capture_output=True
    ).returncode
    assert code == 0
    assert len(list((site.content / "people").glob("*.md"))) == 3 + 298
    assert not list((site.content / "people").glob(".*"))

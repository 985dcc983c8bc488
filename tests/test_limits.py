"""Limits: content that would crash, hang or slow a build is refused by `check` with the file, line and
field, and what to do; files that would be silently ignored are reported."""

from __future__ import annotations

import datetime as dt
import io
import os
import struct
import subprocess
import sys
import time
import zlib
from zoneinfo import ZoneInfo

from conftest import ROOT, errors_of
from PIL import Image

PERSON = """---
name: {name}
city: almaty
fates: [wounded]
{extra}events:
  - date: {date}
    what: A fixture line.
    sources: [report-a]
sources: [report-a]
---
{story}
"""


def person(name="Example Person Three", extra="", date="2022-01-06", story="Story."):
    return PERSON.format(name=name, extra=extra, date=date, story=story)


def check(*args: str, cwd, env=None, timeout=60):
    """`python build.py check ...` as an editor runs it: (exit code, stderr), never a traceback."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "check", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc.returncode, proc.stderr


# ------------------------------------------------------------------ YAML


def test_deeply_nested_yaml_is_refused_before_it_is_composed(site):
    """400,000 levels segfaulted LibYAML's composer; 700 overflowed the converter's recursion."""
    site.write("people/flow-deep.md", person(name="[" * 400_000 + "]" * 400_000))
    site.write("people/block-deep.md", person(extra="private:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 60))))
    site.write("people/compact-deep.md", person(extra="private:\n  a:\n  " + "- " * 40 + "x\n"))
    code, err = check(cwd=site.tmp)
    assert code == 1
    found = errors_of(err)
    for name, line in (("flow-deep", 2), ("block-deep", 37), ("compact-deep", 7)):
        hit = [e for e in found if f"people/{name}.md:{line}:" in e]
        assert hit and "nested more than 32 levels" in hit[0], (name, found)


def test_yaml_as_deep_as_content_needs_passes(site, run):
    """A conflict's side's sources (the deepest the model goes), and private notes a few levels deep."""
    site.write(
        "people/nested-ok.md",
        person(extra="private:\n  a:\n    b:\n      - c: [[1, [2, {x: [3]}]]]\n        d:\n          - - - e\n"),
    )
    code, out, err = run("check")
    assert code == 0, err


def test_a_number_too_long_is_an_error_not_a_traceback(site):
    site.write("people/big-number.md", person(extra="age:\n  years: " + "1" * 5000 + "\n  as_of: 2022\n  sources: [report-a]\n"))
    code, err = check(cwd=site.tmp)
    assert code == 1
    assert any(
        "big-number.md:6:10: error: years: '1111" in e and "is too long for a number (5,000 characters)" in e for e in errors_of(err)
    ), err


# ------------------------------------------------------------------ dates, the timeline, names


def test_years_out_of_range_are_errors_not_tracebacks(site):
    """Year 0 and December 9999 (whose last day is in year 10000) were tracebacks."""
    for i, date in enumerate(('"0000"', "0000-01", "9999-12", '"1022-01-06"')):
        site.write(f"people/dated-{i}.md", person(date=date))
    code, err = check(cwd=site.tmp)
    assert code == 1
    found = errors_of(err)
    for i, year in enumerate((0, 0, 9999, 1022)):
        assert any(f"dated-{i}.md:6:11: error: date: " in e and f"has the year {year}; dates run from 1900 to 2100" in e for e in found), (
            i,
            found,
        )


def test_a_timeline_of_centuries_is_refused_at_once(site, run):
    """From 0001-01-01 a build wrote 740,000 day pages per tree and never finished."""
    site.edit("site.yaml", "start: 2022-01-02", "start: 0001-01-01")
    code, err = check(cwd=site.tmp, timeout=30)
    assert code == 1 and "site.yaml:6:10: error: start: '0001-01-01' has the year 1" in err, err
    site.edit("site.yaml", "start: 0001-01-01", "start: 1990-01-01")
    code, out, err = run("build")
    assert code == 1 and not (site.tmp / "output").exists()
    assert "site.yaml:6:3: error: timeline: 1990-01-01 to 2022-01-21 is 11,709 days; a timeline may cover at most 731" in err, err
    site.edit("site.yaml", "start: 1990-01-01", "start: 2022-02-01")
    assert "error: timeline: end 2022-01-21 is before start 2022-02-01" in run("check")[2]


def test_a_name_past_the_limit_is_an_error_with_its_length(site, run):
    site.write("people/long-name.md", person(name="Aigerim " * 60, extra="aliases: [" + "B" * 121 + "]\n"))
    code, out, err = run("check")
    assert code == 1
    found = errors_of(err)
    assert "content/people/long-name.md:2:7: error: name: is 479 characters long; the limit is 120: shorten it" in found, found
    assert "content/people/long-name.md:5:11: error: aliases: is 121 characters long; the limit is 120: shorten it" in found, found


# ------------------------------------------------------------------ Markdown


def test_deeply_nested_markdown_is_refused_quickly(site, run):
    """100 KB of nested '>' or '<div>' took a build 30-50 s (in the sanitiser); now `build` refuses it at once."""
    site.write("people/quotes.md", person(story="A first line.\n\n" + ">" * 100_000 + " x"))
    site.edit("events/emergency.md", "\n---\n", "\n---\nIntro.\n" + "<div>" * 20_000 + "\n")
    site.edit("site.yaml", "intro: |\n", "intro: |\n  " + "> " * 30 + "x\n")
    started = time.perf_counter()
    code, out, err = run("build")
    assert time.perf_counter() - started < 5
    assert code == 1 and not (site.tmp / "output").exists()
    found = errors_of(err)
    assert any(
        "people/quotes.md:13:1: error: story: quotes and lists are nested 100000 deep on this line; the limit is 20" in e for e in found
    ), found
    assert any(
        "events/emergency.md:" in e and "error: text: HTML tags are left open more than 100 deep here (<div>)" in e for e in found
    ), found
    assert any("site.yaml:" in e and "error: intro: quotes and lists are nested 30 deep" in e for e in found), found


def test_markdown_nested_as_stories_need_passes(site, run):
    story = "> A quote\n> > within a quote\n\n- a list\n  - in a list\n    1. numbered\n\n<em><strong>x</strong></em><p>a<p>b<br>\n" * 50
    site.write("people/nested-story.md", person(story=story))
    code, out, err = run("build")
    assert code == 0, err
    assert "<blockquote>" in (site.tmp / "output" / "en" / "people" / "nested-story.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------ photos


def _photo(name: str) -> str:
    return f"photo:\n  file: photos/{name}\n  credit: Family photo\n  licence: used with permission\n  alt: A person outdoors\n  consent: given by the family\n"


def _png_with_ztxt_bomb() -> bytes:
    """A 10×10 PNG with a zTXt chunk of 1 MB that inflates to 50 MB."""
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, "PNG")
    png = buf.getvalue()
    data = b"k\x00\x00" + zlib.compress(b"a" * 50_000_000, 9)
    chunk = struct.pack(">I", len(data)) + b"zTXt" + data + struct.pack(">I", zlib.crc32(b"zTXt" + data))
    return png[:-12] + chunk + png[-12:]  # before IEND: read only when the image is decoded


def test_broken_and_hostile_photos_are_check_errors_naming_the_photo_field(site):
    """A truncated JPEG, a 1×100,000 PNG and a zTXt bomb passed `check` and then stopped the build with a traceback."""
    photos = site.content / "photos"
    photos.mkdir()
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 30, 30)).save(buf, "JPEG")
    (photos / "cut.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    Image.new("RGB", (1, 100_000)).save(photos / "strip.png")
    (photos / "bomb.png").write_bytes(_png_with_ztxt_bomb())
    Image.new("RGB", (640, 480), (10, 120, 200)).save(photos / "fine.jpg")
    for name in ("cut.jpg", "strip.png", "bomb.png", "fine.jpg"):
        site.write(f"people/{name.split('.')[0]}-photo.md", person(name=f"Example {name[:3].title()} Photo", extra=_photo(name)))
    code, err = check(cwd=site.tmp)
    assert code == 1
    found = [e for e in errors_of(err) if "photo" in e]
    assert found == [
        "content/people/bomb-photo.md:6:9: error: photo file: 'photos/bomb.png' cannot be read as an image "
        "(Decompressed data too large for PngImagePlugin.MAX_TEXT_CHUNK); save it again as JPEG",
        "content/people/cut-photo.md:6:9: error: photo file: 'photos/cut.jpg' is cut short (the file is incomplete): "
        "copy it again, or save it again as JPEG",
        "content/people/strip-photo.md:6:9: error: photo file: 'photos/strip.png' is 1×100000 pixels; "
        "a photo's longer side may be at most 10 times its shorter: crop it",
    ], found


# ------------------------------------------------------------------ files in the wrong place, names Windows keeps


def test_files_where_no_record_is_read_are_reported_with_the_folders_that_are(site):
    for rel in ("peoples/x.md", "people/2022/y.md", "stray.md", "people/z.yaml"):
        site.write(rel, person())
    (site.content / "photos").mkdir()
    Image.new("RGB", (64, 48)).save(site.content / "photos" / "a.jpg")  # photos live in any other folder
    code, err = check(cwd=site.tmp)
    assert code == 0, err
    found = errors_of(err)
    folders = "sources/, cities/, people/, events/, days/, figures/, pages/"
    assert found == [
        "content/people/2022:1:1: warning: ignored: folders inside people/ are not read; move their files into people/ itself",
        "content/people/z.yaml:1:1: warning: ignored: a file in people/ must end in .md (rename it to .md)",
        f"content/peoples/x.md:1:1: warning: ignored: peoples/ is not a folder records are read from (did you mean 'people'?); they are read from {folders}",
        f"content/stray.md:1:1: warning: ignored: records are read from the folders {folders} only; move it into one",
    ], found


def test_checking_a_file_that_does_not_exist_is_an_error_naming_it(site):
    """`check content/people/mistyped.md` said "content OK"."""
    code, err = check("content/people/person-on.md", "content/people/nobody.md", cwd=site.tmp)
    assert code == 1
    assert errors_of(err) == [
        "content/people/nobody.md:1:1: error: no such file; check the name",
        "content/people/person-on.md:1:1: error: no such file (did you mean 'person-one.md'?); check the name",
    ], err


def test_names_windows_keeps_for_devices_are_refused_with_a_rename_hint(site):
    site.write("people/con.md", person())
    site.write("pages/nul.md", "---\ntitle: A page\n---\nText.\n")
    site.write("people/person-one.aux.md", "---\n---\nText.\n")
    site.write("people/com7.ru.md", "---\n---\nText.\n")
    site.edit("pages/about.md", "title:", "former_ids: [lpt9]\ntitle:")
    code, err = check(cwd=site.tmp)
    assert code == 1
    found = [e for e in errors_of(err) if "Windows" in e]
    keeps = "is a name Windows keeps for a device, so the file and its page cannot exist there"
    assert found == [
        f"content/pages/about.md:2:14: error: former id 'lpt9' {keeps}; remove it",
        f"content/pages/nul.md:1:1: error: 'nul' {keeps}; rename the file (e.g. to nul-1.md)",
        f"content/people/com7.ru.md:1:1: error: 'com7' {keeps}; rename the file (e.g. to com7-1.ru.md)",
        f"content/people/con.md:1:1: error: 'con' {keeps}; rename the file (e.g. to con-1.md)",
    ], found
    assert "CON" not in err and "person-one.aux.md" not in "\n".join(found)  # (only the part before the first dot counts)


# ------------------------------------------------------------------ "in the future"


def test_the_future_begins_at_midnight_in_kazakhstan_whatever_the_machines_zone(site):
    """Judged by the machine's own day, an entry dated today in Almaty was "in the future" on a machine
    west of it for part of each day, and one dated tomorrow passed east of it. Two zones far apart:
    at any hour of the day one of them is on another date than Almaty."""
    today = dt.datetime.now(ZoneInfo("Asia/Almaty")).date()
    site.write("people/dated-today.md", person(date=today.isoformat()))
    site.write("people/dated-tomorrow.md", person(name="Example Person Four", date=(today + dt.timedelta(days=1)).isoformat()))
    for zone in ("Etc/GMT+12", "Etc/GMT-14"):
        code, err = check(cwd=site.tmp, env={**os.environ, "TZ": zone})
        future = [e for e in errors_of(err) if "in the future" in e]
        assert len(future) == 1 and "people/dated-tomorrow.md:6:11:" in future[0], (zone, future)

"""Hostile or broken input is harmless, and nothing private ever leaks."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, errors_of
from PIL import Image

from memorial.markdown import sanitise

PERSON = """---
name: Example Person Three
city: almaty
fates: [wounded]
events:
  - date: 2022-01-06
    what: A fixture line.
    sources: [report-a]
sources: [report-a]
---
Story.
"""


def all_output(out) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(out.rglob("*")) if p.is_file())


# ------------------------------------------------------------------ links in stories


def test_story_links_cannot_leave_the_site_or_run_script():
    html = sanitise(
        '<a href="../../../etc/passwd">up</a> <a href="/root.html">root</a> <a href="//evil.example/x">proto</a> '
        '<a href="JaVaScRiPt:alert(1)">js</a> <a href="data:text/html,x">data</a> <a href="../cities/almaty.html">ok</a> '
        '<a href="https://example.org/">web</a> <a href="mailto:editors@example.org">mail</a> <a href="http://[bad-host]/">bad</a>',
        "people/x.html",
    )
    assert html.count("href=") == 3
    assert 'href="../cities/almaty.html"' in html and 'href="https://example.org/"' in html and 'href="mailto:editors@example.org"' in html


# ------------------------------------------------------------------ drafts, withdrawn, private


def test_draft_withdrawn_and_private_reach_no_output(site, run):
    site.write(
        "people/withdrawn-one.md",
        PERSON.replace("name: Example Person Three", "name: Withdrawnname Personsurname").replace(
            "sources: [report-a]\n---", "sources: [report-a]\nstatus: withdrawn\n---"
        ),
    )
    site.write(
        "people/private-notes.md",
        PERSON.replace("name: Example Person Three", "name: Example Person Four").replace(
            "sources: [report-a]\n---",
            "sources: [report-a]\nprivate:\n  contact: Secretcontact +7 700 000 0000\n  consent: spoken to Secretrelative\n---",
        ),
    )
    assert run("build")[0] == 0
    text = all_output(site.tmp / "output")
    for needle in ("Withdrawnname", "withdrawn-one", "Draftonly", "hidden-draft", "Secretcontact", "Secretrelative", "+7 700"):
        assert needle not in text, needle
    assert "Example Person Four" in text


def test_initials_only_person_shows_initials_everywhere(site, run):
    site.write(
        "people/aigerim-secretova.md",
        PERSON.replace("name: Example Person Three", "name: Aigerim Secretova")
        .replace("sources: [report-a]\n---", "sources: [report-a]\ndisplay: initials\naddress: p-5be3c0a1f29d\n---")
        .replace("Story.", "A. S. told the fixture report about her detention."),
    )
    assert run("build")[0] == 0
    out = site.tmp / "output"
    text = all_output(out)
    assert "Secretova" not in text and "secretova" not in text and "Aigerim" not in text
    pages = [p for p in (out / "en/people").glob("p-*.html")]
    assert len(pages) == 1
    assert "<h1>A. S.</h1>" in pages[0].read_text(encoding="utf-8")
    assert "A. S." in (out / "en/index.html").read_text(encoding="utf-8")


def test_initials_entry_that_names_the_person_fails_check(site, run):
    site.write(
        "people/aigerim-secretova.md",
        PERSON.replace("name: Example Person Three", "name: Aigerim Secretova")
        .replace("sources: [report-a]\n---", "sources: [report-a]\ndisplay: initials\naddress: p-5be3c0a1f29d\n---")
        .replace("Story.", "Aigerim was detained."),
    )
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert errors_of(err) == [
        "content/people/aigerim-secretova.md:13:1: error: display is 'initials' but the text contains 'Aigerim', a word of the name; "
        "write the initials (A. S.) there instead"
    ]


# ------------------------------------------------------------------ photos


def _jpeg_with_gps(width=1200, height=900) -> bytes:
    im = Image.new("RGB", (width, height), (120, 110, 100))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 53.0, 0.0)}  # GPS IFD
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


PHOTO = "photo:\n  file: photos/three.jpg\n  credit: Family photo\n  licence: used with permission\n  alt: Example Person Three outdoors\n  consent: given by the family\n"


def test_photos_are_reencoded_without_metadata_at_several_widths(site, run):
    raw = _jpeg_with_gps()
    assert b"SecretCameraMaker" in raw
    (site.content / "photos").mkdir()
    (site.content / "photos/three.jpg").write_bytes(raw)
    site.write("people/three.md", PERSON.replace("sources: [report-a]\n---", "sources: [report-a]\n" + PHOTO + "---"))
    assert run("build")[0] == 0
    out = site.tmp / "output"
    files = sorted(p.name for p in (out / "photos").iterdir())
    assert files == ["three-320.jpg", "three-640.jpg", "three-960.jpg"]
    for name in files:
        data = (out / "photos" / name).read_bytes()
        assert b"SecretCameraMaker" not in data and b"Exif" not in data
        with Image.open(io.BytesIO(data)) as im:
            assert not im.getexif() and "exif" not in im.info
            assert im.width == int(name.split("-")[1].split(".")[0])
    page = (out / "en/people/three.html").read_text(encoding="utf-8")
    assert 'alt="Example Person Three outdoors"' in page and "../photos/three-320.jpg 320w" in page
    assert not (out / "photos/three.jpg").exists()


def test_a_photo_is_encoded_again_only_when_its_bytes_change(site, run, monkeypatch):
    """Encoding is the slow part of a photo (0.2 s for 3 megapixels): a whole build (here the site's title
    changed) keeps the last encode while the original's bytes are the same, even when its file was
    touched, and encodes it again when they change."""
    import os

    from memorial import images

    encoded = []
    encode = images.encode
    monkeypatch.setattr(images, "encode", lambda path: encoded.append(path.name) or encode(path))
    (site.content / "photos").mkdir()
    photo = site.content / "photos/three.jpg"
    photo.write_bytes(_jpeg_with_gps())
    site.write("people/three.md", PERSON.replace("sources: [report-a]\n---", "sources: [report-a]\n" + PHOTO + "---"))
    assert run("build")[0] == 0 and encoded == ["three.jpg"]
    before = (site.tmp / "output/photos/three-640.jpg").read_bytes()
    os.utime(photo, (1_700_000_000, 1_700_000_000))  # touched: same bytes, another time
    site.edit("site.yaml", "title: ", "title: The ")
    assert run("build")[0] == 0 and encoded == ["three.jpg"]
    assert (site.tmp / "output/photos/three-640.jpg").read_bytes() == before
    photo.write_bytes(_jpeg_with_gps(1000, 800))
    assert run("build")[0] == 0 and encoded == ["three.jpg", "three.jpg"]
    assert (site.tmp / "output/photos/three-640.jpg").read_bytes() != before


def test_photo_needs_alt_credit_licence_and_consent(site, run):
    (site.content / "photos").mkdir()
    (site.content / "photos/three.jpg").write_bytes(_jpeg_with_gps(100, 100))
    site.write(
        "people/three.md",
        PERSON.replace("sources: [report-a]\n---", "sources: [report-a]\nphoto:\n  file: photos/three.jpg\n  credit: c\n---"),
    )
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert sorted(errors_of(err)) == [
        "content/people/three.md:11:3: error: required field 'alt' is missing",
        "content/people/three.md:11:3: error: required field 'consent' is missing",
        "content/people/three.md:11:3: error: required field 'licence' is missing",
    ]


def test_a_photo_that_is_not_an_image_fails_check(site, run):
    (site.content / "photos").mkdir()
    (site.content / "photos/three.jpg").write_text("<svg onload=alert(1)>", encoding="utf-8")
    site.write("people/three.md", PERSON.replace("sources: [report-a]\n---", "sources: [report-a]\n" + PHOTO + "---"))
    code, _, err = run("check", "--content", "content")
    assert errors_of(err) == [
        "content/people/three.md:11:9: error: photo file: 'photos/three.jpg' cannot be read as an image (UnidentifiedImageError); use JPEG, PNG or WebP"
    ]


# ------------------------------------------------------------------ malformed input


def test_very_large_file_is_refused(site, run):
    size = len(site.write("people/huge.md", PERSON + ("word " * 250_000)).read_bytes())
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert errors_of(err) == [
        f"content/people/huge.md:1:1: error: file is {size:,} bytes; the limit is 1,000,000 (split it or remove pasted material)"
    ]


def test_yaml_tags_and_aliases_are_refused(site, run):
    site.write("people/tags.md", PERSON.replace("name: Example Person Three", "name: !!python/object/apply:os.system ['true']"))
    site.write("people/alias.md", PERSON.replace("fates: [wounded]", "fates: &f [wounded]\naliases: *f"))
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert errors_of(err) == [
        "content/people/alias.md:4:8: error: YAML anchors and aliases (& and *) are not allowed; write the value out",
        "content/people/tags.md:2:1: error: required field 'name' is missing",
        "content/people/tags.md:2:7: error: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; write plain values",
    ]


# ------------------------------------------------------------------ a build killed midway


def _processes_in(folder) -> list[int]:
    """The processes (Linux's /proc) working in ``folder``: a build started there, and any it forked."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if Path(os.readlink(proc / "cwd")) == Path(folder) and b"build.py" in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def test_a_build_killed_midway_leaves_the_previous_output_whole(site, run, tmp_path):
    assert run("build")[0] == 0
    out = site.tmp / "output"
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # Make the next build long enough to be killed while it writes: many people.
    for i in range(1500):
        site.write(f"people/many-{i}.md", PERSON.replace("Example Person Three", f"Example Many {i}"))
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build"], cwd=site.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    staging_seen = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if list(site.tmp.glob(".output.b/en/people/many-*.html")):  # the spare tree is being written
            staging_seen = True
            break
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert staging_seen, "the build finished before it could be killed"
    # none of the processes it started is left behind (they held its memory and waited for ever)
    deadline = time.monotonic() + 10
    while (left := _processes_in(site.tmp)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert left == []
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    # the next build does not trust the half-written tree, and succeeds
    assert run("build")[0] == 0
    assert (out / "en/people/many-0.html").exists() and (out / "en/people/many-1499.html").exists()
    assert sorted(p.name for p in (out / "en/people").glob("*.html")) == sorted(
        p.name for p in (site.tmp / ".output.b/en/people").glob("*.html")
    )


# ------------------------------------------------------------------ links and line breaks


def test_symbolic_links_in_content_are_refused_and_publish_nothing(site, run, tmp_path):
    """A link in content/ could publish a file from outside it (or read a huge one): refused, file by file,
    folder and photo alike, and nothing of what it points to reaches the output."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(PERSON.replace("Example Person Three", "Linked Secretperson"), encoding="utf-8")
    (site.content / "people/linked.md").symlink_to(outside / "secret.md")
    shutil.rmtree(site.content / "days")
    os.symlink(outside, site.content / "days")
    photo = site.content / "photos"
    photo.mkdir(exist_ok=True)
    Image.new("RGB", (40, 40)).save(outside / "face.jpg")
    (photo / "face.jpg").symlink_to(outside / "face.jpg")
    site.edit(
        "people/person-one.md",
        "city: almaty",
        "city: almaty\nphoto:\n  file: photos/face.jpg\n  credit: c\n  licence: l\n  alt: a\n  consent: c",
    )
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert "content/people/linked.md:1:1: error: is a symbolic link" in err
    assert "content/days:1:1: error: is a symbolic link" in err
    assert "'photos/face.jpg' is a symbolic link" in err
    assert run("build")[0] == 1
    assert not (site.tmp / "output").exists() or "Secretperson" not in "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in (site.tmp / "output").rglob("*.html")
    )


def test_a_line_break_of_any_kind_in_a_one_line_field_is_refused(site, run):
    """A bare carriage return (or a Unicode line separator) in a name started a new row in some CSV
    readers, with the rest of the name as its first cell."""
    for breaker in ("\\r", "\\u2028"):
        site.edit("people/person-one.md", "name: Example Person One", f'name: "Example{breaker}=HYPERLINK(1)"')
        code, _, err = run("check", "--content", "content")
        assert code == 1 and "content/people/person-one.md:2:7: error: name: must be a single line" in err, err
        site.edit("people/person-one.md", f'name: "Example{breaker}=HYPERLINK(1)"', "name: Example Person One")


# ------------------------------------------------------------------ escaping


def test_the_templates_escape_exactly_as_markupsafe_does():
    """render.escape, which every {{ }} of every template calls, gives markupsafe.escape's answer for
    each hostile payload and for every kind of value, and the compiled templates do call it."""
    import json

    import jinja2
    import markupsafe

    from memorial import render

    class Shown:  # an object with its own HTML, as markupsafe's protocol allows
        def __html__(self):
            return "<b>shown</b>"

    class Text(str):
        pass

    payloads = [
        json.loads(line)["p"] for line in (ROOT / "tests" / "xss" / "payloads.jsonl").read_text(encoding="utf-8").splitlines() if line
    ]
    values = [*payloads, "", "plain", "&<>\"'", "\u2028\0", 0, 1.5, None, True, Shown(), Text("<i>"), markupsafe.Markup("<em>x</em>")]
    values += [markupsafe.Markup(p) for p in payloads[:20]]
    for value in values:
        ours, theirs = render.escape(value), markupsafe.escape(value)
        assert (ours, type(ours)) == (theirs, type(theirs)), value

    templates = ROOT / "templates"
    env = render.make_environment(templates)
    env.filters["number"] = str  # (a language's own: see render.Language)
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        assert env.get_template(name).root_render_func.__globals__["escape"] is render.escape, name
    # and a page made by a stock environment from the same source reads the same
    source = "<p title='{{ a }}'>{{ a }}{{ m }}{% for x in xs %}<i>{{ x }}</i>{% endfor %}{{ n }}</p>"
    stock = jinja2.Environment(autoescape=True).from_string(source)
    for p in payloads:
        view = {"a": p, "m": markupsafe.Markup("<br>"), "xs": [p, markupsafe.Markup(p), 3], "n": None}
        assert env.from_string(source).render(view) == stock.render(view)

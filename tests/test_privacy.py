"""A living person shown by initials stays initials everywhere: no field of their entry, no translation
and no other record may give their name, and their page's address cannot be confirmed from a guessed name."""

from __future__ import annotations

import hashlib
import re

from conftest import errors_of
from test_serve import Preview

from memorial.diagnostics import Position

ADDRESS = "p-5be3c0a1f29d"

# Every line number below is counted in this text: the errors must name them.
HIDDEN = f"""---
name: Aigerim Secretova
aliases: [Aigerim Sekretova]
name_forms:
  - name: Айгерим Секретова
    language: ru
    sources: [report-a]
occupation:
  text: teacher, called Miss Secretova by her pupils
  sources: [report-a]
fates: [detained]
events:
  - date: 2022-01-06
    what: Detained in Almaty.
    sources: [report-a]
    date_note: the report dates Aigerim's arrest to the sixth
conflicts:
  - about: age
    sides:
      - claim: Sekretova herself says she was 30
        sources: [report-a]
      - claim: the police say 31
        sources: [report-a]
    note: ask Aigerim again
sources: [report-a]
display: initials
address: {ADDRESS}
---
A. S. was detained and beaten.
"""
CLEAN = (
    HIDDEN.replace("called Miss Secretova by her pupils", "at a school")
    .replace("dates Aigerim's arrest", "dates the arrest")
    .replace("Sekretova herself says", "she says")
    .replace("ask Aigerim again", "ask her again")
)
OTHER = """---
name: {name}
fates: [wounded]
events:
  - date: 2022-01-06
    what: {what}
    sources: [report-a]
sources: [report-a]
---
{story}
"""
FILE = "content/people/aigerim-secretova.md"


def with_languages(site, *languages: str) -> None:
    site.edit("site.yaml", "languages: [en]", f"languages: [{', '.join(languages)}]")


# ------------------------------------------------------------------ the entry itself


def test_the_name_in_any_field_of_the_entry_or_its_translation_fails_check_at_its_line(site, run):
    with_languages(site, "en", "ru")
    site.write("people/aigerim-secretova.md", HIDDEN)
    site.write("people/aigerim-secretova.ru.md", "---\n---\nА. С. задержали.\nСекретову избили.\n")
    code, _, err = run("check", "--content", "content")
    assert code == 1
    found = errors_of(err)
    assert [line.split(": error: ")[0] for line in found] == [
        f"{FILE}:9:9",  # occupation text
        f"{FILE}:16:16",  # date_note
        f"{FILE}:20:16",  # a side's claim
        f"{FILE}:24:11",  # the conflict's note
        "content/people/aigerim-secretova.ru.md:4:1",  # the translation's story, at the word
    ], err
    assert "text (occupation) contains 'Secretova'" in found[0] and "write the initials (A. S.) there instead" in found[0]
    assert "date_note (events 1) contains 'Aigerim'" in found[1]
    assert "claim (conflicts 1, sides 1) contains 'Sekretova'" in found[2]
    assert "note (conflicts 1) contains 'Aigerim'" in found[3]
    assert "the text contains 'Секретову'" in found[4]
    # a name at the start of a line of a text of several lines, after a tab, or after an invisible space
    site.write("people/aigerim-secretova.ru.md", "---\n---\nА. С. задержали.\n")
    site.write(
        "people/aigerim-secretova.md",
        CLEAN.replace(
            "sources: [report-a]\ndisplay",
            "justice:\n  status: case-closed\n  note: |\n    Closed.\n    Aigerim appealed.\n  sources: [report-a]\nsources: [report-a]\ndisplay",
        )
        .replace("what: Detained in Almaty.", 'what: "Detained\\tSecretova"')
        .replace("A. S. was detained", "A. S. was detained (\u200bAi\u200bgerim)"),
    )
    code, _, err = run("check", "--content", "content")
    assert [line.split(" contains ")[0] for line in errors_of(err)] == [
        f"{FILE}:14:11: error: display is 'initials' but what (events 1)",
        f"{FILE}:27:9: error: display is 'initials' but note (justice)",
        f"{FILE}:35:21: error: display is 'initials' but the text",
    ], err
    # rewritten with initials, the same entry passes
    site.write("people/aigerim-secretova.md", CLEAN)
    site.write("people/aigerim-secretova.ru.md", "---\n---\nА. С. задержали.\n")
    assert run("check", "--content", "content")[0] == 0


def test_a_name_refused_by_check_reaches_no_page_and_no_archive(site, run):
    with_languages(site, "en", "ru")
    site.write("people/aigerim-secretova.md", HIDDEN)
    assert run("build", "--content", "content", "--out", "output")[0] == 1
    assert not (site.tmp / "output").exists()
    assert run("zip", "--content", "content", "--out", str(site.tmp / "m.zip"))[0] == 1
    assert not (site.tmp / "m.zip").exists()
    site.write("people/aigerim-secretova.md", CLEAN)
    assert run("build", "--content", "content", "--out", "output")[0] == 0
    published = b"".join(p.read_bytes() for p in (site.tmp / "output").rglob("*") if p.is_file())
    for word in ("Aigerim", "Secretova", "Sekretova", "Айгерим", "Секретова", "aigerim-secretova"):
        assert word.encode() not in published, word
    assert (site.tmp / "output" / "ru" / "people" / f"{ADDRESS}.html").is_file()


# ------------------------------------------------------------------ other records


def test_another_record_that_names_an_initials_person_fails_check(site, run):
    with_languages(site, "en", "ru")
    site.write("people/aigerim-secretova.md", CLEAN)
    site.write("people/witness-one.md", OTHER.format(name="Witness One", what="Wounded.", story="She saw Aigerim Secretova taken away."))
    site.edit("events/emergency.md", "title: Fixture state of emergency", "title: Secretova, Aigerim detained")
    site.write("events/emergency.ru.md", "---\n---\nЗадержана\nАйгерим Секретова.\n")
    site.edit("days/2022-01-05.md", "Fixture summary of the fifth.", "Fixture summary of the fifth.\n\nAigerim Sekretova was seen.")
    site.edit("figures/dead-238.yaml", "given_by: Fixture officials", "given_by: Fixture officials\nnote: as told by Aigerim Secretova")
    site.edit("pages/about.md", "About the fixture.", "About the fixture, with thanks to aigerim secretova.")
    site.edit("sources/report-a.yaml", 'title: "Fixture report: first"', 'title: "Fixture report: Aigerim Secretova speaks"')
    site.edit("site.yaml", "A fixture.", "A fixture for Aigerim Secretova.")
    # a lone given name elsewhere is no one in particular: common names repeat
    site.write("people/aigerim-other.md", OTHER.format(name="Aigerim Otherova", what="Wounded.", story="Aigerim Otherova was wounded."))
    # nor is a namesake shown in full (the search for duplicates asks whether it is the same person)
    site.write(
        "people/aigerim-secretova-2.md",
        OTHER.format(name="Aigerim Secretova", what="Wounded in Secretova's street.", story="Aigerim Secretova, 60, was wounded."),
    )
    code, _, err = run("check", "--content", "content")
    assert code == 1
    found = [line for line in errors_of(err) if ": error: " in line]
    assert [line.split(": error: ")[0] for line in found] == [
        "content/days/2022-01-05.md:6:1",
        "content/events/emergency.md:2:8",
        "content/events/emergency.ru.md:4:1",
        "content/figures/dead-238.yaml:4:7",
        "content/pages/about.md:5:35",
        "content/people/witness-one.md:10:9",
        "content/site.yaml:8:8",
        "content/sources/report-a.yaml:2:8",
    ], err
    assert "the text names 'Aigerim Sekretova', a person shown by initials only (content/people/aigerim-secretova.md)" in found[0]
    assert "write their initials (A. S.) instead" in found[0]
    assert "title names 'Secretova, Aigerim'" in found[1]
    assert "the text names 'Айгерим Секретова'" in found[2]
    assert "note names 'Aigerim Secretova'" in found[3]
    assert "intro names 'Aigerim Secretova'" in found[6]
    assert "title names 'Aigerim Secretova'" in found[7]


def test_an_edit_that_names_an_initials_person_is_caught_in_serve_as_in_build(site, run):
    site.write("people/aigerim-secretova.md", CLEAN)
    out, preview = site.tmp / "output", Preview(site)
    assert preview.build().ok
    # an edit of another person's story alone: `serve` checks only that file again
    site.edit("people/person-two.md", "Second fixture story.", "Second fixture story, told to Aigerim Secretova.")
    result = preview.build()
    assert not result.ok
    assert [d.position.path for d in result.diagnostics if d.severity == "error"] == ["content/people/person-two.md"]
    assert b"Secretova" not in (out / "en/people/person-two.html").read_bytes()
    assert run("check", "--content", "content")[0] == 1 and run("build", "--content", "content")[0] == 1
    site.edit("people/person-two.md", "told to Aigerim Secretova", "told to her")
    assert preview.build().ok
    # an edit of the initials person's own names: what the others say is checked again
    site.edit("people/person-two.md", "Second fixture story", "Second fixture story of Aigerim Nurlankyzy")
    assert preview.build().ok  # (no one of that name is shown by initials yet)
    site.edit("people/aigerim-secretova.md", "aliases: [Aigerim Sekretova]", "aliases: [Aigerim Sekretova, Aigerim Nurlankyzy]")
    result = preview.build()
    assert [d.position.path for d in result.diagnostics if d.severity == "error"] == ["content/people/person-two.md"]
    assert "names 'Aigerim Nurlankyzy'" in next(d.message for d in result.diagnostics if d.severity == "error")
    # an edit of any other record takes the whole check, which reads every record
    site.edit("people/person-two.md", "Second fixture story of Aigerim Nurlankyzy", "Second fixture story")
    assert preview.build().ok
    site.edit("events/verdict.md", "Fixture verdict body.", "Fixture verdict against Nurlankyzy Aigerim.")
    result = preview.build()
    assert [d.position for d in result.diagnostics if d.severity == "error"] == [Position("content/events/verdict.md", 8, 25)]
    assert b"Nurlankyzy" not in b"".join(p.read_bytes() for p in out.rglob("*.html"))


# ------------------------------------------------------------------ the address


def test_an_initials_entry_without_an_address_is_given_a_random_one_to_paste(site, run):
    site.write("people/aigerim-secretova.md", CLEAN.replace(f"address: {ADDRESS}\n", ""))
    suggested = []
    for _ in range(2):
        code, _, err = run("check", "--content", "content")
        assert code == 1
        (line,) = errors_of(err)
        assert line.startswith(f"{FILE}:26:1: error: a person shown by initials needs an address of their own")
        suggested += re.findall(r"'address: (p-[0-9a-f]{12})'", line)
    assert len(suggested) == 2 and suggested[0] != suggested[1]  # random, not made from anything in the entry
    site.edit("people/aigerim-secretova.md", "display: initials\n", f"display: initials\naddress: {suggested[0]}\n")
    assert run("build", "--content", "content")[0] == 0
    assert [p.name for p in (site.tmp / "output/en/people").glob("p-*.html")] == [f"{suggested[0]}.html"]


def test_the_address_cannot_be_confirmed_from_a_guessed_name(site, run):
    site.write("people/aigerim-secretova.md", CLEAN)
    assert run("build", "--content", "content")[0] == 0
    page = site.tmp / "output/en/people" / f"{ADDRESS}.html"
    assert page.is_file()
    # the old address was sha256 of the id: a guessed name confirmed it. This one is no hash of the id.
    for rid in ("aigerim-secretova", "Aigerim Secretova"):
        for salt in ("", "memorial-person:"):
            assert hashlib.sha256(f"{salt}{rid}".encode()).hexdigest()[:12] != ADDRESS[2:]
    # another name and another file name: the same address
    (site.content / "people/aigerim-secretova.md").rename(site.content / "people/a-s-2022.md")
    site.edit("people/a-s-2022.md", "name: Aigerim Secretova", "name: Aigerim Sekretova-Nur")
    assert run("build", "--content", "content")[0] == 0
    assert [p.name for p in (site.tmp / "output/en/people").glob("p-*.html")] == [f"{ADDRESS}.html"]
    # `new` writes a fresh random address for an initials entry: the same name gives another one
    made = []
    for folder in ("one", "two"):
        code, out, _ = run("new", "person", "Aigerim Secretova", "--initials", "--content", folder)
        assert code == 0
        text = (site.tmp / folder / "people/aigerim-secretova.md").read_text(encoding="utf-8")
        assert "display: initials" in text
        made += re.findall(r"^address: (p-[0-9a-f]{12})\s", text, re.M)
    assert len(made) == 2 and made[0] != made[1]


def test_an_address_leads_to_one_person_only(site, run):
    site.write("people/aigerim-secretova.md", CLEAN)
    site.write(
        "people/bota-nurova.md",
        CLEAN.replace("name: Aigerim Secretova", "name: Bota Nurova")
        .replace("aliases: [Aigerim Sekretova]\n", "")
        .replace("Айгерим Секретова", "Бота Нурова"),
    )
    site.edit("people/person-two.md", "sources: [paper-b]\n---", "sources: [paper-b]\naddress: p-0000000000aa\n---")
    code, _, err = run("check", "--content", "content")
    assert code == 1
    found = errors_of(err)
    assert any(
        line.startswith(
            "content/people/bota-nurova.md:26:10: error: address 'p-5be3c0a1f29d' is also the address of content/people/aigerim-secretova.md"
        )
        for line in found
    ), err
    assert any(
        line.startswith("content/people/person-two.md:") and "an address is only for a person shown by initials" in line for line in found
    ), err

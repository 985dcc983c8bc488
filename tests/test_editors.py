"""Editors' workflow: duplicates across scripts and spellings, permanent addresses, a quick check of a change."""

from __future__ import annotations

from libzim.reader import Archive
from playwright.sync_api import sync_playwright
from test_browser import CHROMIUM, FLAGS

PERSON = """---
name: {name}
{extra}fates: [detained]
events:
  - date: 2022-01-{day}
    city: {city}
    what: A fixture line.
    sources: [report-a]
sources: [report-a]
---
Story.
"""


def person(site, pid, name, *, city="almaty", day="06", extra=""):
    site.write(f"people/{pid}.md", PERSON.format(name=name, city=city, day=day, extra=extra))


def warnings_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": warning: " in line]


def suspects(err: str) -> set[frozenset]:
    """Pairs of files named in duplicate warnings."""
    pairs = set()
    for line in warnings_of(err):
        if "may be the same person" in line:
            first = line.split(":")[0].split("/")[-1]
            second = line.split("' in ")[1].split(" (")[0].split("/")[-1]
            pairs.add(frozenset((first, second)))
    return pairs


def test_known_spelling_variants_are_flagged(site, run):
    person(site, "kosai-makhanbayev", "Kosai Makhanbayev")
    person(site, "kosay-makhabayev", "Kosay Makhabayev")
    person(site, "aziz-zholatov", "Aziz Zholatov", city="taraz")
    person(site, "aziz-jolatov", "Aziz Jolatov", city="taraz")
    person(site, "yernazar-kyrykbayev", "Yernazar Kyrykbayev", day="05")
    person(site, "ernazar-krykbaev", "Ernazar Krykbaev", day="05")
    person(site, "a-kiysimbayev", "Akylzhan Kiysimbayev")
    person(site, "a-kiysimbaev", "Akylzhan Kiysimbaev")
    person(site, "a-kiysymbayev", "Akylzhan Kiysymbayev")
    code, _, err = run("check", "--content", "content")
    assert code == 0  # warnings only
    assert suspects(err) == {
        frozenset(("kosai-makhanbayev.md", "kosay-makhabayev.md")),
        frozenset(("aziz-jolatov.md", "aziz-zholatov.md")),
        frozenset(("ernazar-krykbaev.md", "yernazar-kyrykbayev.md")),
        frozenset(("a-kiysimbaev.md", "a-kiysimbayev.md")),
        frozenset(("a-kiysimbaev.md", "a-kiysymbayev.md")),
        frozenset(("a-kiysimbayev.md", "a-kiysymbayev.md")),
    }
    line = next(w for w in warnings_of(err) if "ernazar-krykbaev.md:2:7" in w)
    assert line == (
        "content/people/ernazar-krykbaev.md:2:7: warning: 'Ernazar Krykbaev' may be the same person as 'Yernazar Kyrykbayev' in "
        "content/people/yernazar-kyrykbayev.md (names 97% alike, same city, a date in common); merge the two entries, "
        "or if someone has checked they are different people write 'not_duplicate_of: [yernazar-kyrykbayev]' here"
    )


def test_cyrillic_and_latin_spellings_of_one_name_are_flagged(site, run):
    person(site, "yerlan-zhagiparov", "Yerlan Zhagiparov")
    person(site, "zhagiparov-cyrillic", "Ерлан Жагипаров")
    _, _, err = run("check", "--content", "content")
    assert suspects(err) == {frozenset(("yerlan-zhagiparov.md", "zhagiparov-cyrillic.md"))}


def test_distinct_people_sharing_a_surname_are_not_flagged(site, run):
    person(site, "berik-abishov", "Berik Abishov")
    person(site, "aset-abishev", "Aset Abishev")
    person(site, "nurbolat-seitkulov", "Nurbolat Seitkulov", city="taraz")
    person(site, "aidos-seitkulov", "Aidos Seitkulov", city="taraz")
    person(site, "nurbolat-alpamys", "Nurbolat Alpamys")
    _, _, err = run("check", "--content", "content")
    assert suspects(err) == set()


def test_a_checked_pair_is_silenced(site, run):
    person(site, "kosai-makhanbayev", "Kosai Makhanbayev", extra="not_duplicate_of: [kosay-makhabayev]\n")
    person(site, "kosay-makhabayev", "Kosay Makhabayev")
    code, _, err = run("check", "--content", "content")
    assert code == 0 and suspects(err) == set()
    person(site, "kosai-makhanbayev", "Kosai Makhanbayev", extra="not_duplicate_of: [kosay-makhabaev]\n")
    code, _, err = run("check", "--content", "content")
    assert (
        "content/people/kosai-makhanbayev.md:3:20: error: person 'kosay-makhabaev' is not defined (did you mean 'kosay-makhabayev'?)" in err
    )


def test_check_of_given_files_checks_them_and_what_they_refer_to(site, run):
    person(site, "new-one", "Example New One")
    site.write("people/broken-elsewhere.md", "---\nname: [\n---\n")  # not asked about
    code, out, err = run("check", "--content", "content", "content/people/new-one.md")
    assert code == 0, err
    assert "1 people" in out and "1 cities" in out and "1 sources" in out
    # a problem in a referenced city is reported; an unused source is not (that needs the full check)
    site.edit("cities/almaty.yaml", "latitude: 43.2389", "latitude: north")
    code, _, err = run("check", "--content", "content", "content/people/new-one.md")
    assert code == 1
    assert [line for line in err.splitlines() if "error" in line][
        0
    ] == "content/cities/almaty.yaml:3:11: error: latitude: expected a number, found text"
    code, _, err = run("check", "--content", "content", "somewhere/else.md")
    assert code == 1 and "not a content file" in err


def test_former_ids_keep_old_addresses_working(site, run, tmp_path):
    site.edit("people/person-one.md", "name: Example Person One\n", "name: Example Person One\nformer_ids: [example-one, person-1]\n")
    site.edit("cities/taraz.md", "name: Taraz\n", "name: Taraz\nformer_ids: [zhambyl]\n")
    assert run("build")[0] == 0
    out = site.tmp / "output"
    old = (out / "en/people/example-one.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=person-one.html">' in old and 'href="person-one.html"' in old
    assert (out / "en/cities/zhambyl.html").is_file()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto((out / "en/people/person-1.html").as_uri())
        page.wait_for_url("**/people/person-one.html")
        assert page.locator("h1").inner_text() == "Example Person One"
        browser.close()
    zim = tmp_path / "m.zim"
    assert run("zim", "--out", str(zim))[0] == 0
    entry = Archive(str(zim)).get_entry_by_path("en/people/example-one.html")
    assert entry.is_redirect and entry.get_redirect_entry().path == "en/people/person-one.html"


def test_former_id_cannot_take_a_current_address(site, run):
    site.edit("people/person-one.md", "name: Example Person One\n", "name: Example Person One\nformer_ids: [person-two]\n")
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert (
        "content/people/person-one.md:3:14: error: former id 'person-two' is the id of content/people/person-two.md; an address can lead to one record only"
        in err
    )


def test_new_files_carry_a_schema_modeline(site, run):
    assert run("new", "city", "Kaskelen", "--content", "content")[0] == 0
    text = (site.content / "cities/kaskelen.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/cities.schema.json\n")
    assert run("new", "person", "Aidos Kaskelenov", "--content", "content")[0] == 0
    text = (site.content / "people/aidos-kaskelenov.md").read_text(encoding="utf-8")
    assert text.startswith("---\n# yaml-language-server: $schema=../../schema/people.schema.json\n")


def test_the_duplicate_search_after_an_edit_matches_a_search_from_scratch():
    """`serve` scores again only the edited people's pairs (duplicates.find_again): the answer must be
    the whole search's, whether a name, a city, a date or a checked pair changed."""
    from memorial import duplicates
    from memorial.schema import MODELS

    def entry(name, city="almaty", day="06", **extra):
        return MODELS["people"].model_validate(
            {
                "name": name,
                "city": city,
                "fates": ["detained"],
                "sources": ["report-a"],
                **extra,
                "events": [{"date": f"2022-01-{day}", "what": "Detained.", "sources": ["report-a"]}],
            }
        )

    people = {
        "kairat-zhagiparov": entry("Kairat Zhagiparov"),
        "qairat-zhagyparov": entry("Qairat Zhagyparov", day="07"),
        "ernazar-krykbaev": entry("Ernazar Krykbaev", "taraz"),
        "aigerim-nurlan": entry("Aigerim Nurlan"),
        "dana-sadykova": entry("Dana Sadykova", "taraz", "09"),
    }
    found = duplicates.find(people)
    _, keys, blocks = duplicates.find_with_keys(people)
    for pid, changed in [
        ("ernazar-krykbaev", entry("Yernazar Kyrykbayev", "taraz")),  # still nobody's double
        ("aigerim-nurlan", entry("Ernazar Kyrykbaev", "taraz")),  # now ernazar-krykbaev's
        ("qairat-zhagyparov", entry("Qairat Zhagyparov", "taraz", "07")),  # another city: weaker
        ("kairat-zhagiparov", entry("Kairat Zhagiparov", not_duplicate_of=["qairat-zhagyparov"])),  # checked
        ("dana-sadykova", entry("Ernazar Krykbaev", "taraz")),
    ]:
        people = {**people, pid: changed}
        found = duplicates.find_again(people, found, keys, blocks, [pid])
        assert found == duplicates.find(people), pid
    assert {(s.a, s.b) for s in found} >= {("aigerim-nurlan", "dana-sadykova")}


def test_a_build_goes_on_while_the_duplicate_search_runs_beside_it(site, monkeypatch):
    """With many people the search runs in a forked process while the build makes its model; its
    warnings still reach the build's messages, and the next build remembers them."""
    from memorial import duplicates, pipeline

    monkeypatch.setattr(duplicates, "IN_PARALLEL_FROM", 2)  # the forked search, as at 2,000 people
    person(site, "kosai-makhanbayev", "Kosai Makhanbayev")
    person(site, "kosay-makhabayev", "Kosay Makhabayev")
    person(site, "berik-abishov", "Berik Abishov", city="taraz")
    site.write("people/broken.md", PERSON.format(name="Kosai Makhanbaev", extra="age: many\n", city="almaty", day="06"))
    result = pipeline.build(site.content, site.tmp / "out")
    messages = [d.message for d in result.diagnostics]
    assert not result.ok and any("age" in m for m in messages)  # a file with an error stops the build...
    assert any("may be the same person" in m for m in messages)  # ...and every warning is still reported
    (site.content / "people" / "broken.md").unlink()
    result = pipeline.build(site.content, site.tmp / "out")
    assert result.ok
    warned = [d for d in result.diagnostics if "may be the same person" in d.message]
    assert [(d.position.path.split("/")[-1], d.position.line) for d in warned] == [("kosai-makhanbayev.md", 2)]
    assert "Kosay Makhabayev" in warned[0].message


def test_yaml_mistakes_are_explained_with_what_to_do(site, run):
    """The mistakes editors make in YAML, each said in words with what to do (LibYAML's messages alone
    say little), all in one run."""
    site.write(
        "people/said-colon.md",
        "---\nname: Said Colon\nfates: [killed]\nevents:\n  - date: 2022-01-05\n    what: He said: they came at night.\n    sources: [report-a]\nsources: [report-a]\n---\n",
    )
    site.write("people/has-tab.md", "---\nname: Has Tab\nfates: [killed]\n\tsources: [report-a]\n---\n")
    site.write("people/never-closed.md", "---\nname: Never Closed\nfates: [killed]\nsources: [report-a]\n")
    (site.content / "people/with-bom.md").write_bytes(
        "\ufeff---\nname: With Bom\nfates: [killed]\nsources: [report-a]\n---\nA story.\n".encode()
    )
    site.write("people/wrong-suffix.yml", "name: Wrong Suffix\n")
    code, _, err = run("check", "--content", "content")
    assert code == 1
    assert (
        'said-colon.md:6:18: error: YAML syntax error: mapping values are not allowed in this context (a value with ": " in it must be in quotes: what: "He said: they came at night.")'
        in err
    )
    assert "has-tab.md:4:1: error: YAML syntax error" in err and "(this line has a tab: indent with spaces only)" in err
    assert "never-closed.md:1:1: error: the fields opened by '---' on line 1 are never closed" in err
    assert "with-bom.md:1:1: warning: file starts with a byte-order mark, which was ignored" in err and "with-bom.md:1:1: error" not in err
    assert "wrong-suffix.yml:1:1: warning: ignored: a file in people/ must end in .md (rename it to .md)" in err

"""The incremental build is the build: after any edit an editor makes, a build that starts from the last
one (as `serve` keeps it in memory, and as a new `build` reads it from the cache) gives the same files,
byte for byte, and the same messages as a build from scratch.

A seeded random walk over a few hundred generated people in two language trees: every kind of edit an
editor makes (rename, move a date, change city, add or remove a dated fact, change fates, cite another
source, add or delete a person, withdraw one, break a file and fix it), thirty in a row. Set
MEMORIAL_EDIT_SEED to walk another way."""

from __future__ import annotations

import os
import random
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from memorial import cache, export, paging, pipeline, write

sys.path.insert(0, str(ROOT / "bench"))
import make_corpus  # noqa: E402

SEED = int(os.environ.get("MEMORIAL_EDIT_SEED", "17"))
EDITS = 30
CITIES = [city[0] for city in make_corpus.CITIES]
SOURCES = [f"source-{i:02d}" for i in range(make_corpus.SOURCES)]
FATES = ["killed", "wounded", "detained", "tortured", "prosecuted", "missing", "died-in-custody"]


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


class Entry:
    """A person's file as front matter (a dict) and a story."""

    def __init__(self, path: Path) -> None:
        self.path = path
        _, front, self.story = path.read_text(encoding="utf-8").split("---\n", 2)
        self.data = yaml.safe_load(front)

    def save(self) -> None:
        front = yaml.safe_dump(self.data, sort_keys=False, allow_unicode=True, width=1000)
        self.path.write_text(f"---\n{front}---\n{self.story}", encoding="utf-8")


def a_date(rng: random.Random) -> str:
    """Mostly days of the timeline; some months (the first-date groups), some days outside it."""
    roll = rng.random()
    if roll < 0.15:
        return "2022-01"
    if roll < 0.2:
        return f"2022-0{rng.randint(2, 9)}-{rng.randint(10, 28)}"
    return f"2022-01-{rng.randint(2, 21):02d}"


def rename(rng, people, content) -> str:
    e = Entry(rng.choice(people))
    other = Entry(rng.choice(people))
    # half the time another person's name, or one letter off it: a namesake or a possible duplicate
    e.data["name"] = other.data["name"] + rng.choice(["", "a"]) if rng.random() < 0.5 else make_corpus.name(rng)
    e.save()
    return f"rename {e.path.stem}"


def move_date(rng, people, content) -> str:
    e = Entry(rng.choice(people))
    rng.choice(e.data["events"])["date"] = a_date(rng)
    e.save()
    return f"move a date of {e.path.stem}"


def change_city(rng, people, content) -> str:
    e = Entry(rng.choice(people))
    if rng.random() < 0.2:
        e.data.pop("city", None)
    else:
        e.data["city"] = rng.choice(CITIES)
    if rng.random() < 0.5:
        rng.choice(e.data["events"])["city"] = rng.choice(CITIES)
    e.save()
    return f"change the city of {e.path.stem}"


def add_event(rng, people, content) -> str:
    e = Entry(rng.choice(people))
    source = rng.choice(e.data["sources"])
    e.data["events"].append({"date": a_date(rng), "city": rng.choice(CITIES), "what": "A fact added in review.", "sources": [source]})
    e.save()
    return f"add a dated fact to {e.path.stem}"


def remove_event(rng, people, content) -> str:
    e = Entry(rng.choice(people))
    if len(e.data["events"]) > 1:
        e.data["events"].pop(rng.randrange(len(e.data["events"])))
    else:
        e.data["events"][0]["what"] = "Reworded."
    e.save()
    return f"remove a dated fact of {e.path.stem}"


def change_fates(rng, people, content) -> str:
    e = Entry(rng.choice(people))
    e.data["fates"] = rng.sample(FATES, rng.randint(1, 3))
    e.save()
    return f"change the fates of {e.path.stem}"


def cite_another(rng, people, content) -> str:
    e = Entry(rng.choice(people))
    source = rng.choice(SOURCES)
    event = rng.choice(e.data["events"])
    event["sources"] = [source]
    e.data["sources"] = sorted({*e.data["sources"], source} & {s for ev in e.data["events"] for s in ev["sources"]} | {source})
    if "age" in e.data:
        e.data["age"]["sources"] = [source]
    e.save()
    return f"{e.path.stem} cites {source}"


def story(rng, people, content) -> str:
    e = Entry(rng.choice(people))
    e.story += "\nOne more sentence, from a review.\n" if rng.random() < 0.8 else ""
    if not e.story.strip() or rng.random() < 0.2:
        e.story = ""  # a warning: no story
    e.save()
    return f"story of {e.path.stem}"


def add_person(rng, people, content) -> str:
    full = make_corpus.name(rng)
    path = content / "people" / f"{full.lower().replace(' ', '-')}-new.md"
    src = rng.choice(SOURCES)
    path.write_text(
        f"---\nname: {full}\ncity: {rng.choice(CITIES)}\nfates: [detained]\nevents:\n  - date: '{a_date(rng)}'\n"
        f"    what: Detained.\n    sources: [{src}]\nsources: [{src}]\n---\nA new entry.\n",
        encoding="utf-8",
    )
    return f"add {path.stem}"


def delete_person(rng, people, content) -> str:
    path = rng.choice(people)
    path.unlink()
    for translation in path.parent.glob(f"{path.stem}.*.md"):
        translation.unlink()
    return f"delete {path.stem}"


def withdraw(rng, people, content) -> str:
    e = Entry(rng.choice(people))
    e.data["status"] = rng.choice(["withdrawn", "draft", "published"])
    e.save()
    return f"{e.data['status']} {e.path.stem}"


def initials(rng, people, content) -> str:
    e = Entry(rng.choice(people))
    e.data["display"] = "initials"
    e.data["address"] = f"p-{rng.getrandbits(48):012x}"  # (random, as `new person --initials` writes it)
    for field in ("aliases", "sort_name", "name_forms"):
        e.data.pop(field, None)
    e.story = "A living person, shown by initials.\n"
    for event in e.data["events"]:
        event["what"] = "Detained."
    e.save()
    return f"initials for {e.path.stem}"


KINDS = [rename, move_date, change_city, add_event, remove_event, change_fates, cite_another, story, add_person, delete_person, withdraw]


def entries(content: Path) -> list[Path]:
    """The people's own files (not their translations, <id>.<language>.md)."""
    return [path for path in sorted((content / "people").glob("*.md")) if len(path.suffixes) == 1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("walk") / "content"
    make_corpus.write(300, content, seed=SEED, languages=("en", "ru"))
    return content


def test_thirty_random_edits_each_give_what_a_build_from_scratch_gives(corpus, tmp_path, monkeypatch):
    # small pages, so that every list runs over many pages and an edit shifts the pages after it
    monkeypatch.setattr(paging, "PER_PAGE", 40)
    monkeypatch.setattr(paging, "NAMES_PER_PAGE", 30)
    rng = random.Random(SEED)
    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    out = tmp_path / "output"
    last = pipeline.build(content, out, serving=True).build
    # every kind of edit at least once (initials too), then at random; a broken file every few edits
    plan = [*KINDS, initials] + [rng.choice(KINDS) for _ in range(EDITS - len(KINDS) - 1)]
    rng.shuffle(plan)
    paths = {"incremental": 0, "whole": 0}
    for n, kind in enumerate(plan):
        people = entries(content)
        before = cache.content_files(content)
        what = kind(rng, people, content)
        broken = None
        if n % 7 == 3:  # break a file, build, then mend it
            broken = rng.choice(people if kind is not delete_person else entries(content))
            good = broken.read_bytes()
            broken.write_bytes(good.replace(b"fates: [", b"fates: [[", 1) if b"fates: [" in good else b"---\n: [\n---\n")
            refused = pipeline.build(content, out, last=last, serving=True, saved=_saved(content, before, n))
            assert not refused.ok, what
            assert refused.diagnostics == pipeline.check(content)[1], f"edit {n}: {what}, then a broken file"
            last = refused.build
            broken.write_bytes(good)
        # every other edit as `serve` makes it: told which files were saved since the last build (a refused
        # one included), as its watcher sees them
        result = pipeline.build(content, out, last=last, serving=True, saved=_saved(content, before, n))
        last = result.build
        fresh_out = tmp_path / f"fresh-{n}" / "output"
        fresh = pipeline.build(content, fresh_out)
        assert result.diagnostics == fresh.diagnostics, f"edit {n}: {what}"
        assert result.ok == fresh.ok
        if result.ok:
            assert result.build.validated.suspects == fresh.build.validated.suspects, f"edit {n}: {what}"
        if result.ok:
            paths["incremental" if result.edited is not None else "whole"] += 1
            mine, theirs = files(out), files(fresh_out)
            assert mine.keys() == theirs.keys(), f"edit {n}: {what}: {sorted(mine.keys() ^ theirs.keys())[:5]}"
            differ = sorted(path for path in mine if mine[path] != theirs[path])
            assert not differ, f"edit {n}: {what}: {differ[:5]}"
            assert result.model == fresh.model, f"edit {n}: {what}"
        shutil.rmtree(fresh_out.parent, ignore_errors=True)
    # both ways were taken: the walk tested the incremental build, not only the whole one
    assert paths["incremental"] >= 10 and paths["whole"] >= 5, paths
    last.wait()
    # and a build in a new process, starting from the cache the walk left, gives the same again
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("title: ", "title: The "), encoding="utf-8")
    assert pipeline.build(content, out).ok
    assert files(out) == _scratch(content, tmp_path / "last")


def test_dates_moved_in_serve_in_three_trees_give_what_a_build_from_scratch_gives(tmp_path, monkeypatch):
    """A dated fact moved to another day, again and again, as `serve` rebuilds after each save, in three
    language trees: the two days' pages and every page of the lists between the date's old and new place
    are made again, the other pages of those lists kept (lines.Lines.kept_page), the search index and the
    open data joined again (export.Joined, a part at a time); each time the output is byte for byte the
    one a build from scratch makes."""
    monkeypatch.setattr(paging, "PER_PAGE", 20)  # every day's and city's list over several pages
    monkeypatch.setattr(paging, "NAMES_PER_PAGE", 15)
    monkeypatch.setattr(export, "PART", 16)  # the open data in many parts
    content = tmp_path / "content"
    make_corpus.write(160, content, seed=SEED, languages=("en", "ru", "kk"))
    out = tmp_path / "output"
    last = pipeline.build(content, out, serving=True).build
    rng = random.Random(SEED)
    people = entries(content)
    moved = 0
    for n in range(8):
        e = Entry(rng.choice(people))
        days = [event for event in e.data["events"] if str(event["date"]).startswith("2022-01-")]
        if not days:
            continue
        event = rng.choice(days)
        day = int(str(event["date"])[-2:])
        # the next day or a few days on (as the benchmark moves one), back again, or off the timeline
        event["date"] = f"2022-01-{2 + (day - 1 + rng.choice([1, 1, 3, -2])) % 19:02d}" if n % 4 != 3 else "2022-03-15"
        e.save()
        result = pipeline.build(content, out, last=last, serving=True, saved=[e.path])
        assert result.ok and result.edited == (e.path.stem,), f"move {n}"
        last = result.build
        assert files(out) == _scratch(content, tmp_path / f"fresh-{n}"), f"move {n}: {e.path.stem}"
        shutil.rmtree(tmp_path / f"fresh-{n}")
        moved += 1
    assert moved >= 5
    last.wait()


def _saved(content: Path, before: dict, n: int) -> list[Path] | None:
    """The files added, removed or changed since ``before`` (cache.content_files), on even edits; else None."""
    after = cache.content_files(content)
    return [content / rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)] if n % 2 == 0 else None


def test_a_page_written_over_holds_exactly_its_new_bytes(tmp_path):
    """A page of the spare tree is written over in place (write.overwrite): a shorter page leaves nothing of
    the longer one behind, a longer one nothing cut, and a page not there yet is made."""
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>" + "Жанар ".encode() * 500 + b"</p>")
    write.overwrite(page, b"<p>short</p>")
    assert page.read_bytes() == b"<p>short</p>"
    write.overwrite(page, b"<p>" + b"x" * 5000 + b"</p>")
    assert page.read_bytes() == b"<p>" + b"x" * 5000 + b"</p>"
    write.overwrite(tmp_path / "new.html", b"")
    assert (tmp_path / "new.html").read_bytes() == b""


def test_the_files_a_watcher_saw_saved_are_all_that_is_looked_at(tmp_path):
    """After a save in `serve`, only the files its watcher names are looked at again; a file added or
    removed (or a path it names otherwise) has every file looked at, and an editor's temporary file made
    and removed at once changes nothing."""
    content = tmp_path / "content"
    (content / "people").mkdir(parents=True)
    (content / "people" / "a.md").write_text("a", encoding="utf-8")
    (content / "people" / "b.md").write_text("b", encoding="utf-8")
    files = cache.content_files(content)
    looked_at = pipeline._saved_content
    assert looked_at(content, files, None) is None
    assert looked_at(content, files, [content / "people" / "a.md", content / "people" / ".a.md.swp"]) == {"people/a.md"}
    assert looked_at(content, files, [str(pipeline.TEMPLATES / "base.html")]) == set()
    (content / "people" / "c.md").write_text("c", encoding="utf-8")
    assert looked_at(content, files, [content / "people" / "c.md"]) is None  # added
    (content / "people" / "b.md").unlink()
    assert looked_at(content, files, [content / "people" / "b.md"]) is None  # removed
    assert looked_at(content, files, [tmp_path / "elsewhere.md"]) is None


def test_an_entry_edited_under_its_translation_has_the_translation_checked_again(site):
    """A translated fact names the entry's fact by its date: when `serve` checks again only the edited entry,
    its translations are checked with it, so the date moved there is found unmatched as a build from scratch
    finds it."""
    site.edit("site.yaml", "languages: [en]", "languages: [en, ru]")
    site.write("people/person-one.ru.md", "---\nevents:\n  - date: 2022-01-06\n    what: Тестовое событие.\n---\nТекст.\n")
    out = site.tmp / "output"
    last = pipeline.build(site.content, out, serving=True)
    assert last.ok
    site.edit("people/person-one.md", "date: 2022-01-06", "date: 2022-01-07")
    after = pipeline.build(site.content, out, last=last.build, serving=True, saved=[site.content / "people/person-one.md"])
    fresh = pipeline.build(site.content, site.tmp / "fresh")
    assert after.diagnostics == fresh.diagnostics
    assert any(d.position.path.endswith("person-one.ru.md") and "no fact dated 2022-01-06" in d.message for d in after.diagnostics)


def _scratch(content: Path, where: Path) -> dict[str, bytes]:
    assert pipeline.build(content, where / "output").ok
    return files(where / "output")


def test_a_page_kind_must_say_what_it_shows_of_people():
    """The rebuild after an edit remakes a kind's pages only if the kind says what they show of a person:
    a kind that forgets is refused when it is declared, not found later as a stale page."""
    from memorial.pages import NO_ONE, Kind

    def keys(model, lang):
        return [None]

    def make(views, key):
        return []

    with pytest.raises(TypeError):
        Kind("lists", keys, make)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="lists people"):
        Kind("lists", keys, make, shows=NO_ONE, from_lines=True)
    assert Kind("about", keys, make, shows=NO_ONE).shows is NO_ONE

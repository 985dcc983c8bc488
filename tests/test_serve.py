"""Rebuilds give what a build from scratch gives: in `serve` (one process; a story edit touches up one
page) and in a new `build` that re-uses the last build's pages and kept lines."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from memorial import cache, pipeline


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def from_scratch(site, name: str) -> dict[str, bytes]:
    out = site.tmp / name / "output"
    assert pipeline.build(site.content, out).ok
    return files(out)


class Preview:
    """Builds one after another as `serve` makes them: each from the last, kept in memory."""

    def __init__(self, site, out: Path | None = None) -> None:
        self.content, self.out, self.last = site.content, out or site.tmp / "output", None

    def build(self) -> pipeline.Result:
        result = pipeline.build(self.content, self.out, last=self.last, serving=True)
        assert result.build is not None
        self.last = result.build
        return result


def touched_up(result) -> bool:
    """The build worked from the last one's model and pages: only some people's entries changed (as it reports)."""
    return result.ok and result.edited is not None


def test_a_story_edit_remakes_one_page_and_gives_what_a_full_build_gives(site):
    out, preview = site.tmp / "output", Preview(site)
    assert preview.build().ok
    for n in (1, 2):  # the first rebuild also fills the second output tree
        site.edit("people/person-two.md", "Second fixture story", f"Second fixture story (corrected {n})")
        result = preview.build()
        assert touched_up(result), result.timings
    assert result.edited == ("person-two",)
    assert result.counts["made"] == 1 and result.counts["written"] == 1  # that person's page, nothing else
    assert "corrected 2" in (out / "en/people/person-two.html").read_text(encoding="utf-8")
    assert files(out) == from_scratch(site, "fresh")
    assert result.model == pipeline.build(site.content, site.tmp / "fresh-model").model
    # ...and a separate `build` afterwards agrees that nothing is left to do
    assert pipeline.build(site.content, out).unchanged


def test_a_front_matter_edit_rebuilds_the_lists(site):
    out, preview = site.tmp / "output", Preview(site)
    assert preview.build().ok
    site.edit("people/person-one.md", "Fixture event on the sixth.", "Fixture event on the sixth, corrected.")
    result = preview.build()
    assert touched_up(result)
    assert "corrected" in (out / "en/days/2022-01-06.html").read_text(encoding="utf-8")  # a list, not only the person's page
    assert files(out) == from_scratch(site, "fresh")
    site.edit("people/person-two.md", "Second fixture story.", "Second fixture story, after the list changed.")
    assert touched_up(preview.build())
    assert files(out) == from_scratch(site, "fresh-2")


def test_an_edit_on_a_later_day_moves_the_date_the_copy_holds_the_record_as_of(site):
    """The download page says when the record was last changed: an edit in `serve` on a later day than
    every file's last change brings it forward, as a build from scratch does."""
    long_ago = dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC).timestamp()
    for path in site.content.rglob("*"):
        os.utime(path, (long_ago, long_ago))
    out, preview = site.tmp / "output", Preview(site)
    assert preview.build().ok
    assert "as of 5 January 2026" in (out / "en/download.html").read_text(encoding="utf-8")
    site.edit("people/person-two.md", "Second fixture story", "Second fixture story (corrected)")
    later = dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC).timestamp()
    os.utime(site.content / "people/person-two.md", (later, later))
    assert touched_up(preview.build())
    assert "as of 9 March 2026" in (out / "en/download.html").read_text(encoding="utf-8")
    assert files(out) == from_scratch(site, "fresh")


def test_people_lists_kept_between_edits_follow_a_whole_build_in_between(site):
    """`serve` keeps the people lists' rows from one edit to the next; a whole build in between (here a
    city renamed, which every row of its people shows) must not leave old rows to be kept."""
    out, preview = site.tmp / "output", Preview(site)
    assert preview.build().ok
    site.edit("people/person-one.md", "fates: [killed]", "fates: [killed, detained]")
    assert touched_up(preview.build())
    site.edit("cities/almaty.yaml", "name: Almaty", "name: Almaty City")
    result = preview.build()
    assert result.ok and not touched_up(result)
    assert "Almaty City" in (out / "en/people/by-fate.html").read_text(encoding="utf-8")
    assert files(out) == from_scratch(site, "fresh")
    site.edit("people/person-one.md", "fates: [killed, detained]", "fates: [killed]")
    assert touched_up(preview.build())
    assert files(out) == from_scratch(site, "fresh-2")


def test_a_build_by_another_process_in_between_is_noticed(site):
    """An editor runs `build` in a terminal while `serve` runs: serve's next build must not trust what it
    remembers of the output."""
    out, preview = site.tmp / "output", Preview(site)
    assert preview.build().ok
    site.edit("people/person-two.md", "Second fixture story.", "Second fixture story, built elsewhere.")
    assert pipeline.build(site.content, out).ok  # another process
    site.edit("people/person-one.md", "fates: [killed]", "fates: [killed, detained]")
    result = preview.build()
    assert result.ok and not touched_up(result)
    assert files(out) == from_scratch(site, "fresh")


EDITS = [  # (file, old, new): front-matter edits that change what lists show of a person, one after another
    ("people/person-one.md", "Fixture aftermath in December.", "Fixture aftermath in December, reworded."),  # the timeline's "after"
    (
        "people/person-one.md",
        "    what: Fixture event on the sixth.",
        "    what: Fixture event on the sixth.\n    date_note: Fixture note.",
    ),
    ("people/person-one.md", "  text: driver", "  text: bus driver"),  # their page and the search index
    ("people/person-one.md", "city: almaty\nfates", "city: taraz\nfates"),  # another city
    ("people/person-one.md", "- date: 2022-01-06\n    city: almaty", "- date: 2022-01-09\n    city: taraz"),  # another day and place
    ("people/person-two.md", "name: Example Person Two", "name: Aigerim Example"),  # another name: another place in every list
    ("people/person-two.md", "fates: [detained, tortured]", "fates: [wounded]"),
    ("people/person-two.md", "    sources: [paper-b]\nsources: [paper-b]", "    sources: [report-a]\nsources: [report-a]"),  # cites another
    (
        "people/person-two.md",
        "events:\n",
        "events:\n  - date: 2022-01-06\n    city: almaty\n    what: Fixture arrest.\n    sources: [report-a]\n",
    ),
    ("people/person-two.md", "name: Aigerim Example", "name: Example Person One"),  # now a possible duplicate of person-one
    ("people/person-one.md", "sources: [report-a]\n---", "sources: [report-a]\nnot_duplicate_of: [person-two]\n---"),
    ("people/person-two.md", "fates: [wounded]", "fates: [wounded]\noccupation:\n  text: teacher\n  sources: [nowhere]"),  # an error
    ("people/person-two.md", "sources: [nowhere]", "sources: [paper-b]"),  # and its fix
]


@pytest.mark.parametrize("languages", ["[en]", "[en, ru, kk]"])
def test_front_matter_edits_in_serve_give_what_a_build_from_scratch_gives(site, languages):
    """`serve` works out which lists an edit touches; every page and every message must still be what a
    whole build gives: cities, days, sources, names and fates change, a duplicate appears, an error comes and goes."""
    site.edit("site.yaml", "languages: [en]", f"languages: {languages}")
    out, preview = site.tmp / "output", Preview(site)
    assert preview.build().ok
    good = files(out)
    for n, (rel, old, new) in enumerate(EDITS):
        site.edit(rel, old, new)
        result = preview.build()
        fresh_check = pipeline.check(site.content)[1]
        assert result.diagnostics == fresh_check, n
        if result.ok:
            assert touched_up(result), n
            fresh = pipeline.build(site.content, site.tmp / f"fresh-{n}")
            assert result.model == fresh.model, n  # the model worked out from the last one is the one built anew
            good = files(out)
            assert good == files(site.tmp / f"fresh-{n}"), n
        else:
            assert files(out) == good  # the last good build stays
    assert "may be the same person" not in " ".join(d.message for d in result.diagnostics)  # silenced by not_duplicate_of
    assert "Example Person One" in (out / "en/cities/almaty.html").read_text(encoding="utf-8")


def test_a_person_who_leaves_the_site_takes_the_whole_build(site):
    out, preview = site.tmp / "output", Preview(site)
    assert preview.build().ok
    site.edit("people/person-two.md", "name: Example Person Two", "name: Example Person Two\nstatus: withdrawn")
    result = preview.build()
    assert result.ok and not touched_up(result)
    assert not (out / "en/people/person-two.html").exists()
    assert files(out) == from_scratch(site, "fresh")


def test_a_story_edit_is_checked_like_any_other(site):
    out, preview = site.tmp / "output", Preview(site)
    assert preview.build().ok

    def no_story(result) -> bool:
        return any("person-two.md" in d.position.path and "has no story" in d.message for d in result.diagnostics)

    site.edit("people/person-two.md", "Second fixture story.", "")
    result = preview.build()
    assert touched_up(result) and no_story(result)
    site.write(
        "people/person-two.md", (site.content / "people/person-two.md").read_text(encoding="utf-8") + "Second fixture story, back.\n"
    )
    result = preview.build()
    assert touched_up(result) and not no_story(result)
    good = files(out)
    assert good == from_scratch(site, "fresh")
    site.edit("people/person-two.md", "---\n", "---\nnot: valid: yaml: [\n")  # broken front matter: the whole check runs
    result = preview.build()
    assert not result.ok and any("YAML syntax error" in d.message for d in result.diagnostics)
    assert files(out) == good  # the last good build stays
    site.edit("people/person-two.md", "---\nnot: valid: yaml: [\n", "---\n")
    result = preview.build()
    assert result.ok and files(out) == from_scratch(site, "fresh-2")


def test_a_rebuild_after_moving_a_person_matches_a_build_from_scratch(site):
    """Kept pages and list lines must not outlive what they show: person-one moves to another city."""
    out = site.tmp / "output"
    assert pipeline.build(site.content, out).ok
    site.edit("people/person-one.md", "city: almaty", "city: taraz")
    result = pipeline.build(site.content, out)
    assert result.ok and result.counts["reused"] == 1  # person-two's page was not made again
    assert "person-one" in (out / "en/cities/taraz.html").read_text(encoding="utf-8")
    assert files(out) == from_scratch(site, "fresh")


def test_a_cache_left_by_another_version_is_ignored(site):
    """An output folder built by an earlier version keeps its cache beside it: `check` and `build` must not
    trip on objects of another shape (an earlier version pickled one object; this one writes its parts in sequence)."""
    import pickle

    from memorial import cache

    out = site.tmp / "output"
    assert pipeline.build(site.content, out).ok
    cache_file, _ = cache._paths(out.absolute())
    for stale in (
        pickle.dumps({"files": {}, "parsed": {}}),  # an older layout
        pickle.dumps(cache.FORMAT - 1) + pickle.dumps({}),  # the last format
        pickle.dumps(cache.FORMAT) + pickle.dumps({}),  # this format, cut short
    ):
        cache_file.write_bytes(stale)
        assert cache.load(out.absolute()) == cache.Build()
        assert pipeline.check(site.content, cache_of=out)[1] == pipeline.check(site.content)[1]
    site.edit("people/person-two.md", "Second fixture story.", "Second fixture story, edited.")
    assert pipeline.build(site.content, out).ok
    assert files(out) == from_scratch(site, "fresh")


def test_an_edit_after_a_broken_one_is_checked_against_the_last_good_build(site):
    """`serve` reworks the checks over every record from the last good build: a broken edit that was
    refused must leave nothing behind (here, the count of who cites paper-c)."""
    site.write("sources/paper-c.yaml", "publisher: Example Weekly\ntitle: Fixture column\ndate: 2022-12-21\nlanguage: en\nkind: news\n")
    site.edit("people/person-two.md", "sources: [paper-b]\n---", "sources: [paper-b, paper-c]\n---")
    preview = Preview(site)
    assert preview.build().ok
    site.edit("people/person-two.md", "sources: [paper-b, paper-c]\n---", "sources: [paper-b, nowhere]\n---")
    broken = preview.build()
    assert not broken.ok and any("paper-c' is not cited" in d.message for d in broken.diagnostics)
    site.edit("people/person-two.md", "sources: [paper-b, nowhere]\n---", "sources: [paper-b, paper-c]\n---")
    result = preview.build()
    assert result.diagnostics == pipeline.check(site.content)[1]
    assert not any("paper-c' is not cited" in d.message for d in result.diagnostics)


def test_several_people_edited_between_two_builds(site):
    """A pull or a search-and-replace changes several entries before `serve` rebuilds once."""
    site.edit("site.yaml", "languages: [en]", "languages: [en, ru]")
    out, preview = site.tmp / "output", Preview(site)
    assert preview.build().ok
    site.edit("people/person-one.md", "city: almaty\nfates", "city: taraz\nfates")
    site.edit("people/person-two.md", "name: Example Person Two", "name: Aigerim Example")
    site.edit("people/person-two.md", "Second fixture story.", "Second fixture story, edited with the other.")
    result = preview.build()
    assert touched_up(result)
    fresh = pipeline.build(site.content, site.tmp / "fresh")
    assert result.model == fresh.model and result.diagnostics == fresh.diagnostics
    assert files(out) == files(site.tmp / "fresh")


def test_a_template_edited_while_previewing_is_compiled_again(tmp_path):
    """`serve`'s builds share their compiled templates (render.TemplateCache): an edited template is
    compiled again, an unchanged one is not."""
    from memorial import render

    (tmp_path / "page.html").write_text("<p>{{ word }}</p>", encoding="utf-8")
    kept = render.TemplateCache()
    first = render.make_environment(tmp_path, kept).get_template("page.html")
    assert first.render(word="<one>") == "<p>&lt;one&gt;</p>"
    code = dict(kept.code)
    assert render.make_environment(tmp_path, kept).get_template("page.html").render(word="two") == "<p>two</p>"
    assert kept.code == code  # the same source: nothing compiled again
    (tmp_path / "page.html").write_text("<b>{{ word }}</b>", encoding="utf-8")
    assert render.make_environment(tmp_path, kept).get_template("page.html").render(word="three") == "<b>three</b>"
    assert kept.code != code


def test_the_build_cache_is_written_in_a_pause_between_saves(site, monkeypatch):
    """`serve` writes its build cache (for the next start) only once no build has run for a while
    (pipeline.SAVE_QUIET): a save right after another is built without waiting for it, the cache of a build
    a newer one replaced is never written, the last good build's is written in the next pause even after a
    refused save, and at once when `serve` stops (Build.wait)."""
    monkeypatch.setattr(pipeline, "SAVE_QUIET", 0.5)
    out, preview = site.tmp / "output", Preview(site)
    written = site.tmp / ".output.cache.pickle"
    assert preview.build().ok
    site.edit("people/person-two.md", "Second fixture story", "Second fixture story (corrected)")
    assert touched_up(preview.build())
    assert not written.exists()  # (the first build's was dropped unwritten, the second's waits for quiet)
    good = preview.last
    site.edit("people/person-one.md", "city: almaty", "city: nowhere")
    assert not preview.build().ok and preview.last is good  # refused: the last good build stays
    time.sleep(1.5)
    saved = cache.load(out)
    assert (saved.files, saved.person_pages) == (good.files, good.person_pages)
    site.edit("people/person-one.md", "city: nowhere", "city: almaty")
    assert preview.build().ok and preview.last is not good
    preview.last.wait()  # as `serve` does when it stops
    assert cache.load(out).files == preview.last.files != good.files

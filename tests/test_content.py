"""The shipped content: clean, sourced, and one entry per person."""

from __future__ import annotations

import re
from collections import defaultdict

from conftest import ROOT
from text_unidecode import unidecode

from memorial.pipeline import check


def validated():
    result, diagnostics = check(ROOT / "content")
    return result, diagnostics


def test_shipped_content_has_no_errors_or_warnings():
    _, diagnostics = validated()
    assert [d.format() for d in diagnostics] == []


def test_every_person_has_a_sourced_fact_and_a_story():
    result, _ = validated()
    for rec in result.records["people"].values():
        d = rec.data
        # what happened to them (fates) is always cited by the entry's sources; most have dated facts too
        assert d.fates and d.sources, rec.id
        assert all(e.sources for e in d.events), rec.id
        assert rec.body.strip(), f"{rec.id} has no story"


def test_every_source_is_cited():
    result, _ = validated()
    cited: set[str] = set()
    for kind in ("people", "events", "figures", "days"):
        for rec in result.records[kind].values():
            cited.update(rec.cited)
    assert cited == set(result.records["sources"])


def fold(name: str) -> str:
    return re.sub(r"[^a-z]", "", unidecode(name).casefold())


def test_no_two_people_share_a_name_or_alias():
    result, _ = validated()
    owners = defaultdict(set)
    for rec in result.records["people"].values():
        for name in [rec.data.name, *rec.data.aliases]:
            owners[fold(name)].add(rec.id)
    shared = {name: ids for name, ids in owners.items() if len(ids) > 1}
    assert shared == {}


def test_no_name_form_in_another_script_without_a_source():
    result, _ = validated()
    for rec in result.records["people"].values():
        for name in [rec.data.name, *rec.data.aliases]:
            assert not re.search(r"[\u0400-\u04ff]", name), (
                f"{rec.id}: Cyrillic form {name!r} needs a source (put it in name_forms with its source)"
            )

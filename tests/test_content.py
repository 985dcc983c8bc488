"""The shipped content passes `check`, as a content pull request must: errors fail, warnings do not (the
content's rules live in `check` alone, so that a green `check` is a green pull request)."""

from __future__ import annotations

from conftest import ROOT, main


def test_shipped_content_passes_check(capsys):
    code = main(["check", "--content", str(ROOT / "content")])
    err = capsys.readouterr().err
    assert code == 0, err
    assert ": error: " not in err


def test_a_content_change_with_a_warning_passes_and_one_with_an_error_fails(site, run):
    """What a content pull request meets: the same command, the same verdict."""
    site.write("sources/nobody-cites-this.yaml", "publisher: P\ntitle: Uncited\ndate: 2022\nlanguage: en\nkind: news\n")
    code, _, err = run("check", "--content", "content")
    assert code == 0 and ": warning: " in err  # a source nobody cites: a warning
    site.edit("people/person-one.md", "name: Example Person One", "name: Экзампл Персон Ван")
    code, _, err = run("check", "--content", "content")
    assert code == 1 and "is in Cyrillic" in err and "name_forms" in err

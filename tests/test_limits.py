"""Limits: content that would crash, hang or slow a build is refused by `check` with the file, line and
field, and what to do; files that would be silently ignored are reported."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, errors_of

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
    assert any("big-number.md:6:10: error: a number of 5,000 characters is too long" in e for e in errors_of(err)), err

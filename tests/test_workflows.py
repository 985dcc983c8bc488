"""What a pull request shows: the problem matcher of .github/check-matcher.json, run on what `check`
prints, puts each problem on its file and line (as GitHub's runner applies it: one regular expression
per line of output); the workflows are valid YAML."""

from __future__ import annotations

import json
import re

import yaml
from conftest import ROOT


def matched(output: str) -> list[dict]:
    """GitHub's problem matcher, applied as the runner does, to each line of ``output``."""
    pattern = json.loads((ROOT / ".github/check-matcher.json").read_text(encoding="utf-8"))["problemMatcher"][0]["pattern"][0]
    regexp = re.compile(pattern["regexp"])  # (a plain pattern: the same in JavaScript and Python)
    found = []
    for line in output.splitlines():
        m = regexp.match(line)
        if m:
            found.append({key: m.group(pattern[key]) for key in ("file", "line", "column", "severity", "message")})
    return found


def test_each_problem_of_check_lands_on_its_file_and_line(site, run):
    site.edit("people/person-one.md", "city: almaty", "city: almatty")
    site.write("sources/nobody-cites-this.yaml", "publisher: P\ntitle: Uncited\ndate: 2022\nlanguage: en\nkind: news\n")
    code, _, err = run("check", "--content", "content")
    assert code == 1  # an error fails the pull request
    found = matched(err)
    assert any(f["file"] == "content/people/person-one.md" and f["severity"] == "error" and "almatty" in f["message"] for f in found)
    error = next(f for f in found if f["severity"] == "error")
    line = (site.content / "people/person-one.md").read_text(encoding="utf-8").splitlines()[int(error["line"]) - 1]
    assert "almatty" in line and line.index("almatty") + 1 == int(error["column"])
    assert any(f["severity"] == "warning" and f["file"] == "content/sources/nobody-cites-this.yaml" for f in found)
    assert len(found) == len([line for line in err.splitlines() if ": error: " in line or ": warning: " in line])
    # with the error fixed, the warning alone passes
    site.edit("people/person-one.md", "city: almatty", "city: almaty")
    code, _, err = run("check", "--content", "content")
    assert code == 0 and [f["severity"] for f in matched(err)] == ["warning"]


def test_the_workflows_and_forms_are_valid_yaml():
    files = sorted((ROOT / ".github").rglob("*.yml"))
    assert len(files) >= 6
    for path in files:
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict), path
    content = (ROOT / ".github/workflows/content.yml").read_text(encoding="utf-8")
    assert "::add-matcher::.github/check-matcher.json" in content and "check --since" in content

"""Well-formed: every page of the built site passes the W3C Nu HTML Checker with no errors."""

from __future__ import annotations

import subprocess

from conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"  # installed by `npm ci` in .ci/run


def _vnu(folder) -> subprocess.CompletedProcess:
    assert VNU.is_file(), "the Nu HTML Checker is missing: run `npm ci --ignore-scripts` (as .ci/run does)"
    return subprocess.run(
        ["java", "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "gnu", str(folder)], capture_output=True, text=True
    )


def test_every_shipped_page_is_valid_html(built_content):
    proc = _vnu(built_content)
    assert proc.returncode == 0 and proc.stdout + proc.stderr == "", proc.stdout + proc.stderr


def test_every_fixture_page_is_valid_html(built_fixture):
    proc = _vnu(built_fixture)
    assert proc.returncode == 0, proc.stdout + proc.stderr

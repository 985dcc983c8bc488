"""Shared helpers: a copy of the fixture site to break, and the CLI run in-process."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "good"
sys.path.insert(0, str(ROOT))

from memorial.cli import main  # noqa: E402

CHROMIUM = "/usr/bin/chromium"  # Debian's; never a downloaded browser
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(autouse=True, scope="session")
def own_user_cache(tmp_path_factory):
    """A user cache folder of the tests' own (the signing key, `check`'s caches), never the developer's:
    their checks of the content they work on would be pushed out (only the last few folders keep one)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("LOCALAPPDATA", raising=False)
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield


@pytest.fixture(autouse=True)
def cache_written_at_once(monkeypatch):
    """A preview's build cache written at once, as a build's is, not after a pause (pipeline.SAVE_QUIET): a
    thread waiting for the pause would outlive its test, and the builds of the next would not fork while it
    is alive (parallel.can_fork). tests/test_serve.py sets a pause where it tests one."""
    from memorial import pipeline

    monkeypatch.setattr(pipeline, "SAVE_QUIET", 0.0)


def errors_of(err: str) -> list[str]:
    """The diagnostics lines (errors and warnings) of a command's stderr."""
    return [line for line in err.splitlines() if ": error: " in line or ": warning: " in line]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class Site:
    """A writable copy of the fixture content at <tmp>/content, with the cwd set to <tmp>."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.content = tmp / "content"
        # (files made now, as in a fresh clone: the checkout's own times would put the day the copy holds the
        # record as of, on the download page, before any edit of a test made on a later day)
        shutil.copytree(FIXTURE, self.content, copy_function=shutil.copy)

    def write(self, rel: str, text: str) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.content / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def site(tmp_path, monkeypatch) -> Site:
    monkeypatch.chdir(tmp_path)
    return Site(tmp_path)


@pytest.fixture
def run(capsys):
    """Run build.py in-process; return (exit code, stdout, stderr)."""

    def _run(*args: str):
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory) -> Path:
    """The fixture site's English tree (its parent is the whole site)."""
    out = tmp_path_factory.mktemp("fixture-site") / "output"
    assert main(["build", "--content", str(FIXTURE), "--out", str(out)]) == 0
    return out / "en"


@pytest.fixture(scope="session")
def built_content(tmp_path_factory) -> Path:
    """The shipped content, built once for the whole session: its English tree (its parent is the whole site)."""
    out = tmp_path_factory.mktemp("shipped-site") / "output"
    assert main(["build", "--content", str(ROOT / "content"), "--out", str(out)]) == 0
    return out / "en"

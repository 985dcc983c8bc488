"""A build shared among processes, as on any machine with two cores or more, makes the same site as one
process, and a failure in one of them stops the build instead of hanging it."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys

import pytest
from conftest import ROOT

from memorial import parallel, pipeline, views

sys.path.insert(0, str(ROOT / "bench"))
import make_corpus  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    content = tmp_path_factory.mktemp("corpus") / "content"
    make_corpus.write(90, content, languages=("en", "ru", "kk"))  # 270 person pages: enough to share out
    return content


@pytest.fixture
def shared_out(monkeypatch):
    """Counts the builds whose pages were shared among processes; fails a test that hangs."""
    calls = []
    share_out = parallel.share_out

    def counted(processes, *args, **kwargs):
        if parallel.workers(processes) > 1:
            calls.append(processes)
        return share_out(processes, *args, **kwargs)

    monkeypatch.setattr(parallel, "share_out", counted)

    def too_long(*_):
        raise TimeoutError("the build hangs")

    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(120)
    yield calls
    signal.alarm(0)


def files(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_two_processes_make_the_same_site_as_one(corpus, tmp_path, shared_out):
    one, two = tmp_path / "one", tmp_path / "two"
    assert pipeline.build(corpus, one, workers=1).ok and not shared_out
    assert pipeline.build(corpus, two, workers=2).ok and shared_out
    made = files(two)
    assert made == files(one)
    assert sum(path.startswith("ru/people/") for path in made) > 90  # every language's person pages
    # the lines made by this process for the lists are what the next build keeps
    people = [p for p in sorted((corpus / "people").glob("*.md")) if len(p.suffixes) == 1]  # (not translations)
    people[5].write_text(people[5].read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    result = pipeline.build(corpus, two, workers=2)
    assert result.ok and result.counts["reused"] == 3 * (len(people) - 1)
    assert "One more sentence." in (two / "en" / "people" / f"{people[5].stem}.html").read_text(encoding="utf-8")


def test_a_failure_in_a_rendering_process_stops_the_build(corpus, tmp_path, monkeypatch, shared_out):
    first = sorted(p.stem for p in (corpus / "people").glob("*.md") if len(p.suffixes) == 1)[0]  # in the first chunk handed out
    this_process = os.getpid()
    person = views.Views.person

    def failing(self, rec):
        if rec.id == first and os.getpid() != this_process:
            raise ValueError("a bug in a template")
        return person(self, rec)

    content, out = tmp_path / "content", tmp_path / "out"
    shutil.copytree(corpus, content)
    assert pipeline.build(content, out, workers=1).ok
    before = {p.name: p.read_bytes() for p in tmp_path.glob(".out.*") if p.is_file()}  # the cache beside it
    shown = files(out)
    site = content / "site.yaml"  # a new title: every page is made again
    site.write_text(site.read_text(encoding="utf-8").replace("title: ", "title: The "), encoding="utf-8")
    monkeypatch.setattr(views.Views, "person", failing)
    with pytest.raises(RuntimeError, match="(?s)failed in a worker.*ValueError: a bug in a template"):
        pipeline.build(content, out, workers=2)
    assert shared_out
    assert not multiprocessing.active_children()
    assert files(out) == shown  # the output changes only when a build succeeds
    assert {p.name: p.read_bytes() for p in tmp_path.glob(".out.*") if p.is_file()} == before  # nor does the cache


def test_each_persons_lines_are_made_once_a_language(corpus, tmp_path, monkeypatch):
    """The lines are most of this process's share of a build: made once a person and language, whether
    the pages are shared among processes or not (they were once made twice over)."""
    from memorial import lines

    made = []
    person_fragments = lines.Lines.person_fragments
    monkeypatch.setattr(lines.Lines, "person_fragments", lambda self, rec: made.append(rec.id) or person_fragments(self, rec))
    people = sum(len(p.suffixes) == 1 for p in (corpus / "people").glob("*.md"))
    for workers in (1, 2):
        made.clear()
        assert pipeline.build(corpus, tmp_path / f"out-{workers}", workers=workers).ok
        assert len(made) == 3 * people and len(set(made)) == people


def test_without_fork_or_symbolic_links_as_on_windows(corpus, tmp_path, monkeypatch):
    """Windows has no `fork`, and makes no symbolic link without Developer Mode or administrator rights:
    every command still works there, in one process, with the output a folder swapped by renames; and
    the site is the same."""
    reference = tmp_path / "reference" / "output"
    assert pipeline.build(corpus, reference, workers=2).ok

    def no_links(*args, **kwargs):
        raise OSError("A required privilege is not held by the client")  # (Windows' answer)

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(os, "symlink", no_links)
    assert parallel.workers(2) == 1
    content = tmp_path / "content"
    shutil.copytree(corpus, content)
    out = tmp_path / "windows" / "output"
    first = pipeline.build(content, out, workers=2)
    assert first.ok and first.counts["processes"] == 1
    assert out.is_dir() and not out.is_symlink()
    assert files(out) == files(reference)
    # a rebuild after an edit swaps the folders, keeping what it can; nothing changed: nothing is done
    person = next(p for p in sorted((content / "people").glob("*.md")) if len(p.suffixes) == 1)  # (not a translation)
    for n in (1, 2):  # (the first rebuild also fills the second tree, as with links)
        person.write_text(person.read_text(encoding="utf-8").rstrip("\n") + f" Sentence {n}.\n", encoding="utf-8")
        again = pipeline.build(content, out, workers=2)
        assert again.ok and not again.unchanged
        assert f"Sentence {n}." in (out / "en" / "people" / f"{person.stem}.html").read_text(encoding="utf-8")
    assert again.counts["written"] < 20 and out.is_dir() and not out.is_symlink()
    assert pipeline.build(content, out, workers=2).unchanged
    # and what a build from scratch of the same content gives
    fresh = tmp_path / "fresh" / "output"
    monkeypatch.undo()
    assert pipeline.build(content, fresh).ok
    assert files(out) == files(fresh)
    # the archives too (they read the output)
    from memorial.cli import main

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(os, "symlink", no_links)
    monkeypatch.chdir(tmp_path / "windows")
    assert main(["zip", "--content", str(content), "--out", str(tmp_path / "site.zip")]) == 0


def test_a_whole_rebuild_in_serve_is_shared_among_processes_while_it_serves(corpus, tmp_path, shared_out, monkeypatch):
    """`serve`'s web server is a process of its own, and the last build's cache waits for a pause in the
    saves with no thread of its own while a build runs (cache.Writer): a thread of either would keep this
    process from forking (parallel.can_fork). So a whole rebuild while it serves (the site's title edited:
    every page), saved before the last build's cache is written, still shares its pages among processes,
    and the server sends the pages with the reload script and tells the open pages about each build."""
    import json
    import urllib.request

    from memorial import cache, serve

    monkeypatch.setattr(pipeline, "SAVE_QUIET", 30.0)  # (a pause longer than the test: never over while a build runs)
    content, out = tmp_path / "content", tmp_path / "output"
    shutil.copytree(corpus, content)
    first = pipeline.build(content, out, workers=2, serving=True)
    server = serve.Server(out, "127.0.0.1", 0)
    try:
        assert server.port
        shared_out.clear()
        site = content / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8")
        again = pipeline.build(content, out, workers=2, last=first.build, serving=True, saved=[str(site)])
        assert again.ok and not again.unchanged, again.diagnostics
        assert shared_out and again.counts["processes"] == 2
        server.built(True, ["a problem"])
        page = urllib.request.urlopen(f"http://127.0.0.1:{server.port}/en/index.html", timeout=10).read()
        assert b"Renamed" in page and b"/__preview__/reload.js" in page and b"/__preview__/" not in (out / "en" / "index.html").read_bytes()
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/__preview__/events", timeout=10) as events:
            line = events.readline()
        assert json.loads(line.removeprefix(b"data: ")) == {"version": 1, "problems": ["a problem"]}
    finally:
        server.stop()
    assert server.process.returncode == 0  # (it ends when `serve` does)
    assert not (tmp_path / ".output.cache.pickle").exists()  # (still in its pause; the first build's was dropped)
    again.build.wait()  # (as `serve` stops)
    assert cache.load(out).files == again.build.files


def test_files_parsed_in_several_processes_load_as_in_one(corpus, monkeypatch):
    """The parsing shared among forked processes gives every file's result, in order, as one process does."""
    from memorial import load

    alone = load.load_content(corpus, workers=1)
    monkeypatch.setattr(load, "PARALLEL_FROM", 1)
    forked = []
    later = parallel.Later.__init__

    def counted(self, fn, *, background):
        later(self, fn, background=background)
        forked.append(self.process is not None)

    monkeypatch.setattr(parallel.Later, "__init__", counted)
    shared = load.load_content(corpus, workers=3)
    assert forked == [True, True]  # two forked processes, each with a share
    assert shared.documents == alone.documents and shared.parsed == alone.parsed and shared.diagnostics == alone.diagnostics

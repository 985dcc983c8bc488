"""The commands other tools script against: build, check, new, schema, serve."""

from __future__ import annotations

import json
import socket
import sys
import time
import urllib.request

from conftest import ROOT

from memorial.new import make_id
from memorial.schema import json_schemas


def test_build_is_the_default_command(site, run):
    code, out, err = run()
    assert code == 0, err
    assert (site.tmp / "output" / "en" / "index.html").is_file()
    assert out.startswith("built ")


def test_build_timings_name_each_stage(site, run):
    code, out, err = run("build", "--timings")
    assert code == 0 and " s (" in out  # "built N pages into output/ in 0.12 s (..."
    stages = [line.split(" s  ", 1)[1] for line in err.splitlines() if " s  " in line]
    assert stages[:3] == ["compare with the last build", "read the build cache", "load"] and "render and write pages" in stages


def test_failed_build_leaves_the_previous_output_untouched(site, run):
    assert run("build")[0] == 0
    before = {p: p.read_bytes() for p in (site.tmp / "output").rglob("*") if p.is_file()}
    site.edit("people/person-one.md", "city: almaty", "city: nowhere")
    code, _, err = run("build")
    assert code == 1
    assert "build stopped; output/ was left as it was" in err
    after = {p: p.read_bytes() for p in (site.tmp / "output").rglob("*") if p.is_file()}
    assert after == before
    assert not (site.tmp / ".output.b").exists()  # the failed build stopped before writing anything


def test_rebuilds_touch_only_what_changed(site, run):
    assert run("build")[0] == 0
    code, out, _ = run("build")
    assert out.strip() == "nothing changed since the last build; output/ is up to date"
    site.edit("people/person-one.md", "Fixture story", "Edited story")
    code, out, _ = run("build")  # the first build into the second tree writes it whole
    assert code == 0 and "Edited story" in (site.tmp / "output/en/people/person-one.html").read_text(encoding="utf-8")
    site.edit("people/person-one.md", "Edited story", "Edited again")
    code, out, _ = run("build")  # from then on, only what differs
    assert code == 0 and "(1 written, 0 removed," in out, out
    assert "Edited again" in (site.tmp / "output/en/people/person-one.html").read_text(encoding="utf-8")
    # the output is a link to one of two trees, swapped atomically
    assert (site.tmp / "output").is_symlink()


def test_a_build_after_the_output_trees_were_deleted_by_hand_makes_them_again(site, run):
    import shutil

    assert run("build")[0] == 0
    site.edit("people/person-one.md", "Fixture story", "Edited story")
    assert run("build")[0] == 0  # both trees exist now
    for tree in (site.tmp / ".output.a", site.tmp / ".output.b"):  # the trees, not the cache beside them
        shutil.rmtree(tree)
    site.edit("people/person-one.md", "Edited story", "Edited again")
    code, out, err = run("build")
    assert code == 0, err
    assert "Edited again" in (site.tmp / "output/en/people/person-one.html").read_text(encoding="utf-8")
    assert (site.tmp / "output/en/people/person-two.html").is_file()  # kept pages are made again, not looked for


def test_build_replaces_the_output_and_drops_removed_pages(site, run):
    assert run("build")[0] == 0
    (site.content / "people/person-two.md").unlink()
    assert run("build")[0] == 0
    assert not (site.tmp / "output/en/people/person-two.html").exists()
    assert (site.tmp / "output/en/people/person-one.html").exists()


def test_build_refuses_to_replace_the_content_folder(site, run):
    code, _, err = run("build", "--out", "content")
    assert code == 2
    assert "refusing to use content as the output folder" in err
    assert (site.content / "site.yaml").exists()


def test_new_person_writes_a_checkable_file_with_a_good_id(site, run):
    code, out, _ = run("new", "person", "Қайрат Әбдіғаппаров", "--content", "content")
    assert code == 0
    path = site.content / "people" / "qairat-abdigapparov.md"
    assert out.strip() == "wrote content/people/qairat-abdigapparov.md"
    text = path.read_text(encoding="utf-8")
    assert 'name: "Қайрат Әбдіғаппаров"' in text
    for field in ("aliases", "name_forms", "age", "occupation", "city", "fates", "events", "justice", "conflicts", "sources", "status"):
        assert field in text, field
    # refuses to overwrite
    code, _, err = run("new", "person", "Қайрат Әбдіғаппаров", "--content", "content")
    assert code == 1 and "already exists" in err
    # the new file is a draft: check explains what is left to fill, all at once and without a traceback,
    # and stops nothing until the entry is published (a stub must not stop every rebuild of a preview)
    code, _, err = run("check", "--content", "content")
    assert code == 0 and "qairat-abdigapparov.md" in err and "fix it before 'status: published'" in err
    assert len([line for line in err.splitlines() if "qairat-abdigapparov.md" in line]) >= 3
    assert run("build", "--content", "content", "--out", "output")[0] == 0
    assert not list((site.tmp / "output").rglob("qairat-abdigapparov*"))
    site.edit("people/qairat-abdigapparov.md", "status: draft", "status: published")
    code, _, err = run("check", "--content", "content")
    assert code == 1 and ": error: " in err and "qairat-abdigapparov.md" in err


def test_new_refuses_a_name_whose_id_is_a_page_of_the_site(site, run):
    for kind, name, page in (
        ("person", "Index", "people/index.html"),
        ("person", "By City", "people/by-city.html"),
        ("city", "Index", "cities/index.html"),
    ):
        code, _, err = run("new", kind, name, "--content", "content")
        assert code == 1 and page in err and "give a fuller name" in err
    assert not (site.content / "people/index.md").exists() and not (site.content / "cities/index.yaml").exists()
    # written by hand, with other problems too: the clash is reported with them, in the same round
    site.write("people/by-fate.md", "---\nname: By Fate\nfates: []\nsources: [report-a]\n---\n")
    code, _, err = run("check", "--content", "content")
    assert code == 1 and "people/by-fate.md:2:1: error: id 'by-fate' would be written to people/by-fate.html" in err
    assert "fates: must list at least 1" in err


def test_new_city_source_and_event(site, run):
    for kind, name, rel in (
        ("city", "Ust-Kamenogorsk", "cities/ust-kamenogorsk.yaml"),
        ("source", "A New Report", "sources/a-new-report.yaml"),
        ("event", "Internet cut", "events/internet-cut.md"),
    ):
        assert run("new", kind, name, "--content", "content")[0] == 0
        assert (site.content / rel).is_file()


def test_ids_keep_kazakh_letters():
    assert make_id("Ернұр Қожахметов") == "ernur-qozhakhmetov"
    assert make_id("Әлихан Ғабит Ңң Өмір Ұлан Үміт Һ Ілияс") == "alikhan-gabit-nn-omir-ulan-umit-h-iliias"
    assert make_id("Ernazar Krykbaev") == "ernazar-krykbaev"


def test_committed_json_schema_matches_the_models():
    for kind, schema in json_schemas().items():
        committed = json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert committed == schema, f"schema/{kind}.schema.json is stale: run python build.py schema"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, ready, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        try:
            body = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
            if ready(body):
                return body
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never became ready; last body: {body[:200]}")


def test_progress_bar_only_on_a_terminal(monkeypatch):
    """A terminal gets a progress bar (shown once rendering takes a second); CI logs and pipes get none."""
    import threading

    from memorial import parallel, pipeline

    class Terminal:
        def isatty(self):
            return True

        def write(self, text):
            pass

        def flush(self):
            pass

    with pipeline._progress_bar() as bar:
        assert bar is None  # pytest captures stderr: not a terminal
    monkeypatch.setattr(sys, "stderr", Terminal())
    with pipeline._progress_bar() as bar:
        assert bar is not None and bar.desc == "rendering" and bar.delay == 1.0
        # a bar starts no thread: with one alive, the build would not fork (parallel.workers)
        assert threading.active_count() == 1 and parallel.workers(2) == 2

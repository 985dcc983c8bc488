#!/usr/bin/env python3
"""Time what `serve` does after an editor saves one person: a rebuild in a process that stays up.

    python bench/warm_edit.py CONTENT OUT [--edits 5] [--project DIR]

Builds CONTENT into OUT once (untimed), then --edits times appends one sentence to the story of the
same person, --edits times adds a word to the text of that person's first dated fact (front
matter, shown in lists too), and --edits times moves their first January fact to another day (they
move in the people lists, and between day pages), rebuilding after each and checking the change
reached the person's page; then --edits times the story again, each saved half a second after the last
rebuild ended (the others wait until its cache is written, as after an editor's pause); then --edits
times the site's title (site.yaml: every page is made again, the whole build `serve` runs after a change
to a city, a source, a template or the site). The first rebuild after a cold build also fills the second output tree (see memorial/write.py), so it
is untimed. Prints one JSON object: for each kind of edit, the seconds of each rebuild, measured in the
process (interpreter start-up is not part of a preview's rebuild), and the stages of the last one.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("content", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--project", type=Path, default=Path(__file__).resolve().parent.parent, help="the project measured")
    args = ap.parse_args()
    sys.path.insert(0, str(args.project))
    from memorial import pipeline

    people = [p for p in sorted((args.content / "people").glob("*.md")) if len(p.suffixes) == 1]  # not translations (<id>.ru.md)
    edited = people[len(people) // 2]
    last = None  # the last build, kept in memory as `serve` keeps it

    def story(i: int) -> str:
        sentence = f"One more sentence was added while previewing (edit {i})."
        edited.write_text(edited.read_text(encoding="utf-8").rstrip("\n") + f" {sentence}\n", encoding="utf-8")
        return sentence

    def front_matter(i: int) -> str:
        """A word added to the person's first dated fact: it shows on their page and in lists."""
        text = edited.read_text(encoding="utf-8")
        start = text.index("    what: ") + len("    what: ")
        end = text.index("\n", start)
        words = f"(checked {i})"
        edited.write_text(text[:end] + f" {words}" + text[end:], encoding="utf-8")
        return words

    def first_date(i: int) -> str:
        """The person's first January fact moved to another day: they move in the people lists and between day pages."""
        text = edited.read_text(encoding="utf-8")
        start = text.index("  - date: 2022-01-") + len("  - date: 2022-01-")
        day = 2 + (int(text[start : start + 2]) - 1) % 19  # another day of the timeline, 2 to 20 January
        edited.write_text(text[:start] + f"{day:02d}" + text[start + 2 :], encoding="utf-8")
        return f'datetime="2022-01-{day:02d}"'

    site = args.content / "site.yaml"

    def site_title(i: int) -> str:
        """A word added to the site's title: it shows on every page, so every page is made again."""
        text = site.read_text(encoding="utf-8")
        site.write_text(re.sub(r"^title: (Previewed\d+ )?", f"title: Previewed{i} ", text, count=1, flags=re.M), encoding="utf-8")
        return f"Previewed{i} "

    def build(saved: Path = edited):
        nonlocal last
        # (the file saved, as serve's watcher tells it; none on the first build)
        result = pipeline.build(args.content, args.out, last=last, serving=True, saved=None if last is None else [saved])
        last = result.build
        return result

    def timed(edit, soon: float | None = None) -> dict:
        """``edit`` saved --edits times, each after the last build's cache is written (an editor pauses
        between saves), or ``soon`` seconds after the last rebuild, whatever it is doing (an editor saving often)."""
        seconds, stages = [], {}
        for i in range(1, args.edits + 1):
            if soon is None:
                last.wait()
            else:
                time.sleep(soon)
            words = edit(i)
            started = time.perf_counter()
            result = build(site if edit is site_title else edited)
            seconds.append(time.perf_counter() - started)
            pages = list(args.out.rglob(f"{edited.stem}.html"))
            if not result.ok or not any(words in p.read_text(encoding="utf-8") for p in pages):
                raise SystemExit(json.dumps({"error": f"{edit.__name__} edit {i} did not reach {edited.stem}.html"}))
            stages = {"timings": result.timings, "counts": result.counts}
        return {"seconds": seconds, **stages}

    build()
    story(0)
    build()
    report = {
        "edited": f"people/{edited.name}",
        "story": timed(story),
        "front_matter": timed(front_matter),
        "first_date": timed(first_date),
        "story_soon": timed(story, soon=0.5),
        "site_title": timed(site_title),
    }
    last.wait()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

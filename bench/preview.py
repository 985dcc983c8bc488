#!/usr/bin/env python3
"""How long an editor waits, in `serve`, from saving a person's story to seeing it in the open browser tab.

    python bench/preview.py CONTENT [--edits 5] [--person ID]

Starts `python build.py serve` on a copy of CONTENT (in a temporary folder, so the content is left as it
was), opens the person's page in Chromium (Debian's), then --edits times appends a sentence to their story
and times, in the page, from the save to the sentence being shown (the page reloads by itself). Prints the
seconds of each edit and their median. The first build is not timed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Error, sync_playwright

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("content", type=Path)
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--person", help="the person's id (default: the middle one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        content = Path(tmp) / "content"
        shutil.copytree(args.content, content)
        people = sorted(p for p in (content / "people").glob("*.md") if len(p.suffixes) == 1)
        person = content / "people" / f"{args.person}.md" if args.person else people[len(people) // 2]
        cmd = [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)]
        proc = subprocess.Popen(cmd, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
        try:
            times = run(port, person, args.edits)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"save to shown in the open tab, {len(times)} edits of {person.name}: " + ", ".join(f"{t:.3f}" for t in times))
    print(f"median {statistics.median(times):.3f} s")
    return 0


def run(port: int, person: Path, edits: int) -> list[float]:
    url = f"http://127.0.0.1:{port}/en/people/{person.stem}.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page()
        for _ in range(600):  # the first build
            try:
                page.goto(url)
                break
            except Error:
                time.sleep(0.5)
        wait(page, "document.documentElement.dataset.preview === 'listening'", 60)
        times = []
        for i in range(edits):
            sentence = f"Added while previewing, edit {i}."
            person.write_text(person.read_text(encoding="utf-8").rstrip("\n") + f" {sentence}\n", encoding="utf-8")
            saved = time.perf_counter()
            wait(page, f"document.body.textContent.includes({sentence!r}) && document.documentElement.dataset.preview === 'listening'", 60)
            times.append(time.perf_counter() - saved)
            time.sleep(0.5)
        browser.close()
    return times


def wait(page, expression: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate(expression):
                return
        except Error:  # the page is reloading
            pass
        time.sleep(0.005)
    raise SystemExit(f"still false after {timeout} s: {expression}")


if __name__ == "__main__":
    sys.exit(main())

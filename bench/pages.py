#!/usr/bin/env python3
"""Page weight on a built site: the largest page of each kind, its size and its load time on a cheap phone.

For each kind of page (home, the people lists, person, city, day, source, ...) in one language
tree, the largest HTML file is opened from disk (file://, anything else blocked) in Debian's
Chromium at phone size (360x740, scale 2, mobile) with the CPU throttled fourfold over CDP.
Each run takes a fresh context and page; the time is the navigation entry's loadEventEnd
(from navigation start) and the largest contentful paint, the median of --runs runs.
Rows over budget (size > 200 KB or load > 1000 ms) are marked. The size of the search
index (search/index.js and the site's search/people.js, not loaded as pages) is listed too.

python bench/make_corpus.py 10000 /tmp/corpus-10k
python build.py build --content /tmp/corpus-10k --out /tmp/site-10k
python bench/pages.py /tmp/site-10k --lang ru --runs 3 --out /tmp/pages.md
"""

import argparse
import os
import re
import shlex
import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BUDGET_KB, BUDGET_MS = 200, 1000
N = r"(\.\d+)?"  # a list continued on more pages: people/index.2.html, cities/almaty.3.html
KINDS = [  # (kind, pattern on the path inside the language tree); the first match wins
    ("home", r"index\.html"),
    ("people by name", rf"people/index{N}\.html"),
    ("people by city", rf"people/by-city{N}\.html"),
    ("people by date", rf"people/by-date{N}\.html"),
    ("people by fate", rf"people/by-fate{N}\.html"),
    ("person", r"people/[^/]+\.html"),
    ("cities index", r"cities/index\.html"),
    ("city", r"cities/[^/]+\.html"),
    ("timeline", r"timeline\.html"),
    ("day", r"days/[^/]+\.html"),
    ("event", r"events/[^/]+\.html"),
    ("sources index", r"sources/index\.html"),
    ("source", r"sources/[^/]+\.html"),
    ("search page", r"search\.html"),
    ("download page", r"download\.html"),
    ("what changed", r"changes\.html"),
    ("open data page", r"data\.html"),
    ("other", r"[^/]+\.html"),
]
LCP_JS = """() => new Promise(done => {
  new PerformanceObserver(list => { const e = list.getEntries(); done(e[e.length - 1].startTime); })
    .observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => done(null), 2000);
})"""


def kind_of(rel):
    return next((kind for kind, pattern in KINDS if re.fullmatch(pattern, rel)), None)


def largest_per_kind(tree):
    """{kind: (relative path, bytes)} with the largest HTML file of each kind."""
    best = {}
    for path in tree.rglob("*.html"):
        rel, size = path.relative_to(tree).as_posix(), path.stat().st_size
        kind = kind_of(rel)
        if kind and (kind not in best or size > best[kind][1]):
            best[kind] = (rel, size)
    return best


def block_network(route):
    if route.request.url.startswith("file://"):
        route.continue_()
    else:
        route.abort()


def measure(browser, url):
    """(load ms, largest contentful paint ms or None) for one load in a fresh context and page."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    context.route("**/*", block_network)
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(url, wait_until="load")
    load = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
    lcp = page.evaluate(LCP_JS)
    context.close()
    return load, lcp


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    return f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("site", type=Path, help="a built output folder (with en/, ru/, kk/)")
    ap.add_argument("--lang", default="ru")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    args = ap.parse_args()
    tree = args.site.resolve() / args.lang
    if not tree.is_dir():
        sys.exit(f"no language tree {tree}")
    best = largest_per_kind(tree)

    lines = [
        f"Largest page of each kind in `{tree}`, {args.runs} runs each, Chromium at 360×740 ×2, CPU throttled 4×, from file://.",
        "",
        "| kind | page | size KB | load ms, median (min–max) | LCP ms, median (min–max) | |",
        "|---|---|---:|---:|---:|---|",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for kind, _ in KINDS:
            if kind not in best:
                lines.append(f"| {kind} | (none) | | | | |")
                continue
            rel, size = best[kind]
            runs = [measure(browser, (tree / rel).as_uri()) for _ in range(args.runs)]
            loads = [load for load, _ in runs]
            kb = size / 1024
            over = kb > BUDGET_KB or statistics.median(loads) > BUDGET_MS
            flag = "⚠ over budget" if over else ""
            lines.append(f"| {kind} | `{rel}` | {kb:.0f} | {spread(loads)} | {spread([lcp for _, lcp in runs])} | {flag} |")
        version = browser.version
        browser.close()

    # the search index, loaded when someone focuses the box: this tree's words, and everyone's entries once per site
    for index, shown in ((tree / "search" / "index.js", "search/index.js"), (tree.parent / "search" / "people.js", "../search/people.js")):
        if index.exists():
            lines.append(f"| search index (not a page) | `{shown}` | {index.stat().st_size / 1024:.0f} | | | |")
    command = shlex.join(["python", "bench/pages.py", *sys.argv[1:]])
    lines += ["", f"Machine: {os.cpu_count()} cores, Chromium {version}. Command: `{command}`"]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

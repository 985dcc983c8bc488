#!/usr/bin/env python3
"""Lighthouse scores on a built site: the largest page of each kind in one language tree.

Serves SITE_OUTPUT_DIR on loopback (`python3 -m http.server PORT --bind 127.0.0.1`), picks the largest
HTML file of each page kind (home, people lists, person, cities, city, timeline, day, event, sources,
source, search, other top-level pages), runs Lighthouse once per page with its mobile defaults
(simulated throttling) and Debian's Chromium, and prints a Markdown table of the four category scores,
LCP and TBT, with the ids of the failing audits where accessibility < 100 or performance < 95.

mkdir -p /tmp/lh && cd /tmp/lh && npm init -y && npm install --no-audit --no-fund lighthouse@13.5.0
python bench/lighthouse.py /tmp/site-10k --lighthouse /tmp/lh/node_modules/.bin/lighthouse --lang ru --out lh.md
(--json DIR also keeps each page's full Lighthouse report, to look into the failing audits' details)
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

CATS = ["performance", "accessibility", "best-practices", "seo"]
KINDS = [  # (kind, pattern on the path relative to the language tree); the first match wins
    ("home", r"index\.html"),
    ("people by name", r"people/index(\.\d+)?\.html"),
    ("people by city", r"people/by-city(\.\d+)?\.html"),
    ("people by date", r"people/by-date(\.\d+)?\.html"),
    ("people by fate", r"people/by-fate(\.\d+)?\.html"),
    ("person", r"people/[^/]+\.html"),
    ("cities index", r"cities/index\.html"),
    ("city", r"cities/[^/]+?(\.\d+)?\.html"),
    ("timeline", r"timeline\.html"),
    ("day", r"days/.+\.html"),
    ("event", r"events/.+\.html"),
    ("sources index", r"sources/index\.html"),
    ("source", r"sources/[^/]+?(\.\d+)?\.html"),
    ("search", r"search\.html"),
]


def kind_of(rel):
    for kind, pattern in KINDS:
        if re.fullmatch(pattern, rel):
            return kind
    return Path(rel).stem if "/" not in rel else None  # other top-level pages, e.g. about.html: one kind each


def pick_pages(tree):
    """The largest HTML file of each kind, in the order of KINDS."""
    best = {}
    for f in tree.rglob("*.html"):
        kind = kind_of(f.relative_to(tree).as_posix())
        if kind and (kind not in best or f.stat().st_size > best[kind].stat().st_size):
            best[kind] = f
    order = [k for k, _ in KINDS]
    return sorted(best.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"the server on port {port} did not start")


def lighthouse(binary, url):
    flags = ["--only-categories=" + ",".join(CATS), "--output=json", "--output-path=stdout", "--quiet"]
    flags.append("--chrome-flags=--headless --no-sandbox --disable-gpu")
    env = dict(os.environ, CHROME_PATH="/usr/bin/chromium")
    r = subprocess.run([binary, url, *flags], env=env, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        sys.exit(f"lighthouse failed on {url} (exit {r.returncode}):\n{r.stderr[-2000:]}")
    return json.loads(r.stdout)


def failing(report, cat):
    """Ids of the category's audits scoring below 1 (weighted ones first)."""
    refs = sorted(report["categories"][cat]["auditRefs"], key=lambda a: -a.get("weight", 0))
    return [a["id"] for a in refs if (s := report["audits"][a["id"]].get("score")) is not None and s < 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path, help="the built site's output folder (holding en/, ru/, kk/)")
    ap.add_argument("--lighthouse", required=True, help="path to the lighthouse binary")
    ap.add_argument("--lang", default="ru")
    ap.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    ap.add_argument("--json", type=Path, help="keep each page's full report in this folder")
    args = ap.parse_args()
    site = args.site.resolve()
    pages = pick_pages(site / args.lang)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows, notes, t0 = [], [], time.monotonic()
    try:
        wait_for(port)
        for kind, f in pages:
            rel = f.relative_to(site).as_posix()
            print(f"{kind}: {rel} ({f.stat().st_size:,} bytes)", file=sys.stderr, flush=True)
            rep = lighthouse(args.lighthouse, f"http://127.0.0.1:{port}/{rel}")
            if args.json:
                args.json.mkdir(parents=True, exist_ok=True)
                (args.json / (rel.replace("/", "_") + ".json")).write_text(json.dumps(rep))
            sc = {c: round(100 * (rep["categories"][c]["score"] or 0)) for c in CATS}
            ms = [round(rep["audits"][a].get("numericValue", 0)) for a in ("largest-contentful-paint", "total-blocking-time")]
            fails = [f"{c}: {', '.join(failing(rep, c))}" for c, limit in (("performance", 95), ("accessibility", 100)) if sc[c] < limit]
            rows.append(f"| {kind} | {rel} | " + " | ".join(str(sc[c]) for c in CATS) + f" | {ms[0]} | {ms[1]} | {'; '.join(fails)} |")
            notes.append(rep["lighthouseVersion"])
    finally:
        server.terminate()
        server.wait()
    head = "| kind | page | perf | a11y | best-pr. | SEO | LCP ms | TBT ms | failing audits |\n|---|---|---|---|---|---|---|---|---|"
    table = "\n".join([head, *rows])
    foot = f"\nLighthouse {notes[0] if notes else '?'}, mobile defaults (simulated throttling), {len(rows)} pages in {time.monotonic() - t0:.0f} s"
    print(table + "\n" + foot)
    if args.out:
        args.out.write_text(table + "\n" + foot + "\n")


if __name__ == "__main__":
    main()

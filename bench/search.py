#!/usr/bin/env python3
"""Search speed in Chromium on a built site (the 10,000-person corpus): index load, folding, query time.

python bench/make_corpus.py 10000 /tmp/corpus-10k
python build.py build --content /tmp/corpus-10k --out /tmp/site-10k
python bench/search.py /tmp/site-10k/en   (a language tree of the built site)
"""

import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

out = Path(sys.argv[1]).resolve()
queries = ["Бекнур", "nurbek", "Sultanov", "aybek nurov", "Kasymbayev", "zhan", "Қасымбаев", "tanbek", "ayberkov", "mursul"]
with sync_playwright() as p:
    b = p.chromium.launch(
        executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    )
    pg = b.new_page()
    pg.goto((out / "index.html").as_uri())
    # the index: everyone's entries once at the site's root, and the words of this tree's language
    t = pg.evaluate(
        """async () => { const t0 = performance.now();
        const load = (src) => new Promise(r => { const s = document.createElement('script'); s.src = src; s.onload = r; document.head.appendChild(s); });
        await Promise.all([load('../search/people.js'), load('search/index.js')]); return performance.now() - t0; }"""
    )
    print(
        f"index size: {(out.parent / 'search/people.js').stat().st_size:,} bytes once for the site + {(out / 'search/index.js').stat().st_size:,} bytes for this language"
    )
    print(f"index load+parse: {t:.0f} ms")
    t = pg.evaluate(
        """() => { const t0 = performance.now(); document.getElementById('site-search').dispatchEvent(new Event('focus')); return performance.now() - t0; }"""
    )
    print(f"prepare (fold every name, on focus): {t:.0f} ms")
    box = pg.locator("#site-search")
    times = []
    for q in queries * 3:
        ms = pg.evaluate(
            """(q) => { const box = document.getElementById('site-search'); box.value = q; const t0 = performance.now(); box.dispatchEvent(new Event('input')); return performance.now() - t0; }""",
            q,
        )
        times.append(ms)
        n = pg.locator(".search-box .search-status").inner_text()
    print(
        f"query (input event to results drawn): median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {len(times)} queries"
    )
    b.close()

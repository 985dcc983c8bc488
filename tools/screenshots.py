#!/usr/bin/env python3
"""Screenshots of the main pages, phone and desktop, for docs/screenshots/ and the README.

    python build.py && python tools/screenshots.py output/en docs/screenshots   (a language tree)

Uses Debian's Chromium through Playwright (never `playwright install`); PNGs are
reduced to 256 colours to keep the repository small.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

PAGES = {
    "home": "index.html",
    "person": "people/yernazar-kyrykbayev.html",
    "timeline": "timeline.html",
    "city": "cities/almaty.html",
    "people": "people/index.html",
}
SIZES = {"phone": ({"width": 360, "height": 740}, 2), "desktop": ({"width": 1280, "height": 900}, 1)}


def main(site: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        for size, (viewport, scale) in SIZES.items():
            page = browser.new_page(viewport=viewport, device_scale_factor=scale)
            for name, rel in PAGES.items():
                page.goto((site.resolve() / rel).as_uri())
                png = page.screenshot()
                im = Image.open(io.BytesIO(png)).convert("RGB").quantize(256)
                im.save(dest / f"{name}-{size}.png", optimize=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

"""Build a site whose every text field carries a hostile payload, then judge it as Chromium parses it.

Used by test_xss.py with the project's own corpus (tests/xss/payloads.txt), and by hand with any
other list, one JSON object per line with the payload under "p":

    python tests/xss_harness.py path/to/payloads.jsonl

It prints every executable construct found in the DOM and every dialog that fired.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Elements the templates and the sanitiser may produce; anything else in a page is an injection.
ALLOWED_ELEMENTS = sorted(
    "html head meta title link body a header nav ul ol li main footer p h1 h2 h3 h4 section article dl dt dd div span sup sub "
    "time strong em b i q blockquote code pre hr table caption thead tbody tr th td abbr cite br figure figcaption img script details summary form label input button select option".split()
)

SCAN_JS = """(allowed) => {
  const ok = new Set(allowed);
  // the charts drawn at build time (memorial/charts.py); no script, animation, foreignObject, image or use
  const svgOk = new Set(['svg', 'g', 'path', 'circle', 'rect', 'line', 'polyline', 'polygon', 'text', 'tspan', 'title', 'desc', 'a']);
  const urlAttrs = new Set(['href','src','srcset','action','formaction','xlink:href','data','poster','background','cite','longdesc','codebase','ping','lowsrc','dynsrc']);
  const bad = [];
  const say = (el, what) => bad.push(what + ' in <' + el.localName + '>: ' + el.outerHTML.slice(0, 160));
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.namespaceURI === 'http://www.w3.org/2000/svg') {
        if (!svgOk.has(el.localName)) say(el, 'SVG element not allowed');
      } else if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml') say(el, 'foreign (MathML) element');
      else if (!ok.has(el.localName)) say(el, 'element not allowed');
      if (el.localName === 'meta' && (el.getAttribute('http-equiv') || '').toLowerCase() === 'refresh') say(el, 'meta refresh');
      if (el.localName === 'link' && !/^(\\.\\.\\/)*assets\\//.test(el.getAttribute('href') || '')) say(el, 'link outside assets');
      if (el.localName === 'script' && !/^(\\.\\.\\/)*(assets\\/sw-register\\.js|assets\\/search\\.js|search\\/index\\.js|search\\/people\\.js)$/.test(el.getAttribute('src') || '')) say(el, 'script');
      if (el.localName === 'form' && !/^(\\.\\.\\/)*search\\.html$/.test(el.getAttribute('action') || '')) say(el, 'form outside search');
      if (el.localName === 'img' && !/^(\\.\\.\\/)*photos\\//.test(el.getAttribute('src') || '')) say(el, 'img outside photos');
      for (const a of el.attributes) {
        const n = a.name.toLowerCase();
        if (n.startsWith('on')) say(el, 'event handler ' + n);
        if (n === 'style' || n === 'srcdoc' || n === 'formaction' || n === 'is') say(el, 'attribute ' + n);
        if (urlAttrs.has(n)) {
          const v = a.value.replace(/^[\\u0000-\\u0020]+|[\\u0000-\\u0020]+$/g, '').replace(/[\\t\\n\\r]/g, '').toLowerCase();  // as the URL parser reads it
          if (/^(javascript|vbscript|data|livescript|mocha|feed|jar):/.test(v)) say(el, 'script URL in ' + n);
        }
      }
      if (el.shadowRoot) walk(el.shadowRoot);
      if (el.localName === 'template') walk(el.content);
    }
  };
  walk(document);
  return bad;
}"""


def one_line(p: str) -> str:
    return " ".join(p.split()) or "x"


def write_content(payloads: list[str], dest: Path) -> None:
    """A content folder where each payload fills every string field of a person, city, event, figure, source and page."""

    def dump(path: Path, data: dict, body: str | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9)
        path.write_text(f"---\n{text}---\n{body}\n" if body is not None else text, encoding="utf-8")

    first = one_line(payloads[0])
    dump(
        dest / "site.yaml",
        {
            "title": first,
            "description": first,
            "languages": ["en"],
            "default_language": "en",
            "timeline": {"start": "2022-01-02", "end": "2022-01-21"},
            "intro": payloads[0],
        },
    )
    for i, raw in enumerate(payloads):
        p = one_line(raw)
        sid, cid = f"s{i}", f"c{i}"
        dump(
            dest / "sources" / f"{sid}.yaml",
            {"publisher": p, "title": p, "author": p, "date": "2022-02", "language": "en", "kind": "news", "note": p},
        )
        dump(
            dest / "cities" / f"{cid}.md",
            {"name": p, "name_forms": [{"name": p, "language": "ru", "sources": [sid]}], "region": p, "latitude": 43.2, "longitude": 76.9},
            raw,
        )
        url = raw.strip().replace("\n", "")
        body = f"{raw}\n\n[link](<{url}>) ![image](<{url}>) <{url}> [ref][r{i}]\n\n[r{i}]: <{url}>\n"
        dump(
            dest / "people" / f"p{i}.md",
            {
                "name": p,
                "sort_name": p,
                "aliases": [p],
                "name_forms": [{"name": p, "language": "kk", "sources": [sid]}],
                "age": {"years": 30, "as_of": "2022-01", "sources": [sid]},
                "occupation": {"text": p, "sources": [sid]},
                "city": cid,
                "fates": ["detained"],
                "events": [{"date": "2022-01-06", "city": cid, "what": p[:300], "sources": [sid], "date_note": p}],
                "justice": {"status": "none-known", "note": raw, "sources": [sid]},
                "conflicts": [{"about": p, "sides": [{"claim": p, "sources": [sid]}, {"claim": p, "sources": [sid]}], "note": p}],
                "sources": [sid],
            },
            body,
        )
        dump(dest / "events" / f"e{i}.md", {"title": p, "date": "2022-01-06", "city": cid, "sources": [sid]}, raw)
        dump(dest / "figures" / f"f{i}.yaml", {"value": p, "what": p, "given_by": p, "date": "2022-12", "sources": [sid], "note": p})
        dump(dest / "pages" / f"pg{i}.md", {"title": p, "order": i}, raw)
    dump(dest / "days" / "2022-01-06.md", {"sources": ["s0"]}, "\n\n".join(payloads))


def build(payloads: list[str], workdir: Path) -> Path:
    from memorial.cli import main

    content, out = workdir / "content", workdir / "output"
    write_content(payloads, content)
    code = main(["build", "--content", str(content), "--out", str(out)])
    if code != 0:
        raise RuntimeError("the hostile site did not build; see the errors above")
    return out


def judge(out: Path, browser) -> tuple[list[str], list[str]]:
    """(executable constructs found in the DOM, dialogs that fired) over every page, as Chromium parses them.

    The page's CSP is bypassed so that the sanitiser is judged alone, not rescued by the CSP."""
    out = out.resolve()  # the output folder is a link to the tree the build wrote
    context = browser.new_context(bypass_csp=True, java_script_enabled=True)
    root = out.as_uri()
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(root + "/") else route.abort())
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.type} {d.message}"), d.dismiss()))
    found: list[str] = []
    for path in sorted(out.rglob("*.html")):
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(20)  # let delayed handlers (animations, focus) fire
        found += [f"{path.relative_to(out)}: {b}" for b in page.evaluate(SCAN_JS, ALLOWED_ELEMENTS)]
    context.close()
    return found, dialogs


def launch(playwright):
    return playwright.chromium.launch(
        executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    )


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    payloads = [json.loads(line)["p"] for line in Path(argv[1]).read_text(encoding="utf-8").split("\n") if line.strip()]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        out = build(payloads, Path(tmp))
        browser = launch(pw)
        found, dialogs = judge(out, browser)
        browser.close()
        pages = len(list(out.rglob("*.html")))
    for line in found + dialogs:
        print(line)
    print(f"{len(payloads)} payloads, {pages} pages: {len(found)} executable constructs, {len(dialogs)} dialogs")
    return 1 if found or dialogs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

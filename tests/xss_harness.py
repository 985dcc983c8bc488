"""Build a site whose every text field carries a hostile payload, then judge it as Chromium parses it.

Used by test_xss.py with the project's own corpus (tests/xss/payloads.jsonl), and by hand with any
other list, one JSON object per line with the payload under "p":

    python tests/xss_harness.py path/to/payloads.jsonl

By hand, the payloads are built a group at a time, each group a site of its own (a day page joins its
group's payloads, and a page may nest only so deep). A payload the checks refuse never reaches a page:
it is listed as refused, with the checks' reason, and its group built without it; a group whose shared
pages are refused (the day page, site.yaml) is cut in two until the payload at fault is found. Names
and facts carry the payload cut to their length limits (schema.NAME_MAX, WHAT_MAX), the other fields
and the stories all of it. It prints every executable construct found in the DOM, every dialog that
fired and every payload refused.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from memorial.characters import CONTROL, IN_FIELDS  # noqa: E402
from memorial.schema import NAME_MAX, WHAT_MAX  # noqa: E402

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


def write_content(payloads: list[str], dest: Path, numbers: list[int] | None = None) -> None:
    """A content folder where each payload fills every string field of a person, city, event, figure, source and page.
    ``numbers``: each payload's number in the files' names (p3.md, c3.md...); by default its place in the list."""

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
            "intro": IN_FIELDS.sub("", payloads[0]) or "x",
        },
    )
    numbers = list(range(len(payloads))) if numbers is None else numbers
    for i, raw in zip(numbers, payloads, strict=True):
        p = IN_FIELDS.sub("", one_line(raw)) or "x"  # (as an editor must write a field: see memorial/characters.py)
        name = p[:NAME_MAX]
        sid, cid = f"s{i}", f"c{i}"
        dump(
            dest / "sources" / f"{sid}.yaml",
            {"publisher": p, "title": p, "author": p, "date": "2022-02", "language": "en", "kind": "news", "note": p},
        )
        dump(
            dest / "cities" / f"{cid}.md",
            {
                "name": name,
                "name_forms": [{"name": name, "language": "ru", "sources": [sid]}],
                "region": p,
                "latitude": 43.2,
                "longitude": 76.9,
            },
            raw,
        )
        url = raw.strip().replace("\n", "")
        body = f"{raw}\n\n[link](<{url}>) ![image](<{url}>) <{url}> [ref][r{i}]\n\n[r{i}]: <{url}>\n"
        dump(
            dest / "people" / f"p{i}.md",
            {
                "name": name,
                "sort_name": name,
                "aliases": [name],
                "name_forms": [{"name": name, "language": "kk", "sources": [sid]}],
                "age": {"years": 30, "as_of": "2022-01", "sources": [sid]},
                "occupation": {"text": p, "sources": [sid]},
                "city": cid,
                "fates": ["detained"],
                "events": [{"date": "2022-01-06", "city": cid, "what": p[:WHAT_MAX], "sources": [sid], "date_note": p}],
                "justice": {"status": "none-known", "note": IN_FIELDS.sub("", raw) or "x", "sources": [sid]},
                "conflicts": [{"about": p, "sides": [{"claim": p, "sources": [sid]}, {"claim": p, "sources": [sid]}], "note": p}],
                "sources": [sid],
            },
            body,
        )
        dump(dest / "events" / f"e{i}.md", {"title": p, "date": "2022-01-06", "city": cid, "sources": [sid]}, raw)
        dump(dest / "figures" / f"f{i}.yaml", {"value": p, "what": p, "given_by": p, "date": "2022-12", "sources": [sid], "note": p})
        dump(dest / "pages" / f"pg{i}.md", {"title": p, "order": i}, raw)
    dump(dest / "days" / "2022-01-06.md", {"sources": [f"s{numbers[0]}"]}, "\n\n".join(payloads))


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


GROUP = 25  # payloads a site by hand: their day page joins them all, and a page may nest only 100 deep
# A payload's own files (write_content): a problem in one of them is that payload's
OWN_FILE = re.compile(r"/(?:people/p|cities/c|events/e|figures/f|pages/pg|sources/s)(\d+)\.")


def build_refusing(numbered: list[tuple[int, str]], workdir: Path, refused: dict[int, str]) -> list[Path]:
    """Sites of the payloads (number, payload) the checks take: the output folders built, in ``workdir``.
    Each payload refused is added to ``refused`` (number -> the first of the checks' reasons) and left out;
    when a problem is in the files the payloads share (the day page, site.yaml), the group is cut in two
    until the one at fault is alone."""
    from memorial import pipeline

    content, out = workdir / "content", workdir / "output"
    write_content([p for _, p in numbered], content, [n for n, _ in numbered])
    errors = [d for d in pipeline.build(content, out, workers=1).diagnostics if d.severity == "error"]
    if not errors:
        return [out]
    at_fault: dict[int, str] = {}
    for d in errors:
        if own := OWN_FILE.search(d.position.path):
            at_fault.setdefault(int(own[1]), d.format())
    if not at_fault and len(numbered) == 1:
        at_fault[numbered[0][0]] = errors[0].format()
    if at_fault:
        # (refused as given, a payload is tried again without the characters no file may hold, so that the
        # rest of it is judged too; refused again, it stays so, with the second reason)
        again = [(n, CONTROL.sub("", p)) for n, p in numbered if n in at_fault and n not in refused and CONTROL.search(p)]
        for n in at_fault.keys() & refused.keys():
            at_fault[n] += " (and again without its control characters)"
        refused.update(at_fault)
        for n, _ in again:
            refused[n] += " (judged again without its control characters)"
        rest = [(n, p) for n, p in numbered if n not in at_fault]
        return build_refusing(rest + again, workdir / "again", refused) if rest or again else []
    half = len(numbered) // 2
    return build_refusing(numbered[:half], workdir / "a", refused) + build_refusing(numbered[half:], workdir / "b", refused)


def judge_all(payloads: list[str], browser, workdir: Path, group: int = GROUP) -> tuple[list[str], list[str], dict[int, str], int]:
    """(executable constructs, dialogs, payloads refused by the checks, pages judged) for ``payloads`` built
    ``group`` at a time (see build_refusing), each site judged as it is built."""
    found: list[str] = []
    dialogs: list[str] = []
    refused: dict[int, str] = {}
    pages = 0
    numbered = list(enumerate(payloads))
    for start in range(0, len(numbered), group):
        for out in build_refusing(numbered[start : start + group], workdir / str(start), refused):
            more, fired = judge(out, browser)
            found += more
            dialogs += fired
            pages += len(list(out.rglob("*.html")))
        print(f"{min(start + group, len(numbered))} of {len(numbered)} payloads judged", file=sys.stderr)
    return found, dialogs, refused, pages


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    payloads = [json.loads(line)["p"] for line in Path(argv[1]).read_text(encoding="utf-8").split("\n") if line.strip()]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = launch(pw)
        found, dialogs, refused, pages = judge_all(payloads, browser, Path(tmp))
        browser.close()
    for line in found + dialogs:
        print(line)
    for number, reason in sorted(refused.items()):
        print(f"refused by the checks as given: payload {number + 1}: {reason}")
    print(
        f"{len(payloads)} payloads, {pages} pages: {len(found)} executable constructs, {len(dialogs)} dialogs; "
        f"{len(refused)} payloads refused by the checks as given"
    )
    return 1 if found or dialogs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

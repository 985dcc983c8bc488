"""Offline-first rules for a built site, as one function the tests run over any output folder."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LOADING_TAGS = {"img", "script", "link", "iframe", "source", "video", "audio", "embed", "object", "track"}


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()
        self.inline_scripts = 0
        self._in_script_without_src = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for name in ("href", "src"):
            if a.get(name) is not None:
                self.refs.append((tag, name, a[name]))
        if tag == "script":
            if a.get("type") == "module":
                self.refs.append((tag, "type", "module"))
            self._in_script_without_src = "src" not in a

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script_without_src = False

    def handle_data(self, data):
        if self._in_script_without_src and data.strip():
            self.inline_scripts += 1


def problems(out: Path) -> list[str]:
    """Every broken promise in the built site at ``out``; empty when it works from file://."""
    found: list[str] = []
    pages = {p.relative_to(out).as_posix(): p for p in out.rglob("*.html")}
    parsed = {}
    for rel, path in pages.items():
        c = _Collect()
        c.feed(path.read_text(encoding="utf-8"))
        parsed[rel] = c
    for rel, c in parsed.items():
        if c.inline_scripts:
            found.append(f"{rel}: inline <script>")
        for tag, attr, value in c.refs:
            if attr == "type":
                found.append(f"{rel}: ES module script")
                continue
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                if tag in LOADING_TAGS:
                    found.append(f"{rel}: <{tag} {attr}> loads from another host: {value}")
                elif parts.scheme not in ("http", "https", "mailto"):
                    found.append(f"{rel}: link with scheme {parts.scheme}: {value}")
                continue
            if value.startswith("/"):
                found.append(f"{rel}: root-relative link {value} (breaks on file://)")
                continue
            if not parts.path:  # same-page fragment
                if parts.fragment and unquote(parts.fragment) not in c.ids:
                    found.append(f"{rel}: fragment #{parts.fragment} has no target")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path)))
            if target.startswith("../"):
                found.append(f"{rel}: link leaves the site: {value}")
            elif parts.path.endswith("/") or (out / target).is_dir():
                found.append(f"{rel}: link to a folder, not a file: {value}")
            elif not (out / target).is_file():
                found.append(f"{rel}: broken link {value}")
            elif parts.fragment and target in parsed and unquote(parts.fragment) not in parsed[target].ids:
                found.append(f"{rel}: {value}: no element with id '{parts.fragment}'")
    for path in out.rglob("*"):
        # sw.js runs only on the hosted copy (never from file://), and fetching is its job
        if path.suffix in (".js", ".html") and path.is_file() and path.relative_to(out).as_posix() != "sw.js":
            data = path.read_text(encoding="utf-8")
            if "fetch(" in data or "import(" in data:
                found.append(f"{path.relative_to(out)}: fetch() or dynamic import fails on file://")
    return found

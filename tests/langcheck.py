"""WCAG 3.1.2 (language of parts) over a built language tree: text in the content's language (English) on a
page in another language must be inside an element that says so (``lang="en"``), or a screen reader reads it
with the page language's rules.

What counts as English here: any word of two or more Latin letters in the text of a page's body (the head's
title and meta cannot carry a language), outside an element marked with a language other than the page's, and
outside <script>, <style> and <code> (identifiers and commands, in no human language). Not English: proper
names, which WCAG exempts: the names of people and places as their sources spell them in Latin letters (each
known name, from the content, is taken out of the text before its words are looked at, wherever it stands),
and a link's text that is the start of such a name (the lists' "names beginning Zh" links); the names of the
software and standards the download and data pages name (TECHNICAL); and words that are not words of a
language: abbreviations in capitals (CSV, ISO), and anything with a digit, a slash, a dot or an @ in it
(addresses, file names, commands, versions: sha256sum, CC-BY-4.0, en/…). On the data page, the open data's
own codes (a column's values, true and false), which its sentences quote (they would better be in <code>).
A sentence is never exempt: what is left of it after the names is still words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NEUTRAL = {"script", "style", "code", "kbd", "samp", "head"}  # no human language, or nothing a reader is read
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
NOT_A_WORD = re.compile(r"[0-9/.@_]|^[A-Z][A-Z-]+$")  # in a token: see the module's note
TECHNICAL = {
    "zip",
    "Windows",
    "Linux",
    "macOS",
    "Android",
    "PowerShell",
    "JavaScript",
    "Kiwix",
    "Frictionless",
    "GeoJSON",
    "FeatureCollection",
    "Natural",  # the map's data set, named in its credit: Natural Earth, via world-atlas
    "Earth",
    "world-atlas",
}


class _Text(HTMLParser):
    def __init__(self, page_lang_default: str, skip_svg: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.neutral = NEUTRAL | ({"svg"} if skip_svg else set())
        self.stack: list[tuple[str, str | None, bool]] = []  # (tag, its lang, whether neutral)
        self.page_lang = page_lang_default
        self.texts: list[tuple[str, str, str | None]] = []  # (text, its language, the enclosing tag)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html" and a.get("lang"):
            self.page_lang = a["lang"]
        if tag in VOID:
            return
        self.stack.append((tag, a.get("lang"), tag in self.neutral))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not data.strip() or any(neutral for _, _, neutral in self.stack):
            return
        lang = next((lang for _, lang, _ in reversed(self.stack) if lang), self.page_lang)
        self.texts.append((data, lang, self.stack[-1][0] if self.stack else None))


def english_words(text: str, names: list[str], codes: frozenset = frozenset()) -> list[str]:
    """The words of ``text`` read as English: its Latin words once the known names (and ``codes``) are out."""
    rest = text
    for name in names:  # (longest first: "Almaty Region" before "Almaty")
        if name in rest:
            rest = re.sub(rf"(?<![\w]){re.escape(name)}(?![\w])", " ", rest)
    words = []
    for token in rest.split():
        token = token.strip("()[]{}«»“”\"',;:!?…·—–-")
        if token and not NOT_A_WORD.search(token) and token not in TECHNICAL and token not in codes:
            words += WORD.findall(token)
    return words


def unmarked_english(
    path: Path, names: list[str], *, content_lang: str = "en", codes: frozenset = frozenset(), skip: tuple = (), skip_svg: bool = False
) -> list[str]:
    """Each text of a page that is in ``content_lang``'s Latin words outside an element marked with that
    language. ``codes``: identifiers its sentences quote; ``skip``: texts to leave out (taken out of the page's
    texts before they are read), and ``skip_svg`` the charts' and the map's text."""
    parser = _Text(content_lang, skip_svg)
    parser.feed(path.read_text(encoding="utf-8"))
    if parser.page_lang == content_lang:
        return []
    prefixes = {word[:n] for name in names for word in name.split() for n in range(1, len(word) + 1)}
    found = []
    for text, lang, tag in parser.texts:
        if lang.split("-")[0] == content_lang:
            continue
        if tag == "a" and text.strip() in prefixes:
            continue
        for left_out in skip:
            text = text.replace(left_out, " ")
        words = english_words(text, names, codes)
        if words:
            found.append(f"{' '.join(text.split())[:120]!r} (read as English: {' '.join(words[:6])})")
    return found


def known_names(records: dict) -> list[str]:
    """Every name of a person or a place the content gives, longest first (see the module's note)."""
    from memorial.model import shown_name

    names: set[str] = set()
    for rec in records["people"].values():
        data = rec.data
        names.add(shown_name(rec))
        if data.display == "full":
            names.update([data.name, *data.aliases, *(f.name for f in data.name_forms)])
            names.update(data.name.split())  # (a story, a line, may name them by one of their names)
    for rec in records["cities"].values():
        names.update([rec.data.name, *(f.name for f in rec.data.name_forms)])
    return sorted(names, key=lambda n: (-len(n), n))

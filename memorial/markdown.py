"""Markdown → sanitised HTML, for stories, pages and every other body: what an editor writes can hold
text structure and links, never anything active."""

from __future__ import annotations

import ctypes
import posixpath
import re
from urllib.parse import unquote, urlsplit

import cmarkgfm
import nh3
from cmarkgfm import _cmark, cmark
from markupsafe import Markup

# What a story may contain after Markdown: text structure and links, nothing active.
ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "b",
    "i",
    "q",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "code",
    "pre",
    "hr",
    "sup",
    "sub",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
    "cite",
    "span",  # (only to say the language of a part: <span lang="en">pull request</span>)
}
# lang: a word or a quotation in another language than the text's says so (WCAG 3.1.2)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "lang"},
    "abbr": {"title", "lang"},
    "th": {"scope"},
    "td": set(),
    "ol": {"start"},
    "span": {"lang"},
    "q": {"lang"},
    "blockquote": {"lang"},
    "cite": {"lang"},
}


class _Allocator(ctypes.Structure):
    """cmark's ``cmark_mem``: the functions that allocate and free everything it makes."""

    _fields_ = [("calloc", ctypes.c_void_p), ("realloc", ctypes.c_void_p), ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p))]


def _freeing():
    """cmark-gfm's own functions that free a document and the HTML it renders, found by name in cmarkgfm's
    compiled module, or None where it does not export them. (cmarkgfm's markdown_to_html_with_extensions
    frees neither: 7 KB a story, which a process kept to its end: 130 MB more after each whole build of
    10,000 people in three trees in `serve`, in one process.)"""
    try:
        library = ctypes.CDLL(_cmark.__file__)
        node_free, allocator = library.cmark_node_free, library.cmark_get_default_mem_allocator
    except (OSError, AttributeError):
        return None
    node_free.argtypes, node_free.restype = [ctypes.c_void_p], None
    allocator.argtypes, allocator.restype = [], ctypes.POINTER(_Allocator)
    return node_free, allocator().contents.free


_FREEING = _freeing()


def to_html(text: str, options: int) -> str:
    """``text`` as HTML: CommonMark with GitHub's tables, as cmarkgfm's markdown_to_html_with_extensions
    makes it (the same calls), but with the document and the HTML freed once read."""
    if _FREEING is None:
        return cmarkgfm.markdown_to_html_with_extensions(text, options=options, extensions=["table"])
    node_free, free = _FREEING
    cmark.core_extensions_ensure_registered()
    parser = cmark.parser_new(options=options)
    try:
        cmark.parser_attach_syntax_extension(parser, cmark.find_syntax_extension("table"))
        cmark.parser_feed(parser, text)
        root = cmark.parser_finish(parser)
        try:
            html = _cmark.lib.cmark_render_html(root, options, cmark.parser_get_syntax_extensions(parser))
            try:
                return _cmark.ffi.string(html).decode("utf-8")
            finally:
                free(int(_cmark.ffi.cast("uintptr_t", html)))
        finally:
            node_free(int(_cmark.ffi.cast("uintptr_t", root)))
    finally:
        cmark.parser_free(parser)


class Markdown:
    """Markdown → sanitised HTML.

    CommonMark with tables and smart punctuation, through cmark-gfm (GitHub's C
    implementation): what editors see in a pull request's preview is what the
    site shows, and it is some forty times faster than a pure-Python parser,
    which was most of a build's time at ten thousand people.
    """

    # UNSAFE: raw HTML reaches nh3 whole, the one sanitiser, which drops <script>
    # and <style> with their text and keeps allowed tags such as <em> (cmark's safe
    # mode would drop only the tags and show the script's text).
    OPTIONS = cmarkgfm.cmark.Options.CMARK_OPT_SMART | cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE

    def __init__(self) -> None:
        # The same story on the same page in another language tree gives the same HTML (the trees have
        # the same folders): the renderers of one process share this instance, which remembers a few.
        self._recent: dict[tuple[str, str], Markup] = {}
        self._cleaners: dict[str, nh3.Cleaner] = {}  # see sanitise

    def __call__(self, text: str, page: str) -> Markup:
        """``page`` is the output path of the page the text appears on, to judge relative links."""
        key = (text, page.partition("/")[2])  # without the language tree
        found = self._recent.get(key)
        if found is None:
            html = to_html(text, self.OPTIONS)
            if len(self._recent) > 256:
                self._recent.clear()
            found = self._recent[key] = Markup(sanitise(html, page, self._cleaners).rstrip("\n"))
        return found


LINK_SCHEMES = {"http", "https", "mailto"}

# How deep quotes, lists and HTML tags may nest in a text. A story needs three or four levels; the sanitiser
# takes time that grows with the square of the depth (100 KB of '>' took 40 s), so deeper is refused.
MAX_NESTING = 20
# HTML tags left open: a count that cannot see what the HTML parser closes by itself, so it is higher (the
# XSS corpus leaves 25 open in one story; 100 KB of tags 200 deep is still sanitised in 0.04 s)
MAX_OPEN_TAGS = 100
# the quote and list markers that open a line ("> > - 1. "), after its indentation
_CONTAINERS = re.compile(r"^([ \t]*)((?:(?:>|[-+*][ \t]|\d{1,9}[.)][ \t])[ \t]*)+)", re.M)
_MARKER = re.compile(r">|[-+*][ \t]|\d{1,9}[.)][ \t]")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*>")
# tags that never hold themselves (an unclosed <p> ends at the next) or hold nothing (<br>)
_FLAT = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "br", "hr", "img", "input", "wbr", "col", "source"}


def nesting_problem(text: str) -> tuple[int, str] | None:
    """(line, counted from 0, and what is wrong) where ``text`` nests too deep, or None.
    A quick count, never a parse: a line's quote and list markers and two spaces of its indentation each
    count one level, an HTML tag left open one more."""
    for m in _CONTAINERS.finditer(text):
        depth = len(_MARKER.findall(m[2])) + len(m[1].expandtabs(4)) // 2
        if depth > MAX_NESTING:
            line = text.count("\n", 0, m.start())
            return (
                line,
                f"quotes and lists are nested {depth} deep on this line; the limit is {MAX_NESTING}: remove some '>' or indentation",
            )
    depth = 0
    for m in _TAG.finditer(text):
        name = m[2].lower()
        if name in _FLAT or m[0].endswith("/>"):
            continue
        depth = max(depth - 1, 0) if m[1] else depth + 1
        if depth > MAX_OPEN_TAGS:
            line = text.count("\n", 0, m.start())
            return (
                line,
                f"HTML tags are left open more than {MAX_OPEN_TAGS} deep here (<{name}>); close each tag you open, or remove the tags",
            )
    return None


def sanitise(html: str, page: str, cleaners: dict | None = None) -> str:
    """Keep only text structure and safe links; drop every active construct. ``cleaners``: nh3's
    sanitisers already set up, by folder (setting one up took as long as cleaning a story)."""
    page_dir = posixpath.dirname(page)
    cleaners = {} if cleaners is None else cleaners
    cleaner = cleaners.get(page_dir)
    if cleaner is None:

        def keep(tag: str, attribute: str, value: str) -> str | None:
            if attribute == "href":
                return value if safe_href(value, page_dir) else None
            return value

        cleaner = cleaners[page_dir] = nh3.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=LINK_SCHEMES,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
            attribute_filter=keep,
        )
    return _HREFLESS.sub(r"\1", cleaner.clean(html))  # a link whose address was refused stays as its text


_HREFLESS = re.compile(r'<a rel="[^"]*">(.*?)</a>', re.S)


def safe_href(value: str, page_dir: str) -> bool:
    """A web or mail address, or a relative link that stays inside the site (file:// has no root)."""
    value = value.strip()
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        return False  # a real address has no raw spaces or controls; browsers drop some of them and read a scheme
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. a malformed [IPv6] host; nh3 would ignore an exception and keep the value
        return False
    if parts.scheme:
        return parts.scheme.lower() in LINK_SCHEMES and (parts.scheme.lower() == "mailto" or bool(parts.netloc))
    if value.startswith(("/", "\\")) or parts.netloc:
        return False
    target = posixpath.normpath(posixpath.join(page_dir, unquote(parts.path))) if parts.path else page_dir
    return not (target == ".." or target.startswith("../"))

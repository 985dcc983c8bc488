"""Stage 4 — render: the site model → pages as bytes. No file I/O but templates.

Views are plain dicts prepared here (dates formatted, citations numbered,
Markdown converted and sanitised) so that templates only display.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import operator
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import cmarkgfm
import jinja2
import nh3
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from . import charts, export, i18n, routes
from .i18n import N_
from .load import change_key
from .model import Happening, SiteModel, first_date, page_id, person_key, shown_name
from .routes import Page, page_digest
from .schema import PartialDate
from .validate import Record

FATE_LABELS = {  # translated where shown
    "killed": N_("Killed"),
    "died-in-custody": N_("Died in custody"),
    "wounded": N_("Wounded"),
    "tortured": N_("Tortured"),
    "detained": N_("Detained"),
    "prosecuted": N_("Prosecuted"),
    "missing": N_("Missing"),
    "journalist-targeted": N_("Journalist targeted"),
    "defender-targeted": N_("Human-rights defender targeted"),
}
JUSTICE_LABELS = {
    "none-known": N_("No investigation known"),
    "complaint-filed": N_("Complaint filed"),
    "case-opened": N_("Criminal case opened"),
    "case-refused": N_("Criminal case refused"),
    "case-closed": N_("Case closed"),
    "trial": N_("On trial"),
    "conviction": N_("Conviction"),
    "acquittal": N_("Acquittal"),
    "amnesty": N_("Amnesty"),
    "compensation": N_("Compensation"),
}
SOURCE_KIND_LABELS = {
    "ngo-report": N_("NGO report"),
    "news": N_("News"),
    "opinion": N_("Opinion"),
    "official-statement": N_("Official statement"),
    "testimony": N_("Testimony"),
    "court-document": N_("Court document"),
    "other": N_("Other"),
}

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
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set(), "ol": {"start"}}


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
            html = cmarkgfm.markdown_to_html_with_extensions(text, options=self.OPTIONS, extensions=["table"])
            if len(self._recent) > 256:
                self._recent.clear()
            found = self._recent[key] = Markup(sanitise(html, page, self._cleaners).rstrip("\n"))
        return found


LINK_SCHEMES = {"http", "https", "mailto"}


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


@functools.lru_cache(maxsize=4096)  # a few hundred distinct dates, formatted tens of thousands of times
def format_partial(value: PartialDate, locale: str = "en") -> str:
    d = value.first_day
    if value.precision == "day":
        return format_date(d, "d MMMM y", locale=locale)
    if value.precision == "month":
        return format_date(d, "LLLL y", locale=locale)
    return str(value.year)


def format_span(start: dt.date, end: dt.date, locale: str = "en") -> str:
    """'2–21 January 2022' rather than repeating the month and year."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_day(end, locale)}"
    return f"{format_day(start, locale)} – {format_day(end, locale)}"


@functools.lru_cache(maxsize=4096)
def format_day(d: dt.date, locale: str = "en") -> str:
    return format_date(d, "d MMMM y", locale=locale)


_QUOTED = re.compile(r'"([^"\n]+)"')


@functools.lru_cache(maxsize=4096)  # a fact's text is typeset for its person's page and lines, in every language
def typeset(text: str | None) -> str | None:
    """Curly quotes in one-line front-matter text, as smarty gives the Markdown bodies."""
    return _QUOTED.sub("\u201c\\1\u201d", text).replace("'", "\u2019") if text else text


def sentence(text: str | None) -> str | None:
    """End a free-text note with a full stop unless it already ends a sentence."""
    if not text:
        return text
    text = typeset(text.strip())
    return text if text[-1] in ".!?…”)" else text + "."


class Environment(jinja2.Environment):
    """Views are plain dicts: ``p.name`` looks up the key first. (Jinja tries the attribute first, and
    the exception it catches for every dict cost a fifth of a person page's time.)"""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates, kept in memory and shared: every language's environment, and each of
    `serve`'s builds, compiles a template once (compiling them all takes a tenth of a second). Jinja
    checks each entry against the template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def make_environment(templates_dir: Path, templates: TemplateCache | None = None) -> jinja2.Environment:
    return Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=templates,
        auto_reload=False,  # an environment lives for one build: no need to look at the files' times on every page
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )


@dataclass(frozen=True)
class Fragments:
    """A person's lines in other pages' lists, made once per language and kept between builds.

    A city or day page lists thousands of lines: assembled from these, an edit
    re-renders one person's lines instead of every list. All such lists are on
    pages one folder deep (links start with "../")."""

    row: str  # people lists: name, then city, first date and what happened
    row_here: str  # a city's own list: the same without the city
    lines: tuple[str, ...]  # one dated line per event (by its index), with its city
    lines_here: tuple[str, ...]  # the same without the city (on that city's page)
    name: str  # the home page's wall of names (at the top of the tree: links without "../")
    name_here: str  # the same one folder deep (a source's page)
    search: str  # the person's entry in the search index (JSON)
    data: export.PersonData | None = None  # the open-data lines (made in the content's own language only)


LIST_ROOT = "../"  # where the lists that use Fragments are: people/, cities/, days/
PERSON_ROOT = routes.root_of(routes.person("x"))  # "../": person pages are in people/


class Renderer:
    """Turns the model into pages. Holds only what is fixed for the whole build."""

    def __init__(
        self,
        model: SiteModel,
        templates_dir: Path,
        photos: dict,
        lang: str = "en",
        markdown: Markdown | None = None,
        templates: TemplateCache | None = None,
        alike: dict | None = None,
        fragments: dict | None = None,
        lists: dict | None = None,
    ):
        self.m = model
        self.lang = lang
        translations = i18n.translations(lang)
        self._ = translations.gettext
        self.ngettext = translations.ngettext
        self.fate_labels = {k: self._(v) for k, v in FATE_LABELS.items()}
        self.photos = photos  # person id -> [{"url", "width", "height"}] from images.render_photos
        self.env = make_environment(templates_dir, templates or TemplateCache())
        self.markdown = markdown or Markdown()
        self.alike = {} if alike is None else alike  # see alike_everywhere: shared by the renderers of one build
        self.locale = lang
        self.env.install_gettext_translations(translations, newstyle=True)
        # `_()` is called some twenty times a page: a plain function with the same meaning as the newstyle
        # one (translation trusted, values escaped) but no context lookups, and constant strings remembered.
        self.env.globals["_"] = self.env.globals["gettext"] = self.gettext
        self._constant: dict[str, Markup] = {}
        # Counts in sentences are formatted for the language ("10 000 человек", "10,000 people").
        self.env.globals["ngettext"] = jinja2.pass_context(
            lambda _ctx, singular, plural, n, **kw: Markup(self.count(singular, plural, n, escape_values=True, **kw))
        )
        self.env.filters["number"] = self.number
        self.outline = charts.load_outline()
        self.people_by_id = {rec.id: rec for rec in model.people}
        self.footer = [{"title": self.page_title(p), "url": routes.page(p.id)} for p in model.pages]
        self.events_by_id = {rec.id: rec for rec in model.events}
        self.pages_by_id = {rec.id: rec for rec in model.pages}
        # Every template now: compiled once in this process (and before render_site forks its workers).
        for name in self.env.list_templates(filter_func=lambda name: name.endswith(".html")):
            self.env.get_template(name)
        self.macros = self.env.get_template("macros.html").module
        # The notice above a text shown in the content's language: a global, as an import in each template
        # costs a lookup of every global on every page.
        self.env.globals["untranslated"] = self.macros.untranslated
        self.site_view = {
            "title": model.site.title,
            "description": model.site.description,
            "lang": model.site.default_language,
            "base_url": model.site.base_url,
        }
        self.nav_items = self.nav()
        # Pages the header or footer marks as current; every other page of a folder shares one header and footer.
        self.marked = {item["url"] for item in self.nav_items} | {item["url"] for item in self.footer} | {routes.SEARCH}
        self._chrome: dict[tuple, dict] = {}
        self._sections: dict[str, str | None] = {}
        self.languages = [{"code": code, "name": i18n.NAMES[code]} for code in model.site.languages]
        # person id -> lines: those an earlier build made from the same inputs, the rest made here
        self.fragments: dict[str, Fragments] = {} if fragments is None else fragments
        self._kept_markup: dict[tuple, Markup] = {}  # see cite_marks and reference
        self.kept_lists = lists or {}  # the people lists' rows the last build made (see people_indexes); read only
        self.lists_made = self.kept_lists  # those to keep for the next build

    def fragments_of(self, rec: Record) -> Fragments:
        found = self.fragments.get(rec.id)
        if found is None:
            found = self.fragments[rec.id] = self.person_fragments(rec)
        return found

    def person_fragments(self, rec: Record) -> Fragments:
        row = self.person_row(rec)
        line = self.macros.dated_line
        happenings = [self.happening(Happening(None, "people", rec, i)) for i in range(len(rec.data.events))]
        lines = tuple(str(line(h, LIST_ROOT)) for h in happenings)
        name, name_here, search = self.alike_everywhere(rec)
        return Fragments(
            row=str(self.macros.person_item(row, LIST_ROOT, row["meta"])),
            row_here=str(self.macros.person_item(row, LIST_ROOT, row["meta_without_city"])),
            lines=lines,
            lines_here=tuple(
                str(line({**h, "city": None}, LIST_ROOT)) if h["city"] else same for h, same in zip(happenings, lines, strict=True)
            ),
            name=name,
            name_here=name_here,
            search=search,
            data=export.person_data(self.m, rec) if self.lang == self.m.site.default_language else None,
        )

    def alike_everywhere(self, rec: Record) -> tuple[str, str, str]:
        """A person's lines that read the same in every language (name links and search entry): made once
        for all the renderers that share ``self.alike``."""
        key = (rec.id, rec.doc.sha)
        found = self.alike.get(key)
        if found is None:
            link = self.person_link(rec)
            found = self.alike[key] = (
                str(self.macros.name_item(link, "")),
                str(self.macros.name_item(link, LIST_ROOT)),
                json.dumps(self.search_entry(rec), ensure_ascii=False, separators=(",", ":")),
            )
        return found

    def cite_marks(self, found: tuple, root: str) -> Markup:
        """A fact's citation marks, [1][2], for (number, source id) pairs: made once for each combination
        and kept, as every person page has several and the combinations are few."""
        key = (found, root)
        marks = self._kept_markup.get(key)
        if marks is None:
            items = [{"n": n, "url": routes.source(s), "title": self.m.sources[s].data.title} for n, s in found]
            marks = self._kept_markup[key] = self.macros.cites(items, root)
        return marks

    def reference(self, sid: str, root: str) -> Markup:
        """A source's reference line (publisher, title, date), made once and kept."""
        key = (sid, root)
        line = self._kept_markup.get(key)
        if line is None:
            line = self._kept_markup[key] = self.macros.reference(self.source_ref(sid), root)
        return line

    def rows(self, people, *, here: bool = False) -> Markup:
        """A people list's items, from each person's kept row."""
        get, made = self.fragments.get, self.fragments_of  # (a list can hold 10,000: no lookups in the loop)
        row_of = operator.attrgetter("row_here" if here else "row")
        rows = [row_of(get(p.id) or made(p)) for p in people]
        return Markup("\n".join(rows) + "\n" if rows else "")

    def dated_lines(self, happenings, *, here: bool = False) -> Markup:
        """A dated list's items: people's kept lines, general events rendered here (there are few)."""
        out = []
        get, made = self.fragments.get, self.fragments_of
        lines_of = operator.attrgetter("lines_here" if here else "lines")
        for h in happenings:
            if h.kind == "people":
                rec = h.record
                out.append(lines_of(get(rec.id) or made(rec))[h.index])
            else:
                out.append(str(self.macros.dated_line(self.happening(h, with_city=not here), LIST_ROOT)))
        return Markup("".join(out))

    # -------------------------------------------------------------- helpers

    def page_title(self, rec: Record) -> str:
        tr = self.m.translations.get(("pages", rec.id, self.lang))
        return tr.data.title if tr is not None and tr.data.title else rec.data.title

    def gettext(self, message: str, **values) -> Markup:
        if values:
            return Markup(self._(message)) % values
        text = self._constant.get(message)
        if text is None:
            text = self._constant[message] = Markup(self._(message)) % {}
        return text

    def number(self, n: int) -> str:
        return format_decimal(n, locale=self.locale)

    def count(self, singular: str, plural: str, n: int, *, escape_values: bool = False, **values) -> str:
        """ngettext with the number written the way the language writes it."""
        text = self.ngettext(singular, plural, n).replace("%(num)d", "%(num)s")
        values.setdefault("num", self.number(n))
        if escape_values:
            return Markup(text) % values
        return text % values

    def text(self, kind: str, rec: Record, path: str) -> tuple[Markup, str, str | None]:
        """A record's body in this language if it has a translation, else in the content's language:
        (html, the language it is in, its translated title if any)."""
        tr = self.m.translations.get((kind, rec.id, self.lang))
        if tr is not None:
            return self.md(tr.body, path), self.lang, tr.data.title
        return self.md(rec.body, path), self.m.site.default_language, None

    def md(self, text: str, path: str) -> Markup:
        """Markdown of a page at ``path`` in this language's tree (relative links are judged from there)."""
        return self.markdown(text, f"{self.lang}/{path}")

    def date(self, value: PartialDate) -> str:
        return format_partial(value, self.locale)

    def city_link(self, cid: str | None, root: str | None = None) -> dict | None:
        """A city's name and address; with ``root``, its href from a page there as well."""
        if not cid:
            return None
        url = routes.city(cid)
        link = {"name": self.m.cities[cid].data.name, "url": url}
        if root is not None:
            link["href"] = root + url
        return link

    def person_link(self, rec: Record) -> dict:
        return {"name": shown_name(rec), "url": routes.person(page_id(rec))}

    def source_ref(self, sid: str) -> dict:
        s = self.m.sources[sid].data
        return {
            "id": sid,
            "url": routes.source(sid),
            "publisher": s.publisher,
            "title": s.title,
            "author": s.author,
            "date": self.date(s.date),
            "web": s.url,
            "archived": s.archived_url,
            "kind": self._(SOURCE_KIND_LABELS[s.kind]),
            "note": s.note,
        }

    def changed(self, rec: Record) -> str | None:
        d = self.m.last_changed.get(change_key(rec.doc.path))
        return format_day(d, self.locale) if d else None

    def happening(self, h: Happening, *, with_city: bool = True) -> dict:
        if h.kind == "people":
            ev = h.record.data.events[h.index]
            return {
                "kind": "person",
                "date": self.date(ev.date),
                "iso": ev.date.iso,
                "person": self.person_link(h.record),
                "what": typeset(ev.what),
                "city": self.city_link(ev.city) if with_city else None,
                "date_note": sentence(ev.date_note),
            }
        data = h.record.data
        return {
            "kind": "event",
            "date": self.date(data.date),
            "iso": data.date.iso,
            "title": typeset(data.title),
            "url": routes.event(h.record.id),
            "until": self.date(data.end_date) if data.end_date else None,
            "city": self.city_link(data.city) if with_city else None,
            "national": data.national,
        }

    def nav(self) -> list[dict]:
        items = [
            {"title": self._("Home"), "url": routes.HOME},
            {"title": self._("People"), "url": routes.PEOPLE},
            {"title": self._("Timeline"), "url": routes.TIMELINE},
            {"title": self._("Cities"), "url": routes.CITIES},
            {"title": self._("Sources"), "url": routes.SOURCES},
        ]
        return items

    def chrome(self, root: str, path: str, section: str | None) -> dict:
        """The header and the footer's page list, rendered once for each folder and section and kept."""
        marked = path if path in self.marked else None
        key = (root, marked, section)
        found = self._chrome.get(key)
        if found is None:
            macros = self.env.get_template("chrome.html").module
            found = self._chrome[key] = {
                "head": macros.head("../" + root, routes.STYLESHEET),
                "header": macros.header(root, marked, section, self.nav_items, self.site_view),
                "footer": macros.footer_pages(root, marked, self.footer),
            }
        return found

    def section(self, path: str) -> str | None:
        """The main navigation's item that a page at ``path`` belongs under, if any."""
        folder = path.split("/")[0]
        found = self._sections.get(folder, False)
        if found is False:
            found = self._sections[folder] = next(
                (
                    item["url"]
                    for item in self.nav_items[1:]
                    if folder == item["url"].split("/")[0] or (folder == "days" and item["url"] == routes.TIMELINE)
                ),
                None,
            )
        return found

    def render(self, path: str, template: str, title: str, **view) -> Page:
        """A page of this language's tree; ``path`` is relative to the tree (people/x.html)."""
        root = routes.root_of(path)
        common = {
            "root": root,
            "site_root": "../" + root,  # the language's folder is one more level
            "lang": self.lang,
            "content_lang": self.m.site.default_language,
            "body_lang": view.pop("body_lang", self.m.site.default_language),
            "languages": self.languages,
            "path": path,
            "title": title,
            "site": self.site_view,
            "chrome": self.chrome(root, path, self.section(path)),
            "footer_pages": self.footer,
        }
        html = self.env.get_template(template).render(**common, **view)
        return Page(f"{self.lang}/{path}", html.encode("utf-8"))

    # -------------------------------------------------------------- pages (pages.KINDS says which)

    def cities(self) -> Page:
        summaries = [self.city_summary(c) for c in self.m.cities.values()]
        return self.render(routes.CITIES, "cities.html", self._("Cities and towns"), cities=summaries, map=self.map("../"))

    def sources(self) -> Page:
        summaries = [self.source_summary(sid) for sid in self.m.sources]
        return self.render(routes.SOURCES, "sources.html", self._("Sources"), sources=summaries)

    def page(self, rec: Record) -> Page:
        path = routes.page(rec.id)
        body, body_lang, title = self.text("pages", rec, path)
        return self.render(path, "page.html", title or rec.data.title, body=body, body_lang=body_lang, changed=self.changed(rec))

    def home(self) -> Page:
        figures = [
            {
                "value": f.data.value,
                "what": f.data.what,
                "given_by": f.data.given_by,
                "date": self.date(f.data.date),
                "note": sentence(f.data.note),
                "sources": [self.source_ref(s) for s in f.data.sources],
            }
            for f in self.m.figures
        ]
        names = Markup("".join(f"{self.fragments_of(p).name}\n" for p in self.m.people))
        return self.render(
            routes.HOME,
            "home.html",
            self.m.site.title,
            intro=self.md(self.m.site.intro, routes.HOME),
            figures=figures,
            names=names,
            counts=self.counts(),
            map=self.map(""),
            span=format_span(self.m.days[0], self.m.days[-1], self.locale),
        )

    def map(self, root: str) -> dict:
        """The map of Kazakhstan with a circle per city, and its text equivalent."""
        cities = [
            {
                "id": cid,
                "name": rec.data.name,
                "lat": rec.data.latitude,
                "lon": rec.data.longitude,
                "count": len(self.m.people_by_city.get(cid, [])),
                "url": routes.city(cid),
            }
            for cid, rec in self.m.cities.items()
        ]
        svg = charts.kazakhstan_map(
            cities,
            self.outline,
            root,
            title=self._("Map of Kazakhstan: the cities and towns on this memorial"),
            desc="; ".join(self.count("%(name)s: %(num)d person", "%(name)s: %(num)d people", c["count"], name=c["name"]) for c in cities),
        )
        return {"svg": Markup(svg), "credit": charts.credit(), "cities": sorted(cities, key=lambda c: (-c["count"], c["name"]))}

    def counts(self) -> dict:
        return {"people": len(self.m.people), "cities": len(self.m.cities), "events": len(self.m.events), "sources": len(self.m.sources)}

    def person_row(self, rec: Record) -> dict:
        """A person in the people lists: name and link, then city, first date and what happened."""
        data = rec.data
        first = first_date(rec)  # the same date that puts them in a group of the list by date
        city = self.m.cities[data.city].data.name if data.city else None
        when = self.date(first) if first else None
        fates = ", ".join(self.fate_labels[f] for f in data.fates)
        return {
            **self.person_link(rec),
            "meta": " · ".join(x for x in (city, when, fates) if x),
            "meta_without_city": " · ".join(x for x in (when, fates) if x),
        }

    def people_indexes(self):
        """The four people lists, each of everyone (a person linked to several cities is under each): some
        15 MB a language at 10,000 people. Each group's rows are joined and encoded apart from the page and
        put in its place; a group of the same people as in ``self.kept_lists`` (the last build's, which
        `serve` keeps) is not joined and encoded again (a date moved in `serve` changes a few)."""
        m = self.m
        letters = sorted(m.by_letter.items(), key=lambda kv: person_key(kv[1][0]))  # as the names run
        groups = {
            "name": [(letter, f"letter-{i}", people) for i, (letter, people) in enumerate(letters)],
            "city": [(m.cities[cid].data.name, f"city-{cid}", m.people_by_city[cid]) for cid in m.cities if cid in m.people_by_city]
            + ([(self._("City not recorded"), "city-unknown", m.people_by_city[None])] if None in m.people_by_city else []),
            "date": [
                (self.date(first) if first else self._("Date not recorded"), f"date-{first.iso if first else 'unknown'}", people)
                for first, people in sorted(
                    m.by_first_date.items(), key=lambda kv: (kv[0] is None, kv[0] and (kv[0].first_day, kv[0].precision))
                )
            ],
            "fate": [(label, f"fate-{fate}", m.by_fate[fate]) for fate, label in self.fate_labels.items() if fate in m.by_fate],
        }
        kept = self.kept_lists
        used: dict = {}
        titles = {"name": self._("by name"), "city": self._("by city"), "date": self._("by date"), "fate": self._("by what happened")}
        tabs = [{"key": k, "title": titles[k], "url": routes.PEOPLE_BY[k]} for k in routes.PEOPLE_BY]
        for key, path in routes.PEOPLE_BY.items():
            rows = [self.encoded_rows((key, gid), people, kept, used) for _, gid, people in groups[key]]
            page = self.render(
                path,
                "people.html",
                self._("People, %(order)s") % {"order": titles[key]},
                groups=[
                    {"heading": heading, "id": gid, "people": Markup(ROWS_MARK), "count": len(people)}
                    for heading, gid, people in groups[key]
                ],
                tabs=tabs,
                current=key,
                total=len(m.people),
            )
            around = page.data.split(ROWS_MARK.encode())
            yield Page(page.path, b"".join(part for pair in zip(around, [*rows, b""], strict=True) for part in pair))
        self.lists_made = used

    def encoded_rows(self, key: tuple, people, kept: dict, used: dict) -> bytes:
        """A people list's rows as bytes, from each person's kept row; those of ``kept`` when it lists the
        same records. (`serve` keeps them only from one touch-up to the next, where every person but the
        edited ones is the same object: the comparison costs next to nothing, an edited person's record
        differs, and nothing else a row shows can change without a whole build.)"""
        listed = tuple(people)
        before = kept.get(key)
        if before is not None and before[0] == listed:
            used[key] = before
            return before[1]
        try:
            found = list(map(self.fragments.__getitem__, map(_ID, listed)))
        except KeyError:  # lines not made yet (a list made on its own)
            found = [self.fragments_of(p) for p in listed]
        rows = list(map(_ROW, found))
        data = ("\n".join(rows) + "\n").encode() if rows else b""
        used[key] = (listed, data)
        return data

    def person(self, rec: Record) -> Page:
        data = rec.data
        order = rec.cited  # in the order a reader meets them
        numbers = {sid: i + 1 for i, sid in enumerate(order)}

        def cite(ids) -> Markup:
            found = sorted({numbers[s]: s for s in ids}.items())
            return self.cite_marks(tuple(found), PERSON_ROOT)

        story, story_lang, _ = self.text("people", rec, routes.person(page_id(rec)))
        events = sorted(enumerate(data.events), key=lambda ie: (ie[1].date.first_day, ie[1].date.precision != "day", ie[0]))
        view = {
            "name": shown_name(rec),
            "aliases": data.aliases if data.display == "full" else [],
            "name_forms": [
                {"name": f.name, "language": f.language, "cites": cite(f.sources)} for f in data.name_forms if data.display == "full"
            ],
            "age": {"years": data.age.years, "as_of": self.date(data.age.as_of), "cites": cite(data.age.sources)} if data.age else None,
            "occupation": {"text": data.occupation.text, "cites": cite(data.occupation.sources)} if data.occupation else None,
            "city": self.city_link(data.city, PERSON_ROOT),
            "fates": [self.fate_labels[f] for f in data.fates],
            "story": story,
            "events": [
                {
                    "date": self.date(e.date),
                    "iso": e.date.iso,
                    "day_href": PERSON_ROOT + routes.day(e.date.iso) if self.m.day_of(e.date) else None,
                    "city": self.city_link(e.city, PERSON_ROOT),
                    "what": typeset(e.what),
                    "date_note": sentence(e.date_note),
                    "cites": cite(e.sources),
                }
                for _, e in events
            ],
            "justice": {
                "status": self._(JUSTICE_LABELS[data.justice.status]),
                "note": sentence(data.justice.note),
                "cites": cite(data.justice.sources),
            }
            if data.justice
            else None,
            "conflicts": [
                {
                    "about": typeset(c.about[:1].upper() + c.about[1:]),
                    "note": sentence(c.note),
                    "sides": [{"claim": typeset(s.claim), "cites": cite(s.sources)} for s in c.sides],
                }
                for c in data.conflicts
            ],
            "entry_cites": cite(data.sources),
            "citations": [{"n": numbers[s], "web": self.m.sources[s].data.url, "reference": self.reference(s, PERSON_ROOT)} for s in order],
            "photo": self.photo(rec),
            "changed": self.changed(rec),
        }
        return self.render(routes.person(page_id(rec)), "person.html", shown_name(rec), person=view, body_lang=story_lang)

    def photo(self, rec: Record) -> dict | None:
        photo = rec.data.photo
        if photo is None:
            return None
        versions = self.photos[rec.id]
        middle = versions[min(1, len(versions) - 1)]
        return {
            "src": middle["url"],
            "versions": versions,
            "width": middle["width"],
            "height": middle["height"],
            "alt": photo.alt,
            "credit": photo.credit,
            "licence": photo.licence,
        }

    def city_summary(self, rec: Record) -> dict:
        return {
            "name": rec.data.name,
            "url": routes.city(rec.id),
            "region": rec.data.region,
            "people": len(self.m.people_by_city.get(rec.id, [])),
            "events": len(self.m.happenings_by_city.get(rec.id, [])),
        }

    def city(self, rec: Record) -> Page:
        data = rec.data
        body, body_lang, _ = self.text("cities", rec, routes.city(rec.id))
        view = {
            "name": data.name,
            "name_forms": [{"name": f.name, "language": f.language} for f in data.name_forms],
            "region": data.region,
            "latitude": data.latitude,
            "longitude": data.longitude,
            "body": body,
        }
        people = self.m.people_by_city.get(rec.id, [])
        happenings = self.m.happenings_by_city.get(rec.id, [])
        view["people"], view["people_count"] = self.rows(people, here=True), len(people)
        view["happenings"], view["happening_count"] = self.dated_lines(happenings, here=True), len(happenings)
        counted = self.m.fates_in(rec.id)
        view["fates"] = [{"label": label, "count": counted[fate]} for fate, label in self.fate_labels.items() if counted[fate]]
        if view["fates"]:
            view["fate_chart"] = Markup(
                charts.fate_chart(
                    view["fates"],
                    title=self._("What happened to the people recorded in %(city)s") % {"city": data.name},
                    desc="; ".join(f"{f['label']}: {f['count']}" for f in view["fates"]),
                )
            )
        return self.render(routes.city(rec.id), "city.html", data.name, city=view, body_lang=body_lang)

    def timeline(self) -> Page:
        m = self.m
        days = []
        for d in m.days:
            events = m.events_per_day.get(d, [])
            days.append(
                {
                    "date": format_date(d, "d MMMM", locale=self.locale),
                    "iso": d.isoformat(),
                    "url": routes.day(d.isoformat()),
                    "people": m.people_per_day.get(d, 0),
                    "events": len(events),
                    "titles": [typeset(rec.data.title) for rec in events],
                }
            )
        start, end = m.days[0], m.days[-1]
        before, vague, after = ([self.happening(h) for h in found] for found in m.off_the_days)
        return self.render(
            routes.TIMELINE,
            "timeline.html",
            self._("Timeline"),
            days=days,
            before=before,
            vague=vague,
            after=after,
            start=format_day(start, self.locale),
            end=format_day(end, self.locale),
            span=format_span(start, end, self.locale),
            chart=Markup(
                charts.day_chart(
                    [
                        {
                            "label": format_date(dt.date.fromisoformat(d["iso"]), "d MMM", locale=self.locale),
                            "iso": d["iso"],
                            "count": d["people"],
                            "url": d["url"],
                        }
                        for d in days
                    ],
                    "",
                    title=self._("People with something recorded on each day, %(span)s") % {"span": format_span(start, end, self.locale)},
                    desc="; ".join(f"{d['date']}: {d['people']}" for d in days),
                    x_caption=self._("Day of January 2022"),
                    y_caption=self._("People"),
                )
            ),
        )

    def day(self, iso: str) -> Page:
        m = self.m
        d = dt.date.fromisoformat(iso)
        note = m.day_notes.get(iso)
        idx = m.days.index(d)
        summary, body_lang = (self.text("days", note, routes.day(iso))[:2]) if note else (None, self.m.site.default_language)
        view = {
            "date": format_day(d, self.locale),
            "iso": iso,
            "summary": summary,
            "summary_cites": [self.source_ref(s) for s in note.data.sources] if note else [],
            "happenings": self.dated_lines(m.by_day.get(d, [])),
            "previous": {"url": routes.day(m.days[idx - 1].isoformat()), "date": format_day(m.days[idx - 1], self.locale)}
            if idx > 0
            else None,
            "next": {"url": routes.day(m.days[idx + 1].isoformat()), "date": format_day(m.days[idx + 1], self.locale)}
            if idx + 1 < len(m.days)
            else None,
        }
        return self.render(routes.day(iso), "day.html", format_day(d, self.locale), day=view, body_lang=body_lang)

    def event(self, rec: Record) -> Page:
        data = rec.data
        body, body_lang, title = self.text("events", rec, routes.event(rec.id))
        view = {
            "title": title or data.title,
            "date": self.date(data.date),
            "until": self.date(data.end_date) if data.end_date else None,
            "day_url": routes.day(data.date.iso) if self.m.day_of(data.date) else None,
            "city": self.city_link(data.city),
            "national": data.national,
            "body": body,
            "sources": [self.source_ref(s) for s in data.sources],
            "changed": self.changed(rec),
        }
        return self.render(routes.event(rec.id), "event.html", title or data.title, event=view, body_lang=body_lang)

    def search_entry(self, rec: Record) -> list:
        d = rec.data
        other = [*d.aliases, *(f.name for f in d.name_forms)] if d.display == "full" else []
        days = sorted({e.date.iso for e in d.events if e.date.precision == "day"})
        return [
            routes.person(page_id(rec)),
            shown_name(rec),
            "; ".join(other),
            d.city or "",
            d.occupation.text if d.occupation else "",
            list(d.fates),
            days,
        ]

    def search_index(self) -> Page:
        """search/index.js: a classic script that sets a global, so search works from file:// (no fetch)."""
        # Everyone's entries read the same in every language (alike_everywhere): joined once for all the
        # renderers of a build, which share ``self.alike`` and the model.
        people = self.alike.get(SEARCH_PEOPLE)
        if people is None:
            people = self.alike[SEARCH_PEOPLE] = ",".join(self.fragments_of(rec).search for rec in self.m.people).encode("utf-8")
        rest = json.dumps(
            {"cities": {cid: rec.data.name for cid, rec in self.m.cities.items()}, "fates": self.fate_labels},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        js = b"".join([b'window.MEMORIAL_SEARCH = {"people":[', people, b"],", rest[1:].encode("utf-8"), b";\n"])
        return Page(f"{self.lang}/{routes.SEARCH_INDEX}", js)

    def search_page(self) -> Page:
        cities = [{"id": cid, "name": rec.data.name} for cid, rec in self.m.cities.items()]
        fates = [{"id": f, "label": label} for f, label in self.fate_labels.items()]
        days = [{"iso": d.isoformat(), "label": format_day(d, self.locale)} for d in self.m.days]
        return self.render(routes.SEARCH, "search.html", self._("Find a name"), cities=cities, fates=fates, days=days)

    def redirect(self, old: str, new: str) -> Page:
        """A page at a former address that sends the reader on to the current one."""
        target = posixpath.relpath(new, posixpath.dirname(old) or ".")
        return self.render(old, "redirect.html", self._("This page has moved"), target=target, new=new)

    def chooser(self) -> Page:
        """The root index.html: every language's home, in its own words; a script goes on to the reader's."""
        languages = [
            {
                "code": code,
                "name": i18n.NAMES[code],
                "title": self.m.site.title,
                "enter": i18n.translations(code).gettext("Enter the memorial"),
            }
            for code in self.m.site.languages
        ]
        html = self.env.get_template("choose.html").render(
            site={"title": self.m.site.title, "description": self.m.site.description},
            languages=languages,
            default=self.m.site.default_language,
        )
        return Page(routes.HOME, html.encode("utf-8"))

    def service_worker(self, pages: list) -> Page:
        """sw.js for the hosted copy; its cache name changes whenever any page does."""
        digest = hashlib.sha256()
        for page in sorted(pages, key=lambda p: p.path):
            digest.update(page.path.encode() + b"\0" + page_digest(page).encode())
        core = [routes.HOME, routes.STYLESHEET] + [
            f"{lang}/{page}" for lang in self.m.site.languages for page in (routes.HOME, routes.PEOPLE, routes.TIMELINE)
        ]
        js = self.env.get_template("sw.js").render(version=digest.hexdigest()[:16], core=core)
        return Page("sw.js", js.encode("utf-8"))

    def source_summary(self, sid: str) -> dict:
        c = self.m.citing[sid]
        people = len(self.m.people_citing.get(sid, []))
        return {**self.source_ref(sid), "people": people, "events": len(c["events"]) + len(c["figures"]) + len(c["days"])}

    def source(self, sid: str) -> Page:
        c = self.m.citing[sid]
        view = {
            **self.source_ref(sid),
            "people": Markup("".join(f"{self.fragments_of(p).name_here}\n" for p in self.m.people_citing.get(sid, []))),
            "events": [{"title": e.data.title, "date": self.date(e.data.date), "url": routes.event(e.id)} for e in c["events"]],
            "figures": [
                {"value": f.data.value, "what": f.data.what, "given_by": f.data.given_by, "date": self.date(f.data.date)}
                for f in c["figures"]
            ],
            "days": [{"date": format_day(dt.date.fromisoformat(d.id), self.locale), "url": routes.day(d.id)} for d in c["days"]],
        }
        return self.render(routes.source(sid), "source.html", self.m.sources[sid].data.title, source=view)


_ID, _ROW = operator.attrgetter("id"), operator.attrgetter("row")
SEARCH_PEOPLE = ("everyone's search entries",)  # a key of Renderer.alike (see search_index)
# Where a people list's rows go in its page (see people_indexes). Nothing from the content can make it:
# every text shown is escaped, and a "<" with it.
ROWS_MARK = "<!--rows-->"

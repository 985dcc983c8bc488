"""Stage 4 — render: Jinja2 and Markdown in one language tree. No file I/O but templates, no processes.

A view (a plain dict: views.py) becomes a page's bytes here: templates only display. Markdown is
converted and sanitised (markdown.py); dates and numbers are formatted for the language.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path

import jinja2
import markupsafe
from babel.numbers import format_decimal
from markupsafe import Markup, _escape_inner  # (MarkupSafe is pinned: see escape)

from . import dates, i18n, routes
from .i18n import N_, NP_
from .load import change_key
from .markdown import Markdown
from .model import Happening, SiteModel, page_id, shown_name
from .routes import Page
from .schema import PartialDate, matched_facts
from .validate import Record

# What happened, as a kind of fate: the search's filter, charts, the people lists' headings. Translated where
# shown; Russian says these as nouns (Гибель, Задержание).
FATE_LABELS = {
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
# What happened, said of one person (their page, their row in the lists): Russian agrees with the person's sex
# where the entry records it (Убит, Убита) and is neutral where it does not (Убит(а)). The same English words
# as FATE_LABELS, each with a context (pgettext) to tell them apart in the catalogs.
FATES_SAID_OF = {
    None: {
        "killed": NP_("of a person", "Killed"),
        "died-in-custody": NP_("of a person", "Died in custody"),
        "wounded": NP_("of a person", "Wounded"),
        "tortured": NP_("of a person", "Tortured"),
        "detained": NP_("of a person", "Detained"),
        "prosecuted": NP_("of a person", "Prosecuted"),
        "missing": NP_("of a person", "Missing"),
        "journalist-targeted": NP_("of a person", "Journalist targeted"),
        "defender-targeted": NP_("of a person", "Human-rights defender targeted"),
    },
    "male": {
        "killed": NP_("of a man", "Killed"),
        "died-in-custody": NP_("of a man", "Died in custody"),
        "wounded": NP_("of a man", "Wounded"),
        "tortured": NP_("of a man", "Tortured"),
        "detained": NP_("of a man", "Detained"),
        "prosecuted": NP_("of a man", "Prosecuted"),
        "missing": NP_("of a man", "Missing"),
        "journalist-targeted": NP_("of a man", "Journalist targeted"),
        "defender-targeted": NP_("of a man", "Human-rights defender targeted"),
    },
    "female": {
        "killed": NP_("of a woman", "Killed"),
        "died-in-custody": NP_("of a woman", "Died in custody"),
        "wounded": NP_("of a woman", "Wounded"),
        "tortured": NP_("of a woman", "Tortured"),
        "detained": NP_("of a woman", "Detained"),
        "prosecuted": NP_("of a woman", "Prosecuted"),
        "missing": NP_("of a woman", "Missing"),
        "journalist-targeted": NP_("of a woman", "Journalist targeted"),
        "defender-targeted": NP_("of a woman", "Human-rights defender targeted"),
    },
}
FIGURE_TOPICS = {  # the home page's headings over the figures, in this order; translated where shown
    "deaths": N_("Deaths"),
    "detentions": N_("Detentions and arrests"),
    "torture": N_("Torture"),
    "justice": N_("Investigations and trials"),
    "places": N_("Places"),
    None: N_("Other counts"),
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


def script_json(value) -> str:
    """``value`` as JSON to put in a script: U+2028 and U+2029 escaped, as older engines end a line at
    them inside a string (JSON allows them there; JavaScript before ES2019 does not)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_QUOTED = re.compile(r'"([^"\n]+)"')


@functools.lru_cache(maxsize=4096)  # a fact's text is typeset for its person's page and lines, in every language
def typeset(text: str | None) -> str | None:
    """Curly quotes in one-line front-matter text, as smarty gives the Markdown bodies."""
    return _QUOTED.sub("\u201c\\1\u201d", text).replace("'", "\u2019") if text else text


@functools.lru_cache(maxsize=4096)  # the same counts and page numbers on many pages (Babel took 5% of a rebuild)
def _number(n: int, locale: str) -> str:
    """``n`` written the way ``locale`` writes numbers ("10 000", "10,000")."""
    return format_decimal(n, locale=locale)


def capitalised(text: str) -> str:
    """A heading from a short field (a conflict's "about: age"): its first letter upper-case."""
    return text[:1].upper() + text[1:]


def sentence(text: str | None) -> str | None:
    """End a free-text note with a full stop unless it already ends a sentence."""
    if not text:
        return text
    text = typeset(text.strip())
    return text if text[-1] in ".!?…”)" else text + "."


_escaped = str.__new__  # a Markup made of text already escaped, without Markup() looking for __html__ in it


def escape(value) -> Markup:
    """markupsafe.escape, with the same answer for every value, in half its time or less for the two kinds
    a page is made of: text, and Markup (already escaped, so given back as it is). Every {{ }} calls it
    (about 150 times a person page: markupsafe's own, in Python since MarkupSafe 3, was a tenth of a build).
    tests/test_safety.py holds it to markupsafe's answer."""
    if type(value) is str:
        return _escaped(Markup, _escape_inner(value))
    if type(value) is Markup:
        return value
    return markupsafe.escape(value)


class Template(jinja2.Template):
    """A compiled template whose {{ }} are escaped by ``escape`` above: the compiled code calls the name
    ``escape`` of its module (imported from Jinja's runtime, which has markupsafe's)."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = escape
        return template


class Environment(jinja2.Environment):
    """Views are plain dicts: ``p.name`` looks up the key first. (Jinja tries the attribute first, and
    the exception it catches for every dict cost a fifth of a person page's time.)"""

    template_class = Template

    def make_globals(self, d):
        # The environment's own globals, not a ChainMap over them: every page's context copies them, and
        # a ChainMap is copied key by key in Python (6% of a person page). No template has globals of its own.
        return self.globals if not d else {**self.globals, **d}

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates, kept in memory and shared: every language's environment, and each of
    `serve`'s builds, compiles a template once (compiling them all takes a tenth of a second). Each entry
    is kept with the checksum of the template's source it was compiled from, so an edited template is
    compiled again. The code itself is kept, not its bytes (reading those back was 8 ms of each rebuild
    in three languages)."""

    def __init__(self) -> None:
        self.code: dict[str, tuple[str, object]] = {}  # key -> (the source's checksum, the compiled code)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self.code.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = (bucket.checksum, bucket.code)


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


class Language:
    """One language tree's rendering: its translations, its formats of dates and numbers, its templates
    and the parts every page shares (head, header, footer, citation marks). It turns a view (a plain dict)
    into a page; what goes into the views is views.Views', and people's lines are lines.Lines'."""

    def __init__(
        self,
        model: SiteModel,
        templates_dir: Path,
        lang: str = "en",
        markdown: Markdown | None = None,
        templates: TemplateCache | None = None,
    ):
        self.m = model
        self.lang = lang
        translations = i18n.translations(lang)
        self._ = translations.gettext
        self._ngettext = translations.ngettext
        self.fate_labels = {k: self._(v) for k, v in FATE_LABELS.items()}
        self.fates_said_of = {sex: {k: translations.pgettext(*v) for k, v in said.items()} for sex, said in FATES_SAID_OF.items()}
        self.env = make_environment(templates_dir, templates or TemplateCache())
        self.markdown = markdown or Markdown()
        self.locale = i18n.format_locale(lang)
        self.env.install_gettext_translations(translations, newstyle=True)
        # `_()` is called some twenty times a page: a plain function with the same meaning as the newstyle
        # one (translation trusted, values escaped) but no context lookups, and constant strings remembered.
        self.env.globals["_"] = self.env.globals["gettext"] = self.gettext
        self._constant: dict[str, Markup] = {}
        # Counts in sentences are formatted for the language ("10 000 человек", "10,000 people").
        self.env.globals["ngettext"] = jinja2.pass_context(
            lambda _ctx, singular, plural, n, **kw: Markup(self.ngettext(singular, plural, n, escape_values=True, **kw))
        )
        self.env.filters["number"] = self.number
        self.footer = [
            {"title": self.page_title(p), "lang": self.foreign(self.page_title_lang(p)), "url": routes.page(p.id)} for p in model.pages
        ] + [
            {"title": self.gettext("Open data"), "lang": None, "url": routes.DATA},
            {"title": self.gettext("Download a copy"), "lang": None, "url": routes.DOWNLOAD},
            {"title": self.gettext("What changed"), "lang": None, "url": routes.CHANGES},
        ]
        # Every template now: compiled once in this process (and before render_site forks its workers).
        for name in self.env.list_templates(filter_func=lambda name: name.endswith(".html")):
            self.env.get_template(name)
        self.macros = self.env.get_template("macros.html").module
        # The notice above a text shown in the content's language: a global, as an import in each template
        # costs a lookup of every global on every page.
        self.env.globals["untranslated"] = self.macros.untranslated
        # The site's own text in this language where site.yaml gives it, else in the content's language
        self.site_text, self.site_langs = model.site.text(lang)
        self.site_view = {
            "title": self.site_text["title"],
            "title_lang": self.foreign(self.site_langs["title"]),
            "description": self.site_text["description"],
            "description_lang": self.foreign(self.site_langs["description"]),
            "lang": model.site.default_language,
            "base_url": model.site.base_url,
            "contact": model.site.contact,
        }
        self.nav_items = self.nav()
        # Pages the header or footer marks as current; every other page of a folder shares one header and footer.
        self.marked = {item["url"] for item in self.nav_items} | {item["url"] for item in self.footer} | {routes.SEARCH}
        self._chrome: dict[tuple, dict] = {}
        self._sections: dict[str, str | None] = {}
        self.languages = [{"code": code, "name": i18n.NAMES[code]} for code in model.site.languages]
        self._kept_markup: dict[tuple, Markup] = {}  # see cite_marks and reference

    def page_title(self, rec: Record) -> str:
        tr = self.m.translations.get(("pages", rec.id, self.lang))
        return tr.data.title if tr is not None and tr.data.title else rec.data.title

    def page_title_lang(self, rec: Record) -> str:
        """The language a page's title is shown in (see page_title)."""
        tr = self.m.translations.get(("pages", rec.id, self.lang))
        return self.lang if tr is not None and tr.data.title else self.m.site.default_language

    def foreign(self, lang: str) -> str | None:
        """``lang`` where a text in it must say so on this tree's pages (it is not the page's language), else None."""
        return lang if lang != self.lang else None

    def in_language(self, text: str | None, lang: str | None = None) -> Markup | None:
        """A text of the content (``lang``: its language, the content's own unless said) as this tree's pages
        show it: in an element that says its language when that is not the page's (WCAG 3.1.2, language
        of parts: a screen reader reads it with that language's rules)."""
        if text is None:
            return None
        lang = lang or self.m.site.default_language
        if lang == self.lang:
            return escape(text)
        # (an f-string, not Markup.format, which parses its pattern each call; ``lang`` is a language code
        # the schema checked, ``text`` is escaped)
        return Markup(f'<span lang="{lang}">{escape(text)}</span>')

    def translation(self, kind: str, rid: str):
        """The front matter of a record's translation into this tree's language, or None."""
        tr = self.m.translations.get((kind, rid, self.lang))
        return tr.data if tr is not None else None

    def person_texts(self, rec: Record) -> dict:
        """A person's front-matter texts as this tree shows them: each from their file in this language
        where it gives one, else the entry's own, marked with its language (in_language)."""
        data = rec.data
        tr = self.translation("people", rec.id)
        matched = matched_facts(data.events, tr.events)[0] if tr is not None else {}
        pick = self._picked

        def conflict(i: int, c) -> dict:
            mine = tr.conflicts[i] if tr is not None and i < len(tr.conflicts) else None
            claims = mine.sides if mine is not None else []
            return {
                "about": pick(mine and mine.about and typeset(capitalised(mine.about)), typeset(capitalised(c.about))),
                "note": pick(mine and sentence(mine.note), sentence(c.note)),
                "claims": [pick(typeset(claims[j]) if j < len(claims) else None, typeset(s.claim)) for j, s in enumerate(c.sides)],
            }

        return {
            "occupation": pick(tr and tr.occupation, data.occupation.text) if data.occupation else None,
            "facts": [self._fact_texts(e, matched.get(i)) for i, e in enumerate(data.events)],
            "justice_note": pick(tr and tr.justice and sentence(tr.justice.note), sentence(data.justice.note)) if data.justice else None,
            "conflicts": [conflict(i, c) for i, c in enumerate(data.conflicts)],
        }

    def figure_texts(self, rec: Record) -> dict:
        """A figure's texts as this tree shows them: each from its file in this language where it gives one
        (the same mechanism as a person's, person_texts), else the figure's own, marked with its language."""
        data, tr, pick = rec.data, self.translation("figures", rec.id), self._picked
        return {
            "value": pick(tr and tr.value, data.value),
            "what": pick(tr and tr.what, data.what),
            "given_by": pick(tr and tr.given_by, data.given_by),
            "note": pick(tr and sentence(tr.note), sentence(data.note)),
        }

    def fact_texts(self, rec: Record, i: int) -> dict:
        """One dated fact's texts as person_texts gives them (a line on a day's or a city's page needs only
        its own: asking for all of them, fact by fact, was a tenth of a three-tree build)."""
        tr = self.translation("people", rec.id)
        mine = matched_facts(rec.data.events, tr.events)[0].get(i) if tr is not None else None
        return self._fact_texts(rec.data.events[i], mine)

    def _fact_texts(self, e, mine) -> dict:
        return {
            "what": self._picked(mine and typeset(mine.what), typeset(e.what)),
            "date_note": self._picked(mine and sentence(mine.date_note), sentence(e.date_note)),
        }

    def _picked(self, own: str | None, written: str | None) -> Markup | None:
        """A text in this language where its translation gives one, else as written, marked (in_language)."""
        return self.in_language(own, self.lang) if own else self.in_language(written)

    def event_title(self, rec: Record) -> Markup:
        """An event's title in this language where its translation gives one, marked with its language."""
        tr = self.translation("events", rec.id)
        if tr is not None and tr.title:
            return self.in_language(typeset(tr.title), self.lang)
        return self.in_language(typeset(rec.data.title))

    def city_name(self, cid: str) -> str:
        """A city's name as this tree shows it: its form in this language where a source gives one (Алматы),
        else the name as written, in the Latin letters its sources use (a proper name: WCAG asks no mark)."""
        data = self.m.cities[cid].data
        return next((f.name for f in data.name_forms if f.language == self.lang), data.name)

    def gettext(self, message: str, **values) -> Markup:
        if values:
            return Markup(self._(message)) % values
        text = self._constant.get(message)
        if text is None:
            text = self._constant[message] = Markup(self._(message)) % {}
        return text

    def number(self, n: int) -> str:
        return _number(n, self.locale)

    def labelled(self, name: str, n: int) -> str:
        """A chart mark's or a list item's name with its count of people: "Almaty: 23 people"."""
        return self.ngettext("%(name)s: %(num)d person", "%(name)s: %(num)d people", n, name=name)

    def ngettext(self, singular: str, plural: str, n: int, *, escape_values: bool = False, **values) -> str:
        """ngettext with the number written the way the language writes it."""
        text = self._ngettext(singular, plural, n).replace("%(num)d", "%(num)s")
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
        """A date known to the day, the month or the year, as this language writes it inside a sentence."""
        return dates.partial(value, self.locale)

    def day(self, d: dt.date) -> str:
        return dates.day(d, self.locale)

    def span(self, start: dt.date, end: dt.date) -> str:
        """From one day to another: "2–21 January 2022"."""
        return dates.span(start, end, self.locale)

    def city_link(self, cid: str | None, root: str | None = None) -> dict | None:
        """A city's name and address; with ``root``, its href from a page there as well."""
        if not cid:
            return None
        url = routes.city(cid)
        link = {"name": self.city_name(cid), "url": url}
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
            # (a source's publisher and title are in the source's language; its note, in the content's)
            "publisher": self.in_language(s.publisher, s.language),
            "title": self.in_language(s.title, s.language),
            "plain_title": s.title,
            "author": self.in_language(s.author, s.language),
            "date": self.date(s.date),
            "web": s.url,
            "archived": s.archived_url,
            "kind": self._(SOURCE_KIND_LABELS[s.kind]),
            "note": self.in_language(s.note),
        }

    def changed(self, rec: Record) -> str | None:
        d = self.m.last_changed.get(change_key(rec.doc.path))
        return self.day(d) if d else None

    def happening(self, h: Happening, *, with_city: bool = True) -> dict:
        """A dated line's view. ``with_city`` False: on that city's own page, where instead of the city the
        date links to its day's page (on a day's page it would link to itself)."""
        if h.kind == "people":
            ev = h.record.data.events[h.index]
            fact = self.fact_texts(h.record, h.index)
            return {
                "kind": "person",
                "date": self.date(ev.date),
                "iso": ev.date.iso,
                "day_url": None if with_city else self.day_url(ev.date),
                "person": self.person_link(h.record),
                "what": fact["what"],
                "city": self.city_link(ev.city) if with_city else None,
                "date_note": fact["date_note"],
            }
        data = h.record.data
        return {
            "kind": "event",
            "date": self.date(data.date),
            "iso": data.date.iso,
            "day_url": None if with_city else self.day_url(data.date),
            "title": self.event_title(h.record),
            "url": routes.event(h.record.id),
            "until": self.date(data.end_date) if data.end_date else None,
            "city": self.city_link(data.city) if with_city else None,
            "national": data.national,
        }

    def day_url(self, date: PartialDate) -> str | None:
        """The page of the timeline's day a date falls on, if it has one."""
        return routes.day(date.iso) if self.m.day_of(date) else None

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

    def cite_marks(self, found: tuple, root: str) -> Markup:
        """A fact's citation marks, [1][2], for (number, source id) pairs: made once for each combination
        and kept, as every person page has several and the combinations are few."""
        key = (found, root)
        marks = self._kept_markup.get(key)
        if marks is None:
            sources = [(n, s, self.m.sources[s].data) for n, s in found]
            items = [{"n": n, "url": routes.source(s), "title": self.in_language(data.title, data.language)} for n, s, data in sources]
            marks = self._kept_markup[key] = self.macros.cites(items, root)
        return marks

    def reference(self, sid: str, root: str) -> Markup:
        """A source's reference line (publisher, title, date), made once and kept."""
        key = (sid, root)
        line = self._kept_markup.get(key)
        if line is None:
            line = self._kept_markup[key] = self.macros.reference(self.source_ref(sid), root)
        return line

"""The data each page's template shows (views: plain dicts, dates formatted, citations numbered), for
one language tree. pages.py says which pages there are; render.Language makes them bytes; people's
lines in lists come from lines.Lines."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import posixpath

from babel.numbers import format_decimal
from markupsafe import Markup

from . import charts, datapackage, dates, i18n, paging, routes
from .i18n import N_
from .lines import Lines
from .model import page_id, person_key, shown_name, sort_name
from .render import FIGURE_TOPICS, JUSTICE_LABELS, Language, script_json, typeset
from .routes import Page, page_digest
from .schema import LICENCES
from .validate import Record

PERSON_ROOT = routes.root_of(routes.person("x"))  # "../": person pages are in people/


class Views:
    """Every page of one language tree, each from its view. ``photos``: person id -> the versions of
    their photo ([{"url", "width", "height"}], pipeline.render_photos)."""

    def __init__(self, language: Language, lines: Lines, photos: dict) -> None:
        self.t = language
        self.lines = lines
        self.m = model = language.m
        self.photos = photos
        self.outline = charts.load_outline()
        self.people_by_id = model.people_by_id
        self.events_by_id = {rec.id: rec for rec in model.events}
        self.pages_by_id = {rec.id: rec for rec in model.pages}

    def home(self) -> Page:
        figures = [
            {
                "topic": f.data.topic,
                **self.t.figure_texts(f),
                "date": self.t.date(f.data.date),
                "sources": [self.t.source_ref(s) for s in f.data.sources],
            }
            for f in self.m.figures
        ]
        # Every name while they fit on a phone's page; past that, the way into them (letters, search).
        if len(self.m.people) <= paging.NAMES_PER_PAGE:
            names, index = Markup("".join(f"{self.lines.fragments_of(p).name}\n" for p in self.m.people)), None
        else:
            names, index = None, self.name_index()
        return self.t.render(
            routes.HOME,
            "home.html",
            self.t.site_text["title"],
            intro=self.t.md(self.t.site_text["intro"], routes.HOME),
            body_lang=self.t.site_langs["intro"],
            figures=[
                {"heading": self.t._(heading), "figures": shown}
                for topic, heading in FIGURE_TOPICS.items()
                if (shown := [f for f in figures if f["topic"] == topic])
            ],
            names=names,
            index=index,
            counts=self.counts(),
            map=self.map(""),
            span=self.t.span(self.m.days[0], self.m.days[-1]),
        )

    def map(self, root: str) -> dict:
        """The map of Kazakhstan with a circle per city, and its text equivalent."""
        cities = [
            {
                "id": cid,
                "name": self.t.city_name(cid),
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
            title=self.t._("Map of Kazakhstan: the cities and towns on this memorial"),
            desc="; ".join(self.t.labelled(c["name"], c["count"]) for c in cities),
            labelled=self.t.labelled,
        )
        return {"svg": Markup(svg), "credit": self.t._(charts.CREDIT), "cities": sorted(cities, key=lambda c: (-c["count"], c["name"]))}

    def counts(self) -> dict:
        return {"people": len(self.m.people), "cities": len(self.m.cities), "events": len(self.m.events), "sources": len(self.m.sources)}

    def people_indexes(self):
        """The four people lists, each of everyone (a person linked to several cities is under each): some
        15 MB a language at 10,000 people. Each group's rows are joined and encoded apart from the page
        (Lines.list_rows) and put in its place."""
        m = self.m
        groups = {
            "name": self.by_name(),
            "city": [(self.t.city_name(cid), f"city-{cid}", m.people_by_city[cid]) for cid in m.cities if cid in m.people_by_city]
            + ([(self.t._("City not recorded"), "city-unknown", m.people_by_city[None])] if None in m.people_by_city else []),
            "date": [
                (
                    dates.capitalised(self.t.date(first)) if first else self.t._("Date not recorded"),
                    f"date-{first.iso if first else 'unknown'}",
                    people,
                )
                for first, people in sorted(
                    m.by_first_date.items(), key=lambda kv: (kv[0] is None, kv[0] and (kv[0].first_day, kv[0].precision))
                )
            ],
            "fate": [(label, f"fate-{fate}", m.by_fate[fate]) for fate, label in self.t.fate_labels.items() if fate in m.by_fate],
        }
        titles = {
            "name": self.t._("by name"),
            "city": self.t._("by city"),
            "date": self.t._("by date"),
            "fate": self.t._("by what happened"),
        }
        tabs = [{"key": k, "title": titles[k], "url": routes.PEOPLE_BY[k]} for k in routes.PEOPLE_BY]
        for key, path in routes.PEOPLE_BY.items():
            listed = groups[key]
            sizes = [len(people) for _, _, people in listed]
            parts = paging.cut(sizes)
            starts = paging.first_pages(parts)
            jump = [
                {"heading": heading, "url": f"{posixpath.basename(routes.part(path, starts[i]))}#{gid}"}
                for i, (heading, gid, _) in enumerate(listed)
            ]
            cyrillic = (
                self.lines.everywhere(
                    ("cyrillic initials", "list"), lambda listed=listed, parts=parts: self.cyrillic_initials(listed, parts, "")
                )
                if key == "name"
                else []
            )
            # what every page of this list shows besides its share of it (its pager: where it stands in the
            # list, and the whole count, paging.pager, is made from the number of pages and of people)
            context = (repr(jump), repr(cyrillic), len(parts), sum(sizes))
            for number, part in enumerate(parts, 1):
                shown = [(listed[s.group], s) for s in part]

                def make(number=number, shown=shown, key=key, path=path, parts=parts, sizes=sizes, jump=jump, cyrillic=cyrillic) -> Page:
                    here = routes.part(path, number)
                    pager = paging.pager(path, parts, number, sizes)
                    rows = self.lines.list_rows(key, [(f"{gid}:{s.start}", people[s.start : s.stop]) for (_, gid, people), s in shown])
                    page = self.t.render(
                        here,
                        "people.html",
                        paging.titled(self.t._("People, %(order)s") % {"order": titles[key]}, number, parts),
                        groups=[
                            {"heading": heading, "id": gid, "people": Markup(ROWS_MARK), "count": len(people), "continued": s.start > 0}
                            for (heading, gid, people), s in shown
                        ],
                        jump=jump,
                        cyrillic=cyrillic,
                        tabs=tabs,
                        current=key,
                        total=len(m.people),
                        pager=pager,
                    )
                    around = page.data.split(ROWS_MARK.encode())
                    return Page(page.path, b"".join(piece for pair in zip(around, [*rows, b""], strict=True) for piece in pair))

                # its groups' parts, with their headings and counts, and where it stands in the list
                listed_here = tuple((heading, len(people), s.start, tuple(people[s.start : s.stop])) for (heading, _, people), s in shown)
                yield self.lines.kept_page(("people", path, number), listed_here, (context, tuple(part)), make)

    def by_name(self) -> list[tuple[str, str, list]]:
        """The list by name's groups, (letter, anchor, people), as the names run."""
        letters = sorted(self.m.by_letter.items(), key=lambda kv: person_key(kv[1][0]))
        return [(letter, f"letter-{i}", people) for i, (letter, people) in enumerate(letters)]

    def name_index(self) -> dict:
        """Where each letter of the list by name begins, with its count, and the Cyrillic initials (links
        from the tree's root)."""
        groups = self.by_name()
        parts = paging.cut([len(people) for _, _, people in groups])
        starts = paging.first_pages(parts)
        return {
            "letters": [
                {"letter": letter, "count": len(people), "url": f"{routes.part(routes.PEOPLE, starts[i])}#{gid}"}
                for i, (letter, gid, people) in enumerate(groups)
            ],
            "cyrillic": self.lines.everywhere(
                ("cyrillic initials", "home"), lambda: self.cyrillic_initials(groups, parts, posixpath.dirname(routes.PEOPLE) + "/")
            ),
        }

    def cyrillic_initials(self, groups: list, parts: list, folder: str) -> list[dict]:
        """For a reader who looks for a name by its Cyrillic initial: each such initial, with a link to where
        names of each of its usual Latin spellings begin in the list by name (only the spellings someone's
        name has). Names are kept in the Latin spelling their sources give, so no Cyrillic form is made
        up: the reader is led to the Latin names instead. ``folder``: from the linking page to people/."""
        page_of = [number for number, part in enumerate(parts, 1) for s in part for _ in range(s.start, s.stop)]
        offsets, total = [], 0
        for _, _, people in groups:
            offsets.append(total)
            total += len(people)
        by_letter = {letter: i for i, (letter, _, _) in enumerate(groups)}
        found = []
        for initial, spellings in i18n.CYRILLIC_INITIALS:
            links = []
            for latin in spellings:
                i = by_letter.get(latin[:1])
                if i is None:
                    continue
                people = groups[i][2]  # (by their sort names: found by bisection, a few names asked for theirs)
                at = bisect.bisect_left(people, latin.casefold(), key=sort_name)
                if at < len(people) and sort_name(people[at]).startswith(latin.casefold()):
                    number = page_of[offsets[i] + at]
                    links.append(
                        {"latin": latin, "url": f"{folder}{posixpath.basename(routes.part(routes.PEOPLE, number))}#{groups[i][1]}"}
                    )
            if links:
                found.append({"initial": initial, "lang": "kk" if initial in i18n.KAZAKH_LETTERS else "ru", "links": links})
        return found

    def person(self, rec: Record) -> Page:
        data = rec.data
        order = rec.cited  # in the order a reader meets them
        numbers = {sid: i + 1 for i, sid in enumerate(order)}

        def cite(ids) -> Markup:
            found = sorted({numbers[s]: s for s in ids}.items())
            return self.t.cite_marks(tuple(found), PERSON_ROOT)

        story, story_lang, _ = self.t.text("people", rec, routes.person(page_id(rec)))
        texts = self.t.person_texts(rec)
        events = sorted(enumerate(data.events), key=lambda ie: (ie[1].date.first_day, ie[1].date.precision != "day", ie[0]))
        view = {
            "name": shown_name(rec),
            "aliases": data.aliases if data.display == "full" else [],
            "name_forms": [
                {"name": f.name, "language": f.language, "cites": cite(f.sources)} for f in data.name_forms if data.display == "full"
            ],
            "age": {"years": data.age.years, "as_of": self.t.date(data.age.as_of), "cites": cite(data.age.sources)} if data.age else None,
            "occupation": {"text": texts["occupation"], "cites": cite(data.occupation.sources)} if data.occupation else None,
            "city": self.t.city_link(data.city, PERSON_ROOT),
            "fates": [self.t.fates_said_of[data.sex][f] for f in data.fates],
            "story": story,
            "events": [
                {
                    "date": self.t.date(e.date),
                    "iso": e.date.iso,
                    "day_href": PERSON_ROOT + routes.day(e.date.iso) if self.m.day_of(e.date) else None,
                    "city": self.t.city_link(e.city, PERSON_ROOT),
                    "what": texts["facts"][i]["what"],
                    "date_note": texts["facts"][i]["date_note"],
                    "cites": cite(e.sources),
                }
                for i, e in events
            ],
            "justice": {
                "status": self.t._(JUSTICE_LABELS[data.justice.status]),
                "note": texts["justice_note"],
                "cites": cite(data.justice.sources),
            }
            if data.justice
            else None,
            "conflicts": [
                {
                    "about": shown["about"],
                    "note": shown["note"],
                    "sides": [{"claim": claim, "cites": cite(s.sources)} for claim, s in zip(shown["claims"], c.sides, strict=True)],
                }
                for c, shown in zip(data.conflicts, texts["conflicts"], strict=True)
            ],
            "entry_cites": cite(data.sources),
            "citations": [
                {"n": numbers[s], "web": self.m.sources[s].data.url, "reference": self.t.reference(s, PERSON_ROOT)} for s in order
            ],
            "photo": self.photo(rec),
            "changed": self.t.changed(rec),
            "draft": rec.status == "draft",  # (only a preview with drafts has any: serve --drafts)
        }
        return self.t.render(routes.person(page_id(rec)), "person.html", shown_name(rec), person=view, body_lang=story_lang)

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
            "alt_lang": self.t.foreign(self.m.site.default_language),  # (an attribute's text is in its element's language)
            "credit": self.t.in_language(photo.credit),
            "licence": self.t.in_language(photo.licence),
        }

    def cities(self) -> Page:
        summaries = [self.city_summary(c) for c in self.m.cities.values()]
        return self.t.render(routes.CITIES, "cities.html", self.t._("Cities and towns"), cities=summaries, map=self.map("../"))

    def city_summary(self, rec: Record) -> dict:
        return {
            "name": self.t.city_name(rec.id),
            "url": routes.city(rec.id),
            "region": self.t.in_language(rec.data.region),
            "people": len(self.m.people_by_city.get(rec.id, [])),
            "events": len(self.m.happenings_by_city.get(rec.id, [])),
        }

    def city(self, rec: Record) -> list[Page]:
        """A city's pages: the first with what is said of the city and its chart, then its people and its
        dated lines, continued on as many pages as they need (paging)."""
        data = rec.data
        path = routes.city(rec.id)
        body, body_lang, _ = self.t.text("cities", rec, path)
        name = self.t.city_name(rec.id)
        # its other forms, with the name as its sources write it where the heading shows another
        forms = [{"name": data.name, "language": None}] + [{"name": f.name, "language": f.language} for f in data.name_forms]
        view = {
            "name": name,
            "name_forms": [f for f in forms if f["name"] != name],
            # (the gazetteers its other forms are from: each form cites its own, and their licences ask for credit)
            "name_sources": [self.t.source_ref(s) for s in dict.fromkeys(s for f in data.name_forms for s in f.sources)],
            "region": self.t.in_language(data.region),
            "latitude": data.latitude,
            "longitude": data.longitude,
            "body": body,
        }
        people = self.m.people_by_city.get(rec.id, [])
        happenings = self.m.happenings_by_city.get(rec.id, [])
        view["people_count"], view["happening_count"] = len(people), len(happenings)
        counted = self.m.fates_in(rec.id)
        view["fates"] = [{"label": label, "count": counted[fate]} for fate, label in self.t.fate_labels.items() if counted[fate]]
        if view["fates"]:
            view["fate_chart"] = Markup(
                charts.fate_chart(
                    view["fates"],
                    title=self.t._("What happened to the people recorded in %(city)s") % {"city": name},
                    desc="; ".join(f"{f['label']}: {self.t.number(f['count'])}" for f in view["fates"]),
                    labelled=self.t.labelled,
                    number=self.t.number,
                )
            )
        sizes = [len(people), len(happenings)]
        parts = paging.cut(sizes)
        starts = paging.first_pages(parts)
        jump = {"people": routes.part(path, starts.get(0, 1)), "dates": routes.part(path, starts.get(1, 1))}
        made = []
        context = (repr(view), body_lang, tuple(sizes))  # what every page shows besides its share of the lists
        for number, part in enumerate(parts, 1):
            shown = {s.group: s for s in part}
            listed = (
                tuple(people[shown[0].start : shown[0].stop]) if 0 in shown else None,
                tuple(happenings[shown[1].start : shown[1].stop]) if 1 in shown else None,
            )

            def make(number=number, shown=shown, listed=listed) -> Page:
                here = {
                    **view,
                    "first": number == 1,
                    "jump": jump if len(parts) > 1 else None,
                    "people": self.lines.rows(listed[0], here=True) if listed[0] is not None else None,
                    "people_continued": 0 in shown and shown[0].start > 0,
                    "happenings": self.lines.dated_lines(listed[1], here=True) if listed[1] is not None else None,
                    "happenings_continued": 1 in shown and shown[1].start > 0,
                    "pager": paging.pager(path, parts, number, sizes),
                }
                title = paging.titled(name, number, parts)
                return self.t.render(routes.part(path, number), "city.html", title, city=here, body_lang=body_lang)

            made.append(self.lines.kept_page(("city", path, number), listed, (context, tuple(part)), make))
        return made

    def _off_the_days(self, where: str) -> dict:
        """What the timeline shows of the lines that fall on none of its days (``where``: before them,
        within them but with no day, after them): the general events, and how many people have a fact in
        each month (by name, at ten thousand people, they made a page of megabytes; they are on the people's
        own pages)."""
        m = self.m
        counted = self.lines.everywhere(
            ("people by month off the days", where),
            lambda: sorted((month, len({h.record.id for h in lines})) for (w, month), lines in m.months_off_the_days.items() if w == where),
        )
        return {
            "events": [self.t.happening(h) for h in m.events_off_the_days.get(where, ())],
            "months": [{"label": dates.capitalised(self.t.date(month)), "iso": month.iso, "people": people} for month, people in counted],
        }

    def timeline(self) -> Page:
        m = self.m
        days = []
        for d in m.days:
            events = [h.record for h in m.events_by_day.get(d, ())]
            days.append(
                {
                    "date": dates.day_and_month(d, self.t.locale),
                    "iso": d.isoformat(),
                    "url": routes.day(d.isoformat()),
                    "people": len(m.people_by_day.get(d, ())),
                    "events": len(events),
                    "titles": [self.t.event_title(rec) for rec in events],
                }
            )
        start, end = m.days[0], m.days[-1]
        before, vague, after = (self._off_the_days(where) for where in ("before", "vague", "after"))
        return self.t.render(
            routes.TIMELINE,
            "timeline.html",
            self.t._("Timeline"),
            days=days,
            before=before,
            vague=vague,
            after=after,
            start=self.t.day(start),
            end=self.t.day(end),
            span=self.t.span(start, end),
            chart=Markup(
                charts.day_chart(
                    [
                        {
                            "label": dates.day_and_month(dt.date.fromisoformat(d["iso"]), self.t.locale, abbreviated=True),
                            "iso": d["iso"],
                            "count": d["people"],
                            "url": d["url"],
                        }
                        for d in days
                    ],
                    "",
                    title=self.t._("People with something recorded on each day, %(span)s") % {"span": self.t.span(start, end)},
                    desc="; ".join(f"{d['date']}: {self.t.number(d['people'])}" for d in days),
                    x_caption=self.t._("Day of January 2022"),
                    y_caption=self.t._("People"),
                    labelled=self.t.labelled,
                    number=self.t.number,
                )
            ),
        )

    def day(self, iso: str) -> list[Page]:
        """A day's pages: what is said of the day, then its dated lines, on as many pages as they need."""
        m = self.m
        d = dt.date.fromisoformat(iso)
        path = routes.day(iso)
        note = m.day_notes.get(iso)
        idx = m.days.index(d)
        summary, body_lang = (self.t.text("days", note, path)[:2]) if note else (None, self.m.site.default_language)
        happenings = m.by_day.get(d, [])
        view = {
            "date": self.t.day(d),
            "iso": iso,
            "summary": summary,
            "summary_cites": [self.t.source_ref(s) for s in note.data.sources] if note else [],
            "count": len(happenings),
            "previous": {"url": routes.day(m.days[idx - 1].isoformat()), "date": self.t.day(m.days[idx - 1])} if idx > 0 else None,
            "next": {"url": routes.day(m.days[idx + 1].isoformat()), "date": self.t.day(m.days[idx + 1])}
            if idx + 1 < len(m.days)
            else None,
        }
        # the general events first, then the people's facts, each under its heading
        groups = [[h for h in happenings if h.kind != "people"], [h for h in happenings if h.kind == "people"]]
        sizes = [len(g) for g in groups]
        parts = paging.cut(sizes)
        made = []
        context = (repr(view), body_lang, tuple(sizes))
        for number, part in enumerate(parts, 1):
            listed = tuple(tuple(groups[s.group][s.start : s.stop]) for s in part)

            def make(number=number, part=part, listed=listed) -> Page:
                here = {**view, "first": number == 1, "pager": paging.pager(path, parts, number, sizes), "groups": []}
                for s, lines in zip(part, listed, strict=True):
                    here["groups"].append(
                        {"id": ("events", "people")[s.group], "continued": s.start > 0, "lines": self.lines.dated_lines(lines)}
                    )
                title = paging.titled(view["date"], number, parts)
                return self.t.render(routes.part(path, number), "day.html", title, day=here, body_lang=body_lang)

            made.append(self.lines.kept_page(("day", path, number), listed, (context, tuple(part)), make))
        return made

    def event(self, rec: Record) -> Page:
        data = rec.data
        body, body_lang, title = self.t.text("events", rec, routes.event(rec.id))
        view = {
            "title": self.t.in_language(typeset(title), self.t.lang) if title else self.t.event_title(rec),
            # one date, or the range in the language's interval format ("3–6 January 2022"), its link to the day
            # it starts on
            "date": dates.partial_span(data.date, data.end_date, self.t.locale) if data.end_date else self.t.date(data.date),
            "day_url": routes.day(data.date.iso) if self.m.day_of(data.date) else None,
            "city": self.t.city_link(data.city),
            "national": data.national,
            "body": body,
            "sources": [self.t.source_ref(s) for s in data.sources],
            "changed": self.t.changed(rec),
            "draft": rec.status == "draft",  # (only a preview with drafts has any: serve --drafts)
        }
        return self.t.render(routes.event(rec.id), "event.html", title or data.title, event=view, body_lang=body_lang)

    def sources(self) -> Page:
        summaries = [self.source_summary(sid) for sid in self.m.sources]
        return self.t.render(routes.SOURCES, "sources.html", self.t._("Sources"), sources=summaries)

    def source_summary(self, sid: str) -> dict:
        c = self.m.citing[sid]
        people = len(self.m.people_citing.get(sid, []))
        return {**self.t.source_ref(sid), "people": people, "events": len(c["events"]) + len(c["figures"]) + len(c["days"])}

    def source(self, sid: str) -> list[Page]:
        """A source's pages: its details and what else it is cited for, then the people it is cited for,
        on as many pages as they need."""
        c = self.m.citing[sid]
        path = routes.source(sid)
        people = self.m.people_citing.get(sid, [])
        view = {
            **self.t.source_ref(sid),
            "people_count": len(people),
            "events": [{"title": self.t.event_title(e), "date": self.t.date(e.data.date), "url": routes.event(e.id)} for e in c["events"]],
            "figures": [{**self.t.figure_texts(f), "date": self.t.date(f.data.date)} for f in c["figures"]],
            "days": [{"date": self.t.day(dt.date.fromisoformat(d.id)), "url": routes.day(d.id)} for d in c["days"]],
        }
        parts = paging.cut([len(people)], paging.NAMES_PER_PAGE)
        title = self.m.sources[sid].data.title
        made = []
        for number, part in enumerate(parts, 1):
            s = part[0] if part else None
            names = "".join(f"{self.lines.fragments_of(p).name_here}\n" for p in people[s.start : s.stop]) if s else ""
            here = {
                **view,
                "first": number == 1,
                "people": Markup(names),
                "continued": number > 1,
                "pager": paging.pager(path, parts, number, [len(people)]),
            }
            shown_title = paging.titled(title, number, parts)
            made.append(self.t.render(routes.part(path, number), "source.html", shown_title, source=here))
        return made

    def page(self, rec: Record) -> Page:
        path = routes.page(rec.id)
        body, body_lang, title = self.t.text("pages", rec, path)
        heading = self.t.in_language(title, self.t.lang) if title else self.t.in_language(rec.data.title)
        return self.t.render(
            path, "page.html", title or rec.data.title, heading=heading, body=body, body_lang=body_lang, changed=self.t.changed(rec)
        )

    def search_index(self) -> Page:
        """search/index.js, in each language tree: the names of the cities and fates in its language. A
        classic script that sets a global, so search works from file:// (no fetch); everyone's entries are
        in search_people, once for all the trees."""
        # a person's occupation where their file in this language translates it (the entries, shared by every
        # tree, give it as written, in the content's language)
        occupations = {}
        for rec in self.m.people:
            tr = self.t.translation("people", rec.id)
            if tr is not None and tr.occupation and rec.data.occupation:
                occupations[routes.person(page_id(rec))] = tr.occupation
        words = script_json(
            {
                "cities": {cid: self.t.city_name(cid) for cid in self.m.cities},
                "fates": self.t.fate_labels,
                "occupations": occupations,
                "content_lang": self.m.site.default_language,
            }
        )
        return Page(f"{self.t.lang}/{routes.SEARCH_INDEX}", f"window.MEMORIAL_SEARCH_WORDS = {words};\n".encode())

    def search_people(self) -> Page:
        """search/people.js, once at the site's root: everyone's entries in the search index (they read the
        same in every language, and link within a tree: people/<id>.html)."""
        return Page(routes.SEARCH_PEOPLE, b"".join([b"window.MEMORIAL_SEARCH_PEOPLE = [", self.lines.search_entries(), b"];\n"]))

    def download(self) -> Page:
        """The offline copies: the archives beside this build (`build --downloads`), the key that signs
        them, how to check a copy and how to read the ZIM on a phone."""
        site = self.m.site
        archives = [
            {
                "name": name,
                "size": self.t.gettext(
                    "%(size)s MB", size=format_decimal(round(size / 1_000_000, 1), format="#,##0.0", locale=self.t.locale)
                ),
                "sha256": digest,
                "url": (site.downloads_url + name) if site.downloads_url else None,
                "kind": "ZIM (Kiwix)" if name.endswith(".zim") else "zip",
            }
            for name, size, digest in self.m.downloads
        ]
        as_of = self.m.as_of
        return self.t.render(
            routes.DOWNLOAD,
            "download.html",
            self.t._("Download a copy"),
            archives=archives,
            as_of=self.t.day(as_of) if as_of else None,
            downloads_url=site.downloads_url,
            public_key=site.public_key,
        )

    def changes(self) -> Page:
        """What each release added, corrected and withdrew: the people published now by name, others only counted."""
        shown = 300  # (a first release lists everyone: the rest are counted, and the lists by name hold them all)
        releases = []
        for release in self.m.releases:
            lists = []
            for label, ids in ((self.t._("Added"), release.added), (self.t._("Corrected"), release.corrected)):
                people = [self.people_by_id[pid] for pid in ids if pid in self.people_by_id]
                links = [{"name": shown_name(rec), "url": routes.person(page_id(rec))} for rec in people[:shown]]
                lists.append({"label": label, "people": links, "more": len(people) - len(links), "count": len(people)})
            releases.append(
                {
                    "date": self.t.day(release.date) if release.date else None,
                    "lists": lists,
                    "withdrawn": release.withdrawn,
                    "not_shown": release.not_shown,
                }
            )
        return self.t.render(routes.CHANGES, "changes.html", self.t._("What changed"), releases=releases)

    def search_page(self) -> Page:
        cities = [{"id": cid, "name": self.t.city_name(cid)} for cid in self.m.cities]
        fates = [{"id": f, "label": label} for f, label in self.t.fate_labels.items()]
        days = [{"iso": d.isoformat(), "label": self.t.day(d)} for d in self.m.days]
        return self.t.render(routes.SEARCH, "search.html", self.t._("Find a name"), cities=cities, fates=fates, days=days)

    def data_page(self) -> Page:
        """What each file of the open data holds, column by column, from the declarations the data package is
        made from (datapackage.RESOURCES), in this language; and the licence."""
        _ = self.t._
        licence = self.m.site.licence
        resources = [
            {
                "id": r.name,
                "file": r.path,
                "url": routes.DATA_FILES + r.path,
                "description": _(r.description),
                "features": r.format == "geojson",
                "key": r.primary_key,
                "columns": [
                    {
                        "name": c.name,
                        "type": _(column_type(c)),
                        "required": c.required,
                        "unique": c.unique,
                        "description": _(c.description),
                        "values": c.values,
                        "refers": {"id": c.refers[0], "file": datapackage.BY_NAME[c.refers[0]].path, "column": c.refers[1]}
                        if c.refers
                        else None,
                    }
                    for c in r.columns
                ],
            }
            for r in datapackage.RESOURCES
        ]
        return self.t.render(
            routes.DATA,
            "data.html",
            _("Open data"),
            resources=resources,
            package=routes.DATA_FILES + "datapackage.json",
            licence={"id": licence, "title": LICENCES[licence][0], "url": LICENCES[licence][1]} if licence else None,
        )

    def redirect(self, old: str, new: str) -> Page:
        """A page at a former address that sends the reader on to the current one."""
        target = posixpath.relpath(new, posixpath.dirname(old) or ".")
        return self.t.render(old, "redirect.html", self.t._("This page has moved"), target=target, new=new)

    def chooser(self) -> Page:
        """The root index.html (also the ZIM's main page): every language's home and search, in its own words;
        a script goes on to the reader's home."""
        languages = [
            {
                "code": code,
                "name": i18n.NAMES[code],
                "title": self.m.site.text(code)[0]["title"],
                "enter": i18n.translations(code).gettext("Enter the memorial"),
                "find": i18n.translations(code).gettext("Find a name"),
                "hint": i18n.translations(code).gettext("any spelling, Latin or Cyrillic"),
            }
            for code in self.m.site.languages
        ]
        html = self.t.env.get_template("choose.html").render(
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
        js = self.t.env.get_template("sw.js").render(version=digest.hexdigest()[:16], core=core)
        return Page("sw.js", js.encode("utf-8"))


def column_type(column: datapackage.Column) -> str:
    """A column's type in words (to translate), as the data page shows it."""
    if column.partial_date:
        return N_("date, as precisely as known: 2022-01-05, 2022-01 or 2022")
    if column.web:
        return N_("web address")
    return {
        "string": N_("text"),
        "integer": N_("whole number"),
        "number": N_("number"),
        "boolean": N_("true or false"),
        "date": N_("date: 2022-01-05"),
        "list": N_("list (in a CSV file, separated by “; ”)"),
    }[column.type]


# Where a people list's rows go in its page (see people_indexes). Nothing from the content can make it:
# every text shown is escaped, and a "<" with it.
ROWS_MARK = "<!--rows-->"

"""Each person's lines in other pages' lists, made once per language and kept between builds.

A city or day page lists thousands of lines, and the people lists everyone: they are joined from these,
so that an edit makes one person's lines again instead of every list, and a new build in another
process takes them from the cache (cache.Build.lines).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from markupsafe import Markup

from . import export, routes
from .model import Happening, page_id, shown_name
from .render import Language, script_json
from .routes import Kept, Page, page_digest
from .validate import Record


@dataclass(frozen=True, slots=True)
class Fragments:
    """A person's lines in other pages' lists, made once per language and kept between builds.

    A city or day page lists thousands of lines: assembled from these, an edit
    re-renders one person's lines instead of every list. All such lists are on
    pages one folder deep (links start with "../"). (Slots: the joins read one
    field of each of 10,000, scattered in memory; through a __dict__ that took four times as long.)"""

    row: str  # people lists: name, then city, first date and what happened
    row_here: str  # a city's own list: the same without the city
    lines: tuple[str, ...]  # one line per event (by its index) on its day's page: with its city, without the date ("" off the timeline)
    lines_here: tuple[str, ...]  # the same without the city, on that city's page ("" for a fact that names no city)
    name: str  # the home page's wall of names (at the top of the tree: links without "../")
    name_here: str  # the same one folder deep (a source's page)
    search: str  # the person's entry in the search index (JSON)
    data: export.PersonData | None = None  # the open-data lines (made in the content's own language only)

    __reduce__ = export.by_fields


LIST_ROOT = "../"  # where the lists that use Fragments are: people/, cities/, days/
PERSON_ROOT = routes.root_of(routes.person("x"))  # "../": person pages are in people/


class Lines:
    """People's lines in one language tree: those an earlier build made from the same inputs (``given``),
    the rest made here on first use. ``alike``: shared by the trees of one build (see alike_everywhere).
    ``lists``: the people lists' rows the last build made (see people_lists), re-used where unchanged;
    None: no build follows in this process (a one-off build), so none are kept for one (at 10,000 people in
    three trees they were some 70 MB held to the end)."""

    def __init__(self, language: Language, alike: dict, given: dict, lists: dict | None) -> None:
        self.t = language
        self.m = language.m
        self.alike = alike
        self.fragments: dict[str, Fragments] = given  # person id -> Fragments
        self.kept_lists = lists or {}  # read only
        self._used: dict | None = None if lists is None else {}  # see list_rows

    def make(self, rec: Record) -> Fragments:
        """A person's lines, made afresh (and kept for the lists)."""
        found = self.fragments[rec.id] = self.person_fragments(rec)
        return found

    def fragments_of(self, rec: Record) -> Fragments:
        found = self.fragments.get(rec.id)
        if found is None:
            found = self.fragments[rec.id] = self.person_fragments(rec)
        return found

    def person_fragments(self, rec: Record) -> Fragments:
        row = self.person_row(rec)
        line = self.t.macros.dated_line
        events = rec.data.events
        happenings = [self.t.happening(Happening(None, "people", rec, i)) for i in range(len(events))]
        # A fact is listed on its day's page only if the timeline has that day, and on a city's only if it
        # names the city: the other lines are never shown, and are left empty (a fifth of them at 10,000).
        on_a_day = [self.m.day_of(e.date) is not None for e in events]
        lines = tuple(str(line({**h, "date": None}, LIST_ROOT)) if day else "" for h, day in zip(happenings, on_a_day, strict=True))
        name, name_here, search = self.alike_everywhere(rec)
        return Fragments(
            row=str(self.t.macros.person_item(row, LIST_ROOT, row["meta"])),
            row_here=str(self.t.macros.person_item(row, LIST_ROOT, row["meta_without_city"])),
            lines=lines,
            lines_here=tuple(  # on a city's page: the date, linked to its day (if the timeline has it), and no city
                str(line({**h, "city": None, "day_url": self.t.day_url(e.date)}, LIST_ROOT)) if e.city else ""
                for h, e in zip(happenings, events, strict=True)
            ),
            name=name,
            name_here=name_here,
            search=search,
            data=export.person_data(self.m, rec) if self.t.lang == self.m.site.default_language else None,
        )

    def alike_everywhere(self, rec: Record) -> tuple[str, str, str]:
        """A person's lines that read the same in every language (name links and search entry): made once
        for all the renderers that share ``self.alike``."""
        key = (rec.id, rec.doc.sha)
        found = self.alike.get(key)
        if found is None:
            link = self.t.person_link(rec)
            found = self.alike[key] = (
                str(self.t.macros.name_item(link, "")),
                str(self.t.macros.name_item(link, LIST_ROOT)),
                script_json(self.search_entry(rec)),
            )
        return found

    def everywhere(self, key: tuple, make):
        """What reads the same in every language tree of this build (``make()``), made once for them all."""
        found = self.alike.get(key)
        if found is None:
            found = self.alike[key] = make()
        return found

    def rows(self, people, *, here: bool = False) -> Markup:
        """A people list's items, from each person's kept row."""
        get, made = self.fragments.get, self.fragments_of  # (a list can hold 10,000: no lookups in the loop)
        row_of = operator.attrgetter("row_here" if here else "row")
        rows = [row_of(get(p.id) or made(p)) for p in people]
        return Markup("\n".join(rows) + "\n" if rows else "")

    def dated_lines(self, happenings, *, here: bool = False) -> Markup:
        """A dated list's items: people's kept lines, general events rendered here (there are few). (People's
        lines taken with no Python call a line: a city's list can hold thousands.)"""
        people = [h for h in happenings if h.kind == "people"]
        lines = map(
            operator.getitem, map(_LINES_HERE if here else _LINES, self.fragments_for(list(map(_RECORD, people)))), map(_INDEX, people)
        )
        if len(people) == len(happenings):
            return Markup("".join(lines))
        out = []
        for h in happenings:
            if h.kind == "people":
                out.append(next(lines))
            else:
                shown = self.t.happening(h, with_city=not here)
                out.append(str(self.t.macros.dated_line(shown if here else {**shown, "date": None}, LIST_ROOT)))
        return Markup("".join(out))

    def person_row(self, rec: Record) -> dict:
        """A person in the people lists: name and link, then city and what happened, each fate with the date
        of the fact that records it, where one is marked ("Killed 6 January 2022"). A date alone beside a
        fate would read as the date of it (a verdict's date read as a date of death)."""
        data = rec.data
        city = self.m.cities[data.city].data.name if data.city else None
        dated = {}
        for e in sorted(data.events, key=lambda e: (e.date.first_day, e.date.precision != "day")):
            if e.fate is not None:
                dated.setdefault(e.fate, e.date)
        said = self.t.fates_said_of[data.sex]
        fates = ", ".join(said[f] + (f" {self.t.date(dated[f])}" if f in dated else "") for f in data.fates)
        return {
            **self.t.person_link(rec),
            "meta": " · ".join(x for x in (city, fates) if x),
            "meta_without_city": fates,
        }

    def encoded_rows(self, key: tuple, people, kept: dict, used: dict | None) -> bytes:
        """A people list's rows as bytes, from each person's kept row; those of ``kept`` when it lists the
        same records. (`serve` keeps them only from one rebuild after an edit to the next, where every person but the
        edited ones is the same object: the comparison costs next to nothing, an edited person's record
        differs, and nothing else a row shows can change without a whole build.)"""
        listed = tuple(people)
        before = kept.get(key)
        if before is not None and before[0] == listed:
            if used is not None:
                used[key] = before
            return before[1]
        rows = list(map(_ROW, self.fragments_for(listed)))
        data = ("\n".join(rows) + "\n").encode() if rows else b""
        if used is not None:
            used[key] = (listed, data)
        return data

    def fragments_for(self, people) -> list[Fragments]:
        """The lines of each of ``people``, in order (with no Python call a person: a list can hold 10,000)."""
        try:
            return list(map(self.fragments.__getitem__, map(_ID, people)))
        except KeyError:  # lines not made yet (a list made on its own)
            return [self.fragments_of(p) for p in people]

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

    def list_rows(self, key: str, groups: list) -> list[bytes]:
        """One people list's groups ([(group id, people)]) as bytes, each joined from the people's kept rows.
        A group of the same records as in the last build's list (``kept_lists``: `serve` keeps them) is
        taken as it was (a date moved in `serve` changes a few); what the lists use now is what the next
        build may keep (lists_made)."""
        return [self.encoded_rows((key, gid), people, self.kept_lists, self._used) for gid, people in groups]

    def kept_page(self, key: tuple, listed: tuple, context: object, make) -> Page | Kept:
        """A page of a long list (``make()`` makes it): the one the last build made when it listed the same
        records (``listed``) with the same ``context`` (all else the page shows that an edit can change),
        else made now. As list_rows: `serve` keeps them from one rebuild after an edit to the next, where a
        date moved shifts the lines of many pages of a list and leaves most pages as they were. A page kept
        is kept as its Kept entry (its bytes are in the output this build leaves; a list's pages held whole
        to the next build were some 100 MB of `serve`'s peak in three trees)."""
        before = self.kept_lists.get(key)
        if before is not None and before[0] == listed and before[1] == context:
            if self._used is not None:
                self._used[key] = before
            return before[2]
        page = make()
        if self._used is not None:
            self._used[key] = (listed, context, Kept(page.path, page_digest(page)))
        return page

    def remembered(self, key: tuple):
        """What the last build kept under ``key`` (see keep), or None. As kept_page: `serve` keeps it from
        one rebuild after an edit to the next."""
        return self.kept_lists.get(key)

    def keep(self, key: tuple, value) -> None:
        """``value`` remembered for the next build under ``key`` (what it was made from in it, to be
        checked by the one who takes it; nothing when no build follows in this process)."""
        if self._used is not None:
            self._used[key] = value

    @property
    def lists_made(self) -> dict:
        """The lists' rows and pages to keep for the next build: those this build used, and the last
        build's of the lists it did not make again (each is re-used only for the same records)."""
        return {} if self._used is None else {**self.kept_lists, **self._used}

    def search_entries(self) -> bytes:
        """Everyone's entries in the search index, joined: they read the same in every language
        (alike_everywhere), so once for all the trees of a build, which share ``self.alike``."""
        people = self.alike.get(SEARCH_PEOPLE)
        if people is None:
            people = self.alike[SEARCH_PEOPLE] = ",".join(map(_SEARCH, self.fragments_for(self.m.people))).encode("utf-8")
        return people


_ID, _ROW, _SEARCH = operator.attrgetter("id"), operator.attrgetter("row"), operator.attrgetter("search")
_LINES, _LINES_HERE = operator.attrgetter("lines"), operator.attrgetter("lines_here")
_RECORD, _INDEX = operator.attrgetter("record"), operator.attrgetter("index")
SEARCH_PEOPLE = ("everyone's search entries",)  # a key of Lines.alike (see search_entries)
LIST_ROOT = "../"  # where the lists that use Fragments are: people/, cities/, days/

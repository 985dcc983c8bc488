"""Long lists cut into pages of a bounded size, for cheap phones.

A list is a run of groups (a letter, a city, a day...), each of items (a person's row, a dated line, a
name). ``cut`` puts each group on the page where the last one ended if it fits there, else on a new
page, and a group longer than a page on pages of its own. So a short list stays one page (its address
unchanged), a long one grows by pages, never by page size, and an edit that moves someone from one
group to another changes the pages of those groups, not every page after them (a page says which page
it is and how many are listed in all, not which numbers it holds, for the same reason). Page k of a
list at ``x.html`` is ``x.k.html`` (routes.part): a dot is in no id, so no record's page can take that
address.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import routes

# Items a list page holds at most. A person's row in a people list is about 0.4 KB in Russian, a dated
# line about the same: 250 keep the largest page near 100 KB (the budget is 200 KB).
PER_PAGE = 250
NAMES_PER_PAGE = 600  # a name alone (a source's page) is about 0.15 KB


@dataclass(frozen=True)
class Slice:
    """The part of one group a page shows: its items ``start``:``stop``."""

    group: int
    start: int
    stop: int


def cut(sizes: list[int], per_page: int | None = None) -> list[list[Slice]]:
    """Groups of ``sizes`` items laid out on pages of at most ``per_page`` items (None: PER_PAGE): each
    group whole on the current page if it fits there, else from a new page; a group longer than a page
    on pages of its own. At least one page, even for an empty list."""
    per_page = per_page or PER_PAGE
    pages: list[list[Slice]] = [[]]
    room = per_page
    for group, size in enumerate(sizes):
        if size > room and pages[-1]:
            pages.append([])
            room = per_page
        start = 0
        while start < size:
            if room == 0:
                pages.append([])
                room = per_page
            stop = min(size, start + room)
            pages[-1].append(Slice(group, start, stop))
            room -= stop - start
            start = stop
        if size > per_page:  # (what follows starts afresh: a change within it moves no other group's page)
            room = 0
    return pages


def first_pages(pages: list[list[Slice]]) -> dict[int, int]:
    """group -> the number (from 1) of the page it begins on."""
    found: dict[int, int] = {}
    for number, page in enumerate(pages, 1):
        for s in page:
            found.setdefault(s.group, number)
    return found


def pager(path: str, pages: list[list[Slice]], number: int, sizes: list[int]) -> dict | None:
    """What a page of a list shows of the others (None when the list is one page): its number, how many the
    list holds in all, and the addresses of every page, the previous and the next."""
    count = len(pages)
    if count == 1:
        return None
    return {
        "number": number,
        "count": count,
        "total": sum(sizes),
        "pages": [{"number": k, "url": routes.part(path, k), "current": k == number} for k in range(1, count + 1)],
        "previous": routes.part(path, number - 1) if number > 1 else None,
        "next": routes.part(path, number + 1) if number < count else None,
    }


def titled(title: str, number: int, pages: list) -> str:
    """The title of page ``number`` of a list: which page it is, when there are several."""
    return f"{title} ({number}/{len(pages)})" if len(pages) > 1 else title

"""Where every page lives in the output, as paths relative to the output root.

Every link in the site is relative and names a file (``people/x.html``, never
a bare folder or ``/people/x``) so the unzipped folder works from file://.
Templates receive ``root`` ("", "../") and join it with these paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import xxhash


@dataclass(frozen=True)
class Page:
    """One output file: its path relative to the output root, and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class Kept:
    """A page whose inputs have not changed since an earlier build: its bytes are already on disk."""

    path: str
    digest: str
    written: bool = False  # already put into the tree being built (write.Spare.put)


def page_digest(page: Page | Kept) -> str:
    """What says whether a file must be written again. XXH3 (128 bits), a checksum, not a cryptographic
    hash: nothing here needs to resist a forger (matching an old page's digest would only keep that old
    page), and it is twenty times faster than BLAKE2, which took 0.1 s of `serve`'s rebuild of 12 large
    lists and a quarter of a second of CPU in a three-tree build of 10,000 people."""
    return page.digest if isinstance(page, Kept) else xxhash.xxh3_128_hexdigest(page.data)


HOME = "index.html"
PEOPLE = "people/index.html"
PEOPLE_BY = {"name": "people/index.html", "city": "people/by-city.html", "date": "people/by-date.html", "fate": "people/by-fate.html"}
CITIES = "cities/index.html"
TIMELINE = "timeline.html"
SOURCES = "sources/index.html"
STYLESHEET = "assets/style.css"
SEARCH = "search.html"
DOWNLOAD = "download.html"  # the offline copies, their keys and how to check them
CHANGES = "changes.html"  # what each release added, corrected and withdrew
DATA = "data.html"  # in each language tree: what the open data holds, and its licence
DATA_FILES = "data/"  # once, at the root: the open data
SEARCH_INDEX = "search/index.js"  # in each language tree: the words of its language
SEARCH_PEOPLE = "search/people.js"  # once, at the root: everyone's entries, the same in every language


def person(pid: str) -> str:
    return f"people/{pid}.html"


def city(cid: str) -> str:
    return f"cities/{cid}.html"


def day(iso: str) -> str:
    return f"days/{iso}.html"


def event(eid: str) -> str:
    return f"events/{eid}.html"


def source(sid: str) -> str:
    return f"sources/{sid}.html"


def page(pid: str) -> str:
    return f"{pid}.html"


def photo(pid: str, width: int) -> str:
    return f"photos/{pid}-{width}.jpg"


def part(path: str, number: int) -> str:
    """Page ``number`` (from 1) of the list whose first page is ``path`` (see paging)."""
    return path if number == 1 else f"{path[:-5]}.{number}.html"


def first_part(path: str) -> str:
    """The first page of the list ``path`` is a page of (``path`` itself if it is a first page)."""
    stem, _, number = path.removesuffix(".html").rpartition(".")
    return f"{stem}.html" if stem and number.isdigit() and path.endswith(".html") else path


def root_of(path: str) -> str:
    """The prefix that leads from ``path`` back to the output root."""
    return "../" * path.count("/")

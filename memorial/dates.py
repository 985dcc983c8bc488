"""Dates in each language's own order and words, from the CLDR data Babel carries.

No pattern is written here: each comes from CLDR, so Kazakh reads "2022 ж. 5 қаңтар", Russian
"5 января 2022 г." and English "5 January 2022". A range is CLDR's interval format ("5–7 January 2022",
"2022 ж. 5–7 қаңтар"), which repeats only what differs.

Babel names a language's CLDR locale by the language's code, except English: CLDR's plain ``en`` is
American English ("January 5, 2022"), while the site's English is British (its content writes "centre");
see i18n.FORMAT_LOCALES.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from babel import Locale
from babel.dates import format_date, format_skeleton

from .schema import PartialDate

# CLDR gives interval formats with abbreviated months only ("5 Jan – 3 Feb 2022"); UTS #35 lets a formatter
# widen a field to the width asked for, which Babel does not do: an abbreviated month (MMM, LLL) becomes a
# full one here. Letters inside quotes are literal text ('г'.), never a field.
_ABBREVIATED_MONTH = re.compile(r"'[^']*'|(?<![ML])([ML])\1\1(?![ML])")


def _full_months(pattern: str) -> str:
    return _ABBREVIATED_MONTH.sub(lambda m: m.group(0) if m.group(0).startswith("'") else m.group(1) * 4, pattern)


@functools.lru_cache(maxsize=4096)  # a few hundred distinct dates, formatted tens of thousands of times
def day(d: dt.date, locale: str) -> str:
    """A day in full: CLDR's long date format."""
    return format_date(d, "long", locale=locale)


@functools.lru_cache(maxsize=4096)
def month(d: dt.date, locale: str) -> str:
    """A month and its year ("January 2022", "январь 2022 г.", "2022 ж. қаңтар"), in the form CLDR gives
    the month inside a phrase: a Kazakh month is not capitalised there (its standalone form, "Қаңтар", is
    for a month on its own). Where the phrase starts a heading, see ``capitalised``."""
    return format_skeleton("yMMMM", d, locale=locale)


@functools.lru_cache(maxsize=1024)
def day_and_month(d: dt.date, locale: str, *, abbreviated: bool = False) -> str:
    """A day without its year, where the year is said elsewhere: "5 January" ("5 Jan" in a chart)."""
    return format_skeleton("MMMd" if abbreviated else "MMMMd", d, locale=locale)


@functools.lru_cache(maxsize=4096)
def partial(value: PartialDate, locale: str) -> str:
    """A date known to the day, the month or the year."""
    if value.precision == "day":
        return day(value.first_day, locale)
    if value.precision == "month":
        return month(value.first_day, locale)
    return str(value.year)


@functools.lru_cache(maxsize=1024)
def span(start: dt.date, end: dt.date, locale: str) -> str:
    """From one day to another, in CLDR's interval format: "2–21 January 2022", "31 December 2021 –
    2 January 2022", "2022 ж. 2–21 қаңтар"."""
    if start == end:
        return day(start, locale)
    formats = Locale.parse(locale).interval_formats["yMMMd"]
    # the largest field that differs picks the pattern: the fields after it are said once
    differs = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    first, second = formats[differs]
    return format_date(start, _full_months(first), locale=locale) + format_date(end, _full_months(second), locale=locale)


def partial_span(start: PartialDate, end: PartialDate, locale: str) -> str:
    """From one date to another, each known to the day, the month or the year."""
    if start.precision == end.precision == "day":
        return span(start.first_day, end.first_day, locale)
    if start.precision == end.precision == "month" and start.year == end.year and start != end:
        first, second = Locale.parse(locale).interval_formats["yMMMM"]["M"]
        return format_date(start.first_day, first, locale=locale) + format_date(end.first_day, second, locale=locale)
    # CLDR's fallback for what has no interval format of its own ("{0} – {1}")
    return Locale.parse(locale).interval_formats[None].format(partial(start, locale), partial(end, locale))


def capitalised(text: str) -> str:
    """``text`` with its first letter capitalised, for a date that starts a heading or a list's label
    ("январь 2022 г." → "Январь 2022 г."); CLDR's capitalisation rules for that (contextTransforms) are not
    in Babel's data."""
    return text[:1].upper() + text[1:]

"""Interface languages: gettext catalogs under translations/, managed with Babel.

`pybabel extract -F babel.cfg -o translations/messages.pot .` collects the
strings marked in templates (`_()`, `ngettext()`) and in the code; each
language's `translations/<lang>/LC_MESSAGES/messages.po` holds its translations
and is compiled in memory at build time (no binary .mo files in the repository).
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

FOLDER = Path(__file__).resolve().parent.parent / "translations"
NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}  # each language named in itself
ISO_639_3 = {"en": "eng", "ru": "rus", "kk": "kaz"}  # the codes Kiwix and openZIM use (a ZIM's Language)
# The CLDR locale whose formats (dates, numbers) a language's pages use, where it is not the language's code:
# CLDR's plain "en" is American ("January 5, 2022"); the site's English is British ("5 January 2022", "centre").
FORMAT_LOCALES = {"en": "en_GB"}

# The Latin spellings a Russian or Kazakh Cyrillic initial usually takes in names written in Latin
# letters (passport and press romanisations: Ерлан is Yerlan or Erlan, Жанар Zhanar or Janar, Қайрат
# Kairat or Qairat), in the order of the Cyrillic alphabet. The people lists by name offer them to a
# reader who looks for a name by its Cyrillic initial (views.Views.cyrillic_initials).
CYRILLIC_INITIALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("А", ("A",)),
    ("Ә", ("A", "Ä")),
    ("Б", ("B",)),
    ("В", ("V",)),
    ("Г", ("G",)),
    ("Ғ", ("G", "Gh")),
    ("Д", ("D",)),
    ("Е", ("Ye", "E")),
    ("Ё", ("Yo",)),
    ("Ж", ("Zh", "J")),
    ("З", ("Z",)),
    ("И", ("I",)),
    ("Й", ("Y", "I")),
    ("К", ("K",)),
    ("Қ", ("K", "Q")),
    ("Л", ("L",)),
    ("М", ("M",)),
    ("Н", ("N",)),
    ("О", ("O",)),
    ("Ө", ("O", "Ö")),
    ("П", ("P",)),
    ("Р", ("R",)),
    ("С", ("S",)),
    ("Т", ("T",)),
    ("У", ("U",)),
    ("Ұ", ("U",)),
    ("Ү", ("U", "Ü")),
    ("Ф", ("F",)),
    ("Х", ("Kh", "H")),
    ("Һ", ("H",)),
    ("Ц", ("Ts",)),
    ("Ч", ("Ch",)),
    ("Ш", ("Sh",)),
    ("Щ", ("Shch",)),
    ("Ы", ("Y",)),
    ("І", ("I",)),
    ("Э", ("E",)),
    ("Ю", ("Yu",)),
    ("Я", ("Ya",)),
)

KAZAKH_LETTERS = "ӘҒҚҢӨҰҮҺІ"  # Cyrillic letters of Kazakh that Russian lacks


def format_locale(lang: str) -> str:
    """The CLDR locale to format dates and numbers with on ``lang``'s pages."""
    return FORMAT_LOCALES.get(lang, lang)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark a string with a context for extraction (`-k NP_:1c,2`), where one English word is two in
    another language; it is translated where it is shown, with pgettext."""
    return context, message


@functools.lru_cache(maxsize=8)
def translations(lang: str) -> gettext.NullTranslations:
    po = FOLDER / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf)

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


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


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

#!/usr/bin/env python3
"""Extract the interface strings and update translations/<lang>/LC_MESSAGES/messages.po.

    python tools/update_translations.py

Runs `pybabel extract`, then merges the template into each catalog, keeping
existing translations; a new string is added untranslated, to be translated in
the .po file itself (the catalogs are the one place translations are kept).
Untranslated or fuzzy entries make tests/test_i18n.py fail.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ru", "kk")


def main() -> None:
    pot = ROOT / "translations" / "messages.pot"
    subprocess.run(
        [
            "pybabel",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "NP_:1c,2",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    template = read_po(pot.open("rb"))
    for lang in LANGUAGES:
        path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
        old = read_po(path.open("rb"), locale=lang) if path.is_file() else Catalog(locale=lang)
        catalog = Catalog(locale=lang, project="Qandy Qantar Memorial", fuzzy=False)
        for message in template:
            if not message.id:
                continue
            before = old.get(message.id, context=message.context)
            done = (
                before is not None
                and not before.fuzzy
                and (all(before.string) if isinstance(before.string, tuple) else bool(before.string))
            )
            string = before.string if done else None
            catalog.add(
                message.id,
                string or ("" if not isinstance(message.id, tuple) else ("",) * catalog.num_plurals),
                context=message.context,
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=0, omit_header=False, sort_output=True, include_previous=False, no_location=True)


if __name__ == "__main__":
    main()

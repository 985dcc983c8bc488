"""`build.py new <kind> "Name"`: a ready-to-fill file with a good id and every field."""

from __future__ import annotations

import json
from pathlib import Path

from slugify import slugify

# python-slugify (via text-unidecode) drops or merges the Kazakh letters; spell them out.
KAZAKH_REPLACEMENTS = [
    ["Ә", "A"],
    ["ә", "a"],
    ["Ғ", "G"],
    ["ғ", "g"],
    ["Қ", "Q"],
    ["қ", "q"],
    ["Ң", "N"],
    ["ң", "n"],
    ["Ө", "O"],
    ["ө", "o"],
    ["Ұ", "U"],
    ["ұ", "u"],
    ["Ү", "U"],
    ["ү", "u"],
    ["Һ", "H"],
    ["һ", "h"],
    ["І", "I"],
    ["і", "i"],
]


def make_id(name: str) -> str:
    return slugify(name, replacements=KAZAKH_REPLACEMENTS, max_length=80, word_boundary=True)


TEMPLATES = {
    "person": (
        "people",
        ".md",
        """---
# yaml-language-server: $schema=../../schema/people.schema.json
name: {name}
# sort_name: "Surname, Given name"   # how the name sorts in lists, if not as written
aliases: []            # other spellings met in the sources
name_forms: []         # the name in another script, only where a source gives it: - {{name: "", language: ru, sources: []}}
# age:
#   years: 0
#   as_of: 2022-01-06  # the date the age refers to
#   sources: []
# occupation:
#   text: ""
#   sources: []
# city: almaty         # only when a source gives it; a city id from content/cities/
fates: []              # killed, died-in-custody, wounded, tortured, detained, prosecuted, missing, journalist-targeted, defender-targeted
events:
  - date: 2022-01      # 2022-01-05 (day), 2022-01 (month) or 2022 (year): no more precise than the source
    what: ""           # one line, in our own words
    sources: []
# justice:
#   status: none-known # none-known, complaint-filed, case-opened, case-refused, case-closed, trial, conviction, acquittal, amnesty, compensation
#   note: ""
#   sources: []
conflicts: []          # where sources disagree: - about: age / sides: [{{claim: "", sources: []}}, ...]
sources: []            # every source this entry uses (ids from content/sources/)
status: draft          # published once reviewed
---
The story, in our own words. Say who reports what ("according to his brother").
""",
    ),
    "city": (
        "cities",
        ".yaml",
        """# yaml-language-server: $schema=../../schema/cities.schema.json
name: {name}
# name_forms:          # only forms a source gives
#   - name: ""
#     language: ru
#     sources: []
region: ""
latitude: 0.0
longitude: 0.0
""",
    ),
    "source": (
        "sources",
        ".yaml",
        """# yaml-language-server: $schema=../../schema/sources.schema.json
publisher: ""
title: {name}
# author: ""
date: 2022             # 2022-01-05, 2022-01 or 2022, as precise as the publication says
# url: https://
# archived_url: https://web.archive.org/
language: en
kind: ngo-report       # ngo-report, news, opinion, official-statement, testimony, court-document, other
""",
    ),
    "event": (
        "events",
        ".md",
        """---
# yaml-language-server: $schema=../../schema/events.schema.json
title: {name}
date: 2022-01          # 2022-01-05 (day), 2022-01 (month) or 2022 (year)
# end_date: 2022-01-19
# city: almaty         # a city id, or instead:
national: true
# aftermath: true      # for dated events after the timeline (trials, statements)
sources: []
status: draft
---
What happened, in our own words.
""",
    ),
}


ALREADY = {  # what to do when the file a name leads to exists
    "person": "a different person needs a different name (add a middle name or a place); an existing entry is edited in place",
    "city": "that city is recorded already: edit its file in place",
    "source": "a source with this title is recorded already: edit it, or give the title with its publisher or date",
    "event": "an event with this title is recorded already: edit it, or give the title with its place or date",
}


INITIALS = """display: initials       # a living person who asked that only their initials be shown
address: {address}  # the page's address: random, so that no one can confirm a guessed name with it; keep it
"""


def new_record(kind: str, name: str, content_dir: Path, initials: bool = False) -> tuple[Path | None, str]:
    """Write the file; return (path, message). Never overwrites. ``initials``: a person shown by initials."""
    folder, suffix, template = TEMPLATES[kind]
    rid = make_id(name)
    if not rid:
        return None, f"cannot make an id from '{name}'; give a name with letters"
    from .rules import address_problem  # (here: the rules import the schema, which a no-change build never needs)
    from .schema import fresh_address

    path = content_dir / folder / f"{rid}{suffix}"
    clash = address_problem(folder, rid)
    if clash:
        return None, f"the id '{rid}' made from '{name}' {clash}; give a fuller name, e.g. with a surname or a place"
    others = list((content_dir / folder).glob(f"{rid}.*"))
    if others:
        return None, f"{others[0]} already exists; {ALREADY[kind]}"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = template.format(name=_yaml_str(name))
    if initials:
        text = text.replace("\n---\n", "\n" + INITIALS.format(address=fresh_address()) + "---\n", 1)
    path.write_text(text, encoding="utf-8")
    return path, f"wrote {path}"


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar

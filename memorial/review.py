"""`python build.py duplicates`: every possible duplicate, as a list an editor can work through.

`check` and `build` warn about the most likely few pairs and count the rest; this writes them all,
joined into groups of entries that may all be one person (duplicates.grouped), each entry with what an
editor compares (names in every script, cities, dates, what happened), each pair with how alike it is
and why, and the exact line that marks it as checked. The file is for editors, never published.
"""

from __future__ import annotations

from pathlib import Path

from . import duplicates
from .validate import Validated


def write_review(validated: Validated, out: Path) -> tuple[int, int]:
    """Write the review of ``validated``'s possible duplicates to ``out`` (Markdown); (pairs, groups)."""
    groups = duplicates.grouped(list(validated.suspects))
    people = validated.records["people"]
    cities = validated.records["cities"]
    pairs = len(validated.suspects)
    lines = [
        "# Possible duplicates",
        "",
        f"{pairs:,} pairs of entries that may be one person, in {len(groups):,} groups, the most likely first. "
        "Written by `python build.py duplicates`; run it again after a change (the file is not published).",
        "",
        "For each pair: if the two entries are one person, merge them into one file (keep the other's id under "
        "`former_ids`, so its address still leads there). If someone has checked that they are different people, "
        "write the line given under the pair into the first entry's front matter: the pair is then never reported again.",
    ]
    for number, (ids, group) in enumerate(groups, 1):
        names = sorted({people[pid].data.name for pid in ids})
        lines += ["", f"## {number}. {_cell(', '.join(names))} ({len(ids)} entries)", ""]
        lines += ["| entry | names | city | dates | what happened |", "|---|---|---|---|---|"]
        for pid in ids:
            rec, data = people[pid], people[pid].data
            place = rec.doc.position(("name",))
            spellings = [*data.aliases, *(form.name for form in data.name_forms)]
            named = data.name + (f" (also {', '.join(spellings)})" if spellings else "")
            where = sorted(cities[c].data.name if c in cities else c for c in data.cities())
            dates = sorted({str(event.date) for event in data.events})
            lines.append(
                f"| `{place.path}` line {place.line} | {_cell(named)} | {_cell(', '.join(where)) or '—'} | "
                f"{', '.join(dates) or '—'} | {', '.join(data.fates)} |"
            )
        lines.append("")
        others: dict[str, list[str]] = {}
        for s in group:
            a = people[s.a]
            others.setdefault(s.a, []).append(s.b)
            lines += [
                f"- **{s.score}%** `{s.a}` and `{s.b}`: {s.why}.  ",
                f"  Checked, different people? In `{a.doc.display}` write `{duplicates.checked_line(a.data, s.b)}`",
            ]
        if len(group) > 1:  # one line per file marks every pair of the group at once
            lines += ["", "Every pair of this group checked, all different people? Write:", ""]
            lines += [
                f"- in `{people[pid].doc.display}`: `{duplicates.checked_line(people[pid].data, *ids)}`" for pid, ids in others.items()
            ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return pairs, len(groups)


def _cell(text: str) -> str:
    """Text from the content, safe in a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

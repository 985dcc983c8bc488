"""`build.py import SHEET`: a documentation group's spreadsheet as entries, one person per row.

sheet (CSV or XLSX) -> rows, read by the project's field names (the header's, or a mapping's) -> for each
row the text of an entry, as an editor would write it -> every entry checked with the record as it is
(the same checks and messages as `check`, placed at the row and column they came from; the search for
duplicates over the record and the sheet together) -> written, each whole or not at all, never over a
file. A row whose entry is in the record already, byte for byte, is left alone: importing a sheet twice
changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, Position, did_you_mean, error, has_errors, warning
from .new import make_id
from .yamlread import parse_yaml

# A sheet's columns, by the project's own names (README: "Importing a spreadsheet").
FIELDS = (
    "name",
    "aliases",
    "city",
    "occupation",
    "age",
    "fates",
    "date",
    "what",
    "fate",
    "sources",
    "consent",
    "story",
    "not_duplicate_of",
)
LISTS = {"aliases", "fates", "sources", "not_duplicate_of"}  # several values in one cell, split at ";"
NO_CONSENT = {"", "no", "n", "false", "0", "-", "нет", "жоқ"}
DRAFT = "status: draft"
CHECKED_AS = "status: published"
ADDRESS_TO_DRAW = "p-000000000000"  # replaced by a fresh random address when the entry is written
ADDRESS_LINE = re.compile(r"^address: .*$", re.M)  # a draft row is checked as if published: its errors stop the import


@dataclass(frozen=True)
class Mapping:
    """What the editor wrote once for a sheet whose header is not the project's (a YAML file)."""

    columns: dict = field(default_factory=dict)  # field -> the header of its column
    values: dict = field(default_factory=dict)  # field -> {a cell's text -> the value meant}
    sources: tuple = ()  # cited by every row (when the sheet has no sources column, or a cell is empty)
    sheet: str | None = None  # an XLSX file's sheet (default: the first)
    without_consent: str = "draft"  # what a row without recorded consent becomes: "draft" or "initials"


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet numbers it (the header is row 1)
    cells: dict  # field -> text
    columns: dict  # field -> its column's letter


def letter(index: int) -> str:
    """0 -> A, 26 -> AA: columns as spreadsheets name them."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def read_mapping(path: Path) -> tuple[Mapping | None, list[Diagnostic]]:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        return None, [error(Position(shown), f"cannot read the mapping: {e}")]
    data, values, keys, problems = parse_yaml(text, shown, 0)
    if data is None:
        return None, problems

    def at(*path) -> Position:
        line, col = keys.get(path) or values.get(path) or (1, 1)
        return Position(shown, line, col)

    known = {"columns", "values", "sources", "sheet", "without_consent"}
    for key in data:
        if key not in known:
            problems.append(error(at(key), f"unknown field '{key}'{did_you_mean(key, known)}; a mapping has {', '.join(sorted(known))}"))
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        problems.append(error(at("columns"), "columns: give each field's column header, e.g. 'name: Full name'"))
        columns = {}
    for name, header in columns.items():
        if name not in FIELDS:
            problems.append(error(at("columns", name), f"'{name}' is not a field an import fills{did_you_mean(name, FIELDS)}"))
        elif not isinstance(header, str):
            problems.append(error(at("columns", name), "give the column's header as text, as it is in the sheet's first row"))
    value_maps = data.get("values") or {}
    if not isinstance(value_maps, dict) or not all(isinstance(v, dict) for v in value_maps.values()):
        problems.append(error(at("values"), "values: for a field, what each cell's text means, e.g. fates: {убит: killed}"))
        value_maps = {}
    sources = data.get("sources") or []
    if isinstance(sources, str):
        sources = [sources]
    without = data.get("without_consent", "draft")
    if without not in ("draft", "initials"):
        problems.append(error(at("without_consent"), "without_consent: 'draft' (the default) or 'initials'"))
    mapping = Mapping(
        columns={k: v for k, v in columns.items() if k in FIELDS and isinstance(v, str)},
        values={k: {str(a).strip().casefold(): str(b) for a, b in v.items()} for k, v in value_maps.items()},
        sources=tuple(str(s) for s in sources),
        sheet=str(data["sheet"]) if data.get("sheet") is not None else None,
        without_consent=without,
    )
    return mapping, problems


def read_sheet(path: Path, sheet: str | None) -> tuple[str, list[list[str]], list[Diagnostic]]:
    """The sheet's label in messages (``people.xlsx[Sheet1]``), its rows of cells as text, and problems."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # noqa: BLE001 - any damage to the file is the editor's to mend
            return str(path), [], [error(Position(str(path)), f"cannot read the workbook ({e}); save it again as .xlsx")]
        if sheet is not None and sheet not in book.sheetnames:
            found = did_you_mean(sheet, book.sheetnames)
            return str(path), [], [error(Position(str(path)), f"the workbook has no sheet '{sheet}'{found}")]
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows = [[_cell_text(c) for c in row] for row in ws.iter_rows(values_only=True)]
        book.close()
        return f"{path}[{ws.title}]", rows, []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return str(path), [], [error(Position(str(path)), "not UTF-8: in the spreadsheet program save it as 'CSV UTF-8'")]
    except OSError as e:
        return str(path), [], [error(Position(str(path)), f"cannot read it: {e.strerror}")]
    try:  # (Excel saves CSV with ";" where the decimal mark is a comma, as in Russian and Kazakh)
        dialect = csv.Sniffer().sniff(text[:10000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return str(path), list(csv.reader(io.StringIO(text, newline=""), dialect)), []


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows_of(label: str, table: list[list[str]], mapping: Mapping) -> tuple[list[Row], list[Diagnostic]]:
    """Each row's cells by field name; the header's problems."""
    if not table:
        return [], [error(Position(label), "the sheet is empty; its first row must name the columns")]
    header = [h.strip() for h in table[0]]
    wanted = mapping.columns or {h: h for h in header if h in FIELDS}
    problems = []
    where: dict[str, int] = {}
    for name, title in wanted.items():
        if title not in header:
            problems.append(error(Position(label, 1, 1), f"no column '{title}' for {name}{did_you_mean(title, header)}"))
        else:
            where[name] = header.index(title)
    if not mapping.columns:
        for i, title in enumerate(header):
            if title and title not in FIELDS:
                problems.append(
                    warning(
                        Position(label, 1, letter(i)),
                        f"column '{title}' is not read{did_you_mean(title, FIELDS)}: name it as a field ({', '.join(FIELDS)}), "
                        f"or write a mapping (--mapping)",
                    )
                )
    if "name" not in where and not has_errors(problems):
        problems.append(error(Position(label, 1, 1), "no column for the name; name one 'name', or map it (--mapping)"))
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        text = {name: (cells[i].strip() if i < len(cells) else "") for name, i in where.items()}
        rows.append(Row(number, text, {name: letter(i) for name, i in where.items()}))
    return rows, problems


def _meant(mapping: Mapping, name: str, text: str) -> str:
    return mapping.values.get(name, {}).get(text.casefold(), text)


def _split(mapping: Mapping, name: str, text: str) -> list[str]:
    return [_meant(mapping, name, part.strip()) for part in text.replace("\n", ";").split(";") if part.strip()]


def entry_text(row: Row, mapping: Mapping, cities: dict) -> tuple[str, dict[int, str]]:
    """The entry for ``row`` as an editor would write it, and which field each line came from (for
    messages). ``cities``: a city's name or id, casefolded -> its id."""
    q = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731 (a JSON string is a YAML scalar)
    cells = row.cells
    sources = _split(mapping, "sources", cells.get("sources", "")) or list(mapping.sources)
    lines: list[tuple[str, str]] = [("", "---")]
    lines.append(("name", f"name: {q(cells.get('name', ''))}"))
    if cells.get("aliases"):
        lines.append(("aliases", f"aliases: [{', '.join(q(a) for a in _split(mapping, 'aliases', cells['aliases']))}]"))
    if cells.get("age"):
        age = cells["age"]
        lines += [
            ("age", "age:"),
            ("age", f"  years: {age if age.isdigit() else q(age)}"),
            ("date", f"  as_of: {q(cells.get('date') or '2022-01')}"),
            ("sources", f"  sources: [{', '.join(q(s) for s in sources)}]"),
        ]
    if cells.get("occupation"):
        lines += [("occupation", "occupation:"), ("occupation", f"  text: {q(cells['occupation'])}")]
        lines.append(("sources", f"  sources: [{', '.join(q(s) for s in sources)}]"))
    if cells.get("city"):
        city = _meant(mapping, "city", cells["city"])
        lines.append(("city", f"city: {q(cities.get(city.casefold()) or make_id(city))}"))
    lines.append(("fates", f"fates: [{', '.join(q(f) for f in _split(mapping, 'fates', cells.get('fates', '')))}]"))
    if cells.get("date") or cells.get("what"):
        lines += [("date", "events:"), ("date", f"  - date: {q(cells.get('date', ''))}"), ("what", f"    what: {q(cells.get('what', ''))}")]
        if cells.get("fate"):
            lines.append(("fate", f"    fate: {q(_meant(mapping, 'fate', cells['fate']))}"))
        lines.append(("sources", f"    sources: [{', '.join(q(s) for s in sources)}]"))
    lines.append(("sources", f"sources: [{', '.join(q(s) for s in sources)}]"))
    consent = cells.get("consent", "")
    if cells.get("not_duplicate_of"):
        lines.append(
            (
                "not_duplicate_of",
                f"not_duplicate_of: [{', '.join(q(i) for i in _split(mapping, 'not_duplicate_of', cells['not_duplicate_of']))}]",
            )
        )
    if consent:
        lines += [("consent", "private:"), ("consent", f"  consent: {q(consent)}")]
    if _meant(mapping, "consent", consent).casefold() in NO_CONSENT:
        # (never published without consent: a draft, or by initials only where the mapping says so)
        if mapping.without_consent == "draft":
            lines.append(("consent", DRAFT))
        else:  # (the address is drawn when the entry is written: see _written)
            lines += [("consent", "display: initials"), ("consent", f"address: {ADDRESS_TO_DRAW}")]
    lines.append(("", "---"))
    for line in cells.get("story", "").replace("\r\n", "\n").split("\n") if cells.get("story") else []:
        lines.append(("story", line))
    return "\n".join(text for _, text in lines) + "\n", {i: name for i, (name, _) in enumerate(lines, start=1) if name}


@dataclass(frozen=True)
class Planned:
    row: Row
    rid: str
    path: Path
    text: str
    fields: dict  # line -> field
    shown: str  # the row as messages name it


def import_sheet(
    sheet_path: Path, content_dir: Path, mapping_path: Path | None, *, dry_run: bool, with_duplicates: bool, out=print, say=print
) -> int:
    """The command: 0 when every row is written or was there already, 1 when rows have errors (nothing is
    written then), 2 when the sheet or the mapping cannot be read."""
    from . import pipeline
    from .load import Loaded, load_content, parse_file
    from .rules import address_problem
    from .schema import fresh_address
    from .validate import validate

    mapping, problems = read_mapping(mapping_path) if mapping_path else (Mapping(), [])
    if mapping is None or has_errors(problems):
        _report(problems, out)
        return 2
    label, table, read_problems = read_sheet(sheet_path, mapping.sheet)
    rows, header_problems = rows_of(label, table, mapping)
    problems += read_problems + header_problems
    if has_errors(problems):
        _report(problems, out)
        return 2
    for stale in (content_dir / "people").glob(".*.tmp"):  # (an import killed while writing)
        stale.unlink(missing_ok=True)
    last = pipeline.cache.load((Path("output")).absolute(), checks_only=True)  # (spares parsing unchanged files)
    loaded = load_content(content_dir, last.parsed, workers=os.cpu_count() or 1)
    known = {doc.id for doc in loaded.documents if doc.kind == "people"}
    cities = {}
    for doc in loaded.documents:
        if doc.kind == "cities":
            cities[doc.id.casefold()] = doc.id
            for name in [doc.data.get("name"), *(doc.data.get("aliases") or [])]:
                if isinstance(name, str):
                    cities[name.casefold()] = doc.id
    planned: list[Planned] = []
    there = 0
    taken = set(known)
    for row in rows:
        text, fields = entry_text(row, mapping, cities)
        base = make_id(row.cells.get("name", "")) or f"row-{row.number}"
        rid, n = base, 1
        while True:  # the id `new` would give it; a namesake already in the record gets the next free one
            path = content_dir / "people" / f"{rid}.md"
            if path.is_file() and ADDRESS_LINE.sub(f"address: {ADDRESS_TO_DRAW}", path.read_text(encoding="utf-8")) == text:
                rid = None  # imported before: left alone
                break
            if rid not in taken and not address_problem("people", rid) and not path.exists():
                break
            n += 1
            rid = f"{base}-{n}"
        if rid is None:
            there += 1
            continue
        taken.add(rid)
        planned.append(Planned(row, rid, path, text, fields, f"{label}:{row.number}"))
    # Checked with the record as it is: the same checks, the same words.
    docs, diags = [], []
    for p in planned:
        raw = p.text.replace(f"\n{DRAFT}\n", f"\n{CHECKED_AS}\n").encode("utf-8")
        doc, found = parse_file(raw, p.path, "people", p.shown, hashlib.sha256(raw).hexdigest(), track_positions=True)
        diags += found
        if doc is not None:
            docs.append(doc)
    checked = validate(
        Loaded(loaded.documents + tuple(docs), loaded.diagnostics + tuple(diags), loaded.unreadable),
        content_dir,
        focus={p.rid for p in planned},
    )
    by_shown = {p.shown: p for p in planned}
    bad: set[str] = set()
    found: dict = {}  # (a source named in several fields of an entry comes from one cell: said once)
    for d in checked.diagnostics:
        p = by_shown.get(d.position.path)
        if p is None or "may be the same person" in d.message:  # (the record's own problems are `check`'s; duplicates below)
            continue
        column = p.row.columns.get(p.fields.get(d.position.line, "name"), "A")
        found.setdefault(
            (p.row.number, len(column), column, d.message), Diagnostic(d.severity, Position(label, p.row.number, column), d.message)
        )
        if d.severity == "error":
            bad.add(p.rid)
    problems += [found[k] for k in sorted(found)]
    # Likely duplicates: of the record, or of an earlier row of the sheet; reported, not written.
    people = checked.records["people"]
    held: set[str] = set()
    row_of = {p.rid: p for p in planned}
    for s in [] if with_duplicates else checked.suspects:
        if s.a in row_of and s.b in row_of:  # two rows: the later one waits
            a, b = (s.a, s.b) if row_of[s.a].row.number > row_of[s.b].row.number else (s.b, s.a)
        elif s.a in row_of or s.b in row_of:
            a, b = (s.a, s.b) if s.a in row_of else (s.b, s.a)
        else:
            continue
        p, other = row_of[a], people[b]
        problems.append(
            warning(
                Position(label, p.row.number, p.row.columns.get("name", "A")),
                f"'{p.row.cells.get('name')}' may be the same person as '{other.data.name}' in {other.doc.display} ({s.why}); "
                f"not written: merge what the row adds into that entry, or if someone has checked they are different people "
                f"put '{b}' in the row's not_duplicate_of column (or import with --with-duplicates)",
            )
        )
        held.add(a)
    _report(sorted(problems, key=lambda d: (d.position.line, len(str(d.position.column)), str(d.position.column))), out)
    if bad:
        say(f"{len(bad)} row(s) have errors; nothing was written. Correct the sheet and import it again.")
        return 1
    todo = [p for p in planned if p.rid not in held]
    drafts = sum(f"\n{DRAFT}\n" in p.text for p in todo)
    if dry_run:
        say(
            f"would write {len(todo)} entries ({drafts} as drafts, without recorded consent); {len(held)} held back as possible duplicates; {there} already in the record"
        )
        return 0
    for p in todo:
        _write_new(p.path, p.text.replace(f"address: {ADDRESS_TO_DRAW}", f"address: {fresh_address()}"))
    say(
        f"wrote {len(todo)} entries into {content_dir / 'people'} ({drafts} as drafts, without recorded consent); {len(held)} held back as possible duplicates; {there} already in the record"
    )
    return 0


def _write_new(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all, and never over a file (a link of a finished temporary file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(text.encode("utf-8"))
    try:
        os.link(tmp, path)  # (fails if the file exists)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def _report(problems: list[Diagnostic], out) -> None:
    """Every problem; a warning met on many rows (a sheet without stories) is shown three times, then counted."""
    seen: dict[str, int] = {}
    for d in problems:
        seen[d.message] = seen.get(d.message, 0) + 1
        if d.severity == "error" or seen[d.message] <= 3:
            out(d.format())
    for message, count in seen.items():
        if count > 3 and not any(d.severity == "error" and d.message == message for d in problems):
            out(f"... and {count - 3} more row(s): warning: {message}")

"""Stage 2 — validate: raw documents → typed records, every problem → a diagnostic.

Schema errors come from the pydantic models in ``schema``; this module adds
what one file cannot know alone: references that must resolve, dates that must
fall where they belong, routes that must not collide. It never stops at the
first problem.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import typing
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from . import duplicates, privacy
from .diagnostics import Diagnostic, did_you_mean, error, has_errors, warning
from .load import Loaded, RawDocument, in_full
from .markdown import nesting_problem
from .rules import address_problems, check_ids, record_problems, reference_problems
from .schema import MODELS, Site, parse_partial_date

# "In the future" is judged by the day in Kazakhstan, whatever the zone of the machine that checks (the
# zone data comes from the tzdata package where the system has none: Windows).
KAZAKHSTAN = ZoneInfo("Asia/Almaty")


@dataclass(frozen=True, slots=True)
class Record:
    kind: str
    id: str
    data: BaseModel  # the validated model from schema.MODELS[kind]
    body: str
    doc: RawDocument  # for positions and the file's path
    refs: tuple = ()  # (path, kind, id) of every city and source it names: found once while validating
    dates: tuple = ()  # (path, PartialDate) of every date in it
    cited: tuple = ()  # the source ids it cites, in the order a reader meets them on its page: see _cited()

    @property
    def status(self) -> str:
        return getattr(self.data, "status", "published")


@dataclass(frozen=True)
class Validated:
    site: Site | None
    records: dict  # kind -> {id: Record}, in file-name order
    diagnostics: tuple[Diagnostic, ...]
    whole: tuple[Diagnostic, ...] = ()  # those of diagnostics that come from a look at every record
    today: dt.date | None = None  # the day it was checked on ("in the future")
    citations: Counter | None = None  # source id -> how many records cite it
    documents: dict = field(default_factory=dict)  # each file's own checks, by its bytes: for the next build
    searched: dict = field(default_factory=dict)  # the search for duplicates' memo, for the next build
    suspects: tuple = ()  # every pair of people who may be one (duplicates.Suspect), most likely first
    rules: dict = field(default_factory=dict)  # each record's problems under rules.record_problems, for the next check (_problems_key)

    @property
    def ok(self) -> bool:
        return not has_errors(list(self.diagnostics))


@dataclass(frozen=True)
class Checking:
    """validate()'s answer while the search for people entered twice may still be running in another
    process. ``first`` has the records and every problem except the warnings that come from looking at
    all records at once (unused sources, possible duplicates): a build can go on with it meanwhile.
    ``finish()`` waits for the search and gives the whole answer."""

    first: Validated
    finish: Callable[[], Validated]


def validate(loaded: Loaded, content_dir: Path, today: dt.date | None = None, **last) -> Validated:
    """Typed records and every problem (the arguments are start_validation's)."""
    return start_validation(loaded, content_dir, today, **last).finish()


def start_validation(
    loaded: Loaded,
    content_dir: Path,
    today: dt.date | None = None,
    *,
    partial: bool = False,
    last: Validated | None = None,
    people: Collection[str] | None = None,
    documents: dict | None = None,
    searched: dict | None = None,
    rules: dict | None = None,
    focus: Collection[str] | None = None,
) -> Checking:
    """Typed records and every problem, without waiting for the search for duplicates (see Checking).

    ``partial``: only some files were loaded (``check PATH...``), so checks that need the whole record
    (unused sources, duplicates) are left to the full check. ``last``: the last build's answer, and
    ``people`` the ids of the only people whose files changed since: then only their checks are done
    again, and those over every record (when the change reaches further, everything is checked).
    ``documents``, ``searched`` and ``rules``: memos of an earlier answer (Validated's), read and never changed.
    ``focus``: the ids of the only people whose possible duplicates are warned about one by one (`check
    --since`); without it, the most likely few are (see duplicates.shown)."""
    today = today or dt.datetime.now(KAZAKHSTAN).date()
    if last is not None and people is not None:
        again = _again(loaded, last, people, content_dir, today)
        if again is not None:
            return Checking(again, lambda: again)
    documents = last.documents if last is not None else documents or {}
    searched = last.searched if last is not None else searched or {}
    diags: list[Diagnostic] = list(loaded.diagnostics)
    records: dict[str, dict[str, Record]] = {kind: {} for kind in MODELS if kind != "site"}
    site: Site | None = None
    site_doc: RawDocument | None = None
    invalid: dict[str, set[str]] = {kind: set() for kind in records}  # reported already; don't cascade
    for kind, rid in loaded.unreadable:
        invalid[kind].add(rid)
    seen: dict = {}  # each file's own checks, for the next build: only this build's files, so it does not grow
    failed: list[RawDocument] = []  # the files that failed their schema
    # The search for people entered twice starts first, in a process of its own that checks the people's
    # files itself: with many people it runs on the other core while this one checks everything. Not when
    # the last search can be brought up to date (the same people, few of their files changed): a process
    # forked beside this one makes each page of memory this one touches meanwhile a copy.
    early = None
    people_docs = [doc for doc in loaded.documents if doc.kind == "people"]
    fresh = {doc.id for doc in people_docs if (doc.kind, doc.display, doc.sha) not in documents}  # (bytes not checked before)
    if not partial and not _searched_before(people_docs, fresh, searched):
        early = duplicates.search_later(lambda: _valid_people(people_docs, documents), len(people_docs))
    for doc in loaded.documents:
        data, problems, refs, dates, cited = seen[doc.kind, doc.display, doc.sha] = _checked(doc, documents)
        if data is None:
            diags.extend(_as_draft(doc, problems))
            if doc.kind != "site":
                invalid[doc.kind].add(doc.id)
                former = doc.data.get("former_ids") if isinstance(doc.data, dict) else None
                diags.extend(address_problems(doc.kind, doc.id, former if isinstance(former, list) else [], doc.position))
                failed.append(doc)  # (its cities and sources are looked up once every file is read)
            continue
        if doc.kind == "site":
            site, site_doc = data, doc
            diags.extend(_site_problems(data, doc))
            continue
        same = records[doc.kind].get(doc.id)
        if same is not None:
            diags.append(error(doc.position(), f"id '{doc.id}' is used by {same.doc.display} too; ids must be unique — rename one file"))
            continue
        records[doc.kind][doc.id] = Record(doc.kind, doc.id, data, doc.body, doc, refs, dates, cited)
    # (people whose bytes were checked before are as the last search had them: only the others are compared)
    duplicates_found = None if partial else _check_duplicates(records, searched, fresh if documents else None, early, focus)
    # A file that failed its schema still has its cities and sources looked up, so that one problem does
    # not hide the next (a bad date and a misspelt city: both in one round)
    for doc in failed:
        refs: list = []
        _find_refs(doc.data, (), refs)
        diags.extend(_as_draft(doc, reference_problems(refs, doc.position, records, invalid)))
    names = privacy.name_index(records["people"])
    context = _problems_context(records, invalid, site_doc, today, content_dir, names, partial)
    known = rules["found"] if rules and rules.get("context") == context else {}
    found_now: dict = {}
    for kind in records:
        for rec in records[kind].values():
            key = _problems_key(rec, records)
            found = known.get(key) if key is not None else None
            if found is None:
                found = record_problems(_in_full(rec), records, invalid, site, today, content_dir, names, partial)
            if key is not None and not has_errors(found):  # (an error is checked again: its message may suggest a fresh address)
                found_now[key] = found
            diags.extend(found)
    memo = {"context": context, "found": found_now}
    if site is not None:  # (the site's own texts: its title, description and the home page's intro)
        diags.extend(privacy.privacy_problems(Record("site", "site", site, "", site_doc), records, names))
    diags.extend(check_ids(records))
    citations = None if partial else _citations(records)

    def finish() -> Validated:
        if duplicates_found is None:
            return Validated(site, records, tuple(diags), (), today, citations, seen, searched, rules=memo)
        found, suspects, searched_now = duplicates_found()
        whole = (*_uncited(records, citations), *found)
        return Validated(site, records, (*diags, *whole), whole, today, citations, seen, searched_now, suspects, memo)

    return Checking(Validated(site, records, tuple(diags), (), today, citations, seen, searched, rules=memo), finish)


def _searched_before(people_docs: list[RawDocument], fresh: set, searched: dict) -> bool:
    """Whether the last search for duplicates (``searched``) can likely be brought up to date rather than
    made again: the same people, and few of their files changed (``fresh``)."""
    known = searched.get("inputs")
    return known is not None and len(fresh) <= 100 and len(known) == len(people_docs) and all(doc.id in known for doc in people_docs)


def _problems_context(records: dict, invalid: dict, site_doc, today: dt.date, content_dir: Path, names, partial: bool) -> str:
    """A key over everything rules.record_problems reads besides the record itself, but for what
    _problems_key leaves to the record: the cities and sources defined (and their texts: a fact's city
    is looked for by name), those refused, the site file, the day, the people shown by initials."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{today}\0{partial}\0{content_dir}\0{site_doc.sha if site_doc else None}\n".encode())
    for kind in ("cities", "sources"):
        h.update(f"{kind}\0{sorted(invalid[kind])}\n".encode())
        h.update("\0".join(f"{rid}\0{rec.doc.sha}" for rid, rec in records[kind].items()).encode())
    h.update(repr(sorted((p.rid, p.shown, p.initials, sorted(p.words)) for p in names.people.values())).encode())
    return h.hexdigest()


def _in_full(rec: Record) -> Record:
    """``rec`` with its text and the places it names cities, sources and dates: the check cache leaves them
    out of the files whose records it keeps (read again here, for the rules whose answer was not kept)."""
    if rec.body is not None:
        return rec
    doc = in_full(rec.doc)
    refs, dates = _refs_and_dates(doc)
    return replace(rec, body=doc.body, doc=doc, refs=refs, dates=dates)


def _problems_key(rec: Record, records: dict) -> tuple | None:
    """The key of a record's problems under one _problems_context: its bytes (and a translation's record's,
    whose facts and names it is read against). None, to check it again every time, when it names other people
    (not_duplicate_of: who exists), or has a photo (whose file may change with the entry unchanged)."""
    if rec.kind == "people" and (rec.data.not_duplicate_of or rec.data.photo is not None):
        return None
    if rec.kind == "translations":
        kind, name = rec.id.split("/", 1)
        translated = records[kind].get(name.rsplit(".", 1)[0])
        return (rec.kind, rec.doc.display, rec.doc.sha, translated.doc.sha if translated is not None else None)
    return (rec.kind, rec.doc.display, rec.doc.sha)


def _site_problems(site: Site, doc: RawDocument) -> list[Diagnostic]:
    """What site.yaml's schema cannot say: an intro's Markdown nesting, and texts given for a language the
    site does not have (or for its own, whose text is the fields themselves)."""
    out = []
    intros = [(("intro",), site.intro)] + [(("translations", code, "intro"), t.intro) for code, t in site.translations.items() if t.intro]
    for path, intro in intros:
        nested = nesting_problem(intro)
        if nested:
            out.append(error(doc.position(path), f"intro: {nested[1]} (line {nested[0] + 1} of the intro)"))
    others = [code for code in site.languages if code != site.default_language]
    for code in site.translations:
        if code not in others:
            out.append(
                error(
                    doc.position(("translations", code), key=True),
                    f"translations: '{code}' is not one of the site's other languages ({', '.join(others) or 'none'}); "
                    + (
                        f"the {code} text is the fields title, description and intro themselves"
                        if code == site.default_language
                        else f"add it to languages, or give the text of {', '.join(others) or 'another language'} instead"
                    ),
                )
            )
    return out


def _again(loaded: Loaded, last: Validated, people: Collection[str], content_dir: Path, today: dt.date) -> Validated | None:
    """What a whole validation would answer had only the files of ``people`` changed since ``last``,
    worked out from it: their own checks, then the checks over every record (unused sources,
    duplicates). That is the usual edit in `serve`. None when the change reaches further: a file no
    longer valid, another id, former ids (they are checked against everyone's), or a new day."""
    if last.today != today or last.site is None or not last.ok or not people:
        return None
    before = last.records["people"]
    docs = [doc for doc in loaded.documents if doc.kind == "people" and doc.id in people]
    shown = {doc.display for doc in docs}
    if len(docs) != len(people) or any(d.position.path in shown for d in loaded.diagnostics):
        return None
    now = dict(before)
    changed: dict[str, Record] = {}
    documents = dict(last.documents)
    for doc in docs:
        old = before.get(doc.id)
        data, problems, refs, dates, cited = checked = _checked(doc, documents)
        if (
            old is None
            or data is None
            or problems
            or data.former_ids
            or old.data.former_ids
            or _hidden_names(old.data) != _hidden_names(data)
        ):
            return None
        documents.pop((old.doc.kind, old.doc.display, old.doc.sha), None)
        documents[(doc.kind, doc.display, doc.sha)] = checked
        changed[doc.id] = now[doc.id] = Record(doc.kind, doc.id, data, doc.body, doc, refs, dates, cited)
    records = {**last.records, "people": now}
    # their translations are read against them (a translated fact names the entry's fact by its date): checked again too
    languages = last.site.languages
    translations = [tr for pid in changed for lang in languages if (tr := records["translations"].get(f"people/{pid}.{lang}"))]
    shown |= {tr.doc.display for tr in translations}
    whole = set(last.whole)
    diags = [d for d in last.diagnostics if d.position.path not in shown and d not in whole]
    invalid = {kind: set() for kind in records}  # none: the last build had no errors
    names = privacy.name_index(now)  # (the same people shown by initials, with the same names: see _hidden_names)
    for rec in [*changed.values(), *translations]:
        diags.extend(record_problems(rec, records, invalid, last.site, today, content_dir, names))
    # Who cites each source, from the last answer's count (never from a refused edit's: each answer keeps its own).
    citations = Counter(last.citations if last.citations is not None else _citations(last.records))
    for pid, rec in changed.items():
        citations.subtract(before[pid].cited)
        citations.update(rec.cited)
    found, suspects, searched = _check_duplicates(records, last.searched, changed)()
    found = [*_uncited(records, citations), *found]
    diags.extend(found)
    return Validated(last.site, records, tuple(diags), tuple(found), today, citations, documents, searched, suspects)


def _hidden_names(data) -> tuple:
    """What other records are read for about a person: if they are shown by initials, their names and their
    address (an edit of them is checked against every record, and the address against every other's)."""
    if data.display != "initials":
        return (None, data.address)
    return (data.name, data.aliases, data.name_forms, data.address)


def _as_draft(doc: RawDocument, problems) -> list[Diagnostic]:
    """A draft is published by no build: what it lacks stops nothing (a fresh stub from `new` is a
    draft), so its problems are warnings until its status says published."""
    if not (isinstance(doc.data, dict) and doc.data.get("status") == "draft"):
        return list(problems)
    return [
        warning(d.position, f"{d.message} (a draft, so this stops nothing yet; fix it before 'status: published')")
        if d.severity == "error"
        else d
        for d in problems
    ]


def _checked(doc: RawDocument, documents: dict) -> tuple:
    """One file's own checks: (validated data or None, schema problems, references, dates, sources cited),
    from ``documents`` when the same bytes were checked before."""
    found = documents.get((doc.kind, doc.display, doc.sha))
    if found is None:
        model = MODELS[doc.kind]
        try:
            data, problems = model.model_validate(doc.data), ()
        except ValidationError as exc:
            data, problems = None, tuple(_schema_diagnostics(doc, model, exc))
        refs, dates = _refs_and_dates(doc) if data is not None else ((), ())
        found = (data, problems, refs, dates, _cited(model, refs))
    return found


def _refs_and_dates(doc: RawDocument) -> tuple[tuple, tuple]:
    """Where a valid file names cities and sources ((path, kind, id)), and its dates ((path, PartialDate))."""
    refs: list = []
    dates: list = []
    _find_refs_and_dates({k: v for k, v in doc.data.items() if k != "private"}, (), refs, dates)
    return tuple(refs), tuple(dates) if doc.kind != "site" else ()


# ---------------------------------------------------------------- schema errors

_TYPE_NAMES = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true/false",
    list: "a list",
    dict: "fields (key: value)",
    type(None): "nothing",
}


def _found(value) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _schema_diagnostics(doc: RawDocument, model: type[BaseModel], exc: ValidationError) -> list[Diagnostic]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        kind = err["type"]
        value = err.get("input")
        field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
        label = f"{field}: " if field else ""
        at_key = False
        if kind == "missing":
            msg = f"required field '{loc[-1]}' is missing"
            pos = doc.position(loc[:-1])
        elif kind == "extra_forbidden":
            allowed = list(_fields_at(model, loc[:-1]))
            msg = f"unknown field '{loc[-1]}'{did_you_mean(str(loc[-1]), allowed)}; allowed fields: {', '.join(allowed)}"
            pos = doc.position(loc, key=True)
            at_key = True
        elif kind == "literal_error":
            choices = [c.strip(" '") for c in err["ctx"]["expected"].replace(" or ", ", ").split(",")]
            msg = f"{label}'{value}' is not allowed{did_you_mean(str(value), choices)}; use one of: {', '.join(choices)}"
        elif kind in (
            "string_type",
            "list_type",
            "dict_type",
            "model_type",
            "int_type",
            "float_type",
            "bool_type",
            "int_parsing",
            "float_parsing",
            "bool_parsing",
        ):
            want = {
                "string": "text",
                "list": "a list, e.g. [a, b]",
                "dict": "fields (key: value)",
                "model": "fields (key: value)",
                "int": "a whole number",
                "float": "a number",
                "bool": "true or false",
            }[kind.split("_")[0]]
            msg = f"{label}expected {want}, found {_found(value)}"
            if value is None and want == "text":
                msg = f'{label}has no value (null, ~ and an empty value mean none); write it, in quotes if it is the word itself: "null"'
        elif kind in ("string_too_long", "too_long") and isinstance(value, str):
            msg = f"{label}is {len(value):,} characters long; the limit is {err['ctx']['max_length']}: shorten it"
        elif kind == "too_short":
            msg = f"{label}must not be empty" if isinstance(value, str) else f"{label}must list at least {err['ctx']['min_length']}"
        elif kind == "string_pattern_mismatch" and field in ("city", "sources", "language") or isinstance(loc[-1], int):
            msg = (
                f"{label}'{value}' is not a valid id: use lowercase letters, digits and hyphens"
                if field != "language"
                else f"{label}'{value}' is not a language code such as en, ru or kk"
            )
        elif kind == "value_error":
            msg = label + err["msg"].removeprefix("Value error, ")
        else:
            msg = label + err["msg"][0].lower() + err["msg"][1:]
        if not at_key:
            pos = doc.position(loc) if kind != "missing" else pos
        out.append(error(pos, msg))
    return out


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the (nested) model found at ``loc``, for did-you-mean."""
    cls: typing.Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = cls.model_fields.get(part)
        if field is None:
            return []
        cls = _inner_model(field.annotation)
        if cls is None:
            return []
    return list(cls.model_fields)


def _inner_model(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------- references


def _find_refs_and_dates(value, path: tuple, refs: list, dates: list) -> None:
    """Append (path, field, id) for every `city` and `sources` reference inside a record to ``refs``,
    and (path, PartialDate) for every date to ``dates``: one walk for both (it was a tenth of a check)."""
    # (a text or a number holds neither: only lists and fields are walked into, a third of the calls)
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "city" and isinstance(item, str):
                refs.append((path + (key,), "cities", item))
            elif key == "sources" and isinstance(item, list):
                here = path + (key,)
                refs.extend((here + (i,), "sources", ref) for i, ref in enumerate(item))
            elif key in DATE_FIELDS and isinstance(item, (str, int)):
                dates.append((path + (key,), parse_partial_date(item)))
            elif isinstance(item, (dict, list)):
                _find_refs_and_dates(item, path + (key,), refs, dates)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)):
                _find_refs_and_dates(item, path + (i,), refs, dates)


DATE_FIELDS = ("date", "end_date", "as_of")


def _find_refs(value, path: tuple, refs: list) -> None:
    """The `city` and `sources` references of a file whatever else is wrong in it (see _find_refs_and_dates)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "city" and isinstance(item, str):
                refs.append((path + (key,), "cities", item))
            elif key == "sources" and isinstance(item, list):
                refs.extend((path + (key, i), "sources", ref) for i, ref in enumerate(item))
            elif key != "private":
                _find_refs(item, path + (key,), refs)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _find_refs(item, path + (i,), refs)


def _cited(model: type[BaseModel], refs: tuple) -> tuple[str, ...]:
    """Source ids among ``refs`` in the order a reader meets them on the record's page: the model's field
    order, then the entry's own ``sources``."""
    order = _field_order(model)
    seen: dict[str, None] = {}
    own: list[str] = []
    for path, kind, ref in sorted(refs, key=lambda r: order.get(r[0][0], len(order))):  # stable: within a field, as written
        if kind != "sources":
            continue
        if len(path) == 2 and path[0] == "sources":
            own.append(ref)
        else:
            seen[ref] = None
    seen.update(dict.fromkeys(own))
    return tuple(seen)


@functools.cache
def _field_order(model_type) -> dict[str, int]:
    return {name: i for i, name in enumerate(model_type.model_fields)}


def _check_duplicates(records, memo: dict, changed=None, early=None, focus=None) -> Callable[[], tuple[list[Diagnostic], tuple, dict]]:
    """People who may have been entered twice: a function giving the warnings about the pairs shown one by
    one (see duplicates.shown), every pair, and the search's memo for the next build (the search may be
    running in another process meanwhile; see duplicates.find_remembered)."""
    people = records["people"]
    search = duplicates.find_remembered({pid: rec.data for pid, rec in people.items()}, memo, changed, early)

    def warnings() -> tuple[list[Diagnostic], tuple, dict]:
        out = []
        suspects, memo_after = search()
        for s in duplicates.shown(suspects, focus):
            here, there = (s.b, s.a) if focus is not None and s.a not in focus else (s.a, s.b)  # on the changed entry
            a, b = people[here], people[there]
            out.append(
                warning(
                    a.doc.position(("name",)),
                    f"'{a.data.name}' may be the same person as '{b.data.name}' in {b.doc.display} ({s.why}); "
                    f"merge the two entries, or if someone has checked they are different people write "
                    f"'{duplicates.checked_line(a.data, there)}' here",
                )
            )
        return out, tuple(suspects), memo_after

    return warnings


def _valid_people(docs: list[RawDocument], documents: dict) -> dict:
    """id -> data of each person whose file passes its own checks: what validate() keeps of them (only
    the schema decides that, see _checked; the rest of those checks is not needed here). ``documents``:
    files checked before, by their bytes (_checked)."""
    model = MODELS["people"]
    out: dict = {}
    for doc in docs:
        known = documents.get((doc.kind, doc.display, doc.sha))
        if known is not None:
            data = known[0]
        else:
            try:
                data = model.model_validate(doc.data)
            except ValidationError:
                continue
        if data is not None:
            out.setdefault(doc.id, data)
    return out


def _citations(records: dict) -> Counter:
    """Source id -> how many records cite it."""
    return Counter(sid for kind in records for rec in records[kind].values() for sid in rec.cited)  # (each once per record)


def _uncited(records: dict, citations: Counter) -> list[Diagnostic]:
    return [
        warning(rec.doc.position(), f"source '{sid}' is not cited by any entry; cite it or remove the file")
        for sid, rec in records["sources"].items()
        if citations[sid] <= 0
    ]

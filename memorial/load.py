"""Stage 1 — load: walk content/, split front matter, parse YAML keeping positions.

Output is one ``RawDocument`` per file: plain Python data plus the line and
column of every key and value, so later stages can point an editor at the exact
place of a problem. YAML is parsed with the safe loader (LibYAML's when
present); dates stay strings so that ``2022-01`` and ``2022-01-05`` are treated
alike and validated in one place.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import subprocess
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import characters, parallel
from .diagnostics import Diagnostic, Position, did_you_mean, display_root, error, warning
from .yamlread import parse_yaml

# folder -> extensions a record of that kind may have
KINDS: dict[str, tuple[str, ...]] = {
    "sources": (".yaml",),
    "cities": (".yaml", ".md"),
    "people": (".md",),
    "events": (".md",),
    "days": (".md",),
    "figures": (".yaml",),
    "pages": (".md",),
}
SITE_FILE = "site.yaml"
MAX_FILE_BYTES = 1_000_000  # a person entry is a few KB; anything this big is a mistake
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# <id>.<language>.md beside a record: its text in another language (people, events, pages, cities, days,
# figures: a figure's own file is YAML, its translations are .md files like every other kind's)
TRANSLATION_RE = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z]{2,3})\.md$")
TRANSLATABLE = ("people", "events", "pages", "cities", "days", "figures")

PathKey = tuple  # ("events", 0, "city")
# Names Windows keeps for devices, whatever the case and extension: a file or page so named cannot be
# checked out or opened there.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))})


def windows_reserved(name: str) -> str | None:
    """Why ``name`` (a file name or an id) cannot be used on Windows, or None."""
    base = name.split(".", 1)[0].strip().lower()
    return (
        f"'{base}' is a name Windows keeps for a device, so the file and its page cannot exist there" if base in WINDOWS_RESERVED else None
    )


@dataclass(frozen=True)
class RawDocument:
    path: str  # (not a Path: the check cache holds 10,000s, and Paths cost more to read back than the rest of a document)
    display: str  # path as printed in messages
    kind: str  # "site", "people", "cities", ...
    id: str
    data: dict
    body: str | None = ""  # None: not kept, nor its fields (the check cache leaves them out of a file whose record it keeps; see in_full)
    body_line: int = 1  # line of the body's first line in the file
    values: dict | None = None  # PathKey -> (line, col) of a value; None until a message needs it
    keys: dict | None = None  # PathKey -> (line, col) of its key
    sha: str = ""  # hash of the file's bytes: the key of the build cache

    def position(self, path: PathKey = (), *, key: bool = False) -> Position:
        """The most precise known position for ``path`` (falls back to its parents).

        Positions are not kept for every file (10,000 files' worth fill memory and the cache); the
        file is read again the first time a message about it needs one."""
        values, keys = (self.values, self.keys) if self.values is not None else _positions(self.path, self.sha, self.kind, self.display)
        path = tuple(path)
        while True:
            table = (keys, values) if key else (values, keys)
            for t in table:
                if path in t:
                    line, col = t[path]
                    return Position(self.display, line, col)
            if not path:
                return Position(self.display, 1, 1)
            path = path[:-1]


@dataclass(frozen=True)
class Loaded:
    documents: tuple[RawDocument, ...]
    diagnostics: tuple[Diagnostic, ...]
    unreadable: frozenset = frozenset()  # (kind, id) of files that could not be parsed
    parsed: dict = field(default_factory=dict)  # (shown path, sha) -> (document, problems): the parse cache for next time


def load_content(content_dir: Path, cache: dict | None = None, *, workers: int = 1, unchanged: Collection[str] = ()) -> Loaded:
    """Read every content file under ``content_dir``; never raises for bad content.

    ``cache`` is the ``parsed`` table of an earlier load: files whose bytes are unchanged are not parsed
    again. ``unchanged``: files (paths relative to ``content_dir``) whose size and time are those of that
    load: they are not even read (the common case in `serve`, where one file of 10,000 changed).
    ``workers`` > 1 parses many files on several processes (YAML is most of a check's time)."""
    cache = cache or {}
    diags: list[Diagnostic] = []
    shown_root = display_root(content_dir)  # once, not per file: resolving paths is slow at 10,000 files
    files: list[tuple[str, str, str]] = []  # (path, kind of document, path as shown), in a fixed order
    site = content_dir / SITE_FILE
    if site.is_symlink():
        diags.append(error(Position(f"{shown_root}/{SITE_FILE}"), "is a symbolic link; content files must be real files in content/"))
    elif site.is_file():
        files.append((str(site), "site", f"{shown_root}/{SITE_FILE}"))
    else:
        diags.append(
            error(Position(f"{shown_root}/{SITE_FILE}"), "site.yaml is missing; every site needs one (see README: content/site.yaml)")
        )
    for kind, exts in KINDS.items():
        folder = content_dir / kind
        if folder.is_symlink():
            diags.append(error(Position(f"{shown_root}/{kind}"), "is a symbolic link; content folders must be real folders in content/"))
            continue
        if not folder.is_dir():
            continue
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            shown = f"{shown_root}/{kind}/{entry.name}"
            if entry.is_symlink():  # (it could publish a file from outside content/, or a huge one)
                diags.append(error(Position(shown), "is a symbolic link; content files must be real files in content/"))
                continue
            if entry.is_dir():
                if _has_content_files(entry.path):
                    diags.append(
                        warning(Position(shown), f"ignored: folders inside {kind}/ are not read; move their files into {kind}/ itself")
                    )
                continue
            if not entry.is_file():
                continue
            doc_kind = "translations" if kind in TRANSLATABLE and TRANSLATION_RE.match(entry.name) else kind
            if doc_kind == kind and not entry.name.endswith(exts):
                hint = f" (rename it to {exts[0]})" if entry.name.endswith((".yml", ".yaml", ".md", ".markdown", ".txt")) else ""
                diags.append(warning(Position(shown), f"ignored: a file in {kind}/ must end in {' or '.join(exts)}{hint}"))
                continue
            files.append((entry.path, doc_kind, shown))

    diags.extend(_stray_files(content_dir, shown_root))

    # With an earlier load to re-use, every file is read here (its bytes say whether it was parsed before),
    # but those known unchanged; without, the files are read where they are parsed.
    known: dict = {}
    if cache and unchanged:
        shas = {shown: sha for shown, sha in cache}
        known = {shown: (None, shas[shown]) for shown in (f"{shown_root}/{rel}" for rel in unchanged) if shown in shas}
    read = [known.get(shown) or read_hashed(path) for path, _, shown in files] if cache else [None] * len(files)
    results = [cache.get((shown, known[1])) if known else None for (_, _, shown), known in zip(files, read, strict=True)]
    todo = [(*file, known) for file, known, result in zip(files, read, results, strict=True) if result is None]
    fresh = parallel.map_chunks(_parse_many, todo, workers if len(todo) >= PARALLEL_FROM else 1)
    fresh_iter = iter(fresh)
    # (hash, parse result) of every file, in order
    found = [(known[1], result) if result is not None else next(fresh_iter) for known, result in zip(read, results, strict=True)]

    parsed: dict = {}
    docs: list[RawDocument] = []
    unreadable: set[tuple[str, str]] = set()
    for (path, kind, shown), (sha, result) in zip(files, found, strict=True):
        parsed[(shown, sha)] = result
        if not _collect(result, docs, diags) and kind != "site":
            unreadable.add((kind, _stem(path)))
    return Loaded(tuple(docs), tuple(diags), frozenset(unreadable), parsed)


CONTENT_EXTS = (".md", ".markdown", ".yaml", ".yml", ".txt")  # what an editor may have meant as a content file


def _has_content_files(folder: str) -> bool:
    return any(e.name.endswith(CONTENT_EXTS) and e.is_file() for e in os.scandir(folder))


def _stray_files(content_dir: Path, shown_root: str) -> list[Diagnostic]:
    """Content files where no record is read from (a mistyped folder, content/ itself): a warning each,
    naming the folders that are read. Other folders (photos/) hold other files."""
    out = []
    folders = ", ".join(f"{kind}/" for kind in KINDS)
    for entry in sorted(os.scandir(content_dir), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name in KINDS or entry.name == SITE_FILE:
            continue
        if entry.is_file() and entry.name.endswith(CONTENT_EXTS):
            out.append(
                warning(
                    Position(f"{shown_root}/{entry.name}"), f"ignored: records are read from the folders {folders} only; move it into one"
                )
            )
        elif entry.is_dir() and not entry.is_symlink():
            for inner in sorted(os.scandir(entry.path), key=lambda e: e.name):
                if inner.is_file() and inner.name.endswith(CONTENT_EXTS):
                    hint = did_you_mean(entry.name, KINDS)
                    out.append(
                        warning(
                            Position(f"{shown_root}/{entry.name}/{inner.name}"),
                            f"ignored: {entry.name}/ is not a folder records are read from{hint}; they are read from {folders}",
                        )
                    )
    return out


def reload(content_dir: Path, last: Loaded, changed: Collection[str]) -> Loaded:
    """What ``load_content`` would give had only the files ``changed`` (relative to ``content_dir``, each
    a document of ``last``; none added or removed) changed since ``last``: those read and parsed again,
    the rest taken as they were (`serve` after an edit: walking 10,000 files took 0.1 s)."""
    shown_root = display_root(content_dir)
    fresh: dict = {}  # path as shown -> (hash, (document or None, problems))
    unreadable = set(last.unreadable)
    for rel in changed:
        kind, _, name = rel.partition("/")
        shown = f"{shown_root}/{rel}"
        raw, sha = read_hashed(content_dir / rel)
        fresh[shown] = sha, parse_file(raw, content_dir / rel, kind, shown, sha)
        if fresh[shown][1][0] is None:
            unreadable.add((kind, Path(name).stem))
    parsed = {key: result for key, result in last.parsed.items() if key[0] not in fresh}
    parsed.update(((shown, sha), result) for shown, (sha, result) in fresh.items())
    docs = [fresh[doc.display][1][0] if doc.display in fresh else doc for doc in last.documents]
    diags = [d for d in last.diagnostics if d.position.path not in fresh]
    diags += [problem for _, (_, problems) in fresh.values() for problem in problems]
    return Loaded(tuple(doc for doc in docs if doc is not None), tuple(diags), frozenset(unreadable), parsed)


PARALLEL_FROM = 2000  # below this, starting processes costs more than it saves


def read_hashed(path: str | Path) -> tuple[bytes, str]:
    """A file's bytes and their hash (the parse cache's key)."""
    with open(path, "rb") as f:
        raw = f.read()
    return raw, hashlib.blake2b(raw, digest_size=16).hexdigest()


def _parse_many(jobs: list) -> list:
    """(hash, parse result) for each (path, kind, path as shown, (bytes, hash) or None if not read yet)."""
    out = []
    for path, kind, shown, known in jobs:
        raw, sha = known or read_hashed(path)
        out.append((sha, parse_file(raw, path, kind, shown, sha)))
    return out


def load_paths(content_dir: Path, paths: list[Path]) -> Loaded:
    """Load the given files, site.yaml, and every city and source they refer to: a quick check of a change."""
    shown_root = display_root(content_dir)
    root = content_dir.resolve()
    docs: list[RawDocument] = []
    diags: list[Diagnostic] = []
    unreadable: set[tuple[str, str]] = set()
    todo: list[tuple[str, Path]] = [("site", content_dir / SITE_FILE)]
    for path in paths:
        rel = path.resolve().relative_to(root) if path.resolve().is_relative_to(root) else None
        if rel is None or len(rel.parts) != 2 or rel.parts[0] not in KINDS:
            diags.append(
                error(
                    Position(str(path)), f"not a content file: give files inside {shown_root}/<kind>/, such as {shown_root}/people/name.md"
                )
            )
            continue
        if not path.is_file():
            folder = path.parent
            names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
            diags.append(error(Position(str(path)), f"no such file{did_you_mean(path.name, names)}; check the name"))
            continue
        kind, found = rel.parts[0], TRANSLATION_RE.match(rel.name)
        if kind in TRANSLATABLE and found:  # a translation, checked with the record it translates
            todo.append(("translations", content_dir / rel))
            todo.extend((kind, content_dir / kind / f"{found[1]}{ext}") for ext in KINDS[kind])
        else:
            todo.append((kind, content_dir / rel))
    seen: set[Path] = set()
    while todo:
        kind, path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        if not path.is_file():
            if kind == "site":
                diags.append(error(Position(f"{shown_root}/{SITE_FILE}"), "site.yaml is missing; every site needs one"))
            continue
        shown = f"{shown_root}/{SITE_FILE}" if kind == "site" else f"{shown_root}/{path.parent.name}/{path.name}"
        doc = None
        if _collect(load_file(path, kind, shown), docs, diags):
            doc = docs[-1]
        else:
            unreadable.add((kind, path.stem))
        for target, ref in _refs(doc.data if doc else {}):
            for ext in KINDS[target]:
                todo.append((target, content_dir / target / f"{ref}{ext}"))
    return Loaded(tuple(docs), tuple(diags), frozenset(unreadable))


def _refs(value):
    """(kind, id) of every city and source a raw document mentions."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "city" and isinstance(item, str):
                yield "cities", item
            elif key == "sources" and isinstance(item, list):
                yield from (("sources", ref) for ref in item if isinstance(ref, str))
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _collect(result, docs, diags):
    doc, problems = result
    diags.extend(problems)
    if doc is not None:
        docs.append(doc)
    return doc is not None


def load_file(path: Path, kind: str, shown: str) -> tuple[RawDocument | None, list[Diagnostic]]:
    """Read one file; ``shown`` is its path as printed in messages."""
    raw, sha = read_hashed(path)
    return parse_file(raw, path, kind, shown, sha)


def parse_file(
    raw: bytes, path: str | Path, kind: str, shown: str, sha: str, *, track_positions: bool = False
) -> tuple[RawDocument | None, list[Diagnostic]]:
    """One file's bytes -> its document and problems."""
    path = os.fspath(path)
    name = os.path.basename(path)
    if len(raw) > MAX_FILE_BYTES:
        return None, [
            error(Position(shown), f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,} (split it or remove pasted material)")
        ]
    problems: list[Diagnostic] = []
    if raw.startswith(b"\xef\xbb\xbf"):  # (Windows' Notepad writes one): read without it
        raw = raw[3:]
        problems.append(warning(Position(shown), "file starts with a byte-order mark, which was ignored; save it as UTF-8 without BOM"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [error(Position(shown, line, col), f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
    text = text.replace("\r\n", "\n")
    doc_id = _stem(path)
    reserved = windows_reserved(name)
    if reserved and kind != "site":
        problems.append(error(Position(shown), f"{reserved}; rename the file (e.g. to {name.replace('.', '-1.', 1)})"))
    if kind == "translations":
        doc_id = change_key(path).removesuffix(".md")  # people/x.ru: the record and the language
    elif kind != "site" and not ID_RE.match(doc_id):
        problems.append(
            error(
                Position(shown),
                f"file name '{name}' is not a valid id: use lowercase letters, digits and hyphens (the name is the record's permanent address)",
            )
        )
    if name.endswith(".md"):
        split = _split_front_matter(text)
        if split is None:
            opened = text.startswith("---\n")
            problems.append(
                error(
                    Position(shown),
                    "the fields opened by '---' on line 1 are never closed: add a line '---' after the last field, before the story"
                    if opened
                    else "couldn't find front matter: the file must start with a line '---', then the YAML fields, then another '---' line",
                )
            )
            return None, problems
        yaml_text, body, body_line = split
        line_offset = 1  # the opening '---'
        body, found = characters.scan(body, shown, body_line, fields=False)
        problems.extend(found)
    else:
        yaml_text, body, body_line, line_offset = text, "", 1, 0
    yaml_text, found = characters.scan(yaml_text, shown, 1 + line_offset, fields=True)
    problems.extend(found)
    data, values, keys, yaml_problems = parse_yaml(yaml_text, shown, line_offset, track_positions)
    problems.extend(yaml_problems)
    if data is None:
        return None, problems
    keep = (values, keys) if track_positions else (None, None)
    doc = RawDocument(path, shown, kind, doc_id, data, body, body_line, *keep, sha)
    return doc, problems


def in_full(doc: RawDocument) -> RawDocument:
    """``doc`` with its fields and body, read again from its file where a cache left them out (as positions are)."""
    if doc.body is not None:
        return doc
    again, _ = parse_file(read_hashed(doc.path)[0], doc.path, doc.kind, doc.display, doc.sha)
    return again if again is not None else replace(doc, body="")


@functools.lru_cache(maxsize=1024)  # a preview keeps them between rebuilds: warnings repeat
def _positions(path: str, sha: str, kind: str, shown: str) -> tuple[dict, dict]:
    doc, _ = parse_file(read_hashed(path)[0], path, kind, shown, sha, track_positions=True)
    return (doc.values, doc.keys) if doc else ({}, {})


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return None
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            yaml_text = "\n".join(lines[1:i]) + "\n"
            body = "\n".join(lines[i + 1 :])
            return yaml_text, body, i + 2
    return None


def change_key(path: str | Path) -> str:
    """How ``last_changed`` names a content file: its folder and name (``people/x.md``)."""
    folder, name = os.path.split(path)
    return f"{os.path.basename(folder)}/{name}"


def _stem(path: str) -> str:
    """A file's name without its last extension (Path.stem, of a str)."""
    return os.path.splitext(os.path.basename(path))[0]


def last_changed(content_dir: Path, only: list[Path] | None = None) -> dict[str, dt.date]:
    """When each content file (or each of ``only``) last changed, by ``change_key``: its last commit, or
    its mtime if uncommitted.

    Never the build clock, so two builds of the same checkout are identical.
    One ``git log`` for the whole folder (not one per file) keeps this fast.
    """

    found: dict[str, dt.date] = {}  # absolute path -> date
    root = content_dir.resolve()
    spec = [str(p.resolve()) for p in only] if only is not None else [str(root)]
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True
        ).stdout.strip()
        log = subprocess.run(
            ["git", "-C", top, "log", "--format=%x00%ct", "--name-only", "--no-renames", "--", *spec],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        dirty = subprocess.run(
            ["git", "-C", top, "status", "--porcelain", "-z", "--untracked-files=all", "--", *spec],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        top, log, dirty = None, "", ""
    if top:
        stamp = None
        for line in log.split("\n"):
            if line.startswith("\0"):
                stamp = dt.datetime.fromtimestamp(int(line[1:]), dt.UTC).date()
            elif line and stamp is not None:
                found.setdefault(os.path.join(top, line), stamp)  # newest commit comes first
        for entry in dirty.split("\0"):
            if len(entry) > 3:
                found.pop(os.path.join(top, entry[3:]), None)
    dates: dict[str, dt.date] = {}
    if only is not None:
        walked = [(str(p.resolve().parent), [p.name]) for p in only]
    else:
        walked = [(folder, names) for folder, _, names in os.walk(root)]
    for folder, names in walked:
        for name in names:
            path = os.path.join(folder, name)
            when = found.get(path)
            if when is None:
                when = dt.datetime.fromtimestamp(os.stat(path).st_mtime, dt.UTC).date()
            dates[f"{os.path.basename(folder)}/{name}"] = when
    return dates


def changed_since(content_dir: Path, ref: str) -> tuple[list[Path], str | None]:
    """The content files added or changed since git revision ``ref`` (for a pull request's branch, since
    where it left ``ref``: their merge base), committed or not, and None; or [] and why it cannot be said."""
    root = content_dir.resolve()

    def git(*args: str) -> subprocess.Popen:  # (paths in its answers are relative to root)
        return subprocess.Popen(["git", "-C", str(root), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    changed = ("diff", "--name-only", "-z", "--relative", "--no-renames", "--diff-filter=d")
    try:  # (all at once: git's start-up was most of their time; diff --merge-base would need git 2.30)
        asked = [
            git(*changed, f"{ref}...HEAD", "--", "."),  # committed since the merge base
            git(*changed, "HEAD", "--", "."),  # not committed yet
            git("ls-files", "-z", "--others", "--exclude-standard", "--", "."),  # new
        ]
        answers = [(proc, *proc.communicate()) for proc in asked]
    except OSError:
        return [], "git is not installed, so the files changed since a revision cannot be found"
    for proc, _, err in answers:
        if proc.returncode:
            return [], f"git could not compare the content with '{ref}': {err.strip() or f'git exited {proc.returncode}'}"
    named = "".join(out for _, out, _ in answers)
    paths = {root / name for name in named.split("\0") if name}
    return sorted(p for p in paths if p.is_file()), None

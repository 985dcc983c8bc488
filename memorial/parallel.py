"""The one place that starts other processes: parsing many files, the search for duplicates, rendering.

Every use forks, so the other processes inherit what this one has loaded (the code, the records, the
templates) and nothing is pickled to them. Where ``fork`` does not exist (Windows), or when another
thread is alive (a fork copies the locks it may hold), the work is done here in this process alone:
the same code, the same answer, only slower.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def workers(wanted: int) -> int:
    """How many processes may share work: ``wanted``, or 1 where forking is not possible."""
    return wanted if wanted > 1 and can_fork() else 1


OWN_SHARE = 1.15  # this process's share of map_chunks' jobs, to each forked one's 1


def map_chunks(fn: Callable[[list], list], jobs: list, processes: int) -> list:
    """``fn`` over ``jobs`` in contiguous shares, results in order: this process does the first share
    itself (its results need no sending back), ``processes - 1`` forked ones the others meanwhile, each
    sending its results back once. (Not a multiprocessing Pool: its threads took this process's interpreter
    from the parsing, and closing it waited on them: a third of the time of parsing 10,000 files.)"""
    processes = workers(processes)
    if processes == 1:
        return fn(jobs)
    # (this process's share is the larger by what sending back costs the others: pickling a parsed file
    # there and reading it here took a sixth of the time of parsing it, at 10,000 files)
    own = round(len(jobs) * OWN_SHARE / (OWN_SHARE + processes - 1))
    size = max(1, -(-(len(jobs) - own) // (processes - 1)))
    shares = [jobs[:own]] + [jobs[i : i + size] for i in range(own, len(jobs), size)]
    others = [Later(functools.partial(fn, share), background=True) for share in shares[1:]]
    try:
        return fn(shares[0]) + [r for later in others for r in later.answer()]
    finally:
        for later in others:
            later.cancel()


class Later:
    """``fn()`` worked out in a forked process while this one goes on (``background``), or here when
    asked for (``answer``) where that is not possible or the process failed."""

    def __init__(self, fn: Callable[[], object], *, background: bool) -> None:
        self.fn = fn
        self.process = None
        if background and can_fork():
            context = multiprocessing.get_context("fork")
            self.receive, send = context.Pipe(duplex=False)
            self.process = context.Process(target=_later, args=(send, fn, os.getpid()), daemon=True)
            self.process.start()
            send.close()

    def answer(self):
        if self.process is None:
            return self.fn()
        try:
            return self.receive.recv()
        except (EOFError, OSError):
            return self.fn()
        finally:
            self.cancel()

    def cancel(self) -> None:
        if self.process is not None:
            self.receive.close()
            self.process.kill()
            self.process.join()
            self.process = None


@contextlib.contextmanager
def collecting_new():
    """Cyclic garbage collection of what rendering makes (templates leave cycles behind, some kilobytes a
    page), not of what was there before: gc.freeze sets that aside, so a collection does not walk the
    records, and in a forked worker does not touch (and copy) their memory pages. The build pauses the
    collector otherwise (pipeline.collector_paused)."""
    gc.freeze()
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()


def share_out(processes: int, run: Callable[[object], list], tasks: list, own: Iterator[list], bar=None, size: int = 32) -> list:
    """Every result of ``run(task)`` for ``tasks``, and of the steps of ``own``, shared among ``processes``.

    This process first goes through ``own`` (an iterator of steps, each giving a list of results), then
    takes its share of the tasks. The tasks are cut into chunks; forked processes take them from the
    front, this one from the back, through a pair of shared counters, so no process waits for another to
    hand it work (some of this one's steps take a tenth of a second). Each forked process sends back
    what it made when there is no chunk left, or the error that stopped it, which is raised here."""
    done: list = []
    others = workers(processes) - 1
    if others == 0:
        for step in own:
            done += step
        return done + [r for task in progress(tasks, bar) for r in run(task)]
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    context = multiprocessing.get_context("fork")
    ends = context.Array("l", [0, len(chunks)])  # the first chunk not taken, and one past the last
    forked = []
    try:
        for _ in range(others):
            here, there = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(there, run, chunks, ends, os.getpid()), daemon=True)
            process.start()
            there.close()
            forked.append((here, process))
        sent: dict = {}  # what each forked process sent back: it sends once, when it has done its share
        shown = 0  # chunks taken from the front that the progress bar shows

        def look_in() -> None:
            nonlocal shown
            for link, _ in forked:
                if link not in sent and link.poll():
                    sent[link] = _received(link)  # raises the error that stopped a forked process
            front = ends[0]
            _tick(bar, sum(len(chunk) for chunk in chunks[shown:front]))
            shown = front

        for step in own:
            done += step
            look_in()
        while (chunk := _take(ends, chunks, from_back=True)) is not None:
            done += [r for task in progress(chunk, bar) for r in run(task)]
            look_in()
        for link, process in forked:
            done += sent[link] if link in sent else _received(link)
            process.join()
        _tick(bar, sum(len(chunk) for chunk in chunks[shown : ends[0]]))
        return done
    finally:  # after a failure here or in one of them: none is left behind
        for _, process in forked:
            if process.is_alive():
                process.terminate()
                process.join()


def _take(ends, chunks: list, *, from_back: bool) -> list | None:
    """The next chunk of tasks no process has taken, from the front or the back; None when none is left."""
    with ends.get_lock():
        front, back = ends[0], ends[1]
        if front >= back:
            return None
        if from_back:
            ends[1] = back - 1
            return chunks[back - 1]
        ends[0] = front + 1
        return chunks[front]


def _die_with(parent: int) -> None:
    """Make this forked process end when ``parent`` does. Killed, the parent cannot stop it, and it would
    wait for ever to send what it made (a pipe it inherited still has a reader: itself), holding its
    memory (Linux's prctl; elsewhere only the parent's own ending stops it)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # (the parent was gone already, before prctl could take effect)
        os._exit(1)


PR_SET_PDEATHSIG = 1


def _later(send, fn: Callable[[], object], parent: int) -> None:
    _die_with(parent)
    send.send(fn())


def _work(link, run, chunks: list, ends, parent: int) -> None:
    """A forked process's share of the tasks (see share_out): what it made, or the error that stopped it."""
    _die_with(parent)
    gc.enable()  # for what this process makes; what it inherited is frozen (see collecting_new)
    made: list = []
    try:
        while (chunk := _take(ends, chunks, from_back=False)) is not None:
            made += [r for task in chunk for r in run(task)]
    except Exception:
        link.send(RuntimeError(f"rendering {chunk[0]}...{chunk[-1]} failed in a worker:\n{traceback.format_exc()}"))
        return
    link.send(made)


def _received(link) -> list:
    """What a forked process sent back, taken in with the collector paused: the 26,000 entries of a
    three-tree build set off full collections of all this process had made, 0.11 s."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        made = link.recv()
    finally:
        if collecting:
            gc.enable()
    if isinstance(made, Exception):
        raise made
    return made


def _tick(bar, n: int) -> None:
    if bar is not None:
        bar.update(n)


def progress(items: Iterable, bar) -> Iterator:
    """``items``, counted on the progress bar ``bar`` (if any) as they are taken."""
    for item in items:
        if bar is not None:
            bar.update(1)
        yield item

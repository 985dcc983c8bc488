"""One writer at a time on an output folder.

`build` and `serve` hold the lock of the folder they write (`.output.lock`, beside
it) for as long as they write it; the build's cache and state files beside the
output are covered by it too. Two builds at once on one output would each bring
the same spare tree up to date and swap it in: a site missing pages, and a
manifest that no longer tells the truth.

The lock is the operating system's own (``flock`` on POSIX, ``msvcrt.locking``
on Windows), so it ends with the process that held it however that process ends:
a killed build leaves no stale lock. The file names the holder (its process id
and command) for whoever has to wait.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl


class Busy(Exception):
    """Another process writes this output; the message says which and what to do."""


def lock_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.lock"


def _take(fd: int) -> bool:
    try:
        if sys.platform == "win32":
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # (byte 0 only: the holder's name after it stays readable)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _let_go(fd: int) -> None:
    if sys.platform == "win32":
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)


def holder(out_dir: Path) -> str:
    """Who holds the lock, as they wrote it ("process 1234: build"), or "" if unknown."""
    try:
        with lock_path(out_dir).open("rb") as f:
            f.seek(1)
            return f.read(200).decode("utf-8", "replace").strip()
    except OSError:
        return ""


@contextlib.contextmanager
def holding(out_dir: Path, doing: str, *, wait: float = 10.0):
    """Hold ``out_dir``'s lock while the block runs. Another holder is waited for up to ``wait`` seconds
    (saying so once), then refused with Busy."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(out_dir), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        told = False
        while not _take(fd):
            other = holder(out_dir) or "another process"
            if time.monotonic() >= deadline:
                raise Busy(
                    f"{out_dir.name}/ is being written by {other}; wait until it has finished, stop it, or write elsewhere with --out"
                )
            if not told:
                print(f"waiting for {other} to finish writing {out_dir.name}/ ...", file=sys.stderr)
                told = True
            time.sleep(0.2)
        os.lseek(fd, 1, os.SEEK_SET)
        os.write(fd, f"process {os.getpid()}: {doing}\n".encode())
        os.ftruncate(fd, os.lseek(fd, 0, os.SEEK_CUR))
        try:
            yield
        finally:
            os.ftruncate(fd, 1)
            _let_go(fd)
    finally:
        os.close(fd)

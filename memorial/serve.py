"""Live preview: rebuild when content, templates or assets change, and reload the pages open in a browser.

The output is exactly what `build` writes. What makes an open page reload is added only to what the
preview's server sends (preview_server.py, in a process of its own, so that this one's builds may still
share their work among processes): a script that listens for builds, and shows the content's problems in
the page itself, so a refused save is seen where the editor looks.
"""

from __future__ import annotations

import errno
import json
import subprocess
import sys
import traceback
from pathlib import Path

from . import pipeline
from .cli import build_and_report, writing

SERVER = Path(__file__).with_name("preview_server.py")


class Server:
    """The preview's server process: started on the output folder, told the state of each build."""

    def __init__(self, out: Path, bind: str, port: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(SERVER), str(out.absolute()), bind, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        line = self.process.stdout.readline()  # where it listens, or why it could not
        self.answer = json.loads(line) if line.strip() else {"error": None, "message": "the preview's server did not start"}
        self.port = self.answer.get("port")

    def built(self, changed_site: bool, problems: list[str]) -> None:
        try:
            self.process.stdin.write(json.dumps({"changed": changed_site, "problems": problems}).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:  # (it is gone: the pages stop reloading, and the builds go on)
            pass

    def stop(self) -> None:
        try:
            self.process.stdin.close()  # (it ends when its input does)
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


def serve(content: Path, out: Path, port: int, bind: str = "127.0.0.1", drafts: bool = False) -> int:
    if drafts:  # a site with drafts never goes where a published one does
        out = out.with_name(f"{out.name}-with-drafts")
        print(f"drafts are shown, marked as drafts, in {out}/ (never in {out.name.removesuffix('-with-drafts')}/)", file=sys.stderr)
    # (the output's lock held as long as the preview runs: a `build` meanwhile would swap trees under it)
    return writing(content, out, "serve", lambda: _serve(content, out, port, bind, drafts))


def _serve(content: Path, out: Path, port: int, bind: str, drafts: bool) -> int:
    code, result = build_and_report(content, out, serving=True, drafts=drafts)
    server = Server(out, bind, port)
    if server.port is None:
        server.stop()
        if server.answer["error"] == errno.EADDRINUSE:
            print(f"error: port {port} is taken (another preview?); choose another with --port, e.g. --port {port + 1}", file=sys.stderr)
        else:
            print(f"error: cannot listen on {bind or 'every address'}, port {port}: {server.answer['message']}", file=sys.stderr)
        return 2
    server.built(False, _problems(result))
    host = "127.0.0.1" if bind in ("", "0.0.0.0") else bind
    print(f"previewing at http://{host}:{server.port}/index.html — save a file to rebuild; Ctrl-C stops", file=sys.stderr)
    if bind not in ("127.0.0.1", "localhost", "::1"):
        print(f"(listening on {bind or 'every address'}: other devices on this network can open it)", file=sys.stderr)
    last = result.build if result is not None else None  # the last build stays in memory: the next one starts from it
    saved: set[str] = set()  # the files saved since it was made: only those are looked at again (pipeline.build)
    try:
        for batch in _changes(content):
            saved.update(path for _, path in batch)
            try:
                code, result = build_and_report(content, out, last=last, serving=True, drafts=drafts, saved=saved)
            except Exception:  # a bug, not the content: say so, and keep previewing
                traceback.print_exc()
                server.built(False, ["The build failed with an error in the program itself; see the terminal."])
                continue
            if result is None:
                continue
            if result.unchanged or (result.build is not None and result.build is not last):
                saved = set()  # (a refused save is looked at again with the next)
            last = result.build or last
            server.built(result.ok and not result.unchanged, _problems(result))
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if last is not None:  # (its cache waits for a pause in the saves: written now, for the next start)
            last.wait()
    return 0


def _changes(content: Path):
    """Each batch of saved files under the content, templates or assets (watchfiles: the operating
    system's notifications, batched for 50 ms)."""
    from watchfiles import watch

    yield from watch(content, pipeline.TEMPLATES, pipeline.ASSETS, debounce=50, step=20, raise_interrupt=True)


def _problems(result) -> list[str]:
    """What the open page shows of the last build: its errors, as `check` prints them (warnings stay in the
    terminal: they stop nothing)."""
    if result is None:
        return []
    shown = [d.format() for d in result.diagnostics if d.severity == "error"]
    if not result.ok:
        shown.insert(0, "This save was not built: the preview shows the last good version. Fix the errors below and save again.")
    return shown

"""Live preview: rebuild when content, templates or assets change, and reload the pages open in a browser.

The output is exactly what `build` writes. What makes an open page reload is added only to what this
server sends: a script of its own (``/__preview__/reload.js``) and ``connect-src 'self'`` in the page's
Content-Security-Policy, so that the script may listen to ``/__preview__/events`` (server-sent events:
plain HTTP, no WebSocket). The script reloads the page after each build that changed the site, and shows
the content's problems in the page itself, so a refused save is seen where the editor looks.
"""

from __future__ import annotations

import errno
import http.server
import json
import sys
import threading
import traceback
from functools import partial
from pathlib import Path

from . import pipeline
from .cli import build_and_report, writing

PREFIX = "/__preview__/"
RELOAD = Path(__file__).with_name("preview.js")  # the script each served page gets
CSP = b"content=\"default-src 'none';"  # how every page's policy begins (templates/base.html)


class State:
    """What the open pages are told: the number of the last build that changed the site, and the problems
    the last build found (shared by the watching thread and the server's)."""

    def __init__(self) -> None:
        self.version = 0
        self.problems: list[str] = []
        self.changed = threading.Condition()

    def built(self, changed_site: bool, problems: list[str]) -> None:
        with self.changed:
            self.version += changed_site
            self.problems = problems
            self.changed.notify_all()

    def message(self) -> bytes:
        return json.dumps({"version": self.version, "problems": self.problems}, ensure_ascii=False).encode("utf-8")

    def next_message(self, after: bytes, timeout: float) -> bytes:
        """The state once it differs from ``after`` (or as it is, after ``timeout`` seconds)."""
        with self.changed:
            self.changed.wait_for(lambda: self.message() != after, timeout)
            return self.message()


class Handler(http.server.SimpleHTTPRequestHandler):
    """The output's files; HTML pages with the reload script; the script; the stream of builds."""

    def __init__(self, *args, state: State, **kwargs) -> None:
        self.state = state
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == PREFIX + "reload.js":
            return self._send(RELOAD.read_bytes(), "text/javascript; charset=utf-8")
        if path == PREFIX + "events":
            return self._events()
        file = Path(self.translate_path(path))
        if file.is_dir():
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            return self._send(with_reload(file.read_bytes()), "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: the state now, then each time it changes (a comment every 15 s keeps the
        connection open), until the page goes away."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent = b""
        try:
            while True:
                message = self.state.next_message(sent, timeout=15)
                self.wfile.write(b"data: " + message + b"\n\n" if message != sent else b": still here\n\n")
                self.wfile.flush()
                sent = message
        except (BrokenPipeError, ConnectionResetError):
            pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # (a reloaded page must not come from the browser's cache)
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's name)
        pass  # (every request in the terminal would hide the build's messages)


def with_reload(html: bytes) -> bytes:
    """A page as `serve` sends it: its policy also lets it connect to this server, and it loads the reload
    script. Only in what is sent: the file on disk is untouched."""
    html = html.replace(CSP, CSP + b" connect-src 'self';", 1)
    return html.replace(b"</head>", f'<script src="{PREFIX}reload.js" defer></script>\n</head>'.encode(), 1)


def serve(content: Path, out: Path, port: int, bind: str = "127.0.0.1", drafts: bool = False) -> int:
    if drafts:  # a site with drafts never goes where a published one does
        out = out.with_name(f"{out.name}-with-drafts")
        print(f"drafts are shown, marked as drafts, in {out}/ (never in {out.name.removesuffix('-with-drafts')}/)", file=sys.stderr)
    # (the output's lock held as long as the preview runs: a `build` meanwhile would swap trees under it)
    return writing(content, out, "serve", lambda: _serve(content, out, port, bind, drafts))


def _serve(content: Path, out: Path, port: int, bind: str, drafts: bool) -> int:
    code, result = build_and_report(content, out, serving=True, drafts=drafts)
    state = State()
    state.built(False, _problems(result))
    try:
        server = http.server.ThreadingHTTPServer((bind, port), partial(Handler, state=state, directory=str(out)))
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            print(f"error: port {port} is taken (another preview?); choose another with --port, e.g. --port {port + 1}", file=sys.stderr)
            return 2
        raise
    server.daemon_threads = True  # (pages listening for builds must not keep Ctrl-C waiting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = "127.0.0.1" if bind in ("", "0.0.0.0") else bind
    print(f"previewing at http://{host}:{server.server_port}/index.html — save a file to rebuild; Ctrl-C stops", file=sys.stderr)
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
                state.built(False, ["The build failed with an error in the program itself; see the terminal."])
                continue
            if result is None:
                continue
            if result.unchanged or (result.build is not None and result.build is not last):
                saved = set()  # (a refused save is looked at again with the next)
            last = result.build or last
            state.built(result.ok and not result.unchanged, _problems(result))
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
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

"""The live preview's web server, in a process of its own (`serve` starts it: serve.Server).

It sends the output's files as they are on disk, HTML pages with the reload script added
(``/__preview__/reload.js``, this folder's preview.js) and ``connect-src 'self'`` in their
Content-Security-Policy, so that the script may listen to ``/__preview__/events`` (server-sent events:
plain HTTP, no WebSocket). Each line `serve` writes to this process's standard input is the state of its
last build (``{"changed": bool, "problems": [...]}``): the open pages reload after each build that
changed the site, and show the content's problems in the page itself. Its first line on standard output
says where it listens (``{"port": N}``) or why it could not (``{"error": errno, "message": ...}``).

Its own process, not a thread of the building one, so that the builds may still share their work among
processes (a process with threads does not fork: parallel.can_fork). Only the standard library, and run
as a script with ``python -I``, which keeps this folder's modules from shadowing the library's.
"""

from __future__ import annotations

import http.server
import json
import signal
import sys
import threading
from functools import partial
from pathlib import Path

PREFIX = "/__preview__/"
RELOAD = Path(__file__).with_name("preview.js")  # the script each served page gets
CSP = b"content=\"default-src 'none';"  # how every page's policy begins (templates/base.html)


class State:
    """What the open pages are told: the number of the last build that changed the site, and the problems
    the last build found (shared by the thread reading `serve`'s lines and the server's)."""

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


def main(directory: str, bind: str, port: int) -> int:
    state = State()
    try:
        server = http.server.ThreadingHTTPServer((bind, port), partial(Handler, state=state, directory=directory))
    except OSError as e:
        print(json.dumps({"error": e.errno, "message": str(e)}), flush=True)
        return 2
    server.daemon_threads = True  # (pages listening for builds must not keep the end waiting)
    print(json.dumps({"port": server.server_port}), flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for line in sys.stdin.buffer:  # until `serve` ends (its end of the pipe closes, however it ends)
        told = json.loads(line)
        state.built(told["changed"], told["problems"])
    server.shutdown()
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (Ctrl-C stops `serve`, which then ends this process)
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))

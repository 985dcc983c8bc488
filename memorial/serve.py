"""Live preview: rebuild when content, templates or assets change; livereload reloads the page."""

from __future__ import annotations

import sys
from pathlib import Path

from livereload import Server

from . import pipeline
from .cli import build_and_report


def serve(content: Path, out: Path, port: int) -> int:
    code, result = build_and_report(content, out, serving=True)
    if code == 2:
        return 2
    last = result.build  # the last build stays in memory: the next one starts from it

    def rebuild():
        nonlocal last
        last = build_and_report(content, out, last=last, serving=True)[1].build

    server = Server()
    for folder in (content, pipeline.TEMPLATES, pipeline.ASSETS):
        server.watch(f"{folder}/**/*", rebuild, delay=0.2)
    print(f"previewing at http://127.0.0.1:{port}/index.html — save a file to rebuild; Ctrl-C stops", file=sys.stderr)
    server.serve(root=str(out), host="127.0.0.1", port=port, open_url_delay=None)
    return 0

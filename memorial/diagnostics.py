"""Problems found in content, with the place they were found.

Every stage reports into a list of ``Diagnostic`` values instead of raising, so
an editor sees every problem at once (never only the first).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Position:
    path: str  # as shown to the editor, e.g. "content/people/x.md"
    line: int = 1  # 1-based, counted in the whole file (front matter included)
    column: int = 1  # 1-based


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "error" or "warning"
    position: Position
    message: str

    def format(self) -> str:
        p = self.position
        return f"{p.path}:{p.line}:{p.column}: {self.severity}: {self.message}"


def error(position: Position, message: str) -> Diagnostic:
    return Diagnostic("error", position, message)


def warning(position: Position, message: str) -> Diagnostic:
    return Diagnostic("warning", position, message)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple:
    return (d.position.path, d.position.line, d.position.column, d.message)


def display_root(content_dir: Path) -> str:
    """The content folder as an editor recognises it: relative to the working directory when possible."""
    try:
        return content_dir.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return content_dir.as_posix()


def did_you_mean(word: str, candidates) -> str:
    """ " (did you mean 'x'?)" for the closest of ``candidates``, or nothing when none is close."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""

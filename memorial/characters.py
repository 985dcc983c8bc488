"""Characters no content may hold: they are invisible, and change what a reader, a CSV reader or a
script sees.

- Control characters (C0 but tab and line feed, DEL, C1) anywhere in a file: they reached pages and
  CSV files raw, and YAML cannot read most of them.
- In fields (YAML), also the invisible formatting characters (Unicode's category Cf: bidirectional
  controls, zero-width spaces and joiners, the soft hyphen, tags...) and the line and paragraph
  separators: with them a name can be made to look like another one, or to differ from it unseen.
  A story (Markdown) may hold those, as text in right-to-left scripts needs them.
"""

from __future__ import annotations

import re
import unicodedata

from .diagnostics import Diagnostic, Position, error

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Unicode's Cf characters (as of Unicode 15; tests/test_values.py checks Python's tables against it):
# written out, because working them out from the tables takes a tenth of a second at every start.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
CONTROL = re.compile(f"[{_CONTROLS}]")
IN_FIELDS = re.compile(f"[{_CONTROLS}\u2028\u2029{_FORMAT}]")  # (YAML 1.1 breaks lines at U+2028 and U+2029)
SHOWN = 20  # a file full of them gets this many messages, then a count


def message(char: str) -> str:
    """What is wrong with ``char`` (one IN_FIELDS matches) and what to do."""
    code = f"U+{ord(char):04X}"
    if CONTROL.match(char):
        return f"control character {code} is not allowed; delete it"
    name = unicodedata.name(char, "")
    return (
        f"invisible character {code}{f' ({name})' if name else ''} is not allowed in a field: "
        "it changes how text looks or compares without being seen; delete it"
    )


def scan(text: str, shown: str, first_line: int, *, fields: bool) -> tuple[str, list[Diagnostic]]:
    """Every refused character of ``text`` (YAML fields when ``fields``, else a story), each reported at
    its own line and column (``text`` begins on line ``first_line`` of the file); and ``text`` with the
    control characters and line separators among them made spaces, so that YAML reads on (it refuses
    most of them, and breaks lines at some) and every later position stays where it is. Formatting
    characters are kept: the search for duplicates reads a name as it is shown."""
    # (an ASCII text can hold only the controls, which a short pattern finds five times faster)
    found = list((IN_FIELDS if fields and not text.isascii() else CONTROL).finditer(text))
    if not found:
        return text, []
    problems = []
    for match in found[:SHOWN]:
        i, char = match.start(), match[0]
        line, column = first_line + text.count("\n", 0, i), i - text.rfind("\n", 0, i)
        if char == "\r":
            what = "a carriage return (U+000D) without a line feed after it; save the file with Unix (LF) or Windows (CRLF) line endings"
        elif CONTROL.match(char):
            what = message(char) + " (most editors do not show it: retype the text around it)"
        else:
            what = message(char)
        problems.append(error(Position(shown, line, column), what))
    if len(found) > SHOWN:
        problems.append(error(problems[-1].position, f"... and {len(found) - SHOWN:,} more such characters in this file"))
    text = CONTROL.sub(" ", text)
    return (text.replace("\u2028", " ").replace("\u2029", " ") if fields else text), problems

"""YAML as content may use it: plain values only, each key's and value's line and column kept.

Parsed with the safe loader (LibYAML's when present). Tags (``!!python/...``), anchors and aliases
(``&``, ``*``), merge keys (``<<``) and duplicate keys are refused, each as an editor's error at its
place.

Every value is read as the text written (YAML 1.1 read ``010`` as 8, ``2:30`` as 150, ``yes`` and
``on`` as true, ``0123`` as 83), except a plain ``~``, ``null`` or nothing, which is no value: the
schema reads numbers, true/false and dates out of the text, and refuses what could be read two
ways (schema.py).
"""

from __future__ import annotations

import re

import yaml

from . import characters
from .diagnostics import Diagnostic, Position, error

PathKey = tuple  # ("events", 0, "city")
NULL, STR, SEQ, MAP = (f"tag:yaml.org,2002:{t}" for t in ("null", "str", "seq", "map"))
NULLS = frozenset(("", "~", "null", "Null", "NULL"))  # no value, in YAML 1.2's core schema as in 1.1


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader, with every plain value text but a null: YAML 1.1's other implicit types are
    not looked for (matching each value against them was a tenth of a check's time)."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            return NULL if implicit[0] and value in NULLS else STR
        return SEQ if kind is yaml.SequenceNode else MAP

    def descend_resolver(self, current_node, current_index):
        pass  # (no path resolvers)

    def ascend_resolver(self):
        pass


# Content needs a few levels (a conflict's side's sources: 6); the composer and the converter below recurse
# once per level, so a file nested thousands deep crashed them (a segfault in LibYAML's composer).
MAX_DEPTH = 32
# Nesting this deep cannot be ruled out at a glance: a line whose indentation and leading "- " and "? "
# run 12 characters or more, or a flow list or mapping that opens another (or holds quotes or a comment,
# where a bracket may hide). Without either, a file is at most 2 * 12 + 4 levels deep (see _too_deep).
# (Two expressions, the first after a newline: one with "^" and "|" tried every position, three times slower.)
_DEEP_LINE = re.compile(r"\n[^\w'\"\n]{12}")
_NESTED_FLOW = re.compile(r"[\[{][^\]}\"'#]*[\[{\"'#]")


def _hint(problem: str, line: str) -> str:
    """What to do about a YAML syntax error, from the line it is on (LibYAML's messages alone say little)."""
    if "\t" in line:
        return " (this line has a tab: indent with spaces only)"
    if "mapping values are not allowed" in problem and line.count(": ") > 1:
        key, _, value = line.partition(": ")
        return f' (a value with ": " in it must be in quotes: {key.strip()}: "{value.strip()}")'
    return ""


def parse_yaml(text: str, shown: str, line_offset: int, track_positions: bool = True):
    """Parse one YAML document into (data, value positions, key positions, problems).

    Without ``track_positions`` the positions are left empty (most files never need them, and
    recording them is a third of the parsing); a file with problems is parsed again with them."""
    deep = _too_deep(text)
    if deep is not None:
        where = Position(shown, deep.line + 1 + line_offset, deep.column + 1)
        return (
            None,
            {},
            {},
            [
                error(
                    where,
                    f"the fields are nested more than {MAX_DEPTH} levels deep here; content needs only a few levels: remove the extra brackets or indentation",
                )
            ],
        )
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1
        col = (mark.column + 1) if mark else 1
        what = exc.problem or str(exc)
        lines = text.split("\n")
        here = lines[mark.line] if mark and mark.line < len(lines) else ""
        return None, {}, {}, [error(Position(shown, line, col), f"YAML syntax error: {what}{_hint(what, here)}")]
    except yaml.YAMLError as exc:
        return None, {}, {}, [error(Position(shown), f"YAML error: {exc}")]
    if node is None:
        return {}, {}, {}, []
    conv = _Converter(shown, line_offset, track_positions)
    data = conv.convert(node, ())
    if conv.problems and not track_positions:
        conv = _Converter(shown, line_offset, True)
        data = conv.convert(node, ())
    if data is REFUSED:
        return None, {}, {}, conv.problems
    if not isinstance(data, dict):
        return (
            None,
            {},
            {},
            [error(Position(shown, 1 + line_offset, 1), "expected YAML fields (key: value), found a single value or a list")],
        )
    return data, conv.values, conv.keys, conv.problems


def _too_deep(text: str):
    """The place where ``text`` nests past MAX_DEPTH, or None; never recursive, and for almost every file
    one regular expression: each block level needs more indentation or a leading "- " or "? " (two levels
    at most per column: a list may stand at its key's indentation), and a flow level a bracket."""
    if not (_DEEP_LINE.search("\n" + text) or _NESTED_FLOW.search(text)):
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=Loader):  # events only: the parser keeps its own stack
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # reported by the composer, which meets the same error at no greater depth
    return None


REFUSED = object()  # a value that was reported and left out, so it causes no second error
STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


class _Converter:
    """Turn a composed YAML node tree into Python data, recording positions."""

    def __init__(self, shown: str, line_offset: int, track: bool = True):
        self.shown = shown
        self.offset = line_offset
        self.track = track
        self.values: dict = {}
        self.keys: dict = {}
        self.problems: list[Diagnostic] = []
        self.seen: set[int] = set()

    def _pos(self, node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def convert(self, node, path: PathKey):
        """Python data for ``node``; REFUSED (and a problem recorded) for what content may not use."""
        if id(node) in self.seen:
            # An alias: refused, because expanding them can blow up memory.
            self.problems.append(
                error(Position(self.shown, *self._pos(node)), "YAML anchors and aliases (& and *) are not allowed; write the value out")
            )
            return REFUSED
        self.seen.add(id(node))
        if node.tag not in STANDARD_TAGS:
            self.problems.append(error(Position(self.shown, *self._pos(node)), f"YAML tag '{node.tag}' is not allowed; write plain values"))
            return REFUSED
        if self.track:
            self.values[path] = self._pos(node)
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(error(Position(self.shown, *self._pos(key_node)), "a field name must be plain text"))
                    continue
                key = key_node.value
                if key == "<<":
                    self.problems.append(
                        error(Position(self.shown, *self._pos(key_node)), "YAML merge keys (<<) are not allowed; write the fields out")
                    )
                    continue
                if key in out:
                    line, col = self._pos(key_node)
                    first = self.keys[path + (key,)][0] if self.track else "?"  # (the file is parsed again, tracked)
                    self.problems.append(
                        error(Position(self.shown, line, col), f"field '{key}' appears twice (first on line {first}); keep one")
                    )
                    continue
                if self.track:
                    self.keys[path + (key,)] = self._pos(key_node)
                value = self.convert(value_node, path + (key,) if self.track else path)
                if value is not REFUSED:
                    out[key] = value
            return out
        if isinstance(node, yaml.SequenceNode):
            items = [self.convert(item, path + (i,) if self.track else path) for i, item in enumerate(node.value)]
            return [item for item in items if item is not REFUSED]
        if not node.style and node.tag == NULL:
            return None
        if node.style == '"':  # (its escapes can write any character: \0, \e, \u202e)
            hidden = characters.IN_FIELDS.search(node.value)
            if hidden:
                label = next((f"{p}: " for p in reversed(path) if isinstance(p, str)), "")
                self.problems.append(error(Position(self.shown, *self._pos(node)), label + characters.message(hidden[0])))
        return node.value

"""A living person shown by initials (``display: initials``) must not be named anywhere the site publishes.

Every published text of every record is read: each field of the validated data, walked whatever its
name (so a field added later is read too), and the Markdown text. In the person's own entry and its
translations any word of their name is a leak. In every other record a lone given name is not (common
names repeat: the record holds thousands of people, many sharing a name); two words of the person's name
next to each other are ("Aigerim Secretova", "Secretova, Aigerim"), in any script form the entry gives
(name, aliases, name_forms).

Texts are compared in one form: NFKC, case-folded, Cyrillic letters spelt in Latin ones as ids are
(Секретова and Sekretova are one word), so that a name written in another script or with look-alike
letters is found too. A word matches a name word with up to three letters after it (a case ending:
Aigerim's, Нурланның), or, for a longer name word ending in a vowel, with that vowel changed
(Секретову, Секретовой). Each text is scanned once, by one expression of the few initials-only
people's name words: the cost grows with the size of the record, not with the number of names.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel
from slugify import slugify

from .diagnostics import Diagnostic, Position, error
from .new import KAZAKH_REPLACEMENTS

# Fields never published (editors' notes; pairs an editor checked are not duplicates): not read.
UNPUBLISHED = frozenset({"private", "not_duplicate_of"})
# A person's own name: hidden whole when they are shown by initials, and their own when not (a namesake's
# name is not the hidden person's), so never read in a person's entry.
NAME_FIELDS = frozenset({"name", "aliases", "name_forms", "sort_name"})
SUFFIX = 3  # letters a case ending may add to a name word
VOWELS = frozenset("aeiouy")
# Between two name words of one mention: spaces, a line break, a hyphen or a comma ("Secretova, Aigerim").
BETWEEN = re.compile(r"[\s,\-]{1,3}")
ESCAPED = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)")  # a character escaped in JSON


@functools.cache  # (made when first needed: 300 slugify calls that a check finding every text checked before never needs)
def _letters() -> dict[int, str]:
    """What str.translate makes of each Cyrillic letter (as ids spell them: Қ -> q, Ж -> zh), and of the
    invisible characters that could split a name without showing (they are dropped)."""
    table: dict[int, str] = {c: "" for c in (0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)}
    for code in range(0x0400, 0x0530):
        if chr(code).isalpha():
            table[code] = slugify(chr(code), replacements=KAZAKH_REPLACEMENTS)  # (ь and ъ: nothing)
    return table


def normal(text: str) -> str:
    """The one form texts are compared in (see the module's note). Line breaks stay where they were."""
    if text.isascii():  # (most texts: translate costs as much as all the rest)
        return text.casefold()
    return unicodedata.normalize("NFKC", text).casefold().translate(_letters())


def initials(name: str) -> str:
    """'Aigerim Nurlan-Kyzy' -> 'A. N.'"""
    return " ".join(f"{word[0]}." for word in name.replace("-", " ").split() if word[0].isalpha())


@dataclass(frozen=True)
class Hidden:
    """One person shown by initials."""

    rid: str
    shown: str  # their file, as messages name it
    initials: str
    words: frozenset[str]  # the words of every form of their name, in normal form


@dataclass(frozen=True)
class Found:
    """A word of a text (in normal form) that may be a name word."""

    start: int
    end: int
    words: frozenset[str]  # the name words it may be


@dataclass(frozen=True)
class Names:
    """The people shown by initials, and an expression that finds their name words in a text."""

    people: dict[str, Hidden]  # id -> the person
    stems: dict[str, tuple[int, frozenset[str]]]  # what a word starts with -> (letters it may add, the name words)
    owners: dict[str, frozenset[str]]  # name word -> the ids of the people whose name has it
    find: re.Pattern | None  # a word that starts like a name word, after a character that is not a letter or digit
    first: re.Pattern | None  # the same at the start of a text

    def words_in(self, plain: str) -> list[Found]:
        """Each word of ``plain`` (a text in normal form) that is a name word, in order."""
        if self.find is None:
            return []
        out = []
        for m in [self.first.match(plain), *self.find.finditer(plain)]:
            if m is None:
                continue
            token = m.group(1)
            for cut in range(len(token), max(len(token) - SUFFIX - 2, 2), -1):
                allowed, words = self.stems.get(token[:cut], (-1, None))
                if len(token) - cut <= allowed:
                    out.append(Found(m.start(1), m.end(1), words))
                    break
        return out


def name_words(name: str) -> set[str]:
    """A name's words in normal form; words of one or two letters (initials, "ul") say nothing."""
    return {w for w in re.split(r"[\W_]+", normal(name)) if len(w) > 2}


def own_names(data) -> set[str]:
    """Every word of every form of a person's name."""
    return set().union(*(name_words(n) for n in [data.name, *data.aliases, *(f.name for f in data.name_forms)]))


def name_index(people: dict) -> Names:
    """The index of the people shown by initials among ``people`` (id -> Record)."""
    hidden = {
        rid: Hidden(rid, rec.doc.display, initials(rec.data.name), frozenset(own_names(rec.data)))
        for rid, rec in people.items()
        if rec.data.display == "initials"
    }
    stems: dict[str, tuple[int, frozenset[str]]] = {}
    owners: dict[str, set[str]] = {}
    for person in hidden.values():
        for word in person.words:
            owners.setdefault(word, set()).add(person.rid)
            if len(word) == 3:
                stem, allowed = word, 0  # (Ali is not in "alive")
            elif len(word) >= 5 and word[-1] in VOWELS:
                stem, allowed = word[:-1], SUFFIX + 1  # the vowel changed, or kept with an ending
            else:
                stem, allowed = word, SUFFIX
            before = stems.get(stem, (0, frozenset()))
            stems[stem] = (max(allowed, before[0]), before[1] | {word})
    # (led by the character before the word: the engine then skips letters without trying a name at each,
    # which halves the time of a check's reading of 20 MB of text)
    find = re.compile(r"\W(" + _trie(stems) + r"\w*)") if stems else None
    first = re.compile("(" + _trie(stems) + r"\w*)") if stems else None
    return Names(hidden, stems, {w: frozenset(ids) for w, ids in owners.items()}, find, first)


def _trie(words) -> str:
    """One expression for any of ``words``, as a tree of their letters: one pass of the regular expression
    engine tries a letter once at each place, not every word (four times faster than "a|b|c")."""
    tree: dict = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(letter) + pattern(below) for letter, below in sorted(node.items()) if letter]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    return pattern(tree)


# ---------------------------------------------------------------- the texts of a record


def texts(value, skip: frozenset = UNPUBLISHED, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every text in a record's validated data, whatever its fields are, but ``skip``'s."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for key in type(value).model_fields:
            if key not in skip:
                yield from texts(getattr(value, key), skip, (*path, key))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from texts(item, skip, (*path, i))


def field_label(path: tuple) -> str:
    """("conflicts", 0, "sides", 1, "claim") -> "claim (conflicts 1, sides 2)"; ("sources", 2) -> "sources 3": as
    an editor counts the items of a list."""
    groups: list[str] = []
    for part in path:
        if isinstance(part, int) and groups:
            groups[-1] += f" {part + 1}"
        else:
            groups.append(str(part))
    *parents, last = groups
    return f"{last} ({', '.join(parents)})" if parents else last


def privacy_problems(rec, records: dict, names: Names) -> list[Diagnostic]:
    """Each text of ``rec`` that names a person shown by initials (see the module's note): one message a
    text, at the place of the name in it."""
    if not names.people:
        return []
    kind, rid = rec.kind, rec.id
    if kind == "translations":
        kind, _, rid = rid.partition("/")
        rid = rid.rsplit(".", 1)[0]
    person = records["people"].get(rid) if kind == "people" else None
    own = names.people.get(rid) if person is not None else None
    skip = UNPUBLISHED | NAME_FIELDS if rec.kind == "people" else UNPUBLISHED
    fields: Iterator = iter(())
    # The fields are read one by one only when they hold a name word at all: one look at them all, in
    # JSON (pydantic's, made outside Python), spares walking 10,000 entries' fields
    fields_json = ESCAPED.sub(" ", rec.data.model_dump_json(exclude=skip))  # (an escape such as \n is not part of a word)
    if names.find.search(normal(fields_json)):  # (JSON starts with "{": every word has a character before it)
        fields = texts(rec.data, skip)
    out = []
    for path, text in [*fields, ((), rec.body)]:
        plain = normal(text)
        found = names.words_in(plain)
        if not found:
            continue
        where = field_label(path) if path else "the text"
        at = _place(rec, path, text, plain)
        mine = [f for f in found if own is not None and f.words & own.words]
        if mine:
            line, column, written = at(mine[0].start, mine[0].end)
            message = f"display is 'initials' but {where} contains '{written}', a word of the name; write the initials ({own.initials}) there instead"
            out.append(error(Position(rec.doc.display, line, column), message))
            continue
        named = _named(plain, found, names, own_names(person.data) if person is not None and own is None else set())
        if named is not None:
            one, two, other = named
            line, column, written = at(one.start, two.end)
            message = (
                f"{where} names '{written}', a person shown by initials only ({other.shown}); "
                f"write their initials ({other.initials}) instead, or leave the name out"
            )
            out.append(error(Position(rec.doc.display, line, column), message))
    return out


def _named(plain: str, found: list[Found], names: Names, namesake: set[str]) -> tuple[Found, Found, Hidden] | None:
    """The first two words side by side in a text that are two words of one hidden person's name (but not
    both of the name of the person whose entry it is: a namesake's own name), and that person."""
    for one, two in itertools.pairwise(found):
        if not BETWEEN.fullmatch(plain, one.end, two.start) or (one.words & namesake and two.words & namesake):
            continue
        ids = {pid for a in one.words for b in two.words if a != b for pid in names.owners[a] & names.owners[b]}
        if ids:
            return one, two, names.people[min(ids)]
    return None


def _place(rec, path: tuple, text: str, plain: str):
    """A function giving (line, column, the text as written) of a span of ``plain``, the normal form of
    ``text``: in the Markdown text, at the span itself; in a field, at the field's value."""
    lines = text.split("\n")

    def offset(at: int) -> tuple[int, int]:
        """(line in the text, offset in that line as written) of ``at`` in ``plain`` (the normal form keeps the
        line breaks; a letter may become two, so the line is read again letter by letter)."""
        line = plain.count("\n", 0, at)
        wanted, column, length = at - (plain.rfind("\n", 0, at) + 1), 0, 0
        while column < len(lines[line]) and length < wanted:
            length += len(normal(lines[line][column]))
            column += 1
        return line, column

    def at(start: int, end: int) -> tuple[int, int, str]:
        (l1, c1), (l2, c2) = offset(start), offset(end)
        written = "\n".join(lines[l1 : l2 + 1])[c1 : c2 + sum(len(x) + 1 for x in lines[l1:l2])]
        if path:
            where = rec.doc.position(path)
            return where.line, where.column, written
        return rec.doc.body_line + l1, c1 + 1, written

    return at

"""Two entries that may be one person, across scripts and spellings.

Names are folded to a rough Latin key, as they are shown (python-bidi lays out
bidirectional controls: after a right-to-left override a name is shown, and
read, backwards), then through anyascii (Cyrillic and Kazakh, and the look-alike
letters of other scripts, such as a Cyrillic "а" in a Latin name; invisible
characters go), then the usual transliteration variants merged: Zh/J, Kh/H,
Y/I, Ye/E, doubled letters), then compared with rapidfuzz. City and dates weigh in. A pair an
editor has checked is silenced with `not_duplicate_of: [id]` on either entry.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass

from anyascii import anyascii
from bidi import get_display
from rapidfuzz import fuzz

from . import parallel

THRESHOLD = 90  # out of 100, after weighing city and dates: known variant pairs score 96-100
_VARIANTS = [  # order matters: longer spellings first
    ("dzh", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ts", "c"),
    ("sh", "s"),
    ("ch", "c"),
    ("yi", "i"),
    ("iy", "i"),
    ("ye", "e"),
    ("yo", "o"),
    ("yu", "u"),
    ("ya", "a"),
    ("q", "k"),
    ("w", "v"),
    ("y", "i"),
]


_BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # (the layout is needed only with one of these)


def fold(name: str) -> str:
    """'Кайрат Жагипаров' and 'Qairat Zhagiparov' -> 'kairat jagiparov'."""
    if _BIDI_CONTROL.search(name):
        name = get_display(name)
    text = anyascii(name).casefold()
    text = re.sub(r"[^a-z ]+", " ", text.replace("'", ""))
    for a, b in _VARIANTS:
        text = text.replace(a, b)
    text = re.sub(r"(.)\1+", r"\1", text)  # Kiisimbaev / Kisimbaev
    return " ".join(text.split())


@dataclass(frozen=True)
class Suspect:
    a: str  # person id
    b: str
    score: int  # how alike, 0-100
    why: str
    weight: float = 0.0  # the score before it was capped at 100: among pairs of one name, the ones with more in common first


def _names(person) -> list[str]:
    return [person.name, *person.aliases, *(f.name for f in person.name_forms)]


def find_remembered(
    people: dict, memo: dict, changed=None, early: parallel.Later | None = None
) -> Callable[[], tuple[list[Suspect], dict]]:
    """``find``, or its last answer when no input to it has changed (an edit to a story, say).

    ``memo`` is the last build's: everyone's inputs and the answer (it is read, never changed).
    ``changed``: the only people whose entries may differ since then (`serve` knows; validate knows whose
    files' bytes were not checked before), so no one else is compared. ``early``: the same search,
    started before ``people`` were known here (see ``search_later``).

    Returns a function that gives the answer and the memo for the next build: when there is a search to
    do among many people, it runs in a forked process, and the caller goes on with other work meanwhile."""
    known = memo.get("inputs")
    if known is not None and known.keys() == people.keys() and "blocks" in memo:
        differ = [pid for pid in (people if changed is None else changed) if pid in people and known[pid] != _inputs(people[pid])]
        if not differ:
            if early is not None:
                early.cancel()
            return lambda: (memo["found"], memo)
        if changed is not None:  # only their pairs need scoring again
            if early is not None:
                early.cancel()
            keys = dict(memo["keys"])
            blocks = dict(memo["blocks"])
            found = find_again(people, memo["found"], keys, blocks, differ)
            after = {"inputs": {**known, **{pid: _inputs(people[pid]) for pid in differ}}, "found": found, "keys": keys, "blocks": blocks}
            return lambda: (found, after)
    inputs = {pid: _inputs(p) for pid, p in people.items()}
    search = early or search_later(lambda: people, len(people))

    def found() -> tuple[list[Suspect], dict]:
        answer, keys, blocks = search.answer()
        return answer, {"inputs": inputs, "found": answer, "keys": keys, "blocks": blocks}

    return found


IN_PARALLEL_FROM = 2000  # people: below this the search takes less time than starting a process


def search_later(people_of: Callable[[], dict], count: int) -> parallel.Later:
    """``find_with_keys(people_of())``, in a forked process when there are ``count`` people or more, so that
    the caller can work meanwhile. ``people_of`` must give what the caller will give ``find_remembered``."""
    return parallel.Later(lambda: find_with_keys(people_of()), background=count >= IN_PARALLEL_FROM)


def _inputs(person) -> tuple:
    """What ``find`` reads of a person."""
    return (_names(person), person.city, [(e.date, e.city) for e in person.events], person.not_duplicate_of)


def find(people: dict, keys: dict | None = None, blocks: dict | None = None) -> list[Suspect]:
    """Pairs of people (id -> schema.Person) that look like one person, best match first. ``keys`` and
    ``blocks``: everyone's folded names (``_key``) and the blocks (``_blocks``), if already known."""
    keys = {pid: _key(p) for pid, p in people.items()} if keys is None else keys
    blocks = _blocks(keys) if blocks is None else blocks
    pairs: set[tuple[str, str]] = set()
    for bucket in blocks.values():
        for entry in bucket.split("\0"):
            ids = entry.partition("=")[2]
            if "/" in ids:
                ordered = sorted(ids.split("/"))
                pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    return _sorted(_judged(people, _scored(pairs, keys)))


def find_with_keys(people: dict) -> tuple[list[Suspect], dict, dict]:
    """``find``'s answer, everyone's folded names and the blocks, which ``find_again`` starts from after an
    edit in `serve`."""
    keys = {pid: _key(p) for pid, p in people.items()}
    blocks = _blocks(keys)
    return find(people, keys, blocks), keys, blocks


def find_again(people: dict, found: list[Suspect], keys: dict, blocks: dict, changed) -> list[Suspect]:
    """``find``'s answer after only the ``changed`` people changed, from its answer before (``found``):
    only their pairs are scored again. ``keys`` and ``blocks``: everyone's folded names and the blocks, as
    they were (the caller's own copies: brought up to date here)."""
    changed = set(changed)
    for pid in changed:
        for block in _block_keys(keys.get(pid, [])):
            _set_block(blocks, block, [o for o in _in_block(blocks, block) if o != pid])
        keys[pid] = _key(people[pid])
        for block in _block_keys(keys[pid]):
            _set_block(blocks, block, [*_in_block(blocks, block), pid])
    pairs = {
        (pid, o) if pid < o else (o, pid)
        for pid in changed
        for block in _block_keys(keys[pid])
        for o in _in_block(blocks, block)
        if o != pid
    }
    kept = [s for s in found if s.a not in changed and s.b not in changed]
    return _sorted(kept + _judged(people, _scored(pairs, keys)))


def _key(person) -> list[str]:
    return sorted({fold(n) for n in _names(person)} - {""})


def _block_keys(names: list[str]) -> set[str]:
    """Two people are compared only when one of their names shares two parts (given name, surname,
    patronymic, in any order) with one of the other's, one part alike exactly and the other exactly or
    but for one letter, once folded (Yerlan / Yerzhan Nurlanov; Kisimbaev / Kiysimbayev are alike after
    folding). Every known variant pair does, and namesakes meet only namesakes: the work grows with the
    record, not with its square (a key on the first letters of one part put hundreds of Nurlans in one
    block at 10,000 people)."""
    out: set[str] = set()
    for name in names:
        parts = [p for p in dict.fromkeys(name.split()) if len(p) > 1]
        if len(parts) == 1:
            out.add(parts[0])
        for part in parts:
            near = {part, *(part[:i] + part[i + 1 :] for i in range(len(part)))}
            out.update(f"{variant} {other}" for other in parts if other != part for variant in near)
    return out


BUCKETS = 4096  # the texts the blocks are kept in (see _blocks)


def _blocks(keys: dict) -> dict[int, str]:
    """Every block and the ids of the people in it, kept in BUCKETS texts (by a hash of the block) of entries
    'block=id/id' separated by NUL: most blocks hold one person, and as 130,000 entries at 10,000 people they
    were most of what the caches took to read back. A block has letters and spaces only (fold), and no file
    name has '/' or NUL."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for pid, names in keys.items():
        for block in _block_keys(names):
            grouped[block].append(pid)
    buckets: dict[int, list[str]] = defaultdict(list)
    for block, ids in grouped.items():
        buckets[_bucket(block)].append(f"{block}={'/'.join(ids)}")
    return {bucket: "\0".join(entries) for bucket, entries in buckets.items()}


def _bucket(block: str) -> int:
    return zlib.crc32(block.encode()) % BUCKETS  # (not hash(): it differs from one process to the next)


def _in_block(blocks: dict, block: str) -> list[str]:
    """The ids of the people in ``block`` (see _blocks)."""
    for entry in blocks.get(_bucket(block), "").split("\0"):
        name, _, ids = entry.partition("=")
        if name == block:
            return ids.split("/")
    return []


def _set_block(blocks: dict, block: str, ids: list[str]) -> None:
    """``block`` made to hold ``ids`` (none: gone) in ``blocks``, the caller's own copy (its texts are replaced)."""
    bucket = _bucket(block)
    entries = [entry for entry in blocks.get(bucket, "").split("\0") if entry and entry.partition("=")[0] != block]
    blocks[bucket] = "\0".join([*entries, f"{block}={'/'.join(ids)}"] if ids else entries)


def _scored(pairs, keys: dict) -> dict[tuple[str, str], float]:
    """How alike each pair's names are (the best of their spellings, 0-100), for the pairs alike enough."""
    best = {}
    for a, b in pairs:
        score = max(fuzz.token_sort_ratio(x, y) for x in keys[a] for y in keys[b])
        if score >= THRESHOLD - 12:
            best[a, b] = score
    return best


def _judged(people: dict, best: dict) -> list[Suspect]:
    """The pairs whose names are alike enough, once city, dates and editors' checks are weighed."""
    found = []
    for (a, b), name_score in sorted(best.items()):
        pa, pb = people[a], people[b]
        if b in pa.not_duplicate_of or a in pb.not_duplicate_of:
            continue
        score, reasons = name_score, [f"names {name_score:.0f}% alike"]
        cities_a, cities_b = pa.cities(), pb.cities()
        if cities_a and cities_b:
            if cities_a & cities_b:
                score += 2
                reasons.append("same city")
            else:
                score -= 10
                reasons.append("different cities")
        if {e.date for e in pa.events} & {e.date for e in pb.events}:
            score += 2
            reasons.append("a date in common")
        if score >= THRESHOLD:
            found.append(Suspect(a, b, round(min(score, 100)), ", ".join(reasons), score))
    return found


def _sorted(found: list[Suspect]) -> list[Suspect]:
    return sorted(found, key=lambda s: (-s.weight, s.a, s.b))


SHOWN = 10  # pairs warned about one by one in `check` and `build`; the rest are counted, and listed in the review


def shown(found: list[Suspect], focus: Collection[str] | None = None) -> list[Suspect]:
    """The pairs to warn about one by one: the most likely few, or, when only some people are being looked
    at (`check --since`), every pair with one of them in it."""
    if focus is None:
        return found[:SHOWN]
    return [s for s in found if s.a in focus or s.b in focus]


def grouped(found: list[Suspect]) -> list[tuple[list[str], list[Suspect]]]:
    """The pairs joined into groups of people who may all be one another (namesakes, spellings of one
    name): (ids in order, pairs best first) for each group, the group with the most likely pair first."""
    parent: dict[str, str] = {}

    def root(pid: str) -> str:
        while parent.setdefault(pid, pid) != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    for s in found:
        parent[root(s.b)] = root(s.a)
    members: dict[str, list[str]] = defaultdict(list)
    for pid in sorted(parent):
        members[root(pid)].append(pid)
    pairs: dict[str, list[Suspect]] = defaultdict(list)
    for s in found:  # (best first already)
        pairs[root(s.a)].append(s)
    return sorted(((members[r], pairs[r]) for r in pairs), key=lambda g: (-g[1][0].weight, -len(g[0]), g[0][0]))


def summary(found: list[Suspect], warned: int, focus: Collection[str] | None = None) -> list[str]:
    """What `check` and `build` say of the pairs they did not warn about one by one."""
    rest = len(found) - warned
    if rest <= 0:
        return []
    groups = len(grouped(found))
    which = "the most likely ones are above" if focus is None else "those with an entry changed since then are above"
    return [
        f"{len(found):,} possible duplicates (pairs of entries that may be one person) in {groups:,} groups; {which}, "
        f"{rest:,} more are not shown. To review them all, group by group: python build.py duplicates (writes {REVIEW})"
    ]


REVIEW = "duplicates.md"  # the review's file, by default


def checked_line(person, *others: str) -> str:
    """The line that marks ``others`` as checked not to be ``person`` (the whole field, with any ids already in it)."""
    return f"not_duplicate_of: [{', '.join([*person.not_duplicate_of, *others])}]"

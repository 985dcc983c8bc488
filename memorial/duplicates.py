"""Two entries that may be one person, across scripts and spellings.

Names are folded to a rough Latin key (anyascii for Cyrillic and Kazakh, then
the usual transliteration variants merged: Zh/J, Kh/H, Y/I, Ye/E, doubled
letters), then compared with rapidfuzz. City and dates weigh in. A pair an
editor has checked is silenced with `not_duplicate_of: [id]` on either entry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz, process

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


def fold(name: str) -> str:
    """'Кайрат Жагипаров' and 'Qairat Zhagiparov' -> 'kairat jagiparov'."""
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
    score: int
    why: str


def _names(person) -> list[str]:
    return [person.name, *person.aliases, *(f.name for f in person.name_forms)]


def find_remembered(
    people: dict, memo: dict, changed=None, early: parallel.Later | None = None
) -> Callable[[], tuple[list[Suspect], dict]]:
    """``find``, or its last answer when no input to it has changed (an edit to a story, say).

    ``memo`` is the last build's: everyone's inputs and the answer (it is read, never changed).
    ``changed``: the only people whose entries may differ since then (`serve` knows), so no one else is
    compared. ``early``: the same search, started before ``people`` were known here (see ``search_later``).

    Returns a function that gives the answer and the memo for the next build: when there is a search to
    do among many people, it runs in a forked process, and the caller goes on with other work meanwhile."""
    known = memo.get("inputs")
    if known is not None and known.keys() == people.keys():
        differ = [pid for pid in (people if changed is None else changed) if known[pid] != _inputs(people[pid])]
        if not differ:
            if early is not None:
                early.cancel()
            return lambda: (memo["found"], memo)
        if changed is not None:  # only their pairs need scoring again
            keys = dict(memo.get("keys") or {pid: _key(p) for pid, p in people.items()})  # (the first time: 0.1 s at 10,000)
            found = find_again(people, memo["found"], keys, differ)
            after = {"inputs": {**known, **{pid: _inputs(people[pid]) for pid in differ}}, "found": found, "keys": keys}
            return lambda: (found, after)
    inputs = {pid: _inputs(p) for pid, p in people.items()}
    search = early or search_later(lambda: people, len(people))

    def found() -> tuple[list[Suspect], dict]:
        answer, keys = search.answer()
        return answer, {"inputs": inputs, "found": answer, "keys": keys}

    return found


IN_PARALLEL_FROM = 2000  # people: below this the search takes less time than starting a process


def search_later(people_of: Callable[[], dict], count: int) -> parallel.Later:
    """``find_with_keys(people_of())``, in a forked process when there are ``count`` people or more, so that
    the caller can work meanwhile. ``people_of`` must give what the caller will give ``find_remembered``."""
    return parallel.Later(lambda: find_with_keys(people_of()), background=count >= IN_PARALLEL_FROM)


def _inputs(person) -> tuple:
    """What ``find`` reads of a person."""
    return (_names(person), person.city, [(e.date, e.city) for e in person.events], person.not_duplicate_of)


def find(people: dict, keys: dict | None = None) -> list[Suspect]:
    """Pairs of people (id -> schema.Person) that look like one person, best match first. ``keys``:
    everyone's folded names (``_key``) if already known."""
    import numpy as np  # here, not at the top: it is the search's alone, and it often runs in a process of its own

    keys = {pid: _key(p) for pid, p in people.items()} if keys is None else keys
    # Score every pair inside each block at once, in rapidfuzz's C++ (a Python loop over pairs is too slow).
    best: dict[tuple[str, str], float] = {}
    for ids in _blocks(keys).values():
        if len(ids) < 2:
            continue
        owners = [(pid, name) for pid in sorted(ids) for name in keys[pid]]
        names = [name for _, name in owners]
        scores = process.cdist(names, names, scorer=fuzz.token_sort_ratio, score_cutoff=THRESHOLD - 12, dtype=np.uint8)
        for i, j in zip(*np.nonzero(np.triu(scores, k=1)), strict=True):
            _keep_best(best, owners[i][0], owners[j][0], scores[i, j])
    return _sorted(_judged(people, best))


def find_with_keys(people: dict) -> tuple[list[Suspect], dict]:
    """``find``'s answer and everyone's folded names, which ``find_again`` starts from after an edit in
    `serve` (working them out there took the first edit 0.08 s at 10,000 people)."""
    keys = {pid: _key(p) for pid, p in people.items()}
    return find(people, keys), keys


def find_again(people: dict, found: list[Suspect], keys: dict, changed) -> list[Suspect]:
    """``find``'s answer after only the ``changed`` people changed, from its answer before (``found``):
    only their pairs are scored again. ``keys``: everyone's folded names (``_key``), as they were; brought
    up to date here."""
    import numpy as np  # (see find)

    for pid in changed:
        keys[pid] = _key(people[pid])
    blocks = _blocks(keys)
    best: dict[tuple[str, str], float] = {}
    for pid in changed:
        others = sorted(set().union(*(blocks[block] for block in _block_names(keys[pid]))) - {pid})
        owners = [(other, name) for other in others for name in keys[other]]
        if not keys[pid] or not owners:
            continue
        scores = process.cdist(
            keys[pid], [name for _, name in owners], scorer=fuzz.token_sort_ratio, score_cutoff=THRESHOLD - 12, dtype=np.uint8
        )
        for i, j in zip(*np.nonzero(scores), strict=True):
            _keep_best(best, pid, owners[j][0], scores[i, j])
    kept = [s for s in found if s.a not in changed and s.b not in changed]
    return _sorted(kept + _judged(people, best))


def _key(person) -> list[str]:
    return sorted({fold(n) for n in _names(person)} - {""})


def _block_names(names: list[str]) -> set[str]:
    """Only people who share the first four letters of some name part (a given name or a surname) are
    compared: every known variant pair does, and 10,000 people stay fast."""
    return {token[:4] for name in names for token in name.split() if len(token) >= 3}


def _blocks(keys: dict) -> dict[str, set[str]]:
    blocks: dict[str, set[str]] = defaultdict(set)
    for pid, names in keys.items():
        for block in _block_names(names):
            blocks[block].add(pid)
    return blocks


def _keep_best(best: dict, a: str, b: str, score) -> None:
    if a != b:
        pair = (a, b) if a < b else (b, a)
        best[pair] = max(best.get(pair, 0), float(score))


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
            found.append(Suspect(a, b, round(min(score, 100)), ", ".join(reasons)))
    return found


def _sorted(found: list[Suspect]) -> list[Suspect]:
    return sorted(found, key=lambda s: (-s.score, s.a, s.b))

"""Two entries that may be one person, across scripts and spellings.

Names are folded to a rough Latin key (anyascii for Cyrillic and Kazakh, then
the usual transliteration variants merged: Zh/J, Kh/H, Y/I, Ye/E, doubled
letters), then compared with rapidfuzz. City and dates weigh in. A pair an
editor has checked is silenced with `not_duplicate_of: [id]` on either entry.
"""

from __future__ import annotations

import multiprocessing
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz, process

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


def find_remembered(people: dict, memo: dict, changed=None, early: Search | None = None) -> Callable[[], list[Suspect]]:
    """``find``, or its last answer when no input to it has changed (an edit to a story, say).

    ``memo`` is kept by the caller between builds: everyone's inputs and the answer. ``changed``: the
    only people whose entries may differ since then (`serve` knows), so no one else is compared.
    ``early``: the same search, started before ``people`` were known here (see ``Search``).

    Returns a function that gives the answer: when there is a search to do among many people, it runs
    in a forked process, and the caller goes on with other work on the other core meanwhile."""
    known = memo.get("inputs")
    if known is not None and known.keys() == people.keys():
        if all(known[pid] == _inputs(people[pid]) for pid in (people if changed is None else changed)):
            if early is not None:
                early.cancel()
            return lambda: memo["found"]
    inputs = {pid: _inputs(p) for pid, p in people.items()}
    search = early or Search(lambda: people, len(people))

    def found() -> list[Suspect]:
        memo.clear()
        memo.update(inputs=inputs, found=search.answer())
        return memo["found"]

    return found


IN_PARALLEL_FROM = 2000  # people: below this the search takes less time than starting a process


class Search:
    """``find(people_of())``, in a forked process when there are ``count`` people or more (it inherits
    what it needs: nothing is copied), so that the caller can work meanwhile; here otherwise, or if
    that process fails. ``people_of`` must give what the caller will give ``find_remembered``."""

    def __init__(self, people_of: Callable[[], dict], count: int) -> None:
        self.people_of = people_of
        self.process = None
        if count >= IN_PARALLEL_FROM:
            context = multiprocessing.get_context("fork")
            self.receive, send = context.Pipe(duplex=False)
            self.process = context.Process(target=lambda: send.send(find(people_of())), daemon=True)
            self.process.start()
            send.close()

    def answer(self) -> list[Suspect]:
        if self.process is None:
            return find(self.people_of())
        try:
            return self.receive.recv()
        except (EOFError, OSError):
            return find(self.people_of())
        finally:
            self.cancel()

    def cancel(self) -> None:
        if self.process is not None:
            self.receive.close()
            self.process.kill()
            self.process.join()
            self.process = None


def _inputs(person) -> tuple:
    """What ``find`` reads of a person."""
    return (_names(person), person.city, [(e.date, e.city) for e in person.events], person.not_duplicate_of)


def find(people: dict) -> list[Suspect]:
    """Pairs of people (id -> schema.Person) that look like one person, best match first."""
    keys = {pid: sorted({fold(n) for n in _names(p)} - {""}) for pid, p in people.items()}
    # Only compare people who share the first four letters of some name part (a given name or a
    # surname): every known variant pair does, and 10,000 people stay fast.
    blocks: dict[str, set[str]] = defaultdict(set)
    for pid, names in keys.items():
        for name in names:
            for token in name.split():
                if len(token) >= 3:
                    blocks[token[:4]].add(pid)
    # Score every pair inside each block at once, in rapidfuzz's C++ (a Python loop over pairs is too slow).
    best: dict[tuple[str, str], float] = {}
    for ids in blocks.values():
        if len(ids) < 2:
            continue
        owners = [(pid, name) for pid in sorted(ids) for name in keys[pid]]
        names = [name for _, name in owners]
        scores = process.cdist(names, names, scorer=fuzz.token_sort_ratio, score_cutoff=THRESHOLD - 12, dtype=np.uint8)
        for i, j in zip(*np.nonzero(np.triu(scores, k=1)), strict=True):
            a, b = owners[i][0], owners[j][0]
            if a != b:
                pair = (a, b) if a < b else (b, a)
                best[pair] = max(best.get(pair, 0), float(scores[i, j]))
    found = []
    for (a, b), name_score in sorted(best.items()):
        pa, pb = people[a], people[b]
        if b in pa.not_duplicate_of or a in pb.not_duplicate_of:
            continue
        score, reasons = name_score, [f"names {name_score:.0f}% alike"]
        cities_a, cities_b = _cities(pa), _cities(pb)
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
    return sorted(found, key=lambda s: (-s.score, s.a, s.b))


def _cities(person) -> set[str]:
    return {c for c in [person.city, *(e.city for e in person.events)] if c}

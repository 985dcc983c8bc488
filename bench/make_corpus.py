#!/usr/bin/env python3
"""Write a deterministic synthetic corpus of N people in the project's content format.

Every name and fact here is invented (random syllables) and exists only to
measure the generator at the scale of the full record. Usage:

    python bench/make_corpus.py 10000 /tmp/corpus-10k
    python bench/make_corpus.py 10000 /tmp/corpus-10k-3 en,ru,kk   (three language trees)
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

SYLLABLES = [
    "ay",
    "bek",
    "nur",
    "sul",
    "tan",
    "er",
    "ali",
    "dar",
    "zhan",
    "mur",
    "kas",
    "yer",
    "bol",
    "at",
    "gul",
    "sa",
    "ken",
    "dos",
    "tay",
    "ra",
]
CYR = {
    "a": "а",
    "b": "б",
    "d": "д",
    "e": "е",
    "g": "г",
    "i": "и",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "y": "ы",
    "z": "з",
    "h": "х",
}
FATES = ["killed", "died-in-custody", "wounded", "tortured", "detained", "prosecuted", "missing"]
WORDS = "according to the report his her brother mother family said that on the day they were in the city when security forces detained him at a checkpoint later released court hearing lawyer complaint investigation closed witnesses described".split()


def name(rng: random.Random) -> str:
    first = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    last = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() + rng.choice(["ov", "ev", "uly", "kyzy", "bayev"])
    return f"{first} {last}"


def cyrillic(text: str) -> str:
    """A Cyrillic spelling of a Latin name, as the aliases of real entries are (Zhanbek Tanov → Жанбек Танов)."""
    words = text.lower().replace("zh", "ж").replace("sh", "ш").split()
    return " ".join("".join(CYR.get(c, c) for c in word).capitalize() for word in words)


def story(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(250, 400))]
    paragraphs = [" ".join(words[i : i + 60]).capitalize() + "." for i in range(0, len(words), 60)]
    return "\n\n".join(paragraphs) + "\n"


def write(n: int, out: Path, seed: int = 2022, languages: tuple[str, ...] = ("en",)) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for folder in ("sources", "cities", "people", "events", "pages", "figures"):
        (out / folder).mkdir(parents=True)
    (out / "site.yaml").write_text(
        f"title: Benchmark Memorial\ndescription: A synthetic corpus; every name is invented.\nlanguages: [{', '.join(languages)}]\n"
        "default_language: en\ntimeline:\n  start: 2022-01-02\n  end: 2022-01-21\nintro: Synthetic.\n",
        encoding="utf-8",
    )
    sources = [f"source-{i:02d}" for i in range(12)]
    for i, sid in enumerate(sources):
        (out / "sources" / f"{sid}.yaml").write_text(
            f"publisher: Publisher {i}\ntitle: Synthetic report {i}\ndate: 2022-{(i % 12) + 1:02d}\nurl: https://example.org/{sid}\nlanguage: en\nkind: ngo-report\n",
            encoding="utf-8",
        )
    cities = [f"city-{i:02d}" for i in range(40)]
    for i, cid in enumerate(cities):
        (out / "cities" / f"{cid}.yaml").write_text(
            f"name: City {i}\nregion: Region {i % 14}\nlatitude: {43 + (i % 10) * 0.9:.4f}\nlongitude: {51 + (i * 0.9) % 35:.4f}\n",
            encoding="utf-8",
        )
    for i in range(20):
        (out / "events" / f"event-{i:02d}.md").write_text(
            f"---\ntitle: Synthetic event {i}\ndate: 2022-01-{2 + i:02d}\nnational: true\nsources: [{sources[i % 12]}]\n---\n{story(rng)}",
            encoding="utf-8",
        )
    (out / "pages" / "about.md").write_text("---\ntitle: About\n---\nSynthetic.\n", encoding="utf-8")
    (out / "figures" / "dead.yaml").write_text(
        f"value: 238\nwhat: people killed\ngiven_by: Officials\ndate: 2022-12\nsources: [{sources[0]}]\n", encoding="utf-8"
    )
    seen: set[str] = set()
    for i in range(n):
        full = name(rng)
        pid = full.lower().replace(" ", "-")
        while pid in seen:
            pid = f"{pid}-{i}"
        seen.add(pid)
        srcs = rng.sample(sources, rng.randint(1, 3))
        city = rng.choice(cities)
        aliases = [cyrillic(full)] if rng.random() < 0.3 else []
        lines = [
            f"name: {full}",
            f"aliases: [{', '.join(aliases)}]",
            f"city: {city}",
            f"fates: [{', '.join(rng.sample(FATES, rng.randint(1, 2)))}]",
            "events:",
        ]
        for _ in range(rng.randint(2, 6)):
            day = rng.randint(2, 21)
            lines += [
                f"  - date: 2022-01-{day:02d}",
                f"    city: {rng.choice(cities)}",
                f"    what: {rng.choice(WORDS).capitalize()} {' '.join(rng.choice(WORDS) for _ in range(10))}.",
                f"    sources: [{rng.choice(srcs)}]",
            ]
        if rng.random() < 0.4:
            lines += ["age:", f"  years: {rng.randint(16, 70)}", "  as_of: 2022-01", f"  sources: [{srcs[0]}]"]
        lines += [f"sources: [{', '.join(srcs)}]"]
        (out / "people" / f"{pid}.md").write_text("---\n" + "\n".join(lines) + "\n---\n" + story(rng), encoding="utf-8")


def is_corpus(folder: Path) -> bool:
    """True for a folder this script wrote (its site.yaml says so), the only kind it replaces."""
    site = folder / "site.yaml"
    return site.is_file() and site.read_text(encoding="utf-8").startswith("title: Benchmark Memorial\n")


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or not argv[0].isdigit() or int(argv[0]) < 1:
        print(
            "usage: python bench/make_corpus.py N DIR [LANGUAGES]   (N people, written into DIR, which is replaced;"
            " LANGUAGES: the site's language trees, e.g. en,ru,kk; default en)",
            file=sys.stderr,
        )
        return 2
    out = Path(argv[1])
    if out.exists() and any(out.iterdir()) and not is_corpus(out):
        print(f"error: {out} is not empty and not a corpus made by this script: refusing to replace it", file=sys.stderr)
        return 2
    write(int(argv[0]), out, languages=tuple(argv[2].split(",")) if len(argv) == 3 else ("en",))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Write a deterministic synthetic corpus of N people in the project's content format.

The corpus is meant to be as hard as the real record, not easier: names are drawn
from pools of common Kazakh first names and surnames with a skewed (Zipf-like)
frequency, so at ten thousand people many full names are shared by different
people and many more differ by a letter or a transliteration (Yerlan / Erlan /
Yerzhan); about 2% of entries are the same person entered twice under another
spelling, as happens when lists from several groups are merged. Each person is
as rich as the shipped entries: several dated facts in several cities (some after
the timeline, some with partial dates), several sources, an occupation and age,
a Cyrillic name form and Latin aliases for many, a justice note and conflicting
accounts for some, and, when the corpus has Russian or Kazakh trees, translated
stories for some. Cities follow the real skew (most people in Almaty).

Every person, story and fact here is invented and exists only to measure the
generator; nothing from it may be published. Usage:

    python bench/make_corpus.py 10000 /tmp/corpus-10k
    python bench/make_corpus.py 10000 /tmp/corpus-10k-3 en,ru,kk   (three language trees)
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

# Common Kazakh given names and surname stems in a usual Latin spelling, most frequent first.
MALE = (
    "Nurlan Yerlan Askar Serik Daniyar Yerzhan Arman Marat Bauyrzhan Ruslan Azamat Kairat Talgat Dauren Yerbol "
    "Berik Bolat Zhandos Nurbolat Galymzhan Almas Murat Timur Aibek Dias Abylai Sanzhar Alibek Madi Nurzhan "
    "Olzhas Didar Yerasyl Temirlan Beibit Samat Yerik Kanat Dastan Nurdaulet Zhanibek Rustem Adilet Aslan "
    "Yerkebulan Asylbek Aidos Daulet Zhanat Meirzhan Nursultan Erbolat Kuanysh Sultan Amanzhol Baurzhan Miras "
    "Arsen Yesset Maksat Rinat Gani Saken Bakhyt Yermek Zhomart Askhat Ilyas Aset"
).split()
FEMALE = (
    "Aigerim Aliya Gulnara Dinara Saule Aizhan Zhanar Ainur Madina Gulmira Asel Dana Aruzhan Raushan Zarina "
    "Akmaral Botagoz Assem Kamila Aida Gulnur Zhuldyz Meruyert Dariga Aigul Laura Symbat Togzhan Nazym Saltanat"
).split()
SURNAMES = (
    "Akhmetov Omarov Abdrakhmanov Suleimenov Ibraimov Nurlanov Ismailov Tulegenov Zhakupov Serikbayev Kassymov "
    "Ospanov Mukhametov Sadykov Zhumabayev Iskakov Baimukhamedov Amanov Kenzhebayev Abenov Kairatov Yessenov "
    "Mukanov Abdullayev Karimov Utegenov Sarsenbayev Beisenov Temirbayev Zhaksylykov Nurmagambetov Tursynov "
    "Yermekov Kuanyshev Baizhanov Sultanov Zhaksybekov Yerzhanov Aitbayev Smagulov Rakhimov Bekmukhambetov "
    "Kaliyev Tokhtarov Shaikenov Zhunusov Dzhumabayev Saparov Ermekbayev Abilov Nurpeisov Kuandykov Dosmukhamedov "
    "Musin Baitursynov Zhanuzakov Seitkali Tazhibayev Myrzakhmetov Orazbayev Tleuov Kudaibergenov Bekov Imanov "
    "Aubakirov Zhylkybayev Mamyrov Abishev Duisenov Koshkarov Bazarbayev Turlybekov Yeleusizov Satybaldiyev "
    "Kemelbekov Nurgaliyev Zhakenov Khamitov Baimenov Tokenov Shalabayev Almukhanov Kulibayev Yesimov Sagyndykov"
).split()
# Many surnames are made from a forefather's given name (Nurlanov, Serikbekov, Nurlanuly): the pool holds both.
SURNAME_POOL = SURNAMES + [given + ending for ending in ("ov", "bekov", "uly") for given in random.Random(1).sample(MALE, len(MALE))]
# The same sound as other groups write it (a list in Russian transliteration, a passport's, English press).
RESPELL = [("Yer", "Er"), ("Ye", "E"), ("zh", "j"), ("Zh", "Dzh"), ("kh", "h"), ("yev", "ev"), ("ay", "ai"), ("uy", "ui"), ("ss", "s")]
CYR = [
    ("zh", "ж"), ("kh", "х"), ("sh", "ш"), ("ch", "ч"), ("ts", "ц"), ("yu", "ю"), ("ya", "я"), ("ye", "е"), ("yo", "ё"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "ы"),
    ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
    ("u", "у"), ("f", "ф"), ("h", "х"), ("q", "к"),
]  # fmt: skip
CITIES = [  # (id, name, latitude, longitude, weight): Almaty holds most of the record
    ("almaty", "Almaty", 43.2389, 76.8897, 55),
    ("taldykorgan", "Taldykorgan", 45.0156, 78.3739, 8),
    ("shymkent", "Shymkent", 42.3417, 69.5901, 6),
    ("taraz", "Taraz", 42.9000, 71.3667, 6),
    ("aktobe", "Aktobe", 50.2839, 57.1670, 4),
    ("kyzylorda", "Kyzylorda", 44.8488, 65.4823, 4),
    ("zhanaozen", "Zhanaozen", 43.3412, 52.8619, 3),
    ("aktau", "Aktau", 43.6481, 51.1722, 3),
    ("atyrau", "Atyrau", 47.1164, 51.8833, 2),
    ("uralsk", "Uralsk", 51.2333, 51.3667, 2),
    ("astana", "Astana", 51.1694, 71.4491, 2),
    ("karaganda", "Karaganda", 49.8047, 73.1094, 2),
    ("kaskelen", "Kaskelen", 43.2000, 76.6200, 2),
    ("esik", "Esik", 43.3553, 77.4528, 1),
    ("talgar", "Talgar", 43.3036, 77.2403, 1),
    ("turkestan", "Turkestan", 43.2973, 68.2518, 1),
]
FATES_WEIGHTED = [("detained", 40), ("tortured", 20), ("prosecuted", 15), ("killed", 12), ("wounded", 8), ("died-in-custody", 2), ("missing", 2), ("journalist-targeted", 1)]  # fmt: skip
JUSTICE = ["none-known", "complaint-filed", "case-opened", "case-closed", "conviction", "acquittal", "compensation"]
OCCUPATIONS = ["driver", "student", "builder", "teacher", "shop assistant", "taxi driver", "engineer", "nurse", "farmer", "welder", "security guard", "cook", "unemployed", "entrepreneur", "miner", "oil worker"]  # fmt: skip
WORDS = (
    "according to the report his her brother mother sister family lawyer said that on the day they were in the city "
    "when security forces detained him her at a checkpoint later released court hearing complaint investigation closed "
    "witnesses described the square police station hospital morning evening night street crowd friends neighbours "
    "work home returned never car shots heard relatives searched days weeks"
).split()
RU_WORDS = (
    "по словам его её брата матери семьи адвоката в тот день они были в городе когда силовики задержали его её на "
    "блокпосту позже освободили суд заседание жалоба следствие закрыто свидетели описали площадь отдел больница утром "
    "вечером ночью улица толпа друзья соседи работа дом вернулся родственники искали дни недели"
).split()
KK_WORDS = (
    "ағасының анасының отбасының адвокатының айтуынша сол күні олар қалада болды күштік құрылымдар оны бекетте ұстады "
    "кейін босатылды сот отырысы шағым тергеу жабылды куәгерлер сипаттады алаң бөлім аурухана таңертең кешке түнде "
    "көше жұрт достары көршілері жұмыс үй оралды туыстары іздеді күндер апталар"
).split()
SOURCES = 40


def skewed(items: list, rng: random.Random, flat: int) -> object:
    """One of ``items``, the first ones far more often (item k with weight 1/(k + flat)), as names are in a real
    list: with the pools below the commonest given name is about 5% of people and the commonest surname about 2%,
    so at 10,000 people half of them share their full name with someone else."""
    return rng.choices(items, weights=[1 / (k + flat) for k in range(len(items))])[0]


def feminine(surname: str) -> str:
    if surname.endswith(("ov", "ev", "in")):
        return surname + "a"
    return surname


def person_name(rng: random.Random) -> tuple[str, str, bool]:
    """(given name, surname, female): some surnames follow the Kazakh pattern from the father's name (Nurlanuly)."""
    female = rng.random() < 0.12
    given = skewed(FEMALE if female else MALE, rng, 8)
    surname = skewed(SURNAME_POOL, rng, 20)
    if surname.endswith("uly"):
        return given, surname.removesuffix("uly") + "kyzy" if female else surname, female
    return given, feminine(surname) if female else surname, female


def name(rng: random.Random) -> str:
    given, surname, _ = person_name(rng)
    return f"{given} {surname}"


def respelled(name: str, rng: random.Random) -> str:
    """The same name in another group's Latin spelling (Yerlan Zhakupov -> Erlan Jakupov), or one letter off."""
    options = [(a, b) for a, b in RESPELL if a in name]
    if options:
        a, b = rng.choice(options)
        return name.replace(a, b, 1)
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1 :] if name[i] != " " else name[::1] + "a"


def cyrillic(text: str) -> str:
    """A Cyrillic spelling of a Latin name, as a source in Russian would write it."""
    words = []
    for word in text.lower().split():
        out, i = "", 0
        while i < len(word):
            for latin, cyr in CYR:
                if word.startswith(latin, i):
                    out += cyr
                    i += len(latin)
                    break
            else:
                out += word[i]
                i += 1
        words.append(out.capitalize())
    return " ".join(words)


def sentence(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


def story(rng: random.Random, words: list[str] = WORDS) -> str:
    paragraphs = [" ".join(sentence(rng, words, rng.randint(8, 20)) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(2, 4))]
    return "\n\n".join(paragraphs) + "\n"


def event_date(rng: random.Random) -> str:
    """Most facts fall on 4-11 January 2022; some later (trials, releases), a few known only to the month."""
    roll = rng.random()
    if roll < 0.78:
        return f"2022-01-{rng.choices(range(2, 22), weights=[1, 1, 6, 10, 12, 9, 6, 4, 4, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1])[0]:02d}"
    if roll < 0.95:
        return f"2022-{rng.randint(2, 12):02d}-{rng.randint(1, 28):02d}"
    return f"2022-{rng.randint(2, 12):02d}"


def person_lines(
    rng: random.Random, given: str, surname: str, city: str, srcs: list[str], cities: list[str], weights: list[int]
) -> list[str]:
    full = f"{given} {surname}"
    lines = [f"name: {full}", f"sort_name: {surname}, {given}"]
    if rng.random() < 0.35:
        lines.append(f"aliases: [{respelled(full, rng)}]")
    if rng.random() < 0.45:
        lines += ["name_forms:", f"  - name: {cyrillic(full)}", "    language: ru", "    script: Cyrl", f"    sources: [{srcs[-1]}]"]
    if rng.random() < 0.5:
        lines += ["age:", f"  years: {rng.randint(16, 70)}", "  as_of: 2022-01", f"  sources: [{srcs[0]}]"]
    if rng.random() < 0.6:
        lines += ["occupation:", f"  text: {rng.choice(OCCUPATIONS)}", f"  sources: [{rng.choice(srcs)}]"]
    if rng.random() < 0.9:
        lines.append(f"city: {city}")
    fates = sorted({rng.choices(*zip(*FATES_WEIGHTED, strict=True))[0] for _ in range(rng.randint(1, 3))})
    lines += [f"fates: [{', '.join(fates)}]", "events:"]
    for _ in range(rng.randint(2, 5)):
        lines += [f"  - date: {event_date(rng)}"]
        if rng.random() < 0.8:
            lines.append(f"    city: {city if rng.random() < 0.7 else rng.choices(cities, weights=weights)[0]}")
        lines += [f"    what: {sentence(rng, WORDS, rng.randint(6, 16))}", f"    sources: [{rng.choice(srcs)}]"]
    if rng.random() < 0.3:
        lines += [
            "justice:",
            f"  status: {rng.choice(JUSTICE)}",
            f"  note: {sentence(rng, WORDS, rng.randint(12, 30))}",
            f"  sources: [{rng.choice(srcs)}]",
        ]
    if rng.random() < 0.15 and len(srcs) > 1:
        lines += [
            "conflicts:",
            "  - about: the date of detention",
            "    sides:",
            f"      - claim: {sentence(rng, WORDS, 8)}",
            f"        sources: [{srcs[0]}]",
            f"      - claim: {sentence(rng, WORDS, 8)}",
            f"        sources: [{srcs[1]}]",
        ]
    lines.append(f"sources: [{', '.join(srcs)}]")
    return lines


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
    kinds = ["ngo-report", "news", "testimony", "court-document", "official-statement"]
    sources = [f"source-{i:02d}" for i in range(SOURCES)]
    for i, sid in enumerate(sources):
        (out / "sources" / f"{sid}.yaml").write_text(
            f"publisher: Publisher {i}\ntitle: Synthetic report {i}\ndate: 2022-{(i % 12) + 1:02d}\nurl: https://example.org/{sid}\n"
            f"language: {['en', 'ru', 'kk'][i % 3]}\nkind: {kinds[i % len(kinds)]}\n",
            encoding="utf-8",
        )
    cities = [c[0] for c in CITIES]
    weights = [c[4] for c in CITIES]
    for cid, name, lat, lon, _ in CITIES:
        (out / "cities" / f"{cid}.yaml").write_text(f"name: {name}\nlatitude: {lat}\nlongitude: {lon}\n", encoding="utf-8")
    for i in range(20):
        (out / "events" / f"event-{i:02d}.md").write_text(
            f"---\ntitle: Synthetic event {i}\ndate: 2022-01-{2 + i:02d}\ncity: {cities[i % len(cities)]}\n"
            f"sources: [{sources[i % SOURCES]}]\n---\n{story(rng)}",
            encoding="utf-8",
        )
    (out / "pages" / "about.md").write_text("---\ntitle: About\n---\nSynthetic.\n", encoding="utf-8")
    (out / "figures" / "dead.yaml").write_text(
        f"value: 238\nwhat: people killed\ngiven_by: Officials\ndate: 2022-12\nsources: [{sources[0]}]\n", encoding="utf-8"
    )
    seen: set[str] = set()
    people: list[tuple[str, str, str, list[str]]] = []  # (given, surname, city, sources) of those written
    for _ in range(n):
        if people and rng.random() < 0.02:  # the same person again, from another group's list
            given, surname, city, first_srcs = rng.choice(people)
            given, surname = respelled(f"{given} {surname}", rng).split(" ", 1)
            srcs = sorted({*rng.sample(first_srcs, 1), *rng.sample(sources, 1)})
        else:
            given, surname, _ = person_name(rng)
            city = rng.choices(cities, weights=weights)[0]
            srcs = sorted(rng.sample(sources, rng.choices([1, 2, 3, 4], weights=[3, 4, 2, 1])[0]))
        people.append((given, surname, city, srcs))
        base = f"{given}-{surname}".lower()
        pid, k = base, 2
        while pid in seen:  # as `new` does: namesakes get -2, -3 ...
            pid, k = f"{base}-{k}", k + 1
        seen.add(pid)
        lines = person_lines(rng, given, surname, city, srcs, cities, weights)
        (out / "people" / f"{pid}.md").write_text("---\n" + "\n".join(lines) + "\n---\n" + story(rng), encoding="utf-8")
        for lang, words, share in (("ru", RU_WORDS, 0.5), ("kk", KK_WORDS, 0.3)):
            if lang in languages and rng.random() < share:
                (out / "people" / f"{pid}.{lang}.md").write_text("---\n---\n" + story(rng, words), encoding="utf-8")


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

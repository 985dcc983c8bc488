"""Pictures drawn at build time as inline SVG: the map of Kazakhstan, people per day, what happened.

Pure functions returning markup strings: no file I/O except `load_outline`, no
script, no `style` and no presentation attributes (fill, stroke, font-size,
text-anchor): every element carries a `class`, styled by `assets/style.css`
(text alignment too: `anchor-start`, `anchor-middle`, `anchor-end`). Every text goes
through `markupsafe.escape`. The same input gives the same bytes (coordinates
rounded to one decimal, ties broken by name).

Their words come from the caller, in the page's language: the titles, the description and
`labelled`, which names a mark ("Almaty: 23 people"); numbers are written by `number` ("10 000" in
Russian). The English defaults serve the tests and any caller with no catalog.

Each chart is labelled by a `<title>` and `<desc>` inside it, whose ids start
with the chart's `id_prefix` (one prefix per chart on a page). A chart whose
marks are links gets `role="group"`, not `role="img"`: the children of an
ARIA img are presentational, so its links would vanish for screen readers
while staying in the tab order. A chart without links gets `role="img"`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from markupsafe import escape

from .i18n import N_

OUTLINE_PATH = Path(__file__).with_name("data") / "kazakhstan.json"
CREDIT = N_("Map outline: Natural Earth (public domain), 1:50m, via world-atlas.")  # translated where shown
SVG_NS = "http://www.w3.org/2000/svg"
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


def load_outline(path: Path | str = OUTLINE_PATH) -> dict[str, Any]:
    """The country outline written by tools/make_map_data.py: {"bbox", "rings", ...}."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def credit() -> str:
    """The line to show under the map, in English (a page shows it through its catalog)."""
    return CREDIT


# ---------------------------------------------------------------- helpers


def _n(value: float) -> str:
    """A coordinate with at most one decimal, no trailing .0, never -0."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def english_label(name: str, count: int) -> str:
    """A mark's name in English: "Almaty: 23 people"."""
    return f"{name}: 1 person" if count == 1 else f"{name}: {count} people"


Labelled = Callable[[str, int], str]  # a mark's name from its label and its count
Number = Callable[[int], str]  # a count as the page's language writes it


def _check_prefix(id_prefix: str) -> str:
    if not _ID.match(id_prefix):
        raise ValueError(f"id_prefix must be a letter then letters, digits, '-' or '_': {id_prefix!r}")
    return id_prefix


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a count must be a whole number, 0 or more: {value!r}")
    return value


def _open(width: float, height: float, id_prefix: str, title: str, desc: str, css_class: str, linked: bool) -> str:
    p = escape(_check_prefix(id_prefix))
    role = "group" if linked else "img"
    return (
        f'<svg xmlns="{SVG_NS}" class="chart {css_class}" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="{role}" aria-labelledby="{p}-title {p}-desc">'
        f'<title id="{p}-title">{escape(title)}</title><desc id="{p}-desc">{escape(desc)}</desc>'
    )


def _link(link_prefix: str, url: str | None, inner: str, title: str) -> str:
    """`inner` inside a link whose accessible name is `title`; just a titled group without a url."""
    if url:
        return f'<a href="{escape(link_prefix + url)}"><title>{escape(title)}</title>{inner}</a>'
    return f"<g><title>{escape(title)}</title>{inner}</g>"


def _text_width(text: str, font: float) -> float:
    """A rough width for label placement (no font metrics at build time)."""
    return 0.58 * font * len(text)


def _nice_step(top: int, most_ticks: int = 5) -> int:
    """1, 2, 5, 10, 20, 50… : the smallest step giving at most `most_ticks` steps up to `top`."""
    step = 1
    while math.ceil(top / step) > most_ticks:
        for factor in (2, 2.5, 2):  # 1 → 2 → 5 → 10
            step = int(step * factor)
            if math.ceil(top / step) <= most_ticks:
                break
    return step


# ---------------------------------------------------------------- the map

MAP_WIDTH = 800.0
MAP_PAD = 12.0
R_MIN = 3.5  # a city with nobody recorded is still a visible dot
R_MAX = 30.0  # the city with the most people
LABEL_FONT = 12.0  # keep in step with .map-label's font-size in the CSS


def kazakhstan_map(
    cities: Iterable[Mapping[str, Any]],
    outline: Mapping[str, Any],
    link_prefix: str = "",
    *,
    id_prefix: str = "map",
    title: str = "Map of Kazakhstan: where the people on this memorial were",
    desc: str | None = None,
    labelled: Labelled = english_label,
) -> str:
    """The country outline and one linked circle per city.

    `cities`: dicts with "id", "name", "lat", "lon", "count" and "url" (a link
    relative to the page, after `link_prefix`). Projection: equirectangular,
    x scaled by cos(middle latitude of the outline's bbox). Circle area is a
    small fixed dot plus an area proportional to the count, so the area
    difference between two cities is proportional to their difference in
    people and a city with 0 is still visible (class `map-city-zero`).
    Largest circles are drawn first so smaller ones stay on top and clickable.
    Labels go right of the circle, or left, above or below, and are left out
    where all four would overlap a label already placed.
    """
    cities = [dict(city, count=_count(city["count"])) for city in cities]
    lon0, lat0, lon1, lat1 = (float(v) for v in outline["bbox"])
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    scale = (MAP_WIDTH - 2 * MAP_PAD) / ((lon1 - lon0) * kx)
    height = (lat1 - lat0) * scale + 2 * MAP_PAD

    def project(lon: float, lat: float) -> tuple[float, float]:
        return MAP_PAD + (lon - lon0) * kx * scale, MAP_PAD + (lat1 - lat) * scale

    path = []
    for ring in outline["rings"]:
        points = [f"{_n(x)},{_n(y)}" for x, y in (project(lon, lat) for lon, lat in ring)]
        points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        path.append("M" + points[0] + "L" + " ".join(points[1:]) + "Z")

    most = max((c["count"] for c in cities), default=0)
    k2 = (R_MAX**2 - R_MIN**2) / most if most else 0.0

    def radius(count: int) -> float:
        return math.sqrt(R_MIN**2 + k2 * count)

    cities.sort(key=lambda c: (-c["count"], str(c["name"]), str(c["id"])))
    if desc is None:
        listed = "; ".join(labelled(c["name"], c["count"]) for c in cities)
        desc = "One circle per city, its area growing with the number of people recorded there." + (f" {listed}." if listed else "")

    marks, labels, placed = [], [], []
    for city in cities:
        x, y = project(float(city["lon"]), float(city["lat"]))
        r = radius(city["count"])
        css = "map-city map-city-zero" if city["count"] == 0 else "map-city"
        circle = f'<circle class="{css}" cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}"/>'
        marks.append(_link(link_prefix, city.get("url"), circle, labelled(city["name"], city["count"])))
        label = _place_label(str(city["name"]), x, y, r, MAP_WIDTH, height, placed)
        if label:
            labels.append(label)

    return (
        _open(MAP_WIDTH, height, id_prefix, title, desc, "map", linked=any(c.get("url") for c in cities))
        + f'<path class="map-land" d="{" ".join(path)}"/>'
        + f'<g class="map-cities">{"".join(marks)}</g>'
        + (f'<g class="map-labels" aria-hidden="true">{"".join(labels)}</g>' if labels else "")
        + "</svg>"
    )


def _place_label(name: str, x: float, y: float, r: float, width: float, height: float, placed: list) -> str:
    """The first of right, left, above, below that stays inside and clear of `placed` boxes."""
    w, h, gap = _text_width(name, LABEL_FONT), LABEL_FONT, 3.0
    candidates = [  # (box left, box top, text x, baseline y, anchor)
        (x + r + gap, y - h / 2, x + r + gap, y + h * 0.35, "start"),
        (x - r - gap - w, y - h / 2, x - r - gap, y + h * 0.35, "end"),
        (x - w / 2, y - r - gap - h, x, y - r - gap - h * 0.2, "middle"),
        (x - w / 2, y + r + gap, x, y + r + gap + h * 0.8, "middle"),
    ]
    for left, top, tx, ty, anchor in candidates:
        box = (left, top, left + w, top + h)
        inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
        if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            placed.append(box)
            return f'<text class="map-label anchor-{anchor}" x="{_n(tx)}" y="{_n(ty)}">{escape(name)}</text>'
    return ""


# ---------------------------------------------------------------- people per day

DAY_WIDTH = 640.0
DAY_HEIGHT = 240.0


def day_chart(
    days: Iterable[Mapping[str, Any]],
    link_prefix: str = "",
    *,
    id_prefix: str = "days",
    title: str = "People per day, 2–21 January 2022",
    desc: str | None = None,
    x_caption: str = "Day of January 2022",
    y_caption: str = "People",
    labelled: Labelled = english_label,
    number: Number = str,
) -> str:
    """Vertical bars, one per day in the order given, each a link to its day.

    `days`: dicts with "label" ("5 Jan", used in titles and the description),
    "iso" ("2022-01-05"; its day of the month is the tick under the bar),
    "count" and "url" (optional; no link without it). A day with nobody still
    shows a short baseline mark (class `bar-zero`) so the gap reads as zero.
    """
    days = [dict(day, count=_count(day["count"])) for day in days]
    left, right, top, bottom = 40.0, 8.0, 34.0, 42.0
    plot_w, plot_h = DAY_WIDTH - left - right, DAY_HEIGHT - top - bottom
    base = top + plot_h
    most = max((d["count"] for d in days), default=0)
    step = _nice_step(max(most, 1))
    y_max = step * math.ceil(max(most, 1) / step)
    if desc is None:
        listed = "; ".join(f"{d['label']}: {d['count']}" for d in days)
        desc = f"Vertical bar chart of the number of people recorded on each day. {listed}." if days else "No days to show."

    out = [_open(DAY_WIDTH, DAY_HEIGHT, id_prefix, title, desc, "day-chart", linked=any(d.get("url") for d in days))]
    out.append('<g class="axis" aria-hidden="true">')
    for value in range(0, y_max + 1, step):
        y = base - value / y_max * plot_h
        out.append(f'<line class="grid" x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot_w)}" y2="{_n(y)}"/>')
        out.append(f'<text class="tick-label anchor-end" x="{_n(left - 6)}" y="{_n(y + 4)}">{escape(number(value))}</text>')
    out.append(f'<text class="axis-caption anchor-middle" x="{_n(left + plot_w / 2)}" y="{_n(DAY_HEIGHT - 4)}">{escape(x_caption)}</text>')
    # from the left edge, over the plot: ending at the axis, a longer word was cut off on a phone ("eople")
    out.append(f'<text class="axis-caption anchor-start" x="2" y="{_n(top - 16)}">{escape(y_caption)}</text>')
    out.append(f'<line class="baseline" x1="{_n(left)}" y1="{_n(base)}" x2="{_n(left + plot_w)}" y2="{_n(base)}"/>')
    out.append("</g>")

    slot = plot_w / max(len(days), 1)
    bar_w = slot * 0.7
    out.append('<g class="bars">')
    for i, day in enumerate(days):
        cx = left + slot * (i + 0.5)
        bar_h = day["count"] / y_max * plot_h
        if day["count"]:
            mark = f'<rect class="bar" x="{_n(cx - bar_w / 2)}" y="{_n(base - bar_h)}" width="{_n(bar_w)}" height="{_n(bar_h)}"/>'
            mark += f'<text class="bar-value anchor-middle" x="{_n(cx)}" y="{_n(base - bar_h - 4)}">{escape(number(day["count"]))}</text>'
        else:
            mark = f'<rect class="bar-zero" x="{_n(cx - bar_w / 2)}" y="{_n(base - 2)}" width="{_n(bar_w)}" height="2"/>'
        tick = _day_of_month(day)
        mark += f'<text class="tick-label anchor-middle" x="{_n(cx)}" y="{_n(base + 16)}">{escape(tick)}</text>'
        out.append(_link(link_prefix, day.get("url"), mark, labelled(day["label"], day["count"])))
    out.append("</g></svg>")
    return "".join(out)


def _day_of_month(day: Mapping[str, Any]) -> str:
    iso = str(day.get("iso", ""))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return str(int(iso[8:]))
    return str(day["label"])


# ---------------------------------------------------------------- what happened

FATE_WIDTH = 400.0  # narrow enough that a phone shows it near full size
ROW = 26.0
FATE_FONT = 13.0  # keep in step with .bar-label's font-size in the CSS


def fate_chart(
    rows: Iterable[Mapping[str, Any]],
    link_prefix: str = "",
    *,
    id_prefix: str = "fates",
    title: str = "What happened to the people on this memorial",
    desc: str | None = None,
    labelled: Labelled = english_label,
    number: Number = str,
) -> str:
    """Horizontal bars, one per row in the order given: {"label", "count"} (and an optional "url")."""
    rows = [dict(row, count=_count(row["count"])) for row in rows]
    label_w = min(260.0, max((_text_width(str(r["label"]), FATE_FONT) for r in rows), default=0.0) + 12)
    value_w = 48.0
    plot_w = FATE_WIDTH - label_w - value_w
    height = ROW * len(rows) + 8
    most = max((r["count"] for r in rows), default=0)
    if desc is None:
        listed = "; ".join(f"{r['label']}: {r['count']}" for r in rows)
        desc = f"Horizontal bar chart of the number of people by what happened to them. {listed}." if rows else "Nothing to show."

    out = [_open(FATE_WIDTH, height, id_prefix, title, desc, "fate-chart", linked=any(r.get("url") for r in rows))]
    out.append('<g class="bars">')
    for i, row in enumerate(rows):
        top = 4 + ROW * i
        mid = top + ROW / 2
        bar_w = row["count"] / most * plot_w if most else 0.0
        mark = f'<text class="bar-label anchor-end" x="{_n(label_w - 8)}" y="{_n(mid + 4.5)}">{escape(row["label"])}</text>'
        if row["count"]:
            mark += f'<rect class="bar" x="{_n(label_w)}" y="{_n(top + 4)}" width="{_n(max(bar_w, 1))}" height="{_n(ROW - 8)}"/>'
        else:
            mark += f'<rect class="bar-zero" x="{_n(label_w)}" y="{_n(top + 4)}" width="2" height="{_n(ROW - 8)}"/>'
        mark += f'<text class="bar-value" x="{_n(label_w + max(bar_w, 2) + 6)}" y="{_n(mid + 4.5)}">{escape(number(row["count"]))}</text>'
        out.append(_link(link_prefix, row.get("url"), mark, labelled(row["label"], row["count"])))
    out.append("</g></svg>")
    return "".join(out)

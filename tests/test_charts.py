"""The build-time SVG pictures (memorial/charts.py) and the committed map outline."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from memorial import charts

SVG = "{http://www.w3.org/2000/svg}"

CITIES = [
    {"id": "almaty", "name": "Almaty", "lat": 43.24, "lon": 76.89, "count": 40, "url": "cities/almaty.html"},
    {"id": "zhanaozen", "name": "Zhanaozen", "lat": 43.34, "lon": 52.86, "count": 2, "url": "cities/zhanaozen.html"},
    {"id": "taraz", "name": "Taraz", "lat": 42.90, "lon": 71.37, "count": 6, "url": "cities/taraz.html"},
    {"id": "taldykorgan", "name": "Taldykorgan", "lat": 45.02, "lon": 78.37, "count": 9, "url": "cities/taldykorgan.html"},
    {"id": "aktobe", "name": "Aktobe", "lat": 50.28, "lon": 57.21, "count": 1, "url": "cities/aktobe.html"},
    {"id": "uralsk", "name": "Uralsk", "lat": 51.23, "lon": 51.37, "count": 0, "url": "cities/uralsk.html"},
]

DAYS = [
    {
        "label": f"{d} Jan",
        "iso": f"2022-01-{d:02d}",
        "count": {4: 3, 5: 25, 6: 12, 7: 8, 8: 2, 10: 1}.get(d, 0),
        "url": f"days/2022-01-{d:02d}.html",
    }
    for d in range(2, 22)
]

FATES = [{"label": "Killed", "count": 30}, {"label": "Tortured", "count": 12}, {"label": "Missing", "count": 0}]

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def outline():
    return charts.load_outline()


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return root


def links(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}a")


def assert_labelled(root: ET.Element, prefix: str) -> None:
    assert root.get("aria-labelledby") == f"{prefix}-title {prefix}-desc"
    assert root.find(f"{SVG}title").get("id") == f"{prefix}-title"
    assert root.find(f"{SVG}desc").get("id") == f"{prefix}-desc"
    assert root.get("role") in {"img", "group"}


def assert_no_styling_attributes(svg: str) -> None:
    for name in ("style", "fill", "stroke", "font-size", "font-family", "text-anchor", "opacity", "onload", "onclick"):
        assert not re.search(rf"\s{name}=", svg), name
    assert "<script" not in svg


# ---------------------------------------------------------------- data file


def test_data_file_is_small_and_credited():
    path = charts.OUTLINE_PATH
    assert path.is_file()
    assert path.stat().st_size < 20_000
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["source"] and data["projection"]
    assert "Natural Earth" in charts.credit()


def test_outline_lies_in_kazakhstan(outline):
    lon0, lat0, lon1, lat1 = outline["bbox"]
    assert 46 <= lon0 < lon1 <= 88 and 40 <= lat0 < lat1 <= 56
    points = [p for ring in outline["rings"] for p in ring]
    assert len(points) > 150  # still a recognisable outline, Caspian coast included
    assert min(p[0] for p in points) == lon0 and max(p[0] for p in points) == lon1
    assert min(p[1] for p in points) == lat0 and max(p[1] for p in points) == lat1
    for ring in outline["rings"]:
        assert ring[0] == ring[-1] and len(ring) >= 4
        assert all(round(v, 3) == v for p in ring for v in p)


# ---------------------------------------------------------------- map


def test_map_has_one_linked_circle_per_city(outline):
    root = parse(charts.kazakhstan_map(CITIES, outline, "../", id_prefix="m1"))
    assert_labelled(root, "m1")
    anchors = links(root)
    assert len(anchors) == len(CITIES) == len(root.findall(f".//{SVG}circle"))
    by_href = {a.get("href"): a for a in anchors}
    for city in CITIES:
        a = by_href["../" + city["url"]]
        assert len(a.findall(f"{SVG}circle")) == 1
        n = city["count"]
        assert a.find(f"{SVG}title").text == f"{city['name']}: {n} {'person' if n == 1 else 'people'}"
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Almaty", "Zhanaozen", "Uralsk"} <= set(labels)


def test_map_radii_grow_with_count_and_largest_is_drawn_first(outline):
    root = parse(charts.kazakhstan_map(CITIES, outline, id_prefix="m2"))
    drawn = [(a.find(f"{SVG}title").text.split(":")[0], float(a.find(f"{SVG}circle").get("r"))) for a in links(root)]
    count = {c["name"]: c["count"] for c in CITIES}
    assert [name for name, _ in drawn] == sorted(count, key=lambda n: -count[n])
    radii = [r for _, r in drawn]
    assert radii == sorted(radii, reverse=True) and len(set(radii)) == len(radii)
    assert radii[-1] >= 3  # nobody recorded: still visible
    assert "map-city-zero" in charts.kazakhstan_map(CITIES, outline, id_prefix="m2")


def test_map_places_cities_where_they_are(outline):
    root = parse(charts.kazakhstan_map(CITIES, outline, id_prefix="m3"))
    where = {a.find(f"{SVG}title").text.split(":")[0]: a.find(f"{SVG}circle") for a in links(root)}
    x = {name: float(c.get("cx")) for name, c in where.items()}
    y = {name: float(c.get("cy")) for name, c in where.items()}
    assert x["Uralsk"] < x["Zhanaozen"] < x["Aktobe"] < x["Taraz"] < x["Almaty"] < x["Taldykorgan"]
    assert y["Uralsk"] < y["Aktobe"] < y["Taldykorgan"] < y["Almaty"] < y["Taraz"]
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert all(0 < x[n] < width and 0 < y[n] < height for n in x)


def test_map_is_deterministic(outline):
    first = charts.kazakhstan_map(CITIES, outline, "../", id_prefix="m4")
    again = charts.kazakhstan_map(list(reversed(CITIES)), charts.load_outline(), "../", id_prefix="m4")
    assert first == again
    assert all(len(n.split(".")[1]) <= 1 for n in re.findall(r"\d+\.\d+", first))


def test_map_escapes_every_text(outline):
    hostile = [dict(CITIES[0], name=HOSTILE, url='x.html"><script>alert(2)</script>')]
    svg = charts.kazakhstan_map(hostile, outline, 'p"/', id_prefix="m5", title=HOSTILE, desc=HOSTILE)
    root = parse(svg)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and "<script" not in svg
    assert links(root)[0].get("href") == 'p"/x.html"><script>alert(2)</script>'  # one attribute, whole
    assert root.find(f"{SVG}title").text == HOSTILE
    assert_no_styling_attributes(svg)
    with pytest.raises(ValueError):
        charts.kazakhstan_map(CITIES, outline, id_prefix='x" onload="alert(1)')


def test_map_without_cities_or_with_nobody(outline):
    parse(charts.kazakhstan_map([], outline, id_prefix="m6"))
    svg = charts.kazakhstan_map([dict(c, count=0) for c in CITIES], outline, id_prefix="m7")
    assert len({c.get("r") for c in parse(svg).iter(f"{SVG}circle")}) == 1
    with pytest.raises(ValueError):
        charts.kazakhstan_map([dict(CITIES[0], count=-1)], outline)


# ---------------------------------------------------------------- day chart


def test_day_chart_has_one_linked_bar_per_day():
    svg = charts.day_chart(DAYS, "../", id_prefix="d1")
    root = parse(svg)
    assert_labelled(root, "d1")
    anchors = links(root)
    assert [a.get("href") for a in anchors] == ["../" + d["url"] for d in DAYS]
    for a, day in zip(anchors, DAYS, strict=True):
        bars = a.findall(f"{SVG}rect")
        assert len(bars) == 1
        assert bars[0].get("class") == ("bar" if day["count"] else "bar-zero")
        assert float(bars[0].get("height")) > 0  # an empty day still shows its baseline mark
        assert a.find(f"{SVG}title").text.startswith(day["label"] + ": ")
    heights = {d["iso"]: float(a.find(f"{SVG}rect").get("height")) for a, d in zip(anchors, DAYS, strict=True)}
    assert heights["2022-01-05"] > heights["2022-01-06"] > heights["2022-01-07"] > heights["2022-01-04"]
    assert "5 Jan: 25" in root.find(f"{SVG}desc").text
    assert_no_styling_attributes(svg)
    assert svg == charts.day_chart(DAYS, "../", id_prefix="d1")


def test_day_chart_escapes_and_handles_empty_input():
    svg = charts.day_chart([dict(DAYS[0], label=HOSTILE, iso=HOSTILE)], id_prefix="d2", x_caption=HOSTILE)
    parse(svg)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    parse(charts.day_chart([dict(d, count=0) for d in DAYS], id_prefix="d3"))
    parse(charts.day_chart([], id_prefix="d4"))


# ---------------------------------------------------------------- fate chart


def test_fate_chart_is_an_accessible_image():
    svg = charts.fate_chart(FATES, id_prefix="f1")
    root = parse(svg)
    assert_labelled(root, "f1")
    assert root.get("role") == "img"  # no links inside
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert len(widths) == len(FATES) and widths[0] > widths[1] > widths[2] > 0
    assert [t.text for t in root.iter(f"{SVG}text")][:2] == ["Killed", "30"]
    assert_no_styling_attributes(svg)
    assert svg == charts.fate_chart(FATES, id_prefix="f1")
    hostile = charts.fate_chart([{"label": HOSTILE, "count": 1}], id_prefix="f2")
    parse(hostile)
    assert "<script" not in hostile


def test_charts_on_one_page_have_distinct_ids(outline):
    page = (
        charts.kazakhstan_map(CITIES, outline, id_prefix="a")
        + charts.day_chart(DAYS, id_prefix="b")
        + charts.fate_chart(FATES, id_prefix="c")
    )
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 6

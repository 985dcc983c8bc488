"""Regenerate memorial/data/kazakhstan.json, the outline drawn on the map.

The outline is Natural Earth's 1:50m "admin 0 countries" (public domain), as
redistributed in TopoJSON by the npm package world-atlas 2.0.2. Kazakhstan is
the geometry with id "398". This script decodes it in plain Python (no topojson
or shapely): delta-decode the quantized arcs, apply the transform, stitch each
ring from its arcs, simplify every ring with Douglas–Peucker, and write the
rings as longitude/latitude in degrees, rounded to 3 decimals.

Run it (the npm package goes in a scratch folder, never in the repository):

    mkdir -p /tmp/mapdata && cd /tmp/mapdata && npm install world-atlas@2.0.2
    cd /path/to/repo
    python3 tools/make_map_data.py /tmp/mapdata/node_modules/world-atlas/countries-50m.json

Options: --out FILE (default memorial/data/kazakhstan.json beside this
repository), --tolerance KM (default 3). The output is deterministic: the same
input and tolerance give the same bytes. Commit the JSON file.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

COUNTRY_ID = "398"  # ISO 3166-1 numeric code of Kazakhstan
SOURCE = "Natural Earth 1:50m admin 0 countries (public domain), via world-atlas 2.0.2"
PROJECTION = (
    "none: WGS 84 longitude/latitude in degrees. memorial/charts.py draws it equirectangular, "
    "x scaled by the cosine of the bbox's middle latitude."
)
KM_PER_DEGREE = 111.32
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "memorial" / "data" / "kazakhstan.json"

Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Every arc as absolute (lon, lat): cumulative sum of the deltas, then the transform."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(x), float(y)) for x, y, *_ in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def stitch(ring_arcs: list[int], arcs: list[list[Point]]) -> list[Point]:
    """One ring from its arc indexes; a negative index ~i means arc i reversed."""
    ring: list[Point] = []
    for index in ring_arcs:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)  # each arc starts where the last ended
    return ring


def country_rings(topology: dict, country_id: str) -> list[list[Point]]:
    arcs = decode_arcs(topology)
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") != country_id:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        return [stitch(ring, arcs) for polygon in polygons for ring in polygon]
    raise SystemExit(f"no geometry with id {country_id!r} in the topology")


def douglas_peucker(points: list[Point], tolerance: float, xscale: float) -> list[Point]:
    """Keep the points farther than `tolerance` (degrees of latitude) from the simplified line.

    Distances are measured with longitude multiplied by `xscale` (cos of the
    latitude), so the tolerance means the same on the ground in both directions.
    Iterative, so long rings cannot exhaust the recursion limit.
    """
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        ax, bx = ax * xscale, bx * xscale
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i][0] * xscale, points[i][1]
            if length == 0:  # a closed ring: first and last are the same point
                distance = math.hypot(px - ax, py - ay)
            else:
                distance = abs(dy * (px - ax) - dx * (py - ay)) / length
            if distance > farthest:
                farthest, index = distance, i
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def make(topology: dict, tolerance_km: float) -> dict:
    rings = country_rings(topology, COUNTRY_ID)
    lats = [lat for ring in rings for _, lat in ring]
    xscale = math.cos(math.radians((min(lats) + max(lats)) / 2))
    tolerance = tolerance_km / KM_PER_DEGREE
    simplified = []
    for ring in rings:
        points = douglas_peucker(ring, tolerance, xscale)
        points = [(round(lon, 3), round(lat, 3)) for lon, lat in points]
        points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(points) >= 4:  # a closed ring needs three distinct corners; smaller islands vanish
            simplified.append(points)
    simplified.sort(key=len, reverse=True)  # the mainland first
    lons = [lon for ring in simplified for lon, _ in ring]
    lats = [lat for ring in simplified for _, lat in ring]
    return {
        "source": SOURCE,
        "projection": PROJECTION,
        "bbox": [min(lons), min(lats), max(lons), max(lats)],
        "rings": [[[lon, lat] for lon, lat in ring] for ring in simplified],
    }


def dump(data: dict) -> str:
    """Compact JSON with one ring a line, so a regenerated file diffs readably."""
    rings = ",\n".join("  " + json.dumps(ring, separators=(",", ":")) for ring in data["rings"])
    head = {key: value for key, value in data.items() if key != "rings"}
    lines = [f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}," for key, value in head.items()]
    return "{\n" + "\n".join(lines) + '\n  "rings": [\n' + rings + "\n  ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("topojson", type=Path, help="path to world-atlas 2.0.2 countries-50m.json")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write (default: %(default)s)")
    parser.add_argument("--tolerance", type=float, default=3.0, help="simplification tolerance in km (default: %(default)s)")
    args = parser.parse_args(argv)
    data = make(json.loads(args.topojson.read_text(encoding="utf-8")), args.tolerance)
    text = dump(data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8", newline="\n")
    points = sum(len(ring) for ring in data["rings"])
    print(f"{args.out}: {len(data['rings'])} ring(s), {points} points, {len(text.encode())} bytes, bbox {data['bbox']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

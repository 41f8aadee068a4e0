"""Build ``world_110m.json`` (offline country outlines) from the npm package ``world-atlas``.

The source is Natural Earth 1:110m admin-0 countries as TopoJSON
(``countries-110m.json`` in ``world-atlas``). This script decodes the TopoJSON
arcs itself (no topojson/shapely dependency), maps ISO 3166-1 numeric ids to
alpha-2 codes with ``pycountry``, and writes a compact JSON file::

    {
      "meta": {...provenance...},
      "countries": {
        "FR": {"name": "France", "rings": [[[lon, lat], [lon, lat], ...], ...]},
        ...
      }
    }

Rings are *open* (the closing point is not repeated), rounded to 2 decimals,
and are meant to be filled with ``fill-rule="evenodd"`` (holes such as
Lesotho inside South Africa are separate rings; winding is not significant).
Rings that cross the antimeridian (Russia, Fiji) are cut at +/-180 degrees.
Antarctica is dropped. Disputed areas without an ISO numeric code are handled
as follows: Kosovo -> ``XK`` (user-assigned code in common use),
N. Cyprus -> dissolved into ``CY``, Somaliland -> dissolved into ``SO``.

Usage (standard library + pycountry only)::

    python covenant/core/data/build_world.py                 # npm pack world-atlas@2.0.2
    python covenant/core/data/build_world.py --topojson path/to/countries-110m.json
    python covenant/core/data/build_world.py --tolerance 0   # no extra simplification
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import pycountry

WORLD_ATLAS_VERSION = "2.0.2"
HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "world_110m.json"

# Features without an ISO numeric id in world-atlas, keyed by their Natural Earth name.
NO_ID_FEATURES: dict[str, str] = {
    "Kosovo": "XK",  # not in ISO 3166-1; XK is the user-assigned code used by the EU/IMF/etc.
    "N. Cyprus": "CY",  # dissolved into Cyprus
    "Somaliland": "SO",  # dissolved into Somalia
}
DROP_CODES = {"AQ"}  # Antarctica: useless on a due-diligence map, wraps the pole
NAME_OVERRIDES: dict[str, str] = {
    "XK": "Kosovo",
    "RU": "Russia",
    "BN": "Brunei",
    "CD": "Democratic Republic of the Congo",
    "FK": "Falkland Islands",
    "PS": "Palestine",
}

Point = tuple[int, int]  # quantized TopoJSON coordinates
LonLat = tuple[float, float]


def fetch_topojson(version: str, workdir: Path) -> Path:
    """``npm pack world-atlas@VERSION`` into *workdir* and return countries-110m.json."""
    out = subprocess.run(  # noqa: S603 (a maintainer's refresh tool, fixed arguments)
        ["npm", "pack", f"world-atlas@{version}", "--silent"],  # noqa: S607
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tgz = workdir / out.stdout.strip().splitlines()[-1]
    with tarfile.open(tgz) as tar:
        member = tar.getmember("package/countries-110m.json")
        tar.extractall(workdir, members=[member], filter="data")
    return workdir / "package" / "countries-110m.json"


def decode_arcs(topo: dict[str, Any]) -> list[list[Point]]:
    """Undo the delta encoding; coordinates stay quantized (exact matching of shared points)."""
    arcs: list[list[Point]] = []
    for arc in topo["arcs"]:
        x = y = 0
        pts: list[Point] = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x, y))
        arcs.append(pts)
    return arcs


def _perp_dist(p: Point, a: Point, b: Point, sx: float, sy: float) -> float:
    ax, ay = a[0] * sx, a[1] * sy
    bx, by = b[0] * sx, b[1] * sy
    px, py = p[0] * sx, p[1] * sy
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def simplify_arc(pts: list[Point], tol: float, sx: float, sy: float) -> list[Point]:
    """Douglas-Peucker on one arc; endpoints are kept so shared borders stay shared."""
    if tol <= 0 or len(pts) <= 2:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            d = _perp_dist(pts[k], pts[i], pts[j], sx, sy)
            if d > best:
                best, idx = d, k
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(pts, keep, strict=True) if k]


def ring_points(ring: list[int], arcs: list[list[Point]]) -> list[Point]:
    pts: list[Point] = []
    for ai in ring:
        arc = arcs[ai] if ai >= 0 else arcs[~ai][::-1]
        pts.extend(arc if not pts else arc[1:])
    return pts


def dissolve(rings: list[list[int]], arcs: list[list[Point]]) -> list[list[int]]:
    """Merge rings of several polygons by dropping arcs used in both directions (shared borders)."""
    used = {ai for ring in rings for ai in ring}
    kept = [ai for ring in rings for ai in ring if ~ai not in used]

    def start(ai: int) -> Point:
        return arcs[ai][0] if ai >= 0 else arcs[~ai][-1]

    def end(ai: int) -> Point:
        return arcs[ai][-1] if ai >= 0 else arcs[~ai][0]

    by_start: dict[Point, list[int]] = defaultdict(list)
    for ai in kept:
        by_start[start(ai)].append(ai)
    out: list[list[int]] = []
    remaining = list(kept)
    taken: set[int] = set()
    for first in remaining:
        if first in taken:
            continue
        ring = [first]
        taken.add(first)
        while end(ring[-1]) != start(first):
            nxt = next((a for a in by_start[end(ring[-1])] if a not in taken), None)
            if nxt is None:
                raise ValueError("could not stitch dissolved ring")
            ring.append(nxt)
            taken.add(nxt)
        out.append(ring)
    return out


def _clip_half(ring: list[LonLat], cut: float, keep_left: bool) -> list[LonLat]:
    """Sutherland-Hodgman against the vertical line lon = cut."""

    def inside(p: LonLat) -> bool:
        return p[0] <= cut if keep_left else p[0] >= cut

    out: list[LonLat] = []
    n = len(ring)
    for i in range(n):
        cur, prev = ring[i], ring[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(_intersect(prev, cur, cut))
            out.append(cur)
        elif inside(prev):
            out.append(_intersect(prev, cur, cut))
    return out


def _intersect(a: LonLat, b: LonLat, cut: float) -> LonLat:
    t = (cut - a[0]) / (b[0] - a[0])
    return (cut, a[1] + t * (b[1] - a[1]))


def split_antimeridian(ring: list[LonLat]) -> list[list[LonLat]]:
    """Unwrap longitudes along the ring and cut it at +/-180 if it crosses the antimeridian."""
    if not any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:] + ring[:1], strict=True)):
        return [ring]
    unwrapped: list[LonLat] = [ring[0]]
    offset = 0.0
    for (lon0, _), (lon1, lat1) in itertools.pairwise(ring):
        if lon1 - lon0 > 180:
            offset -= 360
        elif lon1 - lon0 < -180:
            offset += 360
        unwrapped.append((lon1 + offset, lat1))
    if abs(offset) > 1e-9:
        raise ValueError("ring encircles a pole; cannot split")
    lons = [p[0] for p in unwrapped]
    pieces: list[list[LonLat]] = []
    if max(lons) > 180:
        pieces.append(_clip_half(unwrapped, 180.0, keep_left=True))
        pieces.append([(x - 360, y) for x, y in _clip_half(unwrapped, 180.0, keep_left=False)])
    elif min(lons) < -180:
        pieces.append(_clip_half(unwrapped, -180.0, keep_left=False))
        pieces.append([(x + 360, y) for x, y in _clip_half(unwrapped, -180.0, keep_left=True)])
    else:
        pieces.append(unwrapped)
    return [p for p in pieces if len(p) >= 3]


def finish_ring(ring: list[LonLat]) -> list[list[float]] | None:
    """Round to 2 decimals, drop repeated points and the closing point, reject slivers."""
    out: list[list[float]] = []
    for lon, lat in ring:
        pt = [round(lon, 2) + 0.0, round(lat, 2) + 0.0]
        if not out or out[-1] != pt:
            out.append(pt)
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    if len(out) < 3:
        return None
    area = 0.0
    for (x0, y0), (x1, y1) in zip(out, out[1:] + out[:1], strict=True):
        area += x0 * y1 - x1 * y0
    if abs(area) / 2 < 1e-4:
        return None
    return out


def country_name(code: str) -> str:
    if code in NAME_OVERRIDES:
        return NAME_OVERRIDES[code]
    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        raise KeyError(code)
    return str(getattr(c, "common_name", None) or c.name)


def build(topo: dict[str, Any], tolerance: float) -> dict[str, Any]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = [simplify_arc(a, tolerance, sx, sy) for a in decode_arcs(topo)]

    # Group polygon rings (as arc-index lists) by alpha-2 code.
    groups: dict[str, list[list[list[int]]]] = defaultdict(list)
    for geom in topo["objects"]["countries"]["geometries"]:
        name = geom["properties"]["name"]
        num = geom.get("id")
        if num is None:
            if name not in NO_ID_FEATURES:
                print(f"warning: skipping unnamed feature {name!r}", file=sys.stderr)
                continue
            code = NO_ID_FEATURES[name]
        else:
            c = pycountry.countries.get(numeric=str(num).zfill(3))
            if c is None:
                print(f"warning: no alpha-2 for numeric {num} ({name})", file=sys.stderr)
                continue
            code = c.alpha_2
        if code in DROP_CODES:
            continue
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        groups[code].append([ring for poly in polys for ring in poly])

    countries: dict[str, Any] = {}
    for code in sorted(groups):
        parts = groups[code]
        ring_arcs = dissolve([r for p in parts for r in p], arcs) if len(parts) > 1 else parts[0]
        rings: list[list[list[float]]] = []
        for ra in ring_arcs:
            pts = ring_points(ra, arcs)
            lonlat = [(x * sx + tx, y * sy + ty) for x, y in pts]
            for piece in split_antimeridian(lonlat):
                done = finish_ring(piece)
                if done is not None:
                    rings.append(done)
        if rings:
            countries[code] = {"name": country_name(code), "rings": rings}
    return countries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--topojson",
        type=Path,
        help="countries-110m.json (default: npm pack world-atlas)",
    )
    ap.add_argument(
        "--version",
        default=WORLD_ATLAS_VERSION,
        help="world-atlas version for npm pack",
    )
    ap.add_argument(
        "--tolerance",
        type=float,
        default=0.05,
        help="Douglas-Peucker tolerance in degrees",
    )
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        src = args.topojson or fetch_topojson(args.version, Path(tmp))
        topo = json.loads(Path(src).read_text(encoding="utf-8"))
    countries = build(topo, args.tolerance)
    doc = {
        "meta": {
            "source": f"npm world-atlas@{args.version} countries-110m.json",
            "data": "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com",
            "license": "world-atlas: ISC; Natural Earth: public domain",
            "format": "countries[ISO2] = {name, rings: [[[lon, lat], ...]]}; open rings, evenodd fill",
            "tolerance_deg": args.tolerance,
        },
        "countries": countries,
    }
    args.output.write_text(_pretty(doc), encoding="utf-8")
    n_pts = sum(len(r) for c in countries.values() for r in c["rings"])
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes, {len(countries)} countries, {n_pts} points)")
    return 0


def _pretty(doc: dict[str, Any]) -> str:
    """Compact JSON with one country per line (readable diffs, small size)."""
    meta = json.dumps(doc["meta"], separators=(",", ":"), ensure_ascii=False)
    lines = ['{"meta":' + meta + ',"countries":{']
    items = list(doc["countries"].items())
    for i, (code, val) in enumerate(items):
        sep = "," if i < len(items) - 1 else ""
        lines.append(json.dumps(code) + ":" + json.dumps(val, separators=(",", ":"), ensure_ascii=False) + sep)
    lines.append("}}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())

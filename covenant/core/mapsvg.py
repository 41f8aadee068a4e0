"""Dependency-free SVG world map renderer (no tile server, no JavaScript, CSP-safe).

``render_world_map()`` returns an inline ``<svg>`` string with one ``<path>`` per
country (Natural Earth 1:110m, see ``data/SOURCES.md``) and optional point
markers. The output contains no ``style=`` attributes and no scripts: colours
are SVG presentation attributes (``fill``/``stroke``) and every element carries
a CSS class, so a stylesheet can restyle it (CSS rules beat presentation
attributes). All caller text is escaped.

Projection: Equal Earth (Šavrič, Patterson & Jenny 2018), a Robinson-like,
equal-area pseudo-cylindrical projection, so country areas in a choropleth
are comparable. Antarctica is not drawn and the default view is cropped to
latitudes 85°N..60°S.

Coordinates are projected once into a fixed "map unit" space (the whole world
is ``WORLD_WIDTH`` units wide); zooming (``focus``) only changes the
``viewBox``, so the country path strings are computed once per process.

Standard library only; no Django imports.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

__all__ = [
    "MapPoint",
    "country_names",
    "project",
    "render_world_map",
    "world_view_box",
]

DATA_FILE: Final = Path(__file__).resolve().parent / "data" / "world_110m.json"

WORLD_WIDTH: Final = 1000.0  # map units across 360° of longitude at the equator
LAT_TOP: Final = 85.0
LAT_BOTTOM: Final = -60.0

DEFAULT_FILL: Final = "#d5dbe2"
OCEAN_FILL: Final = "#eef4fa"
BORDER_STROKE: Final = "#ffffff"
POINT_FILL: Final = "#c0392b"
POINT_STROKE: Final = "#ffffff"
BORDER_PX: Final = 0.6  # border width in screen pixels at the requested width
POINT_RADIUS_PX: Final = 4.0
POINT_STROKE_PX: Final = 1.0
# Smallest focus box in map units (~11° of longitude), so one point does not zoom forever.
MIN_FOCUS_SPAN: Final = 30.0
FOCUS_PAD: Final = 0.10

# Equal Earth constants.
_A1: Final = 1.340264
_A2: Final = -0.081106
_A3: Final = 0.000893
_A4: Final = 0.003796
_M: Final = math.sqrt(3.0) / 2.0
_X_MAX: Final = 2.0 * math.sqrt(3.0) * math.pi / (3.0 * _A1)  # |x| at lon=±180, lat=0
_SCALE: Final = WORLD_WIDTH / (2.0 * _X_MAX)

_INVALID_XML_CHARS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CLASS_TOKEN: Final = re.compile(r"[^A-Za-z0-9_-]+")
_URL_SCHEME: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES: Final = frozenset({"http", "https", "mailto"})
_STRIP_FROM_URL: Final = re.compile(r"[\x00-\x20\x7f]+")


Box = tuple[float, float, float, float]  # a box as (x, y, w, h) or (x0, y0, x1, y1)


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A marker. ``label`` is user data (escaped); ``href`` is linked only if safe."""

    lat: float
    lng: float
    label: str
    css_class: str = ""
    href: str | None = None


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    name: str
    d: str  # SVG path data in map units
    focus_bbox: Box  # x0, y0, x1, y1 of the main rings (zoom target)
    bbox: Box  # x0, y0, x1, y1 of all rings (view culling)


def _equal_earth(lat: float, lng: float) -> tuple[float, float]:
    """Raw Equal Earth projection (unit sphere), y grows north."""
    lam = math.radians(lng)
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3.0 * _A2 * t2 + t6 * (7.0 * _A3 + 9.0 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


_Y_TOP: Final = _equal_earth(LAT_TOP, 0.0)[1]


def project(lat: float, lng: float) -> tuple[float, float]:
    """Project WGS84 degrees to map units (x grows east, y grows south; (0, 0) = 180°W, LAT_TOP)."""
    x, y = _equal_earth(lat, lng)
    return (x + _X_MAX) * _SCALE, (_Y_TOP - y) * _SCALE


@cache
def world_view_box() -> Box:
    """The default (whole world, cropped to LAT_TOP..LAT_BOTTOM) viewBox in map units."""
    _, bottom = project(LAT_BOTTOM, 0.0)
    return (0.0, 0.0, WORLD_WIDTH, round(bottom, 1))


def _fmt(tenths: int) -> str:
    """Format an integer number of tenths compactly: 123 -> '12.3', -5 -> '-.5', 40 -> '4'."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac}" if whole else f"{sign}.{frac}"


def _join(nums: list[str]) -> str:
    out: list[str] = []
    for n in nums:
        if out and not n.startswith("-"):
            out.append(" ")
        out.append(n)
    return "".join(out)


def _ring_path(
    ring: list[tuple[float, float]],
) -> tuple[str, list[tuple[float, float]]]:
    """Relative path data for one ring; rounding is done on absolutes so there is no drift."""
    pts = [project(lat, lon) for lon, lat in ring]
    q = [(round(x * 10), round(y * 10)) for x, y in pts]
    nums = [_fmt(q[0][0]), _fmt(q[0][1])]
    first = "M" + _join(nums)
    deltas: list[str] = []
    px, py = q[0]
    for x, y in q[1:]:
        if (x, y) == (px, py):
            continue
        deltas.append(_fmt(x - px))
        deltas.append(_fmt(y - py))
        px, py = x, y
    return first + ("l" + _join(deltas) if deltas else "") + "z", pts


def _area(pts: list[tuple[float, float]]) -> float:
    s = 0.0
    for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True):
        s += x0 * y1 - x1 * y0
    return abs(s) / 2.0


def _bounds(pts: list[tuple[float, float]]) -> Box:
    xs = [x for x, _ in pts]
    ys = [y for _, y in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _main_points(
    rings: list[tuple[float, list[tuple[float, float]]]],
) -> list[tuple[float, float]]:
    """Points of a country's "main" rings, the zoom target for ``focus=<code>``.

    That is the largest ring plus other big rings (>= 10 % of its area) near it:
    Alaska stays with the USA, French Guiana and far-flung specks across the
    antimeridian (Aleutians, Chukotka) do not pull the view away.
    """
    rings = sorted(rings, key=lambda r: r[0], reverse=True)
    area0, pts0 = rings[0]
    x0, y0, x1, y1 = _bounds(pts0)
    reach = max(math.hypot(x1 - x0, y1 - y0), 50.0)
    main = list(pts0)
    for area, pts in rings[1:]:
        if area < 0.1 * area0:
            break
        bx0, by0, bx1, by1 = _bounds(pts)
        gap_x = max(bx0 - x1, x0 - bx1, 0.0)
        gap_y = max(by0 - y1, y0 - by1, 0.0)
        if math.hypot(gap_x, gap_y) <= reach:
            main.extend(pts)
    return main


@cache
def _countries() -> dict[str, _Country]:
    """Load and project the geometry once per process."""
    raw: Any = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    out: dict[str, _Country] = {}
    for code, entry in raw["countries"].items():
        parts: list[str] = []
        rings: list[tuple[float, list[tuple[float, float]]]] = []
        for ring in entry["rings"]:
            d, pts = _ring_path([(float(lon), float(lat)) for lon, lat in ring])
            parts.append(d)
            rings.append((_area(pts), pts))
        main = _main_points(rings)
        every = [p for _, pts in rings for p in pts]
        out[str(code)] = _Country(
            code=str(code),
            name=str(entry["name"]),
            d="".join(parts),
            focus_bbox=_bounds(main),
            bbox=_bounds(every),
        )
    return out


@cache
def _sphere_path() -> str:
    """Outline of the visible part of the globe (ocean background)."""
    lats = [LAT_TOP - i * (LAT_TOP - LAT_BOTTOM) / 36 for i in range(37)]
    left = [project(lat, -180.0) for lat in lats]
    right = [project(lat, 180.0) for lat in reversed(lats)]
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in left + right) + "z"


def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> display name, for every country that has a shape."""
    return {code: c.name for code, c in _countries().items()}


def _esc(text: str) -> str:
    """Escape text for XML content and double-quoted attributes; drop XML-illegal characters."""
    text = _INVALID_XML_CHARS.sub("", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def _css_classes(*names: str) -> str:
    tokens: list[str] = []
    for name in names:
        tokens.extend(t for t in _CLASS_TOKEN.sub(" ", name).split() if t)
    return " ".join(dict.fromkeys(tokens))


def _safe_href(href: str | None) -> str | None:
    """Allow relative URLs and http(s)/mailto only (no javascript:, data:, ...)."""
    if not href:
        return None
    probe = _STRIP_FROM_URL.sub("", href)
    match = _URL_SCHEME.match(probe)
    if match and match.group(1).lower() not in _SAFE_SCHEMES:
        return None
    return href.strip()


def _num(v: float) -> str:
    """Coordinates: at most 2 decimals, no trailing zeros."""
    return f"{v:.2f}".rstrip("0").rstrip(".") if v % 1 else str(int(v))


def _len(v: float) -> str:
    """Lengths (radius, stroke width) that may be tiny when zoomed: 3 significant digits."""
    return f"{v:.3g}"


def _point_xy(p: MapPoint) -> tuple[float, float] | None:
    try:
        lat, lng = float(p.lat), float(p.lng)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lng)) or abs(lat) > 90:
        return None
    if not -180.0 <= lng <= 180.0:
        lng = (lng + 180.0) % 360.0 - 180.0
    return project(lat, lng)


def _focus_box(bounds: Box | None, world: Box) -> Box:
    """Pad *bounds* (x0, y0, x1, y1) by FOCUS_PAD and expand to the world's aspect ratio."""
    if bounds is None:
        return world
    x0, y0, x1, y1 = bounds
    w = max(x1 - x0, MIN_FOCUS_SPAN)
    h = max(y1 - y0, MIN_FOCUS_SPAN * world[3] / world[2])
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    w *= 1.0 + 2.0 * FOCUS_PAD
    h *= 1.0 + 2.0 * FOCUS_PAD
    aspect = world[2] / world[3]
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    if w >= world[2]:
        return world
    # Keep the box on the map where possible.
    x = min(max(cx - w / 2.0, world[0]), world[0] + world[2] - w)
    y = min(max(cy - h / 2.0, world[1]), world[1] + world[3] - h) if h < world[3] else cy - h / 2.0
    return (x, y, w, h)


def render_world_map(
    *,
    country_fill: dict[str, str] | None = None,
    points: list[MapPoint] | None = None,
    width: int = 960,
    title: str = "",
    focus: str | None = None,
    country_class: dict[str, str] | None = None,
    country_title: dict[str, str] | None = None,
) -> str:
    """Render a world map as an inline ``<svg>`` string.

    country_fill: ISO alpha-2 -> colour for the ``fill`` attribute (e.g. risk bands).
        Codes without a shape at 1:110m (small islands, micro-states) are ignored;
        use points for those.
    points: markers drawn as circles with a ``<title>`` tooltip, linked if ``href`` is safe.
        Points with invalid coordinates, and (when zoomed) points off-screen, are omitted.
    width: the ``width`` attribute in px; ``height`` follows the world's aspect ratio.
    title: accessible name (``<title>`` and ``aria-label``); defaults to "World map".
    focus: ``"points"`` zooms to the bounding box of the points (10 % padding);
        an ISO alpha-2 code zooms to that country. Unknown codes fall back to the
        points (if any) and then to the whole world.
    country_class: ISO alpha-2 -> extra CSS class(es) for that country's path.
    country_title: ISO alpha-2 -> tooltip text that replaces the country name.
    """
    countries = _countries()
    fills = {k.upper(): v for k, v in (country_fill or {}).items()}
    classes = {k.upper(): v for k, v in (country_class or {}).items()}
    tips = {k.upper(): v for k, v in (country_title or {}).items()}
    width = max(int(width), 1)

    placed: list[tuple[MapPoint, float, float]] = []
    for p in points or []:
        xy = _point_xy(p)
        if xy is not None:
            placed.append((p, xy[0], xy[1]))

    world = world_view_box()
    if placed:  # never crop away a point (e.g. one south of LAT_BOTTOM)
        ys = [y for _, _, y in placed]
        top, bottom = (
            min(world[1], min(ys) - 5.0),
            max(world[1] + world[3], max(ys) + 5.0),
        )
        world = (world[0], top, world[2], bottom - top)

    bounds: Box | None = None
    if focus:
        key = focus.strip().upper()
        if key != "POINTS" and key in countries:
            bounds = countries[key].focus_bbox
        elif placed:
            xs = [x for _, x, _ in placed]
            ys = [y for _, _, y in placed]
            bounds = (min(xs), min(ys), max(xs), max(ys))
    vx, vy, vw, vh = _focus_box(bounds, world)
    height = max(round(width * vh / vw), 1)
    px = vw / width  # map units per screen pixel

    label = title or "World map"
    view_box = f"{_num(vx)} {_num(vy)} {_num(vw)} {_num(vh)}"
    out: list[str] = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="world-map" role="img" '
            f'aria-label="{_esc(label)}" viewBox="{view_box}" '
            f'width="{width}" height="{height}" preserveAspectRatio="xMidYMid meet">'
        ),
        f"<title>{_esc(label)}</title>",
        f'<path class="map-sphere" d="{_sphere_path()}" fill="{OCEAN_FILL}"/>',
        (
            f'<g class="map-countries" fill="{DEFAULT_FILL}" fill-rule="evenodd" '
            f'stroke="{BORDER_STROKE}" stroke-width="{_len(BORDER_PX * px)}" '
            'stroke-linejoin="round">'
        ),
    ]
    for code, c in countries.items():
        cx0, cy0, cx1, cy1 = c.bbox
        if cx1 < vx or cx0 > vx + vw or cy1 < vy or cy0 > vy + vh:
            continue  # off-screen when zoomed
        attrs = f'd="{c.d}" data-country="{code}"'
        cls = _css_classes("map-country", classes.get(code, ""))
        attrs += f' class="{cls}"'
        if code in fills:
            attrs += f' fill="{_esc(fills[code])}"'
        tip = tips.get(code) or c.name
        out.append(f"<path {attrs}><title>{_esc(tip)}</title></path>")
    out.append("</g>")

    if placed:
        r = _len(POINT_RADIUS_PX * px)
        margin = 2 * POINT_RADIUS_PX * px
        out.append(
            f'<g class="map-points" fill="{POINT_FILL}" stroke="{POINT_STROKE}" '
            f'stroke-width="{_len(POINT_STROKE_PX * px)}">'
        )
        for p, x, y in placed:
            if not (vx - margin <= x <= vx + vw + margin and vy - margin <= y <= vy + vh + margin):
                continue  # off-screen when zoomed
            cls = _css_classes("map-point", p.css_class)
            circle = f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r}" class="{cls}"><title>{_esc(p.label)}</title></circle>'
            href = _safe_href(p.href)
            if href is not None:
                circle = f'<a href="{_esc(href)}" class="map-point-link">{circle}</a>'
            out.append(circle)
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)

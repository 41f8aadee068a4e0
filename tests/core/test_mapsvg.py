"""Tests for the dependency-free SVG world map (covenant.core.mapsvg)."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from covenant.core import mapsvg
from covenant.core.mapsvg import MapPoint, country_names, render_world_map

SVG = "{http://www.w3.org/2000/svg}"
DATA = Path(mapsvg.__file__).resolve().parent / "data" / "world_110m.json"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in root.attrib["viewBox"].split())
    return x, y, w, h


def circles(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}circle"))


def country_paths(root: ET.Element) -> dict[str, ET.Element]:
    return {p.attrib["data-country"]: p for p in root.iter(f"{SVG}path") if "data-country" in p.attrib}


def inside(box: tuple[float, float, float, float], x: float, y: float) -> bool:
    bx, by, bw, bh = box
    return bx <= x <= bx + bw and by <= y <= by + bh


# --- data file -------------------------------------------------------------------------


def test_data_file_is_small_and_sane() -> None:
    assert DATA.stat().st_size < 400_000
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    countries = doc["countries"]
    assert len(countries) >= 170
    assert "AQ" not in countries  # Antarctica dropped
    for code in ("XK", "TW", "CY", "SO", "RU", "FJ", "US", "FR", "ZA", "LS"):
        assert code in countries, code
    for code, entry in countries.items():
        assert len(code) == 2
        assert code.isupper()
        assert entry["name"]
        for ring in entry["rings"]:
            assert len(ring) >= 3
            for lon, lat in ring:
                assert -180 <= lon <= 180
                assert -90 <= lat <= 90
                assert round(lon, 2) == lon
                assert round(lat, 2) == lat
            # no edge may jump across the antimeridian (Russia/Fiji are cut at +/-180)
            for (a, _), (b, _) in zip(ring, ring[1:] + ring[:1], strict=True):
                assert abs(a - b) <= 180, code


# --- structure -------------------------------------------------------------------------


def test_valid_xml_with_title_and_viewbox() -> None:
    svg = render_world_map(title="Supplier risk")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "Supplier risk"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Supplier risk"
    _x, _y, w, h = view_box(root)
    assert w > 0
    assert h > 0
    assert root.attrib["width"] == "960"
    assert int(root.attrib["height"]) == round(960 * h / w)
    # CSP: no inline styles, no scripts, no event handlers
    assert "style=" not in svg
    assert "<script" not in svg
    for el in root.iter():
        assert not any(k.lower().startswith("on") for k in el.attrib)


def test_default_title() -> None:
    root = parse(render_world_map())
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "World map"


def test_one_path_per_country_with_name_tooltip() -> None:
    names = country_names()
    root = parse(render_world_map())
    paths = country_paths(root)
    assert set(paths) == set(names)
    assert len(list(root.iter(f"{SVG}path"))) == len(names) + 1  # + ocean background
    fr = paths["FR"]
    tip = fr.find(f"{SVG}title")
    assert tip is not None
    assert tip.text == "France"
    assert "map-country" in fr.attrib["class"].split()
    assert fr.attrib["d"].startswith("M")
    assert fr.attrib["d"].endswith("z")


def test_country_fill_class_and_title() -> None:
    root = parse(
        render_world_map(
            country_fill={"fr": "#d7301f", "DE": "#fdcc8a", "ZZ": "#000"},
            country_class={"FR": "risk-high"},
            country_title={"FR": "France: high risk"},
        )
    )
    paths = country_paths(root)
    assert paths["FR"].attrib["fill"] == "#d7301f"
    assert paths["DE"].attrib["fill"] == "#fdcc8a"
    assert "fill" not in paths["IT"].attrib  # inherits the default from the group
    assert paths["FR"].attrib["class"].split() == ["map-country", "risk-high"]
    tip = paths["FR"].find(f"{SVG}title")
    assert tip is not None
    assert tip.text == "France: high risk"


# --- escaping --------------------------------------------------------------------------


def test_escapes_malicious_label_title_class_and_fill() -> None:
    evil = "<script>alert(\"x\")</script> & 'quote'\x01"
    svg = render_world_map(
        title=evil,
        points=[MapPoint(48.85, 2.35, evil, 'x" onmouseover="alert(1)')],
        country_fill={"FR": 'red" onload="alert(1)'},
        country_title={"DE": evil},
    )
    assert "<script>" not in svg
    root = parse(svg)
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    for el in root.iter():
        assert not any(k.lower().startswith("on") for k in el.attrib)
    clean = evil.replace("\x01", "")  # XML-illegal control characters are dropped
    (circle,) = circles(root)
    tip = circle.find(f"{SVG}title")
    assert tip is not None
    assert tip.text == clean
    assert root.attrib["aria-label"] == clean
    assert country_paths(root)["FR"].attrib["fill"] == 'red" onload="alert(1)'
    assert "onmouseover" not in circle.attrib


def test_point_links_only_safe_urls() -> None:
    pts = [
        MapPoint(10, 10, "ok", href="/suppliers/1?a=1&b=2"),
        MapPoint(11, 11, "ok2", href="https://example.org/x"),
        MapPoint(12, 12, "bad", href="javascript:alert(1)"),
        MapPoint(13, 13, "bad2", href=" JaVa\tScRiPt:alert(1)"),
        MapPoint(14, 14, "bad3", href="data:text/html,<script>alert(1)</script>"),
        MapPoint(15, 15, "none"),
    ]
    root = parse(render_world_map(points=pts))
    links = [a.attrib["href"] for a in root.iter(f"{SVG}a")]
    assert links == ["/suppliers/1?a=1&b=2", "https://example.org/x"]
    assert len(circles(root)) == len(pts)


# --- geometry --------------------------------------------------------------------------


def test_points_are_inside_the_viewbox() -> None:
    rng = random.Random(42)
    pts = [MapPoint(rng.uniform(-60, 85), rng.uniform(-180, 180), f"p{i}") for i in range(300)]
    pts += [
        MapPoint(0, -180, "west edge"),
        MapPoint(0, 180, "east edge"),
        MapPoint(85, 0, "north"),
        MapPoint(-60, 0, "south"),
        MapPoint(-77.85, 166.67, "McMurdo"),  # south of the default crop: the view grows
    ]
    root = parse(render_world_map(points=pts))
    box = view_box(root)
    cs = circles(root)
    assert len(cs) == len(pts)
    for c in cs:
        assert inside(box, float(c.attrib["cx"]), float(c.attrib["cy"])), c.attrib


def test_invalid_points_are_skipped() -> None:
    pts = [
        MapPoint(float("nan"), 0, "nan"),
        MapPoint(95, 0, "too far north"),
        MapPoint(0, float("inf"), "inf"),
        MapPoint(10, 190, "wraps to -170"),
    ]
    root = parse(render_world_map(points=pts))
    (c,) = circles(root)
    x, _ = mapsvg.project(10, -170)
    assert float(c.attrib["cx"]) == pytest.approx(x, abs=0.01)


def test_projection_orientation() -> None:
    wx, _ = mapsvg.project(0, -90)
    ex, _ = mapsvg.project(0, 90)
    _, ny = mapsvg.project(60, 0)
    _, sy = mapsvg.project(-30, 0)
    assert wx < ex
    assert ny < sy
    x0, _, w, _ = mapsvg.world_view_box()
    assert mapsvg.project(0, -180)[0] == pytest.approx(x0)
    assert mapsvg.project(0, 180)[0] == pytest.approx(x0 + w)


def test_focus_points_zooms_to_points_with_padding() -> None:
    pts = [
        MapPoint(48.85, 2.35, "Paris"),
        MapPoint(52.52, 13.40, "Berlin"),
        MapPoint(41.9, 12.5, "Rome"),
    ]
    world = view_box(parse(render_world_map(points=pts)))
    root = parse(render_world_map(points=pts, focus="points"))
    box = view_box(root)
    assert box[2] < world[2] / 5  # zoomed in
    assert box[2] / box[3] == pytest.approx(world[2] / world[3], rel=0.01)  # same aspect
    bx, by, bw, bh = box
    for c in circles(root):
        cx, cy = float(c.attrib["cx"]), float(c.attrib["cy"])
        assert inside(box, cx, cy)
        # padding: no point hugs the edge
        assert bx + 0.05 * bw < cx < bx + 0.95 * bw
        assert by + 0.05 * bh < cy < by + 0.95 * bh
    # off-screen countries are culled, on-screen ones kept
    paths = country_paths(root)
    assert {"FR", "DE", "IT"} <= set(paths)
    assert "AU" not in paths
    assert "BR" not in paths
    # marker radius stays the same size on screen
    r_world = float(circles(parse(render_world_map(points=pts)))[0].attrib["r"])
    r_zoom = float(circles(root)[0].attrib["r"])
    assert r_zoom / box[2] == pytest.approx(r_world / world[2], rel=0.05)


def test_focus_single_point_has_a_minimum_span() -> None:
    root = parse(render_world_map(points=[MapPoint(50, 10, "one")], focus="points"))
    box = view_box(root)
    assert box[2] >= mapsvg.MIN_FOCUS_SPAN
    (c,) = circles(root)
    assert inside(box, float(c.attrib["cx"]), float(c.attrib["cy"]))


def test_focus_country_code() -> None:
    world = view_box(parse(render_world_map()))
    box = view_box(parse(render_world_map(focus="fr")))
    assert box[2] < world[2] / 5
    px, py = mapsvg.project(48.85, 2.35)  # Paris, not French Guiana
    assert inside(box, px, py)
    gx, gy = mapsvg.project(4.9, -52.3)  # Cayenne
    assert not inside(box, gx, gy)
    usa = view_box(parse(render_world_map(focus="US")))
    assert inside(usa, *mapsvg.project(61.2, -149.9))  # Anchorage stays with the USA


def test_focus_culls_offscreen_points() -> None:
    pts = [MapPoint(48.85, 2.35, "Paris"), MapPoint(-33.87, 151.21, "Sydney")]
    root = parse(render_world_map(points=pts, focus="FR"))
    tips = [c.find(f"{SVG}title") for c in circles(root)]
    assert [t.text for t in tips if t is not None] == ["Paris"]


def test_unknown_focus_falls_back() -> None:
    world = render_world_map()
    assert view_box(parse(render_world_map(focus="SG"))) == view_box(parse(world))
    pts = [MapPoint(1.35, 103.82, "Singapore")]
    box = view_box(parse(render_world_map(points=pts, focus="SG")))
    assert box[2] < view_box(parse(world))[2] / 5


# --- many points -----------------------------------------------------------------------
# How fast this renders is measured by benchmarks/core/bench_mapsvg.py, not asserted here.


def test_two_thousand_points_all_drawn() -> None:
    rng = random.Random(1)
    pts = [
        MapPoint(rng.uniform(-55, 80), rng.uniform(-180, 180), f"Supplier {i}", "supplier", f"/s/{i}")
        for i in range(2000)
    ]
    svg = parse(render_world_map(points=pts, country_fill={"FR": "#f00"}))
    circles = [el for el in svg.iter() if el.tag.endswith("circle")]
    assert len(circles) == 2000

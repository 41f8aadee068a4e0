"""Benchmark: rendering the world map with 2,000 site markers (the supply-chain map).

Prints the best and median of ``--runs`` renders after one warm-up that loads the
country geometry. Pure Python, no database.

    python benchmarks/core/bench_mapsvg.py
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from covenant.core.mapsvg import MapPoint, render_world_map


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(1)
    pts = [
        MapPoint(rng.uniform(-55, 80), rng.uniform(-180, 180), f"Supplier {i}", "supplier", f"/s/{i}")
        for i in range(args.points)
    ]
    render_world_map(points=pts[:1])  # warm the geometry cache
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        svg = render_world_map(points=pts, country_fill={"FR": "#f00"})
        times.append(time.perf_counter() - start)
    best, median = min(times) * 1000, statistics.median(times) * 1000
    print(f"world map, {args.points} points: best {best:.1f} ms, median {median:.1f} ms, {len(svg) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()

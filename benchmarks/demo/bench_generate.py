"""Benchmark: generating the demo sector (``covenant.demo.data.generate_sector``).

Prints the best and median wall-clock and CPU time of ``--runs`` generations of a
sector of ``--sites`` sites. Pure Python, no database. The generator's speed used to
be a test's assertion; a busy machine made that flaky, so it is measured here instead.

    python benchmarks/demo/bench_generate.py [--sites 2000] [--runs 5] [--seed 99]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from covenant.demo.data import generate_sector


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=99)
    args = parser.parse_args()
    walls, cpus = [], []
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        sector = generate_sector(seed=args.seed, n_sites=args.sites)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"demo sector, {len(sector.sites)} sites, {len(sector.links)} links: "
        f"wall best {min(walls):.2f} s, median {statistics.median(walls):.2f} s; "
        f"CPU best {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s"
    )


if __name__ == "__main__":
    main()

"""Server time of the quick scan (issue 16 item 2: "under 300 ms"), through Django's test client
(middleware, form, scoring, template or PDF or JSON), anonymous.

Cold: the per-process reference cache emptied before each request (the first request of a
process, or the first after the risk data changed: indicators, weights and topics are read
from the database and each combination scored afresh). Warm: the cache kept.
Prints p50 / p95 in milliseconds over ``--runs`` requests per case, after one warm-up.
Needs a migrated database (the risk reference data is loaded by migrations):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name> python benchmarks/capability/bench_quick_scan.py
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python benchmarks/capability/bench_quick_scan.py  # migrate first
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "covenant.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from benchmarks._stats import percentile  # noqa: E402
from covenant.risk import interface  # noqa: E402

SCANS = {
    "CI x cocoa": {"country": "CI", "product": "cocoa"},
    "3 countries x 2 products": {"country": "Ivoorkust, Ghana, Bangladesh", "product": "cocoa, garments"},
    "5 x 5 (the most allowed)": {
        "country": "CI, BD, IN, CN, TR",
        "product": "cocoa, garments, cotton, electronics, palm oil",
    },
}
PATHS = {"page": "/quick-scan/", "pdf": "/quick-scan/pdf/", "api": "/api/v1/quick-scan"}


def _cold() -> None:
    interface._SCAN_CACHE["data"] = None


def _time(client: Client, path: str, params: dict[str, str], runs: int, cold: bool) -> list[float]:
    client.get(path, params)  # warm-up: imports, templates, fonts
    times = []
    for _ in range(runs):
        if cold:
            _cold()
        start = time.perf_counter()
        response = client.get(path, params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    client = Client(HTTP_HOST="localhost")
    # Load what a preloaded worker has loaded, then freeze it out of the garbage collector as
    # covenant/gunicorn_conf.py does: without it, the collector's full scans of the whole
    # process add some 0.5 s to one request in eight of the largest scan (measured).
    for path in PATHS.values():
        client.get(path, SCANS["CI x cocoa"])
    gc.collect()
    gc.freeze()
    print(f"quick scan, {args.runs} requests per case, ms (p50 / p95); database {django.db.connection.vendor}")
    for label, params in SCANS.items():
        for kind, path in PATHS.items():
            for cold in (True, False):
                times = _time(client, path, params, args.runs, cold)
                state = "cold" if cold else "warm"
                p50, p95 = percentile(times, 50), percentile(times, 95)
                print(f"{label:28} {kind:5} {state}: {p50:7.1f} / {p95:7.1f}")


if __name__ == "__main__":
    main()

"""Recomputing inherent risk for a large register.

Two figures, measured separately and stated for what they are:

1. scoring in memory: N synthetic sites → profile lookup, per-topic scores, band and
   priority (no database);
2. the full recomputation on PostgreSQL (``engine.recompute_all``): read N facilities,
   score, and replace every ``SiteRisk`` row with COPY, in one transaction.

Synthetic data (see _setup.py). The database in DATABASE_URL is emptied of facilities
and risk rows first; do not point it at data you need.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/risk python benchmarks/risk/bench_recompute.py --sites 1000000
"""

from __future__ import annotations

import argparse
import time

from _setup import insert_facilities, require_postgres, synthetic_sites

from covenant.risk import engine
from covenant.risk.reference import load_reference
from covenant.risk.scoring import profile_key, score_profile, summarise


def score_in_memory(sites: list[tuple[str, str, list[str]]]) -> tuple[float, int]:
    ref = load_reference()
    started = time.perf_counter()
    cache: dict[str, object] = {}
    for cc, sector, products in sites:
        goods = ref.goods_in(cc, products)
        key = profile_key(cc, sector, goods)
        if key not in cache:
            scored = score_profile(ref, cc, sector, goods)
            cache[key] = summarise(scored.scores, ref.severity)
    return time.perf_counter() - started, len(cache)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=1_000_000)
    parser.add_argument("--skip-db", action="store_true")
    args = parser.parse_args()
    sites = synthetic_sites(args.sites)
    seconds, profiles = score_in_memory(sites)
    print(f"scoring in memory: {args.sites:,} sites, {profiles:,} profiles: {seconds:.1f} s")
    if args.skip_db:
        return
    require_postgres()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE risk_siterisk, risk_riskprofile, registry_facility CASCADE")
    load = insert_facilities(sites)
    print(f"(set-up: {args.sites:,} facilities copied in {load:.1f} s)")
    with connection.cursor() as cur:
        cur.execute("ANALYZE registry_facility")
    result = engine.recompute_all()
    print(
        f"full recomputation on PostgreSQL: {result.sites:,} sites, {result.profiles:,} profiles, "
        f"{result.sites:,} SiteRisk rows written: {result.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()

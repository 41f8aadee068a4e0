"""Sanctions screening at scale: a 50,000-entry list against a 1,000,000-site register.

Pure Python (no database): what ``services.screen`` does after reading its rows.
Each entry is a name-only query against the register's match index (which the
worker keeps in memory anyway; its build time is reported separately) and an
index of owning companies (here: 20,000 synthetic owners).

Synthetic data: the sites and owners are the synthetic register of
benchmarks/matching (real name parts recombined). The entries are 1 % noisy
renderings of registered sites (these should be found), the rest other synthetic
company names; 80 % of entries have a country, 20 % none (those read every
country's partition, the expensive case).

    python benchmarks/risk/bench_screening.py [--sites 1000000] [--entries 50000] [--workers 2]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "matching"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from datasets import load_real, noisy, synthetic_registry

from covenant.matching import Matcher, MatchIndex, Record
from covenant.risk.screening import Entry, Screener


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--owners", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rng = random.Random(11)
    reals = load_real()
    started = time.perf_counter()
    sites = MatchIndex()
    registered = []
    for rec in synthetic_registry(args.sites, seed=7, reals=reals):
        sites.add(rec)
        if rng.random() < 0.02:
            registered.append(rec)
    owners = MatchIndex()
    for rec in synthetic_registry(args.owners, seed=5, reals=reals):
        owners.add(Record(id=f"o{rec.id}", name=rec.name, country=rec.country))
    build = time.perf_counter() - started
    print(f"indexes: {len(sites):,} sites and {len(owners):,} owners built in {build:.0f} s")
    planted = rng.sample(registered, min(len(registered), args.entries // 100))
    entries = [
        Entry(i, noisy(rec, rng, new_id=f"e{i}", strength=1).name, countries=(rec.country,))
        for i, rec in enumerate(planted)
    ]
    for j, rec in enumerate(synthetic_registry(args.entries - len(entries), seed=99, reals=reals), start=len(entries)):
        entries.append(Entry(j, rec.name, countries=(rec.country,) if rng.random() < 0.8 else ()))
    screener = Screener(Matcher(sites), Matcher(owners))
    started = time.perf_counter()
    hits = screener.screen_many(entries, workers=args.workers)
    seconds = time.perf_counter() - started
    found = {h.entry_id for h in hits if h.subject == "facility"}
    planted_found = sum(1 for i, rec in enumerate(planted) if any(h.entry_id == i and h.target == rec.id for h in hits))
    print(
        f"screened {len(entries):,} entries with {args.workers} workers: {seconds:.0f} s "
        f"({len(entries) / seconds:.0f} entries/s); entries with a possible hit: {len(found):,} "
        f"({len(found) / len(entries):.1%}); planted sites found: {planted_found}/{len(planted)}"
    )
    print(f"total (index build + screening): {build + seconds:.0f} s")


if __name__ == "__main__":
    main()

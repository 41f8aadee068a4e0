"""Time of a duplicates scan of the whole register (``services.find_duplicates``).

For each size, a fresh process migrates an empty SQLite database in a temporary directory and
fills its register from the demo generator (``covenant/demo/data.py``, our own synthetic data:
say so when quoting figures): ``generate_sector(seed, n)`` sites, each as one facility (latin
name and address, coordinates, the local-script name as an alias), plus, for ``--planted`` of
the sites, a second facility typed as a member would (the generator's ``noisy_variant``), so the
scan has known duplicates to find. Then it times, separately:

- ``index``: building the match index from the database (what a process does once at start);
- ``scan``: matching every active facility against the rest (``duplicates.scan_register``),
  with one process and with ``--workers`` processes;
- ``write``: storing the pairs and the audit event in one transaction;
- ``rescan``: the whole service again on an unchanged register (everything already stored).

and prints the pairs found, how many of the planted pairs were among them, and the queries the
scan ran. The demo register has 2,000 sites (``covenant demo``).

    python benchmarks/registry/bench_duplicates.py                      # 2,000 and 20,000 sites
    python benchmarks/registry/bench_duplicates.py --sizes 2000,50000 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _child(n: int, planted: float, workers: int, seed: int) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "covenant.settings")
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from covenant.core.actors import Actor
    from covenant.demo.data import generate_sector, noisy_variant
    from covenant.registry import duplicates, matchindex, services
    from covenant.registry.ids import new_facility_id
    from covenant.registry.models import Facility, FacilityAlias

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    sector = generate_sector(seed, n)
    rng = random.Random(seed)
    today = timezone.localdate()
    used: set[str] = set()

    def public_id(country: str) -> str:
        while True:
            candidate = new_facility_id(country, today)
            if candidate not in used:
                used.add(candidate)
                return candidate

    facilities, aliases, planted_keys = [], [], []
    for site in sector.sites:
        facilities.append(
            Facility(
                public_id=public_id(site.country),
                name=site.name_latin,
                address=site.address_latin,
                country=site.country,
                lat=site.lat,
                lng=site.lng,
                sector=site.sector,
            )
        )
        if site.name != site.name_latin:
            aliases.append((len(facilities) - 1, site.name))
        if rng.random() < planted:
            row = noisy_variant(site, rng)
            planted_keys.append(len(facilities) - 1)
            facilities.append(
                Facility(
                    public_id=public_id(site.country), name=row["name"], address=row["address"], country=site.country
                )
            )
    with transaction.atomic():
        Facility.objects.bulk_create(facilities, batch_size=2000)
        FacilityAlias.objects.bulk_create(
            [FacilityAlias(facility=facilities[i], name=name, source="bench") for i, name in aliases], batch_size=2000
        )
    planted_pairs = {
        (min(facilities[i].pk, facilities[i + 1].pk), max(facilities[i].pk, facilities[i + 1].pk)) for i in planted_keys
    }
    setup_s = time.perf_counter() - started

    matchindex.reset(ignore_snapshot=True)
    t = time.perf_counter()
    matcher = matchindex.get_matcher()
    index_s = time.perf_counter() - t

    t, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        one = duplicates.scan_register(matcher, workers=1)
    scan_1_s, scan_cpu_s = time.perf_counter() - t, time.process_time() - cpu
    scan_w_s = None
    if workers > 1:
        t = time.perf_counter()
        many = duplicates.scan_register(matcher, workers=workers)
        scan_w_s = time.perf_counter() - t
        assert many.pairs == one.pairs, "the scan must not depend on the number of workers"

    system = Actor.system(via="cli")
    t = time.perf_counter()
    with transaction.atomic():
        counts = services._store_pairs(one.pairs)
    write_s = time.perf_counter() - t
    t = time.perf_counter()
    again = services.find_duplicates(system, workers=max(workers, 1))
    rescan_s = time.perf_counter() - t
    found_planted = len(planted_pairs & set(one.pairs))
    return {
        "sites": n,
        "facilities": one.facilities,
        "setup_s": round(setup_s, 1),
        "index_s": round(index_s, 2),
        "scan_1_s": round(scan_1_s, 2),
        "scan_cpu_s": round(scan_cpu_s, 2),
        "scan_w_s": round(scan_w_s, 2) if scan_w_s is not None else None,
        "write_s": round(write_s, 2),
        "rescan_s": round(rescan_s, 2),
        "scan_queries": len(queries.captured_queries),
        "pairs": len(one.pairs),
        "new": counts["new"],
        "rescan_new": again.new,
        "planted": len(planted_pairs),
        "planted_found": found_planted,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2000,20000", help="Register sizes (sites), comma-separated.")
    parser.add_argument("--planted", type=float, default=0.05, help="Share of sites given a second record.")
    parser.add_argument("--workers", type=int, default=2, help="Processes for the second scan (1: skip it).")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_child(args.one, args.planted, args.workers, args.seed)))
        return
    print(f"Duplicates scan, demo-generator registers (synthetic), {args.planted:.0%} of sites planted twice")
    print("Seconds are wall-clock unless marked CPU (the CPU time of the one-process scan: on a busy")
    print("machine it is the steadier figure). Queries: those the one-process scan ran.")
    header = (
        f"{'sites':>7} {'facilities':>10} {'index s':>8} {'scan s':>8} {'scan CPU':>9} {'scan s':>8} "
        f"{'write s':>8} {'rescan s':>9} {'queries':>8} {'pairs':>7} {'planted found':>14}"
    )
    print(header)
    print(f"{'':>7} {'':>10} {'':>8} {'1 proc':>8} {'1 proc':>9} {f'{args.workers} proc':>8}")
    for n in [int(s) for s in args.sizes.split(",")]:
        worker_args = ["--workers", str(args.workers), "--seed", str(args.seed)]
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "COVENANT_DATA_DIR": tmp,
                "MATCH_WORKERS": str(args.workers),
            }
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(n), "--planted", str(args.planted), *worker_args],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        scan_w = f"{r['scan_w_s']:>8.2f}" if r["scan_w_s"] is not None else f"{'—':>8}"
        print(
            f"{r['sites']:>7} {r['facilities']:>10} {r['index_s']:>8.2f} {r['scan_1_s']:>8.2f} "
            f"{r['scan_cpu_s']:>9.2f} {scan_w} "
            f"{r['write_s']:>8.2f} {r['rescan_s']:>9.2f} {r['scan_queries']:>8} {r['pairs']:>7} "
            f"{r['planted_found']:>7}/{r['planted']:<6}",
            flush=True,
        )


if __name__ == "__main__":
    main()

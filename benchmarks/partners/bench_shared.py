"""Server time of the partners page's selector for a member with a large chain in a shared sector.

Creates (or reuses) one bench member with ``--links`` links to synthetic facilities and
``--others`` other members, each linking to ``--other-links`` sites of the same register (so
many of the bench member's sites and hotspots are shared), recomputes risk, signals interest
on a tenth of the shared sites for the bench member and half of those for another member
(mutual), then times:

- ``selectors.shared`` (the member's page and API: site counts, hotspots in its own view,
  others' hotspots in the shared picture, interests and partners);
- ``selectors.sector_counts`` (the secretariat's numbers);

and prints the number of queries of each (flat in the chain's size: tests/partners/test_query_counts.py)
and p50 / p95 over ``--runs`` runs after one warm-up. Synthetic data (see ../risk/_setup.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partners python benchmarks/partners/bench_shared.py --links 5000
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python benchmarks/partners/bench_shared.py --links 600  # migrate first
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "risk"))

from _setup import insert_facilities, synthetic_sites
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks._stats import percentile
from covenant.accounts.models import User
from covenant.core.actors import Actor
from covenant.orgs.models import Membership, Organisation
from covenant.partners import selectors, services
from covenant.partners.models import Interest
from covenant.registry.models import Facility, SupplyLink
from covenant.risk import engine


def _member(slug: str, kind: str = "member") -> Actor:
    org, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").title(), "kind": kind, "country": "NL"}
    )
    email = f"{slug}@bench.example"
    user = User.objects.filter(email=email).first() or User.objects.create_user(email, "bench-password-123456")
    role = "coordinator" if kind == "secretariat" else "admin"
    Membership.objects.get_or_create(org=org, user=user, defaults={"role": role})
    return Actor(user=user, org=org, role=role)


def _link(org: Organisation, ids: list[int]) -> None:
    have = set(SupplyLink.objects.filter(org=org).values_list("facility_id", flat=True))
    SupplyLink.objects.bulk_create(
        [SupplyLink(org=org, facility_id=fid, tier=1 + i % 3) for i, fid in enumerate(ids) if fid not in have],
        batch_size=5000,
    )


def _setup(links: int, others: int, other_links: int) -> tuple[Actor, Actor]:
    pool = max(links, other_links) * 2
    have = Facility.objects.filter(public_id__startswith="BP").count()
    if have < pool:
        print(f"creating {pool - have:,} synthetic facilities ...", flush=True)
        insert_facilities(synthetic_sites(pool - have, seed=17), prefix=f"BP{have:04d}")
    ids = list(Facility.objects.filter(public_id__startswith="BP").order_by("pk").values_list("pk", flat=True))
    rng = random.Random(17)
    bench = _member("bench-partners")
    _link(bench.org, ids[:links])  # type: ignore[arg-type]
    for i in range(others):
        other = _member(f"bench-partner-{i:02d}")
        _link(other.org, rng.sample(ids, min(other_links, len(ids))))  # type: ignore[arg-type]
    print("recomputing risk ...", flush=True)
    engine.recompute_all()
    partner = _member("bench-partner-00")
    if not Interest.objects.filter(org=bench.org).exists():
        view = selectors.shared(bench)
        for n, subject in enumerate(view.sites[::10]):
            services.signal_interest(bench, subject.kind, subject.key)
            if n % 2 == 0 and SupplyLink.objects.filter(org=partner.org, facility__public_id=subject.key).exists():
                services.signal_interest(partner, subject.kind, subject.key)
    return bench, _member("bench-secretariat", kind="secretariat")


def _times(fn: object, runs: int) -> tuple[float, float, int]:
    call = fn  # type: ignore[assignment]
    call()  # type: ignore[operator]
    samples = []
    with CaptureQueriesContext(connection) as ctx:
        call()  # type: ignore[operator]
    for _ in range(runs):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 50), percentile(samples, 95), len(ctx.captured_queries)


def main() -> None:
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the match e-mails: not printed
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--links", type=int, default=600, help="the bench member's linked sites")
    parser.add_argument("--others", type=int, default=11, help="other members")
    parser.add_argument("--other-links", type=int, default=400, help="each other member's linked sites")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    bench, secretariat = _setup(args.links, args.others, args.other_links)
    view = selectors.shared(bench)
    print(
        f"{connection.vendor}: bench member with {args.links:,} links, {args.others} other members with "
        f"{args.other_links:,} each; {len(view.sites):,} shared sites, {len(view.hotspots):,} shared hotspots, "
        f"{len(view.matched):,} subjects with partners"
    )
    for name, fn in (
        ("selectors.shared (member page and API)", lambda: selectors.shared(bench)),
        ("selectors.shared, one topic", lambda: selectors.shared(bench, topic="child_labour")),
        ("selectors.sector_counts (secretariat)", lambda: selectors.sector_counts(secretariat)),
    ):
        p50, p95, queries = _times(fn, args.runs)
        print(f"{name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, {queries} queries")


if __name__ == "__main__":
    main()

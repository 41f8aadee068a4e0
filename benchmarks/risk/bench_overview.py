"""Server time of a member's risk overview with many linked sites (PostgreSQL).

Creates one member with ``--links`` links to synthetic facilities (reusing facilities
already in the database when there are enough, e.g. after bench_recompute.py), adds
signals to 1 % of them and overrides to 0.5 %, recomputes, then times:

- the selector (heat map, top issues, and the first page of the prioritised, filtered list);
- the whole page (``GET /risk/`` through Django's test client: middleware, selector,
  template with the map of sites and the first page of the list).

Prints p50 / p95 over ``--runs`` runs after one warm-up. Synthetic data (see _setup.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/risk python benchmarks/risk/bench_overview.py --links 20000
"""

from __future__ import annotations

import argparse
import time

from _setup import insert_facilities, require_postgres, synthetic_sites

from benchmarks._stats import percentile
from covenant.accounts.models import User
from covenant.core.actors import Actor
from covenant.orgs.models import Membership, Organisation
from covenant.registry.models import Facility, SupplyLink
from covenant.risk import engine, selectors
from covenant.risk.models import RiskOverride, SiteSignal, Topic


def _setup(n: int) -> Actor:
    org, _ = Organisation.objects.get_or_create(
        slug="bench-member", defaults={"name": "Bench Member", "kind": "member", "country": "NL"}
    )
    user = User.objects.filter(email="bench@member.example").first() or User.objects.create_user(
        "bench@member.example", "bench-password-123456"
    )
    Membership.objects.get_or_create(org=org, user=user, defaults={"role": "admin"})
    have = SupplyLink.objects.filter(org=org).count()
    if have < n:
        ids = list(Facility.objects.exclude(links__org=org).order_by("pk").values_list("pk", flat=True)[: n - have])
        if len(ids) < n - have:
            insert_facilities(synthetic_sites(n - have - len(ids), seed=9), prefix="BO")
            ids = list(Facility.objects.exclude(links__org=org).order_by("pk").values_list("pk", flat=True)[: n - have])
        SupplyLink.objects.bulk_create(
            [SupplyLink(org=org, facility_id=fid, tier=1 + i % 3, products=["Item"]) for i, fid in enumerate(ids)],
            batch_size=5000,
        )
        topics = list(Topic.objects.all())
        SiteSignal.objects.bulk_create(
            [
                SiteSignal(
                    facility_id=fid,
                    topic=topics[i % len(topics)],
                    source="audit",
                    source_ref="bench",
                    delta=2.0,
                    explanation="bench finding",
                )
                for i, fid in enumerate(ids[::100])
            ]
        )
        RiskOverride.objects.bulk_create(
            [
                RiskOverride(org=org, facility_id=fid, topic=topics[4], score=7.0, justification="bench")
                for fid in ids[::200]
            ]
        )
        engine.recompute_all()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # as autovacuum would after a bulk load: plans need row counts
    return Actor(user=user, org=org, role="admin")


def _times(fn, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 50), percentile(samples, 95)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    require_postgres()
    actor = _setup(args.links)
    n = SupplyLink.objects.filter(org=actor.org).count()
    print(f"member with {n:,} linked sites")
    for label, kwargs in (
        ("selector, no filter", {}),
        ("selector, topic = forced labour", {"topic": "forced_labour"}),
        ("selector, tier 1", {"tier": 1}),
    ):
        p50, p95 = _times(lambda kw=kwargs: selectors.member_overview(actor, **kw).rows[:50], args.runs)
        print(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")

    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    assert actor.user is not None
    client.force_login(actor.user, backend="allauth.account.auth_backends.AuthenticationBackend")

    def page() -> None:
        response = client.get("/risk/")
        assert response.status_code == 200, response.status_code

    p50, p95 = _times(page, args.runs)
    print(f"whole page GET /risk/: p50 {p50:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()

"""Benchmark: a member's audit-coverage dashboard over 20,000 sites and 100,000 audits.

The data is synthetic (made up here, not a real sector): 20,000 facilities owned
by 2,000 suppliers (5 % of which share all their audits with every member);
one member sources from all 20,000 sites (the worst case for its dashboard) and
nine others from random subsets; 100,000 audits spread over the sites and the
last five years, across the seeded scheme versions, 80 % by a qualified auditor;
60 % of the audits shared with the measured member; risk signals on 30 % of the
sites so the high-risk counter has work to do.

It times the whole page (``GET /audits/coverage/`` through Django's test client,
rendering included: the server time a person waits for) and the coverage
selector alone, and prints p50/p95 over ``--runs`` requests after one warm-up.

    python benchmarks/audits/bench_coverage.py                  # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/audits_bench python benchmarks/audits/bench_coverage.py

The database is built once and reused when it already holds the data (a marker
organisation); on PostgreSQL give it a database of its own.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks._stats import percentile

MARKER = "bench-coverage-member"


def _setup(data_dir: str | None) -> None:
    os.environ.setdefault("COVENANT_DATA_DIR", data_dir or tempfile.mkdtemp(prefix="covenant-bench-"))
    os.environ["DEBUG"] = "0"  # no query log: measure what production does
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "covenant.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(n_sites: int, n_audits: int, seed: int) -> None:
    from django.db import transaction

    from covenant.accounts.models import User
    from covenant.audits.models import Audit, AuditShare, SchemeVersion, SupplierSharing
    from covenant.orgs.models import Membership, Organisation
    from covenant.registry.models import Facility, SupplyLink
    from covenant.risk.models import SiteSignal, Topic

    rng = random.Random(seed)
    today = date.today()
    t0 = time.perf_counter()
    with transaction.atomic():
        member = Organisation.objects.create(name="Bench member", slug=MARKER, kind="member", size="large")
        others = Organisation.objects.bulk_create(
            Organisation(name=f"Member {i}", slug=f"bench-member-{i}", kind="member", size="sme") for i in range(9)
        )
        suppliers = Organisation.objects.bulk_create(
            Organisation(name=f"Supplier {i}", slug=f"bench-supplier-{i}", kind="supplier") for i in range(2000)
        )
        SupplierSharing.objects.bulk_create(
            SupplierSharing(supplier=s, share_all_members=True) for s in suppliers if rng.random() < 0.05
        )
        user = User.objects.create_user("bench@member.example", "bench-password-123456")
        Membership.objects.create(user=user, org=member, role="admin")
        countries = ["CN", "BD", "IN", "VN", "TR", "KH", "PK", "ID"]
        facilities = Facility.objects.bulk_create(
            (
                Facility(
                    public_id=f"{countries[i % 8]}2026{i:09d}",
                    name=f"Site {i}",
                    country=countries[i % 8],
                    owner=suppliers[i % len(suppliers)],
                )
                for i in range(n_sites)
            ),
            batch_size=2000,
        )
        SupplyLink.objects.bulk_create((SupplyLink(org=member, facility=f) for f in facilities), batch_size=2000)
        SupplyLink.objects.bulk_create(
            (SupplyLink(org=o, facility=f) for o in others for f in rng.sample(facilities, n_sites // 10)),
            batch_size=2000,
        )
        versions = list(SchemeVersion.objects.all())
        audits = []
        for _ in range(n_audits):
            f = facilities[rng.randrange(n_sites)]
            end = today - timedelta(days=rng.randrange(5 * 365))
            v = rng.choice(versions)
            audits.append(
                Audit(
                    facility=f,
                    owner_id=f.owner_id,
                    audit_firm_name="Bench Audits",
                    scheme_version=v,
                    start_date=end - timedelta(days=1),
                    end_date=end,
                    valid_until=end + timedelta(days=30 * v.validity_months),
                    qualified_auditor=rng.random() < 0.8,
                )
            )
        Audit.objects.bulk_create(audits, batch_size=2000)
        AuditShare.objects.bulk_create(
            (AuditShare(audit=a, org=member) for a in audits if rng.random() < 0.6), batch_size=5000
        )
        topics = list(Topic.objects.all())
        SiteSignal.objects.bulk_create(
            (
                SiteSignal(
                    facility=f,
                    topic=rng.choice(topics),
                    source="event",  # public evidence: only that moves the shared bands counted here
                    source_ref="bench",
                    delta=rng.choice([0.5, 1.0, 2.0, 3.0]),
                    explanation="synthetic",
                )
                for f in facilities
                if rng.random() < 0.3
            ),
            batch_size=5000,
        )
    from django.db import connection

    from covenant.risk import engine

    # Sites were inserted around the services, so nothing scored them; pages never score
    # while reading (they would show the sites as "not scored yet").
    engine.recompute_all()
    # Planner statistics, as a live database has them (autovacuum / a nightly ANALYZE).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {n_sites:,} sites, {n_audits:,} audits in {time.perf_counter() - t0:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=20_000)
    parser.add_argument("--audits", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--data-dir", default=None, help="COVENANT_DATA_DIR (SQLite file lives there)")
    args = parser.parse_args()
    _setup(args.data_dir)

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from covenant.accounts.models import User
    from covenant.audits import selectors
    from covenant.core.actors import Actor
    from covenant.orgs.models import Organisation

    if not Organisation.objects.filter(slug=MARKER).exists():
        _build(args.sites, args.audits, args.seed)
    member = Organisation.objects.get(slug=MARKER)
    user = User.objects.get(email="bench@member.example")
    actor = Actor(user=user, org=member, role="admin")
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    url = reverse("audits:coverage")

    def page() -> float:
        t = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - t) * 1000

    def selector() -> float:
        t = time.perf_counter()
        selectors.coverage(actor)
        return (time.perf_counter() - t) * 1000

    result = selectors.coverage(actor)
    print(
        f"{connection.vendor}: {result.sites:,} sites, covered {result.covered:,}, not recognised "
        f"{result.not_recognised:,}, high-risk {result.high_risk:,} ({result.high_risk_covered:,} covered)"
    )
    for label, fn in (("coverage page (GET /audits/coverage/)", page), ("coverage selector", selector)):
        fn()  # warm-up
        times = [fn() for _ in range(args.runs)]
        print(
            f"  {label}: p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms over {args.runs} runs"
        )


if __name__ == "__main__":
    main()

"""Benchmark: the secretariat's sector counters over 100,000 audits and 20 members.

The data is synthetic (made up here, not a real sector). It starts from the sector that
``bench_coverage.py`` builds (its builder is reused, not copied: 20,000 sites of 2,000
suppliers, 5 % of which share all their audits; 100,000 audits over five years; ten members,
one sourcing from every site; 60 % of the audits shared with that one; risk signals on 30 %
of the sites) and adds what the sector's counters look at:

- ten more members, each sourcing from a random 15 % of the sites (overlapping chains: a site
  has about three buyers), and five members with recognition rules of their own;
- each audit shared with each other member linked to its site with probability one half, and
  with one member not linked to it with probability one tenth;
- findings on 40 % of the audits (1 to 4; 5 % critical, 35 % major, 60 % minor), each with a
  corrective action, 60 % of them closed, some late;
- the secretariat's coordinator (with an authenticator, as the page requires).

It times the whole page (``GET /audits/sector/`` through Django's test client, rendering
included, as the coordinator; it reads the last count kept), the count itself (what the
background worker does when the kept count is older than ``AUDIT_SECTOR_COUNT_MAX_AGE``) and each
counter alone, and prints p50/p95 over ``--runs`` requests after one warm-up.

    python benchmarks/audits/bench_sector.py                  # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sector_bench python benchmarks/audits/bench_sector.py

The database is built once and reused when it already holds the data (marker organisations);
on PostgreSQL give it a database of its own. ``--explain`` prints each counter's plan
(``EXPLAIN ANALYZE`` on PostgreSQL, ``EXPLAIN QUERY PLAN`` on SQLite).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks._stats import percentile
from benchmarks.audits import bench_coverage

MARKER = "bench-sector-secretariat"
COORDINATOR = "coordinator@bench-sector.example"


def _build_sector(seed: int) -> None:
    """The sector's additions on top of the coverage benchmark's data (see the module's docstring)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db import connection, transaction

    from covenant.accounts.models import User
    from covenant.audits.models import (
        Audit,
        AuditShare,
        CapStatus,
        CorrectiveAction,
        Finding,
        RecognitionPolicy,
        SchemeVersion,
    )
    from covenant.orgs.models import Membership, Organisation
    from covenant.registry.models import Facility, SupplyLink

    rng = random.Random(seed)
    today = date.today()
    t0 = time.perf_counter()
    with transaction.atomic():
        secretariat = Organisation.objects.create(name="Bench secretariat", slug=MARKER, kind="secretariat")
        user = User.objects.create_user(COORDINATOR, "bench-password-123456")
        Membership.objects.create(user=user, org=secretariat, role="coordinator")
        TOTP.activate(user, generate_totp_secret())
        more = Organisation.objects.bulk_create(
            Organisation(name=f"Member {i}", slug=f"bench-member-{i}", kind="member", size="sme") for i in range(9, 19)
        )
        site_ids = list(Facility.objects.values_list("pk", flat=True))
        SupplyLink.objects.bulk_create(
            (SupplyLink(org=o, facility_id=f) for o in more for f in rng.sample(site_ids, len(site_ids) * 15 // 100)),
            batch_size=5000,
        )
        members = list(Organisation.objects.filter(kind="member").order_by("pk"))
        measured = next(m for m in members if m.slug == bench_coverage.MARKER)
        linked: dict[int, list[int]] = defaultdict(list)
        for facility_id, org_id in SupplyLink.objects.exclude(org=measured).values_list("facility_id", "org_id"):
            linked[facility_id].append(org_id)
        versions = list(SchemeVersion.objects.order_by("pk"))
        # Five members with rules of their own: stricter versions, ages, auditors, self-reported.
        for i, (n_versions, age, qualified, self_reported) in enumerate(
            [
                (3, 24, True, False),
                (0, 12, True, False),
                (5, 36, False, True),
                (0, 36, False, False),
                (2, 18, True, True),
            ]
        ):
            policy = RecognitionPolicy.objects.create(
                org=members[i + 1],
                max_age_months=age,
                require_qualified_auditor=qualified,
                accept_self_reported=self_reported,
            )
            if n_versions:
                policy.accepted_versions.set(versions[:n_versions])
        audits = list(Audit.objects.values_list("pk", "facility_id", "end_date"))
        shares = []
        for audit_id, facility_id, _end in audits:
            for org_id in linked[facility_id]:
                if rng.random() < 0.5:
                    shares.append(AuditShare(audit_id=audit_id, org_id=org_id))
            if rng.random() < 0.1:
                other = rng.choice(members[1:])
                if other.pk not in linked[facility_id]:
                    shares.append(AuditShare(audit_id=audit_id, org=other))
        AuditShare.objects.bulk_create(shares, batch_size=5000)
        findings, actions = [], []
        days = {"critical": 30, "major": 90, "minor": 180}
        for audit_id, _facility_id, end in audits:
            if rng.random() >= 0.4:
                continue
            for number in range(1, rng.randint(1, 4) + 1):
                severity = rng.choices(["critical", "major", "minor"], weights=[5, 35, 60])[0]
                finding = Finding(
                    audit_id=audit_id,
                    number=number,
                    section="1",
                    grade=severity,
                    severity=severity,
                    description="synthetic finding",
                )
                findings.append(finding)
                opened = _noon(end)
                closed = rng.random() < 0.6
                actions.append(
                    CorrectiveAction(
                        finding=finding,
                        audit_id=audit_id,
                        due_date=end + timedelta(days=days[severity]),
                        status=CapStatus.CLOSED if closed else CapStatus.OPEN,
                        created_at=opened,
                        closed_at=opened + timedelta(days=rng.randint(5, 2 * days[severity])) if closed else None,
                    )
                )
        Finding.objects.bulk_create(findings, batch_size=5000)
        CorrectiveAction.objects.bulk_create(actions, batch_size=5000)
    # Planner statistics and (PostgreSQL) the visibility map, as autovacuum keeps them on a live
    # database: without it every index-only lookup of a share also reads the table.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"added 10 members, {len(shares):,} shares, {len(findings):,} findings and actions "
        f"in {time.perf_counter() - t0:.1f} s (today {today})"
    )


def _noon(day: date) -> datetime:
    """The moment an action was opened: the audit's last day, at noon UTC."""
    return datetime.combine(day, clock(12), tzinfo=UTC)


def _explain(label: str, sql: str, params: Any) -> None:
    from django.db import connection

    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    print(f"--- {label}")
    for row in rows:
        print("   ", " ".join(str(v) for v in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=20_000)
    parser.add_argument("--audits", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--data-dir", default=None, help="COVENANT_DATA_DIR (SQLite file lives there)")
    parser.add_argument("--explain", action="store_true", help="print each counter's query plan")
    args = parser.parse_args()
    bench_coverage._setup(args.data_dir)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from covenant.accounts.models import User
    from covenant.audits import rules, selectors, services
    from covenant.audits.models import Audit, AuditShare, CorrectiveAction, Finding
    from covenant.orgs.models import Organisation
    from covenant.registry.interface import active_links

    if not Organisation.objects.filter(slug=bench_coverage.MARKER).exists():
        bench_coverage._build(args.sites, args.audits, args.seed)
    if not Organisation.objects.filter(slug=MARKER).exists():
        _build_sector(args.seed)
    print(
        f"{connection.vendor}: {Audit.objects.count():,} audits, {AuditShare.objects.count():,} shares, "
        f"{Finding.objects.count():,} findings, {CorrectiveAction.objects.count():,} actions, "
        f"{Organisation.objects.filter(kind='member').count()} members"
    )
    user = User.objects.get(email=COORDINATOR)
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    url = reverse("audits:sector")
    today = timezone.localdate()
    year_ago = rules.add_months(today, -12)

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    services.count_sector()  # the page reads the last count; a fresh one is there
    counters: list[tuple[str, Callable[[], Any]]] = [
        ("sector page (GET /audits/sector/, reads the last count)", page),
        ("counting (services.count_sector: the worker's job, kept)", services.count_sector),
        ("all counters (selectors.sector_counters)", selectors.sector_counters),
        ("linked sites", lambda: active_links().values("facility_id").distinct().count()),
        ("coverage of high-risk sites", lambda: selectors.high_risk_coverage(selectors.shared_audits(), today)),
        ("audits avoided", lambda: selectors.avoided_totals(today)),
        ("audit burden", lambda: selectors.audit_burden(selectors.shared_audits(), year_ago)),
        (
            "CAP KPIs and open actions",
            lambda: selectors.cap_figures(
                CorrectiveAction.objects.filter(selectors.in_circulation(selectors.share_all_supplier_ids(), "audit__"))
            ),
        ),
        ("zero tolerance", lambda: selectors.zero_tolerance_counts(selectors.share_all_supplier_ids(), year_ago)),
    ]
    c = selectors.sector_counters()
    print(
        f"  high-risk {c['high_risk_sites']:,} ({c['high_risk_covered']:,} covered), avoided {c['audits_avoided']:,} "
        f"(by {c['shared_audits']:,} audits), burden {c['burden']:.2f} (max {c['max_burden']}), "
        f"CAP due {c['kpis'].due:,} (rate {c['kpis'].closure_rate:.2f}, median {c['kpis'].median_days_to_close} d), "
        f"open {c['open_actions']:,}, zero tolerance {c['zero_tolerance']:,} / {c['zero_tolerance_open']:,} open / "
        f"{c['zero_tolerance_last_year']:,} last year"
    )
    for label, fn in counters:
        with CaptureQueriesContext(connection) as ctx:
            fn()  # warm-up, and the statements it runs
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        print(
            f"  {label}: p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms over {args.runs} runs"
            + (f" ({len(ctx.captured_queries)} statements)" if ctx.captured_queries else "")
        )
        if args.explain and not label.startswith(("sector page", "counting", "all counters")):
            for query in ctx.captured_queries:
                if query["sql"].lstrip().upper().startswith("SELECT") and "COUNT" in query["sql"].upper():
                    _explain(label, query["sql"], None)


if __name__ == "__main__":
    main()

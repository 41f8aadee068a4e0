"""Server time of a member's risk overview with many linked sites (PostgreSQL; SQLite for a first look).

Creates one member with ``--links`` links to synthetic facilities (reusing facilities
already in the database when there are enough, e.g. after bench_recompute.py), adds
signals to 1 % of them and overrides to 0.5 %, recomputes, then times:

- the selector (heat map, top issues, and the first page of the prioritised, filtered list);
- the whole page (``GET /risk/`` through Django's test client: middleware, selector,
  template with the map of sites and the first page of the list).

Prints p50 / p95 over ``--runs`` runs after one warm-up. Synthetic data (see _setup.py).

Then the member's own view against the stored picture (issue 14 item 3, "Evidence moves a
member's view"): audits of 10 % of its sites, 1 % of its sites with an audit shared with it
(real ``Audit``/``AuditShare`` rows, read through the audits app's rule) and 0.2 % with a
grievance case routed to it (``Case``/``CaseRecipient``), each with its risk signals. The
selector and the whole page are timed with (a) no restricted signals on the chain at all
(the stored picture and the member's overrides: the "inherent" view), (b) the signals
present but none readable by the member, (c) those readable; each in a transaction rolled
back afterwards. The goal: (c) at most 20 % over (a).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/risk python benchmarks/risk/bench_overview.py --links 20000
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python benchmarks/risk/bench_overview.py --links 20000  # migrate first
"""

from __future__ import annotations

import argparse
import time
import uuid
from datetime import timedelta

from _setup import insert_facilities, synthetic_sites
from django.db import connection, transaction
from django.utils import timezone

from benchmarks._stats import percentile
from covenant.accounts.models import User
from covenant.core.actors import Actor
from covenant.orgs.models import Membership, Organisation
from covenant.registry.models import Facility, SupplyLink
from covenant.risk import engine, selectors
from covenant.risk.models import RESTRICTED_SOURCES, RiskOverride, SiteSignal, Topic

AUDITED = 10  # one site in AUDITED has an audit (of another member's or nobody's reading) ...
SHARED = 100  # ... one in SHARED an audit shared with the bench member
ROUTED = 500  # one in ROUTED a grievance case routed to it


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
    _evidence(org)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # as autovacuum would after a bulk load: plans need row counts
    return Actor(user=user, org=org, role="admin")


def _evidence(org: Organisation) -> None:
    """Audits (some shared with the member) and grievance cases (routed to it), with their signals."""
    from covenant.audits.models import Audit, AuditShare, SchemeVersion
    from covenant.grievances.models import Case, CaseRecipient, Mechanism

    if Audit.objects.filter(audit_firm_name="Bench Audits").exists():
        return
    ids = list(SupplyLink.objects.filter(org=org).order_by("facility_id").values_list("facility_id", flat=True))
    topics = list(Topic.objects.order_by("position"))
    version = SchemeVersion.objects.order_by("pk").first()
    assert version is not None, "no scheme versions: run the migrations"
    today = timezone.localdate()
    audits = [
        Audit(
            facility_id=fid,
            audit_firm_name="Bench Audits",
            scheme_version=version,
            start_date=today - timedelta(days=40),
            end_date=today - timedelta(days=30),
            valid_until=today + timedelta(days=335),
        )
        for fid in ids[::AUDITED]
    ]
    Audit.objects.bulk_create(audits, batch_size=2000)
    signals = []
    for i, audit in enumerate(audits):
        for j, delta in ((0, 1.0), (5, -1.0)):  # one topic up (open findings), one down (clean)
            signals.append(
                SiteSignal(
                    facility_id=audit.facility_id,
                    topic=topics[(i + j) % len(topics)],
                    source="audit",
                    source_ref=str(audit.pk),
                    delta=delta,
                    explanation="bench audit",
                    code="audit_findings" if delta > 0 else "audit_clean",
                    params={"scheme": "Bench", "date": str(audit.end_date), "counts": {"major": 1}},
                    observed_on=audit.end_date,
                    expires_on=audit.valid_until,
                )
            )
    SiteSignal.objects.bulk_create(signals, batch_size=5000)
    AuditShare.objects.bulk_create(
        [AuditShare(audit=a, org=org) for a in audits[:: SHARED // AUDITED]], batch_size=2000
    )
    secretariat, _ = Organisation.objects.get_or_create(
        slug="bench-secretariat", defaults={"name": "Bench Secretariat", "kind": "secretariat", "country": "NL"}
    )
    mechanism, _ = Mechanism.objects.get_or_create(
        secretariat=secretariat, defaults={"slug": "bench", "name": "Bench mechanism"}
    )
    cases = [
        Case(
            mechanism=mechanism,
            reference=f"B{i:09d}",
            facility_id=fid,
            topics=["wages"],
            channel="web",
            language="en",
            stage="investigation",
            received_on=today - timedelta(days=20),
            stage_since=today - timedelta(days=10),
            admissible=True,
            content_enc=b"",
            receipt_lookup=uuid.uuid4().hex,
            receipt_wrapped_key=b"",
        )
        for i, fid in enumerate(ids[::ROUTED])
    ]
    Case.objects.bulk_create(cases, batch_size=2000)
    CaseRecipient.objects.bulk_create([CaseRecipient(case=c, org=org) for c in cases], batch_size=2000)
    wages = next(t for t in topics if t.code == "wages")
    SiteSignal.objects.bulk_create(
        [
            SiteSignal(
                facility_id=c.facility_id,
                topic=wages,
                source="grievance",
                source_ref=str(c.pk),
                delta=1.0,
                explanation="bench case",
                code="grievance_open",
                params={"date": str(c.received_on)},
                observed_on=c.received_on,
            )
            for c in cases
        ],
        batch_size=5000,
    )


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
    parser.add_argument("--evidence-only", action="store_true", help="only the member's view against the stored one")
    args = parser.parse_args()
    print(f"database: {connection.vendor}")
    actor = _setup(args.links)
    n = SupplyLink.objects.filter(org=actor.org).count()
    print(f"member with {n:,} linked sites")
    if args.evidence_only:
        _compare(actor, args.runs)
        return
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
    _compare(actor, args.runs)


def _compare(actor: Actor, runs: int) -> None:
    """The member's view with readable evidence against the stored picture (see the docstring)."""
    from django.conf import settings
    from django.test import Client

    from covenant.audits.models import AuditShare
    from covenant.grievances.models import CaseRecipient

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    assert actor.user is not None
    client.force_login(actor.user, backend="allauth.account.auth_backends.AuthenticationBackend")

    def page() -> None:
        response = client.get("/risk/")
        assert response.status_code == 200, response.status_code

    def selector() -> None:
        selectors.member_overview(actor).rows[:50]

    results: dict[str, tuple[float, float, float, float, int]] = {}
    modes = ("inherent: no restricted signals", "signals, none readable", "readable evidence")
    # Interleaved rounds, so that a change in the machine's load hits every mode alike.
    samples: dict[str, list[tuple[float, float, float, float]]] = {m: [] for m in modes}
    moved = dict.fromkeys(modes, 0)
    for _round in range(3):
        for mode in modes:
            with transaction.atomic():
                if mode == modes[0]:
                    SiteSignal.objects.filter(source__in=RESTRICTED_SOURCES).delete()
                elif mode == modes[1]:
                    AuditShare.objects.filter(org=actor.org).delete()
                    CaseRecipient.objects.filter(org=actor.org).delete()
                moved[mode] = sum(1 for r in selectors.member_overview(actor).rows if r.evidence)
                s50, s95 = _times(selector, max(1, runs // 3))
                p50, p95 = _times(page, max(1, runs // 3))
                samples[mode].append((s50, s95, p50, p95))
                transaction.set_rollback(True)
    for mode in modes:
        rounds = samples[mode]
        results[mode] = (
            sorted(r[0] for r in rounds)[len(rounds) // 2],
            sorted(r[1] for r in rounds)[len(rounds) // 2],
            sorted(r[2] for r in rounds)[len(rounds) // 2],
            sorted(r[3] for r in rounds)[len(rounds) // 2],
            moved[mode],
        )
        s50, s95, p50, p95, n = results[mode]
        print(
            f"{mode} ({n:,} sites moved by evidence): selector p50 {s50:.0f} ms, p95 {s95:.0f} ms; "
            f"page p50 {p50:.0f} ms, p95 {p95:.0f} ms"
        )
    base, mine = results[modes[0]], results[modes[2]]
    over = [100 * (mine[i] / base[i] - 1) for i in range(4)]
    print(
        "overhead of the member's view over the inherent one (median of rounds): "
        f"selector p50 {over[0]:+.0f} %, p95 {over[1]:+.0f} %; page p50 {over[2]:+.0f} %, p95 {over[3]:+.0f} %"
        " (goal: at most +20 %)"
    )


if __name__ == "__main__":
    main()

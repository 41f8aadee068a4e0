"""The secretariat's sector counters (``selectors.sector_counters``) against a plain computation.

The counters are aggregates computed by the database; the reference below uses no SQL of its
own: the ORM fetches rows, and Python applies the audits' reading rule, each member's
``effective_policy`` with ``rules.is_recognised``, and ``rules.cap_kpis``. Run this module on
SQLite and on PostgreSQL (``DATABASE_URL=postgres://…``): both must agree with it.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from covenant.audits import rules, selectors
from covenant.audits.models import (
    Audit,
    AuditShare,
    AuditStatus,
    CapStatus,
    CorrectiveAction,
    Finding,
    RecognitionPolicy,
    SchemeVersion,
    SupplierSharing,
)
from covenant.orgs.models import Organisation
from covenant.registry.models import Facility, SupplyLink
from covenant.risk.interface import risk_bands
from tests.conftest import World, client_for, make_org
from tests.factories import link, make_facility

# Countries and sectors giving every band from low to very high in the shipped reference data.
PLACES = [
    ("NL", "Textiles", []),
    ("BD", "Garments", ["Garments"]),
    ("CN", "Electronics", ["Electronics"]),
    ("CI", "Agriculture", ["Cocoa"]),
    ("TM", "Agriculture", ["Cotton"]),
    ("IN", "Textiles", ["Cotton"]),
    ("MM", "Garments", []),
]
SEVERITIES = ["critical", "major", "minor"]
STATES = [AuditStatus.ACTIVE, AuditStatus.WITHDRAWN, AuditStatus.DRAFT]


def _members(world: World, seed: int) -> list[Organisation]:
    """Five members: A and B of the world, and three more, four of them with rules of their own
    (stricter versions and age, self-reported accepted, a pillar required, one changing nothing)."""
    versions = list(SchemeVersion.objects.order_by("pk"))
    extra = [make_org(f"Member {seed}-{i}", "member", size="sme") for i in range(3)]
    members = [world.member_a, world.member_b, *extra]
    strict = RecognitionPolicy.objects.create(org=world.member_b, max_age_months=12, require_qualified_auditor=True)
    strict.accepted_versions.set(versions[:3])
    RecognitionPolicy.objects.create(
        org=extra[0], max_age_months=36, require_qualified_auditor=False, accept_self_reported=True
    )
    RecognitionPolicy.objects.create(
        org=extra[1], max_age_months=24, require_qualified_auditor=True, required_pillars=["environment"]
    )
    RecognitionPolicy.objects.create(org=extra[2], max_age_months=120, require_qualified_auditor=False)
    return members


def _world(world: World, seed: int, members: list[Organisation] | None = None) -> list[Organisation]:
    """Suppliers (one sharing everything), sites at every band, links (some ended), audits of every
    kind and state shared at random (also with members not linked to the site), findings of every
    severity with actions open, closed on time, late or without a deadline, and one without an action."""
    rng = random.Random(seed)
    today = timezone.localdate()
    members = members or _members(world, seed)
    share_all = make_org(f"Open Supplier {seed}", "supplier", country="BD")
    closed = make_org(f"Closed Supplier {seed}", "supplier", country="CN")
    SupplierSharing.objects.create(supplier=share_all, share_all_members=True)
    versions = list(SchemeVersion.objects.order_by("pk"))
    sites = []
    for i in range(16):
        cc, sector, products = PLACES[i % len(PLACES)]
        site = make_facility(f"Site {seed}-{i}", cc, "Main road", sector=sector, products=products)
        Facility.objects.filter(pk=site.pk).update(owner=share_all if i % 3 == 0 else closed)
        sites.append(Facility.objects.get(pk=site.pk))
    for site in sites:
        for member in members:
            if rng.random() < 0.55:
                ended = rng.random() < 0.15
                link(member, site, tier=1, end_date=today - timedelta(days=2) if ended else None)
    for site in sites:
        for _ in range(rng.randint(0, 5)):
            end = today - timedelta(days=rng.choice([5, 100, 300, 400, 800, 1500]))
            audit = Audit.objects.create(
                facility=site,
                owner_id=site.owner_id,
                audit_firm_name="Test Audits",
                scheme_version=rng.choice(versions),
                start_date=end - timedelta(days=1),
                end_date=end,
                valid_until=end + timedelta(days=rng.choice([30, 1000, 1000, 2000])),
                qualified_auditor=rng.random() < 0.75,
                self_reported=rng.random() < 0.2,
                status=rng.choices(STATES, weights=[85, 10, 5])[0],
            )
            for member in members:
                if rng.random() < 0.5:
                    AuditShare.objects.create(audit=audit, org=member)
            for number in range(1, rng.randint(1, 4)):
                severity = rng.choice(SEVERITIES)
                finding = Finding.objects.create(
                    audit=audit, number=number, section="1", grade=severity, severity=severity, description="x"
                )
                if rng.random() < 0.1:
                    continue  # no action (yet): still open
                opened = timezone.now() - timedelta(days=rng.randint(10, 400), hours=rng.randint(0, 23))
                is_closed = rng.random() < 0.5
                CorrectiveAction.objects.create(
                    finding=finding,
                    audit=audit,
                    due_date=None if rng.random() < 0.1 else today + timedelta(days=rng.randint(-200, 100)),
                    status=CapStatus.CLOSED if is_closed else rng.choice([CapStatus.OPEN, CapStatus.PROGRESS]),
                    created_at=opened,
                    closed_at=opened + timedelta(days=rng.randint(0, 300), hours=rng.randint(0, 23))
                    if is_closed
                    else None,
                )
    return members


def _reference_avoided() -> dict[uuid.UUID, int]:
    """Audits avoided, audit by audit, in plain Python (the computation the SQL replaced)."""
    today = timezone.localdate()
    share_all = set(SupplierSharing.objects.filter(share_all_members=True).values_list("supplier_id", flat=True))
    linked: dict[int, set[int]] = defaultdict(set)
    for lk in SupplyLink.objects.all():
        if lk.end_date is None or lk.end_date >= today:
            linked[lk.facility_id].add(lk.org_id)
    shared: dict[uuid.UUID, set[int]] = defaultdict(set)
    for share in AuditShare.objects.all():
        shared[share.audit_id].add(share.org_id)
    policies = {org.pk: selectors.effective_policy(org) for org in Organisation.objects.all()}
    result = {}
    for a in Audit.objects.all():
        if a.status != AuditStatus.ACTIVE:
            continue
        readers = linked[a.facility_id] if a.owner_id in share_all else linked[a.facility_id] & shared[a.pk]
        n = sum(
            rules.is_recognised(
                policies[org_id],
                version_id=a.scheme_version_id,
                end_date=a.end_date,
                valid_until=a.valid_until,
                qualified_auditor=a.qualified_auditor,
                active=True,
                today=today,
                self_reported=a.self_reported,
            )
            for org_id in readers
        )
        if n > 1:
            result[a.pk] = n - 1
    return result


def _reference() -> dict[str, Any]:
    today = timezone.localdate()
    year_ago = rules.add_months(today, -12)
    share_all = set(SupplierSharing.objects.filter(share_all_members=True).values_list("supplier_id", flat=True))
    shared_ids = set(AuditShare.objects.values_list("audit_id", flat=True))
    audits = [a for a in Audit.objects.all() if a.owner_id in share_all or a.pk in shared_ids]
    active = [a for a in audits if a.status == AuditStatus.ACTIVE]
    linked_sites = {lk.facility_id for lk in SupplyLink.objects.all() if lk.end_date is None or lk.end_date >= today}
    bands = risk_bands(list(linked_sites))
    high = {f for f, band in bands.items() if band in {"high", "very_high"}}
    sector = selectors.effective_policy(None)
    covered = {
        a.facility_id
        for a in active
        if a.facility_id in high
        and rules.is_recognised(
            sector,
            version_id=a.scheme_version_id,
            end_date=a.end_date,
            valid_until=a.valid_until,
            qualified_auditor=a.qualified_auditor,
            active=True,
            today=today,
            self_reported=a.self_reported,
        )
    }
    per_site = Counter(a.facility_id for a in active if a.end_date >= year_ago)
    avoided = _reference_avoided()
    active_ids = {a.pk for a in active}
    actions = [c for c in CorrectiveAction.objects.all() if c.audit_id in active_ids]
    rows = [(c.due_date, c.closed_at.date() if c.closed_at else None, c.created_at.date()) for c in actions]
    critical = [
        f for f in Finding.objects.select_related("audit") if f.audit_id in active_ids and f.severity == "critical"
    ]
    closed_findings = set(CorrectiveAction.objects.filter(status=CapStatus.CLOSED).values_list("finding_id", flat=True))
    return {
        "linked_sites": len(linked_sites),
        "high_risk_sites": len(high),
        "high_risk_covered": len(covered),
        "high_risk_share": len(covered) / len(high) if high else None,
        "audits_avoided": sum(avoided.values()),
        "shared_audits": len(avoided),
        "audits_last_year": sum(per_site.values()),
        "audited_sites_last_year": len(per_site),
        "burden": sum(per_site.values()) / len(per_site) if per_site else None,
        "max_burden": max(per_site.values()) if per_site else 0,
        "kpis": rules.cap_kpis(rows, today),
        "open_actions": sum(1 for c in actions if c.status != CapStatus.CLOSED),
        "zero_tolerance": len(critical),
        "zero_tolerance_open": sum(1 for f in critical if f.pk not in closed_findings),
        "zero_tolerance_last_year": sum(1 for f in critical if f.audit.end_date >= year_ago),
    }


@pytest.mark.parametrize("seed", [1, 2, 3, 7])
def test_the_counters_count_what_a_plain_computation_counts(world: World, seed: int) -> None:
    _world(world, seed)
    want = _reference()
    got = selectors.sector_counters()
    assert got == want
    assert selectors.avoided_by_audit() == _reference_avoided()
    # The world exercises every count, so agreement is not agreement on zeros.
    assert all(
        want[key]
        for key in ("high_risk_sites", "high_risk_covered", "audits_avoided", "max_burden", "zero_tolerance_open")
    ), want
    assert want["kpis"].due and want["kpis"].closed_on_time and want["kpis"].median_days_to_close is not None
    assert want["zero_tolerance"] > want["zero_tolerance_open"] and len(_policy_groups_of_world()) > 1


def _policy_groups_of_world() -> set[rules.Policy]:
    return {selectors.effective_policy(org) for org in Organisation.objects.filter(kind="member")}


def test_each_member_counts_under_its_own_policy(world: World) -> None:
    """One audit, read by three linked members: it spares one audit for each member beyond the
    first that recognises it, under that member's own effective policy."""
    site = make_facility("Policy Mill", "BD", "Savar", sector="Garments")
    supplier = make_org("Policy Supplier", "supplier", country="BD")
    Facility.objects.filter(pk=site.pk).update(owner=supplier)
    third = make_org("Derde Markt", "member", size="sme")
    sector = selectors.effective_policy(None)
    today = timezone.localdate()
    audit = Audit.objects.create(
        facility=site,
        owner=supplier,
        audit_firm_name="Test Audits",
        scheme_version_id=min(sector.version_ids),
        start_date=today - timedelta(days=201),
        end_date=today - timedelta(days=200),
        valid_until=today + timedelta(days=500),
        qualified_auditor=True,
    )
    for member in (world.member_a, world.member_b, third):
        link(member, site)
        AuditShare.objects.create(audit=audit, org=member)
    assert selectors.avoided_by_audit() == {audit.pk: 2}
    assert selectors.avoided_totals() == (2, 1)
    # Member B accepts audits of six months at most: this one no longer counts for it.
    RecognitionPolicy.objects.create(org=world.member_b, max_age_months=6, require_qualified_auditor=True)
    assert selectors.avoided_by_audit() == {audit.pk: 1}
    # The third member's link ends: it no longer sources there.
    SupplyLink.objects.filter(org=third).update(end_date=today - timedelta(days=1))
    assert selectors.avoided_by_audit() == {}
    assert selectors.sector_counters()["audits_avoided"] == 0


def test_the_sector_page_needs_the_same_queries_for_more_audits(world: World) -> None:
    """No query per audit, site, share or action: the page's count does not grow with them."""
    members = _members(world, 9)
    client = client_for(world.coordinator)
    url = reverse("audits:sector")

    def count() -> int:
        client.get(url)  # warms the process's caches (content types, the session)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    _world(world, 11, members)
    small = count()
    before = Audit.objects.count()
    _world(world, 12, members)
    assert Audit.objects.count() > before
    assert count() == small


def test_a_benchmark_accepting_nothing_recognises_nothing(world: World) -> None:
    _world(world, 4)
    assert selectors.sector_counters()["audits_avoided"] > 0
    RecognitionPolicy.objects.get(org__isnull=True).accepted_versions.clear()
    counters = selectors.sector_counters()
    assert (counters["audits_avoided"], counters["shared_audits"], counters["high_risk_covered"]) == (0, 0, 0)
    assert selectors.avoided_by_audit() == {} and counters == _reference()

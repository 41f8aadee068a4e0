"""The coverage statement (``audits/coverage.py``) against a plain computation, site by site.

The reference below uses no SQL of its own: the ORM fetches rows, and Python applies the
audits' reading rule and ``rules.is_recognised``. Run this module on SQLite and on PostgreSQL
(``DATABASE_URL=postgres://…``): the statement is hand-joined, so both must agree with it.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from covenant.audits import rules, selectors
from covenant.audits.models import Audit, AuditShare, AuditStatus, SchemeVersion, SupplierSharing
from covenant.orgs.models import Organisation
from covenant.registry.models import Facility, SupplyLink
from covenant.risk.interface import HIGH_BAND
from covenant.risk.models import SiteRisk
from tests.conftest import World, actor_of, make_org
from tests.factories import link, make_facility

# Countries and sectors giving every band from low to very high in the shipped reference data.
PLACES = [
    ("NL", "Textiles", []),
    ("DE", "", []),
    ("BD", "Garments", ["Garments"]),
    ("CN", "Electronics", ["Electronics"]),
    ("CI", "Agriculture", ["Cocoa"]),
    ("TM", "Agriculture", ["Cotton"]),
    ("IN", "Textiles", ["Cotton"]),
    ("MM", "Garments", []),
]


def _small_world(world: World, seed: int) -> tuple[rules.Policy, list[Organisation]]:
    """Two suppliers (one sharing everything), a dozen sites, audits of every kind, links of
    two members (one ended), and one site without a stored risk (being computed)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    share_all = make_org(f"Open Supplier {seed}", "supplier", country="BD")
    closed = make_org(f"Closed Supplier {seed}", "supplier", country="CN")
    SupplierSharing.objects.create(supplier=share_all, share_all_members=True)
    versions = list(SchemeVersion.objects.order_by("pk")[:4])
    policy = rules.Policy(
        version_ids=frozenset(v.pk for v in versions[:2]),
        max_age_months=36,
        require_qualified_auditor=True,
        required_pillars=frozenset(),
    )
    members = [world.member_a, world.member_b]
    sites = []
    for i in range(14):
        cc, sector, products = PLACES[i % len(PLACES)]
        site = make_facility(f"Site {seed}-{i}", cc, "Main road", sector=sector, products=products)
        Facility.objects.filter(pk=site.pk).update(owner=share_all if i % 3 == 0 else closed)
        sites.append(Facility.objects.get(pk=site.pk))
    for i, site in enumerate(sites):
        if i % 5 != 4:
            link(world.member_a, site, tier=1)
        if i % 2 == 0:
            link(world.member_b, site, tier=1, end_date=today - timedelta(days=1) if i % 4 == 0 else None)
    link(world.member_a, sites[4], tier=2, end_date=today - timedelta(days=3))  # ended: not counted
    for site in sites:
        for _ in range(rng.randint(0, 4)):
            end = today - timedelta(days=rng.choice([10, 100, 400, 1500]))
            audit = Audit.objects.create(
                facility=site,
                owner_id=site.owner_id,
                audit_firm_name="Test Audits",
                scheme_version=rng.choice(versions),
                start_date=end - timedelta(days=1),
                end_date=end,
                valid_until=end + timedelta(days=rng.choice([30, 1000, 1000])),
                qualified_auditor=rng.random() < 0.8,
                status=AuditStatus.WITHDRAWN if rng.random() < 0.15 else AuditStatus.ACTIVE,
            )
            for member in members:
                if rng.random() < 0.5:
                    AuditShare.objects.create(audit=audit, org=member)
    # A site whose risk is being computed: no stored row (as between a change and its scoring).
    SiteRisk.objects.filter(facility=sites[1]).delete()
    return policy, members


def _reference(org: Organisation, policy: rules.Policy) -> dict[str, int]:
    today = timezone.localdate()
    share_all = set(SupplierSharing.objects.filter(share_all_members=True).values_list("supplier_id", flat=True))
    shared = set(AuditShare.objects.filter(org=org).values_list("audit_id", flat=True))
    site_ids = {s.facility_id for s in SupplyLink.objects.filter(org=org) if s.end_date is None or s.end_date >= today}
    bands = dict(SiteRisk.objects.values_list("facility_id", "band"))
    out = dict.fromkeys(("sites", "covered", "not_recognised", "high_risk", "high_risk_covered", "unscored"), 0)
    for fid in site_ids:
        readable = [
            a
            for a in Audit.objects.filter(facility_id=fid)
            if a.status == AuditStatus.ACTIVE and (a.owner_id in share_all or a.pk in shared)
        ]
        covered = any(
            rules.is_recognised(
                policy,
                version_id=a.scheme_version_id,
                end_date=a.end_date,
                valid_until=a.valid_until,
                qualified_auditor=a.qualified_auditor,
                active=True,
                today=today,
            )
            for a in readable
        )
        high = fid in bands and bands[fid] >= HIGH_BAND
        out["sites"] += 1
        out["covered"] += covered
        out["not_recognised"] += bool(readable) and not covered
        out["high_risk"] += high
        out["high_risk_covered"] += high and covered
        out["unscored"] += fid not in bands
    return out


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_the_statement_counts_what_a_plain_computation_counts(world: World, seed: int) -> None:
    policy, members = _small_world(world, seed)
    seen = dict.fromkeys(("covered", "not_recognised", "never", "high_risk", "high_risk_covered", "unscored"), 0)
    for member, user in zip(members, (world.admin_a, world.admin_b), strict=True):
        got = selectors.coverage(actor_of(user), policy)
        want = _reference(member, policy)
        assert {k: getattr(got, k) for k in want} == want
        assert got.never_audited == want["sites"] - want["covered"] - want["not_recognised"]
        for key in seen:
            seen[key] += want[key] if key != "never" else got.never_audited
    # The world exercises every count, so agreement is not agreement on zeros.
    assert all(seen.values()), seen


def test_an_audit_the_member_may_not_read_changes_nothing(world: World) -> None:
    policy, _members = _small_world(world, 4)
    actor = actor_of(world.admin_a)
    supplier = Organisation.objects.get(name="Closed Supplier 4")
    site = make_facility("Unaudited Mill", "BD", "Savar", sector="Garments")
    Facility.objects.filter(pk=site.pk).update(owner=supplier)
    link(world.member_a, site, tier=1)
    before = selectors.coverage(actor, policy)
    today = timezone.localdate()
    audit = Audit.objects.create(
        facility=site,
        owner=supplier,
        audit_firm_name="Unshared Audits",
        scheme_version_id=min(policy.version_ids),
        start_date=today - timedelta(days=11),
        end_date=today - timedelta(days=10),
        valid_until=today + timedelta(days=300),
        qualified_auditor=True,
    )
    AuditShare.objects.create(audit=audit, org=world.member_b)  # shared, but not with member A
    assert selectors.coverage(actor, policy) == before
    AuditShare.objects.create(audit=audit, org=world.member_a)
    after = selectors.coverage(actor, policy)
    assert (after.covered, after.never_audited) == (before.covered + 1, before.never_audited - 1)


def test_counting_is_one_statement_that_only_reads(world: World) -> None:
    policy, _members = _small_world(world, 5)
    actor = actor_of(world.admin_a)
    with CaptureQueriesContext(connection) as view:
        selectors.member_view(actor)
    with CaptureQueriesContext(connection) as ctx:
        result = selectors.coverage(actor, policy)
    statements = [q["sql"] for q in ctx.captured_queries]
    # One for the suppliers sharing everything, one for the counts, and those that read the few
    # sites the member's own view moves (risk.evidence.member_scores: readable restricted
    # evidence, its overrides); nothing scores or writes.
    assert len(statements) == 2 + len(view.captured_queries), statements
    assert not [s for s in statements if s.lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert result.unscored == 1

"""Guard rails of the pages that summarise a whole chain: read this before tuning one.

The fastest pages (risk overview, audit coverage, supply chain, dashboards, the secretariat's
sector counters) rest on hand-tuned queries and a per-process cache. Two rules hold them:

1. **Queries do not grow with the chain.** Each page and API list is requested for a chain
   of a few sites, then again after more sites (with links, audits, shares, corrective
   actions, event signals, overrides and sites beyond tier 1) were added: the number of
   queries must be the same. A loop that queries per site fails here.
2. **A GET never writes.** Sites are scored when data changes (``risk.receivers``), never
   while a page is read; a page shows "not scored yet" instead. Every GET below runs under
   a check that no INSERT, UPDATE or DELETE is executed, except on the tables in
   ``BOOKKEEPING`` (see there why).

Each page is requested once before it is counted: the first request of a process fills
caches (the profile cache of the risk overview, content types, the session) that later
requests do not pay for, and a change of risk data empties the profile cache again.

Run on SQLite and on PostgreSQL (``DATABASE_URL=postgres://…/<name> pytest --create-db
tests/test_query_counts.py``): the plans differ, the counts must not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from covenant.accounts.models import User
from covenant.accounts.services import create_token
from covenant.audits.models import Audit, AuditShare, CorrectiveAction, Finding, SchemeVersion
from covenant.registry.models import Facility, SupplyEdge
from covenant.risk.models import RiskOverride, SiteRisk, Topic
from tests.conftest import World, actor_of, client_for
from tests.factories import declare_flood, link, make_facility

#: Writes a GET may make, and why:
#: - ``django_session``: signing in and choosing an organisation store the session; a page
#:   that only reads may still save it (Django refreshes a modified session per request).
#: - ``accounts_apitoken``: an API token's ``last_used_at`` is touched at most once a minute.
BOOKKEEPING = frozenset({"django_session", "accounts_apitoken"})

PLACES = [
    ("BD", "BD-G", "Garments", ["Garments"]),  # inside the declared event's area
    ("CN", "", "Electronics", ["Electronics"]),
    ("CI", "", "Agriculture", ["Cocoa"]),
    ("VN", "", "Garments", []),
    ("TR", "", "Textiles", ["Cotton"]),
]


def _grow(world: World, start: int, n: int) -> None:
    """``n`` more sites in member A's chain (and some in member B's), with what every page looks at."""
    today = timezone.localdate()
    version = SchemeVersion.objects.order_by("pk").first()
    wages = Topic.objects.get(code="wages")
    for i in range(start, start + n):
        cc, region, sector, products = PLACES[i % len(PLACES)]
        site = make_facility(f"Chain Site {i}", cc, "Main road", subdivision=region, sector=sector, products=products)
        Facility.objects.filter(pk=site.pk).update(owner=world.supplier)
        link(world.member_a, site, tier=1 + i % 3, products=["canary-a goods"])
        if i % 2:
            link(world.member_b, site, tier=1)
        beyond = make_facility(f"Spinner {i}", cc, "Back road", sector=sector)
        SupplyEdge.objects.create(org=world.member_a, supplier=beyond, buyer=site)
        if i % 2 == 0:
            RiskOverride.objects.create(
                org=world.member_a, facility=site, topic=wages, score=7.5, justification="canary-a visit"
            )
        audit = Audit.objects.create(
            facility=site,
            owner=world.supplier,
            audit_firm_org=world.audit_firm,
            audit_firm_name="Veritas Social Audits",
            scheme_version=version,
            start_date=today - timedelta(days=31),
            end_date=today - timedelta(days=30),
            valid_until=today + timedelta(days=300),
            qualified_auditor=True,
        )
        AuditShare.objects.create(audit=audit, org=world.member_a)
        finding = Finding.objects.create(
            audit=audit, number=1, section="5", grade="major", severity="major", description="Overtime"
        )
        CorrectiveAction.objects.create(finding=finding, audit=audit, due_date=today - timedelta(days=i % 2))


def _api(user: User) -> Client:
    _token, secret = create_token(actor_of(user), name="guard rails", read_only=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def chain(world: World) -> World:
    declare_flood(world.coordinator, "Floods in Sylhet", ["BD-G"], date(2026, 1, 1))
    _grow(world, 0, 3)
    return world


BY_RISK = {"band": "high_plus", "sort": "risk"}


def _pages(w: World) -> list[tuple[str, Callable[[], Any]]]:
    """Every page and API list that summarises a chain, as the person who reads it."""
    member, b, supplier = client_for(w.admin_a), client_for(w.admin_b), client_for(w.supplier_admin)
    firm, cso, secretariat = client_for(w.auditor), client_for(w.cso_admin), client_for(w.coordinator)
    api = _api(w.admin_a)
    return [
        ("risk overview", lambda: member.get(reverse("risk:overview"))),
        ("risk overview, one topic", lambda: member.get(reverse("risk:overview"), {"topic": "forced_labour"})),
        ("risk overview API", lambda: api.get(reverse("api:risk_overview"))),
        ("risk export", lambda: member.get(reverse("risk:export"))),
        ("risk overrides", lambda: member.get(reverse("risk:overrides"))),
        ("risk overrides API", lambda: api.get(reverse("api:list_risk_overrides"))),
        ("audit coverage", lambda: member.get(reverse("audits:coverage"))),
        ("audit coverage, gaps", lambda: member.get(reverse("audits:coverage"), {"state": "gap"})),
        ("audit coverage API", lambda: api.get(reverse("api:get_coverage"))),
        ("supply chain", lambda: member.get(reverse("registry:chain"))),
        ("supply chain API", lambda: api.get(reverse("api:supply_chain"))),
        ("supply chain export", lambda: member.get(reverse("registry:chain_export"), {"format": "csv"})),
        ("corrective actions", lambda: member.get(reverse("audits:caps"))),
        # Issue 14 item 6: the same pages filtered and sorted by the member's bands and a topic.
        ("supply chain by risk", lambda: member.get(reverse("registry:chain"), {**BY_RISK, "topic": "wages"})),
        ("supply chain API by risk", lambda: api.get(reverse("api:supply_chain"), BY_RISK)),
        ("audit coverage by risk", lambda: member.get(reverse("audits:coverage"), {**BY_RISK, "state": "gap"})),
        ("audit coverage export", lambda: member.get(reverse("audits:coverage_export"), BY_RISK)),
        ("audit coverage sites API", lambda: api.get(reverse("api:coverage_sites"), {**BY_RISK, "topic": "wages"})),
        ("corrective actions by risk", lambda: member.get(reverse("audits:caps"), {**BY_RISK, "show": "open"})),
        ("corrective actions export", lambda: member.get(reverse("audits:caps_export"), {"topic": "wages"})),
        ("corrective actions API by risk", lambda: api.get(reverse("api:list_caps"), {**BY_RISK, "topic": "wages"})),
        ("member dashboard", lambda: member.get(reverse("core:dashboard"))),
        ("other member's dashboard", lambda: b.get(reverse("core:dashboard"))),
        ("supplier dashboard", lambda: supplier.get(reverse("core:dashboard"))),
        ("audit firm dashboard", lambda: firm.get(reverse("core:dashboard"))),
        ("civil society dashboard", lambda: cso.get(reverse("core:dashboard"))),
        ("secretariat dashboard", lambda: secretariat.get(reverse("core:dashboard"))),
        ("sector counters", lambda: secretariat.get(reverse("audits:sector"))),
        ("register and disclosure counts", lambda: secretariat.get(reverse("registry:disclosure"))),
    ]


_TABLE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _written_tables(ctx: CaptureQueriesContext) -> set[str]:
    """Tables written by the captured statements (the first word decides: SELECT … FOR UPDATE is a read)."""
    tables = set()
    for query in ctx.captured_queries:
        sql = query["sql"].lstrip()
        if sql.split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE", "TRUNCATE", "COPY", "REPLACE"}:
            match = _TABLE.match(sql)
            tables.add(match.group(1) if match else sql[:60])
    return tables


def _measure(pages: list[tuple[str, Callable[[], Any]]]) -> dict[str, int]:
    counts = {}
    for name, get in pages:
        # Twice: the first request warms the process's caches (see the module's docstring),
        # the second is counted. Neither may write.
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = get()
            assert response.status_code == 200, name
            written = _written_tables(ctx) - BOOKKEEPING
            assert not written, f"GET {name} wrote to {sorted(written)}"
        counts[name] = len(ctx.captured_queries)
    return counts


def test_queries_do_not_grow_with_the_chain_and_gets_never_write(chain: World) -> None:
    pages = _pages(chain)
    small = _measure(pages)
    _grow(chain, 3, 4)
    SiteRisk.objects.filter(facility__name="Chain Site 5").delete()  # one site being computed
    large = _measure(pages)
    grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not grown, f"queries grew with the chain (small, large): {grown}"
    # Not scored on the way: the page said so instead.
    assert not SiteRisk.objects.filter(facility__name="Chain Site 5").exists()


def test_a_site_page_and_its_risk_never_write(chain: World) -> None:
    site = Facility.objects.get(name="Chain Site 0")
    SiteRisk.objects.filter(facility=site).delete()
    scored = Facility.objects.get(name="Chain Site 1").public_id
    member, api = client_for(chain.admin_a), _api(chain.admin_a)
    pages = [
        ("site page", lambda: member.get(reverse("registry:facility", args=[site.public_id]))),
        ("site risk API", lambda: api.get(reverse("api:facility_risk", args=[site.public_id]))),
        ("scored site page", lambda: member.get(reverse("registry:facility", args=[scored]))),
    ]
    _measure(pages)
    assert not SiteRisk.objects.filter(facility=site).exists()

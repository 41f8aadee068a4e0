"""An audit shared with nobody leaves no trace in anything others read.

Its findings are kept as risk signals, but the shared (stored) picture is made of public
evidence only, and a reader has an audit's signals applied to its view of the site only
when it may read the audit. Each path others read is fetched before the audit exists and
after, by each outsider, and must not change at all; the owner, and a member it is later
shared with, do see it.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from covenant.accounts.models import User
from covenant.audits import selectors as audit_selectors
from covenant.audits import services as audit_services
from covenant.audits.models import Audit, SchemeVersion
from covenant.registry.models import Facility
from covenant.risk import selectors as risk_selectors
from covenant.risk.interface import readable_refs, register_reader, risk_bands
from covenant.risk.models import SiteRisk, SiteSignal
from tests.conftest import World, actor_of, client_for, make_org, make_user
from tests.factories import PDF_BYTES, link, make_facility

FINDING = "marker-x union members dismissed after the strike"
SCHEME = "SMETA 7.0"


@pytest.fixture
def site(world: World) -> Facility:
    """A Dutch knitwear site (low risk: freedom of association 2.37, its top topic) owned by its own supplier,
    linked to both members; nobody but its owner has any audit of it yet."""
    owner = make_org("Rotterdam Knitwear", "supplier", country="NL")
    world.extras["owner_admin"] = make_user(owner, "admin", "admin@rotterdam-knitwear.example")
    site = make_facility("Rotterdam Knitwear Plant", "NL", "Waalhaven 1, Rotterdam", sector="Apparel")
    Facility.objects.filter(pk=site.pk).update(owner=owner)
    site.refresh_from_db()
    link(world.member_a, site, tier=1)
    link(world.member_b, site, tier=1)
    return site


def _enter_unshared_audit(world: World, site: Facility) -> Audit:
    today = timezone.localdate()
    return audit_services.create_audit(
        actor_of(world.extras["owner_admin"]),
        audit_services.AuditInput(
            facility=site,
            scheme_version=SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p"),
            start_date=today - timedelta(days=12),
            end_date=today - timedelta(days=10),
            audit_firm=world.audit_firm,
            auditors=[audit_services.AuditorInput("Li Wei", "21701234", "CSCA", True)],
            findings=[
                # Section 2 is freedom of association: +2 (critical) +1 (major) would make it medium.
                audit_services.FindingInput("2", "critical", FINDING, "Works Councils Act"),
                audit_services.FindingInput("2", "major", "marker-x no collective agreement offered"),
            ],
            report_name="report.pdf",
            report_data=PDF_BYTES,
        ),
    )


# Everything a participant reads that could show a site's audit or risk, by name.
PATHS: dict[str, tuple[str, bool]] = {  # name -> (URL name, whether it takes the site's id)
    "register page with the site's risk panel and audit history": ("registry:facility", True),
    "site risk API": ("api:facility_risk", True),
    "register API": ("api:get_facility", True),
    "risk overview": ("risk:overview", False),
    "risk overview, by topic": ("risk:overview?topic=freedom_of_association", False),
    "risk export, CSV": ("risk:export?format=csv", False),
    "risk export, XLSX": ("risk:export?format=xlsx", False),
    "risk overview API": ("api:risk_overview", False),
    "audit coverage page": ("audits:coverage", False),
    "audit coverage page, sites without coverage": ("audits:coverage?state=gap", False),
    "audit coverage API": ("api:get_coverage", False),
    "sector counters": ("audits:sector", False),
    "audits list": ("audits:list", False),
    "corrective actions": ("audits:caps", False),
    "dashboard": ("core:dashboard", False),
}


def _url(path: str, site: Facility) -> str:
    name, takes_site = PATHS[path]
    name, _sep, query = name.partition("?")
    return reverse(name, args=[site.public_id] if takes_site else []) + (f"?{query}" if query else "")


# Per request, not per content: the CSRF token and the CSP nonce.
_VOLATILE = re.compile(r'(csrfmiddlewaretoken" value="|nonce="|csrf-token" content=")[^"]*"')


def _read(client: Client, url: str) -> tuple[int, Any]:
    response = client.get(url)
    body: Any = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    if response.status_code == 200 and "xlsx" in url:
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        return 200, [list(row) for row in sheet.iter_rows(values_only=True)]  # type: ignore[union-attr]
    return response.status_code, _VOLATILE.sub(r"\1", body.decode())


def _outsiders(world: World) -> dict[str, User]:
    return {
        "secretariat": world.coordinator,
        "civil society": world.cso_admin,
        "another audit firm": world.auditor,
        "an unlinked supplier": world.supplier_admin,
        "a linked member it is not shared with (A)": world.admin_a,
        "a linked member it is not shared with (B)": world.admin_b,
    }


@pytest.mark.parametrize("path", list(PATHS))
def test_an_unshared_audit_leaves_no_trace_in_anything_others_read(world: World, site: Facility, path: str) -> None:
    url = _url(path, site)
    readers = {who: client_for(user) for who, user in _outsiders(world).items()}
    before = {who: _read(c, url) for who, c in readers.items()}
    stored_before = SiteRisk.objects.values_list("score", "band", "adjusted").get(facility=site)

    audit = _enter_unshared_audit(world, site)
    assert SiteSignal.objects.filter(source="audit", source_ref=str(audit.pk)).exists()  # kept as evidence

    for who, seen in before.items():
        after = _read(readers[who], url)
        assert after == seen, f"{who} sees a trace of the unshared audit on the {path}"
        assert SCHEME not in str(after[1]) and "marker-x" not in str(after[1]), who
    # The shared picture, the bands everyone counts by and the sector's counters did not move.
    assert SiteRisk.objects.values_list("score", "band", "adjusted").get(facility=site) == stored_before
    assert risk_bands([site.pk]) == {site.pk: "low"}
    assert audit_selectors.sector_counters()["audits_last_year"] == 0


def test_the_owner_and_a_member_it_is_shared_with_see_it_others_still_do_not(world: World, site: Facility) -> None:
    public = client_for(world.cso_admin).get(reverse("api:facility_risk", args=[site.public_id])).json()
    audit = _enter_unshared_audit(world, site)

    def api(user: User) -> dict[str, Any]:
        return client_for(user).get(reverse("api:facility_risk", args=[site.public_id])).json()  # type: ignore[no-any-return]

    def foa(view: dict[str, Any]) -> dict[str, Any]:
        return next(t for t in view["topics"] if t["topic"] == "freedom_of_association")  # type: ignore[no-any-return]

    # The owner's view has the audit's line, and the score and band it moves.
    owner = api(world.extras["owner_admin"])
    assert (public["band"], foa(public)["adjusted"]) == ("low", 2.37)
    assert (owner["band"], foa(owner)["adjusted"], foa(owner)["band"]) == ("medium", 5.37, "medium")
    assert any(SCHEME in line["label"] and "1 critical, 1 major" in line["label"] for line in foa(owner)["explanation"])
    page = client_for(world.extras["owner_admin"]).get(reverse("registry:facility", args=[site.public_id]))
    assert SCHEME in page.content.decode() and "evidence your organisation may read" in page.content.decode()
    # Shared with member B: B sees it too, member A (also linked) still sees the public picture.
    audit_services.grant_access(actor_of(world.extras["owner_admin"]), audit, world.member_b)
    assert api(world.admin_b) == owner
    assert api(world.admin_a) == public
    view = risk_selectors.site_risk(actor_of(world.admin_b), site)
    assert view.restricted and view.band == "medium"
    assert not risk_selectors.site_risk(actor_of(world.admin_a), site).restricted
    # The shared picture is still the public one: the hot paths (overview, coverage) read it.
    assert risk_bands([site.pk]) == {site.pk: "low"}
    # Once in circulation, the sector counts it (the counter above could have moved).
    assert audit_selectors.sector_counters()["audits_last_year"] == 1
    # Withdrawn: its signals go, and nobody's view includes it any more.
    audit_services.withdraw_audit(actor_of(world.extras["owner_admin"]), audit, "entered for the wrong site")
    assert api(world.extras["owner_admin"]) == public


def test_restricted_sources_are_read_through_the_owning_apps_rule(world: World, site: Facility) -> None:
    audit = _enter_unshared_audit(world, site)
    ref = str(audit.pk)
    owner = actor_of(world.extras["owner_admin"])
    assert readable_refs(owner, "audit", [ref, "not-a-uuid"]) == {ref}
    assert readable_refs(actor_of(world.coordinator), "audit", [ref]) == set()
    assert readable_refs(actor_of(world.admin_a), "event", ["7"]) == {"7"}  # public: everyone
    # A restricted source whose app registered no rule is read by nobody, not even its owner.
    assert readable_refs(owner, "self_assessment", ["s-1"]) == set()
    with pytest.raises(ValueError, match="not a restricted"):
        register_reader("event", lambda actor, refs: set(refs))

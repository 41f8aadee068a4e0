"""Audit firms are organisations (with their APSCA status), and can audit any site (issue 13, item 3).

A supplier names the firm of its self-reported audit from the list of audit-firm organisations,
never by typing a name; a suspended firm enters nothing new. A firm may audit a site without a
verified supplier: the audit is held for the site, read by the firm and the member that
commissioned it, and handed to the supplier whose claim is verified later, its shares kept.
A firm's draft is the firm's alone, the site's supplier included.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from covenant.accounts import services as account_services
from covenant.audits import selectors, services
from covenant.audits.models import Audit, AuditShare, AuditStatus, SchemeVersion
from covenant.core.models import AuditEvent
from covenant.orgs import services as org_services
from covenant.orgs.models import ApscaFirmStatus
from covenant.registry import services as registry_services
from covenant.registry.models import Facility
from tests.conftest import World, actor_of, client_for, make_org, make_user
from tests.factories import link, make_facility

TODAY = timezone.localdate()


def _api(user: Any) -> Client:
    _token, secret = account_services.create_token(actor_of(user), name="firms", read_only=False)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _unclaimed(world: World) -> Facility:
    """A register site without a verified supplier, sourced from by both members."""
    site = make_facility("Saigon Stitch Works", "VN", "12 Tan Thuan, District 7")
    link(world.member_a, site, tier=1)
    link(world.member_b, site, tier=1)
    return site


def _owned(world: World) -> Facility:
    site = make_facility("Huaxin Garments Plant 9", "CN", "9 Factory Road, Dongguan")
    Facility.objects.filter(pk=site.pk).update(owner=world.supplier)
    site.refresh_from_db()
    return site


def _payload(site: Facility, **extra: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "facility": site.public_id,
        "scheme": "smeta/7.0-4p",
        "start_date": (TODAY - timedelta(days=6)).isoformat(),
        "end_date": (TODAY - timedelta(days=5)).isoformat(),
        "auditors": [{"name": "Tran Thi Mai", "is_lead": True}],
        "findings": [{"section": "5", "grade": "major", "description": "Overtime premium not paid"}],
    }
    payload.update(extra)
    return payload


def _input(site: Facility, **extra: Any) -> services.AuditInput:
    fields: dict[str, Any] = {
        "facility": site,
        "scheme_version": SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p"),
        "start_date": TODAY - timedelta(days=6),
        "end_date": TODAY - timedelta(days=5),
        "auditors": [services.AuditorInput("Tran Thi Mai", is_lead=True)],
        "findings": [services.FindingInput("5", "major", "Overtime premium not paid")],
    }
    fields.update(extra)
    return services.AuditInput(**fields)


def _held(world: World, **kwargs: Any) -> Audit:
    site = _unclaimed(world)
    return services.create_audit(actor_of(world.auditor), _input(site, commissioned_by=world.member_a), **kwargs)


def _status(world: World, status: str) -> None:
    org_services.set_apsca_status(actor_of(world.coordinator), world.audit_firm, status)
    world.audit_firm.refresh_from_db()


# --- The firm is an organisation, chosen from a list ---------------------------------------


def test_a_supplier_names_the_firm_from_the_list_never_by_typing(world: World) -> None:
    site = _owned(world)
    _status(world, ApscaFirmStatus.FULL)
    api = _api(world.supplier_admin)
    url = reverse("api:create_audit")
    typed = api.post(url, _payload(site, audit_firm_name="Typed Audits Ltd"), content_type="application/json")
    assert typed.status_code == 400 and "Choose the audit firm from the list" in typed.content.decode()
    unknown = api.post(url, _payload(site, audit_firm="typed-audits-ltd"), content_type="application/json")
    assert unknown.status_code == 400 and "typed-audits-ltd" in unknown.content.decode()
    # A member is not an audit firm: its slug is refused like an unknown one.
    member = api.post(url, _payload(site, audit_firm=world.member_a.slug), content_type="application/json")
    assert member.status_code == 400
    assert not Audit.objects.exists()

    ok = api.post(url, _payload(site, audit_firm=world.audit_firm.slug), content_type="application/json")
    assert ok.status_code == 201, ok.content
    body = ok.json()
    assert body["self_reported"] and not body["held"]
    assert body["audit_firm"] == {"slug": world.audit_firm.slug, "name": world.audit_firm.name, "apsca_status": "full"}
    assert body["audit_firm_name"] == world.audit_firm.name
    # The firm the supplier named did not enter the audit: it does not read it.
    assert _api(world.auditor).get(reverse("api:get_audit", args=[body["id"]])).status_code == 404


def test_the_entry_form_offers_firms_to_suppliers_and_members_to_firms(world: World) -> None:
    _status(world, ApscaFirmStatus.PROVISIONAL)
    page = client_for(world.supplier_admin).get(reverse("audits:create")).content.decode()
    assert 'name="audit_firm"' in page and 'name="audit_firm_name"' not in page
    assert "Veritas Social Audits (APSCA: Provisional member)" in page
    assert 'name="commissioned_by"' not in page
    firm_page = client_for(world.auditor).get(reverse("audits:create")).content.decode()
    assert 'name="commissioned_by"' in firm_page and world.member_b.name in firm_page
    assert 'name="audit_firm"' not in firm_page


def test_a_suspended_firm_enters_and_submits_nothing_new(world: World) -> None:
    site = _owned(world)
    firm = actor_of(world.auditor)
    draft = services.create_audit(firm, _input(site), submit=False)
    _status(world, ApscaFirmStatus.SUSPENDED)
    firm = actor_of(world.auditor)
    with pytest.raises(PermissionDenied, match="suspended"):
        services.create_audit(firm, _input(site))
    with pytest.raises(PermissionDenied, match="suspended"):
        services.submit_audit(firm, draft)
    response = _api(world.auditor).post(reverse("api:create_audit"), _payload(site), content_type="application/json")
    assert response.status_code == 403 and "suspended" in response.content.decode()
    # Nor may a supplier name it for its own audit.
    with pytest.raises(ValidationError, match="suspended by APSCA"):
        services.create_audit(actor_of(world.supplier_admin), _input(site, audit_firm=world.audit_firm))
    assert Audit.objects.count() == 1


def test_a_provisional_firm_enters_audits_flagged(world: World) -> None:
    site = _owned(world)
    _status(world, ApscaFirmStatus.PROVISIONAL)
    response = _api(world.auditor).post(reverse("api:create_audit"), _payload(site), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["audit_firm"]["apsca_status"] == "provisional"
    audit = Audit.objects.get()
    page = client_for(world.auditor).get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert "APSCA: Provisional member" in page
    listing = client_for(world.supplier_admin).get(reverse("audits:list")).content.decode()
    assert "APSCA: Provisional member" in listing


def test_the_secretariat_records_a_firms_apsca_status(world: World) -> None:
    url = reverse("orgs:set_apsca_status", args=[world.audit_firm.slug])
    page = client_for(world.coordinator).get(reverse("orgs:organisation_detail", args=[world.audit_firm.slug]))
    assert 'name="apsca_status"' in page.content.decode()
    assert client_for(world.coordinator).post(url, {"apsca_status": "suspended"}).status_code == 302
    world.audit_firm.refresh_from_db()
    assert world.audit_firm.apsca_status == ApscaFirmStatus.SUSPENDED
    event = AuditEvent.objects.filter(action="orgs.organisation.apsca_status").get()
    assert event.org_id == world.audit_firm.pk and event.summary == {"from": "", "to": "suspended"}
    # Nobody else sets it, the firm itself included; and only audit firms have one.
    for user in (world.auditor, world.admin_a, world.supplier_admin):
        assert client_for(user).post(url, {"apsca_status": "full"}).status_code == 404
    world.audit_firm.refresh_from_db()
    assert world.audit_firm.apsca_status == ApscaFirmStatus.SUSPENDED
    with pytest.raises(ValidationError):
        org_services.set_apsca_status(actor_of(world.coordinator), world.member_a, "full")
    with pytest.raises(PermissionDenied):
        org_services.set_apsca_status(actor_of(world.auditor), world.audit_firm, "full")
    other = client_for(world.admin_a).get(reverse("orgs:organisation_detail", args=[world.audit_firm.slug]))
    assert 'name="apsca_status"' not in other.content.decode() and "APSCA: Suspended" in other.content.decode()


# --- Audits held for a site without a supplier ---------------------------------------------


def test_a_firm_enters_an_audit_of_an_unclaimed_site_through_the_api(world: World) -> None:
    site = _unclaimed(world)
    api = _api(world.auditor)
    url = reverse("api:create_audit")
    unnamed = api.post(url, _payload(site), content_type="application/json")
    assert unnamed.status_code == 400 and "name the member that commissioned" in unnamed.content.decode()
    unknown = api.post(url, _payload(site, commissioned_by="nobody-we-know"), content_type="application/json")
    assert unknown.status_code == 400 and "nobody-we-know" in unknown.content.decode()
    assert not Audit.objects.exists()

    response = api.post(url, _payload(site, commissioned_by=world.member_a.slug), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["held"] and body["locked"] and not body["self_reported"]
    audit = Audit.objects.get(pk=body["id"])
    assert audit.owner_id is None and audit.commissioned_by == world.member_a
    assert list(AuditShare.objects.filter(audit=audit).values_list("org_id", flat=True)) == [world.member_a.pk]
    # The commissioning member reads it, in the API and on its page.
    member = _api(world.admin_a)
    assert member.get(reverse("api:get_audit", args=[audit.pk])).status_code == 200
    assert [a["id"] for a in member.get(reverse("api:list_audits")).json()["items"]] == [str(audit.pk)]
    page = client_for(world.admin_a).get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert "held for the site" in page and world.audit_firm.name in page
    # Its read is on the firm's trail while the audit has no supplier.
    assert AuditEvent.objects.filter(action="audits.audit.viewed", org_id=world.audit_firm.pk).exists()


def test_a_firm_enters_an_audit_of_an_unclaimed_site_through_the_browser(world: World) -> None:
    site = _unclaimed(world)
    firm = client_for(world.auditor)
    data = {
        "facility": site.public_id,
        "scheme_version": SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p").pk,
        "audit_type": "initial",
        "announcement": "announced",
        "start_date": (TODAY - timedelta(days=6)).isoformat(),
        "end_date": (TODAY - timedelta(days=5)).isoformat(),
        "auditors": "Tran Thi Mai | 21701234 | CSCA",
        "findings-TOTAL_FORMS": "0",
        "findings-INITIAL_FORMS": "0",
        "findings-MIN_NUM_FORMS": "0",
        "findings-MAX_NUM_FORMS": "1000",
    }
    refused = firm.post(reverse("audits:create"), data)
    assert refused.status_code == 200 and "name the member that commissioned" in refused.content.decode()
    assert not Audit.objects.exists()
    response = firm.post(reverse("audits:create"), {**data, "commissioned_by": world.member_a.pk})
    audit = Audit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("audits:detail", args=[audit.pk])
    assert audit.owner_id is None and audit.audit_firm_org == world.audit_firm
    assert client_for(world.admin_a).get(response["Location"]).status_code == 200
    assert client_for(world.admin_b).get(response["Location"]).status_code == 404


def test_nobody_but_the_firm_and_the_commissioning_member_reads_a_held_audit(world: World) -> None:
    audit = _held(world)
    other_firm = make_org("Elsewhere Audits", "audit_firm")
    other_supplier = make_org("Saigon Stitch Works", "supplier", country="VN")
    outsiders = [
        world.admin_b,  # a member linked to the site, that did not commission the audit
        world.supplier_admin,
        make_user(other_supplier, "admin", "admin@saigonstitch.example"),  # the site's supplier, not verified yet
        make_user(other_firm, "admin", "lead@elsewhere.example"),
        world.coordinator,
        world.cso_admin,
    ]
    for user in outsiders:
        with pytest.raises(Http404):
            selectors.get_audit(actor_of(user), audit.pk)
        assert _api(user).get(reverse("api:get_audit", args=[audit.pk])).status_code in {403, 404}
        assert client_for(user).get(reverse("audits:detail", args=[audit.pk])).status_code in {403, 404}
        assert client_for(user).get(reverse("audits:report", args=[audit.pk])).status_code in {403, 404}
    assert selectors.get_audit(actor_of(world.auditor), audit.pk) == audit
    # Nobody shares a held audit further: not the commissioning member, not the firm.
    for user in (world.admin_a, world.auditor):
        with pytest.raises(PermissionDenied):
            services.grant_access(actor_of(user), audit, world.member_b)
    assert AuditShare.objects.filter(audit=audit).count() == 1


def test_the_commissioning_member_reads_a_held_audit_only_once_submitted(world: World) -> None:
    audit = _held(world, submit=False)
    assert audit.status == AuditStatus.DRAFT
    with pytest.raises(Http404):
        selectors.get_audit(actor_of(world.admin_a), audit.pk)
    services.submit_audit(actor_of(world.auditor), audit)
    assert selectors.get_audit(actor_of(world.admin_a), audit.pk) == audit


def test_parties_are_checked(world: World) -> None:
    site = _unclaimed(world)
    firm = actor_of(world.auditor)
    with pytest.raises(ValidationError, match="must be a member company"):
        services.create_audit(firm, _input(site, commissioned_by=world.supplier))
    other_firm = make_org("Elsewhere Audits", "audit_firm")
    with pytest.raises(ValidationError, match="enters its own audits"):
        services.create_audit(firm, _input(site, commissioned_by=world.member_a, audit_firm=other_firm))
    owned = _owned(world)
    with pytest.raises(ValidationError, match="Only audit firms name a commissioning member"):
        services.create_audit(
            actor_of(world.supplier_admin), _input(owned, audit_firm=world.audit_firm, commissioned_by=world.member_a)
        )
    # A supplier enters audits of its own sites only, claimed ones.
    with pytest.raises(PermissionDenied):
        services.create_audit(actor_of(world.supplier_admin), _input(site, audit_firm=world.audit_firm))
    response = _api(world.supplier_admin).post(
        reverse("api:create_audit"),
        _payload(owned, audit_firm=world.audit_firm.slug, commissioned_by=world.member_a.slug),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Audit.objects.exists()


def test_a_verified_claim_hands_the_held_audits_to_the_supplier_with_their_shares(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    audit = _held(world)
    site = audit.facility
    draft = services.create_audit(actor_of(world.auditor), _input(site, commissioned_by=world.member_a), submit=False)
    claim = registry_services.claim_facility(actor_of(world.supplier_admin), site, "Business licence 0312")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.decide_claim(actor_of(world.coordinator), claim, verified=True)
    audit.refresh_from_db()
    draft.refresh_from_db()
    assert audit.owner == world.supplier and draft.owner == world.supplier
    assert list(AuditShare.objects.filter(audit=audit).values_list("org_id", flat=True)) == [world.member_a.pk]
    events = AuditEvent.objects.filter(action="audits.audit.handed_over")
    assert events.count() == 2 and set(events.values_list("org_id", flat=True)) == {world.supplier.pk}
    assert [m.to for m in mail.outbox if "now yours" in m.subject] == [[world.supplier_admin.email]]
    # The supplier reads it and decides from now on; the member keeps reading it.
    supplier = actor_of(world.supplier_admin)
    assert selectors.get_audit(supplier, audit.pk) == audit
    assert selectors.get_audit(actor_of(world.admin_a), audit.pk) == audit
    services.grant_access(supplier, audit, world.member_b)
    assert selectors.get_audit(actor_of(world.admin_b), audit.pk) == audit
    # The firm's draft stays the firm's alone, the new owner included.
    with pytest.raises(Http404):
        selectors.get_audit(supplier, draft.pk)


def test_a_rejected_claim_hands_nothing_over(world: World) -> None:
    audit = _held(world)
    claim = registry_services.claim_facility(actor_of(world.supplier_admin), audit.facility, "We think so")
    registry_services.decide_claim(actor_of(world.coordinator), claim, verified=False)
    audit.refresh_from_db()
    assert audit.owner_id is None
    with pytest.raises(Http404):
        selectors.get_audit(actor_of(world.supplier_admin), audit.pk)


# --- A firm's draft is the firm's alone -----------------------------------------------------


def test_the_supplier_does_not_see_a_firms_draft_of_its_site(world: World) -> None:
    site = _owned(world)
    draft = services.create_audit(actor_of(world.auditor), _input(site), submit=False)
    supplier = actor_of(world.supplier_admin)
    with pytest.raises(Http404):
        selectors.get_audit(supplier, draft.pk)
    assert not selectors.audit_list(supplier).exists()
    assert not selectors.visible_actions(supplier).exists()
    assert client_for(world.supplier_admin).get(reverse("audits:detail", args=[draft.pk])).status_code == 404
    api = _api(world.supplier_admin)
    assert api.get(reverse("api:get_audit", args=[draft.pk])).status_code == 404
    assert api.get(reverse("api:list_audits")).json()["count"] == 0
    action = draft.actions.get()
    assert client_for(world.supplier_admin).get(reverse("audits:action", args=[action.pk])).status_code == 404
    # The firm sees it; once submitted, so does the supplier.
    assert selectors.get_audit(actor_of(world.auditor), draft.pk) == draft
    services.submit_audit(actor_of(world.auditor), draft)
    assert selectors.get_audit(supplier, draft.pk) == draft
    # The supplier's own self-reported audits stay its own to read.
    own = services.create_audit(supplier, _input(site, audit_firm=world.audit_firm), submit=False)
    assert own.status == AuditStatus.ACTIVE and selectors.get_audit(supplier, own.pk) == own


def test_held_audits_of_a_merged_record_go_to_the_survivors_supplier(world: World) -> None:
    audit = _held(world)
    survivor = make_facility("Saigon Stitch Works Co.", "VN", "12 Tan Thuan Road, District 7")
    Facility.objects.filter(pk=survivor.pk).update(owner=world.supplier)
    survivor.refresh_from_db()
    registry_services.merge_facilities(actor_of(world.coordinator), loser=audit.facility, survivor=survivor)
    audit.refresh_from_db()
    assert audit.facility_id == survivor.pk and audit.owner == world.supplier
    assert AuditShare.objects.filter(audit=audit, org=world.member_a).exists()

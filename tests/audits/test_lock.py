"""Issue 13: a firm's audit is locked once submitted, deadlines move only by approved extension
requests, self-reported audits are marked and not recognised by default, and zero-tolerance
findings reach the linked members that may read the audit, and nobody else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from covenant.accounts import services as account_services
from covenant.audits import selectors, services
from covenant.audits.models import (
    Audit,
    AuditRevision,
    AuditStatus,
    DeadlineExtension,
    ExtensionStatus,
    Finding,
    SchemeVersion,
    ZeroToleranceAlert,
)
from covenant.core.errors import Conflict
from covenant.core.models import AuditEvent
from covenant.registry.models import Facility
from tests.conftest import World, actor_of, client_for, make_org, make_user
from tests.factories import PDF_BYTES, audit_firm, link, make_facility

TODAY = timezone.localdate()


def _site(world: World) -> Facility:
    site = make_facility("Huaxin Garments Plant 1", "CN", "1 Factory Road, Dongguan")
    Facility.objects.filter(pk=site.pk).update(owner=world.supplier)
    site.refresh_from_db()
    return site


def _input(site: Facility, findings: list[services.FindingInput] | None = None) -> services.AuditInput:
    return services.AuditInput(
        facility=site,
        scheme_version=SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p"),
        start_date=TODAY - timedelta(days=12),
        end_date=TODAY - timedelta(days=10),
        audit_firm=audit_firm(),
        auditors=[services.AuditorInput("Li Wei", "21701234", "CSCA", True)],
        findings=findings
        if findings is not None
        else [services.FindingInput("5", "major", "Overtime premium not paid")],
        report_name="report.pdf",
        report_data=PDF_BYTES,
    )


def _api(user: Any) -> Client:
    _t, secret = account_services.create_token(actor_of(user), name="t", read_only=False)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _firm_audit(world: World, **kwargs: Any) -> Audit:
    """The firm's submitted audit of the supplier's site, shared with member A (linked to the site)."""
    site = _site(world)
    link(world.member_a, site)
    audit = services.create_audit(actor_of(world.auditor), _input(site, **kwargs))
    services.grant_access(actor_of(world.supplier_admin), audit, world.member_a)
    return audit


def _csv() -> SimpleUploadedFile:
    return SimpleUploadedFile("f.csv", b"section,grade,description\n5,minor,added by the supplier\n")


# --- 1. Locked when submitted -----------------------------------------------------------------


def test_the_supplier_cannot_change_a_firms_audit_in_the_browser(world: World) -> None:
    audit = _firm_audit(world)
    action = audit.actions.get()
    due = action.due_date
    assert audit.is_locked and not audit.self_reported
    client = client_for(world.supplier_admin)
    page = client.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert "locked" in page and reverse("audits:import_findings", args=[audit.pk]) not in page
    attempts = [
        (reverse("audits:import_findings", args=[audit.pk]), {"file": _csv(), "reason": "x"}),
        (
            reverse("audits:attach_report", args=[audit.pk]),
            {"file": SimpleUploadedFile("r.pdf", PDF_BYTES), "reason": "x"},
        ),
        (reverse("audits:add_finding", args=[audit.pk]), {"section": "5", "grade": "minor", "description": "x"}),
        (
            reverse("audits:edit_finding", args=[audit.pk, 1]),
            {"section": "5", "grade": "minor", "description": "softened", "reason": "x"},
        ),
        (
            reverse("audits:action", args=[action.pk]),
            {"action": "plan", "responsible": "HR", "due_date": (due + timedelta(days=400)).isoformat()},
        ),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("audits:revise", args=[audit.pk])).status_code == 403
    audit.refresh_from_db()
    action.refresh_from_db()
    assert audit.version == 1 and action.due_date == due
    assert list(audit.findings.values_list("grade", "description")) == [("major", "Overtime premium not paid")]
    # What the supplier may do: propose the plan and add evidence.
    response = client.post(reverse("audits:action", args=[action.pk]), {"action": "Pay arrears", "responsible": "HR"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.action == "Pay arrears" and action.due_date == due


def test_the_supplier_cannot_change_a_firms_audit_through_the_api(world: World) -> None:
    audit = _firm_audit(world)
    action = audit.actions.get()
    api = _api(world.supplier_admin)
    assert api.post(reverse("api:import_findings", args=[audit.pk]), {"file": _csv()}).status_code == 403
    report = SimpleUploadedFile("r.pdf", PDF_BYTES)
    assert api.post(reverse("api:upload_report", args=[audit.pk]), {"file": report, "reason": "x"}).status_code == 403
    edit = {"reason": "x", "findings": [{"number": 1, "grade": "minor"}]}
    revise = api.post(reverse("api:revise_audit", args=[audit.pk]), edit, content_type="application/json")
    assert revise.status_code == 403
    later = (action.due_date + timedelta(days=90)).isoformat()
    patch = api.patch(reverse("api:update_cap", args=[action.pk]), {"due_date": later}, content_type="application/json")
    assert patch.status_code == 403
    body = api.get(reverse("api:get_audit", args=[audit.pk])).json()
    assert body["locked"] and not body["self_reported"] and body["version"] == 1
    assert body["findings"][0]["grade"] == "major" and body["findings"][0]["action"]["due_date"] == str(action.due_date)
    assert not AuditRevision.objects.exists()


def test_the_firms_revision_keeps_the_version_before(world: World) -> None:
    audit = _firm_audit(world)
    api = _api(world.auditor)
    url = reverse("api:revise_audit", args=[audit.pk])
    change = {"findings": [{"number": 1, "grade": "minor"}], "workers_female": 40}
    # Locked: without a reason the firm's own change is refused as a conflict (409), not made.
    assert api.post(url, {**change, "reason": " "}, content_type="application/json").status_code == 409
    assert api.post(reverse("api:import_findings", args=[audit.pk]), {"file": _csv()}).status_code == 409
    response = api.post(
        url, {**change, "reason": "Regraded after the closing meeting"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 2 and body["findings"][0]["grade"] == "minor"
    (revision,) = AuditRevision.objects.filter(audit=audit)
    assert revision.number == 1 and revision.reason == "Regraded after the closing meeting"
    assert revision.snapshot["findings"][0]["grade"] == "major" and revision.snapshot["workers_female"] is None
    assert set(revision.changed) == {"findings", "workers_female"} and revision.created_by_org == world.audit_firm
    event = AuditEvent.objects.filter(action="audits.audit.revised").get()
    assert event.org_id == world.supplier.pk and event.summary["version"] == 2
    # An import with a reason is a third version; every earlier one stays readable, to its readers.
    imported = api.post(reverse("api:import_findings", args=[audit.pk]), {"file": _csv(), "reason": "Missed row"})
    assert imported.status_code == 201
    listed = _api(world.admin_a).get(reverse("api:list_audit_revisions", args=[audit.pk])).json()
    assert [r["version"] for r in listed["items"]] == [2, 1]
    assert listed["items"][1]["snapshot"]["findings"][0]["grade"] == "major"
    old = client_for(world.admin_a).get(reverse("audits:version", args=[audit.pk, 1]))
    assert old.status_code == 200 and "Regraded after the closing meeting" in old.content.decode()
    assert client_for(world.admin_b).get(reverse("audits:version", args=[audit.pk, 1])).status_code == 404


def test_a_draft_is_the_firms_until_submitted(world: World) -> None:
    site = _site(world)
    link(world.member_a, site)
    firm = actor_of(world.auditor)
    draft = services.create_audit(firm, _input(site), submit=False)
    services.grant_access(actor_of(world.supplier_admin), draft, world.member_a)
    assert draft.status == AuditStatus.DRAFT and not draft.is_locked
    assert not selectors.visible_audits(actor_of(world.admin_a)).filter(pk=draft.pk).exists()
    services.add_finding(firm, draft, services.FindingInput("6", "minor", "Rest day missed"))  # no reason needed
    assert not AuditRevision.objects.exists()
    with pytest.raises(PermissionDenied):
        services.submit_audit(actor_of(world.supplier_admin), draft)
    services.submit_audit(firm, draft)
    assert draft.is_locked and selectors.visible_audits(actor_of(world.admin_a)).filter(pk=draft.pk).exists()
    with pytest.raises(Conflict):
        services.submit_audit(firm, draft)
    with pytest.raises(Conflict):
        services.add_finding(firm, draft, services.FindingInput("6", "minor", "Another"))


# --- Self-reported audits ---------------------------------------------------------------------


def test_self_reported_audits_are_marked_and_not_recognised_unless_the_policy_says_so(world: World) -> None:
    from covenant.audits.models import ApscaAuditor

    ApscaAuditor.objects.create(number="21701234", name="Li Wei", level="CSCA", status="active")
    site = _site(world)
    link(world.member_a, site)
    supplier = actor_of(world.supplier_admin)
    own = services.create_audit(supplier, _input(site))
    services.grant_access(supplier, own, world.member_a)
    assert own.self_reported and not own.is_locked
    body = _api(world.admin_a).get(reverse("api:get_audit", args=[own.pk])).json()
    assert body["self_reported"] is True and body["locked"] is False
    member = client_for(world.admin_a)
    assert "self-reported" in member.get(reverse("audits:list")).content.decode()
    assert "self-reported" in member.get(reverse("audits:detail", args=[own.pk])).content.decode()
    assert "self-reported" in member.get(reverse("registry:facility", args=[site.public_id])).content.decode()
    # Default: excluded, by the sector and by a member without a policy of its own.
    assert not selectors.is_recognised_for(own, world.member_a)
    assert selectors.coverage(actor_of(world.admin_a)).covered == 0
    # A member whose policy accepts self-reported audits counts it; another member still does not.
    services.set_policy(
        actor_of(world.admin_a),
        version_ids=[],
        max_age_months=36,
        require_qualified_auditor=True,
        required_pillars=[],
        accept_self_reported=True,
    )
    assert selectors.is_recognised_for(own, world.member_a)
    assert selectors.coverage(actor_of(world.admin_a)).covered == 1
    assert not selectors.is_recognised_for(own, world.member_b)
    # The supplier keeps changing its own audit, without versions.
    services.add_finding(supplier, own, services.FindingInput("6", "minor", "Rest day missed"))
    own.refresh_from_db()
    assert own.version == 1


# --- 2. Deadlines that cannot drift ---------------------------------------------------------------


def test_an_extension_request_is_approved_or_refused_with_its_history(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    audit = _firm_audit(world)
    action = audit.actions.get()
    first_due = action.due_date
    supplier = client_for(world.supplier_admin)
    later = first_due + timedelta(days=60)
    url = reverse("audits:request_extension", args=[action.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert supplier.post(url, {"due_date": later.isoformat(), "reason": "New machines in May"}).status_code == 302
    extension = DeadlineExtension.objects.get()
    action.refresh_from_db()
    assert action.due_date == first_due and extension.status == ExtensionStatus.PENDING  # not moved yet
    assert any("lead@veritas.example" in m.to for m in mail.outbox)  # the firm is asked
    # One request at a time; the supplier cannot decide its own; a member it is not shared with cannot see it.
    with pytest.raises(Conflict):
        services.request_extension(actor_of(world.supplier_admin), action, to_date=later, reason="again")
    decide = reverse("audits:decide_extension", args=[extension.pk])
    assert supplier.post(decide, {"decision": "approve"}).status_code == 403
    assert client_for(world.admin_b).post(decide, {"decision": "approve"}).status_code == 404
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(world.auditor).post(decide, {"decision": "approve", "note": "ok"}).status_code == 302
    action.refresh_from_db()
    extension.refresh_from_db()
    assert action.due_date == later and extension.status == ExtensionStatus.APPROVED
    assert extension.decided_by_org == world.audit_firm and extension.from_date == first_due
    assert [m.to for m in mail.outbox] == [[world.supplier_admin.email]]
    # Members see the change flagged, with who approved it.
    flag = f"extended from {first_due:%Y-%m-%d} to {later:%Y-%m-%d}, approved by {world.audit_firm.name}"
    member = client_for(world.admin_a)
    assert flag in member.get(reverse("audits:caps") + "?show=open").content.decode()
    assert flag in member.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert flag in member.get(reverse("audits:action", args=[action.pk])).content.decode()
    cap = _api(world.admin_a).get(reverse("api:list_caps") + "?show=open").json()["items"][0]
    assert cap["extended_from"] == str(first_due) and cap["extended_by"] == world.audit_firm.name
    # A second request, refused by the verifying member (A reads the audit): the deadline stays.
    api = _api(world.supplier_admin)
    asked = api.post(
        reverse("api:request_cap_extension", args=[action.pk]),
        {"due_date": (later + timedelta(days=30)).isoformat(), "reason": "Holidays"},
        content_type="application/json",
    )
    assert asked.status_code == 201
    refused = _api(world.admin_a).post(
        reverse("api:decide_cap_extension", args=[asked.json()["id"]]),
        {"approve": False, "note": "Not a reason"},
        content_type="application/json",
    )
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    action.refresh_from_db()
    assert action.due_date == later
    again = _api(world.auditor).post(
        reverse("api:decide_cap_extension", args=[asked.json()["id"]]),
        {"approve": True},
        content_type="application/json",
    )
    assert again.status_code == 409
    history = api.get(reverse("api:list_cap_extensions", args=[action.pk])).json()["items"]
    assert [(h["status"], h["from_date"], h["decided_by"]) for h in history] == [
        ("refused", str(later), world.member_a.name),
        ("approved", str(first_due), world.audit_firm.name),
    ]
    events = list(AuditEvent.objects.filter(action__startswith="audits.cap.extension").values_list("action", flat=True))
    assert events.count("audits.cap.extension_requested") == 2 and events.count("audits.cap.extension_decided") == 2


def test_bad_extension_requests_are_refused(world: World) -> None:
    audit = _firm_audit(world)
    action = audit.actions.get()
    supplier = actor_of(world.supplier_admin)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.request_extension(supplier, action, to_date=action.due_date, reason="earlier is not an extension")
    with pytest.raises(ValidationError):
        services.request_extension(supplier, action, to_date=action.due_date + timedelta(days=5), reason=" ")
    with pytest.raises(PermissionDenied):  # the firm decides, it does not ask
        services.request_extension(
            actor_of(world.auditor), action, to_date=action.due_date + timedelta(days=5), reason="x"
        )
    assert not DeadlineExtension.objects.exists()


# --- 5. Zero tolerance escalates ----------------------------------------------------------------


def test_a_zero_tolerance_finding_reaches_the_linked_members_that_may_read_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    site = _site(world)
    outsider = make_org("Derde Markt", "member", size="sme")
    make_user(outsider, "admin", "buyer@derdemarkt.example")
    link(world.member_a, site)
    link(world.member_b, site)  # linked, but the audit is not shared with B (yet)
    supplier = actor_of(world.supplier_admin)
    critical = [services.FindingInput("5", "critical", "Passports of 3 migrant workers retained")]
    with django_capture_on_commit_callbacks(execute=True):
        audit = services.create_audit(actor_of(world.auditor), _input(site, findings=critical))
        services.grant_access(supplier, audit, world.member_a)
        services.grant_access(supplier, audit, outsider)  # may read it, but does not source from the site
    assert list(ZeroToleranceAlert.objects.values_list("org_id", flat=True)) == [world.member_a.pk]
    recipients = {address for m in mail.outbox for address in m.to}
    assert world.admin_a.email in recipients
    assert world.admin_b.email not in recipients and "buyer@derdemarkt.example" not in recipients
    (zt_mail,) = [m for m in mail.outbox if world.admin_a.email in m.to]
    assert "Zero-tolerance" in zt_mail.subject and "Passports" not in zt_mail.body  # where and how many only
    # In the app: member A's audits page and the API; member B sees nothing of it.
    assert (
        "Passports of 3 migrant workers retained"
        in client_for(world.admin_a).get(reverse("audits:list")).content.decode()
    )
    assert _api(world.admin_a).get(reverse("api:list_audit_alerts")).json()["count"] == 1
    assert "Passports" not in client_for(world.admin_b).get(reverse("audits:list")).content.decode()
    assert _api(world.admin_b).get(reverse("api:list_audit_alerts")).json()["count"] == 0
    # Once shared with B, B is told too, and A is not told twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.grant_access(supplier, audit, world.member_b)
    assert sorted(ZeroToleranceAlert.objects.values_list("org_id", flat=True)) == sorted(
        [world.member_a.pk, world.member_b.pk]
    )
    assert {a for m in mail.outbox for a in m.to} == {world.admin_b.email}
    # The secretariat's counters count it, and show nothing of it.
    counters = selectors.sector_counters()
    assert counters["zero_tolerance"] == 1 and counters["zero_tolerance_open"] == 1
    page = client_for(world.coordinator).get(reverse("audits:sector")).content.decode()
    assert "Zero-tolerance" in page and "Passports" not in page and site.name not in page


def test_a_regraded_finding_alerts_and_a_draft_does_not(world: World, django_capture_on_commit_callbacks: Any) -> None:
    site = _site(world)
    link(world.member_a, site)
    firm = actor_of(world.auditor)
    critical = [services.FindingInput("5", "critical", "Passports retained")]
    draft = services.create_audit(firm, _input(site, findings=critical), submit=False)
    services.grant_access(actor_of(world.supplier_admin), draft, world.member_a)
    assert not ZeroToleranceAlert.objects.exists()  # nobody else reads a draft
    services.submit_audit(firm, draft)
    assert ZeroToleranceAlert.objects.filter(org=world.member_a).count() == 1
    audit = _firm_audit(world)  # a major finding only
    assert not ZeroToleranceAlert.objects.filter(audit=audit).exists()
    change = services.AuditChange(findings=[services.FindingChange(number=1, grade="critical")])
    services.revise_audit(firm, audit, change, reason="Workers confirmed the passports are held")
    finding = Finding.objects.get(audit=audit)
    assert finding.severity == "critical"
    assert ZeroToleranceAlert.objects.filter(finding=finding, org=world.member_a).exists()

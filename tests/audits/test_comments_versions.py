"""Issue 13, item 1 (what was left): the supplier and the audit's readers comment on findings
without changing them, a firm's revision can remove a finding, and an earlier version's report
is downloadable."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from covenant.accounts import services as account_services
from covenant.audits import selectors, services
from covenant.audits.models import (
    Audit,
    AuditRead,
    AuditRevision,
    CapEvidence,
    CorrectiveAction,
    Finding,
    FindingComment,
    SchemeVersion,
)
from covenant.core.models import AuditEvent
from covenant.registry.models import Facility
from covenant.risk.models import SiteSignal
from tests.conftest import World, actor_of, client_for, make_org, make_user
from tests.factories import PDF_BYTES, link, make_facility

TODAY = timezone.localdate()
OTHER_PDF = PDF_BYTES + b"\n% the corrected report\n"


def _firm_audit(world: World) -> Audit:
    """The firm's submitted audit (two findings) of the supplier's site, shared with member A."""
    site = make_facility("Huaxin Garments Plant 1", "CN", "1 Factory Road, Dongguan")
    Facility.objects.filter(pk=site.pk).update(owner=world.supplier)
    site.refresh_from_db()
    link(world.member_a, site)
    audit = services.create_audit(
        actor_of(world.auditor),
        services.AuditInput(
            facility=site,
            scheme_version=SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p"),
            start_date=TODAY - timedelta(days=12),
            end_date=TODAY - timedelta(days=10),
            auditors=[services.AuditorInput("Li Wei", "21701234", "CSCA", True)],
            findings=[
                services.FindingInput("5", "major", "Overtime premium not paid"),
                services.FindingInput("6", "minor", "Hours records incomplete"),
            ],
            report_name="first-report.pdf",
            report_data=PDF_BYTES,
        ),
    )
    services.grant_access(actor_of(world.supplier_admin), audit, world.member_a)
    return audit


def _second_member(world: World, audit: Audit) -> Any:
    """Another member the audit is shared with: it must not read member A's comments."""
    member_c = make_org("Oostzee Wonen", "member", size="sme")
    admin_c = make_user(member_c, "admin", "admin@oostzee.example", full_name="Olga Oostzee")
    services.grant_access(actor_of(world.supplier_admin), audit, member_c)
    return admin_c


def _api(user: Any) -> Client:
    _t, secret = account_services.create_token(actor_of(user), name="t", read_only=False)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


# --- Comments --------------------------------------------------------------------------------------


def test_the_supplier_the_firm_and_readers_comment_without_changing_the_finding(world: World) -> None:
    audit = _firm_audit(world)
    finding = audit.findings.get(number=1)
    services.comment_on_finding(actor_of(world.supplier_admin), finding, "Arrears paid in March, see evidence.")
    services.comment_on_finding(actor_of(world.auditor), finding, "We will check at the follow-up.")
    services.comment_on_finding(actor_of(world.admin_a), finding, "Noordhaven asks for payslips.")
    admin_c = _second_member(world, audit)
    services.comment_on_finding(actor_of(admin_c), finding, "Oostzee private remark.")
    audit.refresh_from_db()
    finding.refresh_from_db()
    assert audit.version == 1 and audit.is_locked and not AuditRevision.objects.filter(audit=audit).exists()
    assert finding.description == "Overtime premium not paid" and finding.grade == "major"
    event = AuditEvent.objects.filter(action="audits.finding.commented").last()
    assert event is not None and event.org_id == world.supplier.pk and "payslips" not in str(event.summary)

    def texts(user: Any) -> set[str]:
        return {c.text for c in selectors.finding_comments(actor_of(user), audit)}

    everything = {
        "Arrears paid in March, see evidence.",
        "We will check at the follow-up.",
        "Noordhaven asks for payslips.",
        "Oostzee private remark.",
    }
    assert texts(world.supplier_admin) == everything
    assert texts(world.auditor) == everything
    # Members do not see each other's comments, only their own and the site's side's.
    assert texts(world.admin_a) == everything - {"Oostzee private remark."}
    assert texts(admin_c) == everything - {"Noordhaven asks for payslips."}
    assert texts(world.admin_b) == set()


def test_comments_on_the_page_name_the_writer_only_to_its_organisation_and_the_supplier(world: World) -> None:
    audit = _firm_audit(world)
    url = reverse("audits:comment", args=[audit.pk, 1])
    response = client_for(world.admin_a).post(url, {"text": "Please share the payslips."})
    assert response.status_code == 302 and response["Location"].endswith("#finding-1")
    detail = reverse("audits:detail", args=[audit.pk])
    name = world.admin_a.full_name
    supplier_page = client_for(world.supplier_admin).get(detail).content.decode()
    assert "Please share the payslips." in supplier_page and name in supplier_page.split("Comments on finding 1")[1]
    firm_page = client_for(world.auditor).get(detail).content.decode()
    assert "Please share the payslips." in firm_page
    assert name not in firm_page.split("Comments on finding 1")[1].split("</details>")[0]
    admin_c = _second_member(world, audit)
    assert "Please share the payslips." not in client_for(admin_c).get(detail).content.decode()


def test_who_may_not_comment(world: World) -> None:
    audit = _firm_audit(world)
    url = reverse("audits:comment", args=[audit.pk, 1])
    assert client_for(world.admin_b).post(url, {"text": "x"}).status_code == 404  # not shared with
    assert client_for(world.viewer_a).post(url, {"text": "x"}).status_code == 403  # reads, does not write
    assert (
        client_for(world.supplier_admin).post(reverse("audits:comment", args=[audit.pk, 99]), {"text": "x"}).status_code
        == 404
    )
    with pytest.raises(ValidationError):
        services.comment_on_finding(actor_of(world.admin_a), audit.findings.get(number=1), "   ")
    assert not FindingComment.objects.exists()


def test_comments_through_the_api(world: World) -> None:
    audit = _firm_audit(world)
    url = reverse("api:comment_on_finding", args=[audit.pk, 2])
    created = _api(world.supplier_admin).post(
        url, {"text": "Records are now kept daily."}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["finding"] == 2 and body["organisation"] == world.supplier.name
    assert body["author"] == world.supplier_admin.full_name
    member = _api(world.admin_a).get(reverse("api:list_finding_comments", args=[audit.pk, 2])).json()
    assert [c["text"] for c in member["items"]] == ["Records are now kept daily."]
    assert member["items"][0]["author"] == ""  # people of an organisation are its own
    assert _api(world.admin_b).get(reverse("api:list_finding_comments", args=[audit.pk, 2])).status_code == 404
    assert _api(world.admin_b).post(url, {"text": "x"}, content_type="application/json").status_code == 404
    assert _api(world.admin_a).post(url, {"text": ""}, content_type="application/json").status_code == 422
    assert FindingComment.objects.count() == 1


# --- A revision removes a finding ----------------------------------------------------------------


def test_the_firm_removes_a_finding_in_a_new_version_and_the_one_before_keeps_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    audit = _firm_audit(world)
    finding = audit.findings.get(number=1)
    action = finding.action
    services.update_action(
        actor_of(world.supplier_admin), action, action_text="Pay arrears", responsible="HR", due_date=None
    )
    evidence = services.add_evidence(actor_of(world.supplier_admin), action, filename="payslips.pdf", data=PDF_BYTES)
    services.comment_on_finding(actor_of(world.admin_a), finding, "Noted.")
    assert SiteSignal.objects.filter(source_ref=str(audit.pk), topic__code="wages").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.revise_audit(
            actor_of(world.auditor),
            audit,
            services.AuditChange(remove_findings=[1]),
            reason="Premium was paid: the auditor misread the payroll",
        )
    audit.refresh_from_db()
    assert audit.version == 2
    assert list(audit.findings.values_list("number", flat=True)) == [2]
    assert not CorrectiveAction.objects.filter(pk=action.pk).exists()
    assert not CapEvidence.objects.filter(pk=evidence.pk).exists() and not default_storage.exists(evidence.file.name)
    assert not FindingComment.objects.exists()
    # The version before keeps the finding, with its action as it stood.
    revision = AuditRevision.objects.get(audit=audit, number=1)
    assert revision.changed == ["findings"] and "misread" in revision.reason
    kept = revision.snapshot["findings"][0]
    assert kept["number"] == 1 and kept["description"] == "Overtime premium not paid"
    assert kept["action"]["action"] == "Pay arrears" and kept["action"]["evidence"] == ["payslips.pdf"]
    event = AuditEvent.objects.filter(action="audits.audit.changed").last()
    assert event is not None and event.summary["removed_findings"] == [1]
    # Risk follows the new version: the wages finding no longer moves the site's risk.
    assert not SiteSignal.objects.filter(source_ref=str(audit.pk), topic__code="wages").exists()
    page = client_for(world.admin_a).get(reverse("audits:version", args=[audit.pk, 1])).content.decode()
    assert "Overtime premium not paid" in page and "Pay arrears" in page


def test_removing_a_finding_is_the_firms_alone_and_checked(world: World) -> None:
    audit = _firm_audit(world)
    with pytest.raises(PermissionDenied):
        services.revise_audit(
            actor_of(world.supplier_admin), audit, services.AuditChange(remove_findings=[1]), reason="not ours"
        )
    api = _api(world.supplier_admin)
    body = {"reason": "x", "remove_findings": [1]}
    assert (
        api.post(reverse("api:revise_audit", args=[audit.pk]), body, content_type="application/json").status_code == 403
    )
    firm = actor_of(world.auditor)
    with pytest.raises(ValidationError, match="no such finding"):
        services.revise_audit(firm, audit, services.AuditChange(remove_findings=[7]), reason="x")
    both = services.AuditChange(findings=[services.FindingChange(number=1, grade="minor")], remove_findings=[1])
    with pytest.raises(ValidationError, match="changed and removed"):
        services.revise_audit(firm, audit, both, reason="x")
    audit.refresh_from_db()
    assert audit.version == 1 and audit.findings.count() == 2


def test_the_firm_removes_a_finding_through_the_api_and_the_page(world: World) -> None:
    audit = _firm_audit(world)
    api = _api(world.auditor)
    response = api.post(
        reverse("api:revise_audit", args=[audit.pk]),
        {"reason": "Duplicate of finding 1", "remove_findings": [2]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert [f["number"] for f in response.json()["findings"]] == [1]
    form = client_for(world.auditor).get(reverse("audits:revise", args=[audit.pk])).content.decode()
    assert 'name="remove_findings"' in form and "Overtime premium not paid" in form
    data = {
        "audit_type": audit.audit_type,
        "announcement": audit.announcement,
        "start_date": audit.start_date.isoformat(),
        "end_date": audit.end_date.isoformat(),
        "auditors": "Li Wei | 21701234 | CSCA",
        "remove_findings": ["1"],
        "reason": "Withdrawn after the closing meeting",
    }
    assert client_for(world.auditor).post(reverse("audits:revise", args=[audit.pk]), data).status_code == 302
    audit.refresh_from_db()
    assert audit.version == 3 and not audit.findings.exists()
    assert not Finding.objects.filter(audit=audit).exists()


# --- An earlier version's report ---------------------------------------------------------------------


def test_an_earlier_versions_report_is_downloadable_by_the_audits_readers(world: World) -> None:
    audit = _firm_audit(world)
    first_file = audit.report.name
    services.attach_report(
        actor_of(world.auditor), audit, filename="corrected.pdf", data=OTHER_PDF, reason="Typo in the summary"
    )
    audit.refresh_from_db()
    assert audit.report.name != first_file and default_storage.exists(first_file)
    page = client_for(world.admin_a).get(reverse("audits:version", args=[audit.pk, 1])).content.decode()
    url = reverse("audits:version_report", args=[audit.pk, 1])
    assert url in page and "first-report.pdf" in page
    response = client_for(world.admin_a).get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert "first-report.pdf" in response["Content-Disposition"]
    assert AuditRead.objects.get(audit=audit, user=world.admin_a).reads == 2  # the page and the download
    api = _api(world.admin_a).get(reverse("api:download_version_report", args=[audit.pk, 1]))
    assert api.status_code == 200 and b"".join(api.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    # Outsiders: nothing, not even that the version exists.
    assert client_for(world.admin_b).get(url).status_code == 404
    assert _api(world.admin_b).get(reverse("api:download_version_report", args=[audit.pk, 1])).status_code == 404
    assert client_for(world.admin_a).get(reverse("audits:version_report", args=[audit.pk, 9])).status_code == 404


def test_a_version_without_a_report_has_no_download(world: World) -> None:
    audit = _firm_audit(world)
    Audit.objects.filter(pk=audit.pk).update(report="", report_name="")
    audit.refresh_from_db()
    services.revise_audit(actor_of(world.auditor), audit, services.AuditChange(workers_female=40), reason="head count")
    url = reverse("audits:version_report", args=[audit.pk, 1])
    assert client_for(world.admin_a).get(url).status_code == 404
    assert url not in client_for(world.admin_a).get(reverse("audits:version", args=[audit.pk, 1])).content.decode()

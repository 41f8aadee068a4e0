"""Issue 13, item 6: who read an audit (the supplier's "read by" list), the sharing form that
offers the members the supplier knows for the site and searches the rest, stopping a share only
after a confirmation, and the verifiers told when evidence is added."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models.query import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from covenant.accounts import services as account_services
from covenant.audits import selectors, services
from covenant.audits.models import Audit, AuditRead, AuditShare, SchemeVersion
from covenant.core.models import AuditEvent
from covenant.registry.models import Facility
from tests.conftest import World, actor_of, client_for, make_org, make_user
from tests.factories import PDF_BYTES, link, make_facility

TODAY = timezone.localdate()


def _site(world: World) -> Facility:
    site = make_facility("Huaxin Garments Plant 1", "CN", "1 Factory Road, Dongguan")
    Facility.objects.filter(pk=site.pk).update(owner=world.supplier)
    site.refresh_from_db()
    return site


def _firm_audit(world: World) -> Audit:
    """The firm's submitted audit of the supplier's site, shared with member A (linked to the site)."""
    site = _site(world)
    link(world.member_a, site)
    audit = services.create_audit(
        actor_of(world.auditor),
        services.AuditInput(
            facility=site,
            scheme_version=SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p"),
            start_date=TODAY - timedelta(days=12),
            end_date=TODAY - timedelta(days=10),
            auditors=[services.AuditorInput("Li Wei", "21701234", "CSCA", True)],
            findings=[services.FindingInput("5", "major", "Overtime premium not paid")],
            report_name="report.pdf",
            report_data=PDF_BYTES,
        ),
    )
    services.grant_access(actor_of(world.supplier_admin), audit, world.member_a)
    return audit


def _api(user: Any) -> Client:
    _t, secret = account_services.create_token(actor_of(user), name="t", read_only=False)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


# --- Read by -------------------------------------------------------------------------------------


def test_reads_are_counted_per_person_and_organisation_but_not_the_owners(world: World) -> None:
    audit = _firm_audit(world)
    reader = actor_of(world.admin_a)
    services.record_read(reader, audit, "viewed")
    services.record_read(reader, audit, "downloaded")
    services.record_read(actor_of(world.editor_a), audit, "viewed")
    services.record_read(actor_of(world.supplier_admin), audit, "viewed")  # the owner: not a reader
    rows = {(r.org_id, r.user_id): r for r in AuditRead.objects.filter(audit=audit)}
    assert set(rows) == {(world.member_a.pk, world.admin_a.pk), (world.member_a.pk, world.editor_a.pk)}
    first = rows[(world.member_a.pk, world.admin_a.pk)]
    assert first.reads == 2 and first.last_read_at >= first.first_read_at


def test_a_first_read_that_loses_the_race_counts_on_the_row_the_other_created(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two first reads at once: both find no row to count on; the second insert is refused by the
    unique constraint and must count on the winner's row instead of failing the request."""
    audit = _firm_audit(world)
    reader = actor_of(world.admin_a)
    AuditRead.objects.create(audit=audit, org=world.member_a, user=world.admin_a)  # the other request's row
    real_update = QuerySet.update
    missed: list[bool] = []

    def update_once_missing(self: QuerySet[Any], **kwargs: Any) -> int:
        if self.model is AuditRead and not missed:
            missed.append(True)
            return 0  # as if the other request had not committed its row yet
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_once_missing)
    services.record_read(reader, audit, "viewed")
    assert missed
    (row,) = AuditRead.objects.filter(audit=audit)
    assert row.reads == 2


def test_the_supplier_sees_who_read_the_firm_organisations_only_and_members_nothing(world: World) -> None:
    audit = _firm_audit(world)
    client_for(world.admin_a).get(reverse("audits:detail", args=[audit.pk]))
    client_for(world.admin_a).get(reverse("audits:report", args=[audit.pk]))
    owner_page = client_for(world.supplier_admin).get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert (
        "<h2>Read by</h2>" in owner_page and world.admin_a.full_name in owner_page and "Noordhaven Foods" in owner_page
    )
    (row,) = AuditRead.objects.filter(audit=audit)
    assert row.reads == 2
    firm_page = client_for(world.auditor).get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert "<h2>Read by</h2>" in firm_page and "Noordhaven Foods" in firm_page
    assert world.admin_a.full_name not in firm_page  # organisations only, no persons
    # A member does not learn who else reads the audit (not even that the firm did).
    member_page = client_for(world.editor_a).get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert "<h2>Read by</h2>" not in member_page and world.admin_a.full_name not in member_page


def test_the_reads_api_is_the_suppliers(world: World) -> None:
    audit = _firm_audit(world)
    services.record_read(actor_of(world.admin_a), audit, "viewed")
    url = reverse("api:list_audit_reads", args=[audit.pk])
    body = _api(world.supplier_admin).get(url).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["member"] == world.member_a.slug and item["reads"] == 1 and item["person"] == world.admin_a.full_name
    assert _api(world.admin_a).get(url).status_code == 403  # reads the audit, not its readers
    assert _api(world.auditor).get(url).status_code == 403
    assert _api(world.admin_b).get(url).status_code == 404  # not shared with: not even that it exists


# --- The sharing form ----------------------------------------------------------------------------


def test_the_sharing_form_offers_members_that_came_forward_not_those_linked_to_the_site(world: World) -> None:
    audit = _firm_audit(world)
    site = audit.facility
    # Member B asked the supplier for the site's audits; member C sources from the site silently.
    services.request_access(actor_of(world.admin_b), site, "please")
    member_c = make_org("Oostzee Wonen", "member", size="sme")
    make_user(member_c, "admin", "admin@oostzee.example")
    link(member_c, site)
    page = client_for(world.supplier_admin).get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert "Members that asked you for this site" in page
    assert "Zuidkust Retail" in page and "Oostzee Wonen" not in page  # a member's links are its own
    assert "<select" not in page.split("Who sees this audit")[1]  # no whole alphabetical list
    assert list(selectors.share_candidates(actor_of(world.supplier_admin), audit)) == [world.member_b]
    # The rest is searched (GET q, no script): member C is found by name, as is any member.
    share_url = reverse("audits:share", args=[audit.pk])
    found = client_for(world.supplier_admin).get(share_url, {"q": "oost"}).content.decode()
    assert "Oostzee Wonen" in found and "Zuidkust Retail" in found  # B still offered first
    assert "No other member" in client_for(world.supplier_admin).get(share_url, {"q": "zzz"}).content.decode()
    # Only the supplier sees the form: its readers get 403, others 404.
    assert client_for(world.admin_a).get(share_url).status_code == 403
    assert client_for(world.admin_b).get(share_url).status_code == 404
    assert client_for(world.supplier_admin).post(share_url, {"member": member_c.pk}).status_code == 302
    assert AuditShare.objects.filter(audit=audit, org=member_c).exists()


def test_another_audit_of_the_site_makes_its_reader_a_candidate(world: World) -> None:
    first = _firm_audit(world)
    second = services.create_audit(
        actor_of(world.supplier_admin),
        services.AuditInput(
            facility=first.facility,
            scheme_version=first.scheme_version,
            start_date=TODAY - timedelta(days=40),
            end_date=TODAY - timedelta(days=39),
            audit_firm=world.audit_firm,
            auditors=[services.AuditorInput("Zhang Min")],
        ),
    )
    assert list(selectors.share_candidates(actor_of(world.supplier_admin), second)) == [world.member_a]
    assert list(selectors.share_candidates(actor_of(world.admin_a), second)) == []


# --- Stopping a share asks first --------------------------------------------------------------------


def test_stopping_a_share_asks_first_and_says_what_ends(world: World) -> None:
    audit = _firm_audit(world)
    supplier = client_for(world.supplier_admin)
    url = reverse("audits:stop_sharing", args=[audit.pk, world.member_a.pk])
    # The old one-click button only leads to the question now.
    old = supplier.post(reverse("audits:share", args=[audit.pk]), {"member": world.member_a.pk, "revoke": "1"})
    assert old.status_code == 302 and old["Location"] == url
    page = supplier.get(url).content.decode()
    assert "Noordhaven Foods" in page and "will no longer read this audit" in page and "corrective action" in page
    assert "1 open action" in page
    assert AuditShare.objects.filter(audit=audit, org=world.member_a).exists()
    unconfirmed = supplier.post(url, {})
    assert unconfirmed.status_code == 200
    assert AuditShare.objects.filter(audit=audit, org=world.member_a).exists()
    before = AuditEvent.objects.filter(action="audits.share.revoked").count()
    assert supplier.post(url, {"confirm": "on"}).status_code == 302
    assert not AuditShare.objects.filter(audit=audit, org=world.member_a).exists()
    assert AuditEvent.objects.filter(action="audits.share.revoked").count() == before + 1
    assert client_for(world.admin_a).get(reverse("audits:detail", args=[audit.pk])).status_code == 404


def test_only_the_supplier_stops_a_share(world: World) -> None:
    audit = _firm_audit(world)
    url = reverse("audits:stop_sharing", args=[audit.pk, world.member_a.pk])
    assert client_for(world.admin_a).get(url).status_code == 404
    assert client_for(world.admin_a).post(url, {"confirm": "on"}).status_code == 404
    assert client_for(world.admin_b).post(url, {"confirm": "on"}).status_code == 404
    assert client_for(world.auditor).post(url, {"confirm": "on"}).status_code == 404
    # A member it is not shared with has no share to stop.
    other = reverse("audits:stop_sharing", args=[audit.pk, world.member_b.pk])
    assert client_for(world.supplier_admin).get(other).status_code == 404
    assert AuditShare.objects.filter(audit=audit, org=world.member_a).exists()


def test_the_page_says_when_share_all_keeps_the_member_reading(world: World) -> None:
    audit = _firm_audit(world)
    services.set_share_all(actor_of(world.supplier_admin), True)
    page = client_for(world.supplier_admin).get(reverse("audits:stop_sharing", args=[audit.pk, world.member_a.pk]))
    assert "keeps reading this audit through that choice" in page.content.decode()


# --- Evidence reaches the verifiers ------------------------------------------------------------


def test_evidence_tells_the_firm_and_the_linked_readers_not_the_uploader(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    audit = _firm_audit(world)
    # Member B may read the audit but does not source from the site: it is not asked to verify.
    services.grant_access(actor_of(world.supplier_admin), audit, world.member_b)
    action = audit.actions.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_evidence(actor_of(world.supplier_admin), action, filename="payslips.pdf", data=PDF_BYTES)
    recipients = {address for m in mail.outbox for address in m.to}
    assert {world.auditor.email, world.admin_a.email, world.editor_a.email} <= recipients
    assert world.viewer_a.email not in recipients  # viewers do not verify
    assert world.supplier_admin.email not in recipients and world.admin_b.email not in recipients
    body = mail.outbox[0].body
    assert f"/audits/actions/{action.pk}/" in body and "payslips" not in body
    # The firm adds evidence itself: the members are told, the firm is not.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_evidence(actor_of(world.auditor), action, filename="photos.pdf", data=PDF_BYTES)
    recipients = {address for m in mail.outbox for address in m.to}
    assert world.admin_a.email in recipients and world.auditor.email not in recipients


def test_no_evidence_mail_when_the_upload_fails(world: World, django_capture_on_commit_callbacks: Any) -> None:
    audit = _firm_audit(world)
    action = audit.actions.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.add_evidence(actor_of(world.supplier_admin), action, filename="x.exe", data=b"MZ")
    assert mail.outbox == []


def test_evidence_reaches_each_verifier_in_their_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    audit = _firm_audit(world)
    action = audit.actions.get()
    world.admin_a.language = "nl"
    world.admin_a.save(update_fields=["language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_evidence(actor_of(world.supplier_admin), action, filename="payslips.pdf", data=PDF_BYTES)
    dutch = [m for m in mail.outbox if world.admin_a.email in m.to]
    english = [m for m in mail.outbox if world.auditor.email in m.to]
    assert len(dutch) == 1 and world.auditor.email not in dutch[0].to
    assert dutch[0].subject != english[0].subject  # one message per language, each in its own
    assert english[0].subject.startswith("Evidence added")


def test_a_pdf_given_as_evidence_is_opened_like_a_report(world: World) -> None:
    from django.core.exceptions import ValidationError

    from tests.factories import make_pdf

    action = _firm_audit(world).actions.get()
    with pytest.raises(ValidationError, match="JavaScript"):
        services.add_evidence(
            actor_of(world.supplier_admin), action, filename="payslips.pdf", data=make_pdf(javascript=True)
        )
    assert not action.evidence.exists()

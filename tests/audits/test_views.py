"""The audit pages and API as suppliers, audit firms, members and the secretariat use them."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from covenant.accounts import services as account_services
from covenant.audits import services
from covenant.audits.models import Audit, AuditShare, CapStatus, SchemeVersion
from covenant.core.models import AuditEvent
from covenant.registry.models import Facility
from tests.conftest import World, actor_of, client_for
from tests.factories import PDF_BYTES, audit_firm, audits_world, link, make_facility

TODAY = timezone.localdate()


def _owned_site(world: World) -> Facility:
    site = make_facility("Huaxin Garments Plant 2", "CN", "2 Factory Road, Dongguan")
    Facility.objects.filter(pk=site.pk).update(owner=world.supplier)
    site.refresh_from_db()
    return site


def _form(site: Facility, **extra: object) -> dict[str, object]:
    version = SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p")
    data: dict[str, object] = {
        "facility": site.public_id,
        "scheme_version": version.pk,
        "audit_type": "initial",
        "announcement": "semi_announced",
        "start_date": (TODAY - timedelta(days=3)).isoformat(),
        "end_date": (TODAY - timedelta(days=2)).isoformat(),
        "audit_firm": audit_firm().pk,
        "workers_female": "300",
        "workers_male": "120",
        "auditors": "Li Wei | 21701234 | CSCA\nChen Jing | 21705678 | ASCA",
        # One finding row (the entry form's formset of findings).
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        "findings-0-section": "5",
        "findings-0-grade": "major",
        "findings-0-description": "Overtime premium not paid",
        "findings-0-legal_reference": "Labour Law art. 44",
        "report": SimpleUploadedFile("smeta.pdf", PDF_BYTES, content_type="application/pdf"),
    }
    data.update(extra)
    return data


def test_a_supplier_enters_shares_and_a_member_reads_an_audit(world: World) -> None:
    site = _owned_site(world)
    link(world.member_a, site)
    supplier = client_for(world.supplier_admin)
    response = supplier.post(reverse("audits:create"), _form(site))
    audit = Audit.objects.get()
    assert response["Location"] == reverse("audits:detail", args=[audit.pk])
    page = supplier.get(response["Location"]).content.decode()
    assert "Overtime premium not paid" in page and "Not on the APSCA register" in page
    assert supplier.post(reverse("audits:share", args=[audit.pk]), {"member": world.member_a.pk}).status_code == 302
    assert AuditShare.objects.filter(audit=audit, org=world.member_a).exists()

    member = client_for(world.admin_a)
    html = member.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert "Overtime premium not paid" in html
    download = member.get(reverse("audits:report", args=[audit.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]
    actions = set(AuditEvent.objects.filter(org_id=world.supplier.pk).values_list("action", flat=True))
    assert {"audits.audit.viewed", "audits.audit.downloaded", "audits.share.granted"} <= actions
    # The site page shows the audit in the member's timeline.
    assert "SMETA 7.0 4-pillar" in member.get(reverse("registry:facility", args=[site.public_id])).content.decode()


def test_bad_input_in_the_browser_says_why_and_stores_nothing(world: World) -> None:
    site = _owned_site(world)
    client = client_for(world.supplier_admin)
    not_pdf = SimpleUploadedFile("report.pdf", b"GIF89a fake", content_type="application/pdf")
    response = client.post(reverse("audits:create"), _form(site, report=not_pdf), follow=True)
    assert "is not a PDF file" in response.content.decode()
    future = (TODAY + timedelta(days=5)).isoformat()
    response = client.post(reverse("audits:create"), _form(site, end_date=future), follow=True)
    assert "dated in the future" in response.content.decode()
    response = client.post(reverse("audits:create"), _form(site, auditors="Li Wei | 12AB"), follow=True)
    assert "is not an APSCA number" in response.content.decode()
    assert not Audit.objects.exists()


def test_a_member_without_consent_reaches_nothing(world: World) -> None:
    audits_world(world)
    audit, action, evidence = world.extras["audit"], world.extras["action"], world.extras["evidence"]
    link(world.member_b, world.extras["audit_site"])  # even a member linked to the site needs consent
    b = client_for(world.admin_b)
    for url in (
        reverse("audits:detail", args=[audit.pk]),
        reverse("audits:report", args=[audit.pk]),
        reverse("audits:action", args=[action.pk]),
        reverse("audits:evidence", args=[evidence.pk]),
        reverse("api:get_audit", args=[audit.pk]),
        reverse("api:download_report", args=[audit.pk]),
    ):
        response = b.get(url)
        assert response.status_code == 404, url
    private = ("canary-a overtime", "canary-a Social Compliance", "canary-a-report", "canary-a Auditor")
    for url in (reverse("audits:list"), reverse("audits:caps") + "?show=open", reverse("api:list_audits")):
        body = b.get(url).content.decode()
        assert not any(p in body for p in private), url
    # The one declared exception: a finding that needs collaborative action is shown (alone)
    # to every member linked to the site, as a candidate for joint action.
    assert "canary-a no worker committee" in b.get(reverse("audits:caps")).content.decode()
    site_page = b.get(reverse("registry:facility", args=[world.extras["audit_site"].public_id])).content.decode()
    assert "canary-a" not in site_page and "not shared with you" not in site_page
    # Linked to a site with a verified owner, it may ask for the site's audits, without learning whether any exist.
    assert "Ask the supplier for its audits of this site" in site_page
    # Member A, whom the supplier chose, gets in; the owning supplier too.
    a = client_for(world.admin_a)
    assert "canary-a" in a.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert a.get(reverse("audits:evidence", args=[evidence.pk])).status_code == 200
    owner = client_for(world.extras["audit_supplier_admin"])
    assert "canary-a" in owner.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    # Another supplier does not.
    assert client_for(world.supplier_admin).get(reverse("audits:detail", args=[audit.pk])).status_code == 404


def test_the_cap_flow_in_the_browser(world: World) -> None:
    audits_world(world)
    action = world.extras["action"]
    owner = client_for(world.extras["audit_supplier_admin"])
    response = owner.post(
        reverse("audits:action", args=[action.pk]),
        {"action": "Pay the premium", "responsible": "HR", "progress": "on"},
    )
    assert response.status_code == 302
    member = client_for(world.admin_a)
    page = member.get(reverse("audits:action", args=[action.pk])).content.decode()
    assert "Verify and close" in page
    member.post(reverse("audits:verify", args=[action.pk]), {"method": "follow_up_audit", "note": "seen"})
    action.refresh_from_db()
    assert action.status == CapStatus.CLOSED


def test_findings_import_in_the_browser_reports_rows(world: World) -> None:
    audits_world(world)
    audit = world.extras["audit"]
    owner = client_for(world.extras["audit_supplier_admin"])
    bad = SimpleUploadedFile("f.csv", b"section,grade,description\n5,major,ok\n77,major,bad\n")
    html = owner.post(reverse("audits:import_findings", args=[audit.pk]), {"file": bad}, follow=True)
    text = html.content.decode()
    assert "Row 3" in text and "Nothing from this file was saved" in text
    assert audit.findings.count() == 2


def test_member_pages(world: World) -> None:
    audits_world(world)
    client = client_for(world.admin_a)
    coverage = client.get(reverse("audits:coverage")).content.decode()
    assert "Audit coverage" in coverage and "Lanka Knits Katunayake" in coverage
    assert client.get(reverse("audits:caps")).status_code == 200
    assert world.extras["shared"].name in client.get(reverse("audits:requests")).content.decode()
    response = client.post(
        reverse("audits:recognition"), {"max_age_months": "24", "require_qualified_auditor": "on"}, follow=True
    )
    assert response.status_code == 200
    assert world.member_a.recognition_policy.max_age_months == 24


def test_secretariat_pages(world: World) -> None:
    audits_world(world)
    client = client_for(world.coordinator)
    sector = client.get(reverse("audits:sector")).content.decode()
    assert "Audits avoided" in sector and "canary-a" not in sector
    upload = SimpleUploadedFile("apsca.csv", b"number,name,level,status\n21701234,Li Wei,CSCA,active\n")
    assert client.post(reverse("audits:apsca"), {"file": upload}).status_code == 302
    assert "Li Wei" in client.get(reverse("audits:apsca")).content.decode()
    assert "SA8000" in client.get(reverse("audits:schemes")).content.decode()
    assert client.get(reverse("audits:coverage")).status_code == 403


def test_an_audit_firm_pushes_an_audit_through_the_api(world: World) -> None:
    site = _owned_site(world)
    _token, secret = account_services.create_token(actor_of(world.auditor), name="reports", read_only=False)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    payload = {
        "facility": site.public_id,
        "scheme": "amfori-bsci/2023",
        "start_date": (TODAY - timedelta(days=4)).isoformat(),
        "end_date": (TODAY - timedelta(days=3)).isoformat(),
        "rating": "C",
        "auditors": [{"name": "Li Wei", "apsca_number": "21701234", "is_lead": True}],
        "findings": [{"section": "PA6", "grade": "finding", "description": "Overtime above 60 hours"}],
    }
    response = api.post(reverse("api:create_audit"), payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["follow_up_due"] is not None and body["findings"][0]["action"]["status"] == "open"
    audit_id = body["id"]
    assert body["locked"] and not body["self_reported"] and body["version"] == 1
    # Submitted, so locked: the firm's own change needs a reason and makes a new version.
    unexplained = api.post(
        reverse("api:upload_report", args=[audit_id]), {"file": SimpleUploadedFile("r.pdf", PDF_BYTES)}
    )
    assert unexplained.status_code == 409
    bad = api.post(
        reverse("api:upload_report", args=[audit_id]),
        {"file": SimpleUploadedFile("r.pdf", b"<html>"), "reason": "Report signed off"},
    )
    assert bad.status_code == 400 and "not a PDF" in bad.json()["detail"]
    good = api.post(
        reverse("api:upload_report", args=[audit_id]),
        {"file": SimpleUploadedFile("r.pdf", PDF_BYTES), "reason": "Report signed off"},
    )
    assert good.status_code == 200 and good.json()["has_report"] and good.json()["version"] == 2
    unknown = api.post(reverse("api:create_audit"), {**payload, "scheme": "nope/1"}, content_type="application/json")
    assert unknown.status_code == 400 and "not a scheme we know" in unknown.json()["detail"]
    # Member B has no consent: the audit is not there for it.
    _t, other = account_services.create_token(actor_of(world.admin_b), name="erp")
    assert (
        Client().get(reverse("api:get_audit", args=[audit_id]), HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    )
    services.set_share_all(actor_of(world.supplier_admin), True)
    listed = Client().get(reverse("api:list_audits"), HTTP_AUTHORIZATION=f"Bearer {other}").json()
    assert listed["count"] == 1


def test_caps_and_sharing_through_the_api(world: World) -> None:
    audits_world(world)
    audit, action = world.extras["audit"], world.extras["action"]
    _t, owner_secret = account_services.create_token(
        actor_of(world.extras["audit_supplier_admin"]), name="erp", read_only=False
    )
    owner = Client(HTTP_AUTHORIZATION=f"Bearer {owner_secret}")
    shared = owner.post(
        reverse("api:share_audit", args=[audit.pk]), {"member": world.member_b.slug}, content_type="application/json"
    )
    assert shared.status_code == 201
    _t, b_secret = account_services.create_token(actor_of(world.admin_b), name="erp", read_only=False)
    b = Client(HTTP_AUTHORIZATION=f"Bearer {b_secret}")
    # A member follows up the actions at sites in its own chain.
    assert b.get(reverse("api:list_caps") + "?show=open").json()["count"] == 0
    link(world.member_b, world.extras["audit_site"])
    caps = b.get(reverse("api:list_caps") + "?show=open").json()
    assert {c["id"] for c in caps["items"]} >= {action.pk}
    verified = b.post(
        reverse("api:verify_cap", args=[action.pk]), {"method": "desk_review"}, content_type="application/json"
    )
    assert verified.status_code == 200 and verified.json()["status"] == "closed"
    assert owner.delete(reverse("api:unshare_audit", args=[audit.pk, world.member_b.slug])).status_code == 204
    assert b.get(reverse("api:get_audit", args=[audit.pk])).status_code == 404


def test_an_oversized_report_in_the_browser_is_refused(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AUDIT_REPORT_MAX_BYTES = 1000
    site = _owned_site(world)
    big = SimpleUploadedFile("smeta.pdf", PDF_BYTES + b"0" * 5000, content_type="application/pdf")
    response = client_for(world.supplier_admin).post(reverse("audits:create"), _form(site, report=big), follow=True)
    assert "is larger than 1000" in response.content.decode()
    assert not Audit.objects.exists()


def test_supplier_answers_requests_and_shares_all_in_the_browser(world: World) -> None:
    audits_world(world)
    owner = client_for(world.extras["audit_supplier_admin"])
    request = world.extras["access_request"]
    page = owner.get(reverse("audits:list")).content.decode()
    assert "Requests for access" in page and world.member_a.name in page
    owner.post(reverse("audits:decide_request", args=[request.pk]), {"decision": "grant"})
    request.refresh_from_db()
    assert request.status == "granted"
    assert client_for(world.admin_b).get(reverse("audits:detail", args=[world.extras["audit"].pk])).status_code == 404
    owner.post(reverse("audits:share_all"), {"share_all_members": "on"})
    assert client_for(world.admin_b).get(reverse("audits:detail", args=[world.extras["audit"].pk])).status_code == 200


def test_secretariat_sets_the_benchmark_and_adds_a_scheme_in_the_browser(world: World) -> None:
    from covenant.audits.models import RecognitionPolicy

    client = client_for(world.coordinator)
    versions = list(SchemeVersion.objects.filter(scheme__code="sa8000").values_list("pk", flat=True))
    response = client.post(
        reverse("audits:recognition"),
        {"versions": versions, "max_age_months": "24", "require_qualified_auditor": "on"},
    )
    assert response.status_code == 302
    sector = RecognitionPolicy.objects.get(org__isnull=True)
    assert list(sector.accepted_versions.values_list("pk", flat=True)) == versions
    response = client.post(
        reverse("audits:schemes"),
        {
            "scheme_code": "fair-wear",
            "scheme_name": "Fair Wear",
            "version": "2025",
            "label": "Fair Wear 2025",
            "validity_months": "36",
            "sections": "LP1 | Employment is freely chosen | forced_labour",
            "grades": "urgent | Urgent | critical",
            "pillars": ["labour"],
        },
    )
    assert response.status_code == 302
    assert SchemeVersion.objects.filter(label="Fair Wear 2025").exists()
    assert client_for(world.admin_a).post(reverse("audits:schemes"), {}).status_code == 403

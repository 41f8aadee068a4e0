"""Entering audits, bad input, sharing, recognition, risk signals, CAPs and counters."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from covenant.audits import selectors, services
from covenant.audits.models import (
    ApscaAuditor,
    Audit,
    AuditRequestStatus,
    CapReminder,
    CapStatus,
    Finding,
    RegisterCheck,
    SchemeVersion,
)
from covenant.core.audit import verify_chain
from covenant.core.models import AuditEvent
from covenant.registry.models import Facility
from covenant.risk.models import SiteSignal
from tests.conftest import World, actor_of
from tests.factories import PDF_BYTES, audit_firm, audits_world, link, make_facility

TODAY = timezone.localdate()


def _smeta(version: str = "7.0-4p") -> SchemeVersion:
    return SchemeVersion.objects.get(scheme__code="smeta", version=version)


def _site(world: World) -> Facility:
    site = make_facility("Huaxin Garments Plant 1", "CN", "1 Factory Road, Dongguan")
    Facility.objects.filter(pk=site.pk).update(owner=world.supplier)
    site.refresh_from_db()
    return site


def _input(site: Facility, **overrides: object) -> services.AuditInput:
    fields: dict[str, object] = {
        "facility": site,
        "scheme_version": _smeta(),
        "start_date": TODAY - timedelta(days=12),
        "end_date": TODAY - timedelta(days=10),
        "audit_firm": audit_firm(),
        "auditors": [services.AuditorInput("Li Wei", "21701234", "CSCA", True)],
        "findings": [
            services.FindingInput("5", "critical", "Wages below the legal minimum", "Labour Law art. 48"),
            services.FindingInput("6", "minor", "Rest day missed in March"),
        ],
        "report_name": "report.pdf",
        "report_data": PDF_BYTES,
    }
    fields.update(overrides)
    return services.AuditInput(**fields)  # type: ignore[arg-type]


def _files(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_supplier_enters_an_audit_with_findings_caps_and_report(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    ApscaAuditor.objects.create(number="21701234", name="Li Wei", level="CSCA", status="active")
    site = _site(world)
    audit = services.create_audit(actor_of(world.supplier_admin), _input(site))
    assert audit.owner == world.supplier
    assert audit.qualified_auditor
    assert audit.auditors.get().register_check == RegisterCheck.VERIFIED
    assert audit.valid_until == TODAY - timedelta(days=10) + (audit.valid_until - audit.end_date)
    critical = audit.actions.get(finding__section="5")
    assert critical.due_date == audit.end_date + timedelta(days=30)
    assert audit.actions.get(finding__section="6").due_date == audit.end_date + timedelta(days=180)
    assert default_storage.exists(audit.report.name)
    assert str(settings.MEDIA_ROOT) in default_storage.path(audit.report.name)
    # The audit speaks for the site's risk: wages +2 (critical), working hours +0.5 (minor).
    signals = dict(SiteSignal.objects.filter(facility=site).values_list("topic__code", "delta"))
    assert signals == {"wages": 2.0, "working_hours": 0.5}
    event = AuditEvent.objects.get(action="audits.audit.created")
    assert event.org_id == world.supplier.pk
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": TODAY + timedelta(days=1)}, "dated in the future"),
        ({"start_date": TODAY - timedelta(days=5), "end_date": TODAY - timedelta(days=8)}, "before the first"),
        ({"scheme_version": None}, "Choose a scheme"),
        ({"auditors": [services.AuditorInput("Li Wei", "12-34", "", True)]}, "is not an APSCA number"),
        ({"report_data": b"PK\x03\x04 not a pdf", "report_name": "report.pdf"}, "is not a PDF"),
        ({"findings": [services.FindingInput("99", "major", "x")]}, "is not a section"),
        ({"findings": [services.FindingInput("5", "severe", "x")]}, "is not a grade"),
        ({"rating": "A"}, "has no rating"),
        ({"auditors": []}, "at least one auditor"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(
    world: World, settings, overrides: dict[str, object], message: str
) -> None:  # type: ignore[no-untyped-def]
    site = _site(world)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_audit(actor_of(world.supplier_admin), _input(site, **overrides))
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert not Audit.objects.exists() and not Finding.objects.exists()
    assert AuditEvent.objects.count() == events
    assert _files(Path(settings.MEDIA_ROOT)) == []


def test_an_oversized_report_is_refused(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AUDIT_REPORT_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than"):
        services.create_audit(actor_of(world.supplier_admin), _input(_site(world), report_data=PDF_BYTES + b"0" * 2000))
    assert not Audit.objects.exists()
    assert _files(Path(settings.MEDIA_ROOT)) == []


@pytest.mark.django_db
def test_an_unknown_scheme_code_says_which_exist() -> None:
    with pytest.raises(ValidationError, match=r"smeta/7\.0-4p"):
        services.scheme_version_by_code("smeta/9.9")


def test_a_failed_write_removes_the_stored_report(world: World, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "refresh_site_signals", boom)
    with pytest.raises(RuntimeError):
        services.create_audit(actor_of(world.supplier_admin), _input(_site(world)))
    assert not Audit.objects.exists()
    assert _files(Path(settings.MEDIA_ROOT)) == []


def test_only_the_sites_supplier_or_an_audit_firm_enters_audits(world: World) -> None:
    site = _site(world)
    with pytest.raises(PermissionDenied):
        services.create_audit(actor_of(world.admin_a), _input(site))
    other = make_facility("Someone else's site", "CN")
    Facility.objects.filter(pk=other.pk).update(owner=world.member_b)  # not the supplier's
    other.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.create_audit(actor_of(world.supplier_admin), _input(other))
    audit = services.create_audit(actor_of(world.auditor), _input(site))
    assert audit.owner == world.supplier and audit.audit_firm_org == world.audit_firm
    assert selectors.visible_audits(actor_of(world.auditor)).filter(pk=audit.pk).exists()


def test_flagged_auditors(world: World) -> None:
    ApscaAuditor.objects.create(number="21700001", name="A", status="lapsed")
    ApscaAuditor.objects.create(number="21700002", name="B", status="sanctioned")
    auditors = [
        services.AuditorInput("A", "21700001", is_lead=True),
        services.AuditorInput("B", "CSCA 21700002"),
        services.AuditorInput("C", "21700003"),
    ]
    audit = services.create_audit(actor_of(world.supplier_admin), _input(_site(world), auditors=auditors))
    checks = dict(audit.auditors.values_list("name", "register_check"))
    assert checks == {"A": "lapsed", "B": "sanctioned", "C": "unknown"}
    assert not audit.qualified_auditor


def test_sharing_is_per_member_and_revocable(world: World) -> None:
    supplier = actor_of(world.supplier_admin)
    audit = services.create_audit(supplier, _input(_site(world)))
    member_a, member_b = actor_of(world.admin_a), actor_of(world.admin_b)
    assert not selectors.visible_audits(member_a).exists()
    services.grant_access(supplier, audit, world.member_a)
    assert selectors.get_audit(member_a, audit.pk) == audit
    assert not selectors.visible_audits(member_b).exists()
    assert selectors.findings(member_a, audit).count() == 2
    assert selectors.findings(member_b, audit).count() == 0
    services.revoke_access(supplier, audit, world.member_a)
    assert not selectors.visible_audits(member_a).exists()
    # Share-all opens every audit of the supplier to every member; withdrawal closes it again.
    services.set_share_all(supplier, True)
    assert selectors.visible_audits(member_b).filter(pk=audit.pk).exists()
    services.withdraw_audit(supplier, audit, "wrong site")
    assert not selectors.visible_audits(member_b).exists()
    assert not SiteSignal.objects.filter(source_ref=str(audit.pk)).exists()
    # Members never decide sharing.
    with pytest.raises(PermissionDenied):
        services.grant_access(member_a, audit, world.member_a)
    # The secretariat does not read audits either.
    assert not selectors.visible_audits(actor_of(world.coordinator)).exists()


def test_access_requests_go_to_the_supplier(world: World) -> None:
    supplier = actor_of(world.supplier_admin)
    site = _site(world)
    audit = services.create_audit(supplier, _input(site))
    link(world.member_b, site)
    member_b = actor_of(world.admin_b)
    # A linked member may ask; whether unshared audits exist is not for it to learn.
    unaudited = _site(world)
    link(world.member_b, unaudited)
    assert selectors.may_ask_for_audits(member_b, site) and selectors.may_ask_for_audits(member_b, unaudited)
    assert not selectors.may_ask_for_audits(actor_of(world.admin_a), site)  # not linked
    request = services.request_access(member_b, site, "please")
    assert services.request_access(member_b, site) == request  # no duplicates
    assert list(selectors.access_requests(supplier)) == [request]
    services.decide_access_request(supplier, request, grant=True)
    assert selectors.visible_audits(member_b).filter(pk=audit.pk).exists()


def test_reads_of_shared_audits_are_on_the_suppliers_trail(world: World) -> None:
    supplier = actor_of(world.supplier_admin)
    audit = services.create_audit(supplier, _input(_site(world)))
    services.record_read(supplier, audit, "viewed")  # the owner's own reads are not noise on the trail
    assert not AuditEvent.objects.filter(action="audits.audit.viewed").exists()
    services.record_read(actor_of(world.admin_a), audit, "downloaded")
    event = AuditEvent.objects.get(action="audits.audit.downloaded")
    assert event.org_id == world.supplier.pk and event.actor_org_id == world.member_a.pk


def test_one_smeta_audit_shared_with_three_customers_avoids_two(world: World) -> None:
    from tests.conftest import make_org

    ApscaAuditor.objects.create(number="21701234", name="Li Wei", level="CSCA", status="active")
    supplier = actor_of(world.supplier_admin)
    site = _site(world)
    member_c = make_org("Derde Markt", "member", size="sme")
    for org in (world.member_a, world.member_b, member_c):
        link(org, site)
    firm = actor_of(world.auditor)  # a firm's audit: self-reported ones are not recognised by default
    audit = services.create_audit(firm, _input(site))
    for org in (world.member_a, world.member_b, member_c):
        services.grant_access(supplier, audit, org)
        assert selectors.is_recognised_for(audit, org)
    assert selectors.avoided_by_audit() == {audit.pk: 2}
    assert selectors.sector_counters()["audits_avoided"] == 2
    # A member that requires the environment pillar still accepts a 4-pillar audit, not a 2-pillar one.
    services.set_policy(
        actor_of(world.admin_b),
        version_ids=[],
        max_age_months=12,
        require_qualified_auditor=True,
        required_pillars=["environment"],
    )
    assert selectors.is_recognised_for(audit, world.member_b)
    two_pillar = services.create_audit(firm, _input(site, scheme_version=_smeta("7.0-2p")))
    assert not selectors.is_recognised_for(two_pillar, world.member_b)
    assert selectors.is_recognised_for(two_pillar, world.member_a)


def test_coverage_of_a_members_chain(world: World) -> None:
    ApscaAuditor.objects.create(number="21701234", name="Li Wei", level="CSCA", status="active")
    supplier = actor_of(world.supplier_admin)
    covered, not_shared, unaudited = _site(world), _site(world), make_facility("Never audited", "DK")
    outdated = _site(world)
    for site in (covered, not_shared, unaudited, outdated):
        link(world.member_a, site)
    # Cotton growing in China: high from country, sector and a listed good alone (the calibrated
    # bands of docs/risk.md put a Chinese site of no given sector at medium).
    from covenant.risk import engine

    chinese = [covered.pk, not_shared.pk, outdated.pk]
    Facility.objects.filter(pk__in=chinese).update(sector="Agriculture", products=["Cotton"])
    engine.refresh_sites(chinese)
    firm = actor_of(world.auditor)  # firms' audits: self-reported ones are not recognised by default
    audit = services.create_audit(firm, _input(covered))
    services.create_audit(firm, _input(not_shared))
    # Audited four years ago: past any validity, so audited but not recognised.
    old = services.create_audit(
        firm,
        _input(outdated, start_date=TODAY - timedelta(days=1462), end_date=TODAY - timedelta(days=1460)),
    )
    for shared in (audit, old):
        services.grant_access(supplier, shared, world.member_a)
    result = selectors.coverage(actor_of(world.admin_a))
    # The audit not shared with member A counts as nothing: that site is as if never audited.
    assert (result.sites, result.covered, result.not_recognised, result.never_audited) == (4, 1, 1, 2)
    # The Chinese sites are high-risk from their country, sector and good alone (audits do not
    # move the shared bands); the Danish site stays below high.
    assert (result.high_risk, result.high_risk_covered) == (3, 1)
    member = actor_of(world.admin_a)
    rows = selectors.with_states(member, list(selectors.coverage_sites(member)))
    # The counts agree with the per-site states the table shows.
    assert sum(link.covered for link in rows) == result.covered  # type: ignore[attr-defined]
    assert sum(not link.audited for link in rows) == result.never_audited  # type: ignore[attr-defined]
    states = {link.facility_id: (link.covered, link.audited, link.last_audit) for link in rows}  # type: ignore[attr-defined]
    gaps = {link.facility_id for link in selectors.coverage_sites(member, "gap")}
    assert gaps == {unaudited.pk, outdated.pk, not_shared.pk}  # no recognised audit it may read
    assert [link.facility_id for link in selectors.coverage_sites(member, "covered")] == [covered.pk]
    assert states[covered.pk] == (True, True, audit.end_date)
    assert states[not_shared.pk] == (False, False, None) == states[unaudited.pk]  # not even its date
    assert states[outdated.pk] == (False, True, old.end_date)


def test_audit_requests_offer_recognised_audits_first_then_join(world: World) -> None:
    from decimal import Decimal

    supplier = actor_of(world.supplier_admin)
    audited, unaudited = _site(world), _site(world)
    for org in (world.member_a, world.member_b):
        link(org, audited)
        link(org, unaudited)
    ApscaAuditor.objects.create(number="21701234", name="Li Wei", level="CSCA", status="active")
    audit = services.create_audit(actor_of(world.auditor), _input(audited))  # a firm's: recognised
    services.grant_access(supplier, audit, world.member_a)
    offered = services.request_audit(actor_of(world.admin_a), audited)
    assert offered.status == AuditRequestStatus.COVERED and offered.offered_audit == audit
    # Member B may not read that audit: it is not offered (nor hinted at), so B's request joins a joint audit.
    not_offered = services.request_audit(actor_of(world.admin_b), audited)
    assert not_offered.status == AuditRequestStatus.JOINED and not_offered.offered_audit is None
    assert not selectors.access_requests(supplier).exists()  # nothing asked on the member's behalf
    first = services.request_audit(actor_of(world.admin_a), unaudited, estimated_cost=Decimal("3000"))
    second = services.request_audit(actor_of(world.admin_b), unaudited)
    assert first.joint is not None and first.joint == second.joint
    assert services.cost_share(first.joint) == (2, Decimal("1500.00"))
    with pytest.raises(ValidationError):
        services.request_audit(actor_of(world.admin_b), make_facility("Not linked", "CN"))


def test_a_cap_goes_from_open_to_verified_closed(world: World) -> None:
    supplier = actor_of(world.supplier_admin)
    site = _site(world)
    audit = services.create_audit(supplier, _input(site))
    services.grant_access(supplier, audit, world.member_a)
    action = audit.actions.get(finding__section="5")
    assert action.status == CapStatus.OPEN
    services.update_action(
        supplier, action, action_text="Back-pay all workers", responsible="HR manager", due_date=None
    )
    services.add_evidence(supplier, action, filename="payroll.pdf", data=PDF_BYTES)
    action.refresh_from_db()
    assert action.status == CapStatus.PROGRESS
    with pytest.raises(ValidationError):
        services.add_evidence(supplier, action, filename="payroll.exe", data=b"MZ\x90\x00")
    # The site does not verify its own actions; a member it shared with does.
    with pytest.raises(PermissionDenied):
        services.verify_action(supplier, action, method="desk_review")
    with pytest.raises(PermissionDenied):
        services.verify_action(actor_of(world.admin_b), action, method="desk_review")
    services.verify_action(actor_of(world.admin_a), action, method="desk_review", note="payroll checked")
    action.refresh_from_db()
    assert action.status == CapStatus.CLOSED and action.verified_by_org == world.member_a
    # Closing the wage finding takes its weight off the site's risk.
    assert not SiteSignal.objects.filter(facility=site, topic__code="wages").exists()
    kpis = selectors.cap_kpis(selectors.visible_actions(supplier))
    assert kpis.closed_on_time == 1 and kpis.median_days_to_close == 0


def test_collaborative_findings_have_no_deadline_and_reach_linked_members(world: World) -> None:
    supplier = actor_of(world.supplier_admin)
    site = _site(world)
    link(world.member_b, site)
    findings = [services.FindingInput("2", "collaborative", "No union allowed in the zone")]
    audit = services.create_audit(supplier, _input(site, findings=findings))
    action = audit.actions.get()
    assert action.due_date is None and not action.is_overdue(TODAY + timedelta(days=999))
    # Not shared with member B, but B sources from the site: it sees the candidate for joint action only.
    assert not selectors.visible_audits(actor_of(world.admin_b)).exists()
    assert [f.description for f in selectors.joint_action_candidates(actor_of(world.admin_b))] == [
        "No union allowed in the zone"
    ]
    assert not selectors.joint_action_candidates(actor_of(world.admin_a)).exists()  # not linked


def test_reminders_before_and_after_the_due_date_once_each(world: World) -> None:
    supplier = actor_of(world.supplier_admin)
    audit = services.create_audit(
        supplier, _input(_site(world), findings=[services.FindingInput("5", "critical", "Wages")])
    )
    action = audit.actions.get()
    assert action.due_date is not None
    assert services.send_cap_reminders(action.due_date - timedelta(days=20)) == 0
    assert services.send_cap_reminders(action.due_date - timedelta(days=3)) == 1
    assert services.send_cap_reminders(action.due_date - timedelta(days=2)) == 0
    assert services.send_cap_reminders(action.due_date + timedelta(days=1)) == 1
    assert services.send_cap_reminders(action.due_date + timedelta(days=9)) == 0
    assert set(CapReminder.objects.values_list("stage", flat=True)) == {"before", "after"}


def test_reminder_command(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.core.management import call_command

    supplier = actor_of(world.supplier_admin)
    audit = services.create_audit(
        supplier,
        _input(
            _site(world),
            start_date=TODAY - timedelta(days=60),
            end_date=TODAY - timedelta(days=59),
            findings=[services.FindingInput("5", "critical", "Wages")],
        ),
    )
    assert audit.actions.get().is_overdue()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_cap_reminders", stdout=out)
    assert "1 reminder" in out.getvalue()
    assert mail.outbox and "overdue" in mail.outbox[0].subject


def test_import_findings_is_all_or_nothing_with_row_numbers(world: World) -> None:
    supplier = actor_of(world.supplier_admin)
    audit = services.create_audit(supplier, _input(_site(world), findings=[]))
    bad = b"Section,Grade,Description\n5,major,Overtime unpaid\n99,major,Nowhere\n6,awful,Too long hours\n3,minor,\n"
    with pytest.raises(ValidationError) as exc:
        services.import_findings(supplier, audit, filename="f.csv", data=bad)
    text = " ".join(exc.value.messages)
    assert "Row 3" in text and "Row 4" in text and "Row 5" in text and "Row 2" not in text
    assert not audit.findings.exists()
    good = b"Section;Grade;Description;Local law\n5;major;Overtime unpaid;art. 44\n10B;minor;No waste log;\n"
    created = services.import_findings(supplier, audit, filename="f.csv", data=good)
    assert [f.number for f in created] == [1, 2] and audit.actions.count() == 2


def test_import_findings_from_xlsx(world: World) -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Section", "Grade", "Description"])
    sheet.append(["5", "critical", "Wages below minimum"])
    buffer = io.BytesIO()
    book.save(buffer)
    supplier = actor_of(world.supplier_admin)
    audit = services.create_audit(supplier, _input(_site(world), findings=[]))
    assert len(services.import_findings(supplier, audit, filename="f.xlsx", data=buffer.getvalue())) == 1


def test_apsca_register_import(world: World) -> None:
    coordinator = actor_of(world.coordinator)
    data = (
        b"Number,Name,Level,Status,Valid until\nCSCA 21701234,Li Wei,CSCA,Active,2027-12-31\n21700002,B,ASCA,lapsed,\n"
    )
    assert services.import_apsca_register(coordinator, filename="apsca.csv", data=data) == 2
    bad = b"Number,Name,Status\n123,X,active\n21700009,Y,retired\n"
    with pytest.raises(ValidationError) as exc:
        services.import_apsca_register(coordinator, filename="apsca.csv", data=bad)
    assert "Row 2" in exc.value.messages[0] and "Row 3" in exc.value.messages[1]
    assert ApscaAuditor.objects.count() == 2  # unchanged
    with pytest.raises(PermissionDenied):
        services.import_apsca_register(actor_of(world.admin_a), filename="apsca.csv", data=data)


def test_a_register_import_rechecks_the_auditors_of_audits_entered_before(world: World) -> None:
    coordinator = actor_of(world.coordinator)
    audit = services.create_audit(actor_of(world.supplier_admin), _input(_site(world)))
    assert not audit.qualified_auditor  # the register is empty: the auditor is unknown
    active = b"Number,Name,Status\n21701234,Li Wei,active\n"
    services.import_apsca_register(coordinator, filename="apsca.csv", data=active)
    audit.refresh_from_db()
    assert audit.qualified_auditor and audit.auditors.get().register_check == "verified"
    event = AuditEvent.objects.filter(action="audits.apsca.imported").latest("seq")
    assert event.summary["audits_now_qualified"] == 1
    sanctioned = b"Number,Name,Status\n21701234,Li Wei,sanctioned\n"
    services.import_apsca_register(coordinator, filename="apsca.csv", data=sanctioned)
    audit.refresh_from_db()
    assert not audit.qualified_auditor and audit.auditors.get().register_check == "sanctioned"


def test_the_secretariat_adds_a_scheme_without_code(world: World) -> None:
    version = services.add_scheme_version(
        actor_of(world.coordinator),
        scheme_code="fair-wear",
        scheme_name="Fair Wear audit",
        version="2025",
        label="Fair Wear 2025",
        sections="LP1 | Employment is freely chosen | forced_labour\nLP2 | No child labour | child_labour",
        grades="urgent | Urgent | critical\nimprove | Improvement needed | minor",
        validity_months=36,
    )
    assert version.section("lp1") is not None and version.grade("urgent") is not None
    with pytest.raises(ValidationError, match="not a topic"):
        services.add_scheme_version(
            actor_of(world.coordinator),
            scheme_code="x",
            scheme_name="X",
            version="1",
            label="X 1",
            sections="A | B | no_such_topic",
            grades="g | G | major",
        )


def test_the_audits_world_builds(world: World) -> None:
    audits_world(world)
    assert os.path.basename(world.extras["audit"].report.name).endswith("canary-a-report.pdf")


def test_audits_follow_a_merged_site_to_the_survivor(world: World) -> None:
    from covenant.registry import matchindex
    from covenant.registry import services as registry_services

    matchindex.reset()
    supplier = actor_of(world.supplier_admin)
    dupe = _site(world)
    keep = make_facility("Huaxin Garments Plant One", "CN", "1 Factory Road, Dongguan")
    audit = services.create_audit(supplier, _input(dupe))
    registry_services.merge_facilities(actor_of(world.coordinator), dupe, keep)
    audit.refresh_from_db()
    assert audit.facility_id == keep.pk
    signals = SiteSignal.objects.filter(source_ref=str(audit.pk))
    assert set(signals.values_list("facility_id", flat=True)) == {keep.pk}
    # Moved by one receiver and re-stated by the other, each finding still counts once.
    assert signals.count() == len(set(signals.values_list("topic_id", "explanation")))
    assert selectors.site_audits(supplier, keep) == [audit]


def test_a_new_audit_answers_a_joint_audit_request_only_once_shared(world: World) -> None:
    """Entering an audit changes nothing a member sees: its request is answered when the audit
    is shared with it, so an unshared audit leaves no trace in the member's requests."""
    site = _site(world)
    for org in (world.member_a, world.member_b):
        link(org, site)
    first = services.request_audit(actor_of(world.admin_a), site)
    second = services.request_audit(actor_of(world.admin_b), site)
    supplier = actor_of(world.supplier_admin)
    audit = services.create_audit(supplier, _input(site))
    for request in (first, second):
        request.refresh_from_db()
        assert request.status == AuditRequestStatus.JOINED and request.offered_audit is None
    assert not selectors.access_requests(actor_of(world.admin_a)).exists()
    services.grant_access(supplier, audit, world.member_a)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == AuditRequestStatus.DONE and first.offered_audit == audit
    assert second.status == AuditRequestStatus.JOINED and second.offered_audit is None
    assert first.joint is not None and first.joint.status == "planning" and first.joint.audit is None
    services.grant_access(supplier, audit, world.member_b)
    first.joint.refresh_from_db()
    assert first.joint.status == "done" and first.joint.audit == audit

"""Builders for registry data used across test modules."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from covenant.registry import matchindex
from covenant.registry import services as registry_services
from covenant.registry.models import (
    Facility,
    FacilityClaim,
    ListRow,
    ListUpload,
    RowStatus,
    SupplierList,
    SupplyLink,
    UploadStatus,
)
from tests.conftest import SYSTEM, World


def audit_firm() -> Any:
    """The world's audit firm (Veritas Social Audits): a supplier's self-reported audit names it from the list."""
    from covenant.orgs.models import Organisation

    return Organisation.objects.get(kind="audit_firm", slug="veritas-social-audits")


def make_facility(name: str, country: str = "CN", address: str = "", **extra: Any) -> Facility:
    return registry_services.create_facility(SYSTEM, name=name, address=address, country=country, **extra)


def link(world_org: Any, facility: Facility, **fields: Any) -> SupplyLink:
    return SupplyLink.objects.create(org=world_org, facility=facility, **fields)


def registry_world(world: World) -> World:
    """Member A sources from a shared site and has a row waiting for review."""
    matchindex.reset()
    shared = make_facility(
        "Dongguan Huaxin Garment Co., Ltd.", "CN", "88 Dongcheng Road, Dongguan, Guangdong", lat=23.02, lng=113.75
    )
    other = make_facility("Dongguan Huaxin Garment Factory No. 2", "CN", "12 Humen Avenue, Dongguan, Guangdong")
    a_link = link(world.member_a, shared, tier=1, products=["canary-a knitwear"], reference="canary-a-007")
    supplier_list = SupplierList.objects.create(org=world.member_a, name="canary-a list")
    upload = ListUpload.objects.create(
        org=world.member_a,
        supplier_list=supplier_list,
        version=1,
        filename="canary-a.csv",
        status=UploadStatus.DONE,
        counts={"review": 1},
    )
    row = ListRow.objects.create(
        upload=upload,
        org=world.member_a,
        row_number=2,
        name="Huaxin canary-a Garments",
        address="Dongguan",
        country="CN",
        status=RowStatus.REVIEW,
        details={"tier": 1, "products": ["canary-a tees"]},
        candidates=[
            {"id": shared.public_id, "score": 0.6, "features": {}},
            {"id": other.public_id, "score": 0.5, "features": {}},
        ],
    )
    claim = FacilityClaim.objects.create(facility=shared, org=world.supplier, evidence="Business licence 123")
    world.extras.update(
        shared=shared, other=other, a_link=a_link, upload=upload, row=row, claim=claim, supplier_list=supplier_list
    )
    return world


# --- Audits ----------------------------------------------------------------------------------


def make_pdf(*, javascript: str = "", link_javascript: str = "", launch: str = "", password: str = "") -> bytes:
    """A small real PDF (one blank page) written by pypdf, as reports are checked by opening them.

    ``javascript`` runs when the document opens (/OpenAction), ``link_javascript`` when a link
    annotation is clicked, ``launch`` starts a program when it opens; ``password`` encrypts it."""
    from pypdf import PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if javascript:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(javascript)}
        )
    if launch:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject(launch)}
        )
    if link_javascript:
        writer.add_annotation(0, Link(rect=(10, 10, 100, 100), url="https://example.org"))
        annotation = writer.pages[0]["/Annots"][0].get_object()
        annotation[NameObject("/A")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(link_javascript)}
        )
    if password:
        writer.encrypt(password, "owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_BYTES = make_pdf()


def audits_world(world: World) -> World:
    """A supplier's SMETA audit, shared with member A only; marked ``canary-a`` where private.

    The audit is owned by a supplier that none of the tenancy probes acts for
    (``audit_supplier``), so every probe is an outsider; ``world.supplier``
    (another supplier) must not see it either. Member A is linked to the site,
    has the audit shared with it, asked for access to another site's audits and
    asked for an audit; the action has evidence on file.
    """
    from datetime import timedelta

    from django.utils import timezone

    from covenant.audits import services as audit_services
    from covenant.audits.models import SchemeVersion
    from covenant.orgs.models import Organisation
    from tests.conftest import actor_of, make_org, make_user

    if "shared" not in world.extras:
        registry_world(world)
    owner = Organisation.objects.filter(slug="lanka-knits").first() or make_org("Lanka Knits", "supplier", country="LK")
    owner_admin = make_user(owner, "admin", "admin@lankaknits.example")
    site = make_facility("Lanka Knits Katunayake", "LK", "FTZ Katunayake")
    Facility.objects.filter(pk=site.pk).update(owner=owner)
    site.refresh_from_db()
    link(world.member_a, site, tier=1, products=["canary-a jumpers"])
    today = timezone.localdate()
    actor = actor_of(owner_admin)
    audit = audit_services.create_audit(
        actor,
        audit_services.AuditInput(
            facility=site,
            scheme_version=SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p"),
            start_date=today - timedelta(days=31),
            end_date=today - timedelta(days=30),
            audit_firm=world.audit_firm,
            workers_female=120,
            workers_male=80,
            auditors=[audit_services.AuditorInput(name="canary-a Auditor", apsca_number="21701234", is_lead=True)],
            findings=[
                audit_services.FindingInput(
                    "5", "major", "canary-a overtime premium not paid", "Wages Board Ordinance"
                ),
                audit_services.FindingInput("2", "collaborative", "canary-a no worker committee in the zone"),
            ],
            report_name="canary-a-report.pdf",
            report_data=PDF_BYTES,
        ),
    )
    audit_services.grant_access(actor, audit, world.member_a)
    action = audit.actions.get(finding__section="5")
    evidence = audit_services.add_evidence(actor, action, filename="canary-a-payslips.pdf", data=PDF_BYTES)
    member_actor = actor_of(world.admin_a)
    access = audit_services.request_access(member_actor, site, "canary-a please share")
    audit_services.request_audit(member_actor, world.extras["shared"], note="canary-a audit wanted")
    world.extras.update(
        audit=audit,
        audit_site=site,
        audit_supplier=owner,
        audit_supplier_admin=owner_admin,
        action=action,
        evidence=evidence,
        access_request=access,
    )
    return world


def declare_flood(coordinator: Any, title: str, regions: list[str], starts_on: date) -> Any:
    """A natural-disaster risk event raising health and safety by one point, with one checklist item."""
    from covenant.risk import services as risk_services
    from tests.conftest import actor_of

    return risk_services.declare_event(
        actor_of(coordinator),
        kind="natural_disaster",
        title=title,
        regions=regions,
        starts_on=starts_on,
        ends_on=None,
        topic_codes=["health_safety"],
        raise_by=1.0,
        guidance="Check that workers are safe.",
        checklist=["Contact the site"],
    )


def risk_world(world: World) -> World:
    """On top of the registry world: scored sites, member A's override and event response
    (both marked canary-a), a declared event over Côte d'Ivoire and a sanctions hit in review."""

    from covenant.risk import engine
    from covenant.risk import services as risk_services
    from tests.conftest import actor_of

    if "shared" not in world.extras:
        registry_world(world)
    cocoa = make_facility(
        "Coopérative Agricole de Soubré",
        "CI",
        "Okrouyo, Soubré",
        subdivision="CI-BS",
        sector="Agriculture",
        products=["Cocoa"],
        lat=5.78,
        lng=-6.59,
    )
    cotton = make_facility("Mary Cotton Ginning Plant", "TM", "Mary", sector="Agriculture", products=["Cotton"])
    a_cocoa = link(world.member_a, cocoa, tier=2, products=["canary-a cocoa beans"])
    link(world.member_b, cotton, tier=2, products=["cotton lint"])
    engine.recompute_all()
    coordinator = actor_of(world.coordinator)
    admin_a = actor_of(world.admin_a)
    event = risk_services.declare_event(
        coordinator,
        kind="armed_conflict",
        title="Unrest in the Nawa region",
        regions=["CI-BS"],
        starts_on=date(2026, 1, 1),
        ends_on=None,
        topic_codes=["forced_labour", "child_labour"],
        raise_by=2.0,
        guidance="Check on workers' safety.",
        checklist=["Protect workers", "Keep paying wages"],
    )
    response = risk_services.record_response(
        admin_a, event, cocoa, status="in_progress", checklist_done=[0], note="canary-a response note"
    )
    override = risk_services.set_override(
        admin_a, world.extras["shared"], "wages", 8.5, "canary-a: our own audit found unpaid overtime"
    )
    sanctions_list = risk_services.import_sanctions(
        coordinator,
        name="Test list",
        source="OpenSanctions (test extract)",
        licence="CC BY-NC 4.0",
        filename="entities.ftm.json",
        data=(
            b'{"id": "os-1", "schema": "Company", "properties": {"name": ["Dongguan Huaxin Garment Co Ltd"],'
            b' "country": ["cn"], "program": ["Test programme"]}}\n'
        ),
    )
    risk_services.screen(sanctions_list)
    hit = sanctions_list.entries.get().hits.first()
    world.extras.update(
        cocoa=cocoa,
        cotton=cotton,
        a_cocoa=a_cocoa,
        event=event,
        response=response,
        override=override,
        sanctions_list=sanctions_list,
        hit=hit,
        risk=True,
    )
    return world


def audit_lock_world(world: World) -> World:
    """On top of :func:`audits_world` (issue 13): the audit firm's submitted, locked audit of the
    same site (shared with member A, revised once), the firm's draft of another, and a pending
    request of the supplier to move the deadline of its own audit's action (member A decides)."""
    from datetime import timedelta

    from django.utils import timezone

    from covenant.audits import services as audit_services
    from covenant.audits.models import SchemeVersion
    from tests.conftest import actor_of

    if "firm_audit" in world.extras:
        return world
    if "audit" not in world.extras:
        audits_world(world)
    firm = actor_of(world.auditor)
    supplier = actor_of(world.extras["audit_supplier_admin"])
    today = timezone.localdate()

    def entry() -> Any:
        return audit_services.AuditInput(
            facility=world.extras["audit_site"],
            scheme_version=SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p"),
            start_date=today - timedelta(days=11),
            end_date=today - timedelta(days=10),
            auditors=[audit_services.AuditorInput(name="canary-a Lead Auditor", is_lead=True)],
            findings=[audit_services.FindingInput("5", "major", "canary-a wages paid late")],
        )

    submitted = audit_services.create_audit(firm, entry())
    audit_services.revise_audit(
        firm,
        submitted,
        audit_services.AuditChange(
            findings=[audit_services.FindingChange(number=1, description="canary-a wages paid 20 days late")]
        ),
        reason="canary-a corrected the delay",
    )
    audit_services.grant_access(supplier, submitted, world.member_a)
    draft = audit_services.create_audit(firm, entry(), submit=False)
    action = world.extras["action"]
    extension = audit_services.request_extension(
        supplier, action, to_date=action.due_date + timedelta(days=30), reason="canary-a machines arrive later"
    )
    world.extras.update(
        firm_audit=submitted,
        firm_action=submitted.actions.get(),
        firm_draft=draft,
        extension=extension,
    )
    return world


def joint_audit_world(world: World) -> World:
    """Issue 13: a joint audit member A opened at a second site of the audits world's supplier, with
    the world's audit firm chosen and the firm's submitted audit of that site ready to link
    (``joint_link``, ``joint_link_audit``)."""
    from datetime import timedelta

    from django.utils import timezone

    from covenant.audits import services as audit_services
    from covenant.audits.models import SchemeVersion
    from tests.conftest import actor_of

    if "joint_link" in world.extras:
        return world
    if "audit" not in world.extras:
        audits_world(world)
    site = make_facility("Lanka Knits Biyagama", "LK", "Biyagama Export Processing Zone")
    Facility.objects.filter(pk=site.pk).update(owner=world.extras["audit_supplier"])
    site.refresh_from_db()
    link(world.member_a, site, tier=1)
    member = actor_of(world.admin_a)
    joint = audit_services.open_joint_audit(member, site)
    audit_services.plan_joint_audit(
        member, joint, audit_firm=world.audit_firm, scheme_version=None, target_date=None, estimated_cost=None
    )
    today = timezone.localdate()
    audit = audit_services.create_audit(
        actor_of(world.auditor),
        audit_services.AuditInput(
            facility=site,
            scheme_version=SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p"),
            start_date=today - timedelta(days=3),
            end_date=today - timedelta(days=2),
            auditors=[audit_services.AuditorInput(name="Probe Auditor", apsca_number="21701234", is_lead=True)],
        ),
    )
    world.extras.update(joint_link=joint, joint_link_audit=audit)
    return world


def smeta_audit(world: World, site: Facility, findings: list[Any], *, days_ago: int = 10) -> Any:
    """A SMETA 7.0 audit of ``site`` ended ``days_ago`` days ago, entered by the site's owner
    (``world.extras["owner_admin"]``) with ``world.audit_firm`` and a qualified auditor."""
    from datetime import timedelta

    from django.utils import timezone

    from covenant.audits import services as audit_services
    from covenant.audits.models import SchemeVersion
    from tests.conftest import actor_of

    end = timezone.localdate() - timedelta(days=days_ago)
    return audit_services.create_audit(
        actor_of(world.extras["owner_admin"]),
        audit_services.AuditInput(
            facility=site,
            scheme_version=SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p"),
            start_date=end - timedelta(days=2),
            end_date=end,
            audit_firm=world.audit_firm,
            auditors=[audit_services.AuditorInput("Li Wei", "21701234", "CSCA", True)],
            findings=findings,
            report_name="report.pdf",
            report_data=PDF_BYTES,
        ),
    )

"""The audits part of the demo sector: one SMETA audit, shared once, recognised by three customers.

Idempotent like the rest of the seeder: it looks for its audit first and does
nothing if it is there. Everything goes through the services, as people would
do it: the secretariat imports the APSCA register, the audit firm enters the
audit (submitted, so locked) and corrects it once (a second version), the
supplier shares it with three customers and works on the CAP, a customer
verifies one action and closes it, and the supplier asks for two deadline
extensions: the firm approves one, the other waits.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import timedelta

from django.utils import timezone
from pypdf import PdfWriter

from covenant.audits import services
from covenant.audits.models import Audit, SchemeVersion
from covenant.core.actors import Actor
from covenant.orgs import services as org_services
from covenant.orgs.models import ApscaFirmStatus, Membership, Organisation, OrgKind
from covenant.registry.interface import Facility, FacilityStatus, SupplyLink

# The secretariat records the demo firms' APSCA membership: the first a full member, the next provisional.
DEMO_FIRM_STATUSES = (ApscaFirmStatus.FULL, ApscaFirmStatus.PROVISIONAL)
LEAD_AUDITOR = ("Nguyen Thi Lan", "21704711", "CSCA")
TEAM_AUDITOR = ("Rahim Uddin", "21709320", "ASCA")


def _blank_pdf() -> bytes:
    """One blank A4 page, written by pypdf (the same bytes every time): the demo report (and CAP
    evidence) must pass the same checks as real ones, which open the file with pypdf."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


DEMO_PDF = _blank_pdf()


def _actor(org: Organisation, roles: Sequence[str] = ("admin", "coordinator")) -> Actor | None:
    membership = Membership.objects.filter(org=org, role__in=roles).select_related("user").first()
    if membership is None:
        return None
    return Actor(user=membership.user, org=org, role=membership.role, via="web")


def _supplier_site(suppliers: Sequence[Organisation]) -> tuple[Organisation, Facility] | None:
    for supplier in suppliers:
        site = Facility.objects.filter(owner=supplier, status=FacilityStatus.ACTIVE).order_by("public_id").first()
        if site is not None and _actor(supplier) is not None:
            return supplier, site
    return None


def seed(
    *,
    secretariat: Organisation,
    members: Sequence[Organisation],
    suppliers: Sequence[Organisation],
    audit_firms: Sequence[Organisation],
    log: Callable[[str], None] = print,
) -> Audit | None:
    """Seed the demo audit; returns it (or None when the demo sector lacks a claimed supplier site)."""
    coordinator = _actor(secretariat, ("coordinator",))
    if coordinator is not None:
        for org, status in zip(audit_firms, DEMO_FIRM_STATUSES, strict=False):
            if not org.apsca_status:
                org_services.set_apsca_status(coordinator, org, status)
    existing = Audit.objects.filter(audit_firm_org__in=audit_firms, self_reported=False).first()
    if existing is not None:
        return existing
    found = _supplier_site(suppliers)
    customers = [m for m in members if m.kind == OrgKind.MEMBER and _actor(m) is not None][:3]
    firm = next((f for f in audit_firms if _actor(f) is not None), None)
    if found is None or len(customers) < 3 or firm is None or coordinator is None:
        log("  audits: skipped (no claimed supplier site, three members and an audit firm with people)")
        return None
    supplier, site = found
    supplier_actor, firm_actor = _actor(supplier), _actor(firm)
    assert supplier_actor is not None and firm_actor is not None
    for customer in customers:
        # The three customers source from this site. Like the tier-2 edges above, these
        # demo links are written directly: in real use they come from the members' lists.
        SupplyLink.objects.get_or_create(
            org=customer, facility=site, defaults={"tier": 1, "products": list(site.products)[:2]}
        )
    register = "number,name,level,status,valid until\n" + "".join(
        f"{number},{name},{level},active,{timezone.localdate().year + 2}-12-31\n"
        for name, number, level in (LEAD_AUDITOR, TEAM_AUDITOR)
    )
    services.import_apsca_register(coordinator, filename="apsca-register.csv", data=register.encode())
    end = timezone.localdate() - timedelta(days=45)
    audit = services.create_audit(
        firm_actor,
        services.AuditInput(
            facility=site,
            scheme_version=SchemeVersion.objects.get(scheme__code="smeta", version="7.0-4p"),
            start_date=end - timedelta(days=1),
            end_date=end,
            audit_type="initial",
            announcement="semi_announced",
            workers_female=412,
            workers_male=188,
            auditors=[
                services.AuditorInput(*LEAD_AUDITOR, is_lead=True),
                services.AuditorInput(*TEAM_AUDITOR),
            ],
            findings=[
                services.FindingInput(
                    "5",
                    "major",
                    "Overtime premium paid at 100 % instead of the legal 150 % (3 of 20 payslips).",
                    "Local labour law: overtime premium",
                ),
                services.FindingInput("6", "minor", "Seven consecutive working days for 4 workers in peak week."),
                services.FindingInput("3", "minor", "Two fire extinguishers past their inspection date."),
                services.FindingInput(
                    "2",
                    "collaborative",
                    "No elected worker committee; the industrial zone does not allow union meetings on site.",
                ),
                services.FindingInput("0B", "observation", "Grievance box in place and emptied weekly."),
            ],
            report_name="smeta-7.0-4-pillar-report.pdf",
            report_data=DEMO_PDF,
        ),
    )
    for customer in customers:
        services.grant_access(supplier_actor, audit, customer)
    wages = audit.actions.get(finding__section="5")
    services.update_action(
        supplier_actor,
        wages,
        action_text="Recalculate and back-pay the overtime premium for the last 12 months; fix the payroll rule.",
        responsible="HR manager",
        due_date=None,
        progress=True,
    )
    services.add_evidence(
        supplier_actor, wages, filename="back-pay-payroll.pdf", data=DEMO_PDF, note="Two months of payroll"
    )
    verifier = _actor(customers[0])
    assert verifier is not None
    services.verify_action(verifier, wages, method="desk_review", note="Payroll for two months checked.")
    # The firm's submitted audit is locked: its correction is a second version, with the reason.
    services.revise_audit(
        firm_actor,
        audit,
        services.AuditChange(
            findings=[
                services.FindingChange(
                    number=2, description="Seven consecutive working days for 6 workers in peak week."
                )
            ]
        ),
        reason="Corrected after checking the time records of the whole line.",
    )
    # Deadlines move only by request: one extension approved by the firm, one waiting.
    rest_days = audit.actions.get(finding__section="6")
    assert rest_days.due_date is not None
    extension = services.request_extension(
        supplier_actor,
        rest_days,
        to_date=rest_days.due_date + timedelta(days=60),
        reason="The new shift plan needs the second production line, installed next quarter.",
    )
    services.decide_extension(firm_actor, extension, approve=True, note="Shift plan and purchase order seen.")
    fire = audit.actions.get(finding__section="3")
    assert fire.due_date is not None
    services.request_extension(
        supplier_actor,
        fire,
        to_date=fire.due_date + timedelta(days=30),
        reason="The inspection company's first free date is after the deadline.",
    )
    log(
        f"  audits: {audit.scheme_version.label} audit of {site.public_id} by {firm.name} (locked, version 2), "
        f"shared with {', '.join(c.name for c in customers)}; one corrective action verified closed, "
        "one deadline extended, one extension waiting"
    )
    return audit

"""Writes of audits: entry, findings, reports, sharing, recognition, CAPs, requests.

Every function validates first, writes in one transaction with its audit
event, and writes files only after validation (deleting them again if the
transaction fails), so bad input leaves nothing behind. Reads of shared audits
(page views, downloads) are recorded too: the supplier can see who read what.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from covenant.audits import rules, selectors
from covenant.audits.models import (
    AccessRequest,
    ApscaAuditor,
    ApscaStatus,
    Audit,
    AuditAuditor,
    AuditRead,
    AuditRequest,
    AuditRequestStatus,
    AuditRevision,
    AuditScheme,
    AuditShare,
    AuditStatus,
    CapEvidence,
    CapReminder,
    CapStatus,
    CorrectiveAction,
    DeadlineExtension,
    ExtensionStatus,
    Finding,
    FindingComment,
    JointAudit,
    JointAuditStatus,
    RecognitionPolicy,
    RegisterCheck,
    RequestStatus,
    SchemeVersion,
    SectorCount,
    SupplierSharing,
    Verification,
    ZeroToleranceAlert,
)
from covenant.audits.protocol import clause_codes
from covenant.audits.selectors import (
    effective_policy,
    linked_readers,
    readers_among,
    recognised_audits,
    visible_audits,
)
from covenant.core import audit as trail
from covenant.core import mail
from covenant.core.actors import Actor
from covenant.core.errors import Conflict
from covenant.core.mail import Recipient
from covenant.core.pdfcheck import PdfProblem, pdf_problem
from covenant.orgs.models import ApscaFirmStatus, Organisation, OrgKind
from covenant.orgs.selectors import people_to_tell
from covenant.registry.interface import Facility, FacilityStatus, active_links, file_error_text
from covenant.risk.interface import Signal, clear_signals, replace_signals, topic_codes
from covenant.tabular import TableError, read_table

log = logging.getLogger(__name__)
T = TypeVar("T")

PDF_MAGIC = b"%PDF-"
EVIDENCE_MAGICS = (PDF_MAGIC, b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def max_report_bytes() -> int:
    return int(getattr(settings, "AUDIT_REPORT_MAX_BYTES", 25 * 1024 * 1024))


def due_days() -> dict[str, int]:
    return dict(getattr(settings, "AUDIT_CAP_DUE_DAYS", rules.DEFAULT_DUE_DAYS))


# --- Input ------------------------------------------------------------------------------


@dataclass
class AuditorInput:
    name: str
    apsca_number: str = ""
    level: str = ""
    is_lead: bool = False


@dataclass
class FindingInput:
    section: str
    grade: str
    description: str
    legal_reference: str = ""


@dataclass
class AuditInput:
    facility: Facility
    scheme_version: SchemeVersion | None
    start_date: date | None
    end_date: date | None
    # A supplier's own audit names the firm that did it, chosen from the audit-firm organisations
    # (its name is kept on the audit as a snapshot, never typed); a firm's audit is the firm's own.
    audit_firm: Organisation | None = None
    # An audit firm's audit of a site without a verified supplier: the member that commissioned it
    # (it reads it through a share, kept when the site's supplier takes the audit over).
    commissioned_by: Organisation | None = None
    audit_type: str = "initial"
    announcement: str = "announced"
    workers_female: int | None = None
    workers_male: int | None = None
    workers_other: int | None = None
    rating: str = ""
    auditors: list[AuditorInput] = field(default_factory=list)
    findings: list[FindingInput] = field(default_factory=list)
    report_name: str = ""
    report_data: bytes | None = None


def scheme_version_by_code(code: str) -> SchemeVersion:
    """``"smeta/7.0-4p"`` or a version's label; an unknown scheme is a validation error."""
    code = code.strip()
    qs = SchemeVersion.objects.select_related("scheme").filter(is_active=True)
    found = None
    if "/" in code:
        scheme, version = code.split("/", 1)
        found = qs.filter(scheme__code__iexact=scheme, version__iexact=version).first()
    found = found or qs.filter(label__iexact=code).first()
    if found is None:
        raise ValidationError(
            _("'%(code)s' is not a scheme we know. Known: %(known)s.")
            % {"code": code, "known": ", ".join(f"{v.scheme.code}/{v.version}" for v in qs)}
        )
    return found


def check_pdf(name: str, data: bytes, limit: int | None = None) -> None:
    """Not larger than the limit, and a PDF that opens (judged by pypdf, not by its name),
    neither encrypted nor carrying JavaScript or launch actions (``core/pdfcheck.py``)."""
    limit = limit or max_report_bytes()
    if len(data) > limit:
        raise ValidationError(_("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)})
    problem = pdf_problem(data)
    if problem == PdfProblem.NOT_PDF:
        raise ValidationError(_("%(name)s is not a PDF file. Upload the report as PDF.") % {"name": name})
    if problem == PdfProblem.ENCRYPTED:
        raise ValidationError(
            _("%(name)s cannot be read: it is encrypted or password-protected. Upload it without a password.")
            % {"name": name}
        )
    if problem == PdfProblem.UNREADABLE:
        raise ValidationError(
            _("%(name)s cannot be read as a PDF: it is damaged or incomplete. Save or export it again.")
            % {"name": name}
        )
    if problem == PdfProblem.ACTIVE_CONTENT:
        raise ValidationError(
            _(
                "%(name)s contains JavaScript or an action that starts a program; such files are not accepted. "
                "Print it to a new PDF without scripts and upload that."
            )
            % {"name": name}
        )


def _check_evidence(name: str, data: bytes) -> None:
    limit = max_report_bytes()
    if len(data) > limit:
        raise ValidationError(_("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)})
    if not data.startswith(EVIDENCE_MAGICS):
        raise ValidationError(_("%(name)s is not a PDF, PNG or JPEG file.") % {"name": name})
    if data.startswith(b"%PDF-"):
        # A PDF is opened like a report: one that cannot be read or carries scripts is refused.
        check_pdf(name, data, limit)


def _finding_errors(version: SchemeVersion, item: FindingInput, label: str) -> list[str]:
    errors = []
    if version.section(item.section) is None:
        errors.append(
            _("%(where)s: '%(value)s' is not a section of %(scheme)s (%(known)s).")
            % {
                "where": label,
                "value": item.section,
                "scheme": version.label,
                "known": ", ".join(str(s["code"]) for s in version.sections),
            }
        )
    if version.grade(item.grade) is None:
        errors.append(
            _("%(where)s: '%(value)s' is not a grade of %(scheme)s (%(known)s).")
            % {
                "where": label,
                "value": item.grade,
                "scheme": version.label,
                "known": ", ".join(str(g["code"]) for g in version.grades),
            }
        )
    if not item.description.strip():
        errors.append(_("%(where)s: the description is missing.") % {"where": label})
    return errors


def _party_errors(author: Organisation, data: AuditInput) -> list[str]:
    """Who did the audit and for whom: a supplier names a firm from the list (not a suspended
    one); a firm auditing a site without a verified supplier names the commissioning member."""
    errors: list[str] = []
    if author.kind == OrgKind.AUDIT_FIRM:
        if data.audit_firm is not None and data.audit_firm.pk != author.pk:
            errors.append(_("An audit firm enters its own audits: leave the audit firm out."))
        commissioner = data.commissioned_by
        if commissioner is not None and (commissioner.kind != OrgKind.MEMBER or not commissioner.is_active):
            errors.append(_("The commissioning organisation must be a member company."))
        elif commissioner is None and data.facility.owner_id is None:
            errors.append(
                _(
                    "This site has no verified supplier yet: name the member that commissioned the audit. "
                    "It reads the audit, which is held for the site until its supplier's claim is verified."
                )
            )
        return errors
    firm = data.audit_firm
    if data.commissioned_by is not None:
        errors.append(_("Only audit firms name a commissioning member."))
    if firm is None or firm.kind != OrgKind.AUDIT_FIRM or not firm.is_active:
        errors.append(_("Choose the audit firm from the list."))
    elif firm.apsca_status == ApscaFirmStatus.SUSPENDED:
        errors.append(_("%(firm)s is suspended by APSCA: its new audits cannot be entered.") % {"firm": firm.name})
    return errors


def validate_audit(data: AuditInput, today: date | None = None, author: Organisation | None = None) -> None:
    """Every problem at once, in words a supplier or auditor understands."""
    today = today or timezone.localdate()
    errors: list[str] = _party_errors(author, data) if author is not None else []
    if data.facility.status != FacilityStatus.ACTIVE:
        errors.append(_("This site is not active in the register."))
    version = data.scheme_version
    if version is None or not version.is_active:
        errors.append(_("Choose a scheme we know."))
    if data.start_date is None or data.end_date is None:
        errors.append(_("Give the first and the last day on site."))
    else:
        if data.start_date > today or data.end_date > today:
            errors.append(_("The audit is dated in the future. Enter audits once they have taken place."))
        if data.end_date < data.start_date:
            errors.append(_("The last day on site is before the first."))
    for value in (data.workers_female, data.workers_male, data.workers_other):
        if value is not None and value < 0:
            errors.append(_("Numbers of workers cannot be negative."))
            break
    if version is not None:
        if version.ratings:
            if data.rating and rules.rating_rule(version.ratings, data.rating) is None:
                errors.append(
                    _("'%(value)s' is not a rating of %(scheme)s (%(known)s).")
                    % {
                        "value": data.rating,
                        "scheme": version.label,
                        "known": ", ".join(str(r["code"]) for r in version.ratings),
                    }
                )
        elif data.rating:
            errors.append(_("%(scheme)s has no rating; leave it empty.") % {"scheme": version.label})
        for index, item in enumerate(data.findings, start=1):
            errors.extend(_finding_errors(version, item, _("Finding %(n)s") % {"n": index}))
    if not any(a.name.strip() for a in data.auditors):
        errors.append(_("Name at least one auditor."))
    for auditor in data.auditors:
        if auditor.apsca_number.strip() and rules.normalise_apsca_number(auditor.apsca_number) is None:
            errors.append(
                _("'%(value)s' is not an APSCA number: it has eight digits, e.g. 21701234.")
                % {"value": auditor.apsca_number}
            )
    if data.report_data is not None:
        try:
            check_pdf(data.report_name or "report.pdf", data.report_data)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _register_check(number: str, on: date) -> RegisterCheck:
    entry = ApscaAuditor.objects.filter(number=number).first() if number else None
    return _check_entry(entry.status if entry else None, entry.valid_until if entry else None, on)


def _check_entry(status: str | None, valid_until: date | None, on: date) -> RegisterCheck:
    """An auditor's standing on the day the audit ended, from their register entry (None: not in it)."""
    if status is None:
        return RegisterCheck.UNKNOWN
    if status == ApscaStatus.SANCTIONED:
        return RegisterCheck.SANCTIONED
    if status == ApscaStatus.LAPSED or (valid_until is not None and valid_until < on):
        return RegisterCheck.LAPSED
    return RegisterCheck.VERIFIED


def _recheck_auditors() -> tuple[int, int]:
    """Check every audit's auditors against the register as it now is; returns how many audits
    became and stopped being led by a qualified auditor.

    A register imported after audits were entered (or corrected later) must not leave them
    flagged by the register that was there before: recognition depends on it.
    """
    register = {n: (st, until) for n, st, until in ApscaAuditor.objects.values_list("number", "status", "valid_until")}
    changed = []
    for pk, number, end_date, check in AuditAuditor.objects.values_list(
        "pk", "apsca_number", "audit__end_date", "register_check"
    ):
        status, until = register.get(number, (None, None)) if number else (None, None)
        new = _check_entry(status, until, end_date)
        if new != check:
            changed.append(AuditAuditor(pk=pk, register_check=new))
    AuditAuditor.objects.bulk_update(changed, ["register_check"], batch_size=2000)
    # As in create_audit: qualified when at least one auditor is verified. Decided in the
    # database, so 100,000 audits are not sent back to it as parameters.
    verified = Exists(AuditAuditor.objects.filter(audit=OuterRef("pk"), register_check=RegisterCheck.VERIFIED))
    became = Audit.objects.filter(verified, qualified_auditor=False).update(qualified_auditor=True)
    lost = Audit.objects.filter(~verified, qualified_auditor=True).update(qualified_auditor=False)
    return became, lost


def _with_files(saved: list[str], work: Callable[[], T]) -> T:
    """Run ``work`` in a transaction; files it stored are removed again if it fails."""
    try:
        with transaction.atomic():
            return work()
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise


def _store(folder: str, filename: str, data: bytes, saved: list[str]) -> str:
    today = timezone.localdate()
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename[-80:]) or "file"
    name = default_storage.save(f"{folder}/{today:%Y/%m}/{uuid.uuid4().hex}-{safe}", ContentFile(data))
    saved.append(name)
    return name


# --- Audits --------------------------------------------------------------------------------


def _require_audit_author(actor: Actor, facility: Facility) -> Organisation:
    """Suppliers enter audits of their own sites; audit firms of any site in the register (one
    without a verified supplier too: see create_audit), unless APSCA suspended the firm."""
    org = actor.require_kind(OrgKind.SUPPLIER, OrgKind.AUDIT_FIRM)
    actor.require_edit()
    if org.kind == OrgKind.SUPPLIER and facility.owner_id != org.pk:
        raise PermissionDenied(_("You can enter audits of your own sites only."))
    _require_not_suspended(org)
    return org


def _require_not_suspended(org: Organisation) -> None:
    if org.kind == OrgKind.AUDIT_FIRM and org.apsca_status == ApscaFirmStatus.SUSPENDED:
        raise PermissionDenied(_("Your firm is suspended by APSCA: it cannot enter or submit new audits."))


def is_site_side(actor: Actor, audit: Audit) -> bool:
    """The supplier that owns the audit, or the firm that entered it: they keep its corrective
    action plan up to date (plans, owners, evidence), whoever wrote the findings."""
    if actor.org is None or not actor.can_edit or audit.status == AuditStatus.WITHDRAWN:
        return False
    return actor.org.pk in {audit.owner_id, audit.entering_firm_id}


def can_edit(actor: Actor, audit: Audit) -> bool:
    """May change what the audit found (findings, grades, dates, auditors, report): the supplier
    on its own, self-reported audit; on a firm's audit the firm alone (a new version once submitted)."""
    if actor.org is None or not actor.can_edit or audit.status == AuditStatus.WITHDRAWN:
        return False
    if audit.self_reported:
        return actor.org.pk == audit.owner_id
    return actor.org.pk == audit.audit_firm_org_id


def _require_editor(actor: Actor, audit: Audit, reason: str = "") -> bool:
    """Check that the actor may change the audit's content; True when the change makes a new
    version (a firm's submitted audit), which then needs a reason (409 without one)."""
    if not can_edit(actor, audit):
        if actor.org is not None and actor.org.pk == audit.owner_id and not audit.self_reported:
            raise PermissionDenied(
                _(
                    "This audit was entered by an audit firm: only the firm changes what it found. "
                    "You may comment, add evidence and propose actions."
                )
            )
        raise PermissionDenied(_("You may not change this audit."))
    if not audit.is_locked:
        return False
    if not reason.strip():
        raise Conflict(_("This audit is submitted and locked: a change makes a new version and needs a reason."))
    return True


def _snapshot(audit: Audit) -> dict[str, Any]:
    """The audit as it is now, whole, so the version it replaces stays readable."""
    return {
        "version": audit.version,
        "audit_firm_name": audit.audit_firm_name,
        "audit_type": audit.audit_type,
        "announcement": audit.announcement,
        "start_date": audit.start_date.isoformat(),
        "end_date": audit.end_date.isoformat(),
        "workers_female": audit.workers_female,
        "workers_male": audit.workers_male,
        "workers_other": audit.workers_other,
        "rating": audit.rating,
        "valid_until": audit.valid_until.isoformat(),
        "report": audit.report.name if audit.report else "",
        "report_name": audit.report_name,
        "report_size": audit.report_size,
        "auditors": [
            {
                "name": a.name,
                "apsca_number": a.apsca_number,
                "level": a.level,
                "is_lead": a.is_lead,
                "register_check": a.register_check,
            }
            for a in audit.auditors.all()
        ],
        "findings": [
            {
                "number": f.number,
                "section": f.section,
                "grade": f.grade,
                "severity": f.severity,
                "description": f.description,
                "legal_reference": f.legal_reference,
                "action": _action_snapshot(getattr(f, "action", None)),
            }
            for f in audit.findings.select_related("action").prefetch_related("action__evidence").order_by("number")
        ],
    }


def _action_snapshot(action: CorrectiveAction | None) -> dict[str, Any] | None:
    """A finding's corrective action as it stood: kept with the version, so a finding a later
    version removes (its action and evidence go with it) keeps its history there."""
    if action is None:
        return None
    return {
        "status": action.status,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "action": action.action,
        "responsible": action.responsible,
        "evidence": [e.filename for e in action.evidence.all()],
    }


def _new_version(actor: Actor, audit: Audit, reason: str, changed: Sequence[str]) -> AuditRevision:
    """Keep the current version and number the audit's next one; call before changing anything."""
    revision = AuditRevision.objects.create(
        audit=audit,
        number=audit.version,
        reason=reason.strip()[:2000],
        changed=sorted(set(changed)),
        snapshot=_snapshot(audit),
        created_by=actor.user,
        created_by_org=actor.org,
    )
    audit.version += 1
    audit.save(update_fields=["version"])
    trail.record(
        actor,
        "audits.audit.revised",
        obj=audit,
        org_id=audit.owner_id,
        summary={**_summary(audit), "version": audit.version, "changed": revision.changed},
    )
    return revision


def _summary(audit: Audit) -> dict[str, Any]:
    return {
        "facility": audit.facility.public_id,
        "scheme": audit.scheme_version.label,
        "end_date": audit.end_date,
    }


def create_audit(actor: Actor, data: AuditInput, *, submit: bool = True) -> Audit:
    """Enter an audit with its auditors, findings, CAP lines and (optionally) its report.

    A supplier's own audit is self-reported. An audit firm's is locked once submitted;
    with ``submit=False`` it stays the firm's draft (read by nobody else, counted nowhere).

    A firm may audit a site without a verified supplier: the audit is then *held* for the site
    (no owner), read by the firm and, through a share, by the member that commissioned it; the
    supplier whose claim is verified later takes it over (``hand_over_held_audits``)."""
    org = _require_audit_author(actor, data.facility)
    is_firm = org.kind == OrgKind.AUDIT_FIRM
    validate_audit(data, author=org)
    version = data.scheme_version
    assert version is not None and data.start_date is not None and data.end_date is not None
    end_date = data.end_date
    start_date = data.start_date
    owner_id = data.facility.owner_id
    firm = org if is_firm else data.audit_firm
    assert firm is not None
    commissioner = data.commissioned_by if is_firm else None
    valid = rules.validity(
        end_date=end_date, validity_months=version.validity_months, ratings=version.ratings, rating=data.rating
    )
    saved: list[str] = []
    report_path = ""
    if data.report_data is not None:
        report_path = _store("audits", data.report_name or "report.pdf", data.report_data, saved)

    def work() -> Audit:
        checks = [(a, rules.normalise_apsca_number(a.apsca_number) or "") for a in data.auditors if a.name.strip()]
        results = [(a, number, _register_check(number, end_date)) for a, number in checks]
        audit = Audit.objects.create(
            facility=data.facility,
            owner_id=owner_id,
            commissioned_by=commissioner,
            audit_firm_org=firm,
            audit_firm_name=firm.name[:200],
            scheme_version=version,
            audit_type=data.audit_type,
            announcement=data.announcement,
            start_date=start_date,
            end_date=end_date,
            workers_female=data.workers_female,
            workers_male=data.workers_male,
            workers_other=data.workers_other,
            rating=data.rating.strip().upper(),
            valid_until=valid.valid_until,
            follow_up_due=valid.follow_up_due,
            qualified_auditor=any(check == RegisterCheck.VERIFIED for _a, _n, check in results),
            report=report_path,
            report_name=(data.report_name or "report.pdf")[:255] if report_path else "",
            report_size=len(data.report_data or b""),
            status=AuditStatus.DRAFT if is_firm and not submit else AuditStatus.ACTIVE,
            self_reported=not is_firm,
            submitted_at=timezone.now() if is_firm and submit else None,
            created_by=actor.user,
        )
        AuditAuditor.objects.bulk_create(
            AuditAuditor(
                audit=audit,
                name=a.name.strip()[:200],
                apsca_number=number,
                level=a.level.strip()[:20],
                is_lead=a.is_lead,
                register_check=check,
            )
            for a, number, check in results
        )
        _add_findings(audit, data.findings)
        if owner_id is None and commissioner is not None:
            # Held for the site: the commissioning member reads it by this share (a submitted
            # audit only), which the supplier that takes the audit over keeps.
            AuditShare.objects.create(audit=audit, org=commissioner, granted_by=actor.user)
        flagged = [n for _a, n, check in results if check != RegisterCheck.VERIFIED]
        trail.record(
            actor,
            "audits.audit.created",
            obj=audit,
            org_id=audit.owner_id,
            summary={
                **_summary(audit),
                "findings": len(data.findings),
                "auditors_flagged": len(flagged),
                "status": audit.status,
                "self_reported": audit.self_reported,
                "audit_firm": firm.name,
                "held": owner_id is None,
                "commissioned_by": commissioner.name if commissioner is not None else "",
            },
        )
        refresh_site_signals(audit.facility_id)
        alert_zero_tolerance(audit)
        return audit

    return _with_files(saved, work)


def _fulfil_joint_requests(audit: Audit, member: Organisation) -> None:
    """An audit of the site now shared with ``member`` answers its joint-audit request.

    Only sharing fulfils a request, never the audit's creation: a member must not learn that
    an audit it may not read exists (its request's state would tell it). The joint audit is
    done once every member in it has been answered this way."""
    for request in AuditRequest.objects.filter(
        org=member, facility_id=audit.facility_id, status=AuditRequestStatus.JOINED
    ).select_related("joint"):
        request.status = AuditRequestStatus.DONE
        request.offered_audit = audit
        request.save(update_fields=["status", "offered_audit"])
        joint = request.joint
        if (
            joint is not None
            and joint.status == JointAuditStatus.PLANNING
            and not joint.requests.filter(status=AuditRequestStatus.JOINED).exists()
        ):
            joint.status = JointAuditStatus.DONE
            # The audit linked to it stays the one that fulfilled it.
            joint.audit_id = joint.audit_id or audit.pk
            joint.save(update_fields=["status", "audit"])


def _add_findings(audit: Audit, items: Sequence[FindingInput]) -> list[Finding]:
    version = audit.scheme_version
    start = (audit.findings.aggregate(n=Max("number"))["n"] or 0) + 1
    created = []
    for offset, item in enumerate(items):
        grade = version.grade(item.grade)
        assert grade is not None  # validated before
        section = version.section(item.section)
        assert section is not None
        finding = Finding.objects.create(
            audit=audit,
            number=start + offset,
            section=str(section["code"]),
            grade=str(grade["code"]),
            severity=str(grade.get("severity", "none")),
            is_non_compliance=bool(grade.get("non_compliance")),
            collaborative=bool(grade.get("collaborative")),
            description=item.description.strip(),
            legal_reference=item.legal_reference.strip()[:300],
        )
        if finding.is_non_compliance:
            CorrectiveAction.objects.create(
                finding=finding,
                audit=audit,
                due_date=rules.due_date(
                    severity=finding.severity,
                    collaborative=finding.collaborative,
                    start=audit.end_date,
                    due_days=due_days(),
                ),
            )
        created.append(finding)
    return created


@transaction.atomic
def add_finding(actor: Actor, audit: Audit, item: FindingInput, *, reason: str = "") -> Finding:
    versioned = _require_editor(actor, audit, reason)
    errors = _finding_errors(audit.scheme_version, item, _("Finding"))
    if errors:
        raise ValidationError(errors)
    if versioned:
        _new_version(actor, audit, reason, ["findings"])
    (finding,) = _add_findings(audit, [item])
    trail.record(
        actor,
        "audits.finding.added",
        obj=finding,
        org_id=audit.owner_id,
        summary={"audit": str(audit.pk), "section": finding.section, "grade": finding.grade},
    )
    refresh_site_signals(audit.facility_id)
    alert_zero_tolerance(audit)
    return finding


FINDING_COLUMNS = {
    "section": ("section", "sectie", "performance area", "clause", "code"),
    "grade": ("grade", "graad", "severity", "ernst", "type"),
    "description": ("description", "omschrijving", "beschrijving", "finding", "bevinding", "details"),
    "legal_reference": ("legal reference", "local law", "law", "wet", "code or local law", "reference"),
}


def _map_columns(headers: list[str], spec: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column name -> index, from headers as people write them (any case, ``_`` for spaces)."""
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header.strip().lower().replace("_", " ")
        for name, options in spec.items():
            if name not in found and key in options:
                found[name] = index
                break
    return found


def read_findings(version: SchemeVersion, *, filename: str, data: bytes) -> list[FindingInput]:
    """The findings of a CSV or XLSX file, checked against ``version``'s sections and grades:
    every row, or a ValidationError with every problem by row number. Writes nothing (the
    audit's page imports with it, the entry form reads a file with it)."""
    if len(data) > 5 * 1024 * 1024:
        raise ValidationError(_("The file is larger than 5 MB."))
    try:
        table = read_table(data, filename, max_rows=5000)
    except TableError as exc:
        raise ValidationError(file_error_text(exc)) from exc
    columns = _map_columns(table.headers, FINDING_COLUMNS)
    missing = [c for c in ("section", "grade", "description") if c not in columns]
    if missing:
        raise ValidationError(
            _("The file needs the columns: section, grade, description (missing: %(missing)s).")
            % {"missing": ", ".join(missing)}
        )
    items: list[FindingInput] = []
    errors: list[str] = []

    def cell(row: list[str], name: str) -> str:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else ""

    for index, row in enumerate(table.rows):
        item = FindingInput(
            section=cell(row, "section"),
            grade=cell(row, "grade"),
            description=cell(row, "description"),
            legal_reference=cell(row, "legal_reference"),
        )
        label = _("Row %(row)s") % {"row": table.row_number(index)}
        errors.extend(_finding_errors(version, item, label))
        items.append(item)
    if errors:
        raise ValidationError(errors)
    return items


def import_findings(actor: Actor, audit: Audit, *, filename: str, data: bytes, reason: str = "") -> list[Finding]:
    """Add findings from a CSV or XLSX file: all rows, or (with row-numbered reasons) none."""
    versioned = _require_editor(actor, audit, reason)
    items = read_findings(audit.scheme_version, filename=filename, data=data)
    with transaction.atomic():
        if versioned:
            _new_version(actor, audit, reason, ["findings"])
        created = _add_findings(audit, items)
        trail.record(
            actor,
            "audits.findings.imported",
            obj=audit,
            org_id=audit.owner_id,
            summary={"file": filename[:100], "findings": len(created)},
        )
        refresh_site_signals(audit.facility_id)
        alert_zero_tolerance(audit)
    return created


def attach_report(actor: Actor, audit: Audit, *, filename: str, data: bytes, reason: str = "") -> Audit:
    """Add or replace an audit's report (PDF only); on a submitted firm audit, as a new version."""
    versioned = _require_editor(actor, audit, reason)
    check_pdf(filename, data)
    saved: list[str] = []
    path = _store("audits", filename, data, saved)
    old = audit.report.name if audit.report else ""

    def work() -> Audit:
        if versioned:
            _new_version(actor, audit, reason, ["report"])
        audit.report = path  # type: ignore[assignment]
        audit.report_name = filename[:255]
        audit.report_size = len(data)
        audit.save(update_fields=["report", "report_name", "report_size"])
        trail.record(
            actor,
            "audits.report.attached",
            obj=audit,
            org_id=audit.owner_id,
            summary={"file": filename[:100], "bytes": len(data), "replaced": bool(old)},
        )
        # The report a kept version refers to stays on file with it.
        if old and not versioned and not audit.revisions.filter(snapshot__report=old).exists():
            transaction.on_commit(lambda: default_storage.delete(old))
        return audit

    return _with_files(saved, work)


@transaction.atomic
def withdraw_audit(actor: Actor, audit: Audit, reason: str = "") -> Audit:
    """The supplier withdraws its own audit, the firm one it entered: it stops counting and feeding risk.

    A supplier cannot withdraw a firm's audit (it would undo what the firm found); it decides
    whom it shares it with."""
    if not can_edit(actor, audit):
        raise PermissionDenied(_("You may not withdraw this audit."))
    audit.status = AuditStatus.WITHDRAWN
    audit.withdrawn_at = timezone.now()
    audit.save(update_fields=["status", "withdrawn_at"])
    clear_signals(source="audit", source_ref=str(audit.pk))
    trail.record(
        actor, "audits.audit.withdrawn", obj=audit, org_id=audit.owner_id, summary={"reason": reason.strip()[:200]}
    )
    refresh_site_signals(audit.facility_id)
    return audit


@transaction.atomic
def submit_audit(actor: Actor, audit: Audit) -> Audit:
    """The audit firm submits its draft: members it is shared with read it, it counts, and it is locked."""
    if actor.org is None or actor.org.pk != audit.entering_firm_id or not actor.can_edit:
        raise PermissionDenied(_("Only the audit firm that entered the audit submits it."))
    _require_not_suspended(actor.org)
    if audit.status != AuditStatus.DRAFT:
        raise Conflict(_("This audit is not a draft."))
    audit.status = AuditStatus.ACTIVE
    audit.submitted_at = timezone.now()
    audit.save(update_fields=["status", "submitted_at"])
    trail.record(actor, "audits.audit.submitted", obj=audit, org_id=audit.owner_id, summary=_summary(audit))
    refresh_site_signals(audit.facility_id)
    alert_zero_tolerance(audit)
    return audit


def hand_over_held_audits(actor: Actor, facility: Facility, owner: Organisation) -> int:
    """The supplier whose claim to ``facility`` was verified becomes the owner of every audit
    held for the site (entered by a firm while the site had no verified supplier); the shares
    (the commissioning member's) are kept. Runs inside the deciding transaction (the register's
    ``claim_verified`` signal); the new owner is e-mailed after the commit. Returns how many."""
    held = list(
        Audit.objects.select_for_update(of=("self",))
        .filter(facility=facility, owner__isnull=True)
        .select_related("facility", "scheme_version")
    )
    for audit in held:
        audit.owner = owner
        audit.save(update_fields=["owner"])
        trail.record(
            actor,
            "audits.audit.handed_over",
            obj=audit,
            org_id=owner.pk,
            summary={**_summary(audit), "owner": owner.name, "audit_firm": audit.audit_firm_name},
        )
        # A supplier that shares all its audits now shares this one too: its linked readers may change.
        alert_zero_tolerance(audit)
    recipients = _site_people(owner.pk)
    if held and recipients:

        def write() -> tuple[str, str]:
            subject = _("Audits of your site %(site)s are now yours") % {"site": facility.name}
            body = _(
                "Your claim to %(site)s (%(id)s) is verified. %(n)s audit(s) entered by audit firms before "
                "the claim are now yours: you decide who else reads them. The members that commissioned "
                "them keep reading them. See them in the app: %(link)s"
            ) % {
                "site": facility.name,
                "id": facility.public_id,
                "n": len(held),
                "link": f"{settings.SITE_URL}/audits/",
            }
            return subject, body

        transaction.on_commit(_mailer(recipients, write))
    return len(held)


@dataclass
class FindingChange:
    """A change to one finding by its number; fields left None stay as they are."""

    number: int
    section: str | None = None
    grade: str | None = None
    description: str | None = None
    legal_reference: str | None = None


@dataclass
class AuditChange:
    """What a revision changes; fields left None stay as they are."""

    start_date: date | None = None
    end_date: date | None = None
    rating: str | None = None
    audit_type: str | None = None
    announcement: str | None = None
    workers_female: int | None = None
    workers_male: int | None = None
    workers_other: int | None = None
    auditors: list[AuditorInput] | None = None
    findings: list[FindingChange] = field(default_factory=list)
    new_findings: list[FindingInput] = field(default_factory=list)
    # Numbers of findings the new version no longer has (the firm found them wrong); the
    # version before keeps them, with their corrective action as it stood.
    remove_findings: list[int] = field(default_factory=list)


def revise_audit(actor: Actor, audit: Audit, change: AuditChange, *, reason: str = "") -> Audit:
    """The firm changes its audit: dates, rating, auditors, findings and grades.

    On a submitted audit this makes a new version: the one before is kept whole, with
    who changed it, when and why (``reason`` is required). A draft (or the supplier's own
    self-reported audit) is simply changed."""
    versioned = _require_editor(actor, audit, reason)
    version = audit.scheme_version
    errors: list[str] = []
    start = change.start_date or audit.start_date
    end = change.end_date or audit.end_date
    if start > timezone.localdate() or end > timezone.localdate():
        errors.append(_("The audit is dated in the future. Enter audits once they have taken place."))
    if end < start:
        errors.append(_("The last day on site is before the first."))
    rating = audit.rating if change.rating is None else change.rating.strip().upper()
    if change.rating is not None and rating:
        if not version.ratings:
            errors.append(_("%(scheme)s has no rating; leave it empty.") % {"scheme": version.label})
        elif rules.rating_rule(version.ratings, rating) is None:
            errors.append(
                _("'%(value)s' is not a rating of %(scheme)s (%(known)s).")
                % {
                    "value": rating,
                    "scheme": version.label,
                    "known": ", ".join(str(r["code"]) for r in version.ratings),
                }
            )
    for value in (change.workers_female, change.workers_male, change.workers_other):
        if value is not None and value < 0:
            errors.append(_("Numbers of workers cannot be negative."))
            break
    if change.auditors is not None:
        if not any(a.name.strip() for a in change.auditors):
            errors.append(_("Name at least one auditor."))
        for auditor in change.auditors:
            if auditor.apsca_number.strip() and rules.normalise_apsca_number(auditor.apsca_number) is None:
                errors.append(
                    _("'%(value)s' is not an APSCA number: it has eight digits, e.g. 21701234.")
                    % {"value": auditor.apsca_number}
                )
    by_number = {f.number: f for f in audit.findings.select_related("audit__scheme_version")}
    edits: list[tuple[Finding, FindingInput]] = []
    for item in change.findings:
        finding = by_number.get(item.number)
        label = _("Finding %(n)s") % {"n": item.number}
        if finding is None:
            errors.append(_("%(where)s: there is no such finding.") % {"where": label})
            continue
        new = FindingInput(
            section=finding.section if item.section is None else item.section,
            grade=finding.grade if item.grade is None else item.grade,
            description=finding.description if item.description is None else item.description,
            legal_reference=finding.legal_reference if item.legal_reference is None else item.legal_reference,
        )
        errors.extend(_finding_errors(version, new, label))
        edits.append((finding, new))
    for index, new_item in enumerate(change.new_findings, start=1):
        errors.extend(_finding_errors(version, new_item, _("New finding %(n)s") % {"n": index}))
    removed = sorted(set(change.remove_findings))
    for gone in removed:
        if gone not in by_number:
            label = _("Finding %(n)s") % {"n": gone}
            errors.append(_("%(where)s: there is no such finding.") % {"where": label})
        elif any(item.number == gone for item in change.findings):
            errors.append(_("Finding %(n)s cannot be changed and removed at once.") % {"n": gone})
    if errors:
        raise ValidationError(errors)

    fields = {
        "start_date": change.start_date,
        "end_date": change.end_date,
        "audit_type": change.audit_type,
        "announcement": change.announcement,
        "workers_female": change.workers_female,
        "workers_male": change.workers_male,
        "workers_other": change.workers_other,
    }
    changed = [name for name, value in fields.items() if value is not None and getattr(audit, name) != value]
    if rating != audit.rating:
        changed.append("rating")
    finding_edits = [
        (finding, new)
        for finding, new in edits
        if (finding.section, finding.grade, finding.description, finding.legal_reference)
        != (new.section.strip(), new.grade.strip(), new.description.strip(), new.legal_reference.strip()[:300])
    ]
    if finding_edits or change.new_findings or removed:
        changed.append("findings")
    if change.auditors is not None:
        current = [(a.name, a.apsca_number, a.level, a.is_lead) for a in audit.auditors.all()]
        wanted = [
            (a.name.strip()[:200], rules.normalise_apsca_number(a.apsca_number) or "", a.level.strip()[:20], a.is_lead)
            for a in change.auditors
            if a.name.strip()
        ]
        if sorted(current) != sorted(wanted):
            changed.append("auditors")
    if not changed:
        raise ValidationError(_("Nothing is changed."))

    with transaction.atomic():
        if versioned:
            _new_version(actor, audit, reason, changed)
        for name, new_value in fields.items():
            if new_value is not None:
                setattr(audit, name, new_value)
        audit.rating = rating
        valid = rules.validity(
            end_date=audit.end_date, validity_months=version.validity_months, ratings=version.ratings, rating=rating
        )
        audit.valid_until = valid.valid_until
        audit.follow_up_due = valid.follow_up_due
        if change.auditors is not None and "auditors" in changed:
            audit.auditors.all().delete()
            for a in change.auditors:
                if not a.name.strip():
                    continue
                number = rules.normalise_apsca_number(a.apsca_number) or ""
                AuditAuditor.objects.create(
                    audit=audit,
                    name=a.name.strip()[:200],
                    apsca_number=number,
                    level=a.level.strip()[:20],
                    is_lead=a.is_lead,
                    register_check=_register_check(number, audit.end_date),
                )
        audit.qualified_auditor = audit.auditors.filter(register_check=RegisterCheck.VERIFIED).exists()
        audit.save()
        for finding, new in finding_edits:
            grade = version.grade(new.grade)
            section = version.section(new.section)
            assert grade is not None and section is not None  # validated above
            finding.section = str(section["code"])
            finding.grade = str(grade["code"])
            finding.severity = str(grade.get("severity", "none"))
            finding.is_non_compliance = bool(grade.get("non_compliance"))
            finding.collaborative = bool(grade.get("collaborative"))
            finding.description = new.description.strip()
            finding.legal_reference = new.legal_reference.strip()[:300]
            finding.save()
            # A finding regraded into a non-compliance needs an action; an existing action and
            # its deadline stay as they are (deadlines move only by extension requests).
            if finding.is_non_compliance and not CorrectiveAction.objects.filter(finding=finding).exists():
                CorrectiveAction.objects.create(
                    finding=finding,
                    audit=audit,
                    due_date=rules.due_date(
                        severity=finding.severity,
                        collaborative=finding.collaborative,
                        start=audit.end_date,
                        due_days=due_days(),
                    ),
                )
        _add_findings(audit, change.new_findings)
        _remove_findings([by_number[gone] for gone in removed])
        summary = {**_summary(audit), "changed": sorted(set(changed)), "version": audit.version}
        if removed:
            summary["removed_findings"] = removed
        trail.record(actor, "audits.audit.changed", obj=audit, org_id=audit.owner_id, summary=summary)
        refresh_site_signals(audit.facility_id)
        alert_zero_tolerance(audit)
    return audit


def _remove_findings(findings: Sequence[Finding]) -> None:
    """Remove findings from the audit's current version, with their corrective actions (deadline
    history, evidence, comments and alerts go with them); the version before keeps each finding
    and its action as it stood (:func:`_snapshot`). Evidence files, no longer reachable, are
    deleted once the change is committed."""
    if not findings:
        return
    evidence = CapEvidence.objects.filter(action__finding__in=findings)
    files = [name for name in evidence.values_list("file", flat=True) if name]
    Finding.objects.filter(pk__in=[f.pk for f in findings]).delete()
    for name in files:
        transaction.on_commit(partial(default_storage.delete, name))


def record_read(actor: Actor, audit: Audit, what: str) -> None:
    """A view or download of an audit by someone other than its owner goes on the trail.

    The event belongs to the supplier (it decides who reads), so its
    administrators see which member read which audit and when.
    """
    if actor.org is not None and actor.org.pk == audit.owner_id:
        return
    trail.record(
        actor,
        f"audits.audit.{what}",
        obj=audit,
        # A held audit (no supplier yet) is the firm's to account for until it is handed over.
        org_id=audit.owner_id or audit.audit_firm_org_id,
        summary={"facility": audit.facility.public_id, "reader": actor.org.name if actor.org else ""},
    )
    if actor.org is not None:
        _count_read(actor, audit)


def _count_read(actor: Actor, audit: Audit) -> None:
    """Count the read on the audit's "read by" row of this person and organisation.

    The count is added in the database (``F``), never read and written back, so reads at the
    same moment are all counted; a person's first read creates the row, and when two first
    reads race, the one refused by the unique constraint (inside its own savepoint, so a
    PostgreSQL transaction survives it) counts on the row the other created."""
    assert actor.org is not None
    now = timezone.now()
    rows = AuditRead.objects.filter(audit=audit, org=actor.org, user=actor.user)
    if rows.update(reads=F("reads") + 1, last_read_at=now):
        return
    try:
        with transaction.atomic():
            AuditRead.objects.create(audit=audit, org=actor.org, user=actor.user, first_read_at=now, last_read_at=now)
    except IntegrityError:
        rows.update(reads=F("reads") + 1, last_read_at=now)


def record_evidence_download(actor: Actor, evidence: CapEvidence) -> None:
    audit = evidence.action.audit
    if actor.org is not None and actor.org.pk == audit.owner_id:
        return
    trail.record(actor, "audits.evidence.downloaded", obj=evidence, org_id=audit.owner_id, summary={})


# --- Comments on findings ---------------------------------------------------------------------

COMMENT_MAX_CHARS = 4000


def _may_comment(actor: Actor, audit: Audit) -> bool:
    if actor.org is None or not actor.can_edit:
        return False
    if actor.org.pk in {audit.owner_id, audit.entering_firm_id}:
        return True
    return actor.kind == OrgKind.MEMBER and visible_audits(actor).filter(pk=audit.pk).exists()


def can_comment(actor: Actor, audit: Audit) -> bool:
    """The supplier that owns the audit, the firm that entered it and the members that may read it
    comment on its findings (people who may write for their organisation), while it is not withdrawn."""
    return audit.status != AuditStatus.WITHDRAWN and _may_comment(actor, audit)


def comment_on_finding(actor: Actor, finding: Finding, text: str) -> FindingComment:
    """Add a comment under a finding. The finding itself does not change: on a firm's locked audit
    only the firm's revisions change it. Who reads which comment: ``selectors.finding_comments``."""
    audit = finding.audit
    if not _may_comment(actor, audit):
        raise PermissionDenied(_("You may not comment on this audit."))
    if audit.status == AuditStatus.WITHDRAWN:
        raise Conflict(_("This audit is withdrawn."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a comment."))
    if len(text) > COMMENT_MAX_CHARS:
        raise ValidationError(_("A comment has at most %(n)s characters.") % {"n": COMMENT_MAX_CHARS})
    assert actor.org is not None
    with transaction.atomic():
        comment = FindingComment.objects.create(
            finding=finding, audit=audit, org=actor.org, author=actor.user, text=text
        )
        # On the supplier's trail (the firm's while the audit is held); the text stays in the app.
        trail.record(
            actor,
            "audits.finding.commented",
            obj=audit,
            org_id=audit.owner_id or audit.entering_firm_id,
            summary={"finding": finding.number, "by": actor.org.name},
        )
    return comment


# --- Signals to the risk picture ------------------------------------------------------------


# Points a recent clean recognised audit takes off each topic its scheme's sections cover
# (on the 0-10 score, likelihood x severity / 9: about one point of likelihood on the gravest topics).
CLEAN_AUDIT_DELTA = -1.0


def _clean_until(audit: Audit, open_severe: bool) -> date | None:
    """The last day a clean audit lowers risk: while it is recognised under the sector
    benchmark (active, an accepted scheme, recent enough, qualified auditor if required,
    valid), with no open major or critical finding; None when it does not."""
    if open_severe or not selectors.is_recognised_for(audit, None):
        return None
    policy = selectors.effective_policy(None)
    # Recognised while end_date >= today - max_age months, and until valid_until.
    return min(audit.valid_until, rules.add_months(audit.end_date, policy.max_age_months))


def signals_for(audit: Audit) -> list[Signal]:
    """What an audit says about its site's risk, per salient topic (docs/risk.md, "Member views"):

    - open non-compliances raise it, weighted by severity (critical 2, major 1, minor 0.5);
    - a recent clean audit lowers it: recognised under the sector benchmark, with no open
      major or critical finding, it takes ``CLEAN_AUDIT_DELTA`` off each topic its scheme's
      sections cover and no open finding is about, until recognition lapses (its
      ``valid_until``, or its end date plus the benchmark's maximum age).

    Restricted evidence: applied only for those who may read the audit (``risk.interface``)."""
    version = audit.scheme_version
    topics: dict[str, float] = {}
    counts: dict[str, dict[str, int]] = {}
    open_findings = audit.findings.filter(is_non_compliance=True).exclude(action__status=CapStatus.CLOSED)
    open_severe = False
    for finding in open_findings:
        open_severe = open_severe or finding.severity in ("critical", "major")
        section = version.section(finding.section) or {}
        topic = str(section.get("topic") or "")
        weight = rules.SEVERITY_WEIGHT.get(finding.severity, 0.0)
        if not topic or not weight:
            continue
        topics[topic] = topics.get(topic, 0.0) + weight
        counts.setdefault(topic, {})
        counts[topic][finding.severity] = counts[topic].get(finding.severity, 0) + 1
    signals = []
    day = f"{audit.end_date:%Y-%m-%d}"
    for topic, delta in topics.items():
        detail = ", ".join(f"{n} {severity}" for severity, n in sorted(counts[topic].items()))
        signals.append(
            Signal(
                topic=topic,
                delta=delta,
                explanation=f"{version.label} audit of {day}: open findings ({detail})",
                observed_on=audit.end_date,
                expires_on=audit.valid_until,
                code="audit_findings",
                params={"scheme": version.label, "date": day, "counts": counts[topic]},
            )
        )
    until = _clean_until(audit, open_severe)
    if until is not None and until >= timezone.localdate():
        known = topic_codes()
        covered = dict.fromkeys(str(s.get("topic") or "") for s in version.sections)
        for topic in covered:
            if not topic or topic not in known or topic in topics:
                continue
            signals.append(
                Signal(
                    topic=topic,
                    delta=CLEAN_AUDIT_DELTA,
                    explanation=(
                        f"{version.label} audit of {day}: recognised under the sector benchmark, "
                        f"no open major or critical finding (until {until:%Y-%m-%d})"
                    ),
                    observed_on=audit.end_date,
                    expires_on=until,
                    code="audit_clean",
                    params={"scheme": version.label, "date": day, "until": f"{until:%Y-%m-%d}"},
                )
            )
    return signals


def refresh_site_signals(facility_id: int) -> None:
    """Only a site's latest active audit speaks for it; older and withdrawn ones are withdrawn from risk."""
    audits = list(Audit.objects.filter(facility_id=facility_id).select_related("scheme_version").order_by("-end_date"))
    latest = next((a for a in audits if a.status == AuditStatus.ACTIVE), None)
    for audit in audits:
        if audit is latest:
            replace_signals(
                facility_id=facility_id, source="audit", source_ref=str(audit.pk), signals=signals_for(audit)
            )
        else:
            clear_signals(source="audit", source_ref=str(audit.pk), facility_id=facility_id)


def refresh_all_site_signals() -> int:
    """Every audited site's signals again: after the sector benchmark or the APSCA register
    changed (which audits count as recognised, so which lower risk). A background task
    (``tasks.refresh_audit_signals_task``); returns the number of sites."""
    active = Audit.objects.filter(status=AuditStatus.ACTIVE).order_by()
    ids = list(active.values_list("facility_id", flat=True).distinct())
    for facility_id in ids:
        with transaction.atomic():
            refresh_site_signals(facility_id)
    return len(ids)


def _refresh_all_after_commit() -> None:
    from covenant.audits.tasks import refresh_audit_signals_task

    transaction.on_commit(lambda: refresh_audit_signals_task.enqueue())


# --- Sharing ------------------------------------------------------------------------------


def _require_owner(actor: Actor, audit: Audit) -> Organisation:
    org = actor.require_kind(OrgKind.SUPPLIER)
    actor.require_edit()
    if audit.owner_id != org.pk:
        raise PermissionDenied(_("Only the supplier decides who sees its audits."))
    return org


@transaction.atomic
def grant_access(actor: Actor, audit: Audit, member: Organisation) -> AuditShare:
    _require_owner(actor, audit)
    if member.kind != OrgKind.MEMBER:
        raise ValidationError(_("Audits are shared with member companies only."))
    share, created = AuditShare.objects.get_or_create(audit=audit, org=member, defaults={"granted_by": actor.user})
    if created:
        trail.record(actor, "audits.share.granted", obj=audit, summary={"member": member.name, **_summary(audit)})
    AccessRequest.objects.filter(
        facility_id=audit.facility_id, org=member, status=RequestStatus.PENDING, supplier_id=audit.owner_id
    ).update(status=RequestStatus.GRANTED, decided_at=timezone.now())
    _fulfil_joint_requests(audit, member)
    alert_zero_tolerance(audit)
    return share


@transaction.atomic
def revoke_access(actor: Actor, audit: Audit, member: Organisation) -> None:
    _require_owner(actor, audit)
    deleted, _rows = AuditShare.objects.filter(audit=audit, org=member).delete()
    if deleted:
        trail.record(actor, "audits.share.revoked", obj=audit, summary={"member": member.name, **_summary(audit)})


@transaction.atomic
def set_share_all(actor: Actor, share_all: bool) -> SupplierSharing:
    org = actor.require_kind(OrgKind.SUPPLIER)
    actor.require_admin()
    choice, _created = SupplierSharing.objects.get_or_create(supplier=org)
    if choice.share_all_members != share_all:
        choice.share_all_members = share_all
        choice.updated_at = timezone.now()
        choice.save()
        trail.record(actor, "audits.sharing.changed", obj=choice, summary={"share_all_members": share_all})
        if share_all:
            critical = Audit.objects.filter(
                owner=org, status=AuditStatus.ACTIVE, findings__severity=ZERO_TOLERANCE
            ).distinct()
            for audit in critical.select_related("facility", "scheme_version"):
                alert_zero_tolerance(audit)
    return choice


@transaction.atomic
def request_access(actor: Actor, facility: Facility, message: str = "") -> AccessRequest:
    """A member linked to a site asks its supplier for the site's audits."""
    org = actor.require_kind(OrgKind.MEMBER)
    actor.require_edit()
    if facility.owner_id is None:
        raise ValidationError(_("This site has no verified supplier to ask yet."))
    existing = AccessRequest.objects.filter(facility=facility, org=org, status=RequestStatus.PENDING).first()
    if existing is not None:
        return existing
    request = AccessRequest.objects.create(
        facility=facility,
        supplier_id=facility.owner_id,
        org=org,
        requested_by=actor.user,
        message=message.strip()[:500],
    )
    # The request is the supplier's to answer: it goes on the supplier's trail too.
    trail.record(
        actor,
        "audits.access.requested",
        obj=request,
        org_id=facility.owner_id,
        summary={"facility": facility.public_id, "member": org.name},
    )
    return request


@transaction.atomic
def decide_access_request(actor: Actor, request: AccessRequest, *, grant: bool) -> AccessRequest:
    org = actor.require_kind(OrgKind.SUPPLIER)
    actor.require_edit()
    if request.supplier_id != org.pk:
        raise PermissionDenied
    if request.status != RequestStatus.PENDING:
        raise Conflict(_("This request was already answered."))
    request.status = RequestStatus.GRANTED if grant else RequestStatus.DECLINED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    if grant:
        for audit in Audit.objects.filter(facility=request.facility, owner=org, status=AuditStatus.ACTIVE):
            AuditShare.objects.get_or_create(audit=audit, org=request.org, defaults={"granted_by": actor.user})
            _fulfil_joint_requests(audit, request.org)
            alert_zero_tolerance(audit)
    trail.record(
        actor,
        "audits.access.decided",
        obj=request,
        summary={"facility": request.facility.public_id, "member": request.org.name, "granted": grant},
    )
    return request


# --- Corrective action plans -----------------------------------------------------------------


def _require_site_side(actor: Actor, action: CorrectiveAction) -> None:
    """The supplier (and the firm that entered the audit) keep the plan itself up to date."""
    if not is_site_side(actor, action.audit):
        raise PermissionDenied(_("You may not change this action."))


@transaction.atomic
def update_action(
    actor: Actor,
    action: CorrectiveAction,
    *,
    action_text: str,
    responsible: str,
    due_date: date | None,
    progress: bool = False,
) -> CorrectiveAction:
    _require_site_side(actor, action)
    if due_date is not None and due_date != action.due_date:
        # Deadlines do not drift: the supplier asks for an extension, the firm or a verifying
        # member decides. Only the firm sets them directly, while its audit is a draft.
        audit = action.audit
        is_firm = actor.org is not None and actor.org.pk == audit.entering_firm_id
        if not is_firm:
            raise PermissionDenied(_("The deadline changes only by an extension request, with a reason."))
        if audit.status != AuditStatus.DRAFT:
            raise Conflict(_("This audit is submitted: its deadlines change only by approved extension requests."))
    if action.status == CapStatus.CLOSED:
        raise Conflict(_("This action is closed."))
    if due_date is not None and due_date < action.audit.end_date:
        raise ValidationError(_("The due date is before the audit."))
    if action.finding.collaborative and due_date is not None:
        raise ValidationError(_("Collaborative actions have no deadline of their own."))
    changes: dict[str, Any] = {}
    for name, value in (("action", action_text.strip()), ("responsible", responsible.strip()[:200])):
        if getattr(action, name) != value:
            changes[name] = True
            setattr(action, name, value)
    if not action.finding.collaborative and due_date is not None and due_date != action.due_date:
        changes["due_date"] = [action.due_date, due_date]
        action.due_date = due_date
    if progress and action.status == CapStatus.OPEN:
        action.status = CapStatus.PROGRESS
        changes["status"] = CapStatus.PROGRESS
    if changes:
        action.save()
        trail.record(actor, "audits.cap.updated", obj=action, org_id=action.audit.owner_id, summary=changes)
    return action


def add_evidence(actor: Actor, action: CorrectiveAction, *, filename: str, data: bytes, note: str = "") -> CapEvidence:
    _require_site_side(actor, action)
    if action.status == CapStatus.CLOSED:
        raise Conflict(_("This action is closed."))
    _check_evidence(filename, data)
    saved: list[str] = []
    path = _store("cap-evidence", filename, data, saved)

    def work() -> CapEvidence:
        evidence = CapEvidence.objects.create(
            action=action,
            file=path,
            filename=filename[:255],
            size=len(data),
            note=note.strip()[:500],
            uploaded_by=actor.user,
        )
        if action.status == CapStatus.OPEN:
            action.status = CapStatus.PROGRESS
            action.save(update_fields=["status"])
        trail.record(
            actor,
            "audits.cap.evidence_added",
            obj=action,
            org_id=action.audit.owner_id,
            summary={"file": filename[:100]},
        )
        _tell_verifiers_of_evidence(actor, action)
        return evidence

    return _with_files(saved, work)


def _tell_verifiers_of_evidence(actor: Actor, action: CorrectiveAction) -> None:
    """E-mail, after the commit, those who verify the action that evidence is waiting: the audit
    firm and the members that may read the audit and source from the site (those told of an
    extension request too); not the organisation that added it. The e-mail says where, not what."""
    audit = action.audit
    verifiers = [audit.entering_firm_id] if audit.entering_firm_id else []
    verifiers += linked_readers(audit)
    uploader_org = actor.org.pk if actor.org is not None else None
    uploader = actor.user.email if actor.user is not None else ""
    recipients = [
        person for person in _site_people(*[o for o in verifiers if o != uploader_org]) if person.email != uploader
    ]
    if not recipients:
        return
    site = audit.facility

    def write() -> tuple[str, str]:
        subject = _("Evidence added: corrective action at %(site)s") % {"site": site.name}
        body = _("New evidence was added to a corrective action at %(site)s (%(id)s), ready to verify.\n%(link)s\n") % {
            "site": site.name,
            "id": site.public_id,
            "link": f"{settings.SITE_URL}/audits/actions/{action.pk}/",
        }
        return subject, body

    transaction.on_commit(_mailer(recipients, write))


def can_verify(actor: Actor, action: CorrectiveAction) -> bool:
    """The audit firm of the audit, or a member the audit is shared with, verifies; never the site itself."""
    return action.status != CapStatus.CLOSED and _is_verifier(actor, action)


def _is_verifier(actor: Actor, action: CorrectiveAction) -> bool:
    if actor.org is None or not actor.can_edit:
        return False
    audit = action.audit
    if actor.kind == OrgKind.AUDIT_FIRM:
        return audit.entering_firm_id == actor.org.pk
    if actor.kind == OrgKind.MEMBER:
        return visible_audits(actor).filter(pk=audit.pk).exists()
    return False


@transaction.atomic
def verify_action(actor: Actor, action: CorrectiveAction, *, method: str, note: str = "") -> CorrectiveAction:
    """Close an action after checking it (desk review of documents, or a follow-up audit)."""
    if not _is_verifier(actor, action):
        raise PermissionDenied(_("You may not verify this action."))
    if action.status == CapStatus.CLOSED:
        raise Conflict(_("This action is closed."))
    if method not in Verification.values:
        raise ValidationError(_("Say how the action was verified: desk review or follow-up audit."))
    action.status = CapStatus.CLOSED
    action.verification_method = method
    action.verified_by = actor.user
    action.verified_by_org = actor.org
    action.verification_note = note.strip()
    action.closed_at = timezone.now()
    action.save()
    trail.record(
        actor,
        "audits.cap.verified",
        obj=action,
        org_id=action.audit.owner_id,
        summary={"method": method, "by": actor.org.name if actor.org else ""},
    )
    refresh_site_signals(action.audit.facility_id)
    return action


def can_decide_extension(actor: Actor, action: CorrectiveAction) -> bool:
    """Who verifies the action decides on its deadline: the audit firm of the audit, or a member
    that may read the audit (see :func:`can_verify`); never the site itself."""
    return _is_verifier(actor, action)


def request_extension(actor: Actor, action: CorrectiveAction, *, to_date: date, reason: str) -> DeadlineExtension:
    """The supplier asks to move a deadline, with a reason; the deadline moves only once approved."""
    org = actor.require_kind(OrgKind.SUPPLIER)
    actor.require_edit()
    audit = action.audit
    if audit.owner_id != org.pk:
        raise PermissionDenied(_("Only the site's supplier asks for more time."))
    if audit.status != AuditStatus.ACTIVE or action.status == CapStatus.CLOSED:
        raise Conflict(_("This action is closed."))
    current = action.due_date
    if current is None:
        raise ValidationError(_("Collaborative actions have no deadline of their own."))
    errors = []
    if not reason.strip():
        errors.append(_("Say why the site needs more time."))
    if to_date <= current:
        errors.append(
            _("The new deadline must be later than the current one (%(due)s).") % {"due": f"{current:%Y-%m-%d}"}
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        CorrectiveAction.objects.select_for_update().filter(pk=action.pk).first()
        if DeadlineExtension.objects.filter(action=action, status=ExtensionStatus.PENDING).exists():
            raise Conflict(_("An extension of this deadline is already waiting for a decision."))
        extension = DeadlineExtension.objects.create(
            action=action,
            from_date=current,
            to_date=to_date,
            reason=reason.strip()[:2000],
            requested_by=actor.user,
        )
        trail.record(
            actor,
            "audits.cap.extension_requested",
            obj=action,
            org_id=audit.owner_id,
            summary={"from": current, "to": to_date},
        )
        deciders = [audit.entering_firm_id] if audit.entering_firm_id else []
        deciders += linked_readers(audit)
        recipients = _site_people(*deciders)
        if recipients:

            def write() -> tuple[str, str]:
                subject = _("Extension requested: corrective action due on %(due)s") % {"due": f"{current:%Y-%m-%d}"}
                body = _(
                    "%(site)s (%(id)s) asks to move a corrective action's deadline from %(from)s to %(to)s.\n%(link)s\n"
                ) % {
                    "site": audit.facility.name,
                    "id": audit.facility.public_id,
                    "from": f"{current:%Y-%m-%d}",
                    "to": f"{to_date:%Y-%m-%d}",
                    "link": f"{settings.SITE_URL}/audits/actions/{action.pk}/",
                }
                return subject, body

            transaction.on_commit(_mailer(recipients, write))
    return extension


def decide_extension(actor: Actor, extension: DeadlineExtension, *, approve: bool, note: str = "") -> DeadlineExtension:
    """The audit firm or a verifying member approves (the deadline moves) or refuses a request."""
    action = extension.action
    if not can_decide_extension(actor, action):
        raise PermissionDenied(_("You may not decide on this deadline."))
    with transaction.atomic():
        extension = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
        if extension.status != ExtensionStatus.PENDING:
            raise Conflict(_("This request was already answered."))
        if action.status == CapStatus.CLOSED:
            raise Conflict(_("This action is closed."))
        extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        extension.decided_by = actor.user
        extension.decided_by_org = actor.org
        extension.decided_at = timezone.now()
        extension.decision_note = note.strip()[:500]
        extension.save()
        if approve:
            action.due_date = extension.to_date
            action.save(update_fields=["due_date"])
            # Reminders follow the new deadline.
            CapReminder.objects.filter(action=action).delete()
        trail.record(
            actor,
            "audits.cap.extension_decided",
            obj=action,
            org_id=action.audit.owner_id,
            summary={
                "approved": approve,
                "from": extension.from_date,
                "to": extension.to_date,
                "by": actor.org.name if actor.org else "",
            },
        )
        recipients = _site_people(action.audit.owner_id)
        if recipients:

            def write() -> tuple[str, str]:
                subject = (
                    _("Extension approved: the corrective action is now due on %(due)s")
                    if approve
                    else _("Extension refused: the corrective action stays due on %(due)s")
                ) % {"due": f"{(extension.to_date if approve else extension.from_date):%Y-%m-%d}"}
                return subject, f"{settings.SITE_URL}/audits/actions/{action.pk}/\n"

            transaction.on_commit(_mailer(recipients, write))
    return extension


ZERO_TOLERANCE = "critical"


def alert_zero_tolerance(audit: Audit) -> int:
    """Tell the members that may read the audit and source from the site of its zero-tolerance
    (critical) findings, in the app and by e-mail after the commit; once per finding and member.

    Called wherever an audit or a member's right to read it comes into being (entry,
    submission, new or regraded findings, a share), so a member is told as soon as it may know."""
    if audit.status != AuditStatus.ACTIVE:
        return 0
    findings = list(audit.findings.filter(severity=ZERO_TOLERANCE))
    if not findings:
        return 0
    readers = linked_readers(audit)
    if not readers:
        return 0
    told = set(ZeroToleranceAlert.objects.filter(finding__in=findings).values_list("finding_id", "org_id"))
    new = [
        ZeroToleranceAlert(finding=f, audit=audit, org_id=org_id)
        for f in findings
        for org_id in readers
        if (f.pk, org_id) not in told
    ]
    if not new:
        return 0
    ZeroToleranceAlert.objects.bulk_create(new)
    per_org: dict[int, int] = {}
    for alert in new:
        per_org[alert.org_id] = per_org.get(alert.org_id, 0) + 1
    trail.record(
        Actor.system(via="task"),
        "audits.finding.zero_tolerance_alerted",
        obj=audit,
        org_id=audit.owner_id,
        summary={"members": len(per_org), "alerts": len(new)},
    )
    site = audit.facility
    link = f"{settings.SITE_URL}/audits/{audit.pk}/"
    for org_id, count in per_org.items():
        recipients = _site_people(org_id)
        if not recipients:
            continue

        # The e-mail says where and how many; what was found is read in the app, by those allowed to.
        def write(count: int = count) -> tuple[str, str]:
            subject = _("Zero-tolerance finding at %(site)s") % {"site": site.name}
            body = _(
                "%(n)s zero-tolerance finding(s) in the %(scheme)s audit of %(site)s (%(id)s), last day on site "
                "%(date)s.\n%(link)s\n"
            ) % {
                "n": count,
                "scheme": audit.scheme_version.label,
                "site": site.name,
                "id": site.public_id,
                "date": f"{audit.end_date:%Y-%m-%d}",
                "link": link,
            }
            return subject, body

        transaction.on_commit(_mailer(recipients, write))
    return len(new)


def _site_people(*org_ids: int | None) -> list[Recipient]:
    """The administrators and editors of these organisations (the site's supplier, a firm, members),
    each with their language; nobody for an audit held for a site without a supplier (its
    reminders and decisions reach the supplier once it takes the audit over)."""
    return people_to_tell([org_id for org_id in org_ids if org_id is not None])


def _mailer(recipients: list[Recipient], write: mail.Writer) -> Callable[[], None]:
    """Send after the commit, each recipient in their own language (``write`` runs once per language)."""
    return mail.after_commit(recipients, write)


def send_cap_reminders(today: date | None = None, days_before: int = 7) -> int:
    """E-mail the site's supplier before and after each open deadline; once per action and stage."""
    today = today or timezone.localdate()
    sent = 0
    system = Actor.system(via="task")
    actions = (
        CorrectiveAction.objects.exclude(status=CapStatus.CLOSED)
        .filter(audit__status=AuditStatus.ACTIVE, due_date__isnull=False)
        .select_related("finding", "audit__facility")
    )
    for action in actions:
        stage = rules.reminder_stage(action.due_date, today, days_before=days_before)
        if stage is None or CapReminder.objects.filter(action=action, stage=stage).exists():
            continue
        recipients = _site_people(action.audit.owner_id)
        with transaction.atomic():
            CapReminder.objects.create(action=action, stage=stage)
            trail.record(
                system, "audits.cap.reminded", obj=action, org_id=action.audit.owner_id, summary={"stage": stage}
            )

            def write(action: CorrectiveAction = action, stage: str = stage) -> tuple[str, str]:
                due = f"{action.due_date:%Y-%m-%d}"
                subject = (
                    _("Corrective action due on %(due)s")
                    if stage == "before"
                    else _("Corrective action overdue since %(due)s")
                ) % {"due": due}
                body = _("%(site)s (%(id)s), finding %(section)s %(grade)s.") % {
                    "site": action.audit.facility.name,
                    "id": action.audit.facility.public_id,
                    "section": action.finding.section,
                    "grade": action.finding.grade,
                }
                return subject, f"{body}\n{settings.SITE_URL}/audits/actions/{action.pk}/\n"

            if recipients:
                transaction.on_commit(_mailer(recipients, write))
        sent += 1
    return sent


# --- Recognition, schemes and the APSCA register (secretariat) ---------------------------------


@transaction.atomic
def set_policy(
    actor: Actor,
    *,
    version_ids: Sequence[int],
    max_age_months: int,
    require_qualified_auditor: bool,
    required_pillars: Sequence[str],
    accept_self_reported: bool = False,
    min_overlap: int | None = None,
) -> RecognitionPolicy:
    """The secretariat sets the sector benchmark; a member sets its own (which can only be stricter)."""
    org = actor.require_kind(OrgKind.SECRETARIAT, OrgKind.MEMBER)
    actor.require_admin()
    if not 1 <= max_age_months <= 120:
        raise ValidationError(_("The maximum age is between 1 and 120 months."))
    if min_overlap is not None and not 0 <= min_overlap <= 100:
        raise ValidationError(_("The minimum overlap is a percentage between 0 and 100."))
    versions = list(SchemeVersion.objects.filter(pk__in=version_ids))
    owner = None if org.kind == OrgKind.SECRETARIAT else org
    if owner is None and not versions:
        raise ValidationError(_("The sector benchmark must accept at least one scheme."))
    policy = (
        RecognitionPolicy.objects.select_for_update().filter(org__isnull=True).first()
        if owner is None
        else RecognitionPolicy.objects.select_for_update().filter(org=owner).first()
    )
    if policy is None:
        policy = RecognitionPolicy(org=owner)
    policy.max_age_months = max_age_months
    policy.require_qualified_auditor = require_qualified_auditor
    policy.required_pillars = sorted(set(required_pillars))
    policy.accept_self_reported = accept_self_reported
    policy.min_overlap = min_overlap
    policy.updated_at = timezone.now()
    policy.save()
    policy.accepted_versions.set(versions)
    if owner is None:
        # The benchmark says which audits lower risk (signals_for): every audited site again.
        _refresh_all_after_commit()
    trail.record(
        actor,
        "audits.policy.set",
        obj=policy,
        summary={
            "scope": "sector" if owner is None else "member",
            "versions": sorted(v.label for v in versions),
            "max_age_months": max_age_months,
            "qualified_auditor": require_qualified_auditor,
            "pillars": policy.required_pillars,
            "self_reported": accept_self_reported,
            "min_overlap": min_overlap,
        },
    )
    return policy


def _lines(text: str, size: int, label: str) -> list[list[str]]:
    rows = []
    for number, line in enumerate(text.strip().splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < size or not parts[0]:
            raise ValidationError(
                _("%(what)s, line %(n)s: expected %(size)s parts separated by |.")
                % {"what": label, "n": number, "size": size}
            )
        rows.append(parts)
    return rows


def _yes(value: str) -> bool:
    return value.strip().lower() in {"yes", "ja", "true", "1", "y", "x"}


@transaction.atomic
def add_scheme_version(
    actor: Actor,
    *,
    scheme_code: str,
    scheme_name: str,
    version: str,
    label: str,
    sections: str,
    grades: str,
    ratings: str = "",
    validity_months: int = 24,
    pillars: Sequence[str] = ("labour", "health_safety"),
) -> SchemeVersion:
    """Add a scheme (or a version of one) as data: sections, grades and ratings one per line, parts split by |."""
    actor.require_kind(OrgKind.SECRETARIAT)
    actor.require_edit()
    topics = topic_codes()
    section_rows = _lines(sections, 2, _("Sections"))
    grade_rows = _lines(grades, 3, _("Grades"))
    rating_rows = _lines(ratings, 5, _("Ratings")) if ratings.strip() else []
    errors = []
    clauses = set(clause_codes())
    reference_map: dict[str, list[str]] = {}
    for row in section_rows:
        topic = row[2] if len(row) > 2 else ""
        if topic and topic not in topics:
            errors.append(
                _("'%(value)s' is not a topic (%(known)s).") % {"value": topic, "known": ", ".join(sorted(topics))}
            )
        # A fourth part names the reference protocol's clauses the section covers (comma or space separated).
        codes = [c.upper() for c in (row[3] if len(row) > 3 else "").replace(",", " ").split()]
        unknown = [c for c in codes if c not in clauses]
        if unknown:
            errors.append(
                _("Section %(code)s: %(value)s is not a clause of the reference protocol (%(known)s).")
                % {"code": row[0], "value": ", ".join(unknown), "known": ", ".join(clause_codes())}
            )
        elif codes:
            reference_map[row[0]] = sorted(set(codes), key=codes.index)
    for row in grade_rows:
        if row[2] not in {"critical", "major", "minor", "none"}:
            errors.append(_("Grade %(code)s: severity must be critical, major, minor or none.") % {"code": row[0]})
    parsed_ratings = []
    for row in rating_rows:
        try:
            parsed_ratings.append(
                {
                    "code": row[0],
                    "min": int(row[1]),
                    "max": int(row[2]),
                    "valid_months": int(row[3]),
                    "follow_up_months": int(row[4]) if row[4] else None,
                }
            )
        except ValueError:
            errors.append(_("Rating %(code)s: use whole numbers.") % {"code": row[0]})
    if not section_rows or not grade_rows:
        errors.append(_("A scheme needs at least one section and one grade."))
    if not version.strip() or not label.strip() or not scheme_code.strip():
        errors.append(_("Give the scheme's code, the version and a label."))
    if not 1 <= validity_months <= 120:
        errors.append(_("Validity is between 1 and 120 months."))
    if errors:
        raise ValidationError(errors)
    scheme, created = AuditScheme.objects.get_or_create(
        code=scheme_code.strip().lower()[:40], defaults={"name": scheme_name.strip() or scheme_code, "is_custom": True}
    )
    if SchemeVersion.objects.filter(scheme=scheme, version=version.strip()).exists():
        raise ValidationError(_("This version of the scheme exists already."))
    item = SchemeVersion.objects.create(
        scheme=scheme,
        version=version.strip()[:40],
        label=label.strip()[:120],
        sections=[{"code": r[0], "name": r[1], "topic": r[2] if len(r) > 2 else ""} for r in section_rows],
        grades=[
            {
                "code": r[0],
                "name": r[1],
                "severity": r[2],
                "non_compliance": r[2] != "none" if len(r) < 4 else _yes(r[3]),
                "collaborative": len(r) > 4 and _yes(r[4]),
            }
            for r in grade_rows
        ],
        ratings=parsed_ratings,
        validity_months=validity_months,
        pillars=list(pillars),
        reference_map=reference_map,
    )
    trail.record(
        actor,
        "audits.scheme.added",
        obj=item,
        org_id=None,
        summary={"label": item.label, "new_scheme": created, "overlap": item.reference_overlap},
    )
    return item


APSCA_COLUMNS = {
    "number": ("number", "apsca number", "apsca id", "id", "member number"),
    "name": ("name", "auditor", "full name"),
    "level": ("level", "membership level", "type"),
    "status": ("status", "membership status"),
    "valid_until": ("valid until", "expiry", "expires", "expiry date", "valid to"),
}


def import_apsca_register(actor: Actor, *, filename: str, data: bytes) -> int:
    """Replace the APSCA register with a CSV/XLSX export: every row valid, or nothing changes."""
    actor.require_kind(OrgKind.SECRETARIAT)
    actor.require_edit()
    try:
        table = read_table(data, filename, max_rows=200_000)
    except TableError as exc:
        raise ValidationError(file_error_text(exc)) from exc
    columns = _map_columns(table.headers, APSCA_COLUMNS)
    missing = [c for c in ("number", "name", "status") if c not in columns]
    if missing:
        raise ValidationError(
            _("The file needs the columns: number, name, status (missing: %(missing)s).")
            % {"missing": ", ".join(missing)}
        )
    errors: list[str] = []
    rows: dict[str, ApscaAuditor] = {}
    statuses = {
        "active": ApscaStatus.ACTIVE,
        "lapsed": ApscaStatus.LAPSED,
        "expired": ApscaStatus.LAPSED,
        "inactive": ApscaStatus.LAPSED,
        "sanctioned": ApscaStatus.SANCTIONED,
        "suspended": ApscaStatus.SANCTIONED,
    }
    for index, row in enumerate(table.rows):

        def cell(name: str, r: list[str] = row) -> str:
            i = columns.get(name)
            return r[i].strip() if i is not None and i < len(r) else ""

        where = table.row_number(index)
        number = rules.normalise_apsca_number(cell("number"))
        if number is None:
            errors.append(
                _("Row %(row)s: '%(value)s' is not an APSCA number (eight digits).")
                % {"row": where, "value": cell("number")}
            )
            continue
        status = statuses.get(cell("status").lower())
        if status is None:
            errors.append(_("Row %(row)s: status must be active, lapsed or sanctioned.") % {"row": where})
            continue
        valid_until = None
        if cell("valid_until"):
            try:
                valid_until = date.fromisoformat(cell("valid_until")[:10])
            except ValueError:
                errors.append(
                    _("Row %(row)s: '%(value)s' is not a date (YYYY-MM-DD).")
                    % {"row": where, "value": cell("valid_until")}
                )
                continue
        if number in rows:
            errors.append(_("Row %(row)s: %(number)s appears twice.") % {"row": where, "number": number})
            continue
        rows[number] = ApscaAuditor(
            number=number, name=cell("name")[:200], level=cell("level")[:20], status=status, valid_until=valid_until
        )
    if errors:
        raise ValidationError(
            errors[:50] + ([_("… and %(n)s more.") % {"n": len(errors) - 50}] if len(errors) > 50 else [])
        )
    with transaction.atomic():
        ApscaAuditor.objects.all().delete()
        ApscaAuditor.objects.bulk_create(rows.values(), batch_size=2000)
        became, lost = _recheck_auditors()
        if became or lost:
            _refresh_all_after_commit()  # a benchmark requiring qualified auditors recognises others now
        trail.record(
            actor,
            "audits.apsca.imported",
            org_id=None,
            object_type="audits.apscaauditor",
            summary={
                "file": filename[:100],
                "auditors": len(rows),
                "audits_now_qualified": became,
                "audits_no_longer_qualified": lost,
            },
        )
    return len(rows)


# --- Audit requests and joint audits ---------------------------------------------------------


@transaction.atomic
def request_audit(
    actor: Actor, facility: Facility, *, note: str = "", estimated_cost: Decimal | None = None
) -> AuditRequest:
    """A member asks for an audit of a site it sources from.

    A recognised audit the member may read is offered first; only when there is none
    is the request joined with other members' requests for the site into one audit.
    An audit not shared with the member is never offered: that alone would tell it
    what the supplier chose not to share (the member may ask the supplier for the
    site's audits with :func:`request_access`).
    """
    org = actor.require_kind(OrgKind.MEMBER)
    actor.require_edit()
    if not active_links().filter(org=org, facility=facility).exists():
        raise ValidationError(_("Link the site to your supply chain first."))
    existing = AuditRequest.objects.filter(
        org=org, facility=facility, status__in=[AuditRequestStatus.COVERED, AuditRequestStatus.JOINED]
    ).first()
    if existing is not None:
        return existing
    recognised = (
        recognised_audits(effective_policy(org), audits=visible_audits(actor))
        .filter(facility=facility)
        .order_by("-end_date")
        .first()
    )
    if recognised is not None:
        request = AuditRequest.objects.create(
            org=org,
            facility=facility,
            requested_by=actor.user,
            note=note.strip()[:500],
            status=AuditRequestStatus.COVERED,
            offered_audit=recognised,
        )
    else:
        joint = JointAudit.objects.select_for_update().filter(
            facility=facility, status=JointAuditStatus.PLANNING
        ).first() or JointAudit.objects.create(facility=facility, estimated_cost=estimated_cost, opened_by=org)
        request = AuditRequest.objects.create(
            org=org,
            facility=facility,
            requested_by=actor.user,
            note=note.strip()[:500],
            status=AuditRequestStatus.JOINED,
            joint=joint,
        )
    trail.record(
        actor,
        "audits.request.created",
        obj=request,
        summary={"facility": facility.public_id, "outcome": request.status},
    )
    return request


def cost_share(joint: JointAudit, org_id: int | None = None) -> tuple[int, Decimal | None]:
    """Members in a joint audit split its cost: (members, one member's amount).

    A member with an agreed percentage pays that; the rest is split equally among the others
    (``rules.cost_split``). Without ``org_id``: the equal share of those without a percentage."""
    rows = list(
        joint.requests.exclude(status=AuditRequestStatus.CANCELLED)
        .order_by("created_at", "pk")
        .values_list("org_id", "cost_share_percent")
    )
    if not rows or joint.estimated_cost is None:
        return len(rows), None
    amounts = rules.cost_split(joint.estimated_cost, [percent for _org, percent in rows])
    if org_id is not None:
        return len(rows), next((a for (o, _p), a in zip(rows, amounts, strict=True) if o == org_id), None)
    return len(rows), next((a for (_o, p), a in zip(rows, amounts, strict=True) if p is None), None)


# --- Joint audits (issue 13, item 7) ---------------------------------------------------------
#
# Members that source from one site plan one audit together: one opens it (the scheme version
# wanted, a date, the estimated cost), others join as co-funders with an agreed share or an equal
# one, the opener chooses the audit firm, and the firm (or the site's supplier) links the audit
# that fulfils it. Linking shares nothing: each co-funder that may not read the audit yet is put
# in the supplier's queue of access requests, and the joint audit is done once the supplier has
# shared the audit with every co-funder (_fulfil_joint_requests). Consent stays with the supplier.


def _live_requests(joint: JointAudit) -> QuerySet[AuditRequest]:
    """The co-funders' requests (those that left are cancelled)."""
    return AuditRequest.objects.filter(joint=joint).exclude(status=AuditRequestStatus.CANCELLED)


def _require_linked_member(actor: Actor, facility: Facility) -> Organisation:
    org = actor.require_kind(OrgKind.MEMBER)
    actor.require_edit()
    if not active_links().filter(org=org, facility=facility).exists():
        raise ValidationError(_("Link the site to your supply chain first."))
    return org


def _check_plan(scheme_version: SchemeVersion | None, target_date: date | None, estimated_cost: Decimal | None) -> None:
    errors = []
    if scheme_version is not None and not scheme_version.is_active:
        errors.append(_("Choose a current scheme version."))
    if target_date is not None and target_date < timezone.localdate():
        errors.append(_("The date wanted is in the past."))
    if estimated_cost is not None and estimated_cost < 0:
        errors.append(_("The estimated cost cannot be negative."))
    if errors:
        raise ValidationError(errors)


def _check_shares(percent: Decimal | None, others: Sequence[Decimal | None]) -> None:
    if not rules.shares_fit([*others, percent]):
        raise ValidationError(
            _("An agreed share is above 0 and at most 100 %, and all agreed shares together at most 100 %.")
        )


def can_plan_joint(actor: Actor, joint: JointAudit) -> bool:
    """The member that opened the joint audit plans it (firm, scheme, date, cost) while it is open;
    a joint audit from before anyone opened it may be planned by any co-funder."""
    if actor.kind != OrgKind.MEMBER or actor.org is None or not actor.can_edit:
        return False
    if joint.status != JointAuditStatus.PLANNING or joint.audit_id is not None:
        return False
    if joint.opened_by_id is not None:
        return joint.opened_by_id == actor.org.pk
    return _live_requests(joint).filter(org=actor.org).exists()


@transaction.atomic
def open_joint_audit(
    actor: Actor,
    facility: Facility,
    *,
    scheme_version: SchemeVersion | None = None,
    target_date: date | None = None,
    estimated_cost: Decimal | None = None,
    note: str = "",
    cost_share_percent: Decimal | None = None,
) -> JointAudit:
    """A member opens a joint audit for a site in its chain without a recognised audit it may read.

    One joint audit is planned per site at a time: when one is open, the member joins it instead."""
    org = _require_linked_member(actor, facility)
    _check_plan(scheme_version, target_date, estimated_cost)
    _check_shares(cost_share_percent, [])
    if recognised_audits(effective_policy(org), audits=visible_audits(actor)).filter(facility=facility).exists():
        raise ValidationError(
            _("A recognised audit of this site that you may read exists already: no new audit is needed.")
        )
    joint = JointAudit.objects.select_for_update().filter(facility=facility, status=JointAuditStatus.PLANNING).first()
    if joint is not None and _live_requests(joint).filter(org=org).exists():
        raise Conflict(_("You are in this site's joint audit already."))
    if joint is not None and _live_requests(joint).exists():
        raise Conflict(_("A joint audit of this site is being planned already: join it."))
    # A planned joint audit everyone left is taken over rather than duplicated.
    joint = joint or JointAudit(facility=facility)
    joint.opened_by = org
    joint.scheme_version = scheme_version
    joint.target_date = target_date
    joint.estimated_cost = estimated_cost
    joint.note = note.strip()[:500]
    joint.save()
    AuditRequest.objects.create(
        org=org,
        facility=facility,
        requested_by=actor.user,
        note=note.strip()[:500],
        status=AuditRequestStatus.JOINED,
        joint=joint,
        cost_share_percent=cost_share_percent,
    )
    trail.record(
        actor,
        "audits.joint.opened",
        obj=joint,
        summary={
            "facility": facility.public_id,
            "scheme": scheme_version.label if scheme_version else "",
            "target_date": target_date.isoformat() if target_date else "",
            "estimated_cost": str(estimated_cost) if estimated_cost is not None else "",
        },
    )
    return joint


@transaction.atomic
def join_joint_audit(actor: Actor, joint: JointAudit, *, cost_share_percent: Decimal | None = None) -> AuditRequest:
    """A member linked to the site joins as a co-funder, with an agreed share (percent) or an equal one.

    A co-funder joining again changes its agreed share."""
    org = _require_linked_member(actor, joint.facility)
    joint = JointAudit.objects.select_for_update(of=("self",)).select_related("facility").get(pk=joint.pk)
    if joint.status != JointAuditStatus.PLANNING or joint.audit_id is not None:
        raise Conflict(_("This joint audit's audit is linked: it takes no more co-funders."))
    live = list(_live_requests(joint))
    own = next((r for r in live if r.org_id == org.pk), None)
    _check_shares(cost_share_percent, [r.cost_share_percent for r in live if r is not own])
    summary = {
        "facility": joint.facility.public_id,
        "cost_share_percent": str(cost_share_percent) if cost_share_percent is not None else "",
    }
    if own is not None:
        if own.cost_share_percent != cost_share_percent:
            own.cost_share_percent = cost_share_percent
            own.save(update_fields=["cost_share_percent"])
            trail.record(actor, "audits.joint.share_changed", obj=joint, summary=summary)
        return own
    request = AuditRequest.objects.create(
        org=org,
        facility=joint.facility,
        requested_by=actor.user,
        status=AuditRequestStatus.JOINED,
        joint=joint,
        cost_share_percent=cost_share_percent,
    )
    if joint.opened_by_id is None:
        joint.opened_by = org
        joint.save(update_fields=["opened_by"])
    trail.record(actor, "audits.joint.joined", obj=joint, summary=summary)
    return request


@transaction.atomic
def leave_joint_audit(actor: Actor, joint: JointAudit) -> AuditRequest:
    """A co-funder leaves before the audit is linked; the opener's role passes to the longest-standing co-funder."""
    org = actor.require_kind(OrgKind.MEMBER)
    actor.require_edit()
    joint = JointAudit.objects.select_for_update(of=("self",)).select_related("facility").get(pk=joint.pk)
    own = _live_requests(joint).filter(org=org).first()
    if own is None:
        raise Conflict(_("You are not in this joint audit."))
    if joint.status != JointAuditStatus.PLANNING or joint.audit_id is not None:
        raise Conflict(_("The audit is linked: co-funders can no longer leave."))
    own.status = AuditRequestStatus.CANCELLED
    own.save(update_fields=["status"])
    if joint.opened_by_id == org.pk:
        successor = _live_requests(joint).order_by("created_at", "pk").first()
        joint.opened_by_id = successor.org_id if successor else None
        joint.save(update_fields=["opened_by"])
    trail.record(actor, "audits.joint.left", obj=joint, summary={"facility": joint.facility.public_id})
    return own


@transaction.atomic
def plan_joint_audit(
    actor: Actor,
    joint: JointAudit,
    *,
    audit_firm: Organisation | None,
    scheme_version: SchemeVersion | None,
    target_date: date | None,
    estimated_cost: Decimal | None,
    note: str = "",
) -> JointAudit:
    """The opener records what the co-funders agreed: the audit firm, the scheme version, the date, the cost."""
    actor.require_kind(OrgKind.MEMBER)
    actor.require_edit()
    joint = JointAudit.objects.select_for_update(of=("self",)).select_related("facility", "audit_firm").get(pk=joint.pk)
    if joint.status != JointAuditStatus.PLANNING or joint.audit_id is not None:
        raise Conflict(_("The audit is linked: the plan can no longer change."))
    if not can_plan_joint(actor, joint):
        raise PermissionDenied(_("The member that opened the joint audit plans it."))
    _check_plan(scheme_version, target_date, estimated_cost)
    if audit_firm is not None and (audit_firm.kind != OrgKind.AUDIT_FIRM or not audit_firm.is_active):
        raise ValidationError(_("Choose an audit firm."))
    if audit_firm is not None and audit_firm.apsca_status == ApscaFirmStatus.SUSPENDED:
        raise ValidationError(_("%(firm)s is suspended by APSCA: choose another firm.") % {"firm": audit_firm.name})
    new_firm = audit_firm is not None and audit_firm.pk != joint.audit_firm_id
    values = {
        "audit_firm": audit_firm,
        "scheme_version": scheme_version,
        "target_date": target_date,
        "estimated_cost": estimated_cost,
        "note": note.strip()[:500],
    }
    changed = [name for name, value in values.items() if getattr(joint, name) != value]
    for name, value in values.items():
        setattr(joint, name, value)
    if joint.opened_by_id is None:
        joint.opened_by = actor.org
    joint.save()
    trail.record(
        actor,
        "audits.joint.planned",
        obj=joint,
        summary={
            "facility": joint.facility.public_id,
            "changed": changed,
            "audit_firm": audit_firm.name if audit_firm else "",
        },
    )
    if new_firm and audit_firm is not None:

        def write() -> tuple[str, str]:
            body = _(
                "Members planning a joint audit of %(site)s chose your firm. See Joint audits in Covenant; "
                "link the audit there once it is submitted."
            ) % {"site": joint.facility.name}
            return _("A joint audit chose your firm"), body

        transaction.on_commit(_mailer(_site_people(audit_firm.pk), write))
    return joint


@transaction.atomic
def link_joint_audit(actor: Actor, joint: JointAudit, audit: Audit) -> JointAudit:
    """The chosen audit firm, or the site's supplier, links the audit that fulfils the joint audit.

    The link shares nothing: co-funders that may already read the audit are answered at once; for
    each of the others an access request goes to the supplier, who decides as for any request. The
    joint audit is done when every co-funder may read the audit."""
    org = actor.require_kind(OrgKind.AUDIT_FIRM, OrgKind.SUPPLIER)
    actor.require_edit()
    joint = JointAudit.objects.select_for_update(of=("self",)).select_related("facility").get(pk=joint.pk)
    allowed = joint.audit_firm_id if org.kind == OrgKind.AUDIT_FIRM else joint.facility.owner_id
    if allowed != org.pk:
        raise PermissionDenied(_("The audit firm the co-funders chose, or the site's supplier, links the audit."))
    if joint.status != JointAuditStatus.PLANNING or joint.audit_id is not None:
        raise Conflict(_("An audit is linked to this joint audit already."))
    if audit.facility_id != joint.facility_id:
        raise ValidationError(_("That audit is of another site."))
    if audit.status != AuditStatus.ACTIVE:
        raise ValidationError(_("Only a submitted audit that is not withdrawn can be linked."))
    if audit.owner_id is None:
        raise ValidationError(
            _(
                "The site has no verified supplier yet to decide who reads the audit: "
                "link it once the supplier has claimed the site."
            )
        )
    joint.audit = audit
    joint.save(update_fields=["audit"])
    members = list(
        Organisation.objects.filter(
            pk__in=_live_requests(joint).filter(status=AuditRequestStatus.JOINED).values("org_id")
        ).order_by("name")
    )
    readers = readers_among(audit, [m.pk for m in members])
    asked = 0
    for member in members:
        if member.pk in readers:
            _fulfil_joint_requests(audit, member)
            continue
        if AccessRequest.objects.filter(
            facility_id=audit.facility_id, org=member, status=RequestStatus.PENDING
        ).exists():
            continue
        request = AccessRequest.objects.create(
            facility_id=audit.facility_id,
            supplier_id=audit.owner_id,
            org=member,
            message=_("Co-funder of the joint audit of this site; the audit of %(date)s is linked to it.")
            % {"date": audit.end_date.isoformat()},
        )
        asked += 1
        trail.record(
            actor,
            "audits.access.requested",
            obj=request,
            org_id=audit.owner_id,
            summary={"facility": joint.facility.public_id, "member": member.name, "joint_audit": joint.pk},
        )
    trail.record(
        actor,
        "audits.joint.linked",
        obj=joint,
        summary={
            "facility": joint.facility.public_id,
            "audit": str(audit.pk),
            "readable_already": len(readers),
            "asked_supplier": asked,
        },
    )
    if asked and audit.owner_id is not None:

        def write() -> tuple[str, str]:
            body = _(
                "%(n)s co-funders of the joint audit of %(site)s ask to read its audit. "
                "Decide on the Audits page in Covenant: nothing is shared until you do."
            ) % {"n": asked, "site": joint.facility.name}
            return _("Members ask to read an audit"), body

        transaction.on_commit(_mailer(_site_people(audit.owner_id), write))
    joint.refresh_from_db()
    return joint


# --- The sector's counters ------------------------------------------------------------


def _counted() -> SectorCount:
    started = time.perf_counter()
    figures = selectors.sector_counters()
    figures["kpis"] = dataclasses.asdict(figures["kpis"])
    return SectorCount(figures=figures, seconds=round(time.perf_counter() - started, 3))


def count_sector() -> SectorCount:
    """Count the sector's audit figures now (every figure an aggregate the database computes,
    ``selectors.sector_counters``) and keep the count: the secretariat's page reads the latest.

    Derived figures, not anybody's change, so no audit event; counts only, no names."""
    count = _counted()
    count.save()
    return count


def sector_count_for_page(max_age: int | None = None) -> SectorCount:
    """The count the sector page shows: the latest one kept. When it is older than ``max_age``
    seconds, or there is none, a new count is asked of the background worker (once per period,
    whoever opens the page); with none kept yet the page counts for itself, without keeping it
    (a read never writes)."""
    latest = selectors.latest_sector_count()
    max_age = settings.AUDIT_SECTOR_COUNT_MAX_AGE if max_age is None else max_age
    stale = latest is None or (timezone.now() - latest.counted_at).total_seconds() > max_age
    if stale and cache.add("audits:sector-count-asked", True, timeout=max(max_age, 1)):
        from covenant.audits.tasks import count_sector_task

        transaction.on_commit(count_sector_task.enqueue)
    return latest if latest is not None else _counted()

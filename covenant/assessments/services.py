"""Writes of the self-assessment: validate, write in a transaction, record on the audit trail,
tell people after the commit (each in their language)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from covenant.assessments import prefill, questionnaire
from covenant.assessments.models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    CycleStatus,
    Evidence,
    Reminder,
    ReminderStage,
)
from covenant.audits.services import EVIDENCE_MAGICS, PDF_MAGIC, check_pdf, max_report_bytes
from covenant.core import audit, mail
from covenant.core.actors import Actor
from covenant.core.errors import Conflict
from covenant.core.roles import OrgKind, Role
from covenant.orgs.models import Organisation
from covenant.orgs.selectors import people_to_tell


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# --- Cycles (secretariat) ------------------------------------------------------------------


def open_cycle(actor: Actor, *, year: int, deadline: date, opens_on: date | None = None, version: str = "") -> Cycle:
    """Open a year's cycle under a questionnaire version (the latest by default). One cycle is
    open at a time; members' administrators and editors are told."""
    if not actor.is_system:
        actor.require_kind(OrgKind.SECRETARIAT)
        actor.require_edit()  # coordinators and programme officers
    opens_on = opens_on or timezone.localdate()
    version = version or questionnaire.latest().version
    if version not in questionnaire.versions():
        raise ValidationError(_("There is no questionnaire version %(v)s.") % {"v": version})
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Give a year between 2000 and 2100."))
    if deadline <= opens_on:
        raise ValidationError(_("The deadline must come after the opening day."))
    with transaction.atomic():
        if Cycle.objects.filter(year=year).exists():
            raise Conflict(_("There is already a cycle for %(year)s.") % {"year": year})
        running = Cycle.objects.filter(status=CycleStatus.OPEN).first()
        if running is not None:
            raise Conflict(_("Close the %(year)s cycle first.") % {"year": running.year})
        cycle = Cycle.objects.create(
            year=year, opens_on=opens_on, deadline=deadline, version=version, opened_by=actor.user
        )
        audit.record(
            actor,
            "assessments.cycle.opened",
            obj=cycle,
            summary={"year": year, "deadline": deadline.isoformat(), "version": version},
        )
        members = Organisation.objects.filter(kind=OrgKind.MEMBER, is_active=True).values_list("pk", flat=True)

        def write() -> tuple[str, str]:
            subject = _("The %(year)s self-assessment is open") % {"year": year}
            body = _("Please submit your organisation's self-assessment by %(deadline)s.") % {
                "deadline": deadline.isoformat()
            }
            return subject, f"{body}\n{_link('/self-assessment/')}\n"

        transaction.on_commit(mail.after_commit(people_to_tell(members), write))
    return cycle


@transaction.atomic
def close_cycle(actor: Actor, cycle: Cycle) -> Cycle:
    """Close a cycle: nothing in it changes any more; drafts stay drafts (counted nowhere)."""
    actor.require_kind(OrgKind.SECRETARIAT)
    actor.require_edit()
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == CycleStatus.CLOSED:
        raise Conflict(_("This cycle is already closed."))
    cycle.status = CycleStatus.CLOSED
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["status", "closed_at"])
    submitted = cycle.assessments.filter(status=AssessmentStatus.SUBMITTED).count()
    audit.record(actor, "assessments.cycle.closed", obj=cycle, summary={"year": cycle.year, "submitted": submitted})
    return cycle


# --- A member's assessment -------------------------------------------------------------------


def _require_member_editor(actor: Actor, assessment: Assessment | None = None) -> Organisation:
    actor.require_kind(OrgKind.MEMBER)
    org = actor.require_edit()
    if assessment is not None and assessment.org_id != org.pk:
        raise PermissionDenied(_("This self-assessment is not your organisation's."))
    return org


def _require_editable(assessment: Assessment) -> None:
    if assessment.status == AssessmentStatus.SUBMITTED:
        raise Conflict(_("This self-assessment is submitted: ask the secretariat to reopen it to change it."))
    if assessment.cycle.status != CycleStatus.OPEN:
        raise Conflict(_("The %(year)s cycle is closed.") % {"year": assessment.cycle.year})


@transaction.atomic
def start(actor: Actor, cycle: Cycle) -> Assessment:
    """The member's assessment in the open cycle, made on first use (a second call returns it)."""
    org = _require_member_editor(actor)
    if cycle.status != CycleStatus.OPEN:
        raise Conflict(_("The %(year)s cycle is closed.") % {"year": cycle.year})
    found = Assessment.objects.filter(cycle=cycle, org=org).first()
    if found is not None:
        return found
    assessment = Assessment.objects.create(cycle=cycle, org=org, version=cycle.version)
    audit.record(actor, "assessments.assessment.started", obj=assessment, summary={"year": cycle.year})
    return assessment


def save_draft(
    actor: Actor,
    assessment: Assessment,
    answers: Mapping[str, object],
    *,
    accept: Iterable[str] = (),
    step: int | None = None,
) -> Assessment:
    """Store answers (item code → value; an empty value clears one). ``accept``: items whose answer
    is the figure the platform shows (counted now, as the page showed it)."""
    _require_member_editor(actor, assessment)
    q = questionnaire.get(assessment.version)
    accept = set(accept)
    errors = []
    cleaned: dict[str, dict[str, object] | None] = {}
    codes = set(answers) | accept
    for code in sorted(codes):
        item = q.item(code)
        if item is None:
            errors.append(_("%(code)s is not a question of version %(v)s.") % {"code": code, "v": q.version})
            continue
        if step is not None and item.step != step:
            continue
        if code in accept and item.prefill:
            figure = prefill.FIGURES[item.prefill](actor) if item.prefill in prefill.FIGURES else None
            if figure is not None and figure.value is not None:
                cleaned[code] = {"value": figure.value, "platform": True}
                continue
        try:
            value = item.clean(answers.get(code))
        except ValueError as exc:
            errors.append(_("%(code)s: give %(what)s.") % {"code": code, "what": exc})
            continue
        cleaned[code] = None if value is None else {"value": value, "platform": False}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().select_related("cycle").get(pk=assessment.pk)
        _require_editable(assessment)
        stored = dict(assessment.answers)
        for code, entry in cleaned.items():
            if entry is None:
                stored.pop(code, None)
            else:
                stored[code] = entry
        assessment.answers = stored
        assessment.updated_at = timezone.now()
        assessment.save(update_fields=["answers", "updated_at"])
        audit.record(
            actor,
            "assessments.assessment.saved",
            obj=assessment,
            summary={"step": step, "changed": len(cleaned), "answered": len(stored)},
        )
    return assessment


def _check_file(name: str, data: bytes) -> None:
    limit = max_report_bytes()
    if len(data) > limit:
        raise ValidationError(_("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)})
    if not data.startswith(EVIDENCE_MAGICS):
        raise ValidationError(_("%(name)s is not a PDF, PNG or JPEG file.") % {"name": name})
    if data.startswith(PDF_MAGIC):
        check_pdf(name, data, limit)


def attach_evidence(
    actor: Actor,
    assessment: Assessment,
    *,
    question: str,
    filename: str = "",
    data: bytes | None = None,
    link: str = "",
    note: str = "",
) -> Evidence:
    """A file (PDF, PNG or JPEG, kept private) or a link supporting the answer to one question."""
    _require_member_editor(actor, assessment)
    assessment = Assessment.objects.select_related("cycle").get(pk=assessment.pk)  # its state now
    _require_editable(assessment)
    q = questionnaire.get(assessment.version)
    if q.item(question) is None and all(x.code != question for x in q.questions):
        raise ValidationError(_("%(code)s is not a question of version %(v)s.") % {"code": question, "v": q.version})
    if not data and not link:
        raise ValidationError(_("Attach a file or give a link."))
    if link:
        URLValidator(schemes=["http", "https"])(link)
    path = ""
    if data:
        _check_file(filename, data)
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename[-80:]) or "file"
        today = timezone.localdate()
        path = default_storage.save(f"self-assessment/{today:%Y/%m}/{uuid.uuid4().hex}-{safe}", ContentFile(data))
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                assessment=assessment,
                question=question,
                file=path,
                filename=filename[:255] if data else "",
                size=len(data or b""),
                link=link[:500],
                note=note.strip()[:500],
                uploaded_by=actor.user,
            )
            audit.record(
                actor,
                "assessments.evidence.added",
                obj=assessment,
                summary={"question": question, "file": filename[:100] if data else "", "link": bool(link)},
            )
    except Exception:
        if path:
            default_storage.delete(path)
        raise
    return evidence


def remove_evidence(actor: Actor, evidence: Evidence) -> None:
    _require_member_editor(actor, evidence.assessment)
    assessment = Assessment.objects.select_related("cycle").get(pk=evidence.assessment_id)  # its state now
    _require_editable(assessment)
    path = evidence.file.name
    with transaction.atomic():
        audit.record(
            actor,
            "assessments.evidence.removed",
            obj=assessment,
            summary={"question": evidence.question, "file": evidence.filename[:100]},
        )
        evidence.delete()
        if path:
            transaction.on_commit(lambda: default_storage.delete(path))


def frozen_figures(actor: Actor, q: questionnaire.Questionnaire) -> dict[str, dict[str, object]]:
    """The platform's figures for the version's pre-filled items, as they stand now."""
    pairs = [(i.code, i.prefill) for i in q.items() if i.prefill]
    return {code: figure.as_dict() for code, figure in prefill.figures_for(actor, pairs).items()}


def submit(actor: Actor, assessment: Assessment) -> Assessment:
    """Check every required answer is given, compute the maturity per step, freeze the platform's
    figures, and lock the answers (only the secretariat can reopen)."""
    _require_member_editor(actor, assessment)
    # The answers as stored, not as the caller last read them.
    assessment = Assessment.objects.select_related("cycle").get(pk=assessment.pk)
    _require_editable(assessment)
    q = questionnaire.get(assessment.version)
    missing = q.missing(assessment.answers)
    if missing:
        shown = ", ".join(i.code for i in missing[:15]) + (" …" if len(missing) > 15 else "")
        raise ValidationError(
            _("Answer every question before submitting: %(n)s open (%(codes)s).") % {"n": len(missing), "codes": shown}
        )
    figures = frozen_figures(actor, q)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().select_related("cycle").get(pk=assessment.pk)
        _require_editable(assessment)
        assessment.scores = q.scores(assessment.answers)
        assessment.prefill = figures
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at = timezone.now()
        assessment.submitted_by = actor.user
        assessment.updated_at = assessment.submitted_at
        assessment.save()
        audit.record(
            actor,
            "assessments.assessment.submitted",
            obj=assessment,
            summary={"year": assessment.cycle.year, "version": assessment.version, "scores": assessment.scores},
        )
    return assessment


def reopen(actor: Actor, assessment: Assessment, *, reason: str) -> Assessment:
    """The secretariat reopens a submitted assessment (the member asked, or it needs correcting);
    the member's administrators and editors are told why."""
    actor.require_kind(OrgKind.SECRETARIAT)
    actor.require_edit()
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why it is reopened: the member reads it."))
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().select_related("cycle", "org").get(pk=assessment.pk)
        if assessment.status != AssessmentStatus.SUBMITTED:
            raise Conflict(_("Only a submitted self-assessment can be reopened."))
        if assessment.cycle.status != CycleStatus.OPEN:
            raise Conflict(_("The %(year)s cycle is closed.") % {"year": assessment.cycle.year})
        assessment.status = AssessmentStatus.REOPENED
        assessment.reopened_reason = reason[:500]
        assessment.reopened_at = timezone.now()
        assessment.save(update_fields=["status", "reopened_reason", "reopened_at"])
        audit.record(
            actor,
            "assessments.assessment.reopened",
            obj=assessment,
            org_id=assessment.org_id,
            summary={"year": assessment.cycle.year},
        )
        year, pk = assessment.cycle.year, assessment.pk

        def write() -> tuple[str, str]:
            subject = _("Your %(year)s self-assessment is reopened") % {"year": year}
            body = _("The secretariat reopened it: %(reason)s") % {"reason": reason}
            return subject, f"{body}\n{_link(f'/self-assessment/{pk}/')}\n"

        transaction.on_commit(mail.after_commit(people_to_tell([assessment.org_id]), write))
    return assessment


# --- Reminders -------------------------------------------------------------------------------------


def reminder_stage(deadline: date, today: date) -> str | None:
    """14 days before the deadline (until 4 days before), 3 days before (until the day), then overdue."""
    days = (deadline - today).days
    if days < 0:
        return ReminderStage.OVERDUE
    if days <= 3:
        return ReminderStage.DAYS_3
    if days <= 14:
        return ReminderStage.DAYS_14
    return None


def send_reminders(today: date | None = None) -> int:
    """E-mail the administrators of members that have not submitted the open cycle's assessment,
    in their language: once at each stage (``Reminder`` rows). Returns the reminders sent."""
    today = today or timezone.localdate()
    system = Actor.system(via="task")
    sent = 0
    for cycle in Cycle.objects.filter(status=CycleStatus.OPEN, opens_on__lte=today):
        stage = reminder_stage(cycle.deadline, today)
        if stage is None:
            continue
        done = cycle.assessments.filter(status=AssessmentStatus.SUBMITTED).values("org_id")
        already = Reminder.objects.filter(cycle=cycle, stage=stage).values("org_id")
        members = (
            Organisation.objects.filter(kind=OrgKind.MEMBER, is_active=True)
            .exclude(pk__in=done)
            .exclude(pk__in=already)
            .order_by("pk")
        )
        for org in members:
            with transaction.atomic():
                Reminder.objects.create(cycle=cycle, org=org, stage=stage)
                audit.record(
                    system,
                    "assessments.reminder.sent",
                    obj=cycle,
                    org_id=org.pk,
                    summary={"year": cycle.year, "stage": str(stage)},
                )

                def write(cycle: Cycle = cycle, stage: str = stage) -> tuple[str, str]:
                    deadline = cycle.deadline.isoformat()
                    if stage == ReminderStage.OVERDUE:
                        subject = _("Your %(year)s self-assessment is overdue") % {"year": cycle.year}
                    else:
                        subject = _("Your %(year)s self-assessment is due on %(deadline)s") % {
                            "year": cycle.year,
                            "deadline": deadline,
                        }
                    body = _("Please submit your organisation's self-assessment (deadline %(deadline)s).") % {
                        "deadline": deadline
                    }
                    return subject, f"{body}\n{_link('/self-assessment/')}\n"

                transaction.on_commit(mail.after_commit(people_to_tell([org.pk], roles=(Role.ADMIN,)), write))
            sent += 1
    return sent

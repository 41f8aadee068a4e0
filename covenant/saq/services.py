"""Writes of self-assessments: drafts, answers, the workforce profile, submission (and its risk
signals), sharing, members' requests, the refugee-influx rule and reminders.

Each write checks the actor's kind and role, writes in one transaction, appends its event to the
audit trail and sends mail after commit. A submitted SAQ is locked: the next one is a new draft.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from covenant.core import mail
from covenant.core.actors import Actor
from covenant.core.audit import record
from covenant.core.errors import Conflict
from covenant.orgs.models import Organisation, OrgKind
from covenant.orgs.selectors import people_to_tell
from covenant.registry.interface import Facility, own_facilities
from covenant.risk import interface as risk
from covenant.saq import questionnaire, selectors
from covenant.saq.models import (
    DUE_DAYS,
    VALID_MONTHS,
    Saq,
    SaqReminder,
    SaqRequest,
    SaqRequestStatus,
    SaqShare,
    SaqSharing,
    SaqStatus,
    add_months,
)

SOURCE = "self_assessment"
TOPIC_CAP = 3.0  # the most one SAQ adds to one topic, however many answers point to it
REFUGEE_INFLUX = "refugee_influx"
WORKFORCE_FIELDS = (
    "workers_women",
    "workers_men",
    "workers_other",
    "migrant_workers",
    "agency_workers",
    "refugee_workers",
    "young_workers",
)


def _require_owner(actor: Actor, saq: Saq) -> Organisation:
    org = actor.require_kind(OrgKind.SUPPLIER)
    actor.require_edit()
    if saq.owner_id != org.pk:
        raise PermissionDenied
    return org


def _require_draft(saq: Saq) -> None:
    if saq.status != SaqStatus.DRAFT:
        raise Conflict(_("This self-assessment was submitted and is locked. Start a new one to change answers."))


def _summary(saq: Saq) -> dict[str, Any]:
    return {"facility": saq.facility.public_id, "version": saq.version}


@transaction.atomic
def start(actor: Actor, facility: Facility) -> Saq:
    """The site's open draft, or a new one under the current version, starting from the last
    submitted answers and workforce profile (only answers the current version still asks)."""
    org = actor.require_kind(OrgKind.SUPPLIER)
    actor.require_edit()
    if not own_facilities(actor).filter(pk=facility.pk).exists():
        raise PermissionDenied
    draft = Saq.objects.filter(facility=facility, owner=org, status=SaqStatus.DRAFT).first()
    if draft is not None:
        return draft
    current = questionnaire.load(questionnaire.CURRENT)
    last = selectors.history(actor, facility).first()
    answers = current.clean(last.answers) if last is not None else {}
    draft = Saq(
        facility=facility,
        owner=org,
        version=current.version,
        answers=answers,
        completeness=current.completeness(answers),
        created_by=actor.user,
    )
    if last is not None:
        for name in WORKFORCE_FIELDS:
            setattr(draft, name, getattr(last, name))
        draft.nationalities = list(last.nationalities)
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:  # another tab started it a moment ago
        return Saq.objects.get(facility=facility, owner=org, status=SaqStatus.DRAFT)
    record(actor, "saq.started", obj=draft, summary={**_summary(draft), "from": last.pk if last else None})
    return draft


@transaction.atomic
def save_section(actor: Actor, saq: Saq, section_code: str, answers: dict[str, Any]) -> Saq:
    """Save a section's answers to a draft (a blank answer clears it); the completeness follows."""
    _require_owner(actor, saq)
    saq = Saq.objects.select_for_update().get(pk=saq.pk)
    _require_draft(saq)
    version = questionnaire.load(saq.version)
    section = version.section(section_code)
    if section is None:
        raise ValidationError(_("Unknown section."))
    codes = {q.code for q in section.questions}
    cleaned = version.clean({k: v for k, v in answers.items() if k in codes})
    merged = {k: v for k, v in saq.answers.items() if k not in codes}
    merged.update(cleaned)
    saq.answers = merged
    saq.completeness = version.completeness(merged)
    saq.updated_at = timezone.now()
    saq.save(update_fields=["answers", "completeness", "updated_at"])
    record(actor, "saq.answers.saved", obj=saq, summary={**_summary(saq), "section": section_code})
    return saq


@dataclass(frozen=True)
class Workforce:
    workers_women: int | None
    workers_men: int | None
    workers_other: int | None
    migrant_workers: int | None
    agency_workers: int | None
    refugee_workers: int | None
    young_workers: int | None
    nationalities: list[tuple[str, int]]


@transaction.atomic
def save_workforce(actor: Actor, saq: Saq, workforce: Workforce) -> Saq:
    """Save the workforce profile of a draft. Groups are counts of people, each within the headcount."""
    _require_owner(actor, saq)
    saq = Saq.objects.select_for_update().get(pk=saq.pk)
    _require_draft(saq)
    headcount = sum(getattr(workforce, n) or 0 for n in ("workers_women", "workers_men", "workers_other"))
    errors = []
    for name in ("migrant_workers", "agency_workers", "refugee_workers", "young_workers"):
        value = getattr(workforce, name)
        if value is not None and value > headcount:
            errors.append(_("A group of workers cannot be larger than the headcount (%(n)s).") % {"n": headcount})
            break
    countries = [c for c, _n in workforce.nationalities]
    if len(countries) != len(set(countries)):
        errors.append(_("Name each nationality once."))
    if sum(n for _c, n in workforce.nationalities) > headcount:
        errors.append(_("The nationalities add up to more than the headcount (%(n)s).") % {"n": headcount})
    if errors:
        raise ValidationError(errors)
    for name in WORKFORCE_FIELDS:
        setattr(saq, name, getattr(workforce, name))
    saq.nationalities = [{"country": c, "count": n} for c, n in sorted(workforce.nationalities, key=lambda x: -x[1])]
    saq.updated_at = timezone.now()
    saq.save()
    record(actor, "saq.workforce.saved", obj=saq, summary=_summary(saq))
    return saq


def missing(saq: Saq) -> list[str]:
    """What stands between a draft and its submission, in words."""
    version = questionnaire.load(saq.version)
    gaps = []
    if version.completeness(saq.answers) < 100:
        gaps.append(
            _("%(done)s%% of the questions answered: answer all (“not applicable” counts).")
            % {"done": version.completeness(saq.answers)}
        )
    if not saq.headcount:
        gaps.append(_("Give the headcount by sex in the workforce profile."))
    return gaps


@transaction.atomic
def submit(actor: Actor, saq: Saq) -> Saq:
    """Lock the draft, valid 12 months; its answers then speak for the site's risk to its readers."""
    _require_owner(actor, saq)
    saq = Saq.objects.select_for_update().select_related("facility").get(pk=saq.pk)
    _require_draft(saq)
    gaps = missing(saq)
    if gaps:
        raise ValidationError(gaps)
    now = timezone.now()
    previous = list(selectors.history(actor, saq.facility).values_list("pk", flat=True))
    saq.status = SaqStatus.SUBMITTED
    saq.submitted_at = now
    saq.submitted_by = actor.user
    saq.valid_until = add_months(timezone.localdate(now), VALID_MONTHS)
    saq.completeness = questionnaire.load(saq.version).completeness(saq.answers)
    saq.save()
    # The new SAQ replaces the site's earlier ones in risk: theirs are withdrawn, its own stated.
    for pk in previous:
        _clear_saq_signals(pk, saq.facility_id)
    apply_signals(saq)
    for facts in risk.running_events(REFUGEE_INFLUX):
        _apply_event(saq, facts)
    record(actor, "saq.submitted", obj=saq, summary={**_summary(saq), "valid_until": saq.valid_until.isoformat()})
    _tell_readers(saq)
    return saq


def _clear_saq_signals(saq_id: int, facility_id: int) -> None:
    risk.clear_signals(source=SOURCE, source_ref=str(saq_id), facility_id=facility_id)
    for facts in risk.running_events(REFUGEE_INFLUX):
        risk.clear_signals(source=SOURCE, source_ref=f"{saq_id}:event:{facts.pk}", facility_id=facility_id)


def signals_of(saq: Saq) -> list[risk.Signal]:
    """One signal per topic the answers point to: the answers' points added up, at most TOPIC_CAP.
    Raise only: answers that signal no risk lower nothing (they are unverified)."""
    if saq.status != SaqStatus.SUBMITTED or saq.submitted_at is None:
        return []
    version = questionnaire.load(saq.version)
    per_topic: dict[str, list[float]] = defaultdict(list)
    known = risk.topic_codes()
    for question, delta in version.risk_answers(saq.answers):
        for topic in question.topics:
            if topic in known:
                per_topic[topic].append(delta)
    day = timezone.localdate(saq.submitted_at)
    out = []
    for topic, deltas in sorted(per_topic.items()):
        explanation = f"Supplier self-assessment of {day.isoformat()}: {len(deltas)} answer(s) point to risk"
        out.append(
            risk.Signal(
                topic=topic,
                delta=min(TOPIC_CAP, sum(deltas)),
                explanation=explanation,
                observed_on=day,
                expires_on=saq.valid_until,
                code="saq_answers",
                params={"date": day.isoformat(), "n": len(deltas), "until": str(saq.valid_until)},
            )
        )
    return out


def apply_signals(saq: Saq) -> int:
    """State the SAQ's signals (a restricted source: only its readers' views move)."""
    return risk.replace_signals(
        facility_id=saq.facility_id, source=SOURCE, source_ref=str(saq.pk), signals=signals_of(saq)
    )


def _tell_readers(saq: Saq) -> None:
    """Members the supplier shares the site's SAQs with one by one are told of the new one, in their
    language. (Customers reading through "all linked customers" are not: the supplier never named them.)"""
    org_ids = SaqShare.objects.filter(
        facility_id=saq.facility_id, supplier_id=saq.owner_id, withdrawn_at__isnull=True
    ).values_list("org_id", flat=True)
    recipients = people_to_tell(sorted(set(org_ids)))
    if not recipients:
        return
    link = settings.SITE_URL + reverse("saq:detail", args=[saq.pk])

    def write() -> tuple[str, str]:
        subject = _("A self-assessment of %(site)s was submitted") % {"site": saq.facility.name}
        return subject, render_to_string("saq/email/submitted.txt", {"saq": saq, "link": link})

    transaction.on_commit(mail.after_commit(recipients, write))


# --- Refugee influx: the workforce profile flags a site wherever it is --------------------------


def _apply_event(saq: Saq, facts: risk.EventFacts) -> None:
    """A site whose current SAQ says it employs refugees is exposed to a refugee-influx event even
    outside its regions: a restricted signal raising the event's topics, seen by the SAQ's readers."""
    ref = f"{saq.pk}:event:{facts.pk}"
    today = timezone.localdate()
    exposed = (
        facts.active
        and saq.status == SaqStatus.SUBMITTED
        and saq.employs_refugees
        and saq.valid_until is not None
        and saq.valid_until >= today
        and saq.facility_id in risk.outside_event_area(facts.pk, [saq.facility_id])
    )
    if not exposed:
        risk.clear_signals(source=SOURCE, source_ref=ref, facility_id=saq.facility_id)
        return
    assert saq.valid_until is not None and saq.submitted_at is not None
    until = min(d for d in (facts.ends_on, saq.valid_until) if d is not None)
    day = timezone.localdate(saq.submitted_at)
    signals = [
        risk.Signal(
            topic=topic,
            delta=min(risk.MAX_DELTA, facts.raise_by),
            explanation=f"Supplier self-assessment of {day.isoformat()}: employs refugee workers; risk event",
            observed_on=facts.starts_on,
            expires_on=until,
            code="saq_refugee_event",
            params={"date": day.isoformat(), "title": facts.title},
        )
        for topic in facts.topics
    ]
    risk.replace_signals(facility_id=saq.facility_id, source=SOURCE, source_ref=ref, signals=signals)


def on_event(facts: risk.EventFacts) -> None:
    """Registered with risk: a refugee-influx event was declared, re-stated or ended."""
    if facts.kind != REFUGEE_INFLUX:
        return
    current = {s.pk for s in selectors.current_saqs().filter(refugee_workers__gt=0)}
    # Every SAQ that ever said so: a replaced one must lose its flag as the current one gains it.
    for saq in Saq.objects.filter(status=SaqStatus.SUBMITTED, refugee_workers__gt=0).select_related("facility"):
        if saq.pk in current:
            _apply_event(saq, facts)
        else:
            risk.clear_signals(source=SOURCE, source_ref=f"{saq.pk}:event:{facts.pk}", facility_id=saq.facility_id)


# --- Sharing -------------------------------------------------------------------------------------


def _require_own_site(actor: Actor, facility: Facility) -> Organisation:
    org = actor.require_kind(OrgKind.SUPPLIER)
    actor.require_edit()
    if not own_facilities(actor).filter(pk=facility.pk).exists():
        raise PermissionDenied
    return org


@transaction.atomic
def share(actor: Actor, facility: Facility, member: Organisation) -> SaqShare:
    """Let a member read the site's SAQs (the current one and the next ones) until withdrawn."""
    org = _require_own_site(actor, facility)
    if member.kind != OrgKind.MEMBER or not member.is_active:
        raise ValidationError(_("Self-assessments are shared with member companies only."))
    item, created = SaqShare.objects.get_or_create(
        facility=facility, supplier=org, org=member, defaults={"granted_by": actor.user}
    )
    if not created and item.withdrawn_at is None:
        return item
    item.withdrawn_at = None
    item.shared_at = timezone.now()
    item.granted_by = actor.user
    item.save()
    SaqRequest.objects.filter(facility=facility, supplier=org, org=member, status=SaqRequestStatus.PENDING).update(
        status=SaqRequestStatus.GRANTED, decided_at=timezone.now()
    )
    record(actor, "saq.share.granted", obj=item, summary={"facility": facility.public_id, "member": member.name})
    return item


@transaction.atomic
def withdraw(actor: Actor, facility: Facility, member: Organisation) -> None:
    org = _require_own_site(actor, facility)
    updated = SaqShare.objects.filter(facility=facility, supplier=org, org=member, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if updated:
        record(
            actor,
            "saq.share.withdrawn",
            object_type="saq.saqshare",
            object_id=f"{facility.pk}:{member.pk}",
            summary={"facility": facility.public_id, "member": member.name},
        )


@transaction.atomic
def set_share_with_linked(actor: Actor, share_with_linked: bool) -> SaqSharing:
    """The standing choice: every customer linked to a site reads its SAQs (an administrator's call)."""
    org = actor.require_kind(OrgKind.SUPPLIER)
    actor.require_admin()
    choice, _created = SaqSharing.objects.get_or_create(supplier=org)
    if choice.share_with_linked != share_with_linked:
        choice.share_with_linked = share_with_linked
        choice.updated_at = timezone.now()
        choice.save()
        record(actor, "saq.sharing.changed", obj=choice, summary={"share_with_linked": share_with_linked})
    return choice


@transaction.atomic
def request_saq(actor: Actor, facility: Facility) -> SaqRequest:
    """A member linked to a site asks its supplier for the site's SAQ."""
    org = actor.require_kind(OrgKind.MEMBER)
    actor.require_edit()
    if not selectors.may_request(actor, facility):
        raise ValidationError(_("Only a customer linked to a site with a verified supplier can ask for its SAQ."))
    existing = SaqRequest.objects.filter(facility=facility, org=org, status=SaqRequestStatus.PENDING).first()
    if existing is not None:
        return existing
    assert facility.owner_id is not None
    item = SaqRequest.objects.create(facility=facility, supplier_id=facility.owner_id, org=org, requested_by=actor.user)
    # The supplier's to answer: on its trail too.
    record(actor, "saq.requested", obj=item, org_id=facility.owner_id, summary={"facility": facility.public_id})
    recipients = people_to_tell([facility.owner_id])
    if recipients:
        link = settings.SITE_URL + reverse("saq:share", args=[facility.public_id])

        def write() -> tuple[str, str]:
            subject = _("%(member)s asks for the self-assessment of %(site)s") % {
                "member": org.name,
                "site": facility.name,
            }
            return subject, render_to_string("saq/email/requested.txt", {"item": item, "link": link})

        transaction.on_commit(mail.after_commit(recipients, write))
    return item


@transaction.atomic
def decide_request(actor: Actor, item: SaqRequest, *, grant: bool) -> SaqRequest:
    org = actor.require_kind(OrgKind.SUPPLIER)
    actor.require_edit()
    if item.supplier_id != org.pk:
        raise PermissionDenied
    if item.status != SaqRequestStatus.PENDING:
        raise Conflict(_("This request was already answered."))
    if grant:
        share(actor, item.facility, item.org)  # marks the request granted
        item.refresh_from_db()
    else:
        item.status = SaqRequestStatus.DECLINED
        item.decided_at = timezone.now()
        item.save(update_fields=["status", "decided_at"])
    record(actor, "saq.request.decided", obj=item, summary={"facility": item.facility.public_id, "granted": grant})
    return item


# --- Reminders -----------------------------------------------------------------------------------


def send_reminders(today: date | None = None, days_before: int = DUE_DAYS) -> int:
    """E-mail each supplier's admins and editors about current SAQs that expire within
    ``days_before`` days and about those that expired, once per SAQ and stage (the marker
    row is written in the transaction that records the reminder). Returns suppliers reminded."""
    today = today or timezone.localdate()
    system = Actor.system(via="task")
    current = selectors.current_saqs().select_related("facility")
    stages = {
        "due": current.filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=days_before)),
        "expired": current.filter(valid_until__lt=today),
    }
    per_org: dict[int, dict[str, list[Saq]]] = {}
    for stage, qs in stages.items():
        sent = SaqReminder.objects.filter(stage=stage).values("saq_id")
        for saq in qs.exclude(pk__in=sent).order_by("valid_until", "pk"):
            per_org.setdefault(saq.owner_id, {"due": [], "expired": []})[stage].append(saq)
    for org_id, found in sorted(per_org.items()):
        with transaction.atomic():
            SaqReminder.objects.bulk_create(
                [SaqReminder(saq=s, stage=stage) for stage, items in found.items() for s in items]
            )
            record(
                system,
                "saq.reminded",
                object_type="saq.saq",
                org_id=org_id,
                summary={stage: [s.pk for s in items] for stage, items in found.items()},
            )
            recipients = people_to_tell([org_id])
            if recipients:
                context = {**found, "link": settings.SITE_URL + reverse("saq:list")}

                def write(context: dict[str, Any] = context) -> tuple[str, str]:
                    n_expired, n_due = len(context["expired"]), len(context["due"])
                    if n_expired:
                        subject = ngettext(
                            "%(n)s of your self-assessments has expired",
                            "%(n)s of your self-assessments have expired",
                            n_expired,
                        ) % {"n": n_expired}
                    else:
                        subject = ngettext(
                            "%(n)s of your self-assessments expires within a month",
                            "%(n)s of your self-assessments expire within a month",
                            n_due,
                        ) % {"n": n_due}
                    return subject, render_to_string("saq/email/reminder.txt", context)

                transaction.on_commit(mail.after_commit(recipients, write))
    return len(per_org)

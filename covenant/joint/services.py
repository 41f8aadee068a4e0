"""Writes of joint action: validate, write in a transaction, record on the audit trail, notify after commit.

Who may do what (besides holding an editing role in their organisation):
- start a joint action: a member, a civil-society organisation, a trade union or the secretariat;
  the creator becomes its lead;
- invite, change roles, edit the action, change its status, publish or unpublish its summary: a lead;
- add milestones, budget shares, documents, gender targets, progress updates and attachments:
  any accepted participant but an observer;
- accept or decline an invitation: the invited organisation; leave: any participant but the last lead;
- be named in the published summary: each organisation decides for itself.
An action fetched through ``selectors.get_action`` is already one the actor takes part in; each
service checks the participation it needs again, so a call from elsewhere cannot skip it.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from covenant.audits import selectors as audit_selectors
from covenant.audits.models import Finding
from covenant.audits.services import check_pdf
from covenant.core import audit
from covenant.core.actors import Actor
from covenant.core.countries import parse_country
from covenant.core.errors import Conflict
from covenant.core.mail import after_commit
from covenant.core.roles import OrgKind
from covenant.grievances import selectors as grievance_selectors
from covenant.joint import selectors
from covenant.joint.models import (
    CLOSED_STATUSES,
    ActionStatus,
    Attachment,
    AttachmentKind,
    BudgetShare,
    Document,
    GenderTarget,
    JointAction,
    Milestone,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    ProgressUpdate,
)
from covenant.orgs.models import Organisation
from covenant.orgs.selectors import people_to_tell
from covenant.registry import interface as registry
from covenant.risk import interface as risk
from covenant.risk.models import RiskEvent, Topic

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"
CURRENCY = re.compile(r"^[A-Z]{3}$")
CONTRIBUTING_ROLES = (ParticipantRole.LEAD, ParticipantRole.PARTICIPANT, ParticipantRole.FACILITATOR)


def max_document_bytes() -> int:
    return int(getattr(settings, "JOINT_DOCUMENT_MAX_BYTES", 25 * 1024 * 1024))


# --- Who may ---------------------------------------------------------------------------------


def _mine(actor: Actor, action: JointAction) -> Participant:
    """The actor's accepted participation (404 when there is none: the action does not exist for it)."""
    org = actor.require_org()
    found = action.participants.filter(org_id=org.pk, status=ParticipantStatus.ACCEPTED).first()
    if found is None:
        raise Http404
    return found


def _require_lead(actor: Actor, action: JointAction) -> Participant:
    actor.require_edit()
    mine = _mine(actor, action)
    if mine.role != ParticipantRole.LEAD:
        raise PermissionDenied(_("Only a lead of this joint action may do this."))
    return mine


def _require_contributor(actor: Actor, action: JointAction) -> Participant:
    actor.require_edit()
    mine = _mine(actor, action)
    if mine.role not in CONTRIBUTING_ROLES:
        raise PermissionDenied(_("Observers follow a joint action; they do not add to it."))
    return mine


def _require_open(action: JointAction) -> None:
    if action.status in CLOSED_STATUSES:
        raise Conflict(_("This joint action is closed (%(status)s).") % {"status": action.get_status_display()})


def _touch(action: JointAction) -> None:
    action.updated_at = timezone.now()
    action.save(update_fields=["updated_at"])


def _tell(org_ids: Sequence[int], write: Callable[[], tuple[str, str]]) -> None:
    transaction.on_commit(after_commit(people_to_tell(org_ids), write))


def _others(action: JointAction, actor: Actor) -> list[int]:
    return [pk for pk in selectors.accepted_org_ids(action) if actor.org is None or pk != actor.org.pk]


# --- The action's fields ----------------------------------------------------------------------


@dataclass
class ActionInput:
    title: str
    aim: str
    topics: Sequence[str] = ()  # risk topic codes
    sites: Sequence[str] = ()  # register public ids
    countries: Sequence[str] = ()  # codes or names
    commodities: Sequence[str] = ()  # products of risk's goods vocabulary
    gender_dimension: str = ""
    event_id: int | None = None


@dataclass
class _Clean:
    topics: list[Topic]
    sites: list[Any]
    countries: list[str]
    commodities: list[str]
    event: RiskEvent | None
    errors: list[str] = field(default_factory=list)


def goods() -> list[str]:
    """The commodities a joint action may name: the products risk's commodity indicators list."""
    return sorted(risk.scanner().goods())


def _clean(actor: Actor, data: ActionInput, action: JointAction | None = None) -> _Clean:
    errors: list[str] = []
    if not data.title.strip():
        errors.append(_("Give the joint action a title."))
    if not data.aim.strip():
        errors.append(_("Say what the joint action aims at."))
    codes = sorted({c.strip() for c in data.topics if c.strip()})
    topics = list(Topic.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {t.code for t in topics})
    if unknown:
        errors.append(_("Unknown topics: %(codes)s.") % {"codes": ", ".join(unknown)})
    countries: list[str] = []
    for text in data.countries:
        text = text.strip()
        if not text:
            continue
        code = parse_country(text)
        if code is None:
            errors.append(_("'%(text)s' is not a country we can read.") % {"text": text})
        elif code not in countries:
            countries.append(code)
    known_goods = set(goods())
    commodities: list[str] = []
    for text in data.commodities:
        product = text.strip().casefold()
        if not product:
            continue
        if product not in known_goods:
            errors.append(_("'%(text)s' is not a commodity of the risk indicators.") % {"text": text.strip()})
        elif product not in commodities:
            commodities.append(product)
    # Sites: only those the actor may see in the register; sites already on the action stay.
    kept = {f.public_id: f for f in action.sites.all()} if action is not None else {}
    sites = []
    for public_id in dict.fromkeys(p.strip().upper() for p in data.sites if p.strip()):
        if public_id in kept:
            sites.append(kept[public_id])
            continue
        try:
            sites.append(registry.get_facility(actor, public_id))
        except Http404:
            errors.append(_("No site %(id)s in the register.") % {"id": public_id})
    event = None
    if data.event_id is not None:
        event = RiskEvent.objects.filter(pk=data.event_id).first()
        current = action.responds_to_event_id if action is not None else None
        if event is None or (not event.is_active and event.pk != current):
            errors.append(_("Choose an active risk event."))
            event = None
    return _Clean(topics, sites, countries, commodities, event, errors)


def _apply(action: JointAction, data: ActionInput, clean: _Clean) -> None:
    action.title = data.title.strip()[:200]
    action.aim = data.aim.strip()
    action.countries = clean.countries
    action.commodities = clean.commodities
    action.gender_dimension = data.gender_dimension.strip()
    action.responds_to_event = clean.event
    action.updated_at = timezone.now()
    action.save()
    action.topics.set(clean.topics)
    action.sites.set(clean.sites)


def create_action(actor: Actor, data: ActionInput) -> JointAction:
    org = actor.require_kind(*selectors.CREATOR_KINDS)
    actor.require_edit()
    clean = _clean(actor, data)
    if clean.errors:
        raise ValidationError(clean.errors)
    with transaction.atomic():
        action = JointAction(created_by=org)
        _apply(action, data, clean)
        Participant.objects.create(
            action=action,
            org=org,
            role=ParticipantRole.LEAD,
            status=ParticipantStatus.ACCEPTED,
            invited_by=org,
            answered_at=timezone.now(),
        )
        audit.record(
            actor,
            "joint.action.created",
            obj=action,
            summary={"topics": [t.code for t in clean.topics], "countries": clean.countries},
        )
    return action


def edit_action(actor: Actor, action: JointAction, data: ActionInput) -> JointAction:
    _require_lead(actor, action)
    _require_open(action)
    clean = _clean(actor, data, action)
    if clean.errors:
        raise ValidationError(clean.errors)
    with transaction.atomic():
        _apply(action, data, clean)
        audit.record(
            actor,
            "joint.action.edited",
            obj=action,
            summary={"topics": [t.code for t in clean.topics], "sites": len(clean.sites)},
        )
    return action


# --- Participants ------------------------------------------------------------------------------


def invite(actor: Actor, action: JointAction, org: Organisation, role: str) -> Participant:
    mine = _require_lead(actor, action)
    _require_open(action)
    if org.kind not in selectors.PARTICIPANT_KINDS or not org.is_active:
        raise ValidationError(_("%(org)s cannot take part in a joint action.") % {"org": org.name})
    if role not in ParticipantRole.values:
        raise ValidationError(_("Choose a role."))
    with transaction.atomic():
        existing = action.participants.select_for_update().filter(org=org).first()
        if existing is not None and existing.status in (ParticipantStatus.INVITED, ParticipantStatus.ACCEPTED):
            raise Conflict(_("%(org)s is already invited or taking part.") % {"org": org.name})
        participant = existing or Participant(action=action, org=org)
        participant.role = role
        participant.status = ParticipantStatus.INVITED
        participant.invited_by_id = mine.org_id
        participant.invited_at = timezone.now()
        participant.answered_at = None
        participant.named_in_summary = False
        participant.save()
        _touch(action)
        audit.record(
            actor,
            "joint.participant.invited",
            obj=action,
            summary={"org": org.slug, "role": role},
        )
        inviter, title = mine.org.name, action.title
        _tell(
            [org.pk],
            lambda: (
                _("Invitation to a joint action: %(title)s") % {"title": title},
                _(
                    "%(inviter)s invites your organisation to take part in the joint action "
                    '"%(title)s". Accept or decline it under Joint actions in Covenant.'
                )
                % {"inviter": inviter, "title": title},
            ),
        )
    return participant


def _answer(actor: Actor, invitation: Participant, status: str, verb: str) -> Participant:
    org = actor.require_edit()
    if invitation.org_id != org.pk:
        raise Http404
    with transaction.atomic():
        invitation = Participant.objects.select_for_update().select_related("action").get(pk=invitation.pk)
        if invitation.status != ParticipantStatus.INVITED:
            raise Conflict(_("This invitation was already answered."))
        _require_open(invitation.action)
        invitation.status = status
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["status", "answered_at"])
        audit.record(
            actor,
            f"joint.participant.{verb}",
            obj=invitation.action,
            summary={"org": org.slug, "role": invitation.role},
        )
        action, name = invitation.action, org.name
        leads = list(
            action.participants.filter(role=ParticipantRole.LEAD, status=ParticipantStatus.ACCEPTED).values_list(
                "org_id", flat=True
            )
        )
        accepted = status == ParticipantStatus.ACCEPTED
        _tell(
            leads,
            lambda: (
                _("%(org)s answered your invitation") % {"org": name},
                (
                    _('%(org)s accepted to take part in "%(title)s".')
                    if accepted
                    else _('%(org)s declined to take part in "%(title)s".')
                )
                % {"org": name, "title": action.title},
            ),
        )
    return invitation


def accept(actor: Actor, invitation: Participant) -> Participant:
    return _answer(actor, invitation, ParticipantStatus.ACCEPTED, "accepted")


def decline(actor: Actor, invitation: Participant) -> Participant:
    return _answer(actor, invitation, ParticipantStatus.DECLINED, "declined")


def leave(actor: Actor, action: JointAction) -> None:
    actor.require_edit()
    with transaction.atomic():
        mine = Participant.objects.select_for_update().get(pk=_mine(actor, action).pk)
        # Lock every lead row too, so two last leads cannot leave at once.
        list(action.participants.select_for_update().filter(role=ParticipantRole.LEAD))
        if mine.role == ParticipantRole.LEAD and not selectors.lead_exists_besides(action, mine.org_id):
            raise Conflict(_("You are the last lead: make another participant lead before you leave."))
        mine.status = ParticipantStatus.LEFT
        mine.named_in_summary = False
        mine.save(update_fields=["status", "named_in_summary"])
        _touch(action)
        audit.record(actor, "joint.participant.left", obj=action, summary={"org": mine.org.slug})


def set_role(actor: Actor, action: JointAction, participant: Participant, role: str) -> Participant:
    _require_lead(actor, action)
    if participant.action_id != action.pk:
        raise Http404
    if role not in ParticipantRole.values:
        raise ValidationError(_("Choose a role."))
    with transaction.atomic():
        list(action.participants.select_for_update().filter(role=ParticipantRole.LEAD))
        participant = Participant.objects.select_for_update().select_related("org").get(pk=participant.pk)
        if participant.status not in (ParticipantStatus.INVITED, ParticipantStatus.ACCEPTED):
            raise Conflict(_("%(org)s no longer takes part.") % {"org": participant.org.name})
        if (
            participant.role == ParticipantRole.LEAD
            and role != ParticipantRole.LEAD
            and participant.status == ParticipantStatus.ACCEPTED
            and not selectors.lead_exists_besides(action, participant.org_id)
        ):
            raise Conflict(_("A joint action needs a lead: make another participant lead first."))
        old = participant.role
        participant.role = role
        participant.save(update_fields=["role"])
        audit.record(
            actor,
            "joint.participant.role_changed",
            obj=action,
            summary={"org": participant.org.slug, "from": old, "to": role},
        )
    return participant


def set_named(actor: Actor, action: JointAction, named: bool) -> Participant:
    """The actor's organisation lets the published summary name it (or no longer)."""
    actor.require_edit()
    with transaction.atomic():
        mine = Participant.objects.select_for_update().get(pk=_mine(actor, action).pk)
        mine.named_in_summary = named
        mine.save(update_fields=["named_in_summary"])
        audit.record(actor, "joint.participant.naming", obj=action, summary={"named": named})
    return mine


# --- Milestones, budget, gender, progress -------------------------------------------------------


def add_milestone(
    actor: Actor, action: JointAction, *, title: str, due_on: date, owner: Organisation, note: str = ""
) -> Milestone:
    _require_contributor(actor, action)
    _require_open(action)
    if owner.pk not in selectors.accepted_org_ids(action):
        raise ValidationError(_("The owner of a milestone must take part in the joint action."))
    if not title.strip():
        raise ValidationError(_("Give the milestone a title."))
    with transaction.atomic():
        milestone = Milestone.objects.create(
            action=action, title=title.strip()[:200], due_on=due_on, owner=owner, note=note.strip()
        )
        _touch(action)
        audit.record(
            actor,
            "joint.milestone.added",
            obj=action,
            summary={"milestone": milestone.pk, "due_on": due_on.isoformat(), "owner": owner.slug},
        )
    return milestone


def complete_milestone(actor: Actor, action: JointAction, milestone: Milestone, done_on: date) -> Milestone:
    _require_contributor(actor, action)
    _require_open(action)
    if milestone.action_id != action.pk:
        raise Http404
    if done_on > timezone.localdate():
        raise ValidationError(_("A milestone cannot be done in the future."))
    with transaction.atomic():
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        audit.record(
            actor,
            "joint.milestone.done",
            obj=action,
            summary={"milestone": milestone.pk, "done_on": done_on.isoformat()},
        )
    return milestone


def add_budget_share(
    actor: Actor, action: JointAction, *, org: Organisation, amount: Decimal, currency: str, note: str = ""
) -> BudgetShare:
    """A participant's share of the budget. A lead records anyone's; others their own only.
    Only shares of the joint action's budget: never prices or volumes of trade (competition law)."""
    mine = _require_contributor(actor, action)
    _require_open(action)
    if org.pk != mine.org_id and mine.role != ParticipantRole.LEAD:
        raise PermissionDenied(_("You may record your own organisation's share only."))
    if org.pk not in selectors.accepted_org_ids(action):
        raise ValidationError(_("A budget share must be of an organisation taking part."))
    currency = currency.strip().upper()
    if not CURRENCY.match(currency):
        raise ValidationError(_("Give the currency as a three-letter code (EUR, USD, KES)."))
    if amount < 0:
        raise ValidationError(_("An amount cannot be negative."))
    with transaction.atomic():
        share = BudgetShare.objects.create(action=action, org=org, amount=amount, currency=currency, note=note.strip())
        _touch(action)
        audit.record(
            actor,
            "joint.budget.added",
            obj=action,
            summary={"org": org.slug, "amount": str(amount), "currency": currency},
        )
    return share


def add_gender_target(
    actor: Actor,
    action: JointAction,
    *,
    indicator: str,
    target_women: int,
    target_men: int,
    actual_women: int = 0,
    actual_men: int = 0,
) -> GenderTarget:
    _require_contributor(actor, action)
    _require_open(action)
    if not indicator.strip():
        raise ValidationError(_("Name the indicator (for instance: workers reached)."))
    if min(target_women, target_men, actual_women, actual_men) < 0:
        raise ValidationError(_("Numbers cannot be negative."))
    with transaction.atomic():
        target = GenderTarget.objects.create(
            action=action,
            indicator=indicator.strip()[:200],
            target_women=target_women,
            target_men=target_men,
            actual_women=actual_women,
            actual_men=actual_men,
        )
        _touch(action)
        audit.record(
            actor,
            "joint.gender_target.added",
            obj=action,
            summary={"indicator": target.indicator, "women": target_women, "men": target_men},
        )
    return target


def record_gender_actuals(
    actor: Actor, action: JointAction, target: GenderTarget, *, actual_women: int, actual_men: int
) -> GenderTarget:
    _require_contributor(actor, action)
    _require_open(action)
    if target.action_id != action.pk:
        raise Http404
    if min(actual_women, actual_men) < 0:
        raise ValidationError(_("Numbers cannot be negative."))
    with transaction.atomic():
        target.actual_women, target.actual_men = actual_women, actual_men
        target.save(update_fields=["actual_women", "actual_men"])
        audit.record(
            actor,
            "joint.gender_target.actuals",
            obj=action,
            summary={"target": target.pk, "women": actual_women, "men": actual_men},
        )
    return target


def add_progress_update(actor: Actor, action: JointAction, *, text: str, progress: int) -> ProgressUpdate:
    mine = _require_contributor(actor, action)
    _require_open(action)
    if not text.strip():
        raise ValidationError(_("Say what happened."))
    if not 0 <= progress <= 100:
        raise ValidationError(_("Progress is a percentage from 0 to 100."))
    with transaction.atomic():
        update = ProgressUpdate.objects.create(
            action=action, author_org_id=mine.org_id, author=actor.user, text=text.strip(), progress=progress
        )
        action.progress = progress
        action.updated_at = timezone.now()
        action.save(update_fields=["progress", "updated_at"])
        audit.record(actor, "joint.progress.added", obj=action, summary={"progress": progress})
        title, others = action.title, _others(action, actor)
        _tell(
            others,
            lambda: (
                _("Progress on %(title)s") % {"title": title},
                _('A participant posted a progress update (%(progress)s %%) on "%(title)s".')
                % {"progress": progress, "title": title},
            ),
        )
    return update


# --- Documents ---------------------------------------------------------------------------------


def _document_type(name: str, data: bytes) -> str:
    limit = max_document_bytes()
    if len(data) > limit:
        raise ValidationError(_("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)})
    if data.startswith(PDF_MAGIC):
        # A PDF is opened as audit reports are: unreadable, encrypted or scripted ones are refused.
        check_pdf(name, data, limit)
        return "application/pdf"
    if data.startswith(PNG_MAGIC):
        return "image/png"
    if data.startswith(JPEG_MAGIC):
        return "image/jpeg"
    raise ValidationError(_("%(name)s is not a PDF, PNG or JPEG file.") % {"name": name})


def add_document(actor: Actor, action: JointAction, *, title: str, filename: str, data: bytes) -> Document:
    mine = _require_contributor(actor, action)
    _require_open(action)
    content_type = _document_type(filename, data)
    if not title.strip():
        raise ValidationError(_("Give the document a title."))
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename[-80:]) or "document"
    today = timezone.localdate()
    name = default_storage.save(f"joint/{today:%Y/%m}/{uuid.uuid4().hex}-{safe}", ContentFile(data))
    try:
        with transaction.atomic():
            document = Document.objects.create(
                action=action,
                title=title.strip()[:200],
                file=name,
                filename=safe[:200],
                content_type=content_type,
                size=len(data),
                uploaded_by_id=mine.org_id,
            )
            _touch(action)
            audit.record(
                actor,
                "joint.document.added",
                obj=action,
                summary={"document": document.pk, "size": len(data), "type": content_type},
            )
    except BaseException:
        default_storage.delete(name)
        raise
    return document


# --- Attachments (redacted snapshots) ------------------------------------------------------------


def _attach(actor: Actor, action: JointAction, kind: str, reference: str, snapshot: dict[str, Any]) -> Attachment:
    mine = _require_contributor(actor, action)
    _require_open(action)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                action=action, kind=kind, reference=reference, snapshot=snapshot, attached_by_id=mine.org_id
            )
            _touch(action)
            # The summary names the kind only: a grievance case's reference stays out of the trail too.
            audit.record(
                actor,
                "joint.attachment.added",
                obj=action,
                summary={"kind": kind, "attachment": attachment.pk},
            )
    except IntegrityError as exc:
        raise Conflict(_("This is already attached.")) from exc
    return attachment


def attachable_findings(actor: Actor) -> list[Finding]:
    """Collaborative findings the actor may read: for a member those at sites it sources from
    (``audits.selectors.joint_action_candidates``), for anyone those of audits it may read."""
    readable = list(
        Finding.objects.filter(collaborative=True, audit__in=audit_selectors.visible_audits(actor)).select_related(
            "audit__facility", "audit__scheme_version__scheme"
        )
    )
    if actor.kind == OrgKind.MEMBER:
        seen = {f.pk for f in readable}
        readable += [
            f
            for f in audit_selectors.joint_action_candidates(actor).select_related("audit__scheme_version__scheme")
            if f.pk not in seen
        ]
    return readable


def attach_finding(actor: Actor, action: JointAction, finding_id: int) -> Attachment:
    finding = next((f for f in attachable_findings(actor) if f.pk == finding_id), None)
    if finding is None:
        raise ValidationError(_("You cannot attach this finding: choose a collaborative finding you may read."))
    section = finding.audit.scheme_version.section(finding.section) or {}
    snapshot = {
        "scheme": finding.audit.scheme_version.label,
        "section": str(section.get("name") or finding.section),
        "topic": str(section.get("topic") or ""),
        "severity": finding.severity,
        "country": str(finding.audit.facility.country or ""),
    }
    return _attach(actor, action, AttachmentKind.AUDIT_FINDING, str(finding.pk), snapshot)


def attach_case(actor: Actor, action: JointAction, reference: str) -> Attachment:
    """A grievance case the actor may read, as topics, country, stage and month received only:
    never what anyone wrote, nor the site or the case's reference."""
    case = grievance_selectors.visible_cases(actor).filter(reference=reference.strip().upper()).first()
    if case is None:
        raise ValidationError(_("You cannot attach this case: give the reference of a case you may read."))
    snapshot = {
        "topics": sorted(case.topics),
        "country": case.country or (str(case.facility.country or "") if case.facility else ""),
        "stage": case.stage,
        "received": case.received_on.strftime("%Y-%m"),
    }
    return _attach(actor, action, AttachmentKind.GRIEVANCE_CASE, str(case.pk), snapshot)


def attach_event(actor: Actor, action: JointAction, event_id: int) -> Attachment:
    event = RiskEvent.objects.filter(pk=event_id).prefetch_related("topics").first()
    if event is None:
        raise ValidationError(_("Choose a risk event."))
    snapshot = {
        "title": event.title,
        "kind": event.kind,
        "regions": list(event.regions),
        "topics": sorted(t.code for t in event.topics.all()),
        "starts_on": event.starts_on.isoformat(),
    }
    return _attach(actor, action, AttachmentKind.RISK_EVENT, str(event.pk), snapshot)


# --- Status and the published summary ------------------------------------------------------------


def fingerprint(payload: Any) -> str:
    """What a confirmation must match: the preview the person saw, not whatever is true later."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:32]


def status_preview(action: JointAction, status: str) -> dict[str, Any]:
    """What closing an action leaves behind: open milestones, and whether it stays published."""
    open_milestones = [m.title for m in action.milestones.filter(done_on__isnull=True)]
    return {
        "status": status,
        "open_milestones": open_milestones,
        "progress": action.progress,
        "published": action.published_at is not None,
    }


def change_status(actor: Actor, action: JointAction, status: str, *, confirm: str = "") -> JointAction:
    """Completing or stopping asks for confirmation: ``confirm`` is the fingerprint of the preview."""
    _require_lead(actor, action)
    action.refresh_from_db(fields=["status", "progress", "published_at"])
    if status not in ActionStatus.values:
        raise ValidationError(_("Choose a status."))
    if status == action.status:
        raise Conflict(_("The joint action is already %(status)s.") % {"status": action.get_status_display()})
    if status in CLOSED_STATUSES and confirm != fingerprint(status_preview(action, status)):
        raise Conflict(_("Confirm the change on its preview: what it leaves open may have changed."))
    with transaction.atomic():
        old = action.status
        action.status = status
        action.updated_at = timezone.now()
        action.save(update_fields=["status", "updated_at"])
        audit.record(
            actor,
            "joint.action.status",
            obj=action,
            summary={"from": old, "to": status},
        )
        title, label, others = action.title, action.get_status_display(), _others(action, actor)
        _tell(
            others,
            lambda: (
                _("%(title)s is now %(status)s") % {"title": title, "status": label},
                _('The joint action "%(title)s" is now %(status)s.') % {"title": title, "status": label},
            ),
        )
    return action


def publish_preview(action: JointAction) -> selectors.Summary:
    return selectors.summary_of(action)


def summary_fingerprint(summary: selectors.Summary) -> str:
    return fingerprint(
        {
            "title": summary.title,
            "aim": summary.aim,
            "topics": summary.topics,
            "countries": summary.countries,
            "progress": summary.progress,
            "count": summary.participant_count,
            "named": summary.named,
        }
    )


def publish_summary(actor: Actor, action: JointAction, *, confirm: str) -> JointAction:
    """Publish the summary exactly as previewed (``confirm``: the preview's fingerprint)."""
    _require_lead(actor, action)
    if confirm != summary_fingerprint(publish_preview(action)):
        raise Conflict(_("The summary changed since the preview: look at it again before publishing."))
    with transaction.atomic():
        action.published_at = timezone.now()
        action.save(update_fields=["published_at"])
        audit.record(actor, "joint.summary.published", obj=action)
    return action


def unpublish_summary(actor: Actor, action: JointAction) -> JointAction:
    _require_lead(actor, action)
    action.refresh_from_db(fields=["published_at"])
    if action.published_at is None:
        raise Conflict(_("The summary is not published."))
    with transaction.atomic():
        action.published_at = None
        action.save(update_fields=["published_at"])
        audit.record(actor, "joint.summary.unpublished", obj=action)
    return action

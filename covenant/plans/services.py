"""Writes of action plans: validate, write in a transaction, record on the audit trail, notify after commit.

Only a member's editors and administrators write its plan and its exit decisions. The rules
the tests hold these to: a risk comes from the member's own risk overview (a site in its chain,
or a topic across a country or the chain); an action links only a joint action the member takes
part in; a suspension or an exit is confirmed after its preview; an exit without notice, secured
wages and severance, or consultation of the workers' representatives is refused unless the
member says why each missing one is not possible; recording an exit ends no supply link.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from covenant.audits.models import CorrectiveAction
from covenant.core import audit, mail
from covenant.core.actors import Actor
from covenant.core.errors import Conflict
from covenant.core.roles import OrgKind, Role
from covenant.orgs.models import Membership, Organisation
from covenant.orgs.selectors import people_to_tell
from covenant.plans import selectors
from covenant.plans.models import (
    OPEN_ACTION_STATUSES,
    ActionKind,
    ActionStatus,
    Decision,
    ExitDecision,
    ExitStatus,
    PlanAction,
    PlanRisk,
    PlanScope,
    RiskStatus,
    Trigger,
)
from covenant.registry.interface import Facility
from covenant.risk import selectors as risk_selectors
from covenant.risk.models import EventResponse, RiskEvent, Topic


def _editor(actor: Actor) -> Organisation:
    actor.require_kind(OrgKind.MEMBER)
    return actor.require_edit()


def _mine(org: Organisation, obj_org_id: int) -> None:
    # Callers fetch through the selectors (404 for someone else's); this is the service's own guard.
    if obj_org_id != org.pk:
        raise PermissionDenied


# --- Prioritised risks -----------------------------------------------------------------------


def _renumber(org: Organisation, risk: PlanRisk, rank: int | None) -> None:
    """Put ``risk`` at ``rank`` (1 is the first; None: last) and number the plan 1..n again."""
    others = list(PlanRisk.objects.filter(org=org).exclude(pk=risk.pk).order_by("rank", "pk"))
    position = len(others) if rank is None else max(0, min(rank - 1, len(others)))
    others.insert(position, risk)
    changed = []
    for number, item in enumerate(others, start=1):
        if item.rank != number or item.pk == risk.pk:
            item.rank = number
            changed.append(item)
    PlanRisk.objects.bulk_update([r for r in changed if r.pk != risk.pk], ["rank"])
    risk.rank = position + 1


def _clean_scope(
    actor: Actor, scope: str, facility: Facility | None, country: str, commodity: str
) -> tuple[Facility | None, str, str]:
    if scope == PlanScope.SITE:
        if facility is None:
            raise ValidationError(_("Choose the site this risk is about."))
        if not selectors.in_chain(actor, facility):
            raise ValidationError(_("This site is not in your supply chain."))
        return facility, "", ""
    if scope == PlanScope.AREA:
        code = (country or "").strip().upper()
        if code not in countries:
            raise ValidationError(_("Choose the country this risk is about."))
        return None, code, commodity.strip()[:100]
    if scope == PlanScope.CHAIN:
        return None, "", ""
    raise ValidationError(_("Choose a scope: one site, a country and commodity, or the whole chain."))


def add_risk(
    actor: Actor,
    *,
    topic_code: str,
    scope: str,
    why: str,
    facility: Facility | None = None,
    country: str = "",
    commodity: str = "",
    rank: int | None = None,
) -> PlanRisk:
    """Prioritise a risk from the member's risk overview; its figures there today are kept with it."""
    org = _editor(actor)
    topic = Topic.objects.filter(code=topic_code).first()
    if topic is None:
        raise ValidationError(_("Choose a topic."))
    facility, country, commodity = _clean_scope(actor, scope, facility, country, commodity)
    why = why.strip()
    if not why:
        raise ValidationError(_("Say why this risk is a priority (severity, likelihood, your link to it)."))
    duplicate = PlanRisk.objects.filter(
        org=org, topic=topic, scope=scope, facility=facility, country=country, commodity__iexact=commodity
    ).exclude(status=RiskStatus.CLOSED)
    if duplicate.exists():
        raise Conflict(_("This risk is already in your plan."))
    found = selectors.snapshot(actor, topic, scope, facility, country, commodity)
    now = timezone.now()
    with transaction.atomic():
        risk = PlanRisk(
            org=org,
            topic=topic,
            scope=scope,
            facility=facility,
            country=country,
            commodity=commodity,
            rank=0,
            why=why,
            source_score=found.score,
            source_band=found.band,
            source_sites_high=found.sites_high,
            source_on=timezone.localdate(),
            created_by=actor.user,
            created_at=now,
            updated_at=now,
        )
        _renumber(org, risk, rank)
        risk.save()
        audit.record(
            actor,
            "plans.risk.added",
            obj=risk,
            summary={
                "topic": topic.code,
                "scope": scope,
                "facility": facility.public_id if facility else "",
                "country": country,
                "rank": risk.rank,
                "score": found.score,
                "band": found.band,
            },
        )
    return risk


def update_risk(
    actor: Actor, risk: PlanRisk, *, rank: int | None = None, why: str | None = None, status: str | None = None
) -> PlanRisk:
    org = _editor(actor)
    _mine(org, risk.org_id)
    changes: dict[str, Any] = {}
    if why is not None:
        why = why.strip()
        if not why:
            raise ValidationError(_("Say why this risk is a priority (severity, likelihood, your link to it)."))
        if why != risk.why:
            changes["why"] = why
    if status is not None and status != risk.status:
        if status not in RiskStatus.values:
            raise ValidationError(_("Choose a status."))
        if status == RiskStatus.CLOSED and risk.actions.filter(status__in=OPEN_ACTION_STATUSES).exists():
            raise Conflict(_("This risk still has open actions: mark them done or dropped before closing it."))
        changes["status"] = status
    with transaction.atomic():
        fresh = PlanRisk.objects.select_for_update().get(pk=risk.pk)
        if rank is not None and rank != fresh.rank:
            if rank < 1:
                raise ValidationError(_("The priority is a number from 1."))
            changes["rank"] = rank
            _renumber(org, fresh, rank)
        for name, value in changes.items():
            if name != "rank":
                setattr(fresh, name, value)
        if changes:
            fresh.updated_at = timezone.now()
            fresh.save()
            audit.record(
                actor, "plans.risk.updated", obj=fresh, summary={k: v for k, v in changes.items() if k != "why"}
            )
    return fresh


# --- Actions ---------------------------------------------------------------------------------


def _joint_action(actor: Actor, kind: str, joint_action_id: int | None) -> Any:
    if kind != ActionKind.JOINT:
        if joint_action_id:
            raise ValidationError(_("Only a joint action links to a joint action."))
        return None
    if not joint_action_id:
        raise ValidationError(_("Choose the joint action this is."))
    # The joint app's own rule: only joint actions the member takes part in (one message for an
    # unknown one too, so nobody learns what exists).
    found = selectors.joinable_joint_actions(actor).filter(pk=joint_action_id).first()
    if found is None:
        raise ValidationError(_("Your organisation does not take part in that joint action."))
    return found


def _owner(org: Organisation, owner_user_id: int | None) -> Any:
    if not owner_user_id:
        return None
    membership = Membership.objects.select_related("user").filter(org=org, user_id=owner_user_id).first()
    if membership is None:
        raise ValidationError(_("The owner must be a person of your organisation."))
    return membership.user


def _tell_owner(actor: Actor, action: PlanAction) -> None:
    """The person made owner of an action hears of it (not when they assigned it to themselves)."""
    user = action.owner_user
    if user is None or (actor.user is not None and user.pk == actor.user.pk):
        return
    recipient = mail.Recipient(user.email, getattr(user, "language", ""))
    path = reverse("plans:action", args=[action.pk])

    def write() -> tuple[str, str]:
        subject = _("You own an action of your organisation's action plan")
        context = {"action": action, "topic": action.risk.topic.label, "path": path}
        return subject, render_to_string("plans/email/action_owner.txt", context)

    transaction.on_commit(mail.after_commit([recipient], write))


def _clean_action(org: Organisation, actor: Actor, fields: dict[str, Any]) -> dict[str, Any]:
    kind = fields["kind"]
    if kind not in ActionKind.values:
        raise ValidationError(_("Choose what kind of action this is."))
    description = (fields.get("description") or "").strip()
    if not description:
        raise ValidationError(_("Describe the action."))
    status = fields.get("status") or ActionStatus.PLANNED
    if status not in ActionStatus.values:
        raise ValidationError(_("Choose a status."))
    value = fields.get("target_value")
    return {
        "kind": kind,
        "joint_action": _joint_action(actor, kind, fields.get("joint_action_id")),
        "description": description,
        "target": (fields.get("target") or "").strip()[:300],
        "target_value": None if value is None else Decimal(value),
        "target_unit": (fields.get("target_unit") or "").strip()[:40],
        "owner_user": _owner(org, fields.get("owner_user_id")),
        "owner_text": (fields.get("owner_text") or "").strip()[:200],
        "due_on": fields.get("due_on"),
        "status": status,
        "progress": (fields.get("progress") or "").strip(),
    }


def add_action(
    actor: Actor,
    risk: PlanRisk,
    *,
    kind: str,
    description: str,
    joint_action_id: int | None = None,
    target: str = "",
    target_value: Decimal | float | None = None,
    target_unit: str = "",
    owner_user_id: int | None = None,
    owner_text: str = "",
    due_on: date | None = None,
    status: str = ActionStatus.PLANNED,
    progress: str = "",
) -> PlanAction:
    org = _editor(actor)
    _mine(org, risk.org_id)
    if risk.status == RiskStatus.CLOSED:
        raise Conflict(_("This risk is closed: reopen it to add actions."))
    fields = {
        "kind": kind,
        "joint_action_id": joint_action_id,
        "description": description,
        "target": target,
        "target_value": target_value,
        "target_unit": target_unit,
        "owner_user_id": owner_user_id,
        "owner_text": owner_text,
        "due_on": due_on,
        "status": status,
        "progress": progress,
    }
    data = _clean_action(org, actor, fields)
    now = timezone.now()
    with transaction.atomic():
        action = PlanAction.objects.create(risk=risk, created_at=now, updated_at=now, updated_by=actor.user, **data)
        PlanRisk.objects.filter(pk=risk.pk).update(updated_at=now)
        audit.record(
            actor,
            "plans.action.added",
            obj=action,
            summary={
                "risk": risk.pk,
                "kind": action.kind,
                "joint_action": str(action.joint_action.public_id) if action.joint_action else "",
                "status": action.status,
                "due_on": action.due_on,
            },
        )
        _tell_owner(actor, action)
    return action


ACTION_FIELDS = (
    "kind",
    "joint_action_id",
    "description",
    "target",
    "target_value",
    "target_unit",
    "owner_user_id",
    "owner_text",
    "due_on",
    "status",
    "progress",
)


def update_action(actor: Actor, action: PlanAction, **changes: Any) -> PlanAction:
    """Change what is given (the API's PATCH sends only some fields; the page sends all)."""
    org = _editor(actor)
    _mine(org, action.risk.org_id)
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if action.risk.status == RiskStatus.CLOSED:
        raise Conflict(_("This risk is closed: reopen it to change its actions."))
    current = {name: getattr(action, name) for name in ACTION_FIELDS}
    if "kind" in changes and changes["kind"] != ActionKind.JOINT and "joint_action_id" not in changes:
        changes["joint_action_id"] = None  # an action that is no longer joint drops its link
    merged = {**current, **changes}
    data = _clean_action(org, actor, merged)
    before_owner = action.owner_user_id
    changed = sorted(
        name
        for name in data
        if getattr(action, name + "_id" if name in ("joint_action", "owner_user") else name)
        != (getattr(data[name], "pk", data[name]) if name in ("joint_action", "owner_user") else data[name])
    )
    if not changed:
        return action
    with transaction.atomic():
        for name, value in data.items():
            setattr(action, name, value)
        action.updated_at = timezone.now()
        action.updated_by = actor.user
        action.save()
        PlanRisk.objects.filter(pk=action.risk_id).update(updated_at=action.updated_at)
        audit.record(
            actor,
            "plans.action.updated",
            obj=action,
            summary={"changed": changed, "status": action.status, "kind": action.kind},
        )
        if action.owner_user_id != before_owner:
            _tell_owner(actor, action)
    return action


# --- Exit decisions --------------------------------------------------------------------------

PLAN_FIELDS = (
    "notice_given_on",
    "notice_days",
    "notice_not_possible",
    "wages_secured",
    "wages_note",
    "wages_not_possible",
    "consulted",
    "consulted_with",
    "consultation_not_possible",
    "remedy_considered",
    "remedy_note",
    "timeline",
)


def missing_elements(plan: dict[str, Any]) -> list[str]:
    """The essential elements of a responsible exit that ``plan`` leaves out without a reason."""
    missing = []
    if not (plan.get("notice_given_on") and plan.get("notice_days")) and not plan.get("notice_not_possible"):
        missing.append(
            _("Notice: give the date notice was given and its period in days, or say why no notice is possible.")
        )
    if plan.get("wages_secured") is not True and not plan.get("wages_not_possible"):
        missing.append(
            _("Wages and severance: confirm they are secured for the site's workers, or say why that is not possible.")
        )
    if not (plan.get("consulted") is True and plan.get("consulted_with")) and not plan.get("consultation_not_possible"):
        missing.append(
            _(
                "Consultation: name the union or worker representatives you consulted, or say why consulting "
                "them is not possible."
            )
        )
    return missing


def _clean_plan(plan: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in PLAN_FIELDS:
        value = plan.get(name)
        if isinstance(value, str):
            value = value.strip()
        out[name] = value if value is not None else ("" if name not in _NULLABLE else None)
    out["consulted_with"] = str(out["consulted_with"])[:300]
    if out["notice_days"] is not None and int(out["notice_days"]) < 0:
        raise ValidationError(_("The notice period is a number of days."))
    return out


_NULLABLE = {"notice_given_on", "notice_days", "wages_secured", "consulted", "remedy_considered"}


def resolve_trigger(
    actor: Actor,
    *,
    event_response: EventResponse | None = None,
    event: RiskEvent | None = None,
    facility: Facility | None = None,
    corrective_action: CorrectiveAction | None = None,
) -> tuple[str, Facility, RiskEvent | None, EventResponse | None, CorrectiveAction | None]:
    """What the decision answers, checked against what the member may read: its own response to a
    risk event (or an event and one of its sites in the event's area), or a failed corrective action
    at a site in its chain. Returns the trigger, the site, and the rows to link."""
    given = sum(x is not None for x in (event_response, event, corrective_action))
    if given != 1:
        raise ValidationError(
            _("Choose what the decision answers: a risk event response or a failed corrective action.")
        )
    if event_response is not None:
        if not selectors.own_responses(actor).filter(pk=event_response.pk).exists():
            raise ValidationError(_("Choose one of your own responses to a risk event."))
        if facility is not None and facility.pk != event_response.facility_id:
            raise ValidationError(_("That response is about another site."))
        return Trigger.EVENT, event_response.facility, event_response.event, event_response, None
    if event is not None:
        if facility is None:
            raise ValidationError(_("Choose the site."))
        affected = {site.facility.pk: response for site, response in risk_selectors.affected_sites(actor, event)}
        if facility.pk not in affected:
            raise ValidationError(_("That site is not one of your sites in the event's area."))
        return Trigger.EVENT, facility, event, affected[facility.pk], None
    assert corrective_action is not None
    found = selectors.failed_actions(actor).filter(pk=corrective_action.pk).first()
    if found is None:
        raise ValidationError(_("Choose a corrective action past its due date at a site in your chain."))
    site = found.audit.facility
    if facility is not None and facility.pk != site.pk:
        raise ValidationError(_("That corrective action is about another site."))
    return Trigger.CORRECTIVE_ACTION, site, None, None, found


def record_exit(
    actor: Actor,
    *,
    decision: str,
    justification: str,
    event_response: EventResponse | None = None,
    event: RiskEvent | None = None,
    facility: Facility | None = None,
    corrective_action: CorrectiveAction | None = None,
    decided_on: date | None = None,
    confirm: bool = False,
    **plan: Any,
) -> ExitDecision:
    """Record whether the member continues with, suspends or leaves a site, and why.

    A suspension or an exit must be confirmed (``confirm``) after its preview
    (``selectors.exit_preview``). An exit must come with notice, secured wages and severance and
    consultation of the workers' representatives, or a reason for each one that is not possible.
    The supply link stays as it is: ending it is the register's own, previewed action."""
    org = _editor(actor)
    unknown = set(plan) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if decision not in Decision.values:
        raise ValidationError(_("Choose a decision: continue, suspend or exit."))
    justification = justification.strip()
    if not justification:
        raise ValidationError(_("Give the justification for the decision."))
    trigger, site, event, response, action = resolve_trigger(
        actor, event_response=event_response, event=event, facility=facility, corrective_action=corrective_action
    )
    today = timezone.localdate()
    decided_on = decided_on or today
    if decided_on > today:
        raise ValidationError(_("The decision date cannot be in the future."))
    cleaned = _clean_plan(plan) if decision != Decision.CONTINUE else _clean_plan({})
    if decision == Decision.EXIT:
        missing = missing_elements(cleaned)
        if missing:
            raise ValidationError(
                [_("An exit must be responsible: complete its plan, or say why an element is not possible."), *missing]
            )
    if decision in (Decision.SUSPEND, Decision.EXIT) and not confirm:
        raise ValidationError(
            _("Read what this decision means for the site's workers, then confirm it."), code="confirm_required"
        )
    now = timezone.now()
    with transaction.atomic():
        item = ExitDecision.objects.create(
            org=org,
            facility=site,
            trigger=trigger,
            event=event,
            event_response=response,
            corrective_action=action,
            decision=decision,
            justification=justification,
            decided_on=decided_on,
            created_by=actor.user,
            created_at=now,
            updated_at=now,
            **cleaned,
        )
        audit.record(
            actor,
            "plans.exit.recorded",
            obj=item,
            summary={
                "decision": decision,
                "facility": site.public_id,
                "trigger": trigger,
                "event": event.pk if event else None,
                "corrective_action": action.pk if action else None,
                "decided_on": decided_on,
                "not_possible": [n for n in ("notice", "wages", "consultation") if cleaned.get(f"{n}_not_possible")],
            },
        )
        if decision != Decision.CONTINUE:
            _tell_admins(actor, org, item)
    return item


def _tell_admins(actor: Actor, org: Organisation, item: ExitDecision) -> None:
    """The member's administrators hear of a suspension or an exit (its plan has deadlines)."""
    me = actor.user.email if actor.user is not None else ""
    recipients = [r for r in people_to_tell([org.pk], roles=(Role.ADMIN,)) if r.email != me]
    if not recipients:
        return
    path = reverse("plans:exit", args=[item.pk])
    site = item.facility.name

    def write() -> tuple[str, str]:
        subject = _("%(decision)s decided for %(site)s") % {"decision": item.get_decision_display(), "site": site}
        return subject, render_to_string("plans/email/exit_recorded.txt", {"item": item, "site": site, "path": path})

    transaction.on_commit(mail.after_commit(recipients, write))


def update_exit(actor: Actor, item: ExitDecision, *, status: str, timeline: str | None = None) -> ExitDecision:
    """Follow a decision through: being carried out, completed, or reversed (the member stays)."""
    org = _editor(actor)
    _mine(org, item.org_id)
    if status not in ExitStatus.values:
        raise ValidationError(_("Choose a status."))
    if item.status in (ExitStatus.COMPLETED, ExitStatus.REVERSED) and status != item.status:
        raise Conflict(_("This decision is already completed or reversed."))
    with transaction.atomic():
        item.status = status
        if timeline is not None:
            item.timeline = timeline.strip()
        item.updated_at = timezone.now()
        item.save(update_fields=["status", "timeline", "updated_at"])
        audit.record(actor, "plans.exit.updated", obj=item, summary={"status": status})
    return item

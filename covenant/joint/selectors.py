"""Reads of joint action.

Who sees a joint action: the organisations that accepted to take part in it, whatever their
kind, and nobody else: not another member, not the secretariat unless it takes part (as
facilitator, observer or participant). An organisation invited and not yet answering sees the
invitation only (title, aim, who invites), through :func:`get_invitation`. Everyone else gets
404 on every page, file and API route. This is an explicit participant rule rather than
``core.scoping.scoped``'s owner rule, because a joint action has no single owning
organisation: the tests (tests/joint/test_visibility.py) hold each negative case.

Published summaries (:func:`published_summaries`) are the exception everyone may read: the
fields participants chose to publish, never a participant's name unless it opted in.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Subquery
from django.http import Http404

from covenant.core.actors import Actor
from covenant.core.roles import OrgKind
from covenant.core.scoping import get_scoped_or_404
from covenant.joint.models import (
    ActionStatus,
    Attachment,
    Document,
    JointAction,
    Participant,
    ParticipantRole,
    ParticipantStatus,
)
from covenant.orgs.models import Organisation

# The kinds of organisation that may take part in (and be invited to) a joint action.
PARTICIPANT_KINDS = (OrgKind.MEMBER, OrgKind.CSO, OrgKind.TRADE_UNION, OrgKind.SUPPLIER, OrgKind.SECRETARIAT)
# The kinds that may start one.
CREATOR_KINDS = (OrgKind.MEMBER, OrgKind.CSO, OrgKind.TRADE_UNION, OrgKind.SECRETARIAT)


def _accepted(actor: Actor) -> Q:
    """The participant rule: joint actions the actor's organisation accepted to take part in."""
    assert actor.org is not None
    mine = Participant.objects.filter(org_id=actor.org.pk, status=ParticipantStatus.ACCEPTED).values("action_id")
    return Q(pk__in=Subquery(mine))


def visible_actions(actor: Actor) -> QuerySet[JointAction]:
    """The joint actions the actor's organisation takes part in (accepted participation)."""
    if actor.org is None or actor.role is None:
        return JointAction.objects.none()
    return JointAction.objects.filter(_accepted(actor)).prefetch_related("topics")


def joint_actions_for(actor: Actor) -> QuerySet[JointAction]:
    """For other apps (a member's action plan links a joint action): those the actor takes part in."""
    return visible_actions(actor)


def get_action(actor: Actor, public_id: uuid.UUID | str) -> JointAction:
    return get_scoped_or_404(
        visible_actions(actor).select_related("created_by", "responds_to_event"), public_id=public_id
    )


def invitations(actor: Actor) -> QuerySet[Participant]:
    """Open invitations to the actor's organisation: each shows title, aim and who invites only."""
    if actor.org is None or actor.role is None:
        return Participant.objects.none()
    return (
        Participant.objects.filter(org_id=actor.org.pk, status=ParticipantStatus.INVITED)
        .exclude(action__status__in=[ActionStatus.COMPLETED, ActionStatus.STOPPED])
        .select_related("action", "invited_by")
        .order_by("-invited_at", "-pk")
    )


def get_invitation(actor: Actor, public_id: uuid.UUID | str) -> Participant:
    return get_scoped_or_404(invitations(actor), action__public_id=public_id)


def participation(actor: Actor, action: JointAction) -> Participant | None:
    if actor.org is None:
        return None
    return action.participants.filter(org_id=actor.org.pk).first()


def participants(action: JointAction) -> QuerySet[Participant]:
    """Everyone invited to or taking part in ``action`` (call only with an action the reader may see)."""
    return action.participants.select_related("org", "invited_by").order_by("status", "role", "org__name")


def accepted_org_ids(action: JointAction) -> list[int]:
    return list(action.participants.filter(status=ParticipantStatus.ACCEPTED).values_list("org_id", flat=True))


def is_lead(actor: Actor, action: JointAction) -> bool:
    return (
        actor.org is not None
        and action.participants.filter(
            org_id=actor.org.pk, role=ParticipantRole.LEAD, status=ParticipantStatus.ACCEPTED
        ).exists()
    )


def get_document(actor: Actor, public_id: uuid.UUID | str, document_id: int) -> Document:
    action = get_action(actor, public_id)
    return get_scoped_or_404(Document.objects.filter(action=action), pk=document_id)


def invitable_orgs(action: JointAction) -> QuerySet[Organisation]:
    """Organisations the lead may invite: the participating kinds, active, not yet in the action
    (one who declined or left may be invited again)."""
    present = action.participants.filter(status__in=[ParticipantStatus.INVITED, ParticipantStatus.ACCEPTED]).values(
        "org_id"
    )
    return (
        Organisation.objects.filter(kind__in=PARTICIPANT_KINDS, is_active=True)
        .exclude(pk__in=Subquery(present))
        .order_by("kind", "name")
    )


def attachments(action: JointAction) -> QuerySet[Attachment]:
    return action.attachments.select_related("attached_by")


# --- Published summaries ----------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """What a published joint action shows anyone: never more than this."""

    public_id: uuid.UUID
    title: str
    aim: str
    topics: list[str]
    countries: list[str]
    progress: int
    status: str
    participant_count: int
    named: list[str] = field(default_factory=list)  # organisations that opted in to be named
    published_at: Any = None


def summary_of(action: JointAction) -> Summary:
    accepted = [p for p in action.participants.all() if p.status == ParticipantStatus.ACCEPTED]
    return Summary(
        public_id=action.public_id,
        title=action.title,
        aim=action.aim,
        topics=[t.code for t in action.topics.all()],
        countries=list(action.countries),
        progress=action.progress,
        status=action.status,
        participant_count=len(accepted),
        named=sorted(p.org.name for p in accepted if p.named_in_summary),
        published_at=action.published_at,
    )


def published_summaries() -> list[Summary]:
    """Every published joint action's summary: for the public page and the sector report."""
    qs = (
        JointAction.objects.filter(published_at__isnull=False)
        .prefetch_related("topics", "participants__org")
        .order_by("-published_at", "-pk")
    )
    return [summary_of(a) for a in qs]


# --- The secretariat's counts -------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    total: int
    by_status: list[tuple[str, int]]
    by_topic: list[tuple[str, int]]


def sector_counts(actor: Actor) -> Counts:
    """How many joint actions there are, by status and topic: all the secretariat sees of those it
    does not take part in (no titles, no participants)."""
    actor.require_kind(OrgKind.SECRETARIAT)
    statuses = Counter(JointAction.objects.values_list("status", flat=True))
    topics = Counter(JointAction.topics.through.objects.values_list("topic__code", flat=True))
    labels = dict(ActionStatus.choices)
    return Counts(
        total=sum(statuses.values()),
        by_status=[(str(labels[s]), statuses.get(s, 0)) for s in ActionStatus.values],
        by_topic=sorted(topics.items()),
    )


def lead_exists_besides(action: JointAction, org_id: int) -> bool:
    others = Participant.objects.filter(
        action=action, role=ParticipantRole.LEAD, status=ParticipantStatus.ACCEPTED
    ).exclude(org_id=org_id)
    return others.exists()


def require_visible(actor: Actor, action: JointAction) -> None:
    """Services take an action fetched through :func:`get_action`; this re-checks (404 otherwise)."""
    if actor.org is None or not visible_actions(actor).filter(pk=action.pk).exists():
        raise Http404

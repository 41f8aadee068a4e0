"""API routes of the grievance mechanism: the redacted view, and the remediation writes of
members and the site's supplier (whose texts are sealed to the case as they arrive).

What people wrote is never served over the API: it opens only with an organisation key
unlocked by a grievance handler's passphrase in a browser session (see
docs/grievance-protocol.md), and an API token must not be a way around that. Members and
handlers can follow cases here by reference, topic, site, stage and clocks, as in the
members' view of the web pages.
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from covenant.core.apiutils import Page, PathId
from covenant.core.web import actor_of
from covenant.grievances import remediation, selectors
from covenant.grievances.models import (
    CapStatus,
    Case,
    CaseAction,
    Channel,
    MemberEntryKind,
    RemedyType,
    Stage,
)

router = Router(tags=["Grievances"])


class CaseOut(Schema):
    id: uuid.UUID
    reference: str
    site: str | None  # the facility's public id, when the report named a site in the register
    country: str
    topics: list[str]
    channel: Channel
    stage: Stage
    received_on: date
    acknowledged_on: date | None
    closed_on: date | None
    urgent: bool  # forced or child labour, violence, retaliation, imminent harm: shorter clocks
    outcome: str  # how a closed case ended (an Outcome code), "" while open
    overdue: list[Literal["acknowledge", "feedback", "stage"]]  # the clocks that have run out

    @staticmethod
    def resolve_site(obj: Case) -> str | None:
        return obj.facility.public_id if obj.facility is not None else None

    @staticmethod
    def resolve_overdue(obj: Case) -> list[str]:
        return obj.overdue()


@router.get("/grievances/cases", response=list[CaseOut], summary="Grievance cases routed to you (redacted)")
@paginate(Page)
def list_cases(request: HttpRequest, show: Literal["open", "overdue", "closed", "all"] = "open") -> Any:
    return selectors.case_list(actor_of(request), show=show)


@router.get("/grievances/cases/{case_id}", response=CaseOut, summary="One grievance case (redacted)")
def get_case(request: HttpRequest, case_id: uuid.UUID) -> Any:
    return selectors.get_case(actor_of(request), case_id)


# --- Remedy with the site's supplier and the routed members (remediation.py) -------------------------
# Structured data only, as above; texts written here are sealed to the case at once (the handlers
# read them in a browser session), and never served back.


class CaseActionOut(Schema):
    number: int
    status: CapStatus
    due_on: date | None
    overdue: bool
    opened_on: date
    evidence: int  # pieces of evidence added
    verified_on: date | None
    verification_method: str  # a Verification code once verified, "" before

    @staticmethod
    def resolve_overdue(obj: CaseAction) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_evidence(obj: CaseAction) -> int:
        return len(obj.evidence.all())


class CaseRemedyOut(Schema):
    type: RemedyType
    amount: Decimal | None
    currency: str
    implemented: bool


class CaseMemberEntryOut(Schema):
    number: int
    kind: MemberEntryKind
    created_on: date
    due_on: date | None
    status: str  # a CommitmentStatus code for commitments, "" otherwise
    contribution_type: str  # a ContributionType code for contributions, "" otherwise
    amount: Decimal | None
    currency: str
    shown_to_reporter: bool


class CaseRemediationOut(Schema):
    reference: str
    site: str | None
    topics: list[str]
    stage: Stage
    stage_due: date | None
    actions: list[CaseActionOut]
    remedies: list[CaseRemedyOut]
    member_entries: list[CaseMemberEntryOut]  # the handlers see all; a member its own; the supplier none


class CaseMemberEntryIn(Schema):
    kind: MemberEntryKind
    text: str = Field(..., max_length=20_000)
    owner: str = Field("", max_length=200)
    due_on: date | None = None
    contribution_type: Literal["", "money", "in_kind", "other"] = ""
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str = Field("", max_length=3)


class CaseEvidenceIn(Schema):
    note: str = Field(..., max_length=20_000)


@router.get(
    "/grievances/cases/{case_id}/remediation",
    response=CaseRemediationOut,
    summary="A case's remedy: corrective actions, remedies, members' entries (no texts)",
)
def get_remediation(request: HttpRequest, case_id: uuid.UUID) -> Any:
    actor = actor_of(request)
    return remediation.summary(actor, selectors.get_case(actor, case_id))


@router.post(
    "/grievances/cases/{case_id}/member-entries",
    response={201: CaseMemberEntryOut},
    summary="Comment, commit to an action or contribute to remedy (members the case is routed to)",
)
def add_member_entry(request: HttpRequest, case_id: uuid.UUID, payload: CaseMemberEntryIn) -> Any:
    actor = actor_of(request)
    case = selectors.get_case(actor, case_id)
    data = remediation.EntryInput(**payload.dict())
    return Status(201, remediation.add_member_entry(actor, case, data))


@router.post(
    "/grievances/cases/{case_id}/actions/{number}/evidence",
    response={201: CaseActionOut},
    summary="Add evidence to a corrective action (the site's supplier)",
)
def add_action_evidence(request: HttpRequest, case_id: uuid.UUID, number: PathId, payload: CaseEvidenceIn) -> Any:
    actor = actor_of(request)
    case = selectors.get_case(actor, case_id)
    action = get_object_or_404(case.actions, number=number)
    action.case = case
    remediation.add_evidence(actor, action, payload.note)
    return Status(201, action)

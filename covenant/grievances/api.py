"""API routes of the grievance mechanism: the redacted view only.

What people wrote is never served over the API: it opens only with an organisation key
unlocked by a grievance handler's passphrase in a browser session (see
docs/grievance-protocol.md), and an API token must not be a way around that. Members and
handlers can follow cases here by reference, topic, site, stage and clocks, as in the
members' view of the web pages.
"""

import uuid
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from covenant.core.apiutils import Page
from covenant.core.web import actor_of
from covenant.grievances import selectors
from covenant.grievances.models import Case, Channel, Stage

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

"""What grievance cases tell the risk picture: counts per topic, never words (issue 15, item 5).

An **admissible** case linked to a register site is a risk signal on that site (source
``grievance``, one per case and risk topic, ``source_ref`` the case's id) for the members
the case is routed to, and for them only (:func:`readable_case_refs`, registered with
``risk.interface.register_reader`` in ``apps.py``). A signal carries the case's topics as
risk topics, the date it was received and whether it is open or closed: nothing anyone
wrote, no reference, no reporter. The rules (docs/grievances.md, "Cases and risk"):

- while an admissible case is open (investigation, remedy plan, remedy implemented, appeal):
  ``CASE_DELTA`` points on each risk topic its topics map to (``RISK_TOPICS``);
- closed, it keeps counting for ``KEEP_DAYS`` after closing: at half weight when the
  remedy was agreed, at full weight otherwise (no agreement, withdrawn, referred, remedy
  for part of it: the harm may well go on); closed as not substantiated it stops counting;
- a case closed as not admissible, not linked to a site, or about "something else" says
  nothing; a case re-routed to another site moves its signals there.

The secretariat and co-handlers handle cases in the grievance pages: their risk view of a
site (the shared picture) does not count cases, so that what one member's view shows is
decided by routing alone.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from covenant.core.actors import Actor
from covenant.grievances.models import Case, CaseRecipient, Outcome, Stage, Topic
from covenant.orgs.models import OrgKind
from covenant.risk.interface import Signal, clear_signals, replace_signals, topic_codes

SOURCE = "grievance"
CASE_DELTA = 1.0
REMEDIED_DELTA = 0.5
KEEP_DAYS = 365

# A grievance topic (what a worker picks, in their words) -> the salient risk topics it is evidence on.
RISK_TOPICS: dict[str, tuple[str, ...]] = {
    Topic.WAGES: ("wages",),
    Topic.HOURS: ("working_hours",),
    Topic.SAFETY: ("health_safety",),
    Topic.HARASSMENT: ("harsh_treatment", "discrimination"),  # violence; gender-based harassment
    Topic.DISCRIMINATION: ("discrimination",),
    Topic.FORCED_LABOUR: ("forced_labour",),
    Topic.CHILD_LABOUR: ("child_labour",),
    Topic.UNION: ("freedom_of_association",),
    Topic.CONTRACT: ("regular_employment",),
    Topic.ENVIRONMENT: ("environment", "land_rights"),  # "land, water or pollution"
    Topic.RETALIATION: ("harsh_treatment", "freedom_of_association"),
    Topic.IMMINENT_HARM: ("health_safety",),
    Topic.OTHER: (),
}


def signals_for(case: Case) -> list[Signal]:
    """What ``case`` says about its site's risk today: one signal per risk topic, or none."""
    if not case.admissible or case.facility_id is None:
        return []
    today = timezone.localdate()
    received = f"{case.received_on:%Y-%m-%d}"
    expires = None
    if case.stage == Stage.CLOSED:
        if case.outcome in (Outcome.NOT_SUBSTANTIATED, Outcome.NOT_ADMISSIBLE):
            return []
        closed = case.closed_on or today
        expires = closed + timedelta(days=KEEP_DAYS)
        if expires < today:
            return []
        remedied = case.outcome == Outcome.REMEDIED
        delta = REMEDIED_DELTA if remedied else CASE_DELTA
        code = "grievance_remedied" if remedied else "grievance_closed"
        params = {"date": received, "closed": f"{closed:%Y-%m-%d}", "until": f"{expires:%Y-%m-%d}"}
        text = f"Grievance case routed to you, received {received}: closed on {closed:%Y-%m-%d}"
    else:
        delta, code, params = CASE_DELTA, "grievance_open", {"date": received}
        text = f"Grievance case routed to you, received {received}: admissible, open"
    known = topic_codes()
    risk_topics = dict.fromkeys(t for topic in case.topics for t in RISK_TOPICS.get(topic, ()) if t in known)
    return [
        Signal(
            topic=t,
            delta=delta,
            explanation=text,
            observed_on=min(case.received_on, today),
            expires_on=expires,
            code=code,
            params=params,
        )
        for t in risk_topics
    ]


def refresh_case_signals(case: Case) -> None:
    """Set the risk signals of one case after a change (admissibility, stage, outcome, site).
    Call inside the change's transaction."""
    ref = str(case.pk)
    # Wherever it said something before (a re-routed case moves to another site).
    clear_signals(source=SOURCE, source_ref=ref)
    signals = signals_for(case)
    if signals and case.facility_id is not None:
        replace_signals(facility_id=case.facility_id, source=SOURCE, source_ref=ref, signals=signals)


def readable_case_refs(actor: Actor, refs: frozenset[str]) -> set[str]:
    """Which of these case ids (risk signals' ``source_ref``) count in ``actor``'s risk view:
    those of cases routed to its organisation as a member (not as a handler, nor as the
    site's supplier given a remediation view)."""
    ids = []
    for ref in refs:
        try:
            ids.append(uuid.UUID(ref))
        except ValueError:
            continue
    if not ids or actor.org is None or actor.kind != OrgKind.MEMBER:
        return set()
    routed = CaseRecipient.objects.filter(org=actor.org, handler=False, case_id__in=ids)
    return {str(pk) for pk in routed.values_list("case_id", flat=True)}


def readable_case_refs_at(actor: Actor, facilities: QuerySet[Any]) -> set[str]:
    """:func:`readable_case_refs` for the cases about these sites (a queryset of facility ids)."""
    if actor.org is None or actor.kind != OrgKind.MEMBER:
        return set()
    routed = CaseRecipient.objects.filter(org=actor.org, handler=False, case__facility_id__in=facilities)
    return {str(pk) for pk in routed.values_list("case_id", flat=True)}

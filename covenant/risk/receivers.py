"""How the risk app follows changes in the register."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from covenant.risk.engine import refresh_sites
from covenant.risk.models import EventResponse, RiskOverride, ScreeningHit, SiteSignal
from covenant.risk.services import apply_events_to


def move_signals_on_merge(*, loser: Any, survivor: Any, **_: Any) -> None:
    """What was known about the merged record is now known about the survivor.

    Signals, a member's override, a member's response to an event and a screening
    hit move unless the survivor already has its own for the same key (the
    survivor's record is the one people have been working on, and a source that
    already re-stated its signals for the survivor, as the audits app does, must
    not count twice); what is left behind stays on the merged record, which is no
    longer scored, and on the audit trail.
    """
    _move_unless_taken(SiteSignal.objects.all(), loser, survivor, ("source", "source_ref"))
    _move_unless_taken(RiskOverride.objects.all(), loser, survivor, ("org_id", "topic_id"))
    _move_unless_taken(EventResponse.objects.all(), loser, survivor, ("event_id", "org_id"))
    _move_unless_taken(ScreeningHit.objects.all(), loser, survivor, ("entry_id", "subject"))
    refresh_sites([survivor.pk, loser.pk])


def _move_unless_taken(rows: QuerySet[Any], loser: Model, survivor: Model, key: tuple[str, ...]) -> None:
    taken = set(rows.filter(facility=survivor).values_list(*key))
    movable = [pk for pk, *k in rows.filter(facility=loser).values_list("pk", *key) if tuple(k) not in taken]
    rows.filter(pk__in=movable).update(facility=survivor)


def score_changed_sites(*, facility_ids: list[int], **_: Any) -> None:
    """New sites, or sites whose country, subdivision, sector or products changed, are scored
    at once, with the running risk events of their area: a member who just uploaded a list sees
    their risk without waiting for the nightly run, and no page ever scores a site while
    reading (they show "not scored yet" for a site without a stored risk)."""
    # In slices: a register import may send hundreds of thousands of ids, more than
    # one query's parameters allow on SQLite.
    for start in range(0, len(facility_ids), 5000):
        chunk = facility_ids[start : start + 5000]
        apply_events_to(chunk)
        refresh_sites(chunk)

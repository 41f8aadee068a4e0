"""The risk part of the demo sector: scores, one armed-conflict event, and a sanctions hit in review.

Idempotent: each step looks for what it would create and skips it when present.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pycountry
from django.db.models import Q
from django.utils import timezone

from covenant.core.actors import Actor
from covenant.registry.interface import Facility, active_links
from covenant.risk import engine, services
from covenant.risk.models import Indicator, RiskEvent, SanctionsList

Log = Callable[[str], None]

EVENT_KIND = "armed_conflict"
SANCTIONS_LIST = "Demo sanctions extract (fictional)"
# Where the demo's conflict is declared, in order of preference, if members source there.
CONFLICT_COUNTRIES = ("UA", "MM")


def seed(*, secretariat_actor: Actor, log: Log = print) -> None:
    if not Indicator.objects.filter(builtin=True).exists():
        services.load_reference_data(secretariat_actor)
    result = engine.recompute_all()
    log(f"  risk: {result.sites} sites scored from {result.profiles} profiles")
    _conflict(secretariat_actor, log)
    _sanctions(secretariat_actor, log)


def _conflict(actor: Actor, log: Log) -> None:
    if RiskEvent.objects.filter(kind=EVENT_KIND).exists():
        return
    linked = active_links().exclude(facility__subdivision="")
    counts = Counter(
        linked.filter(facility__country__in=CONFLICT_COUNTRIES).values_list("facility__subdivision", flat=True)
    )
    if not counts:
        counts = Counter(linked.values_list("facility__subdivision", flat=True))
    if not counts:
        return
    region = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    found = pycountry.subdivisions.get(code=region)  # type: ignore[no-untyped-call]
    name = found.name if found is not None else region
    event = services.declare_event(
        actor,
        kind=EVENT_KIND,
        title=f"Armed conflict: {name}",
        regions=[region],
        starts_on=timezone.localdate() - timedelta(days=14),
        ends_on=None,
        topic_codes=["forced_labour", "health_safety", "wages", "migrant_workers", "harsh_treatment"],
        raise_by=2.0,
        guidance=(
            "Fighting has reached the region. Contact each site this week: are workers safe, is the site "
            "operating, are wages paid? Do not cut orders abruptly; an abrupt exit harms workers first. "
            "Workers displaced by the conflict may arrive at sites elsewhere: watch recruitment practices."
        ),
        checklist=[
            "Protect workers: check that workers at the site are safe",
            "Keep paying wages and honour orders already placed",
            "Plan a responsible exit if you must leave, with notice and severance",
            "Heightened due diligence for displaced workers at your sites elsewhere",
        ],
    )
    log(f"  risk: declared '{event.title}' ({region}); {event.alerts.count()} members alerted")


def _sanctions(actor: Actor, log: Log) -> None:
    if SanctionsList.objects.filter(name=SANCTIONS_LIST).exists():
        return
    # A supplier whose site members source from, listed under a slightly different name.
    linked = Facility.objects.filter(Q(links__isnull=False), owner__isnull=False).order_by("public_id")
    target = linked.select_related("owner").first()
    entities = [
        {
            "id": "demo-1",
            "schema": "Company",
            "properties": {"name": ["Northern Star Shipping LLC"], "country": ["ae"], "program": ["DEMO-1"]},
        },
        {
            "id": "demo-2",
            "schema": "Company",
            "properties": {"name": ["Oblast Defence Textiles JSC"], "country": ["ru"], "program": ["DEMO-2"]},
        },
        {"id": "demo-3", "schema": "Person", "properties": {"name": ["A. Fictional Person"]}},
    ]
    if target is not None and target.owner is not None:
        entities.append(
            {
                "id": "demo-4",
                "schema": "Company",
                "properties": {
                    "name": [target.owner.name.upper()],
                    "alias": [target.name],
                    "country": [target.country.lower()],
                    "program": ["DEMO-3 (fictional listing)"],
                },
            }
        )
    data = "\n".join(json.dumps(e) for e in entities).encode()
    sanctions_list = services.import_sanctions(
        actor,
        name=SANCTIONS_LIST,
        source="Covenant demo (fictional entries in the OpenSanctions FollowTheMoney format)",
        licence="CC0 (fictional)",
        filename="demo.ftm.json",
        data=data,
    )
    hits = services.screen(sanctions_list)
    log(f"  risk: imported {sanctions_list.entry_count} sanctions entries; {hits} possible hits to review")

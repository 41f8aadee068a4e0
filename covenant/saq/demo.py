"""The SAQ part of the demo sector: self-assessments of some sites of the suppliers that have people.

Deterministic and idempotent: a site that already has a SAQ is left alone. Everything goes through the
services as the supplier would do it (start, answer each section, the workforce profile, submit, share
with the members linked to the site); sites of the demo member (mem-01) come first. One site employs
refugee workers; one SAQ was submitted eleven months ago and expires within the month (its dates are
moved back after submission, the one step no person could take).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from covenant.core.actors import Actor
from covenant.orgs.models import Membership, Organisation, OrgKind
from covenant.registry.interface import Facility, active_links, own_facilities
from covenant.saq import questionnaire, services
from covenant.saq.models import Saq

MAX_SITES = 6

# Each demo SAQ's answers that differ from the safe ones, and its workforce (women, men, migrant,
# agency, refugee, young; nationalities), in the order the sites are taken.
PROFILES: list[dict[str, Any]] = [
    {
        "answers": {"WH-08": 72, "WH-10": "partly", "FL-09": "yes", "FL-12": "no", "HS-07": 3},
        "workforce": (420, 180, 160, 60, 0, 0, [("VN", 440), ("KH", 160)]),
    },
    {
        "answers": {"FA-02": "none", "DG-05": 4, "HS-03": "no"},
        "workforce": (510, 240, 90, 30, 35, 0, [("TR", 715), ("SY", 35)]),  # employs refugees
    },
    {
        "answers": {"WH-06": "no", "EN-04": "no"},
        "workforce": (95, 60, 0, 0, 0, 2, [("IN", 155)]),
    },
    {
        "answers": {"FL-07": "partly", "FL-01": "partly", "WH-02": "no"},
        "workforce": (300, 300, 240, 120, 0, 0, [("MY", 360), ("NP", 150), ("BD", 90)]),
    },
    {"answers": {}, "workforce": (80, 40, 0, 10, 0, 0, [("BD", 120)])},
    {"answers": {"CY-04": "no"}, "workforce": (200, 150, 20, 0, 0, 0, [("CN", 350)])},
]


def _safe_answers(version: questionnaire.Questionnaire) -> dict[str, Any]:
    """Every question answered the way that signals no risk."""
    answers: dict[str, Any] = {}
    for q in version.questions():
        rule = q.risk
        if q.type == "text":
            continue
        if q.type == "number":
            answers[q.code] = 48 if q.code == "WH-07" else 55 if q.code == "WH-08" else 30 if "below" in rule else 0
        elif q.type == "choice":
            flagged = set(rule.get("when", ()))
            answers[q.code] = next(c.code for c in q.choices if c.code not in flagged)
        else:
            answers[q.code] = "no" if rule.get("when") == ["yes"] else "yes"
    return answers


def _actor(org: Organisation) -> Actor | None:
    membership = Membership.objects.filter(org=org, role="admin").select_related("user").first()
    return Actor(user=membership.user, org=org, role="admin") if membership else None


def _sites(orgs: dict[str, Organisation]) -> list[tuple[Actor, Facility]]:
    """Sites of suppliers with people, those the demo member buys from first, a few per supplier."""
    demo_member = orgs.get("mem-01")
    picked: list[tuple[Actor, Facility]] = []
    suppliers = sorted((o for o in orgs.values() if o.kind == OrgKind.SUPPLIER), key=lambda o: o.slug)
    for prefer_member in (True, False):
        for supplier in suppliers:
            actor = _actor(supplier)
            if actor is None:
                continue
            sites = own_facilities(actor)
            if demo_member is not None:
                linked = active_links().filter(org=demo_member, facility=OuterRef("pk"))
                sites = sites.filter(Exists(linked)) if prefer_member else sites.exclude(Exists(linked))
            for site in sites.order_by("public_id")[:2]:
                if all(site.pk != s.pk for _a, s in picked):
                    picked.append((actor, site))
    return picked[:MAX_SITES]


def seed_saq(*, orgs: dict[str, Organisation], log: Callable[[str], object] = print) -> None:
    made = 0
    version = questionnaire.load(questionnaire.CURRENT)
    for index, (actor, site) in enumerate(_sites(orgs)):
        if Saq.objects.filter(facility=site).exists():
            continue
        profile = PROFILES[index % len(PROFILES)]
        with transaction.atomic():
            saq = services.start(actor, site)
            answers = {**_safe_answers(version), **profile["answers"]}
            answers["EN-06"] = "Worker committee elected in March; new canteen opened."
            for section in version.sections:
                codes = {q.code for q in section.questions}
                saq = services.save_section(actor, saq, section.code, {k: v for k, v in answers.items() if k in codes})
            women, men, migrant, agency, refugee, young, nations = profile["workforce"]
            saq = services.save_workforce(
                actor, saq, services.Workforce(women, men, 0, migrant, agency, refugee, young, nations)
            )
            saq = services.submit(actor, saq)
            members = active_links().filter(facility=site, org__kind=OrgKind.MEMBER).values_list("org_id", flat=True)
            for member in Organisation.objects.filter(pk__in=list(members)).order_by("pk"):
                services.share(actor, site, member)
            if index == 2:
                # Submitted eleven months ago: expires within the month (the reminder's case).
                submitted = timezone.now() - timedelta(days=340)
                Saq.objects.filter(pk=saq.pk).update(
                    submitted_at=submitted, valid_until=timezone.localdate() + timedelta(days=25)
                )
                saq.refresh_from_db()
                services.apply_signals(saq)
        made += 1
    log(f"  self-assessments: {made} submitted and shared")

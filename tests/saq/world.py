"""The SAQ world for tests and the tenancy walker: a supplier's submitted SAQ shared with member A.

The SAQ's owner (``saq_supplier``, Mekong Knitwear) is a supplier none of the tenancy probes acts for;
member B is linked to the same site but has no share; ``world.supplier`` is another supplier.
Private values carry ``canary-a`` where a page could show them (the free-text answer).
"""

from __future__ import annotations

from typing import Any

from covenant.registry.interface import Facility
from covenant.saq import questionnaire, services
from covenant.saq.models import Saq
from tests.conftest import World, actor_of, make_org, make_user
from tests.factories import link, make_facility


def full_answers(version: str = questionnaire.CURRENT, *, risky: bool = False) -> dict[str, Any]:
    """Every question answered: the safe answer, or (``risky``) the answer each question flags."""
    answers: dict[str, Any] = {}
    for q in questionnaire.load(version).questions():
        rule = q.risk
        if q.type == "text":
            answers[q.code] = "canary-a new dormitory block opened"
        elif q.type == "number":
            if risky and "above" in rule:
                answers[q.code] = float(rule["above"]) + 10
            elif "below" in rule:
                answers[q.code] = float(rule["below"]) + 10 if not risky else 0
            else:
                answers[q.code] = 0
        elif q.type == "choice":
            flagged = set(rule.get("when", ()))
            safe = [c.code for c in q.choices if c.code not in flagged]
            answers[q.code] = sorted(flagged)[0] if risky and flagged else safe[0]
        else:
            when = rule.get("when", ["no"])
            answers[q.code] = when[0] if risky else ("no" if when[0] == "yes" else "yes")
    return answers


def fill(saq: Saq, answers: dict[str, Any], *, refugees: int = 0, actor: Any = None) -> Saq:
    """Answer every section and give a workforce profile through the services."""
    version = questionnaire.load(saq.version)
    for section in version.sections:
        codes = {q.code for q in section.questions}
        saq = services.save_section(actor, saq, section.code, {k: v for k, v in answers.items() if k in codes})
    workforce = services.Workforce(
        workers_women=300,
        workers_men=200,
        workers_other=0,
        migrant_workers=120,
        agency_workers=40,
        refugee_workers=refugees,
        young_workers=0,
        nationalities=[("VN", 380), ("MM", 120)],
    )
    return services.save_workforce(actor, saq, workforce)


def submitted_saq(site: Facility, admin: Any, *, risky: bool = True, refugees: int = 0) -> Saq:
    actor = actor_of(admin)
    saq = services.start(actor, site)
    saq = fill(saq, full_answers(saq.version, risky=risky), refugees=refugees, actor=actor)
    return services.submit(actor, saq)


def saq_world(world: World) -> World:
    if "saq" in world.extras:
        return world
    owner = make_org("Mekong Knitwear", "supplier", country="VN")
    owner_admin = make_user(owner, "admin", "admin@mekongknit.example")
    site = make_facility("Mekong Knitwear Binh Duong", "VN", "Lot 5, VSIP 1, Binh Duong")
    Facility.objects.filter(pk=site.pk).update(owner=owner)
    site.refresh_from_db()
    link(world.member_a, site, tier=1, products=["canary-a sweaters"])
    link(world.member_b, site, tier=1, products=["cardigans"])
    saq = submitted_saq(site, owner_admin)
    services.share(actor_of(owner_admin), site, world.member_a)
    draft = services.start(actor_of(owner_admin), site)
    asked = services.request_saq(actor_of(world.admin_b), site)
    world.extras.update(
        saq=saq, saq_site=site, saq_supplier=owner, saq_supplier_admin=owner_admin, saq_draft=draft, saq_request=asked
    )
    return world

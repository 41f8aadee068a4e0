"""Builders for self-assessment tests: cycles, answers that give a known maturity, many members."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from covenant.assessments import questionnaire, services
from covenant.assessments.models import Assessment, Cycle
from covenant.core.actors import Actor
from tests.conftest import World, actor_of, make_org, make_user


def open_cycle(world: World, year: int = 2026, days: int = 30, version: str = "") -> Cycle:
    today = timezone.localdate()
    return services.open_cycle(
        actor_of(world.coordinator),
        year=year,
        opens_on=today - timedelta(days=5),
        deadline=today + timedelta(days=days),
        version=version,
    )


def answers(
    version: str = "2026.1", level: str = "top", steps: tuple[int, ...] = questionnaire.STEPS
) -> dict[str, Any]:
    """Every item of ``steps`` answered at the top (credit 1), the bottom (credit 0) or "partly" (0.5)."""
    q = questionnaire.get(version)
    found: dict[str, Any] = {}
    for item in q.items():
        if item.step not in steps:
            continue
        if item.type == "yesno":
            found[item.code] = {"top": "yes", "bottom": "no", "partly": "partly"}[level]
        elif item.type == "choice":
            ordered = sorted(item.options, key=lambda o: o.points)
            found[item.code] = {"top": ordered[-1], "bottom": ordered[0], "partly": ordered[len(ordered) // 2]}[
                level
            ].value
        elif item.type in {"percentage", "number"}:
            top = max(t for t, _c in item.bands)
            found[item.code] = {"top": top, "bottom": 0, "partly": 50 if item.type == "percentage" else 1}[level]
        else:
            found[item.code] = f"{level} answer"
    return found


def submitted(actor: Actor, cycle: Cycle, level: str = "top", extra: dict[str, Any] | None = None) -> Assessment:
    assessment = services.start(actor, cycle)
    services.save_draft(actor, assessment, {**answers(cycle.version, level), **(extra or {})})
    return services.submit(actor, assessment)


def members(n: int, prefix: str = "Member") -> list[Any]:
    """n member companies, each with an administrator; returns their administrators."""
    admins = []
    for i in range(n):
        org = make_org(f"{prefix} {i}", "member", size="sme")
        admins.append(make_user(org, "admin", f"admin{i}@{prefix.lower().replace(' ', '')}{i}.example"))
    return admins


def deadline_in(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def tenancy_world(w: World) -> World:
    """For the route walker and the read-only token walk: the 2026 cycle open, and member A's
    assessment in it answered in full (a text answer marked canary-a) but not submitted, with a
    file of evidence. ``w.extras``: ``sa_cycle``, ``sa_draft``, ``sa_evidence``."""
    from tests.factories import PDF_BYTES

    if "sa_draft" not in w.extras:
        cycle = open_cycle(w, 2026)
        member = actor_of(w.admin_a)
        draft = services.start(member, cycle)
        services.save_draft(member, draft, {**answers(), "2.2.g": "canary-a: overtime at the dye house"})
        evidence = services.attach_evidence(
            member, draft, question="1.1", filename="canary-a-policy.pdf", data=PDF_BYTES, note="canary-a"
        )
        w.extras.update(sa_cycle=cycle, sa_draft=draft, sa_evidence=evidence)
    return w


def tenancy_submitted(w: World) -> Assessment:
    """Member A's assessment of :func:`tenancy_world`, submitted (for the secretariat's reopen)."""
    tenancy_world(w)
    if w.extras["sa_draft"].status != "submitted":
        w.extras["sa_draft"] = services.submit(actor_of(w.admin_a), w.extras["sa_draft"])
    return w.extras["sa_draft"]  # type: ignore[no-any-return]

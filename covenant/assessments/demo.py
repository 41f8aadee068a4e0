"""The demo's self-assessments, written through the services (deterministic; safe to run twice).

2025: a closed cycle with nine members submitted (mem-01 … mem-09) and one draft left behind.
2026: the open cycle, its deadline three weeks ahead: eight members submitted, among them mem-01
(the demo member, which took the platform's figures where it had them) and five of bra-1's six
members, so that branch association sees its aggregates while bra-2 (three submitted) sees the
"fewer than 5" notice; mem-09's was reopened by the secretariat; two drafts; mem-12 not started.
Each member answers from its own steady "maturity", a little higher in 2026 than in 2025.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from covenant.assessments import questionnaire, services
from covenant.assessments.models import Assessment, Cycle
from covenant.core.actors import Actor
from covenant.orgs.models import Membership, Organisation, OrgKind

Log = Callable[[str], object]

SUBMITTED = {
    2025: [f"mem-{n:02d}" for n in range(1, 10)],
    2026: ["mem-01", "mem-02", "mem-03", "mem-04", "mem-05", "mem-06", "mem-07", "mem-10", "mem-09"],
}
DRAFTS = {2025: ["mem-10"], 2026: ["mem-08", "mem-11"]}
REOPENED_2026 = "mem-09"
TEXTS = [
    "Forced labour at spinning mills, excessive overtime at garment sites, low wages on tea estates.",
    "We moved order deadlines back by two weeks after talking with our main suppliers.",
    "Worker interviews found recruitment fees; the supplier is reimbursing them.",
    "Our due-diligence report is on our website under Sustainability.",
    "One case of unpaid overtime was remedied with back pay for 140 workers.",
]


def _actor(org: Organisation) -> Actor:
    found = Membership.objects.filter(org=org, role="admin").select_related("user").order_by("pk").first()
    if found is not None:
        return Actor(user=found.user, org=org, role="admin")
    return Actor(user=None, org=org, role="admin", via="cli")


def _answers(q: questionnaire.Questionnaire, key: str, year: int, *, part: float = 1.0) -> dict[str, Any]:
    """A member's answers: its maturity ``p`` (steady per member, +0.12 in 2026) with some noise
    per question; ``part`` < 1 leaves the later steps unanswered (a draft)."""
    base = random.Random(f"maturity-{key}").uniform(0.2, 0.8) + (0.12 if year >= 2026 else 0)
    rnd = random.Random(f"{key}-{year}")
    items = q.items()
    found: dict[str, Any] = {}
    for item in items[: int(len(items) * part)]:
        p = min(0.98, max(0.02, base + rnd.uniform(-0.25, 0.25)))
        if item.type == "yesno":
            r = rnd.random()
            found[item.code] = "yes" if r < p else "partly" if r < p + 0.2 else "no"
        elif item.type == "choice":
            ordered = sorted(item.options, key=lambda o: o.points)
            found[item.code] = ordered[min(len(ordered) - 1, int(p * len(ordered)))].value
        elif item.type == "percentage":
            found[item.code] = round(p * 100)
        elif item.type == "number":
            found[item.code] = int(p * 60)
        else:
            found[item.code] = TEXTS[rnd.randrange(len(TEXTS))]
    return found


def _cycle(secretariat: Actor, year: int, opens_on: date, deadline: date, log: Log) -> Cycle | None:
    found = Cycle.objects.filter(year=year).first()
    if found is not None:
        return None  # seeded before: leave it as it is
    try:
        return services.open_cycle(secretariat, year=year, opens_on=opens_on, deadline=deadline)
    except ValidationError as exc:
        log(f"  self-assessment {year} skipped ({'; '.join(exc.messages)})")
        return None


def _fill(cycle: Cycle, orgs: dict[str, Organisation], year: int) -> int:
    q = questionnaire.get(cycle.version)
    done = 0
    for key in SUBMITTED[year] + DRAFTS[year]:
        org = orgs.get(key)
        if org is None or org.kind != OrgKind.MEMBER or Assessment.objects.filter(cycle=cycle, org=org).exists():
            continue
        actor = _actor(org)
        draft = services.start(actor, cycle)
        if key in DRAFTS[year]:
            services.save_draft(actor, draft, _answers(q, key, year, part=0.6))
            continue
        accept = [i.code for i in q.items() if i.prefill] if key == "mem-01" else []
        services.save_draft(actor, draft, _answers(q, key, year), accept=accept)
        services.submit(actor, draft)
        done += 1
    return done


def seed_assessments(*, orgs: dict[str, Organisation], log: Log = print) -> None:
    secretariat = next((o for o in orgs.values() if o.kind == OrgKind.SECRETARIAT), None)
    if secretariat is None:
        return
    coordinator = Membership.objects.filter(org=secretariat, role="coordinator").select_related("user").first()
    staff = Actor(user=coordinator.user if coordinator else None, org=secretariat, role="coordinator", via="cli")
    today = timezone.localdate()
    last = _cycle(staff, 2025, date(2025, 9, 1), date(2025, 12, 15), log)
    if last is not None:
        submitted = _fill(last, orgs, 2025)
        services.close_cycle(staff, last)
        log(f"  self-assessment 2025: {submitted} submitted, closed")
    this = _cycle(staff, 2026, min(date(2026, 9, 1), today), max(date(2026, 9, 2), today + timedelta(days=21)), log)
    if this is not None:
        submitted = _fill(this, orgs, 2026)
        reopened = Assessment.objects.filter(cycle=this, org=orgs.get(REOPENED_2026)).first()
        if reopened is not None:
            services.reopen(
                staff, reopened, reason="Your step 2 figures are from last year's list; please update them."
            )
        log(f"  self-assessment 2026: {submitted} submitted (one reopened), deadline {this.deadline:%Y-%m-%d}")

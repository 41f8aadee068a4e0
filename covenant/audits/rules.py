"""The rules of audits as plain functions: validity, recognition, CAP deadlines, counters.

No database access here, so each rule is easy to test and to read next to the
schemes' own texts. Services and selectors feed these with model instances or
plain values.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

# APSCA member numbers are eight digits; registers and reports sometimes put the
# level in front ("CSCA 21701234"), which we accept and drop.
_APSCA_RE = re.compile(r"^(?:APSCA|ASCA|CSCA|RA|PA)?[\s:#-]*(\d{8})$", re.IGNORECASE)

DEFAULT_DUE_DAYS: dict[str, int] = {"critical": 30, "major": 90, "minor": 180}
SEVERITY_WEIGHT: dict[str, float] = {"critical": 2.0, "major": 1.0, "minor": 0.5}


def normalise_apsca_number(value: str) -> str | None:
    """``"CSCA 21701234"`` → ``"21701234"``; None when it is not an APSCA number."""
    match = _APSCA_RE.match(value.strip())
    return match.group(1) if match else None


def add_months(day: date, months: int) -> date:
    year = day.year + (day.month - 1 + months) // 12
    month = (day.month - 1 + months) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rating_rule(ratings: Sequence[Mapping[str, Any]], rating: str) -> Mapping[str, Any] | None:
    return next((r for r in ratings if str(r["code"]).upper() == rating.strip().upper()), None)


@dataclass(frozen=True)
class Validity:
    valid_until: date
    follow_up_due: date | None


def validity(
    *, end_date: date, validity_months: int, ratings: Sequence[Mapping[str, Any]] = (), rating: str = ""
) -> Validity:
    """How long an audit counts, and when a follow-up is due.

    The rating's own rule wins (amfori BSCI: A/B two years; C/D/E a follow-up
    within 12 months, and the audit counts only until then); otherwise the
    version's validity (SA8000: three years).
    """
    rule = rating_rule(ratings, rating) if rating else None
    months = int(rule["valid_months"]) if rule and rule.get("valid_months") else validity_months
    follow = rule.get("follow_up_months") if rule else None
    return Validity(
        valid_until=add_months(end_date, months),
        follow_up_due=add_months(end_date, int(follow)) if follow else None,
    )


def due_date(
    *, severity: str, collaborative: bool, start: date, due_days: Mapping[str, int] | None = None
) -> date | None:
    """Default CAP deadline by severity; none for findings the site cannot close alone."""
    if collaborative:
        return None
    days = {**DEFAULT_DUE_DAYS, **(due_days or {})}.get(severity)
    return start + timedelta(days=days) if days else None


@dataclass(frozen=True)
class Policy:
    """An effective recognition policy, already resolved to the scheme versions it accepts."""

    version_ids: frozenset[int]
    max_age_months: int
    require_qualified_auditor: bool
    required_pillars: frozenset[str] = field(default_factory=frozenset)
    accept_self_reported: bool = False
    # The least share (percent) of the reference protocol an accepted version must cover; None: any.
    min_overlap: int | None = None


def overlap(reference_map: Mapping[str, Iterable[str]], reference_clauses: Iterable[str]) -> float:
    """The share (percent, one decimal) of the reference protocol's clauses that a scheme
    version's sections cover, from its map ``{section: [clause codes]}``.

    Each clause counts once however many sections name it; codes the protocol does not have
    add nothing. The field's benchmark for mutual recognition is 85 %."""
    wanted = set(reference_clauses)
    if not wanted:
        return 0.0
    covered = {str(code) for codes in reference_map.values() for code in codes} & wanted
    return round(100 * len(covered) / len(wanted), 1)


def stricter(
    sector: Policy,
    member: Policy | None,
    pillars_by_version: Mapping[int, Iterable[str]] | None = None,
    overlap_by_version: Mapping[int, float] | None = None,
) -> Policy:
    """A member may be stricter than the sector, never more lenient.

    Accepted versions are the intersection (a member that accepts nothing
    explicitly takes the sector's list), the maximum age the smaller, the
    qualified-auditor rule either's, required pillars the union. Versions that
    lack a required pillar drop out, so recognition is one test on the version.
    Self-reported audits are the one choice the member's policy makes alone: the
    issue leaves it to each member whether an audit a supplier entered itself counts.
    The minimum overlap with the reference protocol is the higher of the two; versions
    below it drop out like those lacking a pillar.
    """
    if member is None:
        versions, age, qualified, pillars = (
            sector.version_ids,
            sector.max_age_months,
            sector.require_qualified_auditor,
            sector.required_pillars,
        )
    else:
        versions = sector.version_ids & member.version_ids if member.version_ids else sector.version_ids
        age = min(sector.max_age_months, member.max_age_months)
        qualified = sector.require_qualified_auditor or member.require_qualified_auditor
        pillars = sector.required_pillars | member.required_pillars
    if pillars and pillars_by_version is not None:
        versions = frozenset(v for v in versions if pillars <= set(pillars_by_version.get(v, ())))
    minimums = [m for m in (sector.min_overlap, member.min_overlap if member else None) if m is not None]
    min_overlap = max(minimums) if minimums else None
    if min_overlap is not None and overlap_by_version is not None:
        versions = frozenset(v for v in versions if overlap_by_version.get(v, 0.0) >= min_overlap)
    self_reported = member.accept_self_reported if member is not None else sector.accept_self_reported
    return Policy(frozenset(versions), age, qualified, frozenset(pillars), self_reported, min_overlap)


def oldest_accepted_end(policy: Policy, today: date) -> date:
    return add_months(today, -policy.max_age_months)


def is_recognised(
    policy: Policy,
    *,
    version_id: int,
    end_date: date,
    valid_until: date,
    qualified_auditor: bool,
    active: bool,
    today: date,
    self_reported: bool = False,
) -> bool:
    """Does this audit count for a member under ``policy`` today?"""
    return (
        active
        and (policy.accept_self_reported or not self_reported)
        and version_id in policy.version_ids
        and valid_until >= today
        and end_date >= oldest_accepted_end(policy, today)
        and (qualified_auditor or not policy.require_qualified_auditor)
    )


def audits_avoided(recognised_members_per_audit: Iterable[int]) -> int:
    """Each audit that counts for n members linked to the site spared n - 1 audits."""
    return sum(max(0, n - 1) for n in recognised_members_per_audit)


@dataclass(frozen=True)
class CapKpis:
    due: int
    closed_on_time: int
    closure_rate: float | None  # closed on time / due
    median_days_to_close: float | None


def cap_kpis(actions: Iterable[tuple[date | None, date | None, date]], today: date) -> CapKpis:
    """KPIs over ``(due_date, closed_on, opened_on)`` triples.

    An action is *due* once its deadline has passed or it was closed; it was
    closed on time if it was closed on or before its deadline. Actions without a
    deadline (collaborative) are left out of the rate but count for the median.
    """
    due = on_time = 0
    durations: list[int] = []
    for due_on, closed_on, opened_on in actions:
        if closed_on is not None:
            durations.append((closed_on - opened_on).days)
        if due_on is None:
            continue
        if due_on < today or closed_on is not None:
            due += 1
            if closed_on is not None and closed_on <= due_on:
                on_time += 1
    return CapKpis(
        due=due,
        closed_on_time=on_time,
        closure_rate=(on_time / due) if due else None,
        median_days_to_close=float(median(durations)) if durations else None,
    )


def cost_split(total: Decimal | None, percents: Sequence[Decimal | None]) -> list[Decimal | None]:
    """Each co-funder's amount of a joint audit's cost, in the order given.

    A co-funder with an agreed percentage pays that share of the total; the rest is split
    equally among those without one (to the cent). Without a total nobody has an amount yet."""
    if total is None:
        return [None] * len(percents)
    cent = Decimal("0.01")
    fixed = [(total * p / 100).quantize(cent) if p is not None else None for p in percents]
    open_count = sum(1 for p in percents if p is None)
    rest = total - sum((f for f in fixed if f is not None), Decimal(0))
    equal = (max(rest, Decimal(0)) / open_count).quantize(cent) if open_count else None
    return [f if f is not None else equal for f in fixed]


def shares_fit(percents: Iterable[Decimal | None]) -> bool:
    """Agreed percentages are each above 0 and at most 100, and together at most 100."""
    given = [p for p in percents if p is not None]
    return all(0 < p <= 100 for p in given) and sum(given, Decimal(0)) <= 100


def reminder_stage(due_on: date | None, today: date, *, days_before: int = 7) -> str | None:
    """Which reminder an open action is ready for today: "before" its deadline or "after" it."""
    if due_on is None:
        return None
    if today > due_on:
        return "after"
    if today >= due_on - timedelta(days=days_before):
        return "before"
    return None

"""Reads of the grievance mechanism, always through the scoping rule.

A case is visible to an organisation it was routed to (a :class:`CaseRecipient` row)
and to nobody else: a member not linked to the site, another supplier, an audit firm
or secretariat staff who are not grievance handlers get a 404 for it, never a 403.
Within a recipient organisation: handler organisations (the secretariat, co-handling
CSOs) show cases to their grievance handlers only; members see the redacted view.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case as SqlCase
from django.db.models import Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from covenant.accounts.models import User
from covenant.core.actors import Actor
from covenant.core.scoping import get_scoped_or_404, scoped
from covenant.grievances.models import (
    Case,
    CaseRecipient,
    Channel,
    Mechanism,
    OrgKey,
    Participation,
    RemedyType,
    Satisfaction,
    Stage,
    Topic,
    clock_days,
)
from covenant.matching import Record
from covenant.orgs.models import OrgKind, Role
from covenant.registry.interface import Facility, confirmed_facilities, matcher, search_facilities

SUPPRESS_BELOW = 5


def is_handler(actor: Actor) -> bool:
    return actor.org is not None and actor.role == Role.GRIEVANCE_HANDLER


def visible_cases(actor: Actor) -> QuerySet[Case]:
    org = actor.org
    if org is None or actor.role is None:
        return Case.objects.none()
    qs = Case.objects.select_related("mechanism", "facility")
    if org.kind in (OrgKind.SECRETARIAT, OrgKind.CSO):
        if actor.role != Role.GRIEVANCE_HANDLER:
            return Case.objects.none()
        qs = qs.filter(recipients__org=org, recipients__handler=True)
    elif org.kind == OrgKind.MEMBER:
        qs = qs.filter(recipients__org=org, recipients__handler=False)
    elif org.kind == OrgKind.SUPPLIER:
        # The site's supplier, once a handler shared the case with it for remedy (remediation.py).
        qs = qs.filter(recipients__org=org, recipients__supplier=True)
    else:
        return Case.objects.none()
    # One recipient row per (case, org): the join above cannot multiply rows.
    return scoped(actor, qs, owner="recipients__org")


def get_case(actor: Actor, case_id: uuid.UUID | str) -> Case:
    return get_scoped_or_404(visible_cases(actor), pk=case_id)


def recipient(actor: Actor, case: Case) -> CaseRecipient | None:
    if actor.org is None:
        return None
    return case.recipients.filter(org=actor.org).first()


def _overdue(qs: QuerySet[Case], today: date) -> QuerySet[Case]:
    """The cases with a clock run out, as ``Case.overdue`` says, decided in the database: the
    oldest cases are the late ones, so a list cut to its newest rows must not decide it."""
    late = Q(pk__in=[])
    for mechanism in Mechanism.objects.filter(pk__in=qs.values("mechanism_id")):
        for urgent in (False, True):  # urgent cases run on shorter clocks (models.clock_days)
            ack, feedback = (clock_days(mechanism, c, urgent) for c in ("acknowledge", "feedback"))
            clocks = Q(acknowledged_on__isnull=True, received_on__lt=today - timedelta(days=ack))
            clocks |= Q(first_feedback_on__isnull=True, received_on__lt=today - timedelta(days=feedback))
            for stage in mechanism.stage_days or {}:
                days = clock_days(mechanism, stage, urgent)
                if days:
                    clocks |= Q(stage=stage, stage_since__lt=today - timedelta(days=days))
            late |= Q(mechanism=mechanism, urgent=urgent) & clocks
    return qs.exclude(stage=Stage.CLOSED).filter(late)


def case_list(actor: Actor, *, show: str = "open") -> QuerySet[Case]:
    qs = visible_cases(actor)
    if show == "overdue":
        qs = _overdue(qs, timezone.localdate())
    elif show == "open":
        qs = qs.exclude(stage=Stage.CLOSED)
    elif show == "closed":
        qs = qs.filter(stage=Stage.CLOSED)
    elif show == "urgent":
        qs = qs.exclude(stage=Stage.CLOSED).filter(urgent=True)
    if actor.org is not None:
        # "New message": the reporter wrote since a handler of this organisation last opened it.
        qs = qs.annotate(
            new_message=Exists(
                CaseRecipient.objects.filter(case=OuterRef("pk"), org=actor.org, handler=True, unread=True)
            )
        )
    # Urgent open cases first, then the newest (docs/grievances.md, "Urgent cases").
    urgent_first = SqlCase(When(Q(urgent=True) & ~Q(stage=Stage.CLOSED), then=Value(0)), default=Value(1))
    return qs.order_by(urgent_first, "-received_on", "reference")


def urgent_waiting(actor: Actor) -> int:
    """Urgent cases not yet acknowledged: the in-app alert on the handlers' list."""
    if not is_handler(actor):
        return 0
    return visible_cases(actor).filter(urgent=True, stage=Stage.RECEIVED).count()


def mechanism_for(actor: Actor) -> Mechanism | None:
    """The mechanism the actor's organisation handles, or takes part in (or could join)."""
    org = actor.org
    if org is None:
        return None
    if org.kind == OrgKind.SECRETARIAT:
        return Mechanism.objects.filter(secretariat=org).first()
    joined = Mechanism.objects.filter(participants__org=org).first()
    return joined or Mechanism.objects.order_by("pk").first()


def public_mechanism(slug: str) -> Mechanism:
    return get_scoped_or_404(Mechanism.objects.select_related("secretariat"), slug=slug)


def participation(actor: Actor, mechanism: Mechanism) -> Participation | None:
    if actor.org is None:
        return None
    return Participation.objects.filter(mechanism=mechanism, org=actor.org).first()


def has_key(actor: Actor) -> bool:
    return actor.org is not None and OrgKey.objects.filter(org=actor.org).exists()


def handlers_of(case: Case) -> QuerySet[Any]:
    orgs = case.recipients.filter(handler=True).values("org_id")
    return User.objects.filter(
        memberships__org__in=orgs, memberships__role=Role.GRIEVANCE_HANDLER, is_active=True
    ).distinct()


def member_recipients(case: Case) -> QuerySet[CaseRecipient]:
    return case.recipients.filter(handler=False, supplier=False).select_related("org").order_by("org__name")


# --- Finding a site in the register -----------------------------------------------------------


def find_workplaces(name: str, town: str, limit: int = 5) -> list[Facility]:
    """The public workplace search (no actor): a name or alias as written, in any script, then
    the matching engine's candidates by name and town. Provisional sites (one member's,
    unconfirmed) are not offered to the public."""
    name = name.strip()[:200]
    if len(name) < 2:
        return []
    register = confirmed_facilities()
    exact = register.filter(Q(name__iexact=name) | Q(aliases__name__iexact=name)).distinct().order_by("name")
    found = list(exact[:limit])
    result = matcher().match(Record(id="query", name=name, address=town.strip()[:200]))
    ids = [c.registry_id for c in result.candidates if c.score >= 0.05][:limit]
    matched = {f.public_id: f for f in register.filter(public_id__in=ids)}
    found += [matched[i] for i in ids if i in matched and matched[i] not in found]
    if len(found) < limit:
        written = register.filter(Q(name__icontains=name) | Q(aliases__name__icontains=name)).distinct()
        found += [f for f in written.order_by("name")[: limit * 2] if f not in found]
    return found[:limit]


def site_candidates(actor: Actor, q: str, limit: int = 10) -> list[Facility]:
    """Register sites a handler may link a case to: the register's own search as the actor may
    see it (public id, name, alias in any script), then the public search's fuzzy matches."""
    q = q.strip()[:200]
    if len(q) < 2:
        return []
    found = list(search_facilities(actor, q=q)[:limit])
    found += [f for f in find_workplaces(q, "", limit=5) if f not in found]
    return found[:limit]


# --- Annual effectiveness review ---------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    label: str
    count: int | None  # None: suppressed (fewer than SUPPRESS_BELOW cases)


def _cells(counter: Counter[str], labels: dict[str, Any] | None = None) -> list[Cell]:
    cells = []
    for key, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        label = (labels or {}).get(key, key) or str(_("Not known"))
        cells.append(Cell(str(label), count if count >= SUPPRESS_BELOW else None))
    return cells


def _suppressed(value: float | None, n: int) -> float | None:
    return value if n >= SUPPRESS_BELOW else None


def effectiveness_review(mechanism: Mechanism, year: int) -> dict[str, Any]:
    """Volumes, times and satisfaction for one calendar year, every cell under 5 cases suppressed."""
    cases = list(
        Case.objects.filter(
            mechanism=mechanism, received_on__gte=date(year, 1, 1), received_on__lte=date(year, 12, 31)
        ).prefetch_related("remedies")
    )
    total = len(cases)
    by_channel = Counter(c.channel for c in cases)
    by_topic = Counter(t for c in cases for t in c.topics)
    by_country = Counter(c.country for c in cases)
    ack_days = [(c.acknowledged_on - c.received_on).days for c in cases if c.acknowledged_on]
    resolve_days = [(c.closed_on - c.received_on).days for c in cases if c.closed_on]
    answered = [c.satisfaction for c in cases if c.satisfaction]
    satisfied = sum(1 for s in answered if s == Satisfaction.SATISFIED)
    anonymous = sum(1 for c in cases if c.anonymous)
    on_time_ack = sum(1 for c in cases if c.acknowledged_on and c.acknowledged_on <= c.acknowledge_due())
    remedies = [r for c in cases for r in c.remedies.all()]
    by_remedy = Counter(r.type for r in remedies)
    # Counts not recorded (None) are left out, never read as 0.
    beneficiaries_f = sum(r.beneficiaries_female or 0 for r in remedies)
    beneficiaries_m = sum(r.beneficiaries_male or 0 for r in remedies)
    stages = Counter(c.stage for c in cases)
    language_count = len(settings.GRIEVANCE_LANGUAGES)

    def share(part: int, whole: int) -> float | None:
        if whole < SUPPRESS_BELOW or (part < SUPPRESS_BELOW and part != 0):
            return None
        return round(100 * part / whole, 1) if whole else None

    review: dict[str, Any] = {
        "year": year,
        "total": total if total >= SUPPRESS_BELOW else None,
        "by_channel": _cells(by_channel, dict(Channel.choices)),
        "by_topic": _cells(by_topic, dict(Topic.choices)),
        "by_country": _cells(by_country),
        "by_stage": _cells(stages, dict(Stage.choices)),
        "by_remedy": _cells(by_remedy, dict(RemedyType.choices)),
        "median_days_to_acknowledge": _suppressed(statistics.median(ack_days), len(ack_days)) if ack_days else None,
        "median_days_to_resolve": _suppressed(statistics.median(resolve_days), len(resolve_days))
        if resolve_days
        else None,
        "acknowledged_on_time_pct": share(on_time_ack, len(ack_days)),
        "satisfied_pct": share(satisfied, len(answered)),
        "satisfaction_answers": len(answered) if len(answered) >= SUPPRESS_BELOW else None,
        "anonymous_pct": share(anonymous, total),
        "beneficiaries_female": beneficiaries_f if beneficiaries_f >= SUPPRESS_BELOW else None,
        "beneficiaries_male": beneficiaries_m if beneficiaries_m >= SUPPRESS_BELOW else None,
        "languages": language_count,
    }
    review["ungp31"] = ungp31(mechanism, review)
    return review


def ungp31(mechanism: Mechanism, review: dict[str, Any]) -> list[tuple[str, str]]:
    """Each UNGP 31 effectiveness criterion, with the evidence this review gives for it."""
    channels = ", ".join(c.label for c in review["by_channel"]) or "—"
    accessible = _("%(langs)s intake languages; channels used: %(channels)s; anonymous share: %(anon)s") % {
        "langs": review["languages"],
        "channels": channels,
        "anon": _pct(review["anonymous_pct"]),
    }
    predictable = _(
        "Published time frames: acknowledge in %(ack)s days, feedback in %(fb)s days; "
        "median days to acknowledge: %(med)s; acknowledged on time: %(on)s"
    ) % {
        "ack": mechanism.acknowledge_days,
        "fb": mechanism.feedback_days,
        "med": _num(review["median_days_to_acknowledge"]),
        "on": _pct(review["acknowledged_on_time_pct"]),
    }
    rows = [
        (
            _("Legitimate"),
            _("Cases are handled by the grievance handlers, with every step recorded in a tamper-evident log."),
        ),
        (_("Accessible"), accessible),
        (_("Predictable"), predictable),
        (_("Equitable"), _("Reporters can add information and answer questions at any time with their receipt.")),
        (
            _("Transparent"),
            _("Reporters see every stage change; median days to resolve: %(res)s")
            % {"res": _num(review["median_days_to_resolve"])},
        ),
        (_("Rights-compatible"), _("Remedies recorded by type and by the number of women and men who benefited.")),
        (_("A source of continuous learning"), _("This review, by topic, country and channel.")),
        (
            _("Based on engagement and dialogue"),
            _("Complainants satisfied: %(sat)s") % {"sat": _pct(review["satisfied_pct"])},
        ),
    ]
    return [(str(a), str(b)) for a, b in rows]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value} %"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"

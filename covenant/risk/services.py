"""Every write of the risk capability: check, write in one transaction, record the audit event, notify after commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from covenant.core import mail
from covenant.core.actors import Actor
from covenant.core.audit import record
from covenant.core.errors import Conflict
from covenant.core.models import Job
from covenant.core.services import create_job, fail_job, finish_job, report_progress
from covenant.matching import Matcher, MatchIndex, Record
from covenant.orgs.models import Organisation, OrgKind
from covenant.orgs.selectors import people_to_tell
from covenant.registry import interface as registry
from covenant.registry.interface import Facility, FacilityStatus
from covenant.risk import engine, imports
from covenant.risk.interface import Signal, clear_signals, replace_signals, run_event_hooks
from covenant.risk.models import (
    OVERRIDE_DUE_DAYS,
    OVERRIDE_MAX_MONTHS,
    EventAlert,
    EventResponse,
    HitStatus,
    Indicator,
    IndicatorLevel,
    IndicatorStatus,
    IndicatorValue,
    ResponseStatus,
    RiskEvent,
    RiskOverride,
    SanctionsEntry,
    SanctionsList,
    ScreeningHit,
    SiteSignal,
    Topic,
    TopicWeight,
    add_months,
    default_review_date,
)
from covenant.risk.reference import load_builtin
from covenant.risk.screening import Entry, Screener
from covenant.risk.selectors import event_area, facilities_in

MAX_POINTS = 6.0


def _require_secretariat(actor: Actor) -> None:
    actor.require_kind(OrgKind.SECRETARIAT)
    actor.require_edit()


# --- Reference data and recomputation --------------------------------------------------


def load_reference_data(actor: Actor) -> int:
    with transaction.atomic():
        n = load_builtin(Indicator, IndicatorValue, TopicWeight, Topic)
        record(actor, "risk.reference.loaded", object_type="risk.indicator", summary={"values": n})
    return n


def recompute_all(progress: engine.Progress | None = None) -> engine.RecomputeResult:
    return engine.recompute_all(progress)


def start_recompute(actor: Actor) -> Job:
    """Queue a full recomputation (a background task); the page follows its progress."""
    from covenant.risk.tasks import recompute_task

    _require_secretariat(actor)
    job = create_job(actor, "risk.recompute", label=_("Recomputing inherent risk"))
    with transaction.atomic():
        record(actor, "risk.recompute.started", object_type="core.job", object_id=str(job.pk))
    transaction.on_commit(lambda: recompute_task.enqueue(str(job.pk)))
    return job


def run_recompute_job(job_id: uuid.UUID | str) -> None:
    try:
        result = engine.recompute_all(lambda done, total: report_progress(job_id, done, total))
    except Exception as exc:  # the page must say it failed; the task runner logs the traceback
        fail_job(job_id, str(exc))
        raise
    finish_job(
        job_id,
        {"sites": result.sites, "profiles": result.profiles, "next_url": reverse("risk:indicators")},
        message=_("%(sites)s sites scored from %(profiles)s profiles.")
        % {"sites": result.sites, "profiles": result.profiles},
    )


def upload_indicator(
    actor: Actor,
    *,
    name: str,
    level: str,
    edition: str,
    licence: str,
    url: str,
    data: bytes,
    weights: dict[str, float],
) -> Indicator:
    """A country or commodity indicator from a CSV or XLSX, kept as a **draft** with its weights:
    scoring does not read it until :func:`publish_indicator`. Any bad row: row-numbered errors,
    nothing changes. Uploading again under the same name and edition replaces the draft."""
    _require_secretariat(actor)
    if level not in IndicatorLevel.values:
        raise ValidationError(_("Choose a level."))
    parsed = imports.parse_indicator_csv(data, level=level)
    errors = list(parsed.errors)
    topics = dict(Topic.objects.values_list("code", "pk"))
    errors += _weight_errors(weights, topics)
    edition, licence = edition.strip(), licence.strip()
    for given, in_file, label in ((edition, parsed.edition, _("edition")), (licence, parsed.licence, _("licence"))):
        if given and in_file and given != in_file:
            errors.append(
                _("The form says %(label)s %(given)r, the file %(in_file)r.")
                % {"label": label, "given": given, "in_file": in_file}
            )
    edition, licence = edition or parsed.edition, licence or parsed.licence
    if not edition:
        errors.append(_("Give the edition (or an edition column in the file)."))
    if not licence:
        errors.append(_("Say under which licence the data may be used."))
    if not parsed.values and not errors:
        errors.append(_("The file holds no values."))
    code = slugify(f"{name}-{edition}")[:60] or "indicator"
    existing = Indicator.objects.filter(code=code).first()
    if existing is not None and existing.builtin:
        errors.append(_("A shipped indicator has that name and edition; choose another name."))
    elif existing is not None and existing.status == IndicatorStatus.PUBLISHED:
        errors.append(_("A published indicator has that name and edition: upload the new data as a new edition."))
    if errors:
        raise ValidationError(errors)
    draft_weights = {c: float(p) for c, p in weights.items() if p > 0}
    with transaction.atomic():
        indicator, created = Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name.strip(),
                "level": level,
                "source": "; ".join(parsed.sources)[:300],
                "edition": edition,
                "url": url.strip(),
                "licence": licence,
                "builtin": False,
                "status": IndicatorStatus.DRAFT,
                "draft_weights": draft_weights,
                "updated_at": timezone.now(),
            },
        )
        IndicatorValue.objects.filter(indicator=indicator).delete()
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(indicator=indicator, country=c, commodity=g, value=v, raw=r)
                for c, g, v, r in parsed.values
            ]
        )
        record(
            actor,
            "risk.indicator.uploaded",
            obj=indicator,
            summary={
                "values": len(parsed.values),
                "weights": draft_weights,
                "edition": edition,
                "licence": licence,
                "status": IndicatorStatus.DRAFT,
                "replaced": not created,
            },
        )
    return indicator


def _weight_errors(weights: dict[str, float], topics: dict[str, int], *, require_one: bool = True) -> list[str]:
    errors = []
    for code, points in weights.items():
        if code not in topics:
            errors.append(_("Unknown topic %(code)s.") % {"code": code})
        elif not 0 <= points <= MAX_POINTS:
            errors.append(_("Points must be between 0 and %(max)s.") % {"max": MAX_POINTS})
    if require_one and not any(p > 0 for p in weights.values()):
        errors.append(_("Map the indicator to at least one topic."))
    return errors


def _write_weights(indicator: Indicator, weights: dict[str, float], topics: dict[str, int]) -> None:
    TopicWeight.objects.filter(indicator=indicator).delete()
    TopicWeight.objects.bulk_create(
        [TopicWeight(indicator=indicator, topic_id=topics[c], points=p) for c, p in weights.items() if p > 0]
    )


def set_weights(actor: Actor, indicator: Indicator, weights: dict[str, float]) -> None:
    """New weights wait as a draft beside the ones in force until :func:`publish_indicator`.
    All zero is allowed for a published indicator: publishing that retires it from scoring."""
    _require_secretariat(actor)
    topics = dict(Topic.objects.values_list("code", "pk"))
    errors = _weight_errors(weights, topics, require_one=indicator.status == IndicatorStatus.DRAFT)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = dict(TopicWeight.objects.filter(indicator=indicator).values_list("topic__code", "points"))
        indicator.draft_weights = {c: float(p) for c, p in weights.items() if p > 0}
        indicator.save(update_fields=["draft_weights"])
        record(
            actor,
            "risk.indicator.weights_drafted",
            obj=indicator,
            summary={"in_force": before, "draft": indicator.draft_weights},
        )


def publish_indicator(actor: Actor, indicator: Indicator) -> Job:
    """Put a draft indicator, or a published one's draft weights, in force, and recompute."""
    _require_secretariat(actor)
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if indicator.draft_weights is None:
            raise Conflict(_("Nothing waits to be published for this indicator."))
        topics = dict(Topic.objects.values_list("code", "pk"))
        before = dict(TopicWeight.objects.filter(indicator=indicator).values_list("topic__code", "points"))
        first = indicator.status == IndicatorStatus.DRAFT
        _write_weights(indicator, indicator.draft_weights, topics)
        after = indicator.draft_weights
        indicator.status = IndicatorStatus.PUBLISHED
        indicator.draft_weights = None
        indicator.updated_at = timezone.now()
        indicator.save(update_fields=["status", "draft_weights", "updated_at"])
        record(
            actor,
            "risk.indicator.published",
            obj=indicator,
            summary={"first_publication": first, "before": before, "after": after, "values": indicator.values.count()},
        )
    return start_recompute(actor)


def discard_draft(actor: Actor, indicator: Indicator) -> None:
    """Drop a draft indicator (its values go with it), or a published one's draft weights."""
    _require_secretariat(actor)
    with transaction.atomic():
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if indicator.draft_weights is None and indicator.status == IndicatorStatus.PUBLISHED:
            raise Conflict(_("Nothing waits to be published for this indicator."))
        summary = {"status": indicator.status, "draft": indicator.draft_weights, "name": str(indicator)}
        record(actor, "risk.indicator.draft_discarded", obj=indicator, summary=summary)
        if indicator.status == IndicatorStatus.DRAFT:
            indicator.delete()
        else:
            indicator.draft_weights = None
            indicator.save(update_fields=["draft_weights"])


# --- Overrides -------------------------------------------------------------------------


def set_override(
    actor: Actor,
    facility: Facility,
    topic_code: str,
    score: float,
    justification: str,
    review_on: date | None = None,
) -> RiskOverride:
    """A member's own judgement of a site's risk on one topic, shown beside the computed value.

    It applies until its review date (by default a year ahead, at most two years); setting
    it again with a new date renews it."""
    org = actor.require_kind(OrgKind.MEMBER)
    actor.require_edit()
    if not registry.own_links(actor, include_ended=True).filter(facility=facility).exists():
        raise PermissionDenied(_("You can only adjust sites in your own supply chain."))
    topic = Topic.objects.filter(code=topic_code).first()
    if topic is None:
        raise ValidationError(_("Choose a topic."))
    if not 0 <= score <= 10:
        raise ValidationError(_("The score must be between 0 and 10."))
    if len(justification.strip()) < 10:
        raise ValidationError(_("Explain why in a sentence or two."))
    today = timezone.localdate()
    review_on = review_on or default_review_date()
    latest = add_months(today, OVERRIDE_MAX_MONTHS)
    if not today < review_on <= latest:
        raise ValidationError(
            _("Choose a review date after today and at most %(months)s months ahead (until %(latest)s).")
            % {"months": OVERRIDE_MAX_MONTHS, "latest": latest.isoformat()}
        )
    with transaction.atomic():
        previous = RiskOverride.objects.filter(org=org, facility=facility, topic=topic).first()
        override, _created = RiskOverride.objects.update_or_create(
            org=org,
            facility=facility,
            topic=topic,
            defaults={
                "score": round(score, 1),
                "justification": justification.strip(),
                "review_on": review_on,
                "created_by": actor.user,
                "created_at": timezone.now(),
            },
        )
        computed = getattr(getattr(facility, "risk", None), "profile", None)
        record(
            actor,
            "risk.override.set",
            obj=override,
            summary={
                "facility": facility.public_id,
                "topic": topic.code,
                "score": override.score,
                "computed": computed.scores.get(topic.code) if computed is not None else None,
                "justification": override.justification[:300],
                "review_on": review_on.isoformat(),
                # A renewal: the date it replaces (and whether it had already expired).
                "previous_review_on": previous.review_on.isoformat() if previous else None,
            },
        )
    return override


def send_override_reminders(today: date | None = None, days_before: int = OVERRIDE_DUE_DAYS) -> int:
    """E-mail each member's admins and editors about its overrides whose review date is near
    (within ``days_before``) and about those that expired. Once per override, stage and review
    date: renewing with a new date arms both reminders again. One e-mail per member and
    run lists its overrides; returns the number of members reminded."""
    today = today or timezone.localdate()
    system = Actor.system(via="task")
    soon = today + timedelta(days=days_before)
    due = RiskOverride.objects.filter(review_on__gte=today, review_on__lte=soon).exclude(
        reminded_due_for=F("review_on")
    )
    expired = RiskOverride.objects.filter(review_on__lt=today).exclude(reminded_expired_for=F("review_on"))
    per_org: dict[int, dict[str, list[RiskOverride]]] = {}
    for stage, qs in (("due", due), ("expired", expired)):
        for item in qs.select_related("facility", "topic").order_by("review_on", "pk"):
            per_org.setdefault(item.org_id, {"due": [], "expired": []})[stage].append(item)
    sent = 0
    for org_id, stages in sorted(per_org.items()):
        with transaction.atomic():
            # Marked in the transaction that records the reminder: a second run finds nothing.
            for stage, field in (("due", "reminded_due_for"), ("expired", "reminded_expired_for")):
                for item in stages[stage]:
                    RiskOverride.objects.filter(pk=item.pk).update(**{field: item.review_on})
            record(
                system,
                "risk.override.reminded",
                object_type="risk.riskoverride",
                org_id=org_id,
                summary={
                    "due": [item.pk for item in stages["due"]],
                    "expired": [item.pk for item in stages["expired"]],
                },
            )
            recipients = people_to_tell([org_id])
            if recipients:
                context = {
                    "due": stages["due"],
                    "expired": stages["expired"],
                    "link": settings.SITE_URL + reverse("risk:overrides"),
                }

                def write(context: dict[str, Any] = context) -> tuple[str, str]:
                    n_due, n_expired = len(context["due"]), len(context["expired"])
                    if n_expired:
                        subject = ngettext(
                            "%(n)s of your risk overrides has expired",
                            "%(n)s of your risk overrides have expired",
                            n_expired,
                        ) % {"n": n_expired}
                    else:
                        subject = ngettext(
                            "%(n)s of your risk overrides is due for review",
                            "%(n)s of your risk overrides are due for review",
                            n_due,
                        ) % {"n": n_due}
                    return subject, render_to_string("risk/email/override_reminder.txt", context)

                transaction.on_commit(mail.after_commit(recipients, write))
        sent += 1
    return sent


def remove_override(actor: Actor, override: RiskOverride) -> None:
    org = actor.require_edit()
    if override.org_id != org.pk:
        raise PermissionDenied
    with transaction.atomic():
        record(
            actor,
            "risk.override.removed",
            obj=override,
            summary={"facility": override.facility.public_id, "topic": override.topic.code},
        )
        override.delete()


# --- Risk events ---------------------------------------------------------------------


def _area(event: RiskEvent) -> QuerySet[Facility]:
    return Facility.objects.filter(facilities_in(event.regions), status=FacilityStatus.ACTIVE)


def _exposed(event: RiskEvent) -> dict[int, list[Facility]]:
    """Each exposed member's sites in the area: linked, or mapped beyond tier 1 through an edge."""
    pairs = registry.chain_pairs_in(_area(event))
    facilities = Facility.objects.in_bulk({fid for _org, fid in pairs})
    per_org: dict[int, list[Facility]] = {}
    for org_id, fid in sorted(pairs):
        per_org.setdefault(org_id, []).append(facilities[fid])
    return per_org


def declare_event(
    actor: Actor,
    *,
    kind: str,
    title: str,
    regions: list[str],
    starts_on: date,
    ends_on: date | None,
    topic_codes: list[str],
    raise_by: float,
    guidance: str,
    checklist: list[str],
) -> RiskEvent:
    _require_secretariat(actor)
    clean, errors = imports.check_regions(regions)
    if not clean and not errors:
        errors.append(_("Name at least one country or region."))
    topics = list(Topic.objects.filter(code__in=topic_codes))
    if not topics:
        errors.append(_("Choose the topics the event raises."))
    if ends_on is not None and ends_on < starts_on:
        errors.append(_("The event cannot end before it starts."))
    if not 0 < raise_by <= 4:
        errors.append(_("An event raises risk by more than 0 and at most 4 points."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        event = RiskEvent.objects.create(
            kind=kind,
            title=title.strip(),
            regions=clean,
            starts_on=starts_on,
            ends_on=ends_on,
            raise_by=raise_by,
            guidance=guidance.strip(),
            checklist=[c.strip() for c in checklist if c.strip()],
            declared_by=actor.user,
        )
        event.topics.set(topics)
        apply_event_signals(event)
        alerts = _alert_members(event)
        record(
            actor,
            "risk.event.declared",
            obj=event,
            summary={"kind": kind, "regions": clean, "topics": [t.code for t in topics], "members_alerted": alerts},
        )
    return event


def apply_event_signals(event: RiskEvent) -> int:
    """While active, an event raises its topics for every site in its area (through the signal interface)."""
    ref = str(event.pk)
    old = list(SiteSignal.objects.filter(source="event", source_ref=ref).values_list("facility_id", flat=True))
    SiteSignal.objects.filter(source="event", source_ref=ref).delete()
    ids: list[int] = []
    # Signals carry the event's dates (observed_on = start, expires_on = end), so an event
    # declared ahead counts from its first day on; the nightly `covenant recompute-risk` moves
    # stored scores across those dates.
    if event.ended_at is None and (event.ends_on is None or event.ends_on >= timezone.localdate()):
        ids = list(
            Facility.objects.filter(facilities_in(event.regions), status=FacilityStatus.ACTIVE).values_list(
                "pk", flat=True
            )
        )
        _add_event_signals(event, ids)
    engine.refresh_sites(set(old) | set(ids))
    # Apps with restricted evidence of exposure outside the area state their own signals.
    run_event_hooks(event)
    return len(ids)


def _add_event_signals(event: RiskEvent, facility_ids: Sequence[int]) -> None:
    topics = list(event.topics.all())
    label = _("Risk event: %(title)s") % {"title": event.title}
    SiteSignal.objects.bulk_create(
        [
            SiteSignal(
                facility_id=fid,
                topic=topic,
                source="event",
                source_ref=str(event.pk),
                delta=min(4.0, event.raise_by),
                explanation=label[:300],
                code="event",
                params={"title": event.title},
                observed_on=event.starts_on,
                expires_on=event.ends_on,
            )
            for fid in facility_ids
            for topic in topics
        ],
        batch_size=5000,
    )


def apply_events_to(facility_ids: Sequence[int]) -> None:
    """Re-state the running events' signals for these sites, new or changed (a site created
    in an event's area, or moved into or out of it), as :func:`apply_event_signals` does for
    a whole area. The caller refreshes their stored risk (``risk.receivers``); the nightly
    :func:`sync_events` alerts members newly exposed."""
    today = timezone.localdate()
    running = list(
        RiskEvent.objects.filter(ended_at__isnull=True).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    )
    if not running:
        return
    SiteSignal.objects.filter(
        source="event", source_ref__in=[str(e.pk) for e in running], facility_id__in=facility_ids
    ).delete()
    for event in running:
        inside = Facility.objects.filter(facilities_in(event.regions), pk__in=facility_ids)
        _add_event_signals(event, list(inside.filter(status=FacilityStatus.ACTIVE).values_list("pk", flat=True)))


def _alert_members(event: RiskEvent) -> int:
    """Tell each exposed member, in the app and by e-mail, which of *its* sites are in the area."""
    per_org = _exposed(event)
    existing = set(EventAlert.objects.filter(event=event).values_list("org_id", flat=True))
    EventAlert.objects.bulk_create(
        [
            EventAlert(event=event, org_id=org_id, site_count=len(sites))
            for org_id, sites in per_org.items()
            if org_id not in existing
        ]
    )
    for org_id, sites in per_org.items():
        if org_id in existing:
            EventAlert.objects.filter(event=event, org_id=org_id).update(site_count=len(sites))
            continue
        recipients = people_to_tell([org_id])
        if not recipients:
            continue
        context = {
            "event": event,
            "sites": sorted(sites, key=lambda f: f.name)[:200],
            "more": max(0, len(sites) - 200),
            "link": settings.SITE_URL + reverse("risk:event", args=[event.pk]),
        }

        def write(context: dict[str, Any] = context, n: int = len(sites)) -> tuple[str, str]:
            subject = _("Risk event: %(title)s affects %(n)s of your sites") % {"title": event.title, "n": n}
            return subject, render_to_string("risk/email/event_alert.txt", context)

        transaction.on_commit(mail.after_commit(recipients, write))
    return len(per_org)


def sync_events() -> int:
    """For every active event: raise the area's sites again (new sites, passed dates) and
    alert members who became exposed since it was declared. Run nightly; returns new alerts."""
    before = EventAlert.objects.count()
    for event in RiskEvent.objects.filter(ended_at__isnull=True):
        with transaction.atomic():
            apply_event_signals(event)
            if event.is_active:
                _alert_members(event)
    return EventAlert.objects.count() - before


def end_event(actor: Actor, event: RiskEvent) -> None:
    _require_secretariat(actor)
    if event.ended_at is not None:
        return
    with transaction.atomic():
        event.ended_at = timezone.now()
        event.save(update_fields=["ended_at"])
        clear_signals(source="event", source_ref=str(event.pk))
        run_event_hooks(event)
        record(actor, "risk.event.ended", obj=event)


def record_response(
    actor: Actor, event: RiskEvent, facility: Facility, *, status: str, checklist_done: list[int], note: str
) -> EventResponse:
    org = actor.require_kind(OrgKind.MEMBER)
    actor.require_edit()
    if not registry.chain_sites_in(actor, event_area(actor, event).filter(pk=facility.pk)):
        raise PermissionDenied
    if status not in ResponseStatus.values:
        raise ValidationError(_("Choose a status."))
    done = sorted({i for i in checklist_done if 0 <= i < len(event.checklist)})
    with transaction.atomic():
        response, _created = EventResponse.objects.update_or_create(
            event=event,
            org=org,
            facility=facility,
            defaults={
                "status": status,
                "checklist_done": done,
                "note": note.strip(),
                "updated_by": actor.user,
                "updated_at": timezone.now(),
            },
        )
        EventAlert.objects.filter(event=event, org=org, seen_at__isnull=True).update(seen_at=timezone.now())
        record(
            actor,
            "risk.event.response",
            obj=response,
            summary={"event": event.pk, "facility": facility.public_id, "status": status, "checklist_done": done},
        )
    return response


# --- Sanctions screening -------------------------------------------------------------


def import_sanctions(
    actor: Actor, *, name: str, source: str, licence: str, filename: str, data: bytes
) -> SanctionsList:
    """Import (or update) a list; entries keep their id across versions so decisions survive."""
    _require_secretariat(actor)
    fmt, rows, errors = imports.parse_sanctions(data, filename)
    if not source.strip():
        errors.append(_("Say where the list comes from."))
    if not rows and not errors:
        errors.append(_("The file holds no companies or organisations."))
    if errors:
        raise ValidationError(errors[:50])
    with transaction.atomic():
        sanctions_list, created = SanctionsList.objects.get_or_create(
            name=name.strip(), defaults={"source": source.strip(), "licence": licence.strip(), "fmt": fmt}
        )
        if not created:
            sanctions_list.version += 1
        sanctions_list.source = source.strip()
        sanctions_list.licence = licence.strip()
        sanctions_list.fmt = fmt
        sanctions_list.imported_at = timezone.now()
        by_ext = {e.ext_id: e for e in SanctionsEntry.objects.filter(sanctions_list=sanctions_list)}
        keep = set()
        new = []
        for row in rows:
            fields = {
                "schema": row.schema,
                "name": row.name,
                "aliases": row.aliases,
                "countries": row.countries,
                "identifiers": row.identifiers,
                "programme": row.programme,
            }
            entry = by_ext.get(row.ext_id)
            if row.ext_id in keep:
                continue
            keep.add(row.ext_id)
            if entry is None:
                new.append(SanctionsEntry(sanctions_list=sanctions_list, ext_id=row.ext_id, **fields))
            else:
                for k, v in fields.items():
                    setattr(entry, k, v)
                entry.save()
        SanctionsEntry.objects.bulk_create(new, batch_size=5000)
        removed = [e.pk for ext, e in by_ext.items() if ext not in keep]
        for hit in ScreeningHit.objects.filter(entry_id__in=removed, status=HitStatus.CONFIRMED):
            clear_signals(source="sanctions", source_ref=f"hit-{hit.pk}")
        SanctionsEntry.objects.filter(pk__in=removed).delete()
        sanctions_list.entry_count = len(keep)
        sanctions_list.save()
        record(
            actor,
            "risk.sanctions.imported",
            obj=sanctions_list,
            summary={"format": fmt, "entries": len(keep), "version": sanctions_list.version},
        )
    return sanctions_list


def start_screening(actor: Actor, sanctions_list: SanctionsList) -> Job:
    from covenant.risk.tasks import screen_task

    _require_secretariat(actor)
    job = create_job(actor, "risk.screening", label=_("Screening against %(list)s") % {"list": sanctions_list.name})
    transaction.on_commit(lambda: screen_task.enqueue(str(job.pk), sanctions_list.pk))
    return job


def screen(sanctions_list: SanctionsList | None = None, *, workers: int = 1, progress: Any = None) -> int:
    """Screen the register's sites and their owning companies against the list's entries.

    New possible hits wait for review; decided hits keep their decision; pending hits
    no longer found are withdrawn. Returns the number of (entry, site, subject) hits.
    """
    entries_qs = SanctionsEntry.objects.all()
    if sanctions_list is not None:
        entries_qs = entries_qs.filter(sanctions_list=sanctions_list)
    entries = [
        Entry(e.pk, e.name, tuple(e.aliases), tuple(e.countries), tuple(e.identifiers.items()))
        for e in entries_qs.only("pk", "name", "aliases", "countries", "identifiers")
    ]
    owners = {o.pk: o for o in Organisation.objects.filter(facilities__status=FacilityStatus.ACTIVE).distinct()}
    owner_index = MatchIndex()
    for org in owners.values():
        code = str(org.country)  # a django-countries Country; the matcher wants the code
        country = code if code and imports.known_country(code) else ""
        owner_index.add(Record(id=str(org.pk), name=org.name, country=country))
    screener = Screener(registry.matcher(), Matcher(owner_index))
    hits = screener.screen_many(entries, workers=workers, progress=progress)
    by_public = dict(
        Facility.objects.filter(
            public_id__in={h.target for h in hits if h.subject == "facility"}, status=FacilityStatus.ACTIVE
        ).values_list("public_id", "pk")
    )
    names = dict(Facility.objects.filter(pk__in=by_public.values()).values_list("pk", "name"))
    owned: dict[int, list[int]] = {}
    for fid, owner_id in Facility.objects.filter(
        owner_id__in={int(h.target) for h in hits if h.subject == "owner"}, status=FacilityStatus.ACTIVE
    ).values_list("pk", "owner_id"):
        owned.setdefault(owner_id, []).append(fid)
    found: dict[tuple[int, int, str], tuple[float, list[str], str]] = {}
    for h in hits:
        if h.subject == "facility":
            targets = [(by_public[h.target], names[by_public[h.target]])] if h.target in by_public else []
        else:
            targets = [(fid, owners[int(h.target)].name) for fid in owned.get(int(h.target), [])]
        for fid, subject_name in targets:
            key = (h.entry_id, fid, h.subject)
            if key not in found or found[key][0] < h.score:
                found[key] = (h.score, list(h.reasons), subject_name)
    with transaction.atomic():
        existing = ScreeningHit.objects.filter(entry__in=entries_qs)
        known = {(h.entry_id, h.facility_id, h.subject): h for h in existing}
        stale = [h.pk for k, h in known.items() if k not in found and h.status == HitStatus.PENDING]
        ScreeningHit.objects.filter(pk__in=stale).delete()
        ScreeningHit.objects.bulk_create(
            [
                ScreeningHit(
                    entry_id=entry_id,
                    facility_id=fid,
                    subject=subject,
                    subject_name=subject_name[:300],
                    score=score,
                    reasons=reasons,
                )
                for (entry_id, fid, subject), (score, reasons, subject_name) in found.items()
                if (entry_id, fid, subject) not in known
            ],
            batch_size=5000,
        )
        screened = SanctionsList.objects.all()
        if sanctions_list is not None:
            screened = screened.filter(pk=sanctions_list.pk)
        screened.update(screened_at=timezone.now())
    return len(found)


def run_screening_job(job_id: uuid.UUID | str, list_id: int) -> None:
    sanctions_list = SanctionsList.objects.get(pk=list_id)
    try:
        n = screen(sanctions_list, workers=2, progress=lambda d, t: report_progress(job_id, d, t))
    except Exception as exc:
        fail_job(job_id, str(exc))
        raise
    finish_job(
        job_id,
        {"hits": n, "next_url": reverse("risk:sanctions")},
        message=_("%(n)s possible hits.") % {"n": n},
    )


def decide_hit(actor: Actor, hit: ScreeningHit, *, confirmed: bool, note: str) -> None:
    """A confirmed hit flags the site for every linked member and raises business ethics."""
    _require_secretariat(actor)
    if hit.status != HitStatus.PENDING and confirmed == (hit.status == HitStatus.CONFIRMED):
        return
    with transaction.atomic():
        hit.status = HitStatus.CONFIRMED if confirmed else HitStatus.DISMISSED
        hit.note = note.strip()
        hit.decided_by = actor.user
        hit.decided_at = timezone.now()
        hit.save()
        ref = f"hit-{hit.pk}"
        if confirmed:
            entry = hit.entry
            replace_signals(
                facility_id=hit.facility_id,
                source="sanctions",
                source_ref=ref,
                signals=[
                    Signal(
                        "business_ethics",
                        4.0,
                        f"Sanctions: {entry.name} ({entry.sanctions_list.name}"
                        + (f", {entry.programme}" if entry.programme else "")
                        + ")",
                    )
                ],
            )
        else:
            clear_signals(source="sanctions", source_ref=ref)
        record(
            actor,
            "risk.sanctions.hit_decided",
            obj=hit,
            summary={"decision": hit.status, "entry": hit.entry.name, "facility": hit.facility.public_id},
        )

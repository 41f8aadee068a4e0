"""Pages of the risk capability: thin, they parse the request and call a selector or a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from covenant.core.actors import Actor
from covenant.core.decorators import org_required
from covenant.core.downloads import table_response
from covenant.core.mapsvg import MapPoint, render_world_map
from covenant.core.web import actor_of, flash_errors
from covenant.orgs.models import OrgKind
from covenant.registry import interface as registry
from covenant.risk import selectors, services
from covenant.risk.forms import EventForm, IndicatorForm, OverrideForm, ResponseForm, SanctionsForm, WeightsForm
from covenant.risk.models import HitStatus, Indicator
from covenant.risk.scoring import BANDS

# The map shows the highest-priority sites; the list and the exports have all of them.
MAP_POINTS = 1000
# The heat map shows the countries with most sites; filtering by country shows any other.
HEAT_COUNTRIES = 40


def _member(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    return actor


def _secretariat(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    return actor


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filters(request: HttpRequest) -> dict[str, object]:
    return {
        "tier": _int(request.GET.get("tier")),
        "country": request.GET.get("country", "")[:2],
        "commodity": request.GET.get("commodity", "")[:60],
        "topic": request.GET.get("topic", "")[:40],
    }


@org_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    filters = _filters(request)
    data = selectors.member_overview(actor, **filters)  # type: ignore[arg-type]
    # The map's rows first: the first pages of the list are then served from them.
    # One reverse() for a thousand links: the public id is the only part that varies.
    site_url = reverse("registry:facility", args=["__id__"])
    points = [
        MapPoint(r.lat, r.lng, f"{r.name} ({r.band})", f"band-{r.band}", href=site_url.replace("__id__", r.public_id))
        for r in data.rows.leading(MAP_POINTS)
        if r.lat is not None and r.lng is not None
    ]
    page = Paginator(data.rows, 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    topics = selectors.topics()
    context = {
        # Overrides of the page's sites near or past their review date ("review due", "expired").
        "review_marks": selectors.override_review_marks(actor, [r.facility_id for r in page.object_list]),
        # The heat map's column totals: the salient issues are the largest (selectors.salient_issues).
        "heat_totals": [data.topic_high.get(t.code, 0) for t in topics],
        "heat": data.heat[:HEAT_COUNTRIES],
        "more_countries": max(0, len(data.heat) - HEAT_COUNTRIES),
        "data": data,
        "page": page,
        "filters": filters,
        "query": query,
        "topics": topics,
        "map_svg": render_world_map(points=points, title=_("Your sites by risk"), focus="points" if points else None),
    }
    return render(request, "risk/overview.html", context)


EXPORT_HEADER = [
    "facility_id",
    "name",
    "country",
    "tier",
    "priority_topic",
    "score",
    "band",
    "severity",
    "your_override",
    "your_evidence",
    "sanctions_hit",
    "in_active_event",
]


@org_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    fmt = request.GET.get("format", "csv")
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    data = selectors.member_overview(actor, **_filters(request))  # type: ignore[arg-type]
    rows = (
        [
            r.public_id,
            r.name,
            r.country,
            "" if r.tier is None else r.tier,
            r.topic,
            r.score,
            r.band,
            r.severity,
            r.overridden,
            r.evidence,
            r.sanctioned,
            r.events > 0,
        ]
        for r in data.rows
    )
    return table_response(EXPORT_HEADER, rows, fmt, "site-risk")


@org_required
@require_POST
def override(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _member(request)
    site = registry.get_facility(actor, public_id)
    if registry.own_link(actor, site) is None:
        raise Http404
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.set_override(
                actor,
                site,
                form.cleaned_data["topic"],
                form.cleaned_data["score"],
                form.cleaned_data["justification"],
                review_on=form.cleaned_data["review_on"],
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Your score is saved beside the computed one."))
    else:
        messages.error(request, _("Choose a topic, a score from 0 to 10, a review date and say why."))
    return redirect("registry:facility", public_id=site.public_id)


@org_required
@require_safe
def overrides(request: HttpRequest) -> HttpResponse:
    """The member's own scores with their review dates: renew them on each site's page."""
    actor = _member(request)
    page = Paginator(selectors.own_overrides(actor), 50).get_page(request.GET.get("page"))
    return render(request, "risk/overrides.html", {"page": page})


@org_required
@require_POST
def remove_override(request: HttpRequest, override_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_override(actor, override_id)
    services.remove_override(actor, item)
    messages.success(request, _("Your score is removed; the computed one applies."))
    return redirect("registry:facility", public_id=item.facility.public_id)


# --- Events -------------------------------------------------------------------------


@org_required
@require_http_methods(["GET", "POST"])
def events(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = None
    if actor.is_secretariat and actor.can_edit:
        form = EventForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                event = services.declare_event(
                    actor,
                    kind=d["kind"],
                    title=d["title"],
                    regions=form.region_list(),
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    topic_codes=d["topics"],
                    raise_by=d["raise_by"],
                    guidance=d["guidance"],
                    checklist=d["checklist"].splitlines(),
                )
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("The event is declared; exposed members are alerted."))
                return redirect("risk:event", event_id=event.pk)
    elif request.method == "POST":
        raise PermissionDenied
    alerts = {a.event_id: a for a in selectors.own_alerts(actor)} if actor.kind == OrgKind.MEMBER else {}
    items = [(e, alerts.get(e.pk)) for e in selectors.events(actor)[:100]]
    return render(request, "risk/events.html", {"items": items, "form": form})


@org_required
@require_safe
def event(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_event(actor, event_id)
    sites = selectors.affected_sites(actor, item)
    context = {
        "event": item,
        "sites": [
            (link, response, ResponseForm(checklist=item.checklist, initial=_initial(response)))
            for link, response in sites
        ],
        "stats": selectors.event_stats(item) if actor.is_secretariat else None,
        "member": actor.kind == OrgKind.MEMBER,
    }
    return render(request, "risk/event.html", context)


def _initial(response: object) -> dict[str, object]:
    if response is None:
        return {"status": "acknowledged"}
    return {
        "status": response.status,  # type: ignore[attr-defined]
        "done": response.checklist_done,  # type: ignore[attr-defined]
        "note": response.note,  # type: ignore[attr-defined]
    }


@org_required
@require_POST
def event_end(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = _secretariat(request)
    item = selectors.get_event(actor, event_id)
    services.end_event(actor, item)
    messages.success(request, _("The event has ended; its raised risk is withdrawn."))
    return redirect("risk:event", event_id=item.pk)


@org_required
@require_POST
def event_respond(request: HttpRequest, event_id: int, public_id: str) -> HttpResponse:
    actor = _member(request)
    item = selectors.get_event(actor, event_id)
    site = registry.get_facility(actor, public_id)
    # The service accepts every site of the member's chain in the area, beyond tier 1 too
    # (the page offers a form for each); anything else is a 404 below.
    form = ResponseForm(request.POST, checklist=item.checklist)
    if form.is_valid():
        try:
            services.record_response(
                actor,
                item,
                site,
                status=form.cleaned_data["status"],
                checklist_done=form.cleaned_data["done"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied):
            raise Http404 from None
        messages.success(request, _("Your response for %(site)s is saved.") % {"site": site.name})
    return redirect("risk:event", event_id=item.pk)


# --- Indicators (provenance for all; changes by the secretariat) ---------------------------


@org_required
@require_http_methods(["GET", "POST"])
def indicators(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = None
    job = None
    if actor.is_secretariat and actor.can_edit:
        form = IndicatorForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                item = services.upload_indicator(
                    actor,
                    name=d["name"],
                    level=d["level"],
                    edition=d["edition"],
                    licence=d["licence"],
                    url=d["url"],
                    data=d["file"].read(),
                    weights=form.weights(),
                )
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("Draft saved: nothing is scored with it until you publish it."))
                return redirect("risk:indicator_preview", indicator_id=item.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "risk/indicators.html",
        {"indicators": selectors.indicators(actor), "form": form, "job": job, "topics": selectors.topics()},
    )


@org_required
@require_http_methods(["GET", "POST"])
def indicator(request: HttpRequest, indicator_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_indicator(actor, indicator_id)
    weights = selectors.weights_of(item)
    form = None
    if actor.is_secretariat and actor.can_edit:
        form = WeightsForm(request.POST or None, initial_weights=item.draft_weights or weights)
        if request.method == "POST" and form.is_valid():
            try:
                services.set_weights(actor, item, form.weights())
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("Draft weights saved: compare, then publish them."))
                return redirect("risk:indicator_preview", indicator_id=item.pk)
    elif request.method == "POST":
        raise PermissionDenied
    values = item.values.order_by("country", "commodity")[:300]  # type: ignore[attr-defined]
    return render(
        request, "risk/indicator.html", {"indicator": item, "weights": weights, "form": form, "values": values}
    )


@org_required
@require_safe
def indicator_preview(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """The sector's bands with the draft as if published, beside those in force. Reads only."""
    actor = _secretariat(request)
    item = selectors.get_indicator(actor, indicator_id)
    preview = selectors.indicator_preview(actor, item)
    return render(
        request,
        "risk/indicator_preview.html",
        {
            "indicator": item,
            "preview": preview,
            "bands": BANDS,
            "weight_rows": _weight_rows(item),
            "can_edit": actor.can_edit,
        },
    )


def _weight_rows(item: Indicator) -> list[tuple[str, float, float]]:
    """(topic, points in force, points in the draft) for each topic either maps."""
    now, draft = selectors.weights_of(item), item.draft_weights or {}
    return [
        (t.label, now.get(t.code, 0), draft.get(t.code, 0))
        for t in selectors.topics()
        if now.get(t.code) or draft.get(t.code)
    ]


@org_required
@require_http_methods(["GET", "POST"])
def indicator_publish(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """GET asks for confirmation; POST puts the draft in force and starts the recomputation."""
    actor = _secretariat(request)
    actor.require_edit()
    item = selectors.get_indicator(actor, indicator_id)
    if item.draft_weights is None:
        raise Http404
    if request.method == "POST":
        try:
            job = services.publish_indicator(actor, item)
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect("risk:indicator", indicator_id=item.pk)
        messages.success(request, _("Published. Risk is being recomputed."))
        return render(
            request,
            "risk/indicators.html",
            {"indicators": selectors.indicators(actor), "form": None, "job": job, "topics": selectors.topics()},
        )
    return render(request, "risk/indicator_publish.html", {"indicator": item, "weight_rows": _weight_rows(item)})


@org_required
@require_POST
def indicator_discard(request: HttpRequest, indicator_id: int) -> HttpResponse:
    actor = _secretariat(request)
    item = selectors.get_indicator(actor, indicator_id)
    try:
        services.discard_draft(actor, item)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("risk:indicator", indicator_id=item.pk)
    messages.success(request, _("The draft is discarded; what is in force is unchanged."))
    return redirect("risk:indicators")


@org_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    actor = _secretariat(request)
    job = services.start_recompute(actor)
    return render(
        request,
        "risk/indicators.html",
        {"indicators": selectors.indicators(actor), "form": IndicatorForm(), "job": job, "topics": selectors.topics()},
    )


# --- Sanctions -----------------------------------------------------------------------


@org_required
@require_http_methods(["GET", "POST"])
def sanctions(request: HttpRequest) -> HttpResponse:
    actor = _secretariat(request)
    form = SanctionsForm(request.POST or None, request.FILES or None) if actor.can_edit else None
    job = None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                item = services.import_sanctions(
                    actor,
                    name=form.cleaned_data["name"],
                    source=form.cleaned_data["source"],
                    licence=form.cleaned_data["licence"],
                    filename=upload.name,
                    data=upload.read(),
                )
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                job = services.start_screening(actor, item)
                messages.success(
                    request, _("%(n)s entries imported; screening the register.") % {"n": item.entry_count}
                )
    status = request.GET.get("status", HitStatus.PENDING)
    page = Paginator(selectors.hits(actor, status if status in HitStatus.values else ""), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "risk/sanctions.html",
        {
            "lists": selectors.sanctions_lists(actor),
            "form": form,
            "job": job,
            "page": page,
            "status": status,
            "statuses": HitStatus.choices,
        },
    )


@org_required
@require_POST
def hit_decide(request: HttpRequest, hit_id: int) -> HttpResponse:
    actor = actor_of(request)
    hit = selectors.get_hit(actor, hit_id)
    services.decide_hit(
        actor, hit, confirmed=request.POST.get("decision") == "confirm", note=request.POST.get("note", "")
    )
    messages.success(request, _("Decision saved."))
    return redirect("risk:sanctions")

"""Pages of the action plan: the member's prioritised risks and actions, its exit decisions, and
the secretariat's counts of decisions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from covenant.core.actors import Actor
from covenant.core.decorators import org_required
from covenant.core.downloads import table_response
from covenant.core.roles import OrgKind
from covenant.core.scoping import get_scoped_or_404
from covenant.core.web import actor_of, form_action
from covenant.plans import selectors, services
from covenant.plans.forms import ActionForm, AddRiskForm, ExitForm, ExitStatusForm, RiskForm
from covenant.plans.models import Decision, PlanAction, PlanRisk
from covenant.registry.interface import Facility, get_facility

EXPORT_HEADER = [
    "Priority",
    "Topic",
    "Scope",
    "Facility ID",
    "Site or area",
    "Risk status",
    "Why",
    "Action kind",
    "Joint action",
    "Action",
    "Target",
    "Target figure",
    "Unit",
    "Owner",
    "Deadline",
    "Action status",
    "Overdue",
]


def _member(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    actor.require_kind(OrgKind.MEMBER)
    if request.method == "POST":
        # Before the form: a viewer's post is refused whatever it holds (form_action leaves
        # permission checks to the view).
        actor.require_edit()
    return actor


def _action_form(actor: Actor, data: Any = None, **kwargs: Any) -> ActionForm:
    return ActionForm(
        data,
        joint_actions=selectors.joinable_joint_actions(actor),
        people=selectors.owners(actor),
        **kwargs,
    )


# --- The plan -------------------------------------------------------------------------------


@org_required
@require_safe
def plan(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    risks = list(selectors.plan_risks(actor))
    org = actor.require_org()
    context = {
        "risks": risks,
        "candidates": selectors.candidates(actor),
        "figures": selectors.plan_figures(org.pk),
        "add_form": AddRiskForm(),
        "can_edit": actor.can_edit,
    }
    return render(request, "plans/plan.html", context)


@org_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return table_response(EXPORT_HEADER, selectors.export_rows(actor), fmt, "action-plan")


def _site(actor: Actor, public_id: str) -> Facility | None:
    return get_facility(actor, public_id) if public_id else None


@org_required
@require_POST
def add_risk(request: HttpRequest) -> HttpResponse:
    actor = _member(request)

    def save(form: AddRiskForm) -> PlanRisk:
        d = form.cleaned_data
        return services.add_risk(
            actor,
            topic_code=d["topic"],
            scope=d["scope"],
            why=d["why"],
            facility=_site(actor, d["site"]),
            country=d["country"],
            commodity=d["commodity"],
            rank=d["rank"],
        )

    return form_action(
        request, AddRiskForm, save, success_message=_("The risk is in your plan."), redirect_to="plans:plan"
    )


@org_required
@require_http_methods(["GET", "POST"])
def risk(request: HttpRequest, risk_id: int) -> HttpResponse:
    actor = _member(request)
    item = selectors.get_risk(actor, risk_id)
    here = reverse("plans:risk", args=[item.pk])
    if request.method == "POST":

        def save(form: RiskForm) -> PlanRisk:
            d = form.cleaned_data
            return services.update_risk(actor, item, rank=d["rank"], why=d["why"], status=d["status"])

        return form_action(request, RiskForm, save, success_message=_("Saved."), redirect_to=here)
    context = {
        "risk": item,
        "actions": list(item.actions.all()),
        "form": RiskForm(initial={"rank": item.rank, "why": item.why, "status": item.status}),
        "action_form": _action_form(actor),
        "can_edit": actor.can_edit,
    }
    return render(request, "plans/risk.html", context)


@org_required
@require_POST
def add_action(request: HttpRequest, risk_id: int) -> HttpResponse:
    actor = _member(request)
    item = selectors.get_risk(actor, risk_id)

    def save(form: ActionForm) -> PlanAction:
        return services.add_action(actor, item, **form.service_fields())

    return form_action(
        request,
        ActionForm,
        save,
        success_message=_("The action is in your plan."),
        redirect_to=reverse("plans:risk", args=[item.pk]),
        form_kwargs={"joint_actions": selectors.joinable_joint_actions(actor), "people": selectors.owners(actor)},
    )


@org_required
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = _member(request)
    item = selectors.get_action(actor, action_id)
    if request.method == "POST":

        def save(form: ActionForm) -> PlanAction:
            return services.update_action(actor, item, **form.service_fields())

        return form_action(
            request,
            ActionForm,
            save,
            success_message=_("Saved."),
            redirect_to=reverse("plans:risk", args=[item.risk_id]),
            form_kwargs={"joint_actions": selectors.joinable_joint_actions(actor), "people": selectors.owners(actor)},
        )
    initial = {
        "kind": item.kind,
        "joint_action": item.joint_action_id,
        "description": item.description,
        "target": item.target,
        "target_value": item.target_value,
        "target_unit": item.target_unit,
        "owner_user": item.owner_user_id,
        "owner_text": item.owner_text,
        "due_on": item.due_on,
        "status": item.status,
        "progress": item.progress,
    }
    context = {"action": item, "form": _action_form(actor, initial=initial), "can_edit": actor.can_edit}
    return render(request, "plans/action.html", context)


# --- Exit decisions --------------------------------------------------------------------------


def _exit_form(actor: Actor, site: Facility | None, data: Any = None, **kwargs: Any) -> ExitForm:
    return ExitForm(
        data,
        responses=selectors.own_responses(actor, site),
        actions=selectors.failed_actions(actor, site),
        **kwargs,
    )


def _is_confirm_request(exc: ValidationError) -> bool:
    return any(getattr(e, "code", None) == "confirm_required" for e in exc.error_list)


@org_required
@require_http_methods(["GET", "POST"])
def exits(request: HttpRequest) -> HttpResponse:
    """The member's decisions, and the form to record one (from a site: ``?site=<facility id>``).

    Suspending or leaving answers first with the preview (what it means for the site's workers,
    its open cases, the supply link); the member then confirms. Nothing is written before."""
    actor = _member(request)
    public_id = (request.POST.get("site") or request.GET.get("site") or "").strip()
    site = _site(actor, public_id)
    preview = None
    missing: list[str] = []
    errors: list[str] = []
    if request.method == "POST":
        form = _exit_form(actor, site, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            response = (
                get_scoped_or_404(selectors.own_responses(actor), pk=d["event_response"])
                if d["event_response"]
                else None
            )
            cap = selectors.readable_action(actor, d["corrective_action"]) if d["corrective_action"] else None
            try:
                item = services.record_exit(
                    actor,
                    decision=d["decision"],
                    justification=d["justification"],
                    event_response=response,
                    corrective_action=cap,
                    facility=site,
                    decided_on=d["decided_on"],
                    confirm=d["confirm"],
                    **form.plan(),
                )
            except ValidationError as exc:
                if _is_confirm_request(exc):
                    _trigger, target, *_rest = services.resolve_trigger(
                        actor, event_response=response, corrective_action=cap, facility=site
                    )
                    preview = selectors.exit_preview(actor, target, d["decision"])
                    missing = services.missing_elements(form.plan())
                else:
                    errors = exc.messages
            else:
                messages.success(
                    request,
                    _("The decision is recorded.")
                    if item.decision == Decision.CONTINUE
                    else _("The decision is recorded. The supply link is unchanged: end it on the supply chain page."),
                )
                return redirect("plans:exit", decision_id=item.pk)
        else:
            errors = [str(m) for field in form.errors.values() for m in field]
    else:
        form = _exit_form(
            actor, site, initial={"site": site.public_id if site else "", "decided_on": timezone.localdate()}
        )
    context = {
        "decisions": selectors.exit_decisions(actor),
        "form": form,
        "site": site,
        "preview": preview,
        "missing": missing,
        "errors": errors,
        "can_edit": actor.can_edit,
    }
    return render(request, "plans/exits.html", context)


@org_required
@require_http_methods(["GET", "POST"])
def exit_decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    actor = _member(request)
    item = selectors.get_exit(actor, decision_id)
    here = reverse("plans:exit", args=[item.pk])
    if request.method == "POST":
        return form_action(
            request,
            ExitStatusForm,
            lambda form: services.update_exit(actor, item, **form.cleaned_data),
            success_message=_("Saved."),
            redirect_to=here,
        )
    preview = selectors.exit_preview(actor, item.facility, item.decision)
    context = {
        "item": item,
        "preview": preview,
        "form": ExitStatusForm(initial={"status": item.status, "timeline": item.timeline}),
        "can_edit": actor.can_edit,
    }
    return render(request, "plans/exit.html", context)


@org_required
@require_safe
def exit_summary(request: HttpRequest) -> HttpResponse:
    """The secretariat's view: counts per decision and per risk event, never a member or a site."""
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    since = None
    raw = request.GET.get("since", "")
    bad_since = False
    if raw:
        try:
            since = date.fromisoformat(raw)
        except ValueError:
            bad_since = True
    counts = selectors.exit_counts(since)
    labels = dict(Decision.choices)
    context = {
        "counts": counts,
        "by_decision": [(labels[k], v) for k, v in counts.by_decision.items()],
        "by_event": [(title, [per.get(k, 0) for k in Decision.values]) for title, per in counts.by_event],
        "decision_labels": [labels[k] for k in Decision.values],
        "since": raw if since else "",
        "bad_since": bad_since,
    }
    return render(request, "plans/exit_summary.html", context)

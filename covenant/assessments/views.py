"""Pages of the self-assessment: the member's form and result, the secretariat's cycles, and a
branch association's aggregates. Thin: forms in, selectors and services, templates out."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from covenant.assessments import questionnaire, selectors, services
from covenant.assessments.forms import EvidenceForm, OpenCycleForm, ReopenForm, StepForm
from covenant.assessments.models import Assessment, AssessmentStatus
from covenant.audits.services import max_report_bytes
from covenant.core.decorators import org_required
from covenant.core.oecd import OecdStep, short_name
from covenant.core.roles import OrgKind
from covenant.core.web import actor_of, flash_errors, flash_form_errors, form_action
from covenant.learning.interface import resources_for

# Where the platform helps with each step (URL names; the first that exists is used).
STEP_PAGES: dict[int, tuple[str, ...]] = {
    1: ("orgs:my_organisation",),
    2: ("risk:overview",),
    3: ("plans:plan", "risk:overview"),
    4: ("audits:caps",),
    5: ("registry:chain",),  # where the member chooses what of its chain is disclosed
    6: ("grievances:list",),
}


def step_page(step: int) -> str:
    for name in STEP_PAGES[step]:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _member(request: HttpRequest) -> None:
    if actor_of(request).kind != OrgKind.MEMBER:
        raise PermissionDenied


def _figures(request: HttpRequest, assessment: Assessment, items: list[questionnaire.Item]) -> dict[str, Any]:
    """Frozen figures once submitted; otherwise counted now, only for the member itself."""
    if assessment.status == AssessmentStatus.SUBMITTED or actor_of(request).org != assessment.org:
        return dict(assessment.prefill)
    pairs = [(i.code, i.prefill) for i in items if i.prefill]
    from covenant.assessments.prefill import figures_for

    return {code: f.as_dict() for code, f in figures_for(actor_of(request), pairs).items()}


def _bars(results: list[selectors.StepResult]) -> list[dict[str, Any]]:
    """The result chart, drawn on the server: one bar per step, 0-4, with last year's mark."""
    unit, top = 60, 12
    bars = []
    for n, r in enumerate(results):
        y = top + n * 34
        bars.append(
            {
                "y": y,
                "text_y": y + 17,
                "width": r.score * unit,
                "previous_x": 110 + (r.previous or 0) * unit if r.previous is not None else None,
                "result": r,
            }
        )
    return bars


# --- Member -------------------------------------------------------------------------------------


@org_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.is_secretariat:
        return redirect("assessments:cycles")
    if actor.kind == OrgKind.BRANCH_ASSOCIATION:
        return redirect("assessments:aggregates")
    _member(request)
    cycle = selectors.current_cycle()
    current = selectors.own_assessment_in(actor, cycle) if cycle else None
    past = selectors.own_assessments(actor)
    if current is not None:
        past = past.exclude(pk=current.pk)
    context = {"cycle": cycle, "current": current, "past": past, "can_edit": actor.can_edit}
    return render(request, "assessments/home.html", context)


@org_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _member(request)
    cycle = selectors.current_cycle()
    if cycle is None:
        messages.error(request, _("No self-assessment cycle is open."))
        return redirect("assessments:home")
    try:
        assessment = services.start(actor, cycle)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("assessments:home")
    return redirect("assessments:assessment", assessment_id=assessment.pk)


@org_required
@require_safe
def assessment_page(request: HttpRequest, assessment_id: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_assessment(actor, assessment_id)
    q = questionnaire.get(item.version)
    steps = []
    for step in questionnaire.STEPS:
        items = q.items(step)
        answered = len([i for i in items if questionnaire.answer_value(item.answers, i.code) is not None])
        steps.append({"step": step, "name": OecdStep(step).label, "answered": answered, "total": len(items)})
    own = actor.org == item.org
    context = {
        "assessment": item,
        "q": q,
        "steps": steps,
        "evidence": selectors.evidence_of(item),
        "evidence_form": EvidenceForm(codes=[(x.code, f"{x.code} {x.text}") for x in q.questions]),
        "editable": own and actor.can_edit and item.status != AssessmentStatus.SUBMITTED and item.cycle.is_open,
        "missing": len(q.missing(item.answers)),
    }
    return render(request, "assessments/assessment.html", context)


@org_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, assessment_id: str, step: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_assessment(actor, assessment_id)
    if step not in questionnaire.STEPS:
        raise Http404
    q = questionnaire.get(item.version)
    items = q.items(step)
    if request.method == "POST":
        form = StepForm(request.POST, items=items)
        if form.is_valid():
            try:
                services.save_draft(actor, item, form.answers(), accept=form.accepted(), step=step)
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("Your answers are saved."))
                following = step + 1 if "next" in request.POST and step < 6 else step
                return redirect("assessments:step", assessment_id=item.pk, step=following)
        else:
            flash_form_errors(request, form)
    else:
        form = StepForm(items=items, answers=item.answers)
    figures = _figures(request, item, items)
    questions = [
        {
            "question": question,
            "rows": [
                {
                    "item": i,
                    "field": form[i.code],
                    "accept": form[f"accept:{i.code}"] if i.prefill else None,
                    "figure": figures.get(i.code),
                    "shown": i.display(questionnaire.answer_value(item.answers, i.code)),
                }
                for i in question.items
            ],
        }
        for question in q.questions_of(step)
    ]
    context = {
        "assessment": item,
        "step": step,
        "step_name": OecdStep(step).label,
        "questions": questions,
        "form": form,
        "editable": actor.org == item.org and actor.can_edit and item.status != AssessmentStatus.SUBMITTED,
        "steps": questionnaire.STEPS,
    }
    return render(request, "assessments/step.html", context)


@org_required
@require_POST
def evidence_add(request: HttpRequest, assessment_id: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_assessment(actor, assessment_id)
    q = questionnaire.get(item.version)
    codes = [(x.code, x.code) for x in q.questions] + [(i.code, i.code) for i in q.items()]
    form = EvidenceForm(request.POST, request.FILES or None, codes=codes)
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        upload = form.cleaned_data.get("file")
        try:
            services.attach_evidence(
                actor,
                item,
                question=form.cleaned_data["question"],
                filename=upload.name if upload else "",
                # One byte over the limit is enough for the service to refuse it.
                data=upload.read(max_report_bytes() + 1) if upload else None,
                link=form.cleaned_data.get("link") or "",
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Evidence added."))
    return redirect("assessments:assessment", assessment_id=item.pk)


@org_required
@require_safe
def evidence(request: HttpRequest, evidence_id: str) -> HttpResponse:
    item = selectors.get_evidence(actor_of(request), evidence_id)
    if not item.file or not item.file.name:
        if item.link:
            return redirect(item.link)
        raise Http404
    try:
        handle = default_storage.open(item.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = "application/pdf" if item.filename.lower().endswith(".pdf") else "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=item.filename, content_type=kind)
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)


@org_required
@require_POST
def evidence_remove(request: HttpRequest, evidence_id: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_evidence(actor, evidence_id)
    try:
        services.remove_evidence(actor, item)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Evidence removed."))
    return redirect("assessments:assessment", assessment_id=item.assessment_id)


@org_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, assessment_id: str) -> HttpResponse:
    """GET: the preview (every answer, the maturity it gives, what is missing); POST: submit."""
    actor = actor_of(request)
    item = selectors.get_assessment(actor, assessment_id)
    if request.method == "POST":
        try:
            services.submit(actor, item)
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect("assessments:submit", assessment_id=item.pk)
        messages.success(request, _("Your self-assessment is submitted."))
        return redirect("assessments:result", assessment_id=item.pk)
    q = questionnaire.get(item.version)
    scores = q.scores(item.answers)
    preview = [
        {
            "step": s,
            "name": OecdStep(s).label,
            "score": scores[str(s)],
            "label": q.level_label(scores[str(s)]),
            "answers": [(i, i.display(questionnaire.answer_value(item.answers, i.code))) for i in q.items(s)],
        }
        for s in questionnaire.STEPS
    ]
    context = {"assessment": item, "preview": preview, "missing": q.missing(item.answers)}
    return render(request, "assessments/submit.html", context)


@org_required
@require_safe
def result(request: HttpRequest, assessment_id: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_assessment(actor, assessment_id)
    results = selectors.results(item)
    own = actor.org == item.org
    language = get_language()
    gaps = [
        {
            "result": r,
            "page": step_page(r.step),
            "resources": resources_for(steps=[r.step], language=language, limit=3) if own else [],
        }
        for r in results
        if r.gap
    ]
    context = {
        "assessment": item,
        "results": results,
        "bars": _bars(results),
        "gaps": gaps,
        "previous": selectors.previous_of(item),
        "q": questionnaire.get(item.version),
    }
    return render(request, "assessments/result.html", context)


# --- Secretariat --------------------------------------------------------------------------------


def _secretariat(request: HttpRequest) -> None:
    if not actor_of(request).is_secretariat:
        raise Http404


@org_required
@require_http_methods(["GET", "POST"])
def cycles(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    actor.require_kind(OrgKind.SECRETARIAT)
    if request.method == "POST":

        def service(form: OpenCycleForm) -> object:
            d = form.cleaned_data
            return services.open_cycle(
                actor, year=d["year"], deadline=d["deadline"], opens_on=d["opens_on"], version=d["version"]
            )

        return form_action(
            request,
            OpenCycleForm,
            service,
            success_message=_("The cycle is open; members are told."),
            redirect_to=reverse("assessments:cycles"),
        )
    items = [(c, selectors.participation(c, selectors.group_of(actor))) for c in selectors.cycles()]
    context = {"items": items, "form": OpenCycleForm(), "can_edit": actor.can_edit}
    return render(request, "assessments/cycles.html", context)


@org_required
@require_safe
def cycle(request: HttpRequest, year: int) -> HttpResponse:
    _secretariat(request)
    actor = actor_of(request)
    item = selectors.get_cycle(year)
    context = {
        "cycle": item,
        "overview": selectors.cycle_overview(actor, item),
        # Each member's status and scores only where the deployment allows per-member reading.
        "statuses": selectors.member_statuses(actor, item) if selectors.per_member_allowed() else None,
        "per_member": selectors.per_member_allowed(),
        "reopen_form": ReopenForm(),
        "can_edit": actor.can_edit,
        "steps": [(s, short_name(s)) for s in questionnaire.STEPS],
        "min_group": selectors.MIN_GROUP,
    }
    return render(request, "assessments/cycle.html", context)


@org_required
@require_POST
def cycle_close(request: HttpRequest, year: int) -> HttpResponse:
    _secretariat(request)
    actor = actor_of(request)
    item = selectors.get_cycle(year)
    try:
        services.close_cycle(actor, item)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The cycle is closed."))
    return redirect("assessments:cycle", year=item.year)


@org_required
@require_POST
def reopen(request: HttpRequest, year: int) -> HttpResponse:
    _secretariat(request)
    actor = actor_of(request)
    item = selectors.get_cycle(year)

    def service(form: ReopenForm) -> object:
        found = selectors.get_for_reopen(actor, item, form.cleaned_data["member"])
        return services.reopen(actor, found, reason=form.cleaned_data["reason"])

    return form_action(
        request,
        ReopenForm,
        service,
        success_message=_("The self-assessment is reopened; the member is told."),
        redirect_to=reverse("assessments:cycle", args=[item.year]),
    )


# --- Branch associations ----------------------------------------------------------------------


@org_required
@require_safe
def aggregates(request: HttpRequest) -> HttpResponse:
    """A branch association's view (the secretariat's too): aggregates of its members only."""
    actor = actor_of(request)
    group = selectors.group_of(actor)
    all_cycles = list(selectors.cycles())
    chosen = next((c for c in all_cycles if str(c.year) == request.GET.get("year")), None)
    chosen = chosen or (all_cycles[0] if all_cycles else None)
    context = {
        "cycles": all_cycles,
        "cycle": chosen,
        "aggregate": selectors.aggregate(chosen, group) if chosen else None,
        "participation": selectors.participation(chosen, group) if chosen else None,
        "steps": [(s, short_name(s)) for s in questionnaire.STEPS],
        "min_group": selectors.MIN_GROUP,
    }
    return render(request, "assessments/aggregates.html", context)

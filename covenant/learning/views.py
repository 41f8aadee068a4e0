"""Pages of the learning library: the library with its recommendations, a resource, its file,
progress, contributing a tool and the secretariat's review."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from covenant.core.decorators import org_required
from covenant.core.scoping import get_scoped_or_404
from covenant.core.web import actor_of, flash_errors, form_action
from covenant.learning import selectors, services
from covenant.learning.forms import ContributionForm, DecisionForm, LibraryFilterForm, ProgressForm
from covenant.learning.models import Resource, ResourceKind, ResourceStatus


@org_required
@require_safe
def library(request: HttpRequest) -> HttpResponse:
    """The published library with its filters, and what is recommended for the person."""
    actor = actor_of(request)
    form = LibraryFilterForm(request.GET or None, languages=selectors.languages_in_library())
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    qs = selectors.library(
        actor,
        topic=filters.get("topic") or "",
        step=filters.get("step"),
        kind=filters.get("kind") or "",
        language=filters.get("language") or "",
        sme=bool(filters.get("sme")),
        q=(filters.get("q") or "").strip(),
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    filtered = any(filters.values())
    progress_of = selectors.progress_by_resource(actor, [r.pk for r in page.object_list])
    context = {
        "form": form,
        "page": page,
        "filtered": filtered,
        "rows": [(r, progress_of.get(r.pk, "")) for r in page.object_list],
        # Recommendations on the unfiltered first page: the library's front door.
        "recommendations": selectors.recommendations(actor) if not filtered and page.number == 1 else [],
        "can_contribute": actor.kind in selectors.CONTRIBUTOR_KINDS and actor.can_edit,
    }
    return render(request, "learning/library.html", context)


@org_required
@require_safe
def resource(request: HttpRequest, resource_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_resource(actor, resource_id)
    own = actor.org is not None and item.contributed_by_id == actor.org.pk
    context = {
        "resource": item,
        "progress": selectors.progress_of(actor, item),
        "usage": selectors.usage(actor, item),
        "current": selectors.current_version(actor, item),
        "pending": selectors.pending_replacement(item) if own or actor.is_secretariat else None,
        "own": own,
        "can_change": own and actor.can_edit,
        "can_decide": actor.is_secretariat and actor.can_edit and item.status == ResourceStatus.SUBMITTED,
        "in_library": item.status in (ResourceStatus.PUBLISHED, ResourceStatus.SUPERSEDED) or own,
    }
    return render(request, "learning/resource.html", context)


@org_required
@require_safe
def resource_file(request: HttpRequest, resource_id: int) -> HttpResponse:
    """A tool's file, to whoever may open the tool; never cached by the browser or a proxy."""
    item = selectors.get_resource(actor_of(request), resource_id)
    if not item.file or not item.file.name:
        raise Http404
    try:
        handle = default_storage.open(item.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=item.file_name or "tool", content_type=item.file_type or None
    )
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)


@org_required
@require_POST
def progress(request: HttpRequest, resource_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.get_resource(actor, resource_id)
    return form_action(
        request,
        ProgressForm,
        lambda form: services.set_progress(actor, item, form.cleaned_data["status"]),
        success_message=_("Your progress is saved. Only you see it."),
        redirect_to=reverse("learning:resource", args=[item.pk]),
    )


@org_required
@require_safe
def my_progress(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.my_progress(actor_of(request)))
    context = {
        "started": [p for p in rows if p.status == "started"],
        "completed": [p for p in rows if p.status == "completed"],
    }
    return render(request, "learning/my_progress.html", context)


def _base(request: HttpRequest, source: str | None) -> Resource | None:
    if not source:
        return None
    if not source.isdigit():
        raise Http404
    return get_scoped_or_404(selectors.own_contributions(actor_of(request)), pk=int(source))


def _initial(base: Resource) -> dict[str, Any]:
    return {
        "kind": base.kind,
        "title": base.title,
        "summary": base.summary,
        "topics": [t.code for t in base.topics.all()],
        "steps": base.steps,
        "language": base.language,
        "url": base.url,
        "licence": base.licence,
        "licence_url": base.licence_url,
        "publisher": base.publisher,
        "sme_friendly": base.sme_friendly,
    }


@org_required
@require_http_methods(["GET", "POST"])
def contribute(request: HttpRequest) -> HttpResponse:
    """Share a tool with the sector (or change one of the organisation's own): it is published once
    the secretariat approves it. ``?from=<id>`` starts from one of the organisation's tools."""
    actor = actor_of(request)
    if actor.kind not in selectors.CONTRIBUTOR_KINDS:
        raise PermissionDenied
    base = _base(request, request.GET.get("from"))
    if request.method == "POST":
        form = ContributionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                saved = services.save_contribution(actor, form.to_input(), base=base, submit=form.submit)
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                if saved.status == ResourceStatus.SUBMITTED:
                    messages.success(request, _("Thank you. The secretariat reviews the tool before members see it."))
                else:
                    messages.success(request, _("The draft is saved. Only your organisation sees it."))
                return redirect("learning:resource", resource_id=saved.pk)
    else:
        form = ContributionForm(initial=_initial(base) if base else {"language": request.LANGUAGE_CODE})
    context = {"form": form, "base": base, "own": selectors.own_contributions(actor), "can_edit": actor.can_edit}
    return render(request, "learning/contribute.html", context)


@org_required
@require_POST
def submit(request: HttpRequest, resource_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = get_scoped_or_404(selectors.own_contributions(actor), pk=resource_id)
    try:
        services.submit(actor, item)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Sent to the secretariat for review."))
    return redirect("learning:resource", resource_id=item.pk)


@org_required
@require_POST
def withdraw(request: HttpRequest, resource_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = get_scoped_or_404(selectors.own_contributions(actor), pk=resource_id)
    try:
        services.withdraw(actor, item)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The tool is withdrawn."))
    return redirect("learning:resource", resource_id=item.pk)


@org_required
@require_safe
def review(request: HttpRequest) -> HttpResponse:
    """The secretariat's queue: each submitted tool as members would see it, to approve or reject."""
    actor = actor_of(request)
    if not actor.is_secretariat:
        raise PermissionDenied
    counts = selectors.completion_counts()
    context = {
        "queue": selectors.review_queue(actor),
        "decided": selectors.recent_decisions(actor),
        "counts": [(label, counts[kind]) for kind, label in ResourceKind.choices] + [(_("Total"), counts["total"])],
        "can_decide": actor.can_edit,
    }
    return render(request, "learning/review.html", context)


@org_required
@require_POST
def decide(request: HttpRequest, resource_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_secretariat:
        raise Http404
    item = selectors.get_resource(actor, resource_id)
    approve_text = _("The tool is published.")
    return form_action(
        request,
        DecisionForm,
        lambda form: services.decide(
            actor, item, approve=form.cleaned_data["decision"] == "approve", reason=form.cleaned_data["reason"]
        ),
        success_message=approve_text if request.POST.get("decision") == "approve" else _("The tool is rejected."),
        redirect_to=reverse("learning:review"),
    )

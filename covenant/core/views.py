"""Home, dashboard, activity log, job progress and error pages."""

from __future__ import annotations

import uuid

from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from covenant.core import selectors
from covenant.core.apiutils import problem, request_too_large
from covenant.core.dashboard import cards_for
from covenant.core.decorators import org_required
from covenant.core.web import actor_of


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    return redirect("account_login")


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@org_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(request, "core/dashboard.html", {"org": actor.require_org(), "cards": cards_for(actor)})


@org_required
@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    action = request.GET.get("action", "").strip()
    events = selectors.audit_events(actor, action=action or None)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action})


@org_required
@require_safe
def job_status(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = selectors.get_job(request.actor, job_id)  # type: ignore[attr-defined]
    refresh = request.GET.get("refresh") == "1"
    response = render(request, "core/_job.html", {"job": job, "refresh": refresh})
    if refresh and job.is_finished:
        # The page around the progress bar shows the job's results: reload it.
        response["HX-Refresh"] = "true"
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A body that could not be read: too large (413), or malformed, or with too many fields (400)."""
    if isinstance(exception, RequestDataTooBig):
        if _is_api(request):
            return request_too_large(request)
        return HttpResponse(render_to_string("413.html"), status=413)
    if _is_api(request):
        return problem(400, "Invalid request", "The request could not be read.")
    # A plain page: the body could not be read, so nothing may depend on it (the session, CSRF).
    return HttpResponse(render_to_string("400.html"), status=400)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem(404, "Not found", "There is nothing here that you may see.")
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem(403, "Forbidden", "You may not do this.")
    return render(request, "403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problem(500, "Server error", "Something went wrong on our side; it has been logged.")
    return render(request, "500.html", status=500)

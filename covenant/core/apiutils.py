"""Shared pieces of the HTTP API: authentication, errors, pagination.

Errors are RFC 9457 problem documents (``application/problem+json``).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.security import HttpBearer, SessionAuth

from covenant.accounts.services import authenticate_token
from covenant.core.actors import Actor

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str = "", **extra: Any) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="covenant"'
    return response


class TokenAuth(HttpBearer):
    """``Authorization: Bearer cov_…`` tokens made on the organisation's API page."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        actor = authenticate_token(token)
        if actor is not None:
            request.actor = actor  # type: ignore[attr-defined]
        return actor


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session (with CSRF), so the interactive docs work."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if not request.user.is_authenticated:
            return None
        actor: Actor = request.actor  # type: ignore[attr-defined]
        if actor.org is None:
            return None
        return actor


class Page(PaginationBase):
    """``?page=2&page_size=100`` → ``{"count", "page", "pages", "items"}``."""

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(50, ge=1, le=200)

    class Output(Schema):
        count: int
        page: int
        pages: int
        items: list[Any]

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        count = queryset.count()
        size = pagination.page_size
        offset = (pagination.page - 1) * size
        return {
            "count": count,
            "page": pagination.page,
            "pages": max(1, -(-count // size)),
            "items": list(queryset[offset : offset + size]),
        }


def install_error_handlers(api: NinjaAPI) -> None:
    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors
        ]
        return problem(422, "Invalid request", "The request did not match what this route expects.", errors=errors)

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(400, "Invalid request", "; ".join(exc.messages))

    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(401, "Not authenticated", "Send a valid API token: Authorization: Bearer <token>.")

    def on_permission(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(403, "Forbidden", str(exc) or "You may not do this.")

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(404, "Not found", "There is nothing here that you may see.")

    def on_http(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(exc.status_code, str(exc.message) or "Error")

    def on_error(request: HttpRequest, exc: Any) -> HttpResponse:
        log.exception("API error on %s", request.path)
        return problem(500, "Server error", "Something went wrong on our side; it has been logged.")

    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(PermissionDenied, on_permission)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(Exception, on_error)

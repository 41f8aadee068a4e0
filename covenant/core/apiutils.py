"""Shared pieces of the HTTP API: session authentication, errors, pagination.

(Bearer tokens are authenticated by ``accounts.apiauth.TokenAuth``.)

Errors are RFC 9457 problem documents (``application/problem+json``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from ninja import Field, NinjaAPI, Path, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.security import SessionAuth
from pydantic import AfterValidator

from covenant.core.actors import Actor
from covenant.core.errors import Conflict

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


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session (with CSRF), so the interactive docs work."""

    def __call__(self, request: HttpRequest) -> Actor | None:
        # Without a session, or with a bearer token (valid or not), this method does not apply: the
        # caller is then answered 401, not refused by the CSRF check of a session it does not have.
        if "HTTP_AUTHORIZATION" in request.META or not request.user.is_authenticated:
            return None
        actor: Actor | None = super().__call__(request)
        return actor

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if not request.user.is_authenticated:
            return None
        actor: Actor = request.actor  # type: ignore[attr-defined]
        if actor.org is None:
            return None
        return actor


# Beyond this, an offset no longer fits the databases' 64-bit integers.
MAX_PAGE = 10**9
# A numeric id in a path: larger values than a 64-bit key holds would fail in the database driver.
MAX_ID = 2**63 - 1
PathId = Annotated[int, Path(..., ge=1, le=MAX_ID)]


class Page(PaginationBase):
    """``?page=2&page_size=100`` → ``{"count", "page", "page_size", "next", "previous", "items"}``.

    ``next`` and ``previous`` are relative URLs (path and query) of the neighbouring pages,
    keeping the request's other query parameters; ``null`` at either end.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(50, ge=1, le=200)

    class Output(Schema):
        count: int = Field(..., ge=0, description="How many items there are on all pages together.")
        page: int = Field(..., ge=1)
        page_size: int = Field(..., ge=1, le=200)
        next: str | None = Field(..., description="The next page's URL, keeping the other query parameters.")
        previous: str | None = Field(..., description="The previous page's URL, keeping the other query parameters.")
        items: list[Any]

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        return page_of(request, queryset, page=pagination.page, page_size=pagination.page_size)


def page_of(request: HttpRequest, items: QuerySet[Any] | Sequence[Any], *, page: int, page_size: int) -> dict[str, Any]:
    """One page of ``items`` in the shape every API list answers with (see :class:`Page`)."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    offset = (page - 1) * page_size
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "next": _page_url(request, page + 1) if offset + page_size < count else None,
        "previous": _page_url(request, min(page - 1, max(1, -(-count // page_size)))) if page > 1 else None,
        "items": list(items[offset : offset + page_size]),
    }


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return f"{request.path}?{query.urlencode()}"


class ProblemError(Schema):
    loc: list[str] = Field(..., description='Where the invalid value is, e.g. ["query", "page_size"].')
    msg: str
    type: str


class Problem(Schema):
    """An RFC 9457 problem document: what every error answers with."""

    type: str = Field("about:blank", description="A URI naming the kind of problem; `about:blank` for most.")
    title: str
    status: int = Field(..., ge=400, le=599)
    detail: str | None = Field(None, description="What went wrong in this request, for people.")
    errors: list[ProblemError] | None = Field(None, description="Each invalid value (422 only).")


# What each documented error means; an operation gets those that can happen to it (see document_problems).
PROBLEM_RESPONSES: dict[int, str] = {
    400: "The request breaks a business rule (the detail says which).",
    401: "No valid credentials: send `Authorization: Bearer <token>`.",
    403: "These credentials may not do this (role, kind of organisation, or a read-only token).",
    404: "There is nothing at this address, or named in the body, that you may see.",
    409: "The request conflicts with the current state of the object.",
    413: "The body (or a file in it) is larger than allowed.",
    422: "A parameter or the body does not match this operation's schema (each error is listed).",
}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def document_problems(doc: dict[str, Any]) -> dict[str, Any]:
    """Declare in an OpenAPI document the error responses each operation can give.

    The rules follow the error handlers in :func:`install_error_handlers`, once for all routes:
    authenticated operations answer 401 and 403, operations addressing an object by id (in the
    path, or in the body: a site, a member) 404,
    operations taking input 400 and 422, writes 409, and any operation with a body 413 (the size
    limits of ``core/limits.py`` apply to every body, uploads or JSON). Every file an upload
    takes is required, also where the handler declares it optional only so that access is
    checked before the file (an outsider gets 404, not 422).
    """
    doc.setdefault("components", {}).setdefault("schemas", {})
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    doc["components"]["schemas"].update(schema.pop("$defs", {}))
    doc["components"]["schemas"]["Problem"] = schema
    problem_content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path_item in doc.get("paths", {}).values():
        for method, operation in path_item.items():
            params = operation.get("parameters", [])
            body = operation.get("requestBody")
            codes: set[int] = set()
            if operation.get("security"):
                codes |= {401, 403}
            if body or any(p.get("in") == "path" for p in params):
                codes.add(404)
            if params or body or method in WRITE_METHODS:
                codes |= {400, 422}
            if method in WRITE_METHODS:
                codes.add(409)
            if body:
                codes.add(413)
            multipart = (body or {}).get("content", {}).get("multipart/form-data")
            if multipart:
                _require_files(multipart["schema"])
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                if code not in responses and str(code) not in responses:
                    responses[code] = {"description": PROBLEM_RESPONSES[code], "content": problem_content}
    return doc


def _require_files(schema: dict[str, Any]) -> None:
    required = schema.setdefault("required", [])
    for name, prop in schema.get("properties", {}).items():
        variants = prop.get("anyOf", [prop])
        if any(v.get("format") == "binary" for v in variants):
            schema["properties"][name] = {"type": "string", "format": "binary", "title": prop.get("title", name)}
            if name not in required:
                required.append(name)


EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


def _bounded_datetime(value: datetime) -> datetime:
    """In UTC, from 1900 to the end of year 9999; naive values count as UTC (``TIME_ZONE``)."""
    try:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:  # 9999-12-31T23:00-05:00 is past the largest datetime in UTC
        raise ValueError("Give a date and time between 1900 and 9999.") from exc
    if value < EARLIEST:
        raise ValueError("Give a date and time between 1900 and 9999.")
    return value


# A datetime query or body field that the database can always compare with.
BoundedDatetime = Annotated[datetime, AfterValidator(_bounded_datetime)]


def request_too_large(request: HttpRequest) -> HttpResponse:
    """413 for a body over ``REQUEST_MAX_BYTES`` or a file over ``UPLOAD_FILE_MAX_BYTES`` (core/limits.py)."""
    limit = filesizeformat(settings.UPLOAD_FILE_MAX_BYTES)
    return problem(413, "Request too large", f"The request is too large. Files may be at most {limit}.")


def install_error_handlers(api: NinjaAPI) -> None:
    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors
        ]
        return problem(422, "Invalid request", "The request did not match what this route expects.", errors=errors)

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(400, "Invalid request", "; ".join(exc.messages))

    def on_conflict(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem(409, "Conflict", "; ".join(exc.messages))

    def on_too_large(request: HttpRequest, exc: Any) -> HttpResponse:
        return request_too_large(request)

    def on_unreadable_body(request: HttpRequest, exc: Any) -> HttpResponse:
        # Too many fields, a multipart body without a boundary, and the like.
        return problem(400, "Invalid request", "The request body could not be read.")

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
    api.add_exception_handler(Conflict, on_conflict)
    api.add_exception_handler(RequestDataTooBig, on_too_large)
    api.add_exception_handler(SuspiciousOperation, on_unreadable_body)
    api.add_exception_handler(MultiPartParserError, on_unreadable_body)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(PermissionDenied, on_permission)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(Exception, on_error)

"""Attach the acting :class:`~covenant.core.actors.Actor` to each request."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from covenant.core.actors import Actor

ACTIVE_ORG_SESSION_KEY = "covenant_active_org"


def actor_for_request(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return Actor.anonymous()
    from covenant.orgs.selectors import active_membership

    membership = active_membership(user, request.session.get(ACTIVE_ORG_SESSION_KEY))
    if membership is None:
        return Actor(user=user, org=None, role=None, via="web")
    return Actor(user=user, org=membership.org, role=membership.role, via="web")


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: actor_for_request(request))  # type: ignore[attr-defined]
        return self.get_response(request)


class ApiProblemMiddleware:
    """Every error under ``/api/`` is a problem document, also those made outside the API's handlers.

    Django answers an unknown method (405), an unknown path with DEBUG on (404), a CSRF
    failure (403) or an unreadable body with HTML. Such a response keeps its status and
    headers (``Allow``, ``WWW-Authenticate``) and gets a problem document for a body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/problem+json")
            or response.streaming
        ):
            return response
        from covenant.core.apiutils import problem

        status = response.status_code
        detail = {
            404: "There is nothing here that you may see.",
            405: f"This address does not take {request.method}; it takes {response.get('Allow', 'other methods')}.",
        }.get(status, "")
        replacement = problem(status, HTTPStatus(status).phrase if status in _STATUSES else "Error", detail)
        response.content = replacement.content
        response["Content-Type"] = replacement["Content-Type"]
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        if status == 401 and not response.has_header("WWW-Authenticate"):
            response["WWW-Authenticate"] = replacement["WWW-Authenticate"]
        return response


_STATUSES = {status.value for status in HTTPStatus}

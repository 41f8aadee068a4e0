"""Problem documents for errors under ``/api/`` made outside the API's handlers.

(The acting :class:`~covenant.core.actors.Actor` is attached to each request by
``orgs.middleware.ActorMiddleware``: it comes from the session's membership.)
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

from covenant.core.apiutils import problem


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

"""Attach the acting :class:`~covenant.core.actors.Actor` to each request.

The actor of a web request is the signed-in person acting for one of their
organisations: the one picked in the menu (kept in the session), else the oldest.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from covenant.core.actors import Actor
from covenant.orgs.selectors import active_membership

ACTIVE_ORG_SESSION_KEY = "covenant_active_org"


def actor_for_request(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return Actor.anonymous()
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

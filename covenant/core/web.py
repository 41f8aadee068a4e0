"""Small helpers every app's HTML views and API handlers share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from covenant.core.actors import Actor


def actor_of(request: HttpRequest) -> Actor:
    """The actor ``ActorMiddleware`` put on the request (views behind ``org_required`` always have one)."""
    return request.actor  # type: ignore[attr-defined,no-any-return]


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """Show a service's validation messages at the top of the next page."""
    for message in exc.messages:
        messages.error(request, message)

"""Small helpers every app's HTML views and API handlers share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from covenant.core.actors import Actor

F = TypeVar("F", bound=forms.BaseForm)


def actor_of(request: HttpRequest) -> Actor:
    """The actor ``ActorMiddleware`` put on the request (views behind ``org_required`` always have one)."""
    return request.actor  # type: ignore[attr-defined,no-any-return]


def flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    """Show a service's validation messages at the top of the next page."""
    for message in exc.messages:
        messages.error(request, message)


def form_error_messages(form: forms.BaseForm) -> list[str]:
    """A form's errors as sentences, each field's after its label."""
    found = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        for error in errors:
            found.append(_("%(field)s: %(error)s") % {"field": label, "error": error} if label else str(error))
    return found


def flash_form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """Show a form's errors at the top of the next page."""
    for message in form_error_messages(form):
        messages.error(request, message)


def form_action(
    request: HttpRequest,
    form_class: type[F],
    service: Callable[[F], object],
    *,
    success_message: str,
    redirect_to: str,
    form_kwargs: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The body of a view that takes a POSTed form, hands it to a service and goes back to a page.

    The form checks the input; the service (called with the valid form) checks the business
    rules and writes. Errors from either are flashed, so nothing is written on bad input, and
    the answer is always a redirect to ``redirect_to`` (a URL or a URL name without arguments).
    Permission checks belong before the call: a ``PermissionDenied`` or ``Http404`` from the
    service is not caught.
    """
    form = form_class(request.POST, request.FILES or None, **(form_kwargs or {}))
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        try:
            service(form)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, success_message)
    return redirect(redirect_to)

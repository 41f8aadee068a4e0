"""View decorators that turn the tenancy and role rules into HTTP answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

View = Callable[..., HttpResponse]


def org_required(view: View) -> View:
    """Signed in, and acting for an organisation."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.actor.org is None:  # type: ignore[attr-defined]
            return render(request, "core/no_organisation.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper

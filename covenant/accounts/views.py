"""The organisation's API tokens page."""

from __future__ import annotations

import uuid
from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from covenant.accounts import selectors, services
from covenant.accounts.forms import TokenForm
from covenant.core.decorators import org_required
from covenant.core.web import actor_of


@org_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires_at"]
        try:
            _token, new_secret = services.create_token(
                actor,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
                expires_at=timezone.make_aware(datetime.combine(expires, time.max)) if expires else None,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.org_tokens(actor), "new_secret": new_secret},
    )


@org_required
@require_POST
def revoke(request: HttpRequest, token_id: uuid.UUID) -> HttpResponse:
    actor = actor_of(request)
    services.revoke_token(actor, selectors.get_token(actor, token_id))
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The language switch in the header: Django's set_language (cookie, safe redirect), and for a
    signed-in person the choice is kept on their account too (accounts.middleware applies it)."""
    response = set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and code in services.language_codes():
        services.set_language(actor_of(request), code)
    return response

"""Enforce two-factor authentication where the role requires it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import translation

from covenant.accounts.selectors import has_totp, user_requires_mfa

# Pages a person must still reach while setting up their second factor.
EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/language/", "/static/", "/healthz")


class RequireMFAMiddleware:
    """Secretariat staff and grievance handlers cannot use Covenant until they
    have set up an authenticator app (allauth then asks for a code at login)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and user_requires_mfa(user)  # type: ignore[arg-type]
            and not has_totp(user)  # type: ignore[arg-type]
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "type": "about:blank",
                        "title": "Two-factor authentication required",
                        "status": 403,
                        "detail": "Set up an authenticator app before using the API with this account.",
                    },
                    status=403,
                    content_type="application/problem+json",
                )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person reads Covenant in the language kept on their account (User.language),
    whatever the browser asks for; LocaleMiddleware (before this one) has chosen for everyone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        code = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if code and code in {c for c, _name in settings.LANGUAGES}:
            translation.activate(code)
            request.LANGUAGE_CODE = code  # type: ignore[attr-defined]
        return self.get_response(request)

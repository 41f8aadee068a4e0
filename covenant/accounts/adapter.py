"""django-allauth and django-axes hooks."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from covenant.accounts.selectors import user_requires_mfa


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join an organisation by invitation only.
        return False


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Whoever must use two factors may replace their authenticator, not drop it."""
        if authenticator.type == Authenticator.Type.TOTP and user_requires_mfa(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The login identifier axes counts failures against: allauth passes ``email``;
    a bare POST to the login form carries ``login``."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("login", "")
    return str(value or "").strip().lower()

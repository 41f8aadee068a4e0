"""Throttling sign-in: django-axes counts failures, this module widens what it counts.

Two gaps are closed here. Wrong two-factor codes count as failed logins (allauth
checks codes itself, so axes would never hear of them), and one address failing
against many accounts is stopped too, not only one account failing from one
address. Every counter lives in the database (axes) or in the shared throttle cache
(``core.throttle``), so all web workers see the same numbers.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.http import HttpRequest

from covenant.core.throttle import bump
from covenant.core.throttle import throttle_cache as cache


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler, plus a limit per address over all accounts.

    Axes compares one failure count with one limit. Locking on the address alone
    at the per-account limit would let anyone lock out a whole office behind one
    address after a handful of typos; so the address gets its own, higher limit
    (``LOGIN_ADDRESS_FAILURE_LIMIT``) within the same cool-off window.
    """

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return _locks_at_failure() and self.address_failures(request) >= address_limit()

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if _locks_at_failure() and self.address_failures(request) >= address_limit():
            # The failure that reaches the limit already gets the lock-out page.
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send("axes", request=request, username=None, ip_address=request.axes_ip_address)  # type: ignore[attr-defined]

    def address_failures(self, request: HttpRequest) -> int:
        """Failed logins from the request's address, over every account, within the cool-off time."""
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
        return int(total or 0)


def _locks_at_failure() -> bool:
    return bool(getattr(settings, "AXES_LOCK_OUT_AT_FAILURE", True))


def address_limit() -> int:
    return int(settings.LOGIN_ADDRESS_FAILURE_LIMIT)


def credentials_for(user: AbstractBaseUser) -> dict[str, str]:
    """What axes counts a person's failures against: the address they sign in with
    (see ``adapter.axes_username``), as allauth passes it at the password step."""
    return {"email": str(getattr(user, "email", ""))}


def is_locked_out(request: HttpRequest, user: AbstractBaseUser) -> bool:
    """True when axes refuses this person from this address (or this address altogether)."""
    return not AxesProxyHandler.is_allowed(request, credentials_for(user))


def _codes_key(user: AbstractBaseUser) -> str:
    return f"covenant:mfa-codes:{user.pk}"


def consume_code_attempt(request: HttpRequest, user: AbstractBaseUser) -> bool:
    """Take one of the person's code attempts; False when none is left.

    Taken before the code is checked, so parallel requests cannot slip more codes
    past the limit than it allows. Counted per person, not per address: only
    someone who knew the password got this far, so nobody else can use it to lock
    the account. The count ends with the cool-off time, or with a right code.
    """
    key = _codes_key(user)
    cool_off = get_cool_off(request)
    # Without a cool-off time axes locks for good; an hour of refused codes is plenty then.
    timeout = int(cool_off.total_seconds()) if cool_off else 3600
    return bump(key, timeout, cache=cache) <= code_limit()


def code_attempts_used(user: AbstractBaseUser) -> int:
    return int(cache.get(_codes_key(user), 0))


def clear_code_attempts(user: AbstractBaseUser) -> None:
    cache.delete(_codes_key(user))


def code_limit() -> int:
    return int(settings.LOGIN_CODE_FAILURE_LIMIT)


def wrong_code_is_a_failed_login(
    sender: Any, request: HttpRequest | None = None, user: AbstractBaseUser | None = None, **kwargs: Any
) -> None:
    """allauth's ``mfa.signals.authentication_failed``: a wrong code counts like a
    wrong password, so axes locks the account out of that address in the same way."""
    if request is None or user is None:
        return
    user_login_failed.send(sender=__name__, credentials=credentials_for(user), request=request)

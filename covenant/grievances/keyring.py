"""Keep an unlocked organisation key for a handler's browser session, never at rest in one place.

The private key is encrypted under a random 32-byte key; the ciphertext goes into the
server-side session, the random key into a separate HttpOnly, SameSite=Strict cookie
limited to the grievance pages. A database dump (sessions included) lacks the cookie;
a stolen cookie lacks the session. After ``GRIEVANCE_UNLOCK_IDLE_SECONDS`` without use
the key is forgotten.
"""

from __future__ import annotations

import base64
import binascii
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from covenant.grievances import crypto

SESSION_KEY = "grievance_keyring"
COOKIE = "cov_gk"
COOKIE_PATH = "/grievances/"


def _aad(request: HttpRequest, org_id: int) -> bytes:
    user_id = getattr(request.user, "pk", None)
    return f"keyring:{user_id}:{org_id}".encode()


def store(request: HttpRequest, response: HttpResponse, org_id: int, private_key: bytes) -> None:
    wrapping = crypto.new_key()
    blob = crypto.encrypt(wrapping, private_key, _aad(request, org_id))
    request.session[SESSION_KEY] = {
        "org": org_id,
        "blob": base64.b64encode(blob).decode(),
        "used": int(time.time()),
    }
    response.set_cookie(
        COOKIE,
        base64.urlsafe_b64encode(wrapping).decode(),
        path=COOKIE_PATH,
        httponly=True,
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        samesite="Strict",
    )


def forget(request: HttpRequest, response: HttpResponse | None = None) -> None:
    request.session.pop(SESSION_KEY, None)
    if response is not None:
        response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Strict")


def load(request: HttpRequest, org_id: int | None) -> bytes | None:
    """The unlocked private key of ``org_id``, or ``None`` (locked, expired, or another organisation)."""
    held = request.session.get(SESSION_KEY)
    cookie = request.COOKIES.get(COOKIE)
    if not held or not cookie or org_id is None or held.get("org") != org_id:
        return None
    if time.time() - int(held.get("used", 0)) > settings.GRIEVANCE_UNLOCK_IDLE_SECONDS:
        request.session.pop(SESSION_KEY, None)
        return None
    try:
        wrapping = base64.urlsafe_b64decode(cookie.encode())
        private = crypto.decrypt(wrapping, base64.b64decode(held["blob"]), _aad(request, org_id))
    except (binascii.Error, ValueError, TypeError, crypto.DecryptionError):
        return None
    held["used"] = int(time.time())
    request.session[SESSION_KEY] = held
    return private

"""Bearer-token authentication of the HTTP API (wired in ``covenant/api.py``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from covenant.accounts.services import authenticate_token
from covenant.core.actors import Actor


class TokenAuth(HttpBearer):
    """``Authorization: Bearer cov_…`` tokens made on the organisation's API page."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        actor = authenticate_token(token)
        if actor is not None:
            request.actor = actor  # type: ignore[attr-defined]
        return actor

"""Writes without a valid token answer 401, not a CSRF refusal; browser sessions keep their CSRF check."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from covenant.accounts.models import ApiToken
from covenant.accounts.services import create_token, revoke_token
from tests.conftest import World, actor_of, client_for

INVITE = {"email": "new@noordhaven.example", "role": "viewer"}


def _post(client: Client, **headers: str) -> Any:
    return client.post("/api/v1/invitations", INVITE, content_type="application/json", **headers)


def _token(world: World) -> tuple[ApiToken, str]:
    return create_token(actor_of(world.admin_a), name="t", read_only=False)


def assert_401(response: Any) -> None:
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer cov_abc_def", "Basic dXNlcjpwYXNz"])
def test_writes_without_a_valid_token_are_401(world: World, header: str | None) -> None:
    client = Client(enforce_csrf_checks=True)
    assert_401(_post(client, **({"HTTP_AUTHORIZATION": header} if header else {})))


def test_revoked_and_expired_tokens_are_401(world: World) -> None:
    token, secret = _token(world)
    client = Client(enforce_csrf_checks=True)
    assert _post(client, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 201
    revoke_token(actor_of(world.admin_a), token)
    assert_401(_post(client, HTTP_AUTHORIZATION=f"Bearer {secret}"))
    expired, secret = _token(world)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert_401(_post(client, HTTP_AUTHORIZATION=f"Bearer {secret}"))


def test_a_bad_token_is_401_even_from_a_signed_in_browser(world: World) -> None:
    client = client_for(world.admin_a)
    client.handler.enforce_csrf_checks = True
    assert_401(_post(client, HTTP_AUTHORIZATION="Bearer cov_abc_def"))


def test_a_browser_session_without_csrf_is_still_refused(world: World) -> None:
    client = client_for(world.admin_a)
    client.handler.enforce_csrf_checks = True
    response = _post(client)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_a_browser_session_with_csrf_works(world: World) -> None:
    client = client_for(world.admin_a)
    client.handler.enforce_csrf_checks = True
    client.get("/api/v1/docs")  # sets the CSRF cookie, as the interactive docs page does
    token = client.cookies["csrftoken"].value
    response = _post(client, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    # Reads need no CSRF token.
    assert client.get("/api/v1/organisations").status_code == 200

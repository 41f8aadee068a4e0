"""API tokens: shown once, stored hashed, scoped to an organisation, revocable."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from covenant.accounts import services
from covenant.accounts.models import ApiToken
from tests.conftest import World, actor_of, client_for


def _get(path: str, token: str) -> object:
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_token_secret_is_stored_only_as_a_hash(world: World) -> None:
    token, secret = services.create_token(actor_of(world.admin_a), name="ERP")
    assert secret.startswith(f"cov_{token.prefix}_")
    raw = secret.split("_", 2)[2]  # cov_<prefix>_<secret>; the secret itself may contain "_"
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_token_acts_for_its_organisation(world: World) -> None:
    _token, secret = services.create_token(actor_of(world.admin_a), name="ERP")
    me = _get("/api/v1/me", secret).json()  # type: ignore[attr-defined]
    assert me["organisation"] == world.member_a.slug
    assert me["role"] == "admin"
    assert me["read_only"] is True


def test_revoked_expired_and_forged_tokens_are_refused(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    token, secret = services.create_token(actor_of(world.admin_a), name="ERP")
    assert _get("/api/v1/me", secret).status_code == 200  # type: ignore[attr-defined]
    assert _get("/api/v1/me", secret[:-2] + "xx").status_code == 401  # type: ignore[attr-defined]
    services.revoke_token(actor_of(world.admin_a), token)
    response = _get("/api/v1/me", secret)
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    assert "Bearer" in response["WWW-Authenticate"]  # type: ignore[index]
    token2, secret2 = services.create_token(actor_of(world.admin_a), name="ERP2")
    ApiToken.objects.filter(pk=token2.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert _get("/api/v1/me", secret2).status_code == 401  # type: ignore[attr-defined]


def test_read_only_token_cannot_write(world: World) -> None:
    _token, secret = services.create_token(actor_of(world.admin_a), name="reader", read_only=True)
    response = Client().post(
        "/api/v1/invitations",
        {"email": "x@noordhaven.example", "role": "viewer"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403
    _token, secret = services.create_token(actor_of(world.admin_a), name="writer", read_only=False)
    response = Client().post(
        "/api/v1/invitations",
        {"email": "x@noordhaven.example", "role": "viewer"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"


def test_viewers_make_only_read_only_tokens_and_nobody_revokes_another_orgs(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_token(actor_of(world.viewer_a), name="w", read_only=False)
    with pytest.raises(ValidationError):
        services.create_token(actor_of(world.viewer_a), name="  ")
    token, _ = services.create_token(actor_of(world.admin_a), name="ERP")
    with pytest.raises(PermissionDenied):
        services.revoke_token(actor_of(world.admin_b), token)
    with pytest.raises(PermissionDenied):
        services.revoke_token(actor_of(world.viewer_a), token)  # not theirs, not an admin


def test_removing_the_member_kills_their_token(world: World) -> None:
    from covenant.orgs.models import Membership

    _token, secret = services.create_token(actor_of(world.editor_a), name="x")
    Membership.objects.filter(user=world.editor_a).delete()
    assert _get("/api/v1/me", secret).status_code == 401  # type: ignore[attr-defined]


def test_tokens_page_shows_the_secret_once(world: World) -> None:
    client = client_for(world.admin_a)
    html = client.post(reverse("accounts:tokens"), {"name": "Reporting", "read_only": "on"}).content.decode()
    assert "Copy your new token now" in html
    token = ApiToken.objects.get(name="Reporting")
    assert f"cov_{token.prefix}_" in html
    again = client.get(reverse("accounts:tokens")).content.decode()
    assert "Reporting" in again
    assert f"cov_{token.prefix}_" not in again


def test_a_read_only_token_revokes_nothing(world: World) -> None:
    writer, writer_secret = services.create_token(actor_of(world.admin_a), name="ERP sync", read_only=False)
    reader, reader_secret = services.create_token(actor_of(world.admin_a), name="dashboard", read_only=True)
    for target in (writer, reader):  # the same person's other token, and itself
        response = Client().delete(f"/api/v1/tokens/{target.pk}", HTTP_AUTHORIZATION=f"Bearer {reader_secret}")
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
    assert _get("/api/v1/me", writer_secret).status_code == 200  # type: ignore[attr-defined]
    # A read-write token of the same person may.
    response = Client().delete(f"/api/v1/tokens/{reader.pk}", HTTP_AUTHORIZATION=f"Bearer {writer_secret}")
    assert response.status_code == 204
    assert _get("/api/v1/me", reader_secret).status_code == 401  # type: ignore[attr-defined]

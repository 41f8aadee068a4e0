"""Signing in: passwords, lock-out, required two-factor, password reset."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, World, make_user


def _login(client: Client, email: str, password: str) -> object:
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_production_hashes_passwords_with_argon2() -> None:
    import covenant.settings as production_like

    assert production_like.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert "Argon2PasswordHasher" in settings.PASSWORD_HASHERS[1]


def test_member_logs_in_with_email_and_password(world: World) -> None:
    client = Client()
    response = _login(client, world.admin_a.email.upper(), PASSWORD)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_repeated_failures_lock_the_account_out_from_that_address(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, world.admin_a.email, "wrong password!!")
    response = _login(client, world.admin_a.email, PASSWORD)
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert "Too many failed sign-in attempts" in response.content.decode()  # type: ignore[attr-defined]
    # Someone else from the same address is not locked out.
    assert _login(Client(), world.admin_b.email, PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_public_signup_is_closed(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(
        reverse("account_signup"),
        {"email": "x@example.org", "password1": "a long passphrase!", "password2": "a long passphrase!"},
    )
    from covenant.accounts.models import User

    assert not User.objects.filter(email="x@example.org").exists()
    assert response.status_code in (200, 403)


def test_secretariat_staff_must_set_up_two_factor_before_anything_else(world: World) -> None:
    newcomer = make_user(world.secretariat, "officer", "officer@sector.example", mfa=False)
    client = Client()
    assert _login(client, newcomer.email, PASSWORD).status_code == 302  # type: ignore[attr-defined]
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password once more before an authenticator is added.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.content.decode()  # the QR code, allowed by our CSP
    api = client.get("/api/v1/me")
    assert api.status_code == 403
    assert api["Content-Type"] == "application/problem+json"


def test_members_are_not_forced_into_two_factor(world: World) -> None:
    client = Client()
    _login(client, world.viewer_a.email, PASSWORD)
    assert client.get(reverse("core:dashboard")).status_code == 200


def _current_code(user) -> str:  # type: ignore[no-untyped-def]
    from allauth.mfa.totp.internal.auth import TOTP

    auth = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = TOTP(auth).instance.wrap().instance.data["secret"]
    from allauth.mfa.adapter import get_adapter

    secret = get_adapter().decrypt(secret)
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_login_with_two_factor_asks_for_a_code(world: World) -> None:
    client = Client()
    response = _login(client, world.coordinator.email, PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")  # type: ignore[index]
    assert client.get(reverse("core:dashboard")).status_code == 302  # not in yet
    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(world.coordinator)})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_required_authenticator_cannot_be_removed(world: World) -> None:
    from allauth.mfa.adapter import get_adapter

    auth = Authenticator.objects.get(user=world.coordinator, type=Authenticator.Type.TOTP)
    assert get_adapter().can_delete_authenticator(auth) is False


def test_password_reset_sends_a_link(world: World) -> None:
    response = Client().post(reverse("account_reset_password"), {"email": world.admin_a.email})
    assert response.status_code == 302
    assert mail.outbox
    assert "password" in mail.outbox[-1].body.lower()

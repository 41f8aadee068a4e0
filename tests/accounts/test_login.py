"""Signing in: passwords, lock-out, required two-factor, password reset."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, World, client_for, make_user


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


# Throttling: wrong two-factor codes, lock-out, password spraying.


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Code counters live in the cache, keyed by user id; ids come back in the next test."""
    cache.clear()
    yield
    cache.clear()


def _wrong_code(user) -> str:  # type: ignore[no-untyped-def]
    """A code that no window near now accepts."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.totp.internal.auth import TOTP

    auth = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = get_adapter().decrypt(TOTP(auth).instance.data["secret"])
    now = next(iter(yield_hotp_counters_from_time()))
    valid = {format_hotp_value(hotp_value(secret, now + shift)) for shift in range(-5, 6)}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in valid)


def _pending_code_step(user, **client_kwargs: str) -> Client:  # type: ignore[no-untyped-def]
    client = Client(**client_kwargs)
    response = _login(client, user.email, PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")  # type: ignore[index]
    return client


def _enter_code(client: Client, code: str) -> HttpResponse:
    return client.post(reverse("mfa_authenticate"), {"code": code})  # type: ignore[return-value]


def _signed_in(client: Client) -> bool:
    return client.get(reverse("core:dashboard")).status_code == 200


def test_wrong_codes_end_the_pending_sign_in(world: World, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 100  # only the code limit acts here
    user = world.coordinator
    client = _pending_code_step(user)
    wrong = _wrong_code(user)
    for _ in range(settings.LOGIN_CODE_FAILURE_LIMIT - 1):
        response = _enter_code(client, wrong)
        assert response.status_code == 200
        assert "Incorrect code." in response.content.decode()
    response = _enter_code(client, wrong)  # the last one allowed
    assert "Too many failed login attempts" in response.content.decode()
    # The pending sign-in is gone: the code page sends them back to the password.
    assert client.get(reverse("mfa_authenticate"))["Location"] == reverse("account_login")
    assert _enter_code(client, _current_code(user))["Location"] == reverse("account_login")
    assert not _signed_in(client)
    # Giving the password again does not buy more codes while the count lasts.
    again = _pending_code_step(user)
    assert "Too many failed login attempts" in _enter_code(again, _current_code(user)).content.decode()
    assert not _signed_in(again)


def test_wrong_codes_count_as_failed_logins_for_the_lock_out(world: World, settings: Any) -> None:
    settings.LOGIN_CODE_FAILURE_LIMIT = 100  # only axes acts here
    user = world.coordinator
    attacker = _pending_code_step(user)
    # A second sign-in, past the password before the lock-out, waiting at the code step.
    waiting = _pending_code_step(user)
    wrong = _wrong_code(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _enter_code(attacker, wrong).status_code == 200
    response = _enter_code(attacker, wrong)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Locked out: the password is refused, and so is the right code.
    assert _login(Client(), user.email, PASSWORD).status_code == 429  # type: ignore[attr-defined]
    _enter_code(waiting, _current_code(user))
    assert not _signed_in(waiting)
    assert not _signed_in(attacker)
    # Axes locks the account for that address only; elsewhere the person still gets in.
    elsewhere = _pending_code_step(user, REMOTE_ADDR="192.0.2.44")
    assert _enter_code(elsewhere, _current_code(user)).status_code == 302
    assert _signed_in(elsewhere)


def test_a_flood_of_codes_never_signs_in(world: World) -> None:
    """The reported attack, with the shipped limits: many wrong codes, then the right one."""
    user = world.coordinator
    client = _pending_code_step(user)
    wrong = _wrong_code(user)
    for _ in range(30):
        _enter_code(client, wrong)
    _enter_code(client, _current_code(user))
    assert not _signed_in(client)
    from axes.models import AccessAttempt

    # Counted once each, up to the lock-out; after that no code is even checked.
    limit = min(settings.AXES_FAILURE_LIMIT, settings.LOGIN_CODE_FAILURE_LIMIT)
    assert AccessAttempt.objects.get(username=user.email).failures_since_start == limit


def test_one_wrong_code_then_the_right_one_signs_in(world: World) -> None:
    from axes.models import AccessAttempt

    from covenant.accounts import lockout

    user = world.coordinator
    client = _pending_code_step(user)
    assert "Incorrect code." in _enter_code(client, _wrong_code(user)).content.decode()
    assert AccessAttempt.objects.filter(username=user.email).exists()
    assert _enter_code(client, _current_code(user)).status_code == 302
    assert _signed_in(client)
    # Success wipes the slate: the typo counts against nothing later.
    assert lockout.code_attempts_used(user) == 0
    assert not AccessAttempt.objects.filter(username=user.email).exists()


def test_password_spraying_from_one_address_is_refused(world: World) -> None:
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT  # an office behind one address survives a few typos
    for n in range(limit - 1):
        _login(Client(), f"person{n}@noordhaven.example", "Summer2025!")
    # Below the limit, people from that address still sign in.
    assert _login(Client(), world.admin_b.email, PASSWORD).status_code == 302  # type: ignore[attr-defined]
    _login(Client(), "one.more@noordhaven.example", "Summer2025!")
    # Now every account is refused from that address, with the right password too...
    response = _login(Client(), world.admin_a.email, PASSWORD)
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert "Too many failed sign-in attempts" in response.content.decode()  # type: ignore[attr-defined]
    # Other addresses are not affected.
    assert _login(Client(REMOTE_ADDR="192.0.2.46"), world.admin_a.email, PASSWORD).status_code == 302  # type: ignore[attr-defined]


def test_axes_keeps_addresses_of_failed_logins_only(world: World) -> None:
    from axes.models import AccessAttempt, AccessLog

    _login(Client(), world.admin_a.email, "wrong password!!")
    assert AccessAttempt.objects.filter(username=world.admin_a.email).exists()
    assert _login(Client(), world.admin_b.email, PASSWORD).status_code == 302  # type: ignore[attr-defined]
    assert not AccessLog.objects.exists()
    attempt = AccessAttempt.objects.get(username=world.admin_a.email)
    assert "wrong password" not in attempt.post_data


def test_confirming_a_code_again_while_signed_in_is_rationed_too(world: World) -> None:
    from axes.models import AccessAttempt

    user = world.coordinator
    client = client_for(user)
    url = reverse("mfa_reauthenticate")
    wrong = _wrong_code(user)
    for _ in range(settings.LOGIN_CODE_FAILURE_LIMIT):
        assert client.post(url, {"code": wrong}).status_code in (200, 429)
    assert AccessAttempt.objects.get(username=user.email).failures_since_start == settings.LOGIN_CODE_FAILURE_LIMIT
    response = client.post(url, {"code": _current_code(user)})
    assert response.status_code != 302  # not accepted
    assert "Too many failed" in response.content.decode()

"""What reaches the logs: no tracebacks for 403/404, no secrets from URLs or tokens."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from covenant.accounts import services as account_services
from covenant.accounts.logfilters import RedactSecrets
from covenant.orgs import services as org_services
from tests.conftest import World, actor_of, client_for


@pytest.fixture
def caplog_all(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def _request_records(caplog: pytest.LogCaptureFixture, status: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request" and getattr(r, "status_code", None) == status]


def test_a_404_is_logged_without_a_traceback(world: World, caplog_all: pytest.LogCaptureFixture) -> None:
    url = reverse("accounts:revoke_token", args=[uuid.uuid4()])
    assert client_for(world.admin_a).post(url).status_code == 404  # get_scoped_or_404 raises Http404
    (record,) = _request_records(caplog_all, 404)
    assert record.getMessage() == f"Not Found: {url}"
    assert record.exc_info is None
    assert "Traceback" not in caplog_all.text


def test_a_403_is_logged_without_a_traceback(world: World, caplog_all: pytest.LogCaptureFixture) -> None:
    token, _secret = account_services.create_token(actor_of(world.admin_a), name="ERP")
    url = reverse("accounts:revoke_token", args=[token.pk])
    # A viewer may not revoke an administrator's token: the service raises PermissionDenied.
    assert client_for(world.viewer_a).post(url).status_code == 403
    (record,) = _request_records(caplog_all, 403)
    assert record.getMessage().startswith("Forbidden")
    assert record.exc_info is None
    assert "Traceback" not in caplog_all.text


def test_fetching_an_invitation_link_logs_no_token(
    world: World,
    caplog_all: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = org_services.invite(
            actor_of(world.admin_a), email="new.person@noordhaven.example", role="viewer"
        )
    client = Client()
    assert client.get(reverse("orgs:accept_invitation", args=[token])).status_code == 200
    # A mistyped or used link answers 404, which Django logs with the path.
    mistyped = token[:-1]
    assert client.get(reverse("orgs:accept_invitation", args=[mistyped])).status_code == 404
    # The development server's request line for it, as runserver writes it.
    logging.getLogger("django.server").warning(
        '"%s" %s %s', f"GET /invitations/{mistyped}/ HTTP/1.1", "404", "1234", extra={"status_code": 404}
    )
    assert _request_records(caplog_all, 404)  # the 404 was logged...
    assert "/invitations/[redacted]/" in caplog_all.text
    assert mistyped not in caplog_all.text  # ...without the token
    assert token[:20] not in caplog_all.text


def _filtered(message: str, *args: object) -> str:
    record = logging.LogRecord("covenant", logging.WARNING, __file__, 1, message, args, None)
    assert RedactSecrets().filter(record)
    return record.getMessage()


def test_api_tokens_and_reset_keys_are_masked_anywhere_in_a_message(world: World) -> None:
    token, secret = account_services.create_token(actor_of(world.admin_a), name="ERP")
    raw = secret.split("_", 2)[2]
    line = _filtered("Client sent %s and Authorization: Bearer %s", secret, secret)
    assert raw not in line
    assert f"cov_{token.prefix}_[redacted]" in line  # the prefix still says which token
    assert "key-abc123" not in _filtered("GET %s", "/accounts/password/reset/key/4-key-abc123/")
    assert "s3cret" not in _filtered("GET /hooks/grievances/whatsapp/?hub.mode=subscribe&hub.verify_token=s3cret")
    # Ordinary paths and ids stay readable.
    kept = f"/organisation/invitations/{uuid.UUID(int=7)}/revoke/"
    assert _filtered("POST %s", kept) == f"POST {kept}"


def test_tracebacks_are_masked_too() -> None:
    try:
        raise ValueError("bad link /invitations/abcDEF123/")
    except ValueError:
        import sys

        record = logging.LogRecord("covenant", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    RedactSecrets().filter(record)
    assert record.exc_text is not None
    assert "abcDEF123" not in logging.Formatter().format(record)


def test_the_web_servers_access_log_masks_secrets() -> None:
    from gunicorn.config import Config

    from covenant.accounts.accesslog import RedactingLogger

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/invitations/TOKEN123secret/",
        "PATH_INFO": "/invitations/TOKEN123secret/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://covenant.example/accounts/password/reset/key/4-RESETkey/",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = RedactingLogger(Config()).atoms(response, request, environ, timedelta(seconds=0))
    text = " ".join(str(value) for value in atoms.values())
    assert atoms["r"] == "GET /invitations/[redacted]/ HTTP/1.1"
    assert "TOKEN123secret" not in text
    assert "RESETkey" not in text

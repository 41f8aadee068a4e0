"""SMS (Twilio-style signatures) and WhatsApp Cloud API webhooks, and the guided dialogue."""

from __future__ import annotations

import itertools
import json
import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from covenant.core.models import AuditEvent
from covenant.grievances import crypto, services, webhooks
from covenant.grievances.models import Case, Conversation, SeenMessage
from tests.conftest import World, actor_of
from tests.grievances.builders import PASSPHRASE

SMS_TOKEN = "sms-gateway-auth-token-for-tests"
WA_SECRET = "whatsapp-app-secret-for-tests"
PHONE = "+8801711000222"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _secrets(settings: Any) -> None:
    settings.GRIEVANCE_SMS_AUTH_TOKEN = SMS_TOKEN
    settings.GRIEVANCE_WHATSAPP_APP_SECRET = WA_SECRET
    settings.GRIEVANCE_WHATSAPP_VERIFY_TOKEN = "verify-me"


def sms_url() -> str:
    return "http://testserver" + reverse("grievances:sms_webhook")


def send_sms(client: Client, body: str, *, sender: str = PHONE, sid: str | None = None, sign: str | None = "ok") -> Any:
    params = {"MessageSid": sid or f"SM{next(_ids):032d}", "From": sender, "To": "+3120000000", "Body": body}
    headers = {}
    if sign == "ok":
        headers["HTTP_X_TWILIO_SIGNATURE"] = webhooks.twilio_signature(SMS_TOKEN, sms_url(), params)
    elif sign == "forged":
        headers["HTTP_X_TWILIO_SIGNATURE"] = webhooks.twilio_signature("not-the-token", sms_url(), params)
    return client.post(reverse("grievances:sms_webhook"), params, **headers)


def _reply(response: Any) -> str:
    match = re.search(r"<Message>(.*)</Message>", response.content.decode(), re.S)
    assert match, response.content
    return match.group(1)


def sms_conversation(client: Client, what: str, sender: str = PHONE, site: str = "", contact: str = "1") -> str:
    assert "1. English" in _reply(send_sms(client, "hello", sender=sender))
    assert "Where do you work" in _reply(send_sms(client, "1", sender=sender))
    assert "What happened" in _reply(send_sms(client, site or "Rahim Knit Mills, Gazipur", sender=sender))
    assert "contact you" in _reply(send_sms(client, what, sender=sender))
    final = _reply(send_sms(client, contact, sender=sender))
    receipt = re.search(r"(\d{4} \d{4} \d{4} \d{4})", final)
    assert receipt, final
    return receipt.group(1).replace(" ", "")


def test_signed_sms_conversation_creates_a_case_with_a_working_receipt(gw: World) -> None:
    client = Client()
    before = Case.objects.count()
    receipt = sms_conversation(client, "Overtime not paid for 3 months", site=gw.extras["shared"].public_id)
    assert Case.objects.count() == before + 1
    case = Case.objects.get(channel="sms")
    assert case.facility == gw.extras["shared"]  # the site id from the poster routes it to member A
    assert set(case.recipients.values_list("org_id", flat=True)) == {gw.secretariat.pk, gw.member_a.pk}
    assert not case.anonymous
    assert not Conversation.objects.exists()  # the dialogue is gone once the case exists
    opened = services.open_case(receipt, "x")
    assert opened is not None and opened.case.pk == case.pk
    content = services.read_content(case, opened.key)
    assert content.what == "Overtime not paid for 3 months" and PHONE in content.contact
    # Follow-up by SMS with the receipt.
    private = services.unlock_key(actor_of(gw.grievance_handler), PASSPHRASE)
    key = services.case_key_for(actor_of(gw.grievance_handler), case, private)
    services.acknowledge(actor_of(gw.grievance_handler), case)
    services.message_reporter(actor_of(gw.grievance_handler), case, key, "Which line do you work on?")
    update = _reply(send_sms(client, crypto.format_receipt(receipt)))
    assert "Acknowledged" in update and "Which line do you work on?" in update


def test_sms_dialogue_in_arabic_and_anonymous(gw: World) -> None:
    client = Client()
    send_sms(client, "hi")
    assert "أين تعمل؟" in _reply(send_sms(client, "12"))  # Arabic
    send_sms(client, "مصنع النسيج")
    send_sms(client, "لم يدفعوا الأجور")
    _reply(send_sms(client, "٢"))  # "2" in Arabic-Indic digits: no contact
    case = Case.objects.get(channel="sms")
    assert case.language == "ar" and case.anonymous


def test_conversation_state_holds_no_phone_number_or_text(gw: World) -> None:
    client = Client()
    send_sms(client, "hello")
    send_sms(client, "1")
    send_sms(client, "Secret Workplace Name Ltd")
    conversation = Conversation.objects.get()
    assert PHONE not in conversation.key and PHONE.lstrip("+") not in conversation.key
    assert b"Secret Workplace" not in bytes(conversation.state_enc)
    assert b"8801711000222" not in bytes(conversation.state_enc)


def test_cancel_drops_the_conversation(gw: World) -> None:
    client = Client()
    send_sms(client, "hello")
    send_sms(client, "1")
    assert "stopped" in _reply(send_sms(client, "STOP"))
    assert not Conversation.objects.exists() and not Case.objects.filter(channel="sms").exists()


@pytest.mark.parametrize("sign", [None, "forged"])
def test_unsigned_or_forged_sms_refused_and_nothing_stored(gw: World, sign: str | None) -> None:
    events = AuditEvent.objects.count()
    response = send_sms(Client(), "hello", sign=sign)
    assert response.status_code == 403
    assert not Conversation.objects.exists() and not SeenMessage.objects.exists()
    assert AuditEvent.objects.count() == events


def test_signature_over_other_params_refused(gw: World) -> None:
    params = {"MessageSid": "SM1", "From": PHONE, "To": "+31", "Body": "hello"}
    signature = webhooks.twilio_signature(SMS_TOKEN, sms_url(), params)
    tampered = dict(params, Body="something else")
    response = Client().post(reverse("grievances:sms_webhook"), tampered, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403


def test_sms_refused_when_no_token_configured(gw: World, settings: Any) -> None:
    settings.GRIEVANCE_SMS_AUTH_TOKEN = ""
    assert send_sms(Client(), "hello").status_code == 403


def test_replayed_sms_refused(gw: World) -> None:
    client = Client()
    assert send_sms(client, "hello", sid="SMreplay").status_code == 200
    step = Conversation.objects.get().step
    again = send_sms(client, "1", sid="SMreplay")
    assert again.status_code == 409
    assert Conversation.objects.get().step == step  # the replay changed nothing


def test_replayed_final_message_does_not_duplicate_the_case(gw: World) -> None:
    client = Client()
    send_sms(client, "hello")
    send_sms(client, "1")
    send_sms(client, "A factory")
    send_sms(client, "What happened")
    assert send_sms(client, "2", sid="SMfinal").status_code == 200
    assert send_sms(client, "2", sid="SMfinal").status_code == 409
    assert Case.objects.filter(channel="sms").count() == 1


# --- WhatsApp ---------------------------------------------------------------------------------


def wa_payload(text: str, *, sender: str = "31612345678", mid: str | None = None, ts: int | None = None) -> bytes:
    message = {
        "from": sender,
        "id": mid or f"wamid.{next(_ids)}",
        "timestamp": str(ts or int(time.time())),
        "type": "text",
        "text": {"body": text},
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                            "contacts": [{"profile": {"name": "Worker"}, "wa_id": sender}],
                            "messages": [message],
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload).encode()


def send_wa(client: Client, body: bytes, sign: str | None = "ok") -> Any:
    headers = {}
    if sign == "ok":
        headers["HTTP_X_HUB_SIGNATURE_256"] = webhooks.whatsapp_signature(WA_SECRET, body)
    elif sign == "forged":
        headers["HTTP_X_HUB_SIGNATURE_256"] = webhooks.whatsapp_signature("wrong", body)
    return client.post(reverse("grievances:whatsapp_webhook"), body, content_type="application/json", **headers)


@pytest.fixture
def outbox(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(webhooks, "send_whatsapp", lambda to, text: sent.append((to, text)))
    return sent


def test_whatsapp_verification_handshake(gw: World) -> None:
    url = reverse("grievances:whatsapp_webhook")
    ok = Client().get(url, {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = Client().get(url, {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"})
    assert bad.status_code == 403


def test_signed_whatsapp_conversation_creates_a_case(gw: World, outbox: list[tuple[str, str]]) -> None:
    client = Client()
    for text in ("Hola", "3", "Fabrica Textil del Norte, Tehuacán", "No nos pagan las horas extra", "2"):
        assert send_wa(client, wa_payload(text)).status_code == 200
    case = Case.objects.get(channel="whatsapp")
    assert case.language == "es" and case.anonymous
    receipt = re.search(r"(\d{4} \d{4} \d{4} \d{4})", outbox[-1][1])
    assert receipt and outbox[-1][0] == "31612345678"
    assert services.open_case(receipt.group(1), "s") is not None


@pytest.mark.parametrize("sign", [None, "forged"])
def test_unsigned_or_forged_whatsapp_refused(gw: World, sign: str | None, outbox: list[tuple[str, str]]) -> None:
    assert send_wa(Client(), wa_payload("hello"), sign=sign).status_code == 403
    assert not Conversation.objects.exists() and not SeenMessage.objects.exists() and not outbox


def test_whatsapp_replay_and_stale_messages_refused(gw: World, outbox: list[tuple[str, str]]) -> None:
    body = wa_payload("hello", mid="wamid.replayed")
    assert send_wa(Client(), body).status_code == 200
    assert send_wa(Client(), body).status_code == 409
    old = wa_payload("hello", mid="wamid.old", ts=int(time.time()) - 3 * 24 * 3600)
    assert send_wa(Client(), old).status_code == 409
    assert len(outbox) == 1


def test_whatsapp_status_callbacks_are_ignored(gw: World) -> None:
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {"statuses": []}}]}]})
    assert send_wa(Client(), body.encode()).status_code == 200

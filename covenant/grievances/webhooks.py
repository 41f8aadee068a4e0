"""Webhooks of the SMS gateway (Twilio-style signatures) and the WhatsApp Cloud API.

Both refuse anything unsigned or badly signed before reading it, and refuse a message id
they have seen before (kept as a keyed hash). Neither logs a phone number or a message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.request
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from covenant.grievances import crypto, dialogue, services
from covenant.grievances.models import Channel, SeenMessage

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
MAX_AGE_SECONDS = 24 * 3600


def _refuse(status: int, reason: str) -> HttpResponse:
    return HttpResponse(reason, status=status, content_type="text/plain; charset=utf-8")


# --- Signatures -------------------------------------------------------------------------------


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """Base64 HMAC-SHA1 over the full URL followed by each POST parameter name and value, sorted by name."""
    data = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _sms_urls(request: HttpRequest) -> list[str]:
    """The URL the gateway signed: as this server sees it, and as the public site URL (behind a proxy)."""
    seen = request.build_absolute_uri()
    public = settings.SITE_URL + request.get_full_path()
    return [seen] if seen == public else [seen, public]


def sms_signature_ok(request: HttpRequest) -> bool:
    token = settings.GRIEVANCE_SMS_AUTH_TOKEN
    given = request.headers.get("X-Twilio-Signature", "")
    if not token or not given:
        return False
    params = {k: request.POST.get(k, "") for k in request.POST}
    return any(hmac.compare_digest(twilio_signature(token, url, params), given) for url in _sms_urls(request))


def whatsapp_signature(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def whatsapp_signature_ok(request: HttpRequest, body: bytes) -> bool:
    secret = settings.GRIEVANCE_WHATSAPP_APP_SECRET
    given = request.headers.get("X-Hub-Signature-256", "")
    return bool(secret and given) and hmac.compare_digest(whatsapp_signature(secret, body), given)


def _first_time(provider: str, message_id: str) -> bool:
    """Remember a message id (as a keyed hash); False if it was seen before. Call inside a transaction."""
    key = crypto.keyed_hash(services.server_secret(), f"message:{provider}", message_id)
    try:
        with transaction.atomic():
            SeenMessage.objects.create(key=key, seen_on=timezone.localdate())
    except IntegrityError:
        return False
    return True


# --- SMS --------------------------------------------------------------------------------------


def _twiml(text: str) -> HttpResponse:
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(text)}</Message></Response>'
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


@csrf_exempt
@require_POST
def sms(request: HttpRequest) -> HttpResponse:
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY_BYTES:
        return _refuse(413, "Too large")
    if not sms_signature_ok(request):
        return _refuse(403, "Bad or missing signature")
    message_id = request.POST.get("MessageSid", "") or request.POST.get("SmsSid", "")
    sender = request.POST.get("From", "")
    if not message_id or not sender:
        return _refuse(400, "MessageSid and From are required")
    with transaction.atomic():
        if not _first_time("sms", message_id):
            return _refuse(409, "This message was already received")
        reply = dialogue.handle(Channel.SMS, sender, request.POST.get("Body", ""))
    return _twiml(reply.text)


# --- WhatsApp ---------------------------------------------------------------------------------


def send_whatsapp(to: str, text: str) -> None:
    """Send a reply through the Cloud API. Without a token configured, replies are dropped."""
    token = getattr(settings, "GRIEVANCE_WHATSAPP_TOKEN", "")
    number_id = getattr(settings, "GRIEVANCE_WHATSAPP_PHONE_NUMBER_ID", "")
    if not token or not number_id:
        log.warning("WhatsApp reply not sent: no GRIEVANCE_WHATSAPP_TOKEN / PHONE_NUMBER_ID configured")
        return
    payload = {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": text[:4096]}}
    request = urllib.request.Request(
        f"https://graph.facebook.com/v21.0/{number_id}/messages",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
    except OSError as exc:
        log.warning("WhatsApp reply not sent: %s", type(exc).__name__)


def _messages(payload: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for entry in payload.get("entry", []) or []:
        for change in entry.get("changes", []) or []:
            value = change.get("value", {}) or {}
            found.extend(m for m in value.get("messages", []) or [] if isinstance(m, dict))
    return found


def _text_of(message: dict[str, Any]) -> str:
    kind = message.get("type")
    if kind == "text":
        return str((message.get("text") or {}).get("body", ""))
    if kind == "interactive":
        reply = (message.get("interactive") or {}).get("button_reply") or {}
        return str(reply.get("title", ""))
    return ""


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # The Cloud API's verification handshake.
        token = settings.GRIEVANCE_WHATSAPP_VERIFY_TOKEN
        given = request.GET.get("hub.verify_token", "")
        if request.GET.get("hub.mode") == "subscribe" and token and hmac.compare_digest(given.encode(), token.encode()):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return _refuse(403, "Verification failed")
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY_BYTES:
        return _refuse(413, "Too large")
    body = request.body
    if not whatsapp_signature_ok(request, body):
        return _refuse(403, "Bad or missing signature")
    try:
        payload = json.loads(body)
    except ValueError:
        return _refuse(400, "Not JSON")
    if not isinstance(payload, dict):
        return _refuse(400, "Not a webhook payload")
    messages = _messages(payload)
    now = time.time()
    replies: list[tuple[str, str]] = []
    replayed = 0
    for message in messages:
        message_id = str(message.get("id", ""))
        sender = str(message.get("from", ""))
        if not message_id or not sender:
            continue
        try:
            sent_at = int(message.get("timestamp", now))
        except (TypeError, ValueError):
            sent_at = int(now)
        if now - sent_at > MAX_AGE_SECONDS:
            replayed += 1
            continue
        with transaction.atomic():
            if not _first_time("whatsapp", message_id):
                replayed += 1
                continue
            reply = dialogue.handle(Channel.WHATSAPP, sender, _text_of(message))
        replies.append((sender, reply.text))
    for to, text in replies:
        send_whatsapp(to, text)
    if messages and replayed == len(messages):
        return _refuse(409, "These messages were already received")
    return HttpResponse("ok", content_type="text/plain")

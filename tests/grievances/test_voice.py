"""The voice channel (TwiML webhook): signatures, the keypad language menu, the spoken rules,
the recording stored encrypted, the receipt read out; handlers listening in the browser; and
handlers' translations of any entry, sealed like the original."""

from __future__ import annotations

import hashlib
import http.server
import itertools
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from covenant.core.models import AuditEvent
from covenant.grievances import services, voice, webhooks
from covenant.grievances.models import Case, Channel, SeenMessage, Translation
from tests.conftest import World, client_for
from tests.grievances.builders import PASSPHRASE, wav_bytes
from tests.grievances.test_dump import dump_everything

TOKEN = "voice-provider-auth-token-for-tests"
CALLER = "+8801755000999"
AUDIO_MARKER = b"canary-voice-audio Rahim took our passports"
META_MARKER = b"canary-voice-metadata recorded by SECRETPHONE"
TRANSLATION_TEXT = "canary-translation the foreman locked the exit on line seven"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _token(settings: Any) -> None:
    settings.GRIEVANCE_VOICE_AUTH_TOKEN = TOKEN


def wav(marker: bytes = AUDIO_MARKER, *, metadata: bytes = META_MARKER) -> bytes:
    return wav_bytes(marker, metadata=metadata)


def call(
    client: Client, query: str = "", params: dict[str, str] | None = None, *, sign: str = "ok", audio: bytes = b""
) -> Any:
    path = reverse("grievances:voice_webhook") + (f"?{query}" if query else "")
    fields = {"CallSid": f"CA{next(_ids):032d}", "From": CALLER, "To": "+3120000001", **(params or {})}
    if audio:
        fields.setdefault("RecordingSha256", hashlib.sha256(audio).hexdigest())
    headers = {}
    if sign != "none":
        token = TOKEN if sign == "ok" else "not-the-token"
        headers["HTTP_X_TWILIO_SIGNATURE"] = webhooks.twilio_signature(token, "http://testserver" + path, fields)
    data: dict[str, Any] = dict(fields)
    if audio:
        data["Recording"] = SimpleUploadedFile("r.wav", audio, content_type="audio/wav")
    return client.post(path, data, **headers)


def _says(response: Any) -> list[tuple[str, str]]:
    return re.findall(r'<Say language="([^"]+)">(.*?)</Say>', response.content.decode(), re.S)


def _spoken_receipt(response: Any) -> str:
    text = " ".join(t for _lang, t in _says(response))
    match = re.search(r"((?:\d ){3}\d(?:, (?:\d ){3}\d){3})", text)
    assert match, text
    return re.sub(r"\D", "", match.group(1))


def record(client: Client, *, lang: str = "en", contact: str = "0", audio: bytes | None = None, **params: str) -> Any:
    params.setdefault("RecordingSid", f"RE{next(_ids):032d}")
    return call(
        client, f"step=recording&lang={lang}&contact={contact}", params, audio=wav() if audio is None else audio
    )


# --- The webhook ----------------------------------------------------------------------------


def test_unsigned_or_forged_calls_are_refused(gw: World, settings: Any) -> None:
    client = Client()
    assert call(client, sign="none").status_code == 403
    assert call(client, sign="forged").status_code == 403
    before = Case.objects.count()
    forged = call(client, "step=recording&lang=en&contact=0", {"RecordingSid": "RE1"}, sign="forged", audio=wav())
    assert forged.status_code == 403 and Case.objects.count() == before
    # The step travels in the signed URL: changing it breaks the signature.
    path = reverse("grievances:voice_webhook")
    fields = {"CallSid": "CA1", "From": CALLER}
    signature = webhooks.twilio_signature(TOKEN, f"http://testserver{path}?step=language", fields)
    moved = client.post(f"{path}?step=recording&lang=en", fields, HTTP_X_TWILIO_SIGNATURE=signature)
    assert moved.status_code == 403
    settings.GRIEVANCE_VOICE_AUTH_TOKEN = ""
    assert call(client).status_code == 403  # no token configured: everything refused


def test_menu_offers_every_language_by_keypad_in_that_language(gw: World) -> None:
    response = call(Client())
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    body = response.content.decode()
    assert '<Gather input="dtmf" numDigits="2"' in body and "step=language" in body
    says = _says(response)
    assert len(says) == len(settings.GRIEVANCE_LANGUAGES)
    assert ("en-GB", "For English, press 1.") in says
    assert ("nl-NL", "Voor Nederlands, druk op 2.") in says
    assert any(lang == "ar-XA" and "12" in text for lang, text in says)


def test_language_chosen_by_keypad_speaks_the_rules_in_it(gw: World) -> None:
    response = call(Client(), "step=language", {"Digits": "2"})
    says = _says(response)
    assert says and all(lang == "nl-NL" for lang, _text in says)
    text = " ".join(t for _lang, t in says)
    assert "Fair Home joint grievance mechanism" in text
    assert "Binnen 7 dagen bevestigen we" in text  # the mechanism's own time frame, in Dutch
    assert "step=contact&amp;lang=nl" in response.content.decode()
    # Not a language: the menu again.
    again = call(Client(), "step=language", {"Digits": "99"})
    assert len(_says(again)) == len(settings.GRIEVANCE_LANGUAGES) and "tries=1" in again.content.decode()


def test_contact_choice_leads_to_the_recording(gw: World) -> None:
    body = call(Client(), "step=contact&lang=es", {"Digits": "1"}).content.decode()
    assert "<Record " in body and "step=recording&amp;lang=es&amp;contact=1" in body
    body = call(Client(), "step=contact&lang=es", {}).content.decode()  # no key pressed: anonymous
    assert "contact=0" in body


def test_recording_becomes_an_encrypted_case_and_the_receipt_is_read_out(gw: World) -> None:
    client = Client()
    response = record(client, lang="nl", contact="1")
    assert response.status_code == 200
    says = _says(response)
    assert all(lang == "nl-NL" for lang, _t in says) and len(says) == 2
    receipt = _spoken_receipt(response)
    case = Case.objects.get(channel=Channel.VOICE)
    assert case.language == "nl" and not case.anonymous
    opened = services.open_case(receipt, "test")
    assert opened is not None and opened.case.pk == case.pk
    assert services.read_content(case, opened.key).contact == f"voice: {CALLER}"
    stored = services.attachment_bytes(case.attachments.get(), opened.key)
    assert AUDIO_MARKER in stored and META_MARKER not in stored  # metadata chunks dropped
    assert stored.startswith(b"RIFF") and case.attachments.get().content_type == "audio/wav"
    # Nothing of the audio, the metadata or the caller's number is readable at rest.
    dump = dump_everything()
    for needle in (AUDIO_MARKER, META_MARKER, CALLER.encode(), CALLER[1:].encode(), receipt.encode()):
        assert needle not in dump
    assert not AuditEvent.objects.filter(action__startswith="grievances.case").exists()


def test_anonymous_caller_leaves_no_number(gw: World) -> None:
    record(Client(), contact="0")
    case = Case.objects.get(channel=Channel.VOICE)
    assert case.anonymous
    assert CALLER.encode() not in dump_everything()


def test_replayed_recording_is_refused(gw: World) -> None:
    client = Client()
    assert record(client, RecordingSid="RE-replayed").status_code == 200
    assert record(client, RecordingSid="RE-replayed").status_code == 409
    assert Case.objects.filter(channel=Channel.VOICE).count() == 1
    assert SeenMessage.objects.count() == 1


def test_posted_audio_must_match_its_signed_digest(gw: World) -> None:
    client = Client()
    response = record(client, RecordingSha256=hashlib.sha256(b"other").hexdigest())
    assert response.status_code == 200 and "<Hangup/>" in response.content.decode()
    assert not Case.objects.filter(channel=Channel.VOICE).exists()
    # Not audio at all: refused, nothing stored.
    record(client, audio=b"GIF89a not a recording")
    assert not Case.objects.filter(channel=Channel.VOICE).exists()


@pytest.fixture
def recording_server() -> Iterator[str]:
    """A provider's media server on loopback serving the recording (and a too large one)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = wav() if self.path == "/rec.wav" else b"RIFF" + b"\x00" * (64 * 1024)
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_recording_fetched_from_an_allowed_url_within_the_limit(
    gw: World, settings: Any, recording_server: str
) -> None:
    client = Client()
    # Not among the allowed prefixes: never fetched.
    call(
        client,
        "step=recording&lang=en&contact=0",
        {"RecordingSid": "RE-a", "RecordingUrl": recording_server + "rec.wav"},
    )
    assert not Case.objects.filter(channel=Channel.VOICE).exists()
    settings.GRIEVANCE_VOICE_RECORDING_PREFIXES = [recording_server]
    settings.GRIEVANCE_VOICE_MAX_BYTES = 32 * 1024
    too_large = call(
        client, "step=recording&lang=en&contact=0", {"RecordingSid": "RE-b", "RecordingUrl": recording_server + "big"}
    )
    assert too_large.status_code == 200 and not Case.objects.filter(channel=Channel.VOICE).exists()
    response = call(
        client,
        "step=recording&lang=en&contact=0",
        {"RecordingSid": "RE-c", "RecordingUrl": recording_server + "rec.wav"},
    )
    receipt = _spoken_receipt(response)
    opened = services.open_case(receipt, "test")
    assert opened is not None
    assert AUDIO_MARKER in services.attachment_bytes(opened.case.attachments.get(), opened.key)


def test_spoken_receipt_spaces_every_digit() -> None:
    assert voice.spoken_receipt("1234567890123456") == "1 2 3 4, 5 6 7 8, 9 0 1 2, 3 4 5 6"


# --- Listening --------------------------------------------------------------------------------


def _voice_case(w: World) -> Case:
    record(Client())
    return Case.objects.get(channel=Channel.VOICE)


def _unlocked(w: World) -> Client:
    client = client_for(w.grievance_handler)
    client.post(reverse("grievances:key"), {"action": "unlock", "passphrase": PASSPHRASE})
    return client


def test_handler_listens_in_the_browser_and_nobody_else_can(gw: World) -> None:
    case = _voice_case(gw)
    attachment = case.attachments.get()
    url = reverse("grievances:recording", args=[case.pk, attachment.pk])
    handler = _unlocked(gw)
    page = handler.get(reverse("grievances:detail", args=[case.pk])).content.decode()
    assert f'<audio controls preload="none" src="{url}">' in page
    response = handler.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert AUDIO_MARKER in response.content and "no-store" in response["Cache-Control"]
    part = handler.get(url, HTTP_RANGE="bytes=0-3")
    assert part.status_code == 206 and part.content == b"RIFF"
    assert part["Content-Range"] == f"bytes 0-3/{len(response.content)}"
    # A photo's route does not serve it as a picture's; a locked key, others: 404.
    assert client_for(gw.grievance_handler).get(url).status_code == 404
    for user in (gw.admin_a, gw.admin_b, gw.supplier_admin, gw.coordinator):
        assert client_for(user).get(url).status_code == 404
    assert Client().get(url).status_code in (302, 404)
    other = gw.extras["attachment"]  # a photo of another case
    assert handler.get(reverse("grievances:recording", args=[case.pk, other.pk])).status_code == 404


# --- Translations -----------------------------------------------------------------------------


def test_handler_translation_is_sealed_and_shown_beside_the_original(gw: World) -> None:
    case = gw.extras["case"]
    handler = _unlocked(gw)
    url = reverse("grievances:add_translation", args=[case.pk])
    # A translation of the report itself (entry 0), then of a message to the reporter.
    assert handler.post(url, {"entry": "0", "language": "bn", "text": TRANSLATION_TEXT}).status_code == 302
    handler.post(reverse("grievances:add_message", args=[case.pk]), {"text": "canary-msg which floor?"})
    seq = case.entries.get(kind="to_reporter").seq
    handler.post(url, {"entry": str(seq), "language": "en", "text": "canary-msg-translated which floor"})
    assert Translation.objects.filter(case=case).count() == 2
    page = handler.get(reverse("grievances:detail", args=[case.pk])).content.decode()
    assert TRANSLATION_TEXT in page and "canary-msg-translated which floor" in page
    assert "Translation (bn)" in page
    dump = dump_everything()
    assert TRANSLATION_TEXT.encode() not in dump and b"canary-msg-translated" not in dump
    event = AuditEvent.objects.filter(action="grievances.case.translation").latest("seq")
    assert event.summary == {"language": "en", "entry": seq}
    # Locked, or an entry without text, or a made-up language: nothing stored.
    client_for(gw.grievance_handler).post(url, {"entry": "0", "language": "bn", "text": "x"})
    handler.post(url, {"entry": "1", "language": "en", "text": "x"})  # the "received" stage entry
    handler.post(url, {"entry": "0", "language": "xx", "text": "x"})
    assert Translation.objects.filter(case=case).count() == 2


def test_translations_are_for_handlers_only(gw: World) -> None:
    case = gw.extras["case"]
    url = reverse("grievances:add_translation", args=[case.pk])
    data = {"entry": "0", "language": "en", "text": "probe"}
    assert client_for(gw.admin_a).post(url, data).status_code == 403  # routed member: redacted view
    assert client_for(gw.admin_b).post(url, data).status_code == 404  # not linked to the site
    assert client_for(gw.supplier_admin).post(url, data).status_code == 404
    assert not Translation.objects.exists()

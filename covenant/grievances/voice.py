"""The voice channel: a telephony provider's webhook answered with TwiML.

A call goes: language menu (keypad) → the mechanism's rules, spoken in that language → may we
call you back (1/2) → the caller records what happened → the recording becomes a case (channel
``voice``), stored encrypted like a photo, and the receipt is read out, digit by digit, twice.

Every step is one signed POST to the same URL; the step and what was chosen so far travel in
its query string, which the provider signs with the rest (``X-Twilio-Signature``), so nothing
is kept between steps and no conversation row exists. The caller's number is never stored:
it goes into the case's encrypted content only if the caller pressed 1 to be called back.
The step that files the case refuses a recording id it has seen before (a keyed hash, like
the SMS message ids), so a replayed callback cannot file a case twice.

The recording arrives either as the provider's ``RecordingUrl``, fetched here (only from
``GRIEVANCE_VOICE_RECORDING_PREFIXES``, at most ``GRIEVANCE_VOICE_MAX_BYTES`` within
``GRIEVANCE_VOICE_FETCH_TIMEOUT`` seconds), or posted with the callback as a file named
``Recording`` together with its SHA-256 in the signed field ``RecordingSha256`` (gateways
that push the audio, the tests and the load test).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import urllib.request
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from covenant.core.actors import Actor
from covenant.grievances import crypto, dialogue, services, webhooks
from covenant.grievances.models import Channel, Mechanism, Topic

log = logging.getLogger(__name__)

MAX_FORM_BYTES = 256 * 1024
MENU_TRIES = 3


# --- Signatures -------------------------------------------------------------------------------


def signature_ok(request: HttpRequest) -> bool:
    """The provider's signature over the URL (query string included) and the form fields."""
    token = settings.GRIEVANCE_VOICE_AUTH_TOKEN
    given = request.headers.get("X-Twilio-Signature", "")
    if not token or not given:
        return False
    params = {k: request.POST.get(k, "") for k in request.POST}
    return any(
        hmac.compare_digest(webhooks.twilio_signature(token, url, params), given) for url in webhooks._sms_urls(request)
    )


# --- TwiML ------------------------------------------------------------------------------------


def _locale(lang: str) -> str:
    return str(settings.GRIEVANCE_VOICE_LOCALES.get(lang, "en-GB"))


def _say(text: str, lang: str) -> str:
    return f"<Say language={quoteattr(_locale(lang))}>{escape(text)}</Say>"


def _url(**query: str | int) -> str:
    return reverse("grievances:voice_webhook") + ("?" + urlencode(query) if query else "")


def _twiml(*verbs: str) -> HttpResponse:
    body = '<?xml version="1.0" encoding="UTF-8"?><Response>' + "".join(verbs) + "</Response>"
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def _unavailable() -> HttpResponse:
    return _twiml(_say("This service is not available at the moment.", "en"), "<Hangup/>")


def spoken_receipt(receipt: str) -> str:
    """Digits one by one, groups of four apart, so text-to-speech reads no large numbers."""
    return ", ".join(" ".join(receipt[i : i + 4]) for i in range(0, len(receipt), 4))


def _menu(tries: int) -> HttpResponse:
    if tries >= MENU_TRIES:
        return _twiml("<Hangup/>")
    prompts = []
    for number, (code, name) in enumerate(settings.GRIEVANCE_LANGUAGES, start=1):
        with translation.override(code):
            prompts.append(_say(_("For %(language)s, press %(number)s.") % {"language": name, "number": number}, code))
    # Two digits at most (there are 12 languages): a single digit is taken after the timeout.
    gather = (
        f'<Gather input="dtmf" numDigits="2" timeout="4" finishOnKey="#" method="POST"'
        f" action={quoteattr(_url(step='language', tries=tries))}>{''.join(prompts)}</Gather>"
    )
    return _twiml(gather, f'<Redirect method="POST">{escape(_url(tries=tries + 1))}</Redirect>')


def _rules(mechanism: Mechanism) -> list[str]:
    """The rules of procedure in short, reusing the rules page's sentences (same translations)."""
    return [
        _("This is the complaints line of %(name)s.") % {"name": mechanism.name},
        _("We receive complaints about workplaces. You do not have to give your name."),
        _("We confirm that we received your complaint within %(days)s days.") % {"days": mechanism.acknowledge_days},
        _("We tell you what we did and what we will do within %(days)s days.") % {"days": mechanism.feedback_days},
        _(
            "Your report is locked with its own key. Only the people who handle complaints can open it. "
            "The companies that buy from your workplace see only the topic, the workplace and the stage. "
            "The handlers share more with them only when it is needed to put things right, and never your "
            "name or contact details. We never tell your employer who you are."
        ),
        _(
            "Nobody may punish you for complaining. If you fear this or it happens, tell us: we will act "
            "to protect you, and our members will hold the workplace to account."
        ),
    ]


def _language_chosen(mechanism: Mechanism, digits: str, tries: int) -> HttpResponse:
    codes = [code for code, _name in settings.GRIEVANCE_LANGUAGES]
    choice = crypto.normalize_digits(digits.strip())
    if not (choice.isdigit() and 1 <= int(choice) <= len(codes)):
        return _menu(tries + 1)
    lang = codes[int(choice) - 1]
    with translation.override(lang):
        ask = _("May we call you back on this number? Press 1 for yes, 2 for no.")
        gather = (
            f'<Gather input="dtmf" numDigits="1" timeout="6" method="POST"'
            f" action={quoteattr(_url(step='contact', lang=lang))}>{_say(ask, lang)}</Gather>"
        )
        spoken = "".join(_say(text, lang) for text in _rules(mechanism))
    # No key pressed: anonymous (no call back), and on to the recording.
    return _twiml(spoken, gather, f'<Redirect method="POST">{escape(_url(step="contact", lang=lang))}</Redirect>')


def _record(lang: str, digits: str) -> HttpResponse:
    contact = "1" if crypto.normalize_digits(digits.strip()) == "1" else "0"
    with translation.override(lang):
        prompt = _(
            "After the tone, tell us what happened: when, where, and who was involved. "
            "Press the hash key when you are done."
        )
        nothing = _("We did not hear anything. Please call again.")
    record = (
        f'<Record method="POST" playBeep="true" finishOnKey="#" timeout="10"'
        f' maxLength="{int(settings.GRIEVANCE_VOICE_MAX_SECONDS)}"'
        f" action={quoteattr(_url(step='recording', lang=lang, contact=contact))}/>"
    )
    # The provider goes on past <Record> only when nothing was recorded.
    return _twiml(_say(prompt, lang), record, _say(nothing, lang), "<Hangup/>")


# --- The recording ----------------------------------------------------------------------------


class RecordingUnavailable(Exception):
    """The audio could not be had: not posted, not from an allowed address, too large, or late."""


def fetch_recording(url: str) -> bytes:
    """Download the provider's recording, within the size limit and the timeout."""
    allowed = any(url.startswith(prefix) for prefix in settings.GRIEVANCE_VOICE_RECORDING_PREFIXES)
    if not allowed or not url.startswith(("https://", "http://")):
        raise RecordingUnavailable("recording URL not allowed")
    request = urllib.request.Request(url)  # noqa: S310 (http(s) from the configured prefixes only)
    sid, token = settings.GRIEVANCE_VOICE_ACCOUNT_SID, settings.GRIEVANCE_VOICE_AUTH_TOKEN
    if sid:
        credentials = base64.b64encode(f"{sid}:{token}".encode()).decode()
        request.add_header("Authorization", f"Basic {credentials}")
    limit = int(settings.GRIEVANCE_VOICE_MAX_BYTES)
    try:
        with urllib.request.urlopen(request, timeout=settings.GRIEVANCE_VOICE_FETCH_TIMEOUT) as response:  # noqa: S310
            data = response.read(limit + 1)
    except OSError as exc:
        raise RecordingUnavailable(type(exc).__name__) from exc
    if len(data) > limit:
        raise RecordingUnavailable("recording too large")
    return bytes(data)


def _posted_recording(request: HttpRequest) -> bytes | None:
    upload = request.FILES.get("Recording")
    if upload is None:
        return None
    limit = int(settings.GRIEVANCE_VOICE_MAX_BYTES)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise RecordingUnavailable("recording too large")
    # The file is not covered by the form signature; its digest, a signed field, is.
    expected = request.POST.get("RecordingSha256", "")
    if not expected or not hmac.compare_digest(hashlib.sha256(data).hexdigest(), expected.lower()):
        raise RecordingUnavailable("recording digest does not match")
    return bytes(data)


def _file_case(request: HttpRequest, mechanism: Mechanism, lang: str, contact: bool) -> HttpResponse:
    recording_id = request.POST.get("RecordingSid", "") or request.POST.get("CallSid", "")
    caller = request.POST.get("From", "")
    if not recording_id:
        return webhooks._refuse(400, "RecordingSid is required")
    with translation.override(lang):
        failed = _twiml(_say(_("We could not keep your recording. Please call again."), lang), "<Hangup/>")
    try:
        audio = _posted_recording(request)
        if audio is None:
            url = request.POST.get("RecordingUrl", "")
            if not url:
                return webhooks._refuse(400, "RecordingUrl or Recording is required")
            audio = fetch_recording(url)
    except RecordingUnavailable as exc:
        log.warning("Voice recording not received: %s", exc)
        return failed
    try:
        with transaction.atomic():
            if not webhooks._first_time("voice", recording_id):
                return webhooks._refuse(409, "This recording was already received")
            submitted = services.submit(
                Actor.anonymous(),
                services.Intake(
                    mechanism=mechanism,
                    channel=Channel.VOICE,
                    language=lang,
                    what="",
                    topics=[Topic.OTHER],
                    contact=f"voice: {caller}" if contact and caller else "",
                    recordings=[audio],
                ),
            )
    except (ValueError, ValidationError) as exc:
        log.warning("Voice recording refused: %s", type(exc).__name__)
        return failed
    spoken = spoken_receipt(submitted.receipt)
    with translation.override(lang):
        thanks = _(
            "Thank you. We received your report. Your receipt number is %(receipt)s. Keep it secret. "
            "Enter it on our website, or send it to our SMS number, to read our answers."
        ) % {"receipt": spoken}
        again = _("Once more, your receipt number is %(receipt)s.") % {"receipt": spoken}
    return _twiml(_say(thanks, lang), _say(again, lang), "<Hangup/>")


# --- The webhook ------------------------------------------------------------------------------


@csrf_exempt
@require_POST
def call(request: HttpRequest) -> HttpResponse:
    length = int(request.headers.get("Content-Length") or 0)
    if length > int(settings.GRIEVANCE_VOICE_MAX_BYTES) + MAX_FORM_BYTES:
        return webhooks._refuse(413, "Too large")
    if not signature_ok(request):
        return webhooks._refuse(403, "Bad or missing signature")
    mechanism = dialogue.phone_mechanism()
    if mechanism is None:
        return _unavailable()
    step = request.GET.get("step", "")
    lang = request.GET.get("lang", "")
    if step in {"contact", "recording"} and lang not in dict(settings.GRIEVANCE_LANGUAGES):
        step = ""
    try:
        tries = max(0, int(request.GET.get("tries", "0")))
    except ValueError:
        tries = 0
    if step == "language":
        return _language_chosen(mechanism, request.POST.get("Digits", ""), tries)
    if step == "contact":
        return _record(lang, request.POST.get("Digits", ""))
    if step == "recording":
        return _file_case(request, mechanism, lang, request.GET.get("contact") == "1")
    return _menu(tries)

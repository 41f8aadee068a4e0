"""The guided SMS / WhatsApp dialogue: language, workplace, what happened, contact? → a case and a receipt.

Nothing here stores a phone number or a message in the clear. A conversation is found by
an HMAC of the channel and the sender's number; what was said so far is encrypted under a
key derived from the server secret *and* the number, so the database alone can neither
find out who is talking nor read what they said. A conversation left for a day is dropped
(``covenant purge-grievances``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from covenant.core.actors import Actor
from covenant.grievances import crypto, public, services
from covenant.grievances.models import Conversation, Mechanism, Topic
from covenant.matching import Record
from covenant.registry.interface import facility_by_public_id, matcher

CANCEL_WORDS = {"stop", "cancel", "0"}
MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class Reply:
    text: str


def phone_mechanism() -> Mechanism | None:
    slug = getattr(settings, "GRIEVANCE_PHONE_MECHANISM", "")
    qs = Mechanism.objects.filter(is_open=True)
    return (qs.filter(slug=slug) if slug else qs.order_by("pk")).first()


def _conversation_key(channel: str, sender: str) -> str:
    return crypto.keyed_hash(services.server_secret(), f"conversation:{channel}", sender)


def _state_key(channel: str, sender: str) -> bytes:
    return crypto.derived_key(services.server_secret(), f"conversation-state:{channel}", sender)


def _load(channel: str, sender: str) -> tuple[Conversation | None, dict[str, str]]:
    key = _conversation_key(channel, sender)
    conversation = Conversation.objects.select_for_update().filter(key=key).first()
    if conversation is None:
        return None, {}
    try:
        raw = crypto.decrypt(_state_key(channel, sender), bytes(conversation.state_enc), key.encode())
        return conversation, json.loads(raw)
    except (crypto.DecryptionError, ValueError):
        conversation.delete()
        return None, {}


def _save(channel: str, sender: str, conversation: Conversation | None, state: dict[str, str]) -> None:
    key = _conversation_key(channel, sender)
    blob = crypto.encrypt(_state_key(channel, sender), json.dumps(state, ensure_ascii=False).encode(), key.encode())
    if conversation is None:
        Conversation.objects.create(
            key=key, channel=channel, step=state["step"], state_enc=blob, updated_on=timezone.localdate()
        )
    else:
        conversation.step = state["step"]
        conversation.state_enc = blob
        conversation.updated_on = timezone.localdate()
        conversation.save(update_fields=["step", "state_enc", "updated_on"])


def language_menu() -> str:
    lines = ["Reply with a number / Responda con un número / উত্তর দিন একটি সংখ্যা দিয়ে / أرسل رقمًا:"]
    lines += [f"{i}. {name}" for i, (_code, name) in enumerate(settings.GRIEVANCE_LANGUAGES, start=1)]
    return "\n".join(lines)


def _pick_language(text: str) -> str | None:
    codes = [code for code, _name in settings.GRIEVANCE_LANGUAGES]
    choice = crypto.normalize_digits(text.strip())
    if choice.isdigit() and 1 <= int(choice) <= len(codes):
        return codes[int(choice) - 1]
    lowered = text.strip().lower()
    for code, name in settings.GRIEVANCE_LANGUAGES:
        if lowered in {code, name.lower()}:
            return code
    return None


def _workplace_prompt() -> str:
    return _("Where do you work? Send the site number from the poster at work, or the name and town of the workplace.")


def _status_reply(opened: services.Opened) -> str:
    case = opened.case
    lines = [_("Your report: %(stage)s") % {"stage": case.get_stage_display()}]
    last = case.entries.filter(kind="to_reporter").order_by("-seq").first()
    if last is not None:
        lines.append(_("Our last message: %(text)s") % {"text": services.entry_body(last, opened.key)})
    if opened.new_receipt:
        lines.append(
            _("Your receipt number has changed. The old number no longer works. Your new number: %(receipt)s")
            % {"receipt": crypto.format_receipt(opened.new_receipt)}
        )
    return "\n".join(lines)


def handle(channel: str, sender: str, text: str) -> Reply:
    """One incoming message from ``sender`` (a phone number, never stored) → the reply to send."""
    text = (text or "").replace("\x00", "").strip()[:MAX_MESSAGE_CHARS]
    mechanism = phone_mechanism()
    if mechanism is None:
        return Reply("This service is not available at the moment.")
    with transaction.atomic():
        conversation, state = _load(channel, sender)
        lang = state.get("lang", "en")
        with translation.override(lang):
            return _step(channel, sender, text, mechanism, conversation, state)


def _step(
    channel: str,
    sender: str,
    text: str,
    mechanism: Mechanism,
    conversation: Conversation | None,
    state: dict[str, str],
) -> Reply:
    if text.lower() in CANCEL_WORDS and conversation is not None:
        conversation.delete()
        return Reply(_("We stopped. Nothing was sent. Write to us again at any time."))
    if conversation is None:
        receipt = crypto.normalize_receipt(text)
        if receipt is not None:
            # Follow-up by text message: the receipt opens the case like on the website.
            source = _conversation_key(channel, sender)
            try:
                opened = services.open_case(receipt, source)
            except services.Throttled:
                return Reply(_("Too many tries. Please wait one hour and try again."))
            if opened is None:
                return Reply(_("We could not open a report with this number. Check the 16 digits and try again."))
            return Reply(_status_reply(opened))
        _save(channel, sender, None, {"step": "language"})
        return Reply(language_menu())
    step = state.get("step")
    if step == "language":
        lang = _pick_language(text)
        if lang is None:
            return Reply(language_menu())
        state.update(step="workplace", lang=lang)
        _save(channel, sender, conversation, state)
        with translation.override(lang):
            intro = _("We receive complaints about workplaces. You do not have to give your name.")
            return Reply(f"{intro}\n{_workplace_prompt()}")
    if step == "workplace":
        if not text:
            return Reply(_workplace_prompt())
        facility = facility_by_public_id(text)
        if facility is None:
            matches = public.find_workplaces(text, "", limit=1)
            facility = matches[0] if matches and _confident(text, matches[0].public_id) else None
        state.update(step="what", workplace="" if facility else text, facility=facility.public_id if facility else "")
        _save(channel, sender, conversation, state)
        return Reply(_("What happened? Tell us in one message: when, where, who was involved."))
    if step == "what":
        if not text:
            return Reply(_("What happened? Tell us in one message: when, where, who was involved."))
        state.update(step="contact", what=text)
        _save(channel, sender, conversation, state)
        return Reply(_("May we contact you on this number? Reply 1 for yes, 2 for no."))
    if step == "contact":
        choice = crypto.normalize_digits(text)
        if choice not in {"1", "2"}:
            return Reply(_("May we contact you on this number? Reply 1 for yes, 2 for no."))
        facility = facility_by_public_id(state.get("facility", "")) if state.get("facility") else None
        try:
            submitted = services.submit(
                Actor.anonymous(),
                services.Intake(
                    mechanism=mechanism,
                    channel=channel,
                    language=state.get("lang", "en"),
                    what=state.get("what", ""),
                    topics=[Topic.OTHER],
                    facility=facility,
                    workplace=state.get("workplace", ""),
                    contact=f"{channel}: {sender}" if choice == "1" else "",
                ),
            )
        except ValidationError as exc:
            return Reply(" ".join(exc.messages))
        conversation.delete()
        return Reply(
            _(
                "Thank you. We received your report. Your receipt number is %(receipt)s. Keep it secret. "
                "Send it to this number, or enter it on our website, to read our answers."
            )
            % {"receipt": crypto.format_receipt(submitted.receipt)}
        )
    conversation.delete()
    _save(channel, sender, None, {"step": "language"})
    return Reply(language_menu())


def _confident(text: str, public_id: str) -> bool:
    result = matcher().match(Record(id="query", name=text[:200]))
    return result.decision == "match" and result.registry_id == public_id


def drop_stale_conversations(days: int = 1) -> int:
    cutoff = timezone.localdate() - timedelta(days=days)
    deleted, _per_model = Conversation.objects.filter(updated_on__lt=cutoff).delete()
    return deleted

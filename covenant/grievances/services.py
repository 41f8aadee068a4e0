"""Writes of the grievance mechanism: intake, follow-up by receipt, handling and remedy.

Every function validates first (photos are re-encoded before anything is written),
writes in one transaction, and removes any file it wrote if the transaction fails, so bad
input leaves nothing behind. Handlers' actions append audit events whose summaries carry
codes and counts only, never what anyone wrote. What reporters do (a report, a reply, a
satisfaction answer, a receipt change) appends none: the event's timestamp would tell the
secretariat's administrators the time of day a worker acted. The case history keeps dates.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from covenant.core import audit as trail
from covenant.core.actors import Actor
from covenant.core.errors import Conflict
from covenant.core.throttle import bump
from covenant.core.throttle import throttle_cache as cache
from covenant.grievances import crypto, files
from covenant.grievances.evidence import SOURCE as EVIDENCE_SOURCE
from covenant.grievances.evidence import refresh_case_signals
from covenant.grievances.models import (
    STAGE_FLOW,
    URGENT_TOPICS,
    Attachment,
    Case,
    CaseEntry,
    CaseRecipient,
    Channel,
    EntryKind,
    Mechanism,
    OrgKey,
    Outcome,
    Participation,
    ParticipationRole,
    Remedy,
    RemedyType,
    Satisfaction,
    Stage,
    Topic,
    Translation,
)
from covenant.orgs.models import Membership, Organisation, OrgKind, Role
from covenant.registry.interface import Facility, active_links, search_facilities
from covenant.risk.interface import clear_signals

log = logging.getLogger(__name__)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# --- Secrets ---------------------------------------------------------------------------------


def server_secret() -> bytes:
    configured = getattr(settings, "GRIEVANCE_SECRET", "")
    if configured:
        return str(configured).encode()
    return crypto.derived_key(settings.SECRET_KEY.encode(), "grievance-secret", "v1")


def _receipt_keys(receipt: str) -> crypto.ReceiptKeys:
    return crypto.derive_receipt_keys(receipt, crypto.receipt_salt(server_secret()))


def _aad(case: Case | Any, part: str) -> bytes:
    return f"case:{case.pk}:{part}".encode()


def seal_text(case: Case, key: bytes, part: str, text: str) -> bytes:
    return crypto.encrypt(key, text.encode("utf-8"), _aad(case, part))


def open_text(case: Case, key: bytes, part: str, blob: bytes | memoryview | None) -> str:
    if blob is None:
        return ""
    return crypto.decrypt(key, bytes(blob), _aad(case, part)).decode("utf-8")


# --- Organisation keys ----------------------------------------------------------------------


def _passphrase_limits() -> tuple[int, int]:
    ops, mem = settings.GRIEVANCE_PASSPHRASE_LIMITS
    return int(ops), int(mem)


def _may_hold_key(actor: Actor) -> Organisation:
    org = actor.require_org()
    if org.kind in (OrgKind.SECRETARIAT, OrgKind.CSO):
        if actor.role != Role.GRIEVANCE_HANDLER:
            raise PermissionDenied(_("Only grievance handlers may do this."))
    elif org.kind in (OrgKind.MEMBER, OrgKind.SUPPLIER):
        # A supplier holds a key to read the remediation of cases shared with it (see share_with_supplier).
        actor.require_admin()
    else:
        raise PermissionDenied(_("Your organisation does not receive grievances."))
    return org


def set_up_key(actor: Actor, passphrase: str) -> str:
    """Create the organisation's key pair; returns the recovery key, to be shown once."""
    org = _may_hold_key(actor)
    if len(passphrase) < 12:
        raise ValidationError(_("Choose a passphrase of at least 12 characters."))
    if OrgKey.objects.filter(org=org).exists():
        raise Conflict(_("Your organisation already has a key. Use the recovery key to set a new passphrase."))
    ops, mem = _passphrase_limits()
    keys = crypto.new_org_keys(passphrase, opslimit=ops, memlimit=mem)
    with transaction.atomic():
        OrgKey.objects.create(
            org=org,
            public_key=keys.public_key,
            private_by_passphrase=keys.by_passphrase,
            private_by_recovery=keys.by_recovery,
        )
        trail.record(actor, "grievances.key.created", object_type="grievances.orgkey", object_id=str(org.pk))
        if org.kind == OrgKind.SECRETARIAT:
            # The secretariat's first handler key opens the initiative's mechanism: before it,
            # nobody could read a case, so there was nothing to publish.
            _open_mechanism(actor, org)
    return keys.recovery_key


def default_mechanism_name(secretariat_name: str) -> str:
    """The name a mechanism opens with, for the staff pages; the public pages show it translated."""
    return f"{secretariat_name}: grievances"


def _open_mechanism(actor: Actor, secretariat: Organisation) -> Mechanism:
    found = Mechanism.objects.filter(secretariat=secretariat).first()
    if found is not None:
        return found
    base = slugify(secretariat.name)[:70] or "sector"
    slug, n = base, 1
    while Mechanism.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    mechanism = Mechanism.objects.create(
        secretariat=secretariat, slug=slug, name=default_mechanism_name(secretariat.name)
    )
    trail.record(actor, "grievances.mechanism.opened", obj=mechanism, org_id=secretariat.pk, summary={"slug": slug})
    return mechanism


def _own_key(org: Organisation) -> OrgKey:
    key = OrgKey.objects.filter(org=org).first()
    if key is None:
        raise ValidationError(_("Your organisation has no key yet."))
    return key


def unlock_key(actor: Actor, passphrase: str) -> bytes:
    org = _may_hold_key(actor)
    key = _own_key(org)
    try:
        private = crypto.unwrap_with_passphrase(bytes(key.private_by_passphrase), passphrase)
    except crypto.DecryptionError as exc:
        with transaction.atomic():
            trail.record(actor, "grievances.key.unlock_failed", object_type="grievances.orgkey", object_id=str(org.pk))
        raise ValidationError(_("That passphrase does not open your organisation's key.")) from exc
    return private


def recover_key(actor: Actor, recovery_key: str, new_passphrase: str) -> str:
    """The documented recovery path: the recovery key sets a new passphrase, and is replaced."""
    org = _may_hold_key(actor)
    if len(new_passphrase) < 12:
        raise ValidationError(_("Choose a passphrase of at least 12 characters."))
    key = _own_key(org)
    try:
        private = crypto.unwrap_with_recovery_key(bytes(key.private_by_recovery), recovery_key)
    except crypto.DecryptionError as exc:
        raise ValidationError(_("That recovery key does not open your organisation's key.")) from exc
    ops, mem = _passphrase_limits()
    new_recovery = crypto.format_recovery_key(secrets.token_bytes(crypto.KEY_BYTES))
    with transaction.atomic():
        key.private_by_passphrase = crypto.wrap_with_passphrase(private, new_passphrase, opslimit=ops, memlimit=mem)
        key.private_by_recovery = crypto.wrap_with_recovery_key(private, new_recovery)
        key.save(update_fields=["private_by_passphrase", "private_by_recovery"])
        trail.record(actor, "grievances.key.recovered", object_type="grievances.orgkey", object_id=str(org.pk))
    return new_recovery


# --- Routing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    org: Organisation
    handler: bool


def handler_orgs(mechanism: Mechanism) -> list[Organisation]:
    co_handlers = Organisation.objects.filter(
        grievance_participation__mechanism=mechanism,
        grievance_participation__role=ParticipationRole.HANDLER,
        grievance_participation__active=True,
        is_active=True,
    )
    return [mechanism.secretariat, *co_handlers.exclude(pk=mechanism.secretariat_id)]


def routes_for(mechanism: Mechanism, facility: Facility | None) -> list[Route]:
    """The secretariat (and co-handlers), plus every taking-part member linked to the site."""
    routes = [Route(org, True) for org in handler_orgs(mechanism)]
    if facility is not None:
        linked = active_links().filter(facility=facility)
        members = Organisation.objects.filter(
            kind=OrgKind.MEMBER,
            is_active=True,
            pk__in=linked.values("org_id"),
            grievance_participation__mechanism=mechanism,
            grievance_participation__role=ParticipationRole.MEMBER,
            grievance_participation__active=True,
        ).order_by("pk")
        routes += [Route(org, False) for org in members]
    return routes


def set_participation(actor: Actor, mechanism: Mechanism, takes_part: bool) -> Participation:
    org = actor.require_kind(OrgKind.MEMBER)
    actor.require_admin()
    with transaction.atomic():
        participation, _created = Participation.objects.update_or_create(
            mechanism=mechanism, org=org, defaults={"role": ParticipationRole.MEMBER, "active": takes_part}
        )
        trail.record(actor, "grievances.participation.set", obj=participation, summary={"takes_part": takes_part})
    return participation


# --- Intake ----------------------------------------------------------------------------------


@dataclass
class Intake:
    mechanism: Mechanism
    channel: str
    language: str
    what: str
    topics: Sequence[str] = ()
    facility: Facility | None = None
    workplace: str = ""  # free text, when the site was not found
    contact: str = ""  # optional; empty means anonymous
    photos: Sequence[bytes] = field(default_factory=list)
    supplier_consent: bool = False  # the site's supplier may read what they wrote (default no)
    # Voice calls: the caller's recording (WAV or MP3), which stands for the text.
    recordings: Sequence[bytes] = field(default_factory=list)


@dataclass(frozen=True)
class Submitted:
    case: Case
    receipt: str


def _validate_text(text: str, *, required: bool = True) -> str:
    text = (text or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError(_("Please write what happened."))
    if len(text) > int(settings.GRIEVANCE_TEXT_MAX_CHARS):
        raise ValidationError(_("The text is too long. Please make it shorter."))
    return text


def _clean_photos(photos: Sequence[bytes]) -> list[tuple[bytes, str]]:
    if len(photos) > int(settings.GRIEVANCE_PHOTOS_MAX):
        raise ValidationError(_("Send at most %(n)s photos.") % {"n": settings.GRIEVANCE_PHOTOS_MAX})
    return [files.clean_photo(data) for data in photos]


def _new_reference() -> str:
    return "G-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _next_seq(case: Case) -> int:
    return int(case.entries.aggregate(m=Max("seq"))["m"] or 0) + 1


def _add_entry(
    case: Case,
    key: bytes | None,
    kind: str,
    *,
    body: str = "",
    actor: Actor | None = None,
    stage: str = "",
) -> CaseEntry:
    seq = _next_seq(case)
    entry = CaseEntry(
        case=case,
        seq=seq,
        kind=kind,
        stage=stage,
        author_org=actor.org if actor is not None else None,
        author=actor.user if actor is not None else None,
        created_on=timezone.localdate(),
    )
    if body:
        assert key is not None
        entry.body_enc = seal_text(case, key, f"entry:{seq}", body)
    entry.save(force_insert=True)
    return entry


def _store_photos(
    case: Case, key: bytes, photos: list[tuple[bytes, str]], entry: CaseEntry | None, written: list[str]
) -> None:
    for data, content_type in photos:
        attachment = Attachment(
            case=case, entry=entry, content_type=content_type, size=len(data), created_on=timezone.localdate()
        )
        blob = crypto.encrypt(key, data, _aad(case, f"attachment:{attachment.pk}"))
        attachment.path = files.write(blob)
        written.append(attachment.path)
        attachment.save(force_insert=True)


def _shred_all(names: list[str]) -> None:
    for name in names:
        files.shred(name)


def submit(actor: Actor, intake: Intake, *, receipt: str | None = None) -> Submitted:
    """File a case; returns it with its receipt (shown once, stored only as a hash).

    ``receipt`` is for the demo seeder only (a printed, fixed receipt); cases always get a
    random one otherwise.
    """
    if receipt is not None and crypto.normalize_receipt(receipt) != receipt:
        raise ValueError("A fixed receipt must be 16 digits")
    mechanism = intake.mechanism
    if not mechanism.is_open:
        raise ValidationError(_("This grievance mechanism is not taking cases at the moment."))
    if intake.channel not in Channel.values:
        raise ValidationError("Unknown channel.")
    if intake.channel == Channel.OPERATOR:
        org = actor.require_org()
        if actor.role != Role.GRIEVANCE_HANDLER or org.pk not in {o.pk for o in handler_orgs(mechanism)}:
            raise PermissionDenied(_("Only grievance handlers may enter a case for someone."))
    what = _validate_text(intake.what, required=not intake.recordings)
    workplace = _validate_text(intake.workplace, required=False)[:500]
    contact = _validate_text(intake.contact, required=False)[:500]
    topics = [t for t in dict.fromkeys(intake.topics) if t in Topic.values] or [Topic.OTHER]
    if intake.facility is None and not workplace and intake.channel == Channel.WEB:
        raise ValidationError(_("Please tell us the workplace: find it, give the site id, or write its name."))
    photos = _clean_photos(intake.photos) + [files.clean_recording(data) for data in intake.recordings]
    routes = routes_for(mechanism, intake.facility)
    keys = {k.org_id: bytes(k.public_key) for k in OrgKey.objects.filter(org__in=[r.org for r in routes])}
    if mechanism.secretariat_id not in keys:
        log.error("Grievance mechanism %s has no secretariat key: intake refused", mechanism.slug)
        raise ValidationError(_("This grievance mechanism is not taking cases at the moment."))

    case_key = crypto.new_key()
    today = timezone.localdate()
    content = json.dumps({"what": what, "workplace": workplace, "contact": contact}, ensure_ascii=False)
    written: list[str] = []
    fixed = receipt
    for _attempt in range(5):
        receipt = fixed or crypto.new_receipt()
        receipt_keys = _receipt_keys(receipt)
        case = Case(
            mechanism=mechanism,
            reference=_new_reference(),
            facility=intake.facility,
            country=intake.facility.country if intake.facility is not None else "",
            topics=topics,
            channel=intake.channel,
            language=intake.language[:8],
            anonymous=not contact,
            received_on=today,
            stage_since=today,
            receipt_lookup=receipt_keys.lookup.hex(),
            receipt_must_change=intake.channel == Channel.OPERATOR,
            urgent=bool(URGENT_TOPICS.intersection(topics)),
            supplier_consent=bool(intake.supplier_consent),
            box_public_key=crypto.case_box_public(case_key),
        )
        case.content_enc = seal_text(case, case_key, "content", content)
        case.receipt_wrapped_key = crypto.encrypt(receipt_keys.wrap_key, case_key, _aad(case, "receipt"))
        try:
            with transaction.atomic():
                case.save(force_insert=True)
                for route in routes:
                    sealed = None
                    if route.handler and route.org.pk in keys:
                        sealed = crypto.seal_to(keys[route.org.pk], case_key)
                    CaseRecipient.objects.create(case=case, org=route.org, handler=route.handler, sealed_key=sealed)
                entry = _add_entry(case, case_key, EntryKind.STAGE, stage=Stage.RECEIVED)
                _store_photos(case, case_key, photos, entry, written)
                # No audit event: its timestamp, readable by the secretariat's administrators,
                # would tell the time of day a worker reported (see docs/grievance-protocol.md).
        except IntegrityError:
            # A receipt or reference collision (vanishingly rare): try again with fresh ones.
            _shred_all(written)
            written.clear()
            continue
        except BaseException:
            _shred_all(written)
            raise
        # Handlers hear of new cases in the daily digest (send_reminders), not by an e-mail per
        # case: its time stamp, on mail servers too, would tell the time of day of the report.
        # Urgent ones are listed first at once, and alerted by send_urgent_alerts (batched).
        return Submitted(case=case, receipt=receipt)
    raise RuntimeError("Could not allocate a unique receipt")


# --- Follow-up by receipt ---------------------------------------------------------------------


class Throttled(Exception):
    """Too many tries; the reporter must wait (same answer whether a case exists or not)."""


@dataclass
class Opened:
    case: Case
    key: bytes
    new_receipt: str = ""  # set when an operator's receipt was just replaced


def _throttle_keys(receipt: str, source: str) -> tuple[str, str]:
    secret = server_secret()
    return (
        "grv:r:" + crypto.keyed_hash(secret, "throttle-receipt", receipt)[:40],
        "grv:s:" + crypto.keyed_hash(secret, "throttle-source", source)[:40],
    )


def _bump(key: str) -> int:
    return bump(key, timeout=3600, cache=cache)


def count_submission(source: str) -> None:
    """Count a new report from ``source`` (kept only as a keyed hash in the cache, for an
    hour); raises :class:`Throttled` past ``GRIEVANCE_SUBMISSIONS_PER_SOURCE``."""
    key = "grv:n:" + crypto.keyed_hash(server_secret(), "throttle-submissions", source)[:40]
    if _bump(key) > settings.GRIEVANCE_SUBMISSIONS_PER_SOURCE:
        raise Throttled


def device_token(receipt: str) -> str:
    """What a browser keeps once it has sent a report or opened a case (a cookie, see
    ``public.py``): proof that it knew this receipt before. A keyed hash of the receipt, so it
    neither reveals the receipt nor opens anything without it, and it vouches for no other."""
    return crypto.keyed_hash(server_secret(), "follow-up-device", receipt)[:32]


def _release(key: str) -> None:
    """Give back an attempt taken with ``_bump``."""
    try:
        left = int(cache.decr(key))
    except ValueError:  # forgotten meanwhile: nothing to give back
        return
    if left < 0:  # gone, and recreated by Redis's DECRBY without an expiry
        cache.delete(key)


def open_case(receipt_text: str, source: str, devices: Iterable[str] = ()) -> Opened | None:
    """Open a case with its receipt, or ``None``. ``source`` is any per-client value (it is
    only ever kept as a keyed hash in the cache, with an expiry). Always does one Argon2
    derivation, so an unknown receipt costs and answers the same as a wrong one.

    The source's limit counts failed look-ups. Its attempt is taken before the receipt is
    checked, so parallel requests, in any number of processes, cannot slip more guesses past
    the limit than it allows; a right receipt gives it back. ``devices``: the browser's
    ``device_token`` values. A receipt whose token the browser holds is not held to its
    address's limit (only to the receipt's own), so people behind one shared address keep
    their own case when someone else there has used up the address's tries; a token vouches
    only for its own receipt, so it lets nobody guess another."""
    receipt = crypto.normalize_receipt(receipt_text or "")
    receipt_key, source_key = _throttle_keys(receipt or "-", source)
    known_device = receipt is not None and any(
        hmac.compare_digest(device_token(receipt), token) for token in devices if isinstance(token, str)
    )
    if not known_device and _bump(source_key) > settings.GRIEVANCE_THROTTLE_PER_SOURCE:
        raise Throttled
    if receipt is not None and _bump(receipt_key) > settings.GRIEVANCE_THROTTLE_PER_RECEIPT:
        if not known_device:
            _release(source_key)  # refused before any guess was checked
        raise Throttled
    derived = _receipt_keys(receipt or "0" * crypto.RECEIPT_DIGITS)
    case = None
    if receipt is not None:
        case = Case.objects.select_related("mechanism", "facility").filter(receipt_lookup=derived.lookup.hex()).first()
    if case is not None:
        try:
            key = crypto.decrypt(derived.wrap_key, bytes(case.receipt_wrapped_key), _aad(case, "receipt"))
        except crypto.DecryptionError:
            case = None
    if case is None:
        if known_device:
            _bump(source_key)
        return None
    if not known_device:
        _release(source_key)
    opened = Opened(case=case, key=key)
    if case.receipt_must_change:
        opened.new_receipt = _replace_receipt(case, key)
    return opened


def _replace_receipt(case: Case, key: bytes) -> str:
    for _attempt in range(5):
        receipt = crypto.new_receipt()
        derived = _receipt_keys(receipt)
        try:
            with transaction.atomic():
                changed = Case.objects.filter(pk=case.pk, receipt_must_change=True).update(
                    receipt_lookup=derived.lookup.hex(),
                    receipt_wrapped_key=crypto.encrypt(derived.wrap_key, key, _aad(case, "receipt")),
                    receipt_must_change=False,
                )
        except IntegrityError:
            continue
        case.receipt_must_change = False
        return receipt if changed else ""
    raise RuntimeError("Could not allocate a unique receipt")


def reporter_reply(opened: Opened, text: str, photos: Sequence[bytes] = ()) -> CaseEntry:
    case, key = opened.case, opened.key
    body = _validate_text(text)
    cleaned = _clean_photos(photos)
    written: list[str] = []
    try:
        with transaction.atomic():
            Case.objects.select_for_update().filter(pk=case.pk).first()
            entry = _add_entry(case, key, EntryKind.FROM_REPORTER, body=body)
            _store_photos(case, key, cleaned, entry, written)
            # "New message" for every handler organisation until one of its handlers opens it.
            CaseRecipient.objects.filter(case=case, handler=True).update(unread=True)
    except BaseException:
        _shred_all(written)
        raise
    return entry


def reporter_satisfaction(opened: Opened, value: str) -> None:
    case = opened.case
    if value not in Satisfaction.values:
        raise ValidationError(_("Please choose an answer."))
    if case.stage != Stage.CLOSED:
        raise Conflict(_("You can answer this once the case is closed."))
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(satisfaction=value)
        case.satisfaction = value


# --- Handling --------------------------------------------------------------------------------


def case_key_for(actor: Actor, case: Case, private_key: bytes | None) -> bytes | None:
    """The case key, if the actor's organisation holds a sealed copy and its key is unlocked."""
    if private_key is None or actor.org is None:
        return None
    recipient = case.recipients.filter(org=actor.org).first()
    if recipient is None or recipient.sealed_key is None:
        return None
    if not recipient.handler and not recipient.full_access:
        return None
    try:
        return crypto.open_sealed(private_key, bytes(recipient.sealed_key))
    except crypto.DecryptionError:
        return None


def require_handler(actor: Actor, case: Case) -> CaseRecipient:
    org = actor.require_org()
    recipient = case.recipients.filter(org=org, handler=True).first()
    if recipient is None or actor.role != Role.GRIEVANCE_HANDLER or actor.read_only:
        raise PermissionDenied(_("Only the mechanism's grievance handlers may do this."))
    return recipient


def _event(actor: Actor, case: Case, action: str, **summary: Any) -> None:
    trail.record(
        actor,
        action,
        org_id=case.mechanism.secretariat_id,
        object_type="grievances.case",
        object_id=str(case.pk),
        object_repr=case.reference,
        summary=summary,
    )


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("mechanism").get(pk=case.pk)


def move_to(
    actor: Actor,
    case: Case,
    stage: str,
    key: bytes | None = None,
    *,
    reason: str = "",
    outcome: str = "",
    message: str = "",
) -> Case:
    """Move a case to its next stage (the flow in models.STAGE_FLOW). Closing takes an outcome
    and a message to the reporter (sealed like every message); see :func:`close_case`."""
    require_handler(actor, case)
    if stage not in Stage.values:
        raise ValidationError(_("Unknown stage."))
    if stage == Stage.CLOSED:
        if outcome not in Outcome.values:
            raise ValidationError(_("Choose the outcome of the case."))
        message = _validate_text(message, required=False)
        if not message:
            raise ValidationError(_("Write a message to the reporter: a case closes with one."))
        if key is None:
            raise ValidationError(_("Unlock your organisation's key first."))
    today = timezone.localdate()
    with transaction.atomic():
        locked = _lock(case)
        if stage not in STAGE_FLOW.get(locked.stage, ()):
            raise Conflict(
                _("A case at stage “%(from)s” cannot move to “%(to)s”.")
                % {"from": locked.get_stage_display(), "to": Stage(stage).label}
            )
        fields = ["stage", "stage_since"]
        if stage == Stage.ACKNOWLEDGED:
            locked.acknowledged_on = today
            fields.append("acknowledged_on")
        if locked.stage == Stage.ADMISSIBILITY:
            admissible = stage != Stage.CLOSED
            if not admissible:
                reason = _validate_text(reason, required=False)
                if not reason:
                    raise ValidationError(_("Give the reason why the case is not admissible."))
                if key is None:
                    raise ValidationError(_("Unlock your organisation's key to record the reason."))
                locked.inadmissible_reason_enc = seal_text(locked, key, "inadmissible", reason)
                fields.append("inadmissible_reason_enc")
            locked.admissible = admissible
            fields.append("admissible")
        if stage == Stage.CLOSED:
            locked.closed_on = today
            locked.outcome = outcome
            fields += ["closed_on", "outcome"]
        if stage == Stage.APPEAL:
            locked.closed_on = None
            locked.satisfaction = ""
            locked.outcome = ""
            fields += ["closed_on", "satisfaction", "outcome"]
        if locked.first_feedback_on is None and stage not in (Stage.ACKNOWLEDGED,):
            locked.first_feedback_on = today
            fields.append("first_feedback_on")
        locked.stage = stage
        locked.stage_since = today
        locked.save(update_fields=fields)
        if stage == Stage.CLOSED:
            _add_entry(locked, key, EntryKind.TO_REPORTER, body=message, actor=actor)
        _add_entry(locked, key, EntryKind.STAGE, actor=actor, stage=stage)
        if stage == Stage.CLOSED:
            _event(actor, locked, "grievances.case.stage", stage=stage, outcome=outcome)
        else:
            _event(actor, locked, "grievances.case.stage", stage=stage)
        # Admitted, closed or appealed: what the case tells its routed members' risk view.
        refresh_case_signals(locked)
    return locked


def close_case(actor: Actor, case: Case, key: bytes | None, outcome: str, message: str, *, reason: str = "") -> Case:
    """Close a case: only with an outcome and a message to the reporter (``reason`` when it
    closes as not admissible)."""
    return move_to(actor, case, Stage.CLOSED, key, reason=reason, outcome=outcome, message=message)


def mark_seen(actor: Actor, case: Case) -> None:
    """A handler opened the case with its content: its organisation's "new message" goes."""
    if actor.org is not None:
        CaseRecipient.objects.filter(case=case, org=actor.org, handler=True, unread=True).update(unread=False)


def acknowledge(actor: Actor, case: Case) -> Case:
    return move_to(actor, case, Stage.ACKNOWLEDGED)


def add_note(actor: Actor, case: Case, key: bytes | None, text: str) -> CaseEntry:
    require_handler(actor, case)
    body = _validate_text(text)
    if key is None:
        raise ValidationError(_("Unlock your organisation's key first."))
    with transaction.atomic():
        _lock(case)
        entry = _add_entry(case, key, EntryKind.NOTE, body=body, actor=actor)
        _event(actor, case, "grievances.case.note")
    return entry


def message_reporter(actor: Actor, case: Case, key: bytes | None, text: str) -> CaseEntry:
    require_handler(actor, case)
    body = _validate_text(text)
    if key is None:
        raise ValidationError(_("Unlock your organisation's key first."))
    with transaction.atomic():
        locked = _lock(case)
        entry = _add_entry(locked, key, EntryKind.TO_REPORTER, body=body, actor=actor)
        if locked.first_feedback_on is None:
            Case.objects.filter(pk=case.pk).update(first_feedback_on=timezone.localdate())
        _event(actor, case, "grievances.case.message")
    return entry


def assign(actor: Actor, case: Case, user_ids: Sequence[int]) -> None:
    require_handler(actor, case)
    handler_orgs_ids = case.recipients.filter(handler=True).values("org_id")
    users = list(
        Membership.objects.filter(org__in=handler_orgs_ids, role=Role.GRIEVANCE_HANDLER, user_id__in=user_ids)
        .values_list("user_id", flat=True)
        .distinct()
    )
    if len(set(users)) != len(set(user_ids)):
        raise ValidationError(_("Cases can only be assigned to the mechanism's grievance handlers."))
    with transaction.atomic():
        case.assigned_to.set(users)
        _event(actor, case, "grievances.case.assigned", handlers=len(users))


def set_retaliation(actor: Actor, case: Case, key: bytes | None, at_risk: bool, measures: str) -> None:
    require_handler(actor, case)
    measures = _validate_text(measures, required=False)
    if measures and key is None:
        raise ValidationError(_("Unlock your organisation's key first."))
    with transaction.atomic():
        locked = _lock(case)
        locked.retaliation_risk = at_risk
        locked.protective_measures_enc = seal_text(locked, key, "measures", measures) if measures and key else None
        locked.save(update_fields=["retaliation_risk", "protective_measures_enc"])
        _event(actor, case, "grievances.case.retaliation", at_risk=at_risk)


@dataclass
class RemedyInput:
    type: str
    amount: Decimal | None = None
    currency: str = ""
    female: int | None = None  # None: not recorded
    male: int | None = None
    other: int | None = None
    implemented: bool = False
    description: str = ""


def record_remedy(actor: Actor, case: Case, key: bytes | None, data: RemedyInput) -> Remedy:
    require_handler(actor, case)
    if data.type not in RemedyType.values:
        raise ValidationError(_("Choose a type of remedy."))
    if data.type == RemedyType.BACK_PAY and (data.amount is None or data.amount <= 0):
        raise ValidationError(_("Give the amount of back pay."))
    if data.amount is not None and data.amount < 0:
        raise ValidationError(_("An amount cannot be negative."))
    if any(n is not None and n < 0 for n in (data.female, data.male, data.other)):
        raise ValidationError(_("Numbers of people cannot be negative."))
    description = _validate_text(data.description, required=False)
    if description and key is None:
        raise ValidationError(_("Unlock your organisation's key first."))
    with transaction.atomic():
        locked = _lock(case)
        remedy = Remedy(
            case=locked,
            type=data.type,
            amount=data.amount,
            currency=data.currency.upper()[:3],
            beneficiaries_female=data.female,
            beneficiaries_male=data.male,
            beneficiaries_other=data.other,
            implemented=data.implemented,
            recorded_on=timezone.localdate(),
        )
        remedy.save()
        if description and key is not None:
            remedy.description_enc = seal_text(locked, key, f"remedy:{remedy.pk}", description)
            remedy.save(update_fields=["description_enc"])
        _add_entry(locked, None, EntryKind.REMEDY, actor=actor)
        _event(actor, locked, "grievances.case.remedy", type=data.type, beneficiaries=remedy.beneficiaries)
    return remedy


def grant_full_access(actor: Actor, case: Case, key: bytes | None, org: Organisation) -> None:
    """Give a routed member the full case: seal the case key to its public key."""
    require_handler(actor, case)
    recipient = case.recipients.filter(org=org, handler=False, supplier=False).first()
    if recipient is None:
        raise ValidationError(_("This organisation did not receive the case."))
    org_key = OrgKey.objects.filter(org=org).first()
    if org_key is None:
        raise ValidationError(_("This member has not set up its grievance key yet."))
    if key is None:
        raise ValidationError(_("Unlock your organisation's key first."))
    with transaction.atomic():
        recipient.full_access = True
        recipient.sealed_key = crypto.seal_to(bytes(org_key.public_key), key)
        recipient.save(update_fields=["full_access", "sealed_key"])
        _event(actor, case, "grievances.case.full_access", member=org.pk)


# --- Linking to a site, urgency -------------------------------------------------------------


def _reroute(case: Case, key: bytes, facility: Facility) -> tuple[int, int]:
    """Route ``case`` as :func:`submit` routes a case filed with ``facility`` (``routes_for``):
    new handler organisations get the case key sealed to them, members linked to the new site
    get the redacted view, and members routed for another site lose the case. Returns the
    numbers of members added and removed."""
    routes = routes_for(case.mechanism, facility)
    wanted = {route.org.pk for route in routes}
    existing = {r.org_id: r for r in case.recipients.all()}
    gone = [org_id for org_id, r in existing.items() if not r.handler and org_id not in wanted]
    case.recipients.filter(org_id__in=gone).delete()
    keys = {k.org_id: bytes(k.public_key) for k in OrgKey.objects.filter(org__in=[r.org for r in routes])}
    added = 0
    for route in routes:
        if route.org.pk in existing:
            continue
        sealed = crypto.seal_to(keys[route.org.pk], key) if route.handler and route.org.pk in keys else None
        CaseRecipient.objects.create(case=case, org=route.org, handler=route.handler, sealed_key=sealed)
        added += 0 if route.handler else 1
    return added, len(gone)


def link_case_to_site(actor: Actor, case: Case, key: bytes | None, facility: Facility, reason: str) -> Case:
    """Link a case to a register site, or re-route it to another one: routing then follows as
    for a case filed with that site. The reason is sealed into the case as an internal note;
    the audit event names the site and counts members, never what anyone wrote."""
    require_handler(actor, case)
    reason = _validate_text(reason, required=False)
    if not reason:
        raise ValidationError(_("Give the reason for linking the case to this site."))
    if key is None:
        raise ValidationError(_("Unlock your organisation's key first."))
    if not search_facilities(actor).filter(pk=facility.pk).exists():
        raise ValidationError(_("We do not know this site id. Check it, or write the name of the workplace."))
    with transaction.atomic():
        locked = _lock(case)
        previous = locked.facility
        if previous is not None and previous.pk == facility.pk:
            raise Conflict(_("The case is already about this site."))
        locked.facility = facility
        locked.country = facility.country or locked.country
        locked.save(update_fields=["facility", "country"])
        added, removed = _reroute(locked, key, facility)
        refresh_case_signals(locked)  # its risk signals follow it to the site, for the members now routed
        _add_entry(locked, key, EntryKind.NOTE, body=reason, actor=actor)
        _event(
            actor,
            locked,
            "grievances.case.rerouted" if previous is not None else "grievances.case.linked",
            site=facility.public_id,
            previous_site=previous.public_id if previous is not None else "",
            members_added=added,
            members_removed=removed,
        )
    # Members newly routed learn of the case as they do of a new one: it appears in their list.
    return locked


def _handler_emails(mechanism: Mechanism) -> list[str]:
    return list(
        Membership.objects.filter(
            org__in=[o.pk for o in handler_orgs(mechanism)], role=Role.GRIEVANCE_HANDLER, user__is_active=True
        )
        .values_list("user__email", flat=True)
        .distinct()
    )


def _alert_urgent(mechanism: Mechanism, references: list[str]) -> bool:
    """E-mail the handlers the references of urgent cases: "urgent" and references, never content."""
    to = _handler_emails(mechanism)
    if not to or not references:
        return False
    send_mail(
        _("Grievances: %(n)s urgent case(s)") % {"n": len(references)},
        _("Urgent cases to handle first: %(refs)s") % {"refs": ", ".join(sorted(references))}
        + f"\n\n{settings.SITE_URL}/grievances/?show=urgent",
        None,
        to,
        fail_silently=True,
    )
    return True


def set_urgent(actor: Actor, case: Case, key: bytes | None, urgent: bool, reason: str) -> Case:
    """A handler triages a case urgent (or not), with a reason sealed as an internal note.
    Marking it urgent alerts the handlers at once (after commit): a handler's act, whose time
    the audit trail keeps anyway, so the alert reveals nothing about the reporter."""
    require_handler(actor, case)
    reason = _validate_text(reason, required=False)
    if not reason:
        raise ValidationError(_("Give the reason for the change of urgency."))
    if key is None:
        raise ValidationError(_("Unlock your organisation's key first."))
    with transaction.atomic():
        locked = _lock(case)
        if locked.urgent == urgent:
            raise Conflict(_("Nothing to change."))
        locked.urgent = urgent
        alert = urgent and locked.stage != Stage.CLOSED
        if alert:
            locked.urgent_alerted_on = timezone.localdate()
        locked.save(update_fields=["urgent", "urgent_alerted_on"])
        _add_entry(locked, key, EntryKind.NOTE, body=reason, actor=actor)
        _event(actor, locked, "grievances.case.urgent", urgent=urgent)
        if alert:
            mechanism, reference = locked.mechanism, locked.reference
            transaction.on_commit(lambda: _alert_urgent(mechanism, [reference]))
    return locked


def send_urgent_alerts(today: date | None = None) -> int:
    """Alert handlers to cases triaged urgent at intake and not yet acknowledged, in one batch
    per mechanism (``covenant grievance-reminders --urgent``, run every few hours): an e-mail per
    report at the time it came in would tell the time of day of the report (see
    docs/grievance-protocol.md). Returns the number of e-mails sent."""
    today = today or timezone.localdate()
    sent = 0
    for mechanism in Mechanism.objects.all():
        cases = Case.objects.filter(
            mechanism=mechanism, urgent=True, urgent_alerted_on__isnull=True, stage=Stage.RECEIVED
        )
        references = list(cases.values_list("reference", flat=True))
        if _alert_urgent(mechanism, references):
            cases.update(urgent_alerted_on=today)
            sent += 1
    return sent


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class Content:
    what: str
    workplace: str
    contact: str


def read_content(case: Case, key: bytes) -> Content:
    data = json.loads(open_text(case, key, "content", case.content_enc))
    return Content(what=data.get("what", ""), workplace=data.get("workplace", ""), contact=data.get("contact", ""))


def entry_body(entry: CaseEntry, key: bytes | None) -> str:
    if key is None or entry.body_enc is None:
        return ""
    return open_text(entry.case, key, f"entry:{entry.seq}", entry.body_enc)


def attachment_bytes(attachment: Attachment, key: bytes) -> bytes:
    return crypto.decrypt(key, files.read(attachment.path), _aad(attachment.case, f"attachment:{attachment.pk}"))


def add_translation(
    actor: Actor, case: Case, key: bytes | None, *, entry_seq: int | None, language: str, text: str
) -> Translation:
    """A handler's translation of the report (``entry_seq`` None) or of one entry, sealed with
    the case key like the original."""
    require_handler(actor, case)
    body = _validate_text(text)
    if key is None:
        raise ValidationError(_("Unlock your organisation's key first."))
    languages = {code for code, _name in settings.GRIEVANCE_LANGUAGES} | {code for code, _name in settings.LANGUAGES}
    if language not in languages:
        raise ValidationError(_("Choose a language."))
    entry = None
    if entry_seq is not None:
        entry = case.entries.filter(seq=entry_seq).first()
        if entry is None or entry.body_enc is None:
            raise ValidationError(_("This entry has no text to translate."))
    with transaction.atomic():
        locked = _lock(case)
        translation = Translation(
            case=locked,
            entry=entry,
            language=language,
            author_org=actor.org,
            author=actor.user,
            created_on=timezone.localdate(),
        )
        translation.body_enc = seal_text(locked, key, f"translation:{translation.pk}", body)
        translation.save(force_insert=True)
        _event(actor, case, "grievances.case.translation", language=language, entry=entry_seq or 0)
    return translation


def translation_body(translation: Translation, key: bytes) -> str:
    return open_text(translation.case, key, f"translation:{translation.pk}", translation.body_enc)


def record_read(actor: Actor, case: Case) -> None:
    """Reading a full case is itself recorded (who read which case, never what it says)."""
    with transaction.atomic():
        _event(actor, case, "grievances.case.read")


# --- Retention and reminders -----------------------------------------------------------------


def purge_closed(today: date | None = None) -> int:
    """Delete closed cases older than their mechanism's retention period, shredding files first."""
    today = today or timezone.localdate()
    removed = 0
    for mechanism in Mechanism.objects.all():
        cutoff = today - timedelta(days=mechanism.retention_days)
        cases = Case.objects.filter(mechanism=mechanism, stage=Stage.CLOSED, closed_on__lte=cutoff)
        for case in cases:
            paths = list(case.attachments.values_list("path", flat=True))
            _shred_all(paths)
            with transaction.atomic():
                clear_signals(source=EVIDENCE_SOURCE, source_ref=str(case.pk))
                case.delete()
                trail.record(
                    Actor.system(via="cli"),
                    "grievances.case.purged",
                    org_id=mechanism.secretariat_id,
                    object_type="grievances.case",
                    object_id=str(case.pk),
                    object_repr=case.reference,
                )
            removed += 1
    return removed


def send_reminders(today: date | None = None) -> int:
    """The daily digest to each mechanism's handlers: new cases to acknowledge, and cases with a
    clock that ran out. References only, never content, and no times."""
    today = today or timezone.localdate()
    sent = 0
    for mechanism in Mechanism.objects.all():
        open_cases = list(
            Case.objects.filter(mechanism=mechanism).exclude(stage=Stage.CLOSED).select_related("mechanism")
        )
        new = [c for c in open_cases if c.stage == Stage.RECEIVED and not c.overdue(today)]
        late = [c for c in open_cases if c.overdue(today)]
        if not new and not late:
            continue
        to = _handler_emails(mechanism)
        if not to:
            continue
        lines = []
        if new:
            lines.append(
                _("New cases to acknowledge: %(refs)s") % {"refs": ", ".join(sorted(c.reference for c in new))}
            )
        if late:
            lines.append(
                _("These cases have a clock that ran out: %(refs)s")
                % {"refs": ", ".join(sorted(c.reference for c in late))}
            )
        send_mail(
            _("Grievances: %(new)s new, %(late)s overdue") % {"new": len(new), "late": len(late)},
            "\n\n".join([*lines, f"{settings.SITE_URL}/grievances/?show=open"]),
            None,
            to,
            fail_silently=True,
        )
        Case.objects.filter(pk__in=[c.pk for c in late]).update(reminded_on=today)
        sent += 1
    return sent

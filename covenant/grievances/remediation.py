"""Remedy with the site's supplier and the members a case is routed to (issue 15, items 2 and 3).

Writes here follow ``services.py``: check, write in one transaction, append the audit event
(codes and counts only), notify after commit (references and links, never content).

- **The site's supplier** (the organisation whose verified claim made the case's site its own,
  ``Facility.owner``) receives a case only when a handler shares it (:func:`share_with_supplier`).
  It then gets the *remediation key* (``crypto.remediation_key``, derived from the case key)
  sealed to its organisation key: with it it reads the corrective actions and nothing the
  reporter wrote. Only if the reporter consented at intake (``Case.supplier_consent``) is the
  case key itself sealed to it (``full_access``): then it reads the report too, as a member given
  the full case does (contact details stay with the handlers).
- **Corrective actions on the site** (:class:`CaseAction`) live here, not in ``audits``: the two
  apps may not import each other. They keep the states and the rule of audits' corrective
  actions (open, progress once evidence came in, closed only when verified by desk review or a
  follow-up audit, never by the site itself): the supplier adds evidence, a handler or a member
  the case is routed to verifies.
- **Members' entries** (:class:`MemberEntry`): comments, commitments (action, owner, due date,
  status) and contributions to remedy (money, in kind, other). Members hold no case key, so
  their texts, the supplier's evidence notes and verification notes are sealed to the case's
  *drop box* (``crypto.seal_for_case``): anyone routed can write, only holders of the case key
  (the handlers, the reporter, a member given the full case) read. A handler decides per entry
  whether the reporter sees it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from covenant.core import mail
from covenant.core.actors import Actor
from covenant.core.errors import Conflict
from covenant.grievances import crypto
from covenant.grievances.models import (
    ActionEvidence,
    CapStatus,
    Case,
    CaseAction,
    CaseRecipient,
    CommitmentStatus,
    ContributionType,
    MemberEntry,
    MemberEntryKind,
    OrgKey,
    Stage,
    Verification,
)
from covenant.grievances.services import _aad, _event, _lock, _validate_text, case_key_for, require_handler
from covenant.orgs.models import Organisation, OrgKind, Role
from covenant.orgs.selectors import people_to_tell

# --- Who -------------------------------------------------------------------------------------------


def site_supplier(case: Case) -> Organisation | None:
    """The supplier whose verified claim made the case's site its own, if any."""
    facility = case.facility
    if facility is None or facility.owner_id is None:
        return None
    return Organisation.objects.filter(pk=facility.owner_id, kind=OrgKind.SUPPLIER, is_active=True).first()


def supplier_recipient(actor: Actor, case: Case) -> CaseRecipient | None:
    if actor.org is None or actor.kind != OrgKind.SUPPLIER:
        return None
    return case.recipients.filter(org=actor.org, supplier=True).first()


def member_recipient(actor: Actor, case: Case) -> CaseRecipient | None:
    if actor.org is None or actor.kind != OrgKind.MEMBER:
        return None
    return case.recipients.filter(org=actor.org, handler=False, supplier=False).first()


def is_case_handler(actor: Actor, case: Case) -> bool:
    return (
        actor.org is not None
        and actor.role == Role.GRIEVANCE_HANDLER
        and not actor.read_only
        and case.recipients.filter(org=actor.org, handler=True).exists()
    )


def can_verify(actor: Actor, action: CaseAction) -> bool:
    """A handler, or a member the case is routed to, verifies; never the site's supplier."""
    if action.status != CapStatus.PROGRESS:
        return False
    return is_case_handler(actor, action.case) or (member_recipient(actor, action.case) is not None and actor.can_edit)


# --- Keys ------------------------------------------------------------------------------------------


def remediation_key_for(actor: Actor, case: Case, private_key: bytes | None) -> bytes | None:
    """The key of the case's corrective actions: derived from the case key for those who hold it,
    opened from the supplier's sealed copy otherwise."""
    case_key = case_key_for(actor, case, private_key)
    if case_key is not None:
        return crypto.remediation_key(case_key)
    recipient = supplier_recipient(actor, case)
    if private_key is None or recipient is None or recipient.sealed_key is None:
        return None
    try:
        return crypto.open_sealed(private_key, bytes(recipient.sealed_key))
    except crypto.DecryptionError:
        return None


def _box(case: Case) -> bytes:
    if case.box_public_key is None:
        # Cases filed before the drop box existed get one when a handler shares or opens an action.
        raise ValidationError(_("The handlers have not opened this case for entries yet."))
    return bytes(case.box_public_key)


def _ensure_box(case: Case, case_key: bytes) -> None:
    if case.box_public_key is None:
        case.box_public_key = crypto.case_box_public(case_key)
        case.save(update_fields=["box_public_key"])


def _seal(case: Case, part: str, text: str) -> bytes:
    return crypto.seal_for_case(_box(case), _aad(case, part), text.encode("utf-8"))


def _open(case: Case, case_key: bytes | None, part: str, blob: bytes | memoryview | None) -> str:
    if case_key is None or blob is None:
        return ""
    return crypto.open_for_case(case_key, _aad(case, part), bytes(blob)).decode("utf-8")


# --- Notices (after commit; references and links, never content) -----------------------------------


def _case_link(case: Case) -> str:
    return f"{settings.SITE_URL}/grievances/cases/{case.pk}/"


def _tell_handlers(actor: Actor, case: Case, what: str) -> None:
    """Tell the case's handlers that a member or the supplier added something (``what``: a code)."""
    org_ids = list(case.recipients.filter(handler=True).values_list("org_id", flat=True))
    people = people_to_tell(org_ids, roles=(Role.GRIEVANCE_HANDLER,))
    if not people:
        return
    reference, author = case.reference, actor.org.name if actor.org is not None else ""
    link = _case_link(case)

    def write() -> tuple[str, str]:
        labels = {
            "entry": _("an entry"),
            "evidence": _("evidence for a corrective action"),
            "verified": _("a verification of a corrective action"),
        }
        subject = _("Grievance case %(ref)s: %(org)s added %(what)s") % {
            "ref": reference,
            "org": author,
            "what": labels[what],
        }
        return subject, f"{subject}.\n\n{link}\n"

    transaction.on_commit(mail.after_commit(people, write))


def _tell_supplier(org: Organisation, case: Case, what: str) -> None:
    people = people_to_tell([org.pk])
    if not people:
        return
    reference, link = case.reference, _case_link(case)
    site = case.facility.name if case.facility is not None else ""

    def write() -> tuple[str, str]:
        if what == "shared":
            subject = _("Grievance case %(ref)s about %(site)s: shared with you for remedy") % {
                "ref": reference,
                "site": site,
            }
            body = _(
                "The grievance mechanism shared case %(ref)s about your site %(site)s with you, to agree "
                "and carry out the remedy. Set up or unlock your organisation's grievance key to read the "
                "corrective actions."
            ) % {"ref": reference, "site": site}
        else:
            subject = _("Grievance case %(ref)s: a corrective action for %(site)s") % {"ref": reference, "site": site}
            body = _("A corrective action was opened on case %(ref)s about your site %(site)s.") % {
                "ref": reference,
                "site": site,
            }
        return subject, f"{body}\n\n{link}\n"

    transaction.on_commit(mail.after_commit(people, write))


# --- The supplier ----------------------------------------------------------------------------------


def share_with_supplier(actor: Actor, case: Case, key: bytes | None) -> CaseRecipient:
    """Give the site's supplier the remediation view. Its key gets the remediation key (or the
    case key, if the reporter consented); a supplier without a key yet sees the structured view
    (topics, stage, deadlines, actions' states, remedies) and is given its copy when a handler
    shares again after it set one up."""
    require_handler(actor, case)
    supplier = site_supplier(case)
    if supplier is None:
        raise ValidationError(_("The case's site has no supplier with a verified claim."))
    if key is None:
        raise ValidationError(_("Unlock your organisation's key first."))
    org_key = OrgKey.objects.filter(org=supplier).first()
    with transaction.atomic():
        locked = _lock(case)
        existing = locked.recipients.filter(org=supplier).first()
        if existing is not None and not existing.supplier:
            raise Conflict(_("This organisation receives the case already."))
        if existing is not None and (existing.sealed_key is not None or org_key is None):
            raise Conflict(_("The case is shared with the supplier already."))
        consent = locked.supplier_consent
        sealed = None
        if org_key is not None:
            sealed = crypto.seal_to(bytes(org_key.public_key), key if consent else crypto.remediation_key(key))
        recipient, created = CaseRecipient.objects.update_or_create(
            case=locked,
            org=supplier,
            defaults={
                "supplier": True,
                "handler": False,
                "full_access": consent and sealed is not None,
                "sealed_key": sealed,
            },
        )
        _ensure_box(locked, key)
        _event(actor, locked, "grievances.case.supplier_shared", consent=consent, key=sealed is not None)
        if created:
            _tell_supplier(supplier, locked, "shared")
    return recipient


# --- Corrective actions ----------------------------------------------------------------------------


def open_action(actor: Actor, case: Case, key: bytes | None, text: str, due_on: date | None) -> CaseAction:
    """A handler opens a corrective action on the case's site, for its supplier to carry out."""
    require_handler(actor, case)
    text = _validate_text(text, required=False)
    if not text:
        raise ValidationError(_("Say what the site must do."))
    if key is None:
        raise ValidationError(_("Unlock your organisation's key first."))
    if case.facility is None:
        raise ValidationError(_("Link the case to a site first."))
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError(_("The due date is in the past."))
    with transaction.atomic():
        locked = _lock(case)
        if locked.stage == Stage.CLOSED:
            raise Conflict(_("This case is closed."))
        number = int(locked.actions.aggregate(m=Max("number"))["m"] or 0) + 1
        action = CaseAction(case=locked, number=number, due_on=due_on, opened_on=timezone.localdate())
        action.text_enc = crypto.encrypt(
            crypto.remediation_key(key), text.encode("utf-8"), _aad(locked, f"action:{number}")
        )
        action.save(force_insert=True)
        _ensure_box(locked, key)
        _event(actor, locked, "grievances.action.opened", number=number, due=str(due_on or ""))
        supplier = locked.recipients.filter(supplier=True).select_related("org").first()
        if supplier is not None:
            _tell_supplier(supplier.org, locked, "action")
    return action


def action_text(action: CaseAction, remediation_key: bytes | None) -> str:
    if remediation_key is None:
        return ""
    return crypto.decrypt(remediation_key, bytes(action.text_enc), _aad(action.case, f"action:{action.number}")).decode(
        "utf-8"
    )


def add_evidence(actor: Actor, action: CaseAction, note: str) -> ActionEvidence:
    """The site's supplier says what it did; the note is sealed to the case (the handlers read it)."""
    case = action.case
    if supplier_recipient(actor, case) is None or not actor.can_edit:
        raise PermissionDenied(_("Only the site's supplier adds evidence."))
    note = _validate_text(note, required=False)
    if not note:
        raise ValidationError(_("Describe the evidence."))
    with transaction.atomic():
        locked = CaseAction.objects.select_for_update().select_related("case__mechanism").get(pk=action.pk)
        if locked.status == CapStatus.CLOSED:
            raise Conflict(_("This action is closed."))
        evidence = ActionEvidence.objects.create(
            action=locked, org=actor.org, added_on=timezone.localdate(), note_enc=b""
        )
        evidence.note_enc = _seal(locked.case, f"evidence:{evidence.pk}", note)
        evidence.save(update_fields=["note_enc"])
        if locked.status == CapStatus.OPEN:
            locked.status = CapStatus.PROGRESS
            locked.save(update_fields=["status"])
        _event(actor, locked.case, "grievances.action.evidence", number=locked.number)
        _tell_handlers(actor, locked.case, "evidence")
    action.status = locked.status
    return evidence


def evidence_note(evidence: ActionEvidence, case_key: bytes | None) -> str:
    return _open(evidence.action.case, case_key, f"evidence:{evidence.pk}", evidence.note_enc)


def verify_action(actor: Actor, action: CaseAction, method: str, note: str = "") -> CaseAction:
    """Close an action once checked (desk review of the evidence, or a follow-up audit), as an
    audit's corrective action closes: by a handler or a routed member, never by the site."""
    case = action.case
    if not (is_case_handler(actor, case) or (member_recipient(actor, case) is not None and actor.can_edit)):
        raise PermissionDenied(_("You may not verify this action."))
    if method not in Verification.values:
        raise ValidationError(_("Say how the action was verified: desk review or follow-up audit."))
    note = _validate_text(note, required=False)
    with transaction.atomic():
        locked = CaseAction.objects.select_for_update().select_related("case__mechanism").get(pk=action.pk)
        if locked.status == CapStatus.CLOSED:
            raise Conflict(_("This action is closed."))
        if locked.status != CapStatus.PROGRESS:
            raise Conflict(_("There is no evidence to verify yet."))
        locked.status = CapStatus.CLOSED
        locked.verification_method = method
        locked.verified_on = timezone.localdate()
        locked.verified_by_org = actor.org
        locked.verified_by = actor.user
        locked.verification_note_enc = _seal(locked.case, f"verification:{locked.number}", note) if note else None
        locked.save()
        _event(
            actor, locked.case, "grievances.action.verified", number=locked.number, method=method, by=actor.kind or ""
        )
        if not is_case_handler(actor, case):
            _tell_handlers(actor, locked.case, "verified")
    return locked


def verification_note(action: CaseAction, case_key: bytes | None) -> str:
    return _open(action.case, case_key, f"verification:{action.number}", action.verification_note_enc)


# --- Members' entries ------------------------------------------------------------------------------


@dataclass
class EntryInput:
    kind: str
    text: str
    owner: str = ""  # commitments: who carries it out
    due_on: date | None = None  # commitments
    contribution_type: str = ""  # contributions
    amount: Decimal | None = None
    currency: str = ""


def add_member_entry(actor: Actor, case: Case, data: EntryInput) -> MemberEntry:
    """A member the case is routed to comments, commits to an action or contributes to remedy."""
    if member_recipient(actor, case) is None:
        raise PermissionDenied(_("Only the members the case is routed to add entries."))
    actor.require_edit()
    if data.kind not in MemberEntryKind.values:
        raise ValidationError(_("Choose what kind of entry this is."))
    text = _validate_text(data.text, required=False)
    if not text:
        raise ValidationError(_("Write the entry."))
    owner = _validate_text(data.owner, required=False)[:200]
    fields: dict[str, Any] = {}
    if data.kind == MemberEntryKind.COMMITMENT:
        if data.due_on is not None and data.due_on < timezone.localdate():
            raise ValidationError(_("The due date is in the past."))
        fields.update(due_on=data.due_on, status=CommitmentStatus.OPEN)
    elif data.kind == MemberEntryKind.CONTRIBUTION:
        if data.contribution_type not in ContributionType.values:
            raise ValidationError(_("Choose the kind of contribution."))
        if data.amount is not None and data.amount < 0:
            raise ValidationError(_("An amount cannot be negative."))
        if data.contribution_type == ContributionType.MONEY and (data.amount is None or not data.currency):
            raise ValidationError(_("Give the amount and its currency."))
        fields.update(contribution_type=data.contribution_type, amount=data.amount, currency=data.currency.upper()[:3])
    body = json.dumps({"text": text, "owner": owner}, ensure_ascii=False)
    with transaction.atomic():
        locked = _lock(case)
        if locked.stage == Stage.CLOSED:
            raise Conflict(_("This case is closed."))
        number = int(locked.member_entries.aggregate(m=Max("number"))["m"] or 0) + 1
        entry = MemberEntry(
            case=locked,
            number=number,
            org=actor.org,
            author=actor.user,
            kind=data.kind,
            created_on=timezone.localdate(),
            body_enc=_seal(locked, f"member:{number}", body),
            **fields,
        )
        entry.save(force_insert=True)
        _event(actor, locked, "grievances.member_entry.added", kind=data.kind, number=number)
        _tell_handlers(actor, locked, "entry")
    return entry


def set_commitment_status(actor: Actor, entry: MemberEntry, status: str) -> MemberEntry:
    """The member that made a commitment says how it stands."""
    if actor.org is None or entry.org_id != actor.org.pk or member_recipient(actor, entry.case) is None:
        raise PermissionDenied(_("Only the member that made the commitment updates it."))
    actor.require_edit()
    if entry.kind != MemberEntryKind.COMMITMENT:
        raise ValidationError(_("Only a commitment has a status."))
    if status not in CommitmentStatus.values:
        raise ValidationError(_("Choose a status."))
    with transaction.atomic():
        if entry.status == status:
            raise Conflict(_("Nothing to change."))
        MemberEntry.objects.filter(pk=entry.pk).update(status=status)
        entry.status = status
        _event(actor, entry.case, "grievances.member_entry.status", number=entry.number, status=status)
    return entry


def show_to_reporter(actor: Actor, entry: MemberEntry, shown: bool) -> MemberEntry:
    """A handler decides whether the reporter sees a member's entry on the follow-up page."""
    require_handler(actor, entry.case)
    with transaction.atomic():
        if entry.shown_to_reporter == shown:
            raise Conflict(_("Nothing to change."))
        MemberEntry.objects.filter(pk=entry.pk).update(shown_to_reporter=shown)
        entry.shown_to_reporter = shown
        _event(actor, entry.case, "grievances.member_entry.shown", number=entry.number, shown=shown)
    return entry


@dataclass
class EntryBody:
    text: str
    owner: str


def member_entry_body(entry: MemberEntry, case_key: bytes | None) -> EntryBody:
    raw = _open(entry.case, case_key, f"member:{entry.number}", entry.body_enc)
    if not raw:
        return EntryBody("", "")
    data = json.loads(raw)
    return EntryBody(text=data.get("text", ""), owner=data.get("owner", ""))


# --- Reading ----------------------------------------------------------------------------------------


def remediation(actor: Actor, case: Case, private_key: bytes | None) -> dict[str, Any]:
    """What the case page shows of remedy to the actor: the corrective actions (their text to
    whoever holds the remediation key), and the members' entries (their text to holders of the
    case key; a member sees its own entries' kind, dates, status and amounts)."""
    case_key = case_key_for(actor, case, private_key)
    r_key = remediation_key_for(actor, case, private_key)
    handler = is_case_handler(actor, case)
    member = member_recipient(actor, case)
    supplier = supplier_recipient(actor, case)
    actions = []
    for action in case.actions.prefetch_related("evidence").select_related("verified_by_org"):
        actions.append(
            {
                "action": action,
                "text": action_text(action, r_key),
                "overdue": action.is_overdue(),
                "evidence": [{"on": e.added_on, "note": evidence_note(e, case_key)} for e in action.evidence.all()],
                "verification_note": verification_note(action, case_key),
                "may_verify": can_verify(actor, action),
            }
        )
    entries = case.member_entries.select_related("org")
    if not handler:
        # A member sees its own entries; the supplier sees none of the members'.
        entries = entries.filter(org=actor.org) if member is not None else entries.none()
    rows = [{"entry": e, "body": member_entry_body(e, case_key)} for e in entries]
    site_supplier_org = site_supplier(case) if handler else None
    return {
        "actions": actions,
        "member_entries": rows,
        "remediation_locked": r_key is None and (handler or (supplier is not None and supplier.sealed_key is not None)),
        "is_supplier": supplier is not None,
        "is_routed_member": member is not None,
        "site_supplier": site_supplier_org,
        "supplier_shared": case.recipients.filter(supplier=True).first() if handler else None,
        "action_statuses": CapStatus,
        "verification_methods": Verification.choices,
        "entry_kinds": MemberEntryKind.choices,
        "contribution_types": ContributionType.choices,
        "commitment_statuses": CommitmentStatus.choices,
    }


def reporter_member_entries(case: Case, case_key: bytes) -> list[dict[str, Any]]:
    """Members' entries a handler chose to show the reporter (the member's name is not shown)."""
    rows = []
    for entry in case.member_entries.filter(shown_to_reporter=True):
        rows.append(
            {
                "kind": entry.get_kind_display(),
                "on": entry.created_on,
                "text": member_entry_body(entry, case_key).text,
                "due_on": entry.due_on,
                "status": entry.get_status_display() if entry.status else "",
                "amount": f"{entry.amount} {entry.currency}".strip() if entry.amount else "",
            }
        )
    return rows


def summary(actor: Actor, case: Case) -> dict[str, Any]:
    """The remediation view without texts (the API's): what the supplier needs to act on, and the
    members' entries as the actor may see them."""
    entries = case.member_entries.all()
    if not is_case_handler(actor, case):
        entries = entries.filter(org=actor.org) if member_recipient(actor, case) is not None else entries.none()
    return {
        "reference": case.reference,
        "site": case.facility.public_id if case.facility is not None else None,
        "topics": list(case.topics),
        "stage": case.stage,
        "stage_due": case.stage_due(),
        "actions": list(case.actions.prefetch_related("evidence")),
        "remedies": list(case.remedies.order_by("pk")),
        "member_entries": list(entries),
    }

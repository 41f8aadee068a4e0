"""Writes to the register and to members' supply chains.

Uploads are processed in two phases: the heavy part (reading the file and
matching every row) happens outside any transaction and reports progress; the
results are then written in one transaction, so a failure leaves no trace.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from covenant.core import audit
from covenant.core.actors import Actor
from covenant.core.errors import Conflict
from covenant.core.models import Job
from covenant.core.services import create_job, fail_job, finish_job, report_progress
from covenant.matching import Matcher, MatchIndex, MatchResult, Record, Thresholds
from covenant.matching.matcher import row_key, site_confirmed
from covenant.orgs.models import Organisation, OrgKind
from covenant.registry import duplicates, matchindex
from covenant.registry.countries import parse_country
from covenant.registry.ids import is_valid_facility_id, new_facility_id
from covenant.registry.listfiles import (
    REQUIRED_FIELDS,
    CleanRow,
    ListFileError,
    check_text,
    clean_rows,
    normalize_identifier,
    normalize_text,
    read_table,
    suggest_mapping,
)
from covenant.registry.messages import file_error_text, row_error_text
from covenant.registry.models import (
    ClaimStatus,
    Confirmation,
    DuplicatePair,
    DuplicateStatus,
    Facility,
    FacilityAlias,
    FacilityClaim,
    FacilityIdentifier,
    FacilityStatus,
    ListRow,
    ListUpload,
    MatchFeedback,
    Publication,
    RegistryChange,
    RegistryPreferences,
    RowStatus,
    SpendBand,
    SupplierList,
    SupplyEdge,
    SupplyLink,
    UploadMode,
    UploadStatus,
)
from covenant.registry.selectors import SiteCandidate, _worth_showing, disclosure_preview, match_site, resolve_merged
from covenant.registry.signals import claim_verified, facilities_changed, facility_merged

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
REVIEW_CANDIDATES = 5


# --- Facilities ----------------------------------------------------------------------


def _require_register_keeper(actor: Actor) -> None:
    if actor.is_system:
        return
    actor.require_kind(OrgKind.SECRETARIAT)
    actor.require_edit()


def _log_change(kind: str, facility_id: str, other_id: str = "", feedback: MatchFeedback | None = None) -> None:
    RegistryChange.objects.create(kind=kind, facility_id=facility_id, other_id=other_id, feedback=feedback)


def _unique_public_id(country: str) -> str:
    today = timezone.localdate()
    while True:
        candidate = new_facility_id(country, today)
        if not Facility.objects.filter(public_id=candidate).exists():
            return candidate


def _new_facility(
    *,
    name: str,
    address: str,
    country: str,
    lat: float | None = None,
    lng: float | None = None,
    sector: str = "",
    products: Sequence[str] = (),
    identifiers: dict[str, str] | None = None,
    subdivision: str = "",
    workers: int | None = None,
    notify: bool = True,
    introduced_by: Organisation | None = None,
) -> Facility:
    """Create one facility; ``notify=False`` when the caller sends ``facilities_changed`` for a batch.

    Every path that adds one site comes through here, so the register only ever holds
    normalised text (NFC, no control, bidi or zero-width characters, spaces collapsed).
    A site ``introduced_by`` a member (its list, its form) is provisional until confirmed.
    """
    provisional = {} if introduced_by is None else {"confirmation": Confirmation.PROVISIONAL}
    facility = Facility.objects.create(
        introduced_by=introduced_by,
        **provisional,
        public_id=_unique_public_id(country),
        name=normalize_text(name)[:300],
        address=normalize_text(address)[:500],
        country=country,
        subdivision=subdivision,
        lat=lat,
        lng=lng,
        sector=sector[:100],
        products=list(products),
        workers=workers,
    )
    for scheme, value in (identifiers or {}).items():
        # An identifier already held by another site is evidence for review, not a crash.
        if not FacilityIdentifier.objects.filter(scheme=scheme, value=value).exists():
            FacilityIdentifier.objects.create(facility=facility, scheme=scheme, value=value)
    _log_change(RegistryChange.Kind.UPSERT, facility.public_id)
    if notify:
        facilities_changed.send(sender=Facility, facility_ids=[facility.pk])
    return facility


@transaction.atomic
def create_facility(actor: Actor, **fields: Any) -> Facility:
    """Add a site to the register by hand (secretariat) or from a seed (system)."""
    _require_register_keeper(actor)
    _check_site_text(str(fields.get("name", "")), str(fields.get("address", "")))
    facility = _new_facility(**fields)
    audit.record(actor, "registry.facility.created", obj=facility, org_id=None, summary={"country": facility.country})
    return facility


def _check_site_text(name: str, address: str) -> None:
    """Refuse a typed name or address that is not a site's: a formula, no letters, garbled or hidden text."""
    if not normalize_text(name):
        raise ValidationError(_("A facility needs a name."))
    for field_name, value, label in (("name", name, _("name")), ("address", address, _("address"))):
        result = check_text(value, name=field_name == "name")
        if result.problem:
            params = {"row": "-", "label": label, "value": result.text[:60]}
            # The row messages of list uploads, without their "Row n: " opening.
            text = row_error_text(result.problem, params).split(": ", 1)[-1]
            raise ValidationError(text[:1].upper() + text[1:])


@dataclass(frozen=True)
class FacilityInput:
    """One site for :func:`import_facilities` (an existing register, a public snapshot)."""

    name: str
    address: str
    country: str
    subdivision: str = ""
    lat: float | None = None
    lng: float | None = None
    sector: str = ""
    products: tuple[str, ...] = ()
    workers: int | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    aliases: tuple[tuple[str, str], ...] = ()  # (name, address)
    public_id: str = ""
    owner_id: int | None = None


@transaction.atomic
def import_facilities(actor: Actor, items: Sequence[FacilityInput], *, source: str) -> list[Facility]:
    """Load many sites at once (e.g. the register a sector already kept), with one audit event.

    Every item is checked first; one bad item refuses the whole import.
    """
    _require_register_keeper(actor)
    problems = []
    for n, item in enumerate(items, 1):
        if not item.name.strip():
            problems.append(_("item %(n)s has no name") % {"n": n})
        if parse_country(item.country) != item.country:
            problems.append(_("item %(n)s: '%(c)s' is not an ISO country code") % {"n": n, "c": item.country})
        if item.public_id and not is_valid_facility_id(item.public_id):
            problems.append(_("item %(n)s: '%(id)s' is not a valid facility id") % {"n": n, "id": item.public_id})
    ids = [i.public_id for i in items if i.public_id]
    if len(ids) != len(set(ids)) or Facility.objects.filter(public_id__in=ids).exists():
        problems.append(_("some facility ids are already taken"))
    if problems:
        raise ValidationError(problems[:20])
    today = timezone.localdate()
    taken: set[str] = set(ids)
    facilities = []
    for item in items:
        public_id = item.public_id
        while not public_id or (public_id in taken and public_id not in ids):
            public_id = new_facility_id(item.country, today)
            if Facility.objects.filter(public_id=public_id).exists():
                public_id = ""
        taken.add(public_id)
        facilities.append(
            Facility(
                public_id=public_id,
                name=item.name[:300],
                address=item.address[:500],
                country=item.country,
                subdivision=item.subdivision,
                lat=item.lat,
                lng=item.lng,
                sector=item.sector[:100],
                products=list(item.products),
                workers=item.workers,
                owner_id=item.owner_id,
            )
        )
    Facility.objects.bulk_create(facilities, batch_size=1000)
    # bulk_create does not return primary keys on every database: read them back.
    by_id = dict(
        Facility.objects.filter(public_id__in=[f.public_id for f in facilities]).values_list("public_id", "pk")
    )
    aliases, identifiers, seen_identifiers = [], [], set(FacilityIdentifier.objects.values_list("scheme", "value"))
    for item, facility in zip(items, facilities, strict=True):
        pk = by_id[facility.public_id]
        aliases += [
            FacilityAlias(facility_id=pk, name=n[:300], address=a[:500], source="import")
            for n, a in dict.fromkeys(item.aliases)
        ]
        for scheme, value in item.identifiers.items():
            if (scheme, value) not in seen_identifiers:
                seen_identifiers.add((scheme, value))
                identifiers.append(FacilityIdentifier(facility_id=pk, scheme=scheme, value=value))
    FacilityAlias.objects.bulk_create(aliases, batch_size=1000)
    FacilityIdentifier.objects.bulk_create(identifiers, batch_size=1000)
    RegistryChange.objects.bulk_create(
        [RegistryChange(kind=RegistryChange.Kind.UPSERT, facility_id=f.public_id) for f in facilities], batch_size=1000
    )
    facilities_changed.send(sender=Facility, facility_ids=list(by_id.values()))
    audit.record(
        actor, "registry.facilities.imported", org_id=None, summary={"count": len(facilities), "source": source}
    )
    return list(Facility.objects.filter(public_id__in=by_id))


@transaction.atomic
def update_facility(actor: Actor, facility: Facility, **fields: Any) -> Facility:
    """Correct or rename a facility; the old name stays findable as an alias."""
    _require_register_keeper(actor)
    allowed = {"name", "address", "country", "subdivision", "lat", "lng", "sector", "products", "workers"}
    changes: dict[str, list[Any]] = {}
    old_name, old_address = facility.name, facility.address
    for key, value in fields.items():
        if key not in allowed:
            raise ValidationError(f"{key} cannot be changed here")
        if key in {"name", "address"}:
            value = normalize_text(str(value))
        if getattr(facility, key) != value:
            changes[key] = [getattr(facility, key), value]
            setattr(facility, key, value)
    if not changes:
        return facility
    facility.updated_at = timezone.now()
    facility.save()
    if "name" in changes or "address" in changes:
        FacilityAlias.objects.get_or_create(
            facility=facility, name=old_name, address=old_address, defaults={"source": "manual"}
        )
    _log_change(RegistryChange.Kind.UPSERT, facility.public_id)
    if changes.keys() & {"country", "subdivision", "sector", "products"}:
        facilities_changed.send(sender=Facility, facility_ids=[facility.pk])
    audit.record(actor, "registry.facility.updated", obj=facility, org_id=None, summary={"changes": changes})
    return facility


@transaction.atomic
def merge_facilities(actor: Actor, loser: Facility, survivor: Facility) -> Facility:
    """Two records are one site: fold ``loser`` into ``survivor``. The loser's id keeps resolving."""
    _require_register_keeper(actor)
    loser, survivor = resolve_merged(loser), resolve_merged(survivor)
    if loser.pk == survivor.pk:
        raise Conflict(_("These are already the same facility."))
    if loser.country != survivor.country:
        raise ValidationError(_("Facilities in different countries cannot be merged."))
    FacilityAlias.objects.get_or_create(
        facility=survivor, name=loser.name, address=loser.address, defaults={"source": "merge"}
    )
    for alias in loser.aliases.all():
        FacilityAlias.objects.get_or_create(
            facility=survivor, name=alias.name, address=alias.address, defaults={"source": "merge"}
        )
    for ident in loser.identifiers.all():
        if not survivor.identifiers.filter(scheme=ident.scheme).exists():
            ident.facility = survivor
            ident.save(update_fields=["facility"])
    moved = 0
    for link in SupplyLink.objects.select_for_update().filter(facility=loser):
        existing = SupplyLink.objects.filter(org=link.org, facility=survivor).first()
        if existing is None:
            link.facility = survivor
            link.save(update_fields=["facility"])
        else:
            existing.tier = min(existing.tier, link.tier)
            existing.products = sorted(set(existing.products) | set(link.products))
            existing.save(update_fields=["tier", "products"])
            link.delete()
        moved += 1
    SupplyEdge.objects.filter(supplier=loser).exclude(buyer=survivor).update(supplier=survivor)
    SupplyEdge.objects.filter(buyer=loser).exclude(supplier=survivor).update(buyer=survivor)
    SupplyEdge.objects.filter(supplier=loser).delete()
    SupplyEdge.objects.filter(buyer=loser).delete()
    ListRow.objects.filter(facility=loser).update(facility=survivor)
    if survivor.owner_id is None and loser.owner_id is not None:
        survivor.owner_id = loser.owner_id
    if survivor.lat is None and loser.lat is not None:
        survivor.lat, survivor.lng = loser.lat, loser.lng
    survivor.products = sorted(set(survivor.products) | set(loser.products))
    if survivor.is_provisional and not loser.is_provisional:
        # One of the two records was confirmed: so is the site they both stand for.
        survivor.confirmation, survivor.confirmed_at = loser.confirmation, loser.confirmed_at or timezone.now()
    elif survivor.is_provisional:
        # Two members' provisional records of one site: the second organisation confirms it.
        others = SupplyLink.objects.filter(facility=survivor).exclude(org_id=survivor.introduced_by_id)
        if survivor.introduced_by_id is not None and others.exists():
            _confirm(actor, survivor, Confirmation.SECOND_LIST)
    survivor.updated_at = timezone.now()
    survivor.save()
    loser.status = FacilityStatus.MERGED
    loser.merged_into = survivor
    loser.updated_at = timezone.now()
    loser.save(update_fields=["status", "merged_into", "updated_at"])
    DuplicatePair.objects.filter(
        a_id=min(loser.pk, survivor.pk), b_id=max(loser.pk, survivor.pk), status=DuplicateStatus.OPEN
    ).update(status=DuplicateStatus.MERGED, decided_by=actor.user, decided_at=timezone.now())
    # Sent once both records are in their final state, so receivers that recompute see it.
    facility_merged.send(sender=Facility, loser=loser, survivor=survivor, actor=actor)
    _log_change(RegistryChange.Kind.MERGE, loser.public_id, survivor.public_id)
    _log_change(RegistryChange.Kind.UPSERT, survivor.public_id)
    audit.record(
        actor,
        "registry.facility.merged",
        obj=survivor,
        org_id=None,
        summary={"merged": loser.public_id, "into": survivor.public_id, "links_moved": moved},
    )
    return survivor


@transaction.atomic
def split_facility(
    actor: Actor,
    facility: Facility,
    *,
    name: str,
    address: str,
    alias_ids: Iterable[int] = (),
    link_ids: Iterable[int] = (),
) -> Facility:
    """One record was really two sites: move some aliases and member links to a new facility."""
    _require_register_keeper(actor)
    if not normalize_text(name):
        raise ValidationError(_("The new facility needs a name."))
    _check_site_text(name, address)
    new = _new_facility(name=name, address=address, country=facility.country)
    aliases = FacilityAlias.objects.filter(facility=facility, pk__in=list(alias_ids))
    links = SupplyLink.objects.filter(facility=facility, pk__in=list(link_ids))
    moved_aliases = aliases.update(facility=new)
    moved_links = links.update(facility=new)
    _log_change(RegistryChange.Kind.UPSERT, facility.public_id)
    audit.record(
        actor,
        "registry.facility.split",
        obj=new,
        org_id=None,
        summary={"from": facility.public_id, "new": new.public_id, "aliases": moved_aliases, "links": moved_links},
    )
    return new


@transaction.atomic
def close_facility(actor: Actor, facility: Facility) -> Facility:
    _require_register_keeper(actor)
    facility.status = FacilityStatus.CLOSED
    facility.updated_at = timezone.now()
    facility.save(update_fields=["status", "updated_at"])
    _log_change(RegistryChange.Kind.REMOVE, facility.public_id)
    audit.record(actor, "registry.facility.closed", obj=facility, org_id=None)
    return facility


# --- Provisional sites: confirmation and the secretariat's moderation -----------------


def _confirm(actor: Actor, facility: Facility, how: Confirmation, **summary: Any) -> bool:
    """A provisional facility becomes part of the shared register; False if it already was.

    Conditional on the stored state, so two confirmations at once record one event."""
    now = timezone.now()
    done = Facility.objects.filter(pk=facility.pk, confirmation=Confirmation.PROVISIONAL).update(
        confirmation=how, confirmed_at=now, updated_at=now
    )
    if not done:
        return False
    facility.confirmation, facility.confirmed_at, facility.updated_at = how, now, now
    audit.record(
        actor,
        "registry.facility.confirmed",
        obj=facility,
        org_id=None,
        summary={"facility": facility.public_id, "how": str(how)} | summary,
    )
    return True


def _confirm_linked_by_others(actor: Actor, org_id: int, facility_ids: Iterable[int]) -> int:
    """``org_id`` now links to these sites: those another organisation introduced are confirmed."""
    provisional = (
        Facility.objects.filter(pk__in=list(facility_ids), confirmation=Confirmation.PROVISIONAL)
        .exclude(introduced_by_id=org_id)
        .order_by("pk")
    )
    return sum(_confirm(actor, f, Confirmation.SECOND_LIST) for f in provisional)


@transaction.atomic
def accept_facility(actor: Actor, facility: Facility) -> Facility:
    """The secretariat checked a provisional site: it joins the shared register."""
    _require_register_keeper(actor)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if facility.status != FacilityStatus.ACTIVE or not facility.is_provisional:
        raise Conflict(_("This facility is no longer waiting for moderation."))
    _confirm(actor, facility, Confirmation.SECRETARIAT)
    return facility


#: The reason a list row gets when the secretariat rejects the site it created or matched.
NOT_A_SITE = "not_a_site"


@transaction.atomic
def reject_facility(actor: Actor, facility: Facility) -> Facility:
    """The secretariat found a provisional facility is not a production site (junk).

    It leaves the register and the match index; the links to it are removed (it never was a
    supplier) and the list rows that named it become errors with a plain reason."""
    _require_register_keeper(actor)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if facility.status != FacilityStatus.ACTIVE or not facility.is_provisional:
        raise Conflict(_("This facility is no longer waiting for moderation."))
    now = timezone.now()
    facility.status = FacilityStatus.REJECTED
    facility.updated_at = now
    facility.save(update_fields=["status", "updated_at"])
    links, _per_model = SupplyLink.objects.filter(facility=facility).delete()
    SupplyEdge.objects.filter(supplier=facility).delete()
    SupplyEdge.objects.filter(buyer=facility).delete()
    rows = list(ListRow.objects.filter(facility=facility).select_related("upload"))
    uploads: dict[uuid.UUID, ListUpload] = {}
    for row in rows:
        upload = uploads.setdefault(row.upload_id, row.upload)
        old = str(row.status)
        upload.counts[old] = max(0, int(upload.counts.get(old, 0)) - 1)
        upload.counts[RowStatus.ERROR] = int(upload.counts.get(RowStatus.ERROR, 0)) + 1
        row.status = RowStatus.ERROR
        row.facility = None
        row.candidates = []
        row.details = row.details | {"code": NOT_A_SITE, "params": {"row": row.row_number}}
        row.error = row_error_text(NOT_A_SITE, {"row": row.row_number})[:300]
    ListRow.objects.bulk_update(rows, ["status", "facility", "candidates", "details", "error"])
    for upload in uploads.values():
        upload.save(update_fields=["counts"])
    _log_change(RegistryChange.Kind.REMOVE, facility.public_id)
    audit.record(
        actor,
        "registry.facility.rejected",
        obj=facility,
        org_id=None,
        summary={
            "facility": facility.public_id,
            "links_removed": links,
            "rows": len(rows),
        },
    )
    return facility


# --- Claims ---------------------------------------------------------------------------


@transaction.atomic
def claim_facility(actor: Actor, facility: Facility, evidence: str) -> FacilityClaim:
    """A supplier says a site is theirs; the secretariat verifies."""
    org = actor.require_kind(OrgKind.SUPPLIER)
    actor.require_edit()
    if not evidence.strip():
        raise ValidationError(_("Tell the secretariat how it can check that this site is yours."))
    if facility.owner_id == org.pk:
        raise Conflict(_("This site is already yours."))
    if FacilityClaim.objects.filter(facility=facility, org=org, status=ClaimStatus.PENDING).exists():
        raise Conflict(_("Your claim to this site is already waiting for the secretariat."))
    claim = FacilityClaim.objects.create(facility=facility, org=org, evidence=evidence.strip())
    audit.record(actor, "registry.claim.submitted", obj=claim, summary={"facility": facility.public_id})
    return claim


@transaction.atomic
def decide_claim(actor: Actor, claim: FacilityClaim, *, verified: bool, note: str = "") -> FacilityClaim:
    _require_register_keeper(actor)
    if claim.status != ClaimStatus.PENDING:
        raise Conflict(_("This claim was already decided."))
    claim.status = ClaimStatus.VERIFIED if verified else ClaimStatus.REJECTED
    claim.decided_by = actor.user
    claim.decided_at = timezone.now()
    claim.decision_note = note
    claim.save()
    if verified:
        facility = claim.facility
        facility.owner = claim.org
        facility.updated_at = timezone.now()
        facility.save(update_fields=["owner", "updated_at"])
        _confirm(actor, facility, Confirmation.CLAIM, claim=str(claim.pk))
        FacilityClaim.objects.filter(facility=facility, status=ClaimStatus.PENDING).exclude(pk=claim.pk).update(
            status=ClaimStatus.REJECTED, decided_at=timezone.now(), decision_note="another claim was verified"
        )
        claim_verified.send(sender=Facility, facility=facility, owner=claim.org, actor=actor)
    summary = {"facility": claim.facility.public_id, "verified": verified}
    audit.record(actor, "registry.claim.decided", obj=claim, org_id=claim.org_id, summary=summary)
    return claim


# --- Supplier lists -------------------------------------------------------------------


def _require_member_editor(actor: Actor) -> None:
    actor.require_kind(OrgKind.MEMBER)
    actor.require_edit()


@transaction.atomic
def create_list(actor: Actor, name: str) -> SupplierList:
    _require_member_editor(actor)
    name = name.strip() or _("Supplier list")
    supplier_list, created = SupplierList.objects.get_or_create(org=actor.org, name=name[:150])
    if created:
        audit.record(actor, "registry.list.created", obj=supplier_list, summary={"name": supplier_list.name})
    elif supplier_list.archived_at is not None:
        # A new version of an archived list brings the list back: the member uses it again.
        supplier_list.archived_at = None
        supplier_list.save(update_fields=["archived_at"])
        audit.record(actor, "registry.list.restored", obj=supplier_list, summary={"name": supplier_list.name})
    return supplier_list


def start_upload(
    actor: Actor,
    supplier_list: SupplierList,
    *,
    filename: str,
    data: bytes,
    background: bool = True,
    mode: str = UploadMode.FULL,
) -> ListUpload:
    """Store a new version of a list and read its header.

    If every required column is recognised the upload is queued for matching
    at once; otherwise it waits for the person to map the columns. A file that
    cannot be read at all is refused here, before anything is stored. With
    ``background=False`` nothing is handed to the worker: the caller (the demo
    seed, a command) runs :func:`process_upload` itself. ``mode`` says whether the
    file is the full list (sites missing from it stop being suppliers, once the member
    confirms which) or additions (nothing ends).
    """
    _require_member_editor(actor)
    if mode not in UploadMode.values:
        raise ValidationError(_("Say whether this file is the full list or additions."))
    if supplier_list.org_id != actor.require_org().pk:
        raise PermissionDenied
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 20 MB. Split it into smaller lists."))
    try:
        table = read_table(data, filename)
    except ListFileError as exc:
        raise ValidationError(file_error_text(exc)) from exc
    mapping = suggest_mapping(table.headers)
    with transaction.atomic():
        version = (supplier_list.uploads.aggregate(v=Max("version"))["v"] or 0) + 1
        upload = ListUpload(
            org=supplier_list.org,
            supplier_list=supplier_list,
            version=version,
            mode=mode,
            filename=filename[:255],
            headers=table.headers,
            mapping=mapping,
            uploaded_by=actor.user,
        )
        upload.file.save(f"{uuid.uuid4().hex}-{filename[-80:]}", ContentFile(data), save=False)
        upload.save()
        audit.record(
            actor,
            "registry.list.uploaded",
            obj=upload,
            summary={
                "list": supplier_list.name,
                "version": version,
                "rows": len(table.rows),
                "file": filename,
                "mode": mode,
            },
        )
        if all(field in mapping for field in REQUIRED_FIELDS):
            _queue(actor, upload, background=background)
    return upload


def set_mapping(actor: Actor, upload: ListUpload, mapping: dict[str, int]) -> ListUpload:
    """The person says which column holds what; then matching starts."""
    _require_member_editor(actor)
    if upload.org_id != actor.require_org().pk:
        raise PermissionDenied
    if upload.status not in {UploadStatus.MAPPING, UploadStatus.FAILED}:
        raise Conflict(_("This upload is already being processed."))
    missing = [f for f in REQUIRED_FIELDS if f not in mapping]
    if missing:
        raise ValidationError(_("Say which column holds: %(fields)s.") % {"fields": ", ".join(missing)})
    columns = list(mapping.values())
    if len(columns) != len(set(columns)) or any(not 0 <= c < len(upload.headers) for c in columns):
        raise ValidationError(_("Each column can be used for one field only."))
    with transaction.atomic():
        upload.mapping = mapping
        upload.error = ""
        upload.save(update_fields=["mapping", "error"])
        audit.record(
            actor,
            "registry.list.mapped",
            obj=upload,
            summary={"mapping": {k: upload.headers[v] for k, v in mapping.items()}},
        )
        _queue(actor, upload)
    return upload


def _queue(actor: Actor, upload: ListUpload, *, background: bool = True) -> None:
    from covenant.registry.tasks import process_upload_task

    job = create_job(actor, "registry.upload", label=_("Matching %(file)s") % {"file": upload.filename})
    upload.job = job
    upload.status = UploadStatus.QUEUED
    upload.save(update_fields=["job", "status"])
    if background:
        upload_id = str(upload.pk)
        transaction.on_commit(lambda: process_upload_task.enqueue(upload_id))


class _Progress:
    """Throttle progress writes: a page polls once a second, the matcher reports far more often."""

    def __init__(self, job_id: uuid.UUID | None) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.job_id is not None and (now - self.last > 0.5 or done == total):
            self.last = now
            report_progress(self.job_id, done, total)


def _record_for(row: CleanRow) -> Record:
    return Record(
        id=f"row-{row.row_number}",
        name=row.name,
        address=row.address,
        country=row.country,
        identifiers=dict(row.identifiers),
        lat=row.lat,
        lng=row.lng,
    )


def process_upload(upload_id: uuid.UUID | str) -> ListUpload:
    """The background task: read, match, then write everything in one transaction.

    Safe to run twice (a retried task, a worker catching up on an upload the
    demo seeder already processed): only a queued upload is processed.
    """
    upload = ListUpload.objects.select_related("org", "supplier_list", "uploaded_by").get(pk=upload_id)
    claimed = ListUpload.objects.filter(pk=upload.pk, status=UploadStatus.QUEUED).update(status=UploadStatus.PROCESSING)
    if not claimed:
        return upload
    try:
        with upload.file.open("rb") as handle:
            data = handle.read()
        table = read_table(data, upload.filename)
        rows, errors = clean_rows(table, {k: int(v) for k, v in upload.mapping.items()})
        progress = _Progress(upload.job_id)
        progress(0, len(rows))
        matcher = matchindex.get_matcher()
        results = matcher.match_many([_record_for(r) for r in rows], workers=settings.MATCH_WORKERS, progress=progress)
        with transaction.atomic():
            counts = _write_results(upload, rows, errors, results, matcher)
    except ListFileError as exc:
        return _fail(upload, file_error_text(exc))
    except Exception:
        log.exception("Processing upload %s failed", upload.pk)
        return _fail(upload, _("Something went wrong while matching this file; nothing was changed. Please try again."))
    if upload.job_id is not None:
        finish_job(upload.job_id, {"next_url": f"/lists/uploads/{upload.pk}/"}, message=_summary(counts))
    # Other processes (web workers, a restarted worker) start from the latest snapshot.
    matchindex.save_snapshot_if_stale()
    upload.refresh_from_db()
    return upload


def _summary(counts: dict[str, int]) -> str:
    return _("%(matched)s matched, %(review)s to review, %(new)s new, %(error)s with errors") % {
        "matched": counts.get(RowStatus.MATCHED, 0),
        "review": counts.get(RowStatus.REVIEW, 0),
        "new": counts.get(RowStatus.NEW, 0),
        "error": counts.get(RowStatus.ERROR, 0),
    }


def _fail(upload: ListUpload, message: str) -> ListUpload:
    ListUpload.objects.filter(pk=upload.pk).update(
        status=UploadStatus.FAILED, error=message, finished_at=timezone.now()
    )
    if upload.job_id is not None:
        fail_job(upload.job_id, message)
    upload.refresh_from_db()
    return upload


def _link_fields(details: dict[str, Any]) -> dict[str, Any]:
    return {
        "tier": details.get("tier") or 1,
        "products": details.get("products") or [],
        "spend_band": details.get("spend_band") or "",
        "volume": details.get("volume") or "",
        "reference": details.get("reference") or "",
        "start_date": date.fromisoformat(details["start_date"]) if details.get("start_date") else None,
        "end_date": date.fromisoformat(details["end_date"]) if details.get("end_date") else None,
    }


def _details(row: CleanRow) -> dict[str, Any]:
    return {
        "tier": row.tier,
        "products": list(row.products),
        "spend_band": row.spend_band,
        "volume": row.volume,
        "reference": row.reference,
        "sector": row.sector,
        "identifiers": dict(row.identifiers),
        "lat": row.lat,
        "lng": row.lng,
        "start_date": row.start_date.isoformat() if row.start_date else None,
        "end_date": row.end_date.isoformat() if row.end_date else None,
    } | ({"notes": [{"code": n.code, "params": n.params} for n in row.notes]} if row.notes else {})


@dataclass
class _NewSites:
    """Rows that create facilities are first matched against each other, so two
    spellings of one new site in the same file become one facility."""

    matcher: Matcher
    facilities: dict[str, Facility]
    #: The member whose list this is: the sites it creates are provisional, introduced by it.
    introduced_by: Organisation | None = None

    @classmethod
    def empty(cls, thresholds: Any, introduced_by: Organisation | None = None) -> _NewSites:
        return cls(Matcher(MatchIndex(), thresholds), {}, introduced_by)

    def find_or_create(self, row: CleanRow) -> tuple[Facility, bool]:
        record = _record_for(row)
        if len(self.matcher.index):
            result = self.matcher.match(record)
            if result.decision == "match" and result.registry_id in self.facilities:
                return self.facilities[result.registry_id], False
        facility = _new_facility(
            name=row.name,
            address=row.address,
            country=row.country,
            lat=row.lat,
            lng=row.lng,
            sector=row.sector,
            products=row.products,
            identifiers=dict(row.identifiers),
            notify=False,  # _write_results sends one signal for the whole upload
            introduced_by=self.introduced_by,
        )
        self.facilities[facility.public_id] = facility
        self.matcher.index.add(Record(facility.public_id, row.name, row.address, row.country, dict(row.identifiers)))
        return facility, True


def _previous_rows(upload: ListUpload) -> tuple[dict[str, Facility], dict[str, list[dict[str, Any]]]]:
    """How the list's previous version settled each row, by the row's matching key: the site
    it was linked to, or the candidates it is waiting in review with.

    The same row read again lands on the same site, whatever settled it then (a sure match,
    a new site, a reviewer's choice), and a row still waiting for a person keeps waiting rather
    than turning into a new site (scores move a little as the register grows): a list uploaded
    again creates nothing.
    """
    previous = (
        ListUpload.objects.filter(
            supplier_list=upload.supplier_list,
            status__in=[UploadStatus.DONE, UploadStatus.CONFIRM],
            version__lt=upload.version,
        )
        .order_by("-version")
        .first()
    )
    if previous is None:
        return {}, {}
    found: dict[str, Facility] = {}
    waiting: dict[str, list[dict[str, Any]]] = {}
    rows = previous.rows.filter(status__in=[RowStatus.MATCHED, RowStatus.NEW, RowStatus.REVIEW])
    for row in rows.select_related("facility").order_by("row_number"):
        key = row_key(Record("", row.name, row.address, row.country))
        if row.status == RowStatus.REVIEW:
            waiting.setdefault(key, row.candidates)
            continue
        facility = resolve_merged(row.facility) if row.facility is not None else None
        if facility is not None and facility.status == FacilityStatus.ACTIVE:
            found.setdefault(key, facility)
    return found, waiting


def _tie_winner(
    result: MatchResult, thresholds: Thresholds, facilities: dict[str, Facility], linked: set[int]
) -> Facility | None:
    """The canonical record when a row went to review only because sure candidates tied.

    Two records of one site score alike, so the margin rule sends the row to review. If the
    tied records are one site after merges, or exactly one of them is in the member's chain
    already, that one is the site (and a sure match on its own); otherwise a person decides.
    """
    if result.decision != "review" or not result.candidates:
        return None
    best = result.candidates[0].score
    tied = [c for c in result.candidates if best - c.score < thresholds.margin and c.registry_id in facilities]
    if len(tied) < 2:  # in review for another reason than a tie: a person decides
        return None
    sure = {c.registry_id for c in tied if c.score >= thresholds.match and site_confirmed(c.features, c.score)}
    records = {c.registry_id: resolve_merged(facilities[c.registry_id]) for c in tied}
    sites = {f.pk: f for f in records.values() if f.status == FacilityStatus.ACTIVE}
    if len(sites) == 1 and sure:
        return next(iter(sites.values()))
    chosen = [f for f in sites.values() if f.pk in linked]
    if len(chosen) == 1 and any(records[fid].pk == chosen[0].pk for fid in sure):
        return chosen[0]
    return None


def _write_results(
    upload: ListUpload,
    rows: Sequence[CleanRow],
    errors: Sequence[Any],
    results: Sequence[MatchResult],
    matcher: Matcher,
) -> dict[str, int]:
    org = upload.org
    wanted = {r.registry_id for r in results if r.registry_id}
    wanted |= {c.registry_id for r in results for c in r.candidates[:REVIEW_CANDIDATES]}
    facilities = {f.public_id: f for f in Facility.objects.filter(public_id__in=wanted)}
    new_sites = _NewSites.empty(matcher.thresholds, introduced_by=org)
    links = {link.facility_id: link for link in SupplyLink.objects.select_for_update().filter(org=org)}
    list_rows: list[ListRow] = []
    counts: dict[str, int] = {RowStatus.MATCHED: 0, RowStatus.REVIEW: 0, RowStatus.NEW: 0, RowStatus.ERROR: 0}
    seen_facilities: dict[int, CleanRow] = {}
    previous_sites, previous_review = _previous_rows(upload)
    linked = set(SupplyLink.objects.active().filter(org=org).values_list("facility_id", flat=True))

    for row, result in zip(rows, results, strict=True):
        details = _details(row)
        target = facilities.get(result.registry_id or "")
        if target is not None:
            target = resolve_merged(target)
        status = RowStatus.MATCHED
        candidates: list[dict[str, Any]] = []
        key = row_key(_record_for(row))
        settled = previous_sites.get(key) or _tie_winner(result, matcher.thresholds, facilities, linked)
        # A row still waiting for a person stays waiting, unless a person has since decided it.
        waiting = key in previous_review and not (result.candidates and result.candidates[0].features.get("remembered"))
        if settled is not None:
            facility: Facility | None = settled
        elif not waiting and result.decision == "match" and target and target.status == FacilityStatus.ACTIVE:
            facility = target
        elif (result.decision == "review" and target is not None) or waiting:
            status, facility = RowStatus.REVIEW, None
            candidates = [
                {"id": c.registry_id, "score": round(c.score, 4), "features": c.features}
                for c in result.candidates[:REVIEW_CANDIDATES]
                if c.registry_id in facilities
            ] or previous_review.get(key, [])
        else:
            facility, created = new_sites.find_or_create(row)
            status = RowStatus.NEW if created else RowStatus.MATCHED
        if facility is not None:
            if facility.pk in seen_facilities:
                counts[RowStatus.ERROR] += 1
                params = {"row": row.row_number, "first_row": seen_facilities[facility.pk].row_number}
                details |= {"code": "same_site", "params": params}
                error = row_error_text("same_site", params)
                list_rows.append(_list_row(upload, row, details, RowStatus.ERROR, error=error))
                continue
            seen_facilities[facility.pk] = row
            _upsert_link(links, org.pk, facility, details, upload)
        counts[status] += 1
        list_rows.append(
            _list_row(upload, row, details, status, facility=facility, score=result.score, candidates=candidates)
        )
    for err in errors:
        counts[RowStatus.ERROR] += 1
        list_rows.append(
            ListRow(
                upload=upload,
                org=org,
                row_number=err.row_number,
                # What the file said stays on the row, so the error still shows which site it is about.
                name=err.name[:300],
                address=err.address[:500],
                country=parse_country(err.country) or "" if err.country else "",
                status=RowStatus.ERROR,
                error=err.message[:300],
                details={"code": err.code, "params": err.params, "field": err.field}
                | ({"country_text": err.country} if err.country else {}),
            )
        )
    list_rows.sort(key=lambda r: r.row_number)
    ListRow.objects.bulk_create(list_rows, batch_size=1000)
    new_links = [link for link in links.values() if link.pk is None]
    SupplyLink.objects.bulk_create(new_links, batch_size=1000)
    changed = [link for link in links.values() if link.pk is not None and getattr(link, "_changed", False)]
    SupplyLink.objects.bulk_update(
        changed,
        [
            "tier",
            "products",
            "spend_band",
            "volume",
            "reference",
            "start_date",
            "end_date",
            "source_upload",
            "updated_at",
        ],
        batch_size=1000,
    )
    diff = _diff_with_previous(upload, list_rows)
    # A full list that would end links waits for the member to say so: links never end silently.
    pending = _pending_ends(upload) if upload.mode == UploadMode.FULL else []
    if pending:
        diff["pending_ends"] = pending
    # An older version still waiting is answered by this one (its links are weighed again here).
    ListUpload.objects.filter(
        supplier_list=upload.supplier_list, status=UploadStatus.CONFIRM, version__lt=upload.version
    ).update(status=UploadStatus.DONE, mode=UploadMode.ADDITIONS)
    upload.status = UploadStatus.CONFIRM if pending else UploadStatus.DONE
    upload.counts = {str(k): v for k, v in counts.items()} | {"rows": len(list_rows)}
    upload.diff = diff
    upload.finished_at = timezone.now()
    upload.save(update_fields=["status", "counts", "diff", "finished_at"])
    actor = Actor(user=upload.uploaded_by, org=org, role=None, via="task")
    audit.record(
        actor,
        "registry.list.processed",
        obj=upload,
        summary={
            "counts": upload.counts,
            "added": len(diff["added"]),
            "dropped": len(diff["dropped"]),
            "changed": len(diff["changed"]),
            "mode": upload.mode,
            "links_to_end": len(pending),
        },
    )
    # Sites another organisation introduced that this list matched are confirmed by it.
    matched_ids = {r.facility_id for r in list_rows if r.status == RowStatus.MATCHED and r.facility_id}
    _confirm_linked_by_others(actor, org.pk, matched_ids)
    if new_sites.facilities:
        facilities_changed.send(sender=Facility, facility_ids=[f.pk for f in new_sites.facilities.values()])
    return counts


def _list_row(
    upload: ListUpload,
    row: CleanRow,
    details: dict[str, Any],
    status: str,
    *,
    facility: Facility | None = None,
    score: float | None = None,
    candidates: list[dict[str, Any]] | None = None,
    error: str = "",
) -> ListRow:
    return ListRow(
        upload=upload,
        org=upload.org,
        row_number=row.row_number,
        name=row.name[:300],
        address=row.address[:500],
        country=row.country,
        reference=row.reference[:100],
        details=details,
        status=status,
        facility=facility,
        score=score,
        candidates=candidates or [],
        error=error,
    )


def _upsert_link(
    links: dict[int, SupplyLink], org_id: int, facility: Facility, details: dict[str, Any], upload: ListUpload
) -> SupplyLink:
    fields = _link_fields(details)
    link = links.get(facility.pk)
    if link is None:
        link = SupplyLink(org_id=org_id, facility=facility, source_upload=upload, **fields)
        links[facility.pk] = link
        return link
    for key, value in fields.items():
        if getattr(link, key) != value:
            setattr(link, key, value)
            link._changed = True  # type: ignore[attr-defined]
    if link.source_upload_id != upload.pk:
        link.source_upload = upload
        link._changed = True  # type: ignore[attr-defined]
    if getattr(link, "_changed", False):
        link.updated_at = timezone.now()
    return link


def _row_key(row: ListRow) -> str:
    if row.facility_id:
        return f"f{row.facility_id}"
    return f"r:{row.country}:{row.name.casefold()}:{row.address.casefold()}"


def _diff_with_previous(upload: ListUpload, rows: Sequence[ListRow]) -> dict[str, Any]:
    """What changed since the previous version of the same list."""
    previous = (
        ListUpload.objects.filter(
            supplier_list=upload.supplier_list,
            status__in=[UploadStatus.DONE, UploadStatus.CONFIRM],
            version__lt=upload.version,
        )
        .order_by("-version")
        .first()
    )
    if previous is None:
        return {"previous_version": None, "added": [], "dropped": [], "changed": []}
    old = {_row_key(r): r for r in previous.rows.exclude(status=RowStatus.ERROR).select_related("facility")}
    new = {_row_key(r): r for r in rows if r.status != RowStatus.ERROR}

    def label(r: ListRow) -> dict[str, Any]:
        return {
            "row": r.row_number,
            "name": r.name,
            "country": r.country,
            "facility": r.facility.public_id if r.facility else None,
        }

    added = [label(new[k]) for k in new.keys() - old.keys()]
    dropped = [label(old[k]) for k in old.keys() - new.keys()]
    changed = []
    for key in new.keys() & old.keys():
        before, after = old[key].details, new[key].details
        fields = [f for f in ("tier", "products", "spend_band", "volume") if before.get(f) != after.get(f)]
        if fields:
            changed.append(label(new[key]) | {"fields": {f: [before.get(f), after.get(f)] for f in fields}})
    for items in (added, dropped, changed):
        items.sort(key=lambda x: x["row"])
    return {"previous_version": previous.version, "added": added, "dropped": dropped, "changed": changed}


def _pending_ends(upload: ListUpload) -> list[dict[str, Any]]:
    """The links a full list would end: active links that came from an earlier version of the
    same list and whose site no row of this version names (every row that names a site has
    just made this upload the link's source). Links added by hand or from other lists stay."""
    links = (
        SupplyLink.objects.active()
        .filter(org=upload.org, source_upload__supplier_list=upload.supplier_list)
        .exclude(source_upload=upload)
        .select_related("facility")
        .order_by("facility__name", "pk")
    )
    return [
        {
            "link": link.pk,
            "facility": link.facility.public_id,
            "name": link.facility.name,
            "country": link.facility.country,
            "tier": link.tier,
            "spend_band": link.spend_band,
        }
        for link in links
    ]


@transaction.atomic
def decide_link_ends(actor: Actor, upload: ListUpload, *, end_links: bool) -> ListUpload:
    """The member answers a full list that would end links: end them, or keep them all
    (the upload then counts as additions). Either way the upload is done and the answer recorded."""
    _require_member_editor(actor)
    if upload.org_id != actor.require_org().pk:
        raise PermissionDenied
    upload = ListUpload.objects.select_for_update().select_related("supplier_list").get(pk=upload.pk)
    if upload.status != UploadStatus.CONFIRM:
        raise Conflict(_("This upload is not waiting for you to confirm anything."))
    pending = list(upload.diff.get("pending_ends", []))
    ended = 0
    if end_links:
        # Only links still active: one ended or re-dated meanwhile keeps what it has. A link is
        # active through its end date, so the last day is yesterday: from now on none counts.
        ended = (
            SupplyLink.objects.active()
            .filter(org=upload.org, pk__in=[p["link"] for p in pending])
            .update(end_date=timezone.localdate() - timedelta(days=1), updated_at=timezone.now())
        )
    else:
        upload.mode = UploadMode.ADDITIONS
    upload.status = UploadStatus.DONE
    upload.diff = upload.diff | {"ends_decision": "ended" if end_links else "kept", "links_ended": ended}
    upload.save(update_fields=["status", "mode", "diff"])
    audit.record(
        actor,
        "registry.list.links_ended" if end_links else "registry.list.links_kept",
        obj=upload,
        summary={
            "list": upload.supplier_list.name,
            "version": upload.version,
            "links": len(pending),
            "ended": ended,
            "facilities": [p["facility"] for p in pending][:100],
        },
    )
    return upload


# --- Review ---------------------------------------------------------------------------


def _require_row(actor: Actor, row: ListRow) -> None:
    _require_member_editor(actor)
    if row.org_id != actor.require_org().pk:
        raise PermissionDenied
    if row.status != RowStatus.REVIEW:
        raise Conflict(_("This row was already decided."))


def _feedback(row: ListRow, facility_public_id: str, confirmed: bool) -> None:
    fb = MatchFeedback.objects.create(
        name=row.name, address=row.address, country=row.country, facility_id=facility_public_id, confirmed=confirmed
    )
    _log_change(RegistryChange.Kind.FEEDBACK, facility_public_id, feedback=fb)


def _decide(actor: Actor, row: ListRow, facility: Facility, status: str) -> None:
    row.status = status
    row.facility = facility
    row.decided_by = actor.user
    row.decided_at = timezone.now()
    links = {link.facility_id: link for link in SupplyLink.objects.filter(org=row.org, facility=facility)}
    link = _upsert_link(links, row.org_id, facility, row.details, row.upload)
    # What this decision did, so that undo_decision can take back exactly that and no more.
    row.details = row.details | {"decision": {"link_created": link.pk is None}}
    row.save(update_fields=["status", "facility", "decided_by", "decided_at", "details"])
    if link.pk is None or getattr(link, "_changed", False):
        link.save()
    _confirm_linked_by_others(actor, row.org_id, [facility.pk])


@transaction.atomic
def confirm_row(actor: Actor, row: ListRow, facility: Facility, *, searched: bool = False) -> ListRow:
    """The reviewer picks a candidate. The other candidates count as rejected.

    ``searched``: the reviewer found ``facility`` by searching the register (none of the
    candidates was it), so it need not be among them; it must be an active site.
    """
    _require_row(actor, row)
    facility = resolve_merged(facility)
    candidate_ids = [c["id"] for c in row.candidates]
    if facility.public_id not in candidate_ids and not searched:
        raise ValidationError(_("Pick one of the suggested facilities, or create a new one."))
    if facility.status != FacilityStatus.ACTIVE:
        raise ValidationError(_("%(id)s is no longer an active site.") % {"id": facility.public_id})
    alias_existed = FacilityAlias.objects.filter(facility=facility, name=row.name[:300], address=row.address[:500])
    new_alias = (row.name, row.address) != (facility.name, facility.address) and not alias_existed.exists()
    _decide(actor, row, facility, RowStatus.MATCHED)
    if new_alias:
        row.details["decision"]["alias_created"] = True
        row.save(update_fields=["details"])
    _feedback(row, facility.public_id, confirmed=True)
    for other in candidate_ids:
        if other != facility.public_id:
            _feedback(row, other, confirmed=False)
    if (row.name, row.address) != (facility.name, facility.address):
        FacilityAlias.objects.get_or_create(
            facility=facility, name=row.name[:300], address=row.address[:500], defaults={"source": "review"}
        )
        _log_change(RegistryChange.Kind.UPSERT, facility.public_id)
    audit.record(
        actor, "registry.review.confirmed", obj=row, object_repr=row.name, summary={"facility": facility.public_id}
    )
    return row


@transaction.atomic
def reject_candidate(actor: Actor, row: ListRow, facility_public_id: str) -> ListRow:
    """The reviewer says: not this one. The row stays in review with the other candidates."""
    _require_row(actor, row)
    remaining = [c for c in row.candidates if c["id"] != facility_public_id]
    if len(remaining) == len(row.candidates):
        raise ValidationError(_("That facility is not among this row's candidates."))
    rejected = [c for c in row.candidates if c["id"] == facility_public_id]
    row.candidates = remaining
    # Kept (in order) so that the reviewer can take "not this one" back (undo_decision).
    row.details = row.details | {"rejected": [*row.details.get("rejected", []), *rejected]}
    row.save(update_fields=["candidates", "details"])
    _feedback(row, facility_public_id, confirmed=False)
    audit.record(
        actor, "registry.review.rejected", obj=row, object_repr=row.name, summary={"facility": facility_public_id}
    )
    return row


@transaction.atomic
def create_facility_from_row(actor: Actor, row: ListRow) -> ListRow:
    """None of the candidates is this site: add it to the register."""
    _require_row(actor, row)
    details = row.details
    facility = _new_facility(
        name=row.name,
        address=row.address,
        country=row.country,
        lat=details.get("lat"),
        lng=details.get("lng"),
        sector=details.get("sector") or "",
        products=details.get("products") or [],
        identifiers=details.get("identifiers") or {},
        introduced_by=row.org,
    )
    for candidate in row.candidates:
        _feedback(row, candidate["id"], confirmed=False)
    _decide(actor, row, facility, RowStatus.NEW)
    row.details["decision"]["facility_created"] = facility.public_id
    row.save(update_fields=["details"])
    audit.record(
        actor, "registry.review.created_new", obj=row, object_repr=row.name, summary={"facility": facility.public_id}
    )
    return row


def bulk_confirm_best(actor: Actor, rows: Iterable[ListRow]) -> int:
    """Confirm the top candidate of each row (the reviewer checked the page)."""
    done = 0
    for row in rows:
        # Only a candidate the page showed (after "not this one", a 0 % one is not shown).
        shown = _worth_showing(row.candidates, first_is_best=not row.details.get("rejected"))
        if row.status == RowStatus.REVIEW and shown and shown[0] is row.candidates[0]:
            facility = Facility.objects.get(public_id=row.candidates[0]["id"])
            confirm_row(actor, row, facility)
            done += 1
    return done


# --- Links, edges, preferences ---------------------------------------------------------


@transaction.atomic
def update_link(actor: Actor, link: SupplyLink, **fields: Any) -> SupplyLink:
    _require_member_editor(actor)
    if link.org_id != actor.require_org().pk:
        raise PermissionDenied
    allowed = {"tier", "products", "spend_band", "volume", "reference", "start_date", "end_date"}
    changes: dict[str, list[Any]] = {}
    for key, value in fields.items():
        if key not in allowed:
            raise ValidationError(f"{key} cannot be changed here")
        if getattr(link, key) != value:
            changes[key] = [getattr(link, key), value]
            setattr(link, key, value)
    if link.tier < 1:
        raise ValidationError(_("Tier must be 1 or more."))
    if link.start_date and link.end_date and link.end_date < link.start_date:
        raise ValidationError(_("The end date is before the start date."))
    if changes:
        link.updated_at = timezone.now()
        link.save()
        audit.record(
            actor, "registry.link.updated", obj=link, object_repr=link.facility.public_id, summary={"changes": changes}
        )
    return link


@dataclass(frozen=True)
class SiteOutcome:
    """What :func:`add_site` did: ``linked_existing``, ``created`` (both with the link), or
    ``review`` (nothing written; the member picks one of ``candidates`` or asks for a new site)."""

    decision: str
    facility: Facility | None = None
    link: SupplyLink | None = None
    candidates: tuple[SiteCandidate, ...] = ()


def _clean_identifiers(identifiers: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for scheme, value in identifiers.items():
        if not value.strip():
            continue
        normalized = normalize_identifier(scheme, value)
        if normalized is None:
            raise ValidationError(_("%(value)s is not a valid %(scheme)s.") % {"value": value[:40], "scheme": scheme})
        found[scheme] = normalized
    return found


def _add_link(actor: Actor, org_id: int, facility: Facility, *, created: bool, **fields: Any) -> SupplyLink:
    if SupplyLink.objects.filter(org_id=org_id, facility=facility).exists():
        raise Conflict(_("%(id)s is already in your supply chain.") % {"id": facility.public_id})
    link = SupplyLink.objects.create(org_id=org_id, facility=facility, **fields)
    _confirm_linked_by_others(actor, org_id, [facility.pk])
    audit.record(
        actor,
        "registry.link.added",
        obj=link,
        object_repr=facility.public_id,
        summary={"facility": facility.public_id, "created": created, "tier": link.tier},
    )
    return link


@transaction.atomic
def add_site(
    actor: Actor,
    *,
    name: str,
    country: str,
    address: str = "",
    identifiers: dict[str, str] | None = None,
    tier: int = 1,
    products: Sequence[str] = (),
    spend_band: str = "",
    facility: Facility | None = None,
    create: bool = False,
) -> SiteOutcome:
    """A member adds one site to its chain by hand, as one row of a list would.

    With ``facility`` the member names the register site (a suggestion it picked): only its
    link is written. Otherwise the site is matched: a sure match is linked, an unsure one
    comes back as ``review`` with its candidates and writes nothing, and a site the register
    lacks is added to it (with the same checks as any typed site) and linked. ``create``
    adds it even when there were candidates: the member looked and none of them is this site.
    """
    org = actor.require_org()
    _require_member_editor(actor)
    if not 1 <= tier <= 10:
        raise ValidationError(_("Tier must be a whole number from 1 to 10."))
    if spend_band and spend_band not in SpendBand.values:
        raise ValidationError(_("Pick one of the spend bands."))
    link_fields: dict[str, Any] = {
        "tier": tier,
        "products": [p.strip()[:100] for p in products if p.strip()],
        "spend_band": spend_band,
    }
    if facility is not None:
        chosen = resolve_merged(facility)
        if chosen.status != FacilityStatus.ACTIVE:
            raise ValidationError(_("%(id)s is no longer an active site.") % {"id": chosen.public_id})
        return SiteOutcome("linked_existing", chosen, _add_link(actor, org.pk, chosen, created=False, **link_fields))
    parsed_country = parse_country(country)
    if parsed_country is None:
        raise ValidationError(_("'%(value)s' is not a country we know.") % {"value": country[:60]})
    _check_site_text(name, address)
    ids = _clean_identifiers(identifiers or {})
    if not create:
        found = match_site(actor, name=name, address=address, country=parsed_country, identifiers=ids)
        if found.facility is not None:
            chosen = resolve_merged(found.facility)
            return SiteOutcome(
                "linked_existing", chosen, _add_link(actor, org.pk, chosen, created=False, **link_fields)
            )
        if found.decision == "review" and found.candidates:
            return SiteOutcome("review", candidates=found.candidates)
    new = _new_facility(name=name, address=address, country=parsed_country, identifiers=ids, introduced_by=org)
    audit.record(
        actor,
        "registry.facility.created",
        obj=new,
        org_id=None,
        summary={"country": new.country, "source": "by hand"},
    )
    return SiteOutcome("created", new, _add_link(actor, org.pk, new, created=True, **link_fields))


@transaction.atomic
def add_edge(actor: Actor, *, supplier: Facility, buyer: Facility, products: Sequence[str] = ()) -> SupplyEdge:
    """Map beyond tier 1: ``supplier`` delivers to ``buyer``. One of the two must be in your chain."""
    org = actor.require_org()
    _require_member_editor(actor)
    if supplier.pk == buyer.pk:
        raise ValidationError(_("A site cannot supply itself."))
    if not SupplyLink.objects.filter(org=org, facility__in=[supplier, buyer]).exists():
        raise ValidationError(_("Link at least one of the two sites to your supply chain first."))
    edge, created = SupplyEdge.objects.get_or_create(
        org=org, supplier=supplier, buyer=buyer, defaults={"products": list(products)}
    )
    if created:
        audit.record(
            actor, "registry.edge.added", obj=edge, summary={"supplier": supplier.public_id, "buyer": buyer.public_id}
        )
    return edge


@transaction.atomic
def set_preferences(actor: Actor, *, visible_to_peers: bool, disclose_publicly: bool) -> RegistryPreferences:
    org = actor.require_kind(OrgKind.MEMBER)
    actor.require_admin()
    prefs, _created = RegistryPreferences.objects.get_or_create(org=org)
    changes = {}
    if prefs.visible_to_peers != visible_to_peers:
        changes["visible_to_peers"] = [prefs.visible_to_peers, visible_to_peers]
    if prefs.disclose_publicly != disclose_publicly:
        changes["disclose_publicly"] = [prefs.disclose_publicly, disclose_publicly]
    prefs.visible_to_peers = visible_to_peers
    prefs.disclose_publicly = disclose_publicly
    prefs.save()
    if changes:
        audit.record(actor, "registry.preferences.changed", obj=prefs, summary=changes)
    return prefs


class StalePreview(Conflict):
    """The disclosure list changed after the preview the publisher confirmed."""


@transaction.atomic
def publish_disclosure(actor: Actor, *, fingerprint: str | None = None) -> Publication:
    """Publish the sector's list of production locations.

    Every active site any member sources from, with its public id; no member
    data, except the names of members who chose to be named. ``fingerprint`` is
    the one of the preview the publisher saw (``selectors.disclosure_preview``):
    when the rows or the last publication changed since, nothing is published.
    """
    _require_register_keeper(actor)
    preview = disclosure_preview(actor)
    if fingerprint is not None and fingerprint != preview.fingerprint:
        raise StalePreview(_("The list changed since your preview. Check the new preview before you publish."))
    rows = preview.rows
    publication = Publication.objects.create(published_by=actor.user, facility_count=len(rows), data=rows)
    audit.record(
        actor,
        "registry.disclosure.published",
        obj=publication,
        summary={
            "facilities": len(rows),
            "added": len(preview.added),
            "removed": len(preview.removed),
            "changed": len(preview.changed),
            "newly_named": len(preview.newly_named),
            "no_longer_named": len(preview.no_longer_named),
        },
    )
    return publication


# --- The duplicates queue ------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateScan:
    facilities: int
    found: int
    new: int
    updated: int
    dropped: int
    seconds: float


def find_duplicates(
    actor: Actor, *, workers: int | None = None, progress: Callable[[int, int], None] | None = None
) -> DuplicateScan:
    """Scan the whole register for likely duplicates and bring the open pairs up to date."""
    _require_register_keeper(actor)
    return _scan_duplicates(actor, workers=workers, progress=progress)


def _scan_duplicates(
    actor: Actor, *, workers: int | None = None, progress: Callable[[int, int], None] | None = None
) -> DuplicateScan:
    started = time.perf_counter()
    matcher = matchindex.get_matcher()
    # The heavy part reads only; the pairs are written in one short transaction below.
    scan = duplicates.scan_register(
        matcher, workers=settings.MATCH_WORKERS if workers is None else workers, progress=progress
    )
    with transaction.atomic():
        counts = _store_pairs(scan.pairs)
        summary = {"facilities": scan.facilities, "found": len(scan.pairs), **counts}
        audit.record(actor, "registry.duplicates.scanned", object_type="registry.duplicatepair", summary=summary)
    return DuplicateScan(
        facilities=scan.facilities,
        found=len(scan.pairs),
        seconds=round(time.perf_counter() - started, 2),
        **counts,
    )


def _store_pairs(found: dict[tuple[int, int], duplicates.FoundPair]) -> dict[str, int]:
    """Create new pairs, refresh open ones, and drop open pairs that no longer hold.

    A dismissed or merged pair is never opened again. Facilities merged, closed or rejected
    while the scan ran are checked here, inside the transaction.
    """
    active = set(Facility.objects.filter(status=FacilityStatus.ACTIVE).values_list("pk", flat=True))
    existing = {(p.a_id, p.b_id): p for p in DuplicatePair.objects.all()}
    new: list[DuplicatePair] = []
    updated: list[DuplicatePair] = []
    kept: set[int] = set()
    for key, pair in found.items():
        if pair.a not in active or pair.b not in active:
            continue
        stored = existing.get(key)
        if stored is None:
            new.append(DuplicatePair(a_id=pair.a, b_id=pair.b, score=pair.score, features=pair.features))
        elif stored.status == DuplicateStatus.OPEN:
            kept.add(stored.pk)
            if stored.score != pair.score or stored.features != pair.features:
                stored.score, stored.features = pair.score, pair.features
                updated.append(stored)
    stale = [p.pk for p in existing.values() if p.status == DuplicateStatus.OPEN and p.pk not in kept]
    # Two scans at once (the command and the page) may both find a new pair: the first one stores it.
    DuplicatePair.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    DuplicatePair.objects.bulk_update(updated, ["score", "features"], batch_size=1000)
    for start in range(0, len(stale), 1000):
        DuplicatePair.objects.filter(pk__in=stale[start : start + 1000]).delete()
    return {"new": len(new), "updated": len(updated), "dropped": len(stale)}


def start_duplicate_scan(actor: Actor) -> Job:
    """Queue a scan of the whole register (a background task); the page follows its progress."""
    from covenant.registry.tasks import find_duplicates_task

    _require_register_keeper(actor)
    job = create_job(actor, "registry.duplicates", label=_("Looking for duplicate facilities"))
    with transaction.atomic():
        audit.record(actor, "registry.duplicates.scan_started", object_type="core.job", object_id=str(job.pk))
    transaction.on_commit(lambda: find_duplicates_task.enqueue(str(job.pk)))
    return job


def run_duplicate_scan_job(job_id: uuid.UUID | str) -> DuplicateScan:
    """The background task: the one who started it was checked then; the scan is recorded as theirs."""
    job = Job.objects.select_related("org", "created_by").get(pk=job_id)
    actor = Actor(user=job.created_by, org=job.org, role=None, via="task")
    try:
        scan = _scan_duplicates(actor, progress=_Progress(job.pk))
    except Exception:
        log.exception("Duplicate scan %s failed", job_id)
        fail_job(job_id, _("The scan failed; nothing was changed. Please try again."))
        raise
    finish_job(
        job_id,
        {"next_url": reverse("registry:duplicates")},
        message=_("%(found)s likely duplicate pairs (%(new)s new) among %(facilities)s facilities.")
        % {"found": scan.found, "new": scan.new, "facilities": scan.facilities},
    )
    return scan


@transaction.atomic
def dismiss_duplicate(actor: Actor, pair: DuplicatePair) -> DuplicatePair:
    """The two records are different sites: the pair is closed and no scan proposes it again."""
    _require_register_keeper(actor)
    pair = DuplicatePair.objects.select_for_update().select_related("a", "b").get(pk=pair.pk)
    if pair.status != DuplicateStatus.OPEN:
        raise Conflict(_("This pair was already decided."))
    pair.status = DuplicateStatus.DISMISSED
    pair.decided_by = actor.user
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor,
        "registry.duplicate.dismissed",
        obj=pair,
        summary={"a": pair.a.public_id, "b": pair.b.public_id, "score": pair.score},
    )
    return pair


# --- Taking decisions back; archiving and deleting lists -----------------------------------


def _require_own_row(actor: Actor, row: ListRow) -> None:
    _require_member_editor(actor)
    if row.org_id != actor.require_org().pk:
        raise PermissionDenied


def _unused_new_facility(facility: Facility, row: ListRow) -> bool:
    """True when ``facility`` (created by ``row``'s "new facility" decision) is used by nothing
    but that row and the link the decision made: no other row, link, edge, claim, alias from
    elsewhere, merge, duplicate pair or publication, and nobody confirmed it."""
    from covenant.registry.models import Confirmation, DuplicatePair

    if facility.status != FacilityStatus.ACTIVE or facility.owner_id is not None:
        return False
    if facility.confirmation in {Confirmation.SECOND_LIST, Confirmation.CLAIM, Confirmation.SECRETARIAT}:
        return False
    if ListRow.objects.filter(facility=facility).exclude(pk=row.pk).exists():
        return False
    if SupplyLink.objects.filter(facility=facility).exclude(org_id=row.org_id).exists():
        return False
    if SupplyEdge.objects.filter(supplier=facility).exists() or SupplyEdge.objects.filter(buyer=facility).exists():
        return False
    if FacilityClaim.objects.filter(facility=facility).exists() or facility.merged_from.exists():
        return False
    if DuplicatePair.objects.filter(a=facility).exists() or DuplicatePair.objects.filter(b=facility).exists():
        return False
    if facility.aliases.exclude(source="review").exists():
        return False
    # A published id must keep resolving for whoever downloaded the public list.
    for data in Publication.objects.filter(published_at__gte=facility.created_at).values_list("data", flat=True):
        if any(item.get("id") == facility.public_id for item in data):
            return False
    return True


@transaction.atomic
def undo_decision(actor: Actor, row: ListRow) -> ListRow:
    """Take a reviewer's decision back: the row is in review again, with its candidates.

    - "This is it" / "add as a new facility": the row goes back to review. The link the
      decision created is deleted unless another of the member's rows names the same site
      (a link that existed before the decision stays, as it was before). The alias the
      confirmation added to the register is removed.
    - "Not this one" on a row still in review: the last rejected candidate is offered again.

    A facility the "new facility" decision created is removed from the register again only
    when nothing else uses it (see :func:`_unused_new_facility`): then it existed for this row
    alone, and leaving it would leave a site nobody vouches for in the shared register. If
    anything else (another member's row or link, an edge, a claim, a merge, a publication)
    uses it, it stays: other participants may rely on it. The matcher's memory of the
    decision is not erased: the reviewer's next decision on the row supersedes it.
    """
    _require_own_row(actor, row)
    row = ListRow.objects.select_for_update(of=("self",)).select_related("facility").get(pk=row.pk)
    if row.status == RowStatus.REVIEW:
        rejected = list(row.details.get("rejected", []))
        if not rejected:
            raise Conflict(_("There is no decision on this row to undo."))
        restored = rejected.pop()
        row.candidates = sorted([*row.candidates, restored], key=lambda c: -float(c.get("score", 0)))
        row.details = row.details | {"rejected": rejected}
        row.save(update_fields=["candidates", "details"])
        audit.record(
            actor, "registry.review.undone", obj=row, object_repr=row.name, summary={"restored": restored["id"]}
        )
        return row
    decision = row.details.get("decision")
    if row.status not in {RowStatus.MATCHED, RowStatus.NEW} or row.decided_at is None or decision is None:
        raise Conflict(_("Only a decision made in review can be undone; this row was matched automatically."))
    facility = row.facility
    summary: dict[str, Any] = {"status": row.status, "facility": facility.public_id if facility else None}
    row.status = RowStatus.REVIEW
    row.facility = None
    row.decided_by = None
    row.decided_at = None
    row.details = {k: v for k, v in row.details.items() if k != "decision"}
    row.save(update_fields=["status", "facility", "decided_by", "decided_at", "details"])
    if facility is not None:
        others = ListRow.objects.filter(org_id=row.org_id, facility=facility).exclude(pk=row.pk)
        if decision.get("link_created") and not others.exists():
            summary["links_removed"] = SupplyLink.objects.filter(org_id=row.org_id, facility=facility).delete()[0]
        if decision.get("alias_created"):
            FacilityAlias.objects.filter(
                facility=facility, name=row.name[:300], address=row.address[:500], source="review"
            ).delete()
            _log_change(RegistryChange.Kind.UPSERT, facility.public_id)
        if decision.get("facility_created") == facility.public_id and _unused_new_facility(facility, row):
            SupplyLink.objects.filter(facility=facility).delete()
            public_id = facility.public_id
            facility.delete()
            _log_change(RegistryChange.Kind.REMOVE, public_id)
            summary["facility_removed"] = public_id
    audit.record(actor, "registry.review.undone", obj=row, object_repr=row.name, summary=summary)
    return row


def _list_links(supplier_list: SupplierList) -> QuerySet[SupplyLink]:
    return SupplyLink.objects.active().filter(org_id=supplier_list.org_id, source_upload__supplier_list=supplier_list)


@transaction.atomic
def archive_list(actor: Actor, supplier_list: SupplierList) -> int:
    """The member no longer uses this list: the active links that came from it end (their
    last day was yesterday), and the list is hidden from the lists page. Returns how many ended."""
    _require_member_editor(actor)
    if supplier_list.org_id != actor.require_org().pk:
        raise PermissionDenied
    supplier_list = SupplierList.objects.select_for_update().get(pk=supplier_list.pk)
    if supplier_list.archived_at is not None:
        raise Conflict(_("This list is already archived."))
    # The end date reads "until, that day included": yesterday, so the links no longer count
    # from today on (in the chain, risk, coverage and disclosure).
    yesterday = timezone.localdate() - timedelta(days=1)
    ended: int = _list_links(supplier_list).update(end_date=yesterday, updated_at=timezone.now())
    supplier_list.archived_at = timezone.now()
    supplier_list.save(update_fields=["archived_at"])
    audit.record(
        actor, "registry.list.archived", obj=supplier_list, summary={"name": supplier_list.name, "links_ended": ended}
    )
    return ended


def list_deletion_blockers(supplier_list: SupplierList) -> list[str]:
    """Why the list cannot be deleted (nothing: it can)."""
    reasons = []
    links = _list_links(supplier_list).count()
    if links:
        reasons.append(
            ngettext(
                "%(n)s active link to a site comes from this list: archive the list first, which ends it.",
                "%(n)s active links to sites come from this list: archive the list first, which ends them.",
                links,
            )
            % {"n": links}
        )
    busy = supplier_list.uploads.filter(
        status__in=[UploadStatus.QUEUED, UploadStatus.PROCESSING, UploadStatus.CONFIRM]
    ).count()
    if busy:
        reasons.append(_("An upload of this list is still being matched or waits for your confirmation."))
    return reasons


@transaction.atomic
def delete_list(actor: Actor, supplier_list: SupplierList) -> None:
    """Delete a list with its uploads and rows, when nothing depends on it.

    Links that came from it and have ended stay (they are the member's history) and only
    lose the note of which upload they came from; facilities created from its rows stay in
    the register (other members may use them).
    """
    _require_member_editor(actor)
    if supplier_list.org_id != actor.require_org().pk:
        raise PermissionDenied
    supplier_list = SupplierList.objects.select_for_update().get(pk=supplier_list.pk)
    reasons = list_deletion_blockers(supplier_list)
    if reasons:
        raise Conflict(reasons)
    uploads = list(supplier_list.uploads.all())
    rows = ListRow.objects.filter(upload__supplier_list=supplier_list).count()
    summary = {"name": supplier_list.name, "versions": len(uploads), "rows": rows}
    audit.record(actor, "registry.list.deleted", obj=supplier_list, summary=summary)
    files = [u.file.name for u in uploads if u.file and u.file.name]
    supplier_list.delete()
    # The stored files go once the deletion is committed (a rollback must find them still there).
    storage = ListUpload._meta.get_field("file").storage  # type: ignore[attr-defined]

    def remove_files() -> None:
        for name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)

"""Writes to the register and to members' supply chains.

Uploads are processed in two phases: the heavy part (reading the file and
matching every row) happens outside any transaction and reports progress; the
results are then written in one transaction, so a failure leaves no trace.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from covenant.core import audit
from covenant.core.actors import Actor
from covenant.core.errors import Conflict
from covenant.core.services import create_job, fail_job, finish_job, report_progress
from covenant.matching import Matcher, MatchIndex, MatchResult, Record
from covenant.orgs.models import OrgKind
from covenant.registry import matchindex
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
    UploadStatus,
)
from covenant.registry.selectors import SiteCandidate, disclosure_rows, match_site, resolve_merged
from covenant.registry.signals import facilities_changed, facility_merged

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
) -> Facility:
    """Create one facility; ``notify=False`` when the caller sends ``facilities_changed`` for a batch.

    Every path that adds one site comes through here, so the register only ever holds
    normalised text (NFC, no control, bidi or zero-width characters, spaces collapsed).
    """
    facility = Facility.objects.create(
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
    survivor.updated_at = timezone.now()
    survivor.save()
    loser.status = FacilityStatus.MERGED
    loser.merged_into = survivor
    loser.updated_at = timezone.now()
    loser.save(update_fields=["status", "merged_into", "updated_at"])
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
        FacilityClaim.objects.filter(facility=facility, status=ClaimStatus.PENDING).exclude(pk=claim.pk).update(
            status=ClaimStatus.REJECTED, decided_at=timezone.now(), decision_note="another claim was verified"
        )
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
    return supplier_list


def start_upload(
    actor: Actor, supplier_list: SupplierList, *, filename: str, data: bytes, background: bool = True
) -> ListUpload:
    """Store a new version of a list and read its header.

    If every required column is recognised the upload is queued for matching
    at once; otherwise it waits for the person to map the columns. A file that
    cannot be read at all is refused here, before anything is stored. With
    ``background=False`` nothing is handed to the worker: the caller (the demo
    seed, a command) runs :func:`process_upload` itself.
    """
    _require_member_editor(actor)
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
            summary={"list": supplier_list.name, "version": version, "rows": len(table.rows), "file": filename},
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

    @classmethod
    def empty(cls, thresholds: Any) -> _NewSites:
        return cls(Matcher(MatchIndex(), thresholds), {})

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
        )
        self.facilities[facility.public_id] = facility
        self.matcher.index.add(Record(facility.public_id, row.name, row.address, row.country, dict(row.identifiers)))
        return facility, True


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
    new_sites = _NewSites.empty(matcher.thresholds)
    links = {link.facility_id: link for link in SupplyLink.objects.select_for_update().filter(org=org)}
    list_rows: list[ListRow] = []
    counts: dict[str, int] = {RowStatus.MATCHED: 0, RowStatus.REVIEW: 0, RowStatus.NEW: 0, RowStatus.ERROR: 0}
    seen_facilities: dict[int, CleanRow] = {}

    for row, result in zip(rows, results, strict=True):
        details = _details(row)
        target = facilities.get(result.registry_id or "")
        if target is not None:
            target = resolve_merged(target)
        status = RowStatus.MATCHED
        candidates: list[dict[str, Any]] = []
        if result.decision == "match" and target is not None and target.status == FacilityStatus.ACTIVE:
            facility: Facility | None = target
        elif result.decision == "review" and target is not None:
            status, facility = RowStatus.REVIEW, None
            candidates = [
                {"id": c.registry_id, "score": round(c.score, 4), "features": c.features}
                for c in result.candidates[:REVIEW_CANDIDATES]
                if c.registry_id in facilities
            ]
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
                status=RowStatus.ERROR,
                error=err.message[:300],
                details={"code": err.code, "params": err.params, "field": err.field},
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
    _end_dropped_links(upload, diff)
    upload.status = UploadStatus.DONE
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
        },
    )
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
            supplier_list=upload.supplier_list, status=UploadStatus.DONE, version__lt=upload.version
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


def _end_dropped_links(upload: ListUpload, diff: dict[str, Any]) -> None:
    """Sites dropped from a new version of a list stop being linked (end-dated, not deleted)."""
    dropped = [d["facility"] for d in diff["dropped"] if d["facility"]]
    if not dropped:
        return
    # Active ones only: a link that already ended keeps its end date; one that was to end
    # later ends today, as the list no longer names the site.
    SupplyLink.objects.active().filter(
        org=upload.org,
        facility__public_id__in=dropped,
        source_upload__supplier_list=upload.supplier_list,
    ).update(end_date=timezone.localdate(), updated_at=timezone.now())


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
    row.save(update_fields=["status", "facility", "decided_by", "decided_at"])
    links = {link.facility_id: link for link in SupplyLink.objects.filter(org=row.org, facility=facility)}
    link = _upsert_link(links, row.org_id, facility, row.details, row.upload)
    if link.pk is None or getattr(link, "_changed", False):
        link.save()


@transaction.atomic
def confirm_row(actor: Actor, row: ListRow, facility: Facility) -> ListRow:
    """The reviewer picks a candidate. The other candidates count as rejected."""
    _require_row(actor, row)
    facility = resolve_merged(facility)
    candidate_ids = [c["id"] for c in row.candidates]
    if facility.public_id not in candidate_ids:
        raise ValidationError(_("Pick one of the suggested facilities, or create a new one."))
    _decide(actor, row, facility, RowStatus.MATCHED)
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
    row.candidates = remaining
    row.save(update_fields=["candidates"])
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
    )
    for candidate in row.candidates:
        _feedback(row, candidate["id"], confirmed=False)
    _decide(actor, row, facility, RowStatus.NEW)
    audit.record(
        actor, "registry.review.created_new", obj=row, object_repr=row.name, summary={"facility": facility.public_id}
    )
    return row


def bulk_confirm_best(actor: Actor, rows: Iterable[ListRow]) -> int:
    """Confirm the top candidate of each row (the reviewer checked the page)."""
    done = 0
    for row in rows:
        if row.status == RowStatus.REVIEW and row.candidates:
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
    new = _new_facility(name=name, address=address, country=parsed_country, identifiers=ids)
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


@transaction.atomic
def publish_disclosure(actor: Actor) -> Publication:
    """Publish the sector's list of production locations.

    Every active site any member sources from, with its public id; no member
    data, except the names of members who chose to be named.
    """
    _require_register_keeper(actor)
    rows = disclosure_rows()
    publication = Publication.objects.create(published_by=actor.user, facility_count=len(rows), data=rows)
    audit.record(actor, "registry.disclosure.published", obj=publication, summary={"facilities": len(rows)})
    return publication

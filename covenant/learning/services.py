"""Writes of the learning library: validate, write in a transaction, record on the audit trail,
tell people after the commit.

A member's tool is private to its organisation until the secretariat approves it. What others
rely on is not silently changed: a published tool is never edited; a change is a new submission
that, once approved, supersedes it (the old version stays readable, marked as replaced).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from covenant.core import audit
from covenant.core.actors import Actor
from covenant.core.errors import Conflict
from covenant.core.mail import Recipient, after_commit
from covenant.core.roles import OrgKind, Role
from covenant.learning import files, library
from covenant.learning.models import Progress, ProgressStatus, Resource, ResourceStatus, ResourceStep
from covenant.learning.selectors import CONTRIBUTOR_KINDS
from covenant.orgs.models import Organisation
from covenant.orgs.selectors import people_to_tell
from covenant.risk import interface as risk
from covenant.risk.models import Topic


@dataclass
class ContributionInput:
    kind: str
    title: str
    licence: str
    language: str
    summary: str = ""
    topics: Sequence[str] = ()
    steps: Sequence[int] = ()
    url: str = ""
    file_name: str = ""
    file_data: bytes | None = None
    licence_url: str = ""
    publisher: str = ""
    sme_friendly: bool = False


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    keys: list[str] = field(default_factory=list)


def _store(name: str, data: bytes, extension: str) -> str:
    today = timezone.localdate()
    stem = "".join(c if c.isalnum() or c in "._-" else "_" for c in name.rsplit(".", 1)[0][-60:]) or "tool"
    return default_storage.save(f"learning/{today:%Y/%m}/{uuid.uuid4().hex}-{stem}.{extension}", ContentFile(data))


def _topics(codes: Sequence[str]) -> list[Topic]:
    wanted = set(codes)
    found = list(Topic.objects.filter(code__in=wanted))
    unknown = wanted - {t.code for t in found}
    if unknown:
        raise ValidationError(_("Unknown topics: %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
    return found


def _set_steps(resource: Resource, steps: Sequence[int]) -> None:
    wanted = set(steps)
    resource.step_rows.exclude(step__in=wanted).delete()
    have = set(resource.step_rows.values_list("step", flat=True))
    ResourceStep.objects.bulk_create([ResourceStep(resource=resource, step=s) for s in sorted(wanted - have)])


def _check_input(data: ContributionInput, *, has_file: bool) -> None:
    errors = []
    if not data.title.strip():
        errors.append(_("Give the tool a title."))
    if not data.licence.strip():
        errors.append(_("Say under which licence others may use it (for example CC BY 4.0)."))
    if data.url and not data.url.lower().startswith(("https://", "http://")):
        errors.append(_("The link must be a web address (https://…)."))
    if not data.url and not has_file:
        errors.append(_("Give a link to the tool or upload it as a file."))
    if data.url and has_file:
        errors.append(_("Give a link or a file, not both."))
    if not data.topics and not data.steps:
        errors.append(_("Choose at least one topic or OECD step, so people find it."))
    if errors:
        raise ValidationError(errors)


def _secretariat_people() -> list[Recipient]:
    ids = Organisation.objects.filter(kind=OrgKind.SECRETARIAT, is_active=True).values_list("pk", flat=True)
    return list(people_to_tell(ids, roles=(Role.COORDINATOR, Role.OFFICER)))


def _tell_secretariat(resource: Resource) -> None:
    title, org = resource.title, resource.contributed_by.name if resource.contributed_by else ""
    link = settings.SITE_URL + reverse("learning:review")

    def write() -> tuple[str, str]:
        return (
            _("A learning tool waits for your review"),
            _("%(org)s shared '%(title)s' with the sector. Review it before members see it: %(link)s")
            % {"org": org, "title": title, "link": link},
        )

    transaction.on_commit(after_commit(_secretariat_people(), write))


def save_contribution(
    actor: Actor, data: ContributionInput, *, base: Resource | None = None, submit: bool = True
) -> Resource:
    """A participant's tool: a new one, a draft changed in place, or a change of a published or
    rejected tool (a new submission; the published one stays as it is until the change is approved).
    ``submit`` sends it to the secretariat's review; otherwise it stays a draft."""
    actor.require_kind(*CONTRIBUTOR_KINDS)
    org = actor.require_edit()
    replaces: Resource | None = None
    if base is not None:
        if base.contributed_by_id != org.pk:
            raise PermissionDenied("Not your organisation's tool.")
        if base.status == ResourceStatus.SUBMITTED:
            raise Conflict(_("This tool waits for review. Withdraw it first if you want to change it."))
        if base.status in (ResourceStatus.WITHDRAWN, ResourceStatus.SUPERSEDED):
            raise Conflict(_("This version is no longer in use; change the current version instead."))
        if base.status == ResourceStatus.PUBLISHED:
            if base.replacements.filter(status=ResourceStatus.SUBMITTED).exists():
                raise Conflict(_("A change of this tool already waits for review."))
            replaces = base
        elif base.status == ResourceStatus.REJECTED:
            earlier = base.replaces
            replaces = earlier if earlier is not None and earlier.status == ResourceStatus.PUBLISHED else None
    in_place = base is not None and base.status == ResourceStatus.DRAFT
    keep_file = bool(base is not None and base.file and data.file_data is None and not data.url)
    _check_input(data, has_file=data.file_data is not None or keep_file)
    checked = files.check_file(data.file_name, data.file_data) if data.file_data is not None else None
    topics = _topics(data.topics)
    # The file is written before the rows, and removed again if they cannot be written.
    saved = _store(data.file_name, data.file_data, checked.extension) if checked and data.file_data else ""
    try:
        with transaction.atomic():
            resource = _write_contribution(
                actor, org, data, base if in_place else None, replaces, topics, saved, checked, keep_file, base, submit
            )
    except BaseException:
        if saved:
            default_storage.delete(saved)
        raise
    return resource


def _write_contribution(
    actor: Actor,
    org: Organisation,
    data: ContributionInput,
    draft: Resource | None,
    replaces: Resource | None,
    topics: list[Topic],
    saved: str,
    checked: files.CheckedFile | None,
    keep_file: bool,
    base: Resource | None,
    submit: bool,
) -> Resource:
    now = timezone.now()
    resource = draft if draft is not None else Resource(contributed_by=org, created_at=now, replaces=replaces)
    old_file = draft.file.name if draft is not None and draft.file else ""
    resource.kind = data.kind
    resource.title = data.title.strip()[:200]
    resource.summary = data.summary.strip()[:2000]
    resource.language = data.language
    resource.url = data.url.strip()
    resource.licence = data.licence.strip()[:150]
    resource.licence_url = data.licence_url.strip()
    resource.publisher = (data.publisher.strip() or org.name)[:200]
    resource.sme_friendly = data.sme_friendly
    resource.submitted_by = actor.user
    resource.updated_at = now
    resource.reviewer, resource.decided_at, resource.decision_reason = None, None, ""
    if saved and checked is not None and data.file_data is not None:
        resource.file.name = saved
        resource.file_name = f"{data.file_name.rsplit('.', 1)[0][:200]}.{checked.extension}"
        resource.file_type, resource.file_size = checked.content_type, len(data.file_data)
    elif keep_file and base is not None:
        # A new version shares the stored file of the one it changes: files of shared tools are never removed.
        resource.file.name, resource.file_name = base.file.name, base.file_name
        resource.file_type, resource.file_size = base.file_type, base.file_size
    else:
        resource.file.name, resource.file_name, resource.file_type, resource.file_size = "", "", "", 0
    resource.status = ResourceStatus.SUBMITTED if submit else ResourceStatus.DRAFT
    resource.submitted_at = now if submit else None
    resource.full_clean(exclude=["topics", "file", "key", "contributed_by", "replaces", "submitted_by", "reviewer"])
    resource.save()
    resource.topics.set(topics)
    _set_steps(resource, data.steps)
    if old_file and old_file != resource.file.name:
        # A draft was never shared: its old file can go once the change is committed.
        transaction.on_commit(lambda: default_storage.delete(old_file))
    audit.record(
        actor,
        "learning.tool.submitted" if submit else "learning.tool.drafted",
        obj=resource,
        summary={"kind": resource.kind, "replaces": resource.replaces_id, "file": bool(resource.file)},
    )
    if submit:
        _tell_secretariat(resource)
    return resource


@transaction.atomic
def submit(actor: Actor, resource: Resource) -> Resource:
    """Send a draft to the secretariat's review."""
    actor.require_kind(*CONTRIBUTOR_KINDS)
    org = actor.require_edit()
    if resource.contributed_by_id != org.pk:
        raise PermissionDenied("Not your organisation's tool.")
    if resource.status != ResourceStatus.DRAFT:
        raise Conflict(_("Only a draft can be submitted."))
    if (
        resource.replaces_id
        and resource.replaces
        and resource.replaces.replacements.filter(status=ResourceStatus.SUBMITTED).exists()
    ):
        raise Conflict(_("A change of this tool already waits for review."))
    resource.status, resource.submitted_at = ResourceStatus.SUBMITTED, timezone.now()
    resource.updated_at = resource.submitted_at
    resource.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(actor, "learning.tool.submitted", obj=resource, summary={"kind": resource.kind})
    _tell_secretariat(resource)
    return resource


@transaction.atomic
def withdraw(actor: Actor, resource: Resource) -> Resource:
    """The contributor takes its tool back: a draft, a submission, or a published tool (which then
    leaves the library; the row stays, so the trail and people's progress keep their object)."""
    actor.require_kind(*CONTRIBUTOR_KINDS)
    org = actor.require_edit()
    if resource.contributed_by_id != org.pk:
        raise PermissionDenied("Not your organisation's tool.")
    if resource.status not in (ResourceStatus.DRAFT, ResourceStatus.SUBMITTED, ResourceStatus.PUBLISHED):
        raise Conflict(_("This tool is not in use; there is nothing to withdraw."))
    before = resource.status
    resource.status, resource.updated_at = ResourceStatus.WITHDRAWN, timezone.now()
    resource.save(update_fields=["status", "updated_at"])
    audit.record(actor, "learning.tool.withdrawn", obj=resource, summary={"was": before})
    return resource


@transaction.atomic
def decide(actor: Actor, resource: Resource, *, approve: bool, reason: str = "") -> Resource:
    """The secretariat approves a submitted tool (it is published; a change supersedes the version
    it replaces) or rejects it with a reason. The contributor is told, in each person's language."""
    actor.require_kind(OrgKind.SECRETARIAT)
    actor.require_edit()
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.status != ResourceStatus.SUBMITTED:
        raise Conflict(_("This tool was already decided or withdrawn."))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(_("Say why the tool is rejected: the contributor reads it."))
    now = timezone.now()
    resource.status = ResourceStatus.PUBLISHED if approve else ResourceStatus.REJECTED
    resource.reviewer, resource.decided_at, resource.decision_reason = actor.user, now, reason[:2000]
    resource.updated_at = now
    if approve:
        resource.published_at = now
    resource.save()
    superseded = None
    if approve and resource.replaces_id:
        old = Resource.objects.select_for_update().get(pk=resource.replaces_id)
        if old.status == ResourceStatus.PUBLISHED:
            old.status, old.updated_at = ResourceStatus.SUPERSEDED, now
            old.save(update_fields=["status", "updated_at"])
            superseded = old.pk
    audit.record(
        actor,
        "learning.tool.approved" if approve else "learning.tool.rejected",
        obj=resource,
        org_id=resource.contributed_by_id,
        summary={"superseded": superseded} if approve else {"reason": reason[:200]},
    )
    title, link = resource.title, settings.SITE_URL + reverse("learning:resource", args=[resource.pk])

    def write() -> tuple[str, str]:
        if approve:
            return (
                _("Your learning tool is published"),
                _("The secretariat approved '%(title)s': every participant can now use it. %(link)s")
                % {"title": title, "link": link},
            )
        return (
            _("Your learning tool was not approved"),
            _(
                "The secretariat did not approve '%(title)s'. Their reason: %(reason)s\n\n"
                "You may change it and submit it again: %(link)s"
            )
            % {"title": title, "reason": reason, "link": link},
        )

    if resource.contributed_by_id:
        transaction.on_commit(after_commit(people_to_tell([resource.contributed_by_id]), write))
    return resource


@transaction.atomic
def set_progress(actor: Actor, resource: Resource, status: str) -> Progress:
    """The person marks a resource they may open as started or completed (completed again keeps the
    first completion's date). Private to the person: their organisation's administrators read the
    audit trail, so this personal record is not written there; the row itself keeps the dates."""
    if actor.user is None or actor.org is None:
        raise PermissionDenied("Progress is kept per person.")
    if actor.read_only:
        raise PermissionDenied("These credentials may only read.")
    if status not in ProgressStatus.values:
        raise ValidationError(_("Unknown progress status."))
    if resource.status not in (ResourceStatus.PUBLISHED, ResourceStatus.SUPERSEDED) and (
        resource.contributed_by_id != actor.org.pk
    ):
        raise Conflict(_("This resource is not in the library."))
    now = timezone.now()
    progress, _created = Progress.objects.select_for_update().get_or_create(
        user=actor.user, resource=resource, defaults={"status": status, "started_at": now, "updated_at": now}
    )
    if status == ProgressStatus.COMPLETED:
        progress.completed_at = progress.completed_at or now
    else:
        progress.completed_at = None
    progress.status, progress.updated_at = status, now
    progress.save()
    return progress


# --- The sector's library ---------------------------------------------------------------


def _entry_changed(resource: Resource, entry: library.Entry, topics: list[str], steps: list[int]) -> bool:
    fields = {
        "kind": entry.kind,
        "title": entry.title,
        "summary": entry.summary,
        "language": entry.language,
        "url": entry.url,
        "licence": entry.licence,
        "licence_url": entry.licence_url,
        "publisher": entry.publisher,
        "sme_friendly": entry.sme_friendly,
        "status": ResourceStatus.PUBLISHED,
    }
    return (
        any(getattr(resource, k) != v for k, v in fields.items())
        or sorted(topics) != list(entry.topics)
        or sorted(steps) != list(entry.steps)
    )


@transaction.atomic
def import_library(actor: Actor, entries: Sequence[library.Entry] | None = None) -> ImportResult:
    """Load or update the sector's library from the repository's data (by each entry's key).
    Running it again changes nothing; an entry that left the file is withdrawn, one that comes
    back is published again."""
    if not (actor.is_system or actor.is_secretariat):
        raise PermissionDenied("Only the secretariat loads the sector's library.")
    if actor.is_secretariat:
        actor.require_edit()
    if entries is None:
        try:
            entries = library.load(risk.topic_codes())
        except library.LibraryError as exc:
            raise ValidationError(str(exc)) from exc
    topics = {t.code: t for t in Topic.objects.all()}
    existing = {
        r.key: r
        for r in Resource.objects.filter(key__isnull=False, contributed_by__isnull=True).prefetch_related(
            "topics", "step_rows"
        )
    }
    result = ImportResult()
    now = timezone.now()
    for entry in entries:
        resource = existing.get(entry.key)
        if resource is not None and not _entry_changed(
            resource, entry, [t.code for t in resource.topics.all()], resource.steps
        ):
            result.unchanged += 1
            continue
        created = resource is None
        resource = resource or Resource(key=entry.key, created_at=now, published_at=now)
        for name in ("kind", "title", "summary", "language", "url", "licence", "licence_url", "publisher"):
            setattr(resource, name, getattr(entry, name))
        resource.sme_friendly = entry.sme_friendly
        resource.status = ResourceStatus.PUBLISHED
        resource.published_at = resource.published_at or now
        resource.updated_at = now
        resource.save()
        resource.topics.set([topics[c] for c in entry.topics])
        _set_steps(resource, entry.steps)
        result.keys.append(entry.key)
        if created:
            result.created += 1
        else:
            result.updated += 1
    gone = [r for key, r in existing.items() if key not in {e.key for e in entries}]
    for resource in gone:
        if resource.status == ResourceStatus.PUBLISHED:
            resource.status, resource.updated_at = ResourceStatus.WITHDRAWN, now
            resource.save(update_fields=["status", "updated_at"])
            result.withdrawn += 1
    if result.created or result.updated or result.withdrawn:
        audit.record(
            actor,
            "learning.library.imported",
            object_type="learning.resource",
            summary={
                "created": result.created,
                "updated": result.updated,
                "withdrawn": result.withdrawn,
                "unchanged": result.unchanged,
            },
        )
    return result

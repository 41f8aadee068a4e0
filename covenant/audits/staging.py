"""A report uploaded with an audit entry that came back with an error, kept for the next try.

A browser never sends a file field back, so without this the person would have to pick the
report again after every mistake elsewhere in the form. The checked PDF waits under
``COVENANT_DATA_DIR/files/staging/reports/`` and the form carries a signed token naming it.
The token is bound to the person and the organisation they act for (another user, or the same
person acting for another organisation, gets nothing from it) and lasts a day; files older
than that are removed whenever a report is staged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from covenant.audits.services import check_pdf
from covenant.core.actors import Actor

FOLDER = "staging/reports"
SALT = "covenant.audits.staged-report"
MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class StagedReport:
    token: str
    name: str
    data: bytes


def _owner(actor: Actor) -> list[int]:
    if actor.user is None or actor.org is None:
        raise ValueError("a staged report belongs to a person acting for an organisation")
    return [actor.user.pk, actor.org.pk]


def stage_report(actor: Actor, name: str, data: bytes) -> StagedReport:
    """Keep ``data`` (checked as any report is: a ValidationError if it is no acceptable PDF)."""
    check_pdf(name, data)
    clean_stale()
    path = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}.pdf", ContentFile(data))
    token = signing.dumps({"path": path, "name": name[:255], "owner": _owner(actor)}, salt=SALT)
    return StagedReport(token=token, name=name, data=data)


def _payload(actor: Actor, token: str) -> dict[str, str] | None:
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # tampered with, or expired
        return None
    if not isinstance(payload, dict) or payload.get("owner") != _owner(actor):
        return None
    path = str(payload.get("path", ""))
    if not path.startswith(f"{FOLDER}/") or ".." in path:
        return None
    return {"path": path, "name": str(payload.get("name") or "report.pdf")}


def staged_report(actor: Actor, token: str) -> StagedReport | None:
    """The report ``token`` names, for the actor it was staged for; None for anyone else, a
    token that is not ours or too old, or a file already cleaned up."""
    payload = _payload(actor, token.strip()) if token.strip() else None
    if payload is None:
        return None
    try:
        with default_storage.open(payload["path"], "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    return StagedReport(token=token, name=payload["name"], data=data)


def discard(actor: Actor, token: str) -> None:
    """Remove a staged report once the audit holds its own copy."""
    payload = _payload(actor, token) if token else None
    if payload is not None:
        default_storage.delete(payload["path"])


def clean_stale(max_age: timedelta = MAX_AGE) -> int:
    """Remove staged reports older than ``max_age`` (their tokens have expired); returns how many."""
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - max_age
    removed = 0
    for name in files:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        except FileNotFoundError:  # removed by a concurrent request
            continue
    return removed

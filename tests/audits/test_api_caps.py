"""The site's side of a corrective action plan through the API: evidence and updates, as on the action page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from covenant.accounts.services import create_token
from covenant.audits.models import CapEvidence, CapStatus, CorrectiveAction
from covenant.core.models import AuditEvent
from tests.conftest import World, actor_of
from tests.factories import PDF_BYTES, audits_world

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _api(user: Any, write: bool = True) -> Client:
    _token, secret = create_token(actor_of(user), name="api", read_only=not write)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _owner(world: World) -> Any:
    audits_world(world)
    return world.extras["audit_supplier_admin"]


def _evidence_url(action: CorrectiveAction) -> str:
    return reverse("api:add_cap_evidence", args=[action.pk])


def _cap_url(action: CorrectiveAction) -> str:
    return reverse("api:update_cap", args=[action.pk])


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def _collaborative(world: World) -> CorrectiveAction:
    return CorrectiveAction.objects.get(audit=world.extras["audit"], finding__section="2")


# --- Evidence -----------------------------------------------------------------------------------


def test_the_site_adds_evidence(world: World) -> None:
    owner = _owner(world)
    action = _collaborative(world)
    assert action.status == CapStatus.OPEN
    response = _api(owner).post(
        _evidence_url(action),
        {"file": SimpleUploadedFile("committee.png", PNG_BYTES), "note": "Minutes of the first meeting"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["action"] == action.pk and body["filename"] == "committee.png"
    assert body["size"] == len(PNG_BYTES) and body["note"] == "Minutes of the first meeting"
    assert CapEvidence.objects.get(pk=body["id"]).action_id == action.pk
    action.refresh_from_db()
    assert action.status == CapStatus.PROGRESS  # as on the page: evidence means progress
    (event,) = [e for e in _events("audits.cap.evidence_added") if e.object_id == str(action.pk)]
    assert event.via == "api" and event.org_id == world.extras["audit_supplier"].pk
    assert event.summary == {"file": "committee.png"}


def test_evidence_from_outsiders_and_readers_is_refused(world: World) -> None:
    owner = _owner(world)
    action = _collaborative(world)
    before = CapEvidence.objects.count(), len(_events("audits.cap.evidence_added"))

    def post(user: Any, write: bool = True) -> int:
        data = {"file": SimpleUploadedFile("x.pdf", PDF_BYTES)}
        return int(_api(user, write=write).post(_evidence_url(action), data).status_code)

    assert post(world.admin_b) == 404  # another member: the audit is not shared with it
    assert post(world.supplier_admin) == 404  # another supplier
    assert post(world.auditor) == 404  # an audit firm that did not enter it
    assert post(world.admin_a) == 403  # member A reads the audit; the plan is the site's
    assert post(owner, write=False) == 403  # the owner's read-only token
    assert (CapEvidence.objects.count(), len(_events("audits.cap.evidence_added"))) == before


def test_bad_evidence_is_refused(world: World) -> None:
    owner = _owner(world)
    action = _collaborative(world)
    api = _api(owner)
    too_long = api.post(_evidence_url(action), {"file": SimpleUploadedFile("x.pdf", PDF_BYTES), "note": "n" * 501})
    assert too_long.status_code == 422
    assert too_long["Content-Type"] == "application/problem+json"
    not_a_pdf = api.post(_evidence_url(action), {"file": SimpleUploadedFile("x.pdf", b"MZ not a document")})
    assert not_a_pdf.status_code == 400 and "PDF, PNG or JPEG" in not_a_pdf.json()["detail"]
    assert api.post(_evidence_url(action), {"note": "no file"}).status_code == 400
    assert not CapEvidence.objects.filter(action=action).exists()


# --- Updates of the plan --------------------------------------------------------------------------


def test_the_site_updates_its_plan_and_reports_progress(world: World) -> None:
    owner = _owner(world)
    action = world.extras["action"]  # section 5, major: has a deadline
    due = action.due_date
    response = _api(owner).patch(
        _cap_url(action),
        # The current deadline may be sent back unchanged; moving it takes an extension request.
        {"action": "Pay the overtime premium from March", "responsible": "HR manager", "due_date": due.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == action.pk and body["due_date"] == due.isoformat()
    assert body["action"] == "Pay the overtime premium from March" and body["responsible"] == "HR manager"
    (event,) = _events("audits.cap.updated")
    assert event.via == "api" and event.org_id == world.extras["audit_supplier"].pk
    assert event.object_id == str(action.pk) and event.summary["action"] is True
    # Fields left out stay as they are.
    again = _api(owner).patch(_cap_url(action), {"responsible": "Factory manager"}, content_type="application/json")
    assert again.json()["action"] == "Pay the overtime premium from March"
    assert again.json()["responsible"] == "Factory manager" and again.json()["due_date"] == due.isoformat()


def test_progress_moves_an_open_action_on(world: World) -> None:
    owner = _owner(world)
    action = _collaborative(world)
    response = _api(owner).patch(_cap_url(action), {"progress": True}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "progress"
    action.refresh_from_db()
    assert action.status == CapStatus.PROGRESS
    (event,) = _events("audits.cap.updated")
    assert event.summary == {"status": "progress"}


def test_plan_updates_from_outsiders_and_readers_are_refused(world: World) -> None:
    owner = _owner(world)
    action = _collaborative(world)

    def patch(user: Any, write: bool = True) -> int:
        body = {"responsible": "probe", "progress": True}
        return int(_api(user, write=write).patch(_cap_url(action), body, content_type="application/json").status_code)

    assert patch(world.admin_b) == 404
    assert patch(world.supplier_admin) == 404
    assert patch(world.admin_a) == 403  # a member it is shared with verifies, but does not write the plan
    assert patch(owner, write=False) == 403
    action.refresh_from_db()
    assert action.status == CapStatus.OPEN and action.responsible != "probe"
    assert not _events("audits.cap.updated")


def test_bad_plan_updates_are_refused(world: World) -> None:
    owner = _owner(world)
    action = world.extras["action"]
    api = _api(owner)

    def patch(body: object) -> Any:
        return api.patch(_cap_url(action), body, content_type="application/json")

    assert patch({"due_date": "soon"}).status_code == 422
    assert patch({"responsible": "x" * 201}).status_code == 422
    assert patch({"progress": "maybe"}).status_code == 422
    # The supplier never moves a deadline itself (issue 13): it asks for an extension.
    before_audit = patch({"due_date": (action.audit.end_date - timedelta(days=1)).isoformat()})
    assert before_audit.status_code == 403 and "extension request" in before_audit.json()["detail"]
    collaborative = api.patch(
        _cap_url(_collaborative(world)),
        {"due_date": (action.audit.end_date + timedelta(days=5)).isoformat()},
        content_type="application/json",
    )
    assert collaborative.status_code == 403
    assert not _events("audits.cap.updated")

"""Issue 15, items 2 and 3: the site's supplier in remedy, corrective actions verified like an
audit's, and the members a case is routed to commenting, committing and contributing.

Walked as a handler, the supplier and a member through a case from intake to remedy."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from covenant.accounts import services as account_services
from covenant.core.models import AuditEvent
from covenant.grievances import remediation, services
from covenant.grievances.models import (
    CapStatus,
    Case,
    CaseAction,
    CaseRecipient,
    MemberEntry,
)
from tests.conftest import World, actor_of, client_for, make_org, make_user
from tests.grievances.builders import (
    ACTION_TEXT,
    MEMBER_PASSPHRASE,
    PASSPHRASE,
    SECRET_NAME,
    SECRET_PHONE,
    SECRET_TEXT,
    SUPPLIER_PASSPHRASE,
    remediation_world,
)

EVIDENCE_TEXT = "canary-evidence new door fitted, photos with the HR manager Liu"
COMMITMENT_TEXT = "canary-commitment we pay for two fire wardens at Huaxin"
COMMENT_TEXT = "canary-comment our auditor saw the same door chained in March"


@pytest.fixture
def rw(gw: World) -> World:
    return remediation_world(gw)


def _detail(w: World) -> str:
    return reverse("grievances:detail", args=[w.extras["case"].pk])


def _unlocked(user: Any, passphrase: str) -> Client:
    client = client_for(user)
    assert client.post(reverse("grievances:key"), {"action": "unlock", "passphrase": passphrase}).status_code == 302
    return client


def _follow_up(w: World) -> str:
    response = Client().post(
        reverse("grievances:follow_up", args=[w.extras["mechanism"].slug, "en"]), {"receipt": w.extras["receipt"]}
    )
    assert response.status_code == 200
    return response.content.decode()


# --- The supplier --------------------------------------------------------------------------------


def test_the_supplier_reads_the_actions_never_the_report_without_consent(rw: World) -> None:
    case = rw.extras["case"]
    recipient = CaseRecipient.objects.get(case=case, org=rw.supplier)
    assert recipient.supplier and not recipient.full_access and recipient.sealed_key is not None
    # The supplier's sealed copy is the remediation key, not the case key.
    private = services.unlock_key(actor_of(rw.supplier_admin), SUPPLIER_PASSPHRASE)
    assert services.case_key_for(actor_of(rw.supplier_admin), case, private) is None

    supplier = _unlocked(rw.supplier_admin, SUPPLIER_PASSPHRASE)
    page = supplier.get(_detail(rw)).content.decode()
    assert ACTION_TEXT in page and "Health and safety" in page and case.reference in page
    for secret in (SECRET_TEXT, SECRET_NAME, SECRET_PHONE, "canary-a"):
        if secret == "canary-a":
            secret = "canary-a foreman"
        assert secret not in page
    assert "photos/" not in page
    # Locked, the supplier sees the structured view and no action text.
    locked = client_for(rw.supplier_admin).get(_detail(rw)).content.decode()
    assert ACTION_TEXT not in locked and "Action 1" in locked
    # It finds the case in its list.
    assert case.reference in supplier.get(reverse("grievances:list")).content.decode()


def test_the_supplier_is_told_when_a_case_is_shared(gw: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        remediation_world(gw)
    told = [m for m in mail.outbox if gw.supplier_admin.email in m.to]
    assert told and gw.extras["case"].reference in told[0].subject
    assert all(SECRET_TEXT not in m.body and ACTION_TEXT not in m.body for m in mail.outbox)


def test_with_consent_the_supplier_reads_the_report_but_not_the_contact(gw: World) -> None:
    from covenant.registry import services as registry_services

    registry_services.decide_claim(actor_of(gw.coordinator), gw.extras["claim"], verified=True)
    services.set_up_key(actor_of(gw.supplier_admin), SUPPLIER_PASSPHRASE)
    words = "canary-consent the canteen water is dirty, please fix it"
    response = Client().post(
        reverse("grievances:intake", args=[gw.extras["mechanism"].slug, "en"]),
        {
            "site_id": gw.extras["shared"].public_id,
            "topics": ["safety"],
            "what": words,
            "share_contact": "1",
            "contact": "Rina +8801711000111",
            "supplier_consent": "1",
        },
    )
    assert response.status_code == 200
    case = Case.objects.get(supplier_consent=True)
    handler = _unlocked(gw.grievance_handler, PASSPHRASE)
    assert handler.post(reverse("grievances:share_supplier", args=[case.pk])).status_code == 302
    assert CaseRecipient.objects.get(case=case, org=gw.supplier).full_access
    page = (
        _unlocked(gw.supplier_admin, SUPPLIER_PASSPHRASE)
        .get(reverse("grievances:detail", args=[case.pk]))
        .content.decode()
    )
    assert words in page and "Rina" not in page and "8801711000111" not in page
    # The intake's consent is off unless ticked: the builders' case has none.
    assert not gw.extras["case"].supplier_consent


def test_a_case_reaches_no_supplier_until_shared_and_never_another_supplier(gw: World) -> None:
    from covenant.registry import services as registry_services

    registry_services.decide_claim(actor_of(gw.coordinator), gw.extras["claim"], verified=True)
    case = gw.extras["case"]
    assert client_for(gw.supplier_admin).get(reverse("grievances:detail", args=[case.pk])).status_code == 404
    remediation_world(gw)
    assert client_for(gw.supplier_admin).get(_detail(gw)).status_code == 200
    other = make_user(make_org("Other Knits", "supplier", country="CN"), "admin", "admin@otherknits.example")
    outsiders = [other, gw.admin_b, gw.auditor, gw.coordinator]
    number = gw.extras["grievance_action"].number
    for user in outsiders:
        client = client_for(user)
        assert client.get(_detail(gw)).status_code == 404
        url = reverse("grievances:add_evidence", args=[case.pk, number])
        assert client.post(url, {"note": "probe"}).status_code == 404
        assert (
            client.post(
                reverse("grievances:add_member_entry", args=[case.pk]), {"kind": "comment", "text": "x"}
            ).status_code
            == 404
        )
    assert not CaseAction.objects.filter(evidence__isnull=False).exists()
    assert not MemberEntry.objects.exists()


def test_sharing_needs_a_verified_claim_and_rerouting_takes_the_case_away(gw: World) -> None:
    handler = _unlocked(gw.grievance_handler, PASSPHRASE)
    case = gw.extras["case"]
    handler.post(reverse("grievances:share_supplier", args=[case.pk]))
    assert not CaseRecipient.objects.filter(case=case, supplier=True).exists()
    remediation_world(gw)
    handler.post(
        reverse("grievances:link_site", args=[case.pk]), {"site": gw.extras["other"].public_id, "reason": "moved"}
    )
    assert not CaseRecipient.objects.filter(case=case, supplier=True).exists()
    assert client_for(gw.supplier_admin).get(_detail(gw)).status_code == 404


# --- Corrective actions ----------------------------------------------------------------------------


def test_an_action_closes_only_when_verified_after_evidence(rw: World, django_capture_on_commit_callbacks: Any) -> None:
    case, action = rw.extras["case"], rw.extras["grievance_action"]
    supplier = _unlocked(rw.supplier_admin, SUPPLIER_PASSPHRASE)
    handler = _unlocked(rw.grievance_handler, PASSPHRASE)
    verify = reverse("grievances:verify_action", args=[case.pk, action.number])
    # Nothing to verify before evidence.
    handler.post(verify, {"method": "desk_review"})
    action.refresh_from_db()
    assert action.status == CapStatus.OPEN
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier.post(
            reverse("grievances:add_evidence", args=[case.pk, action.number]), {"note": EVIDENCE_TEXT}
        )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == CapStatus.PROGRESS
    assert any(rw.grievance_handler.email in m.to for m in mail.outbox)
    assert all(EVIDENCE_TEXT not in m.body for m in mail.outbox)
    # The site never verifies its own action.
    assert supplier.post(verify, {"method": "desk_review"}).status_code == 403
    assert handler.post(verify, {"method": "desk_review", "note": "checked the photos"}).status_code == 302
    action.refresh_from_db()
    assert action.status == CapStatus.CLOSED and action.verified_by_org == rw.secretariat
    page = handler.get(_detail(rw)).content.decode()
    assert EVIDENCE_TEXT in page and "checked the photos" in page and ACTION_TEXT in page
    # The supplier sees its action verified, not the handlers' note nor its own sealed evidence text.
    seen = supplier.get(_detail(rw)).content.decode()
    assert "Verified" in seen and "checked the photos" not in seen
    assert AuditEvent.objects.filter(action="grievances.action.verified").count() == 1
    with pytest.raises(services.Conflict):
        remediation.add_evidence(actor_of(rw.supplier_admin), action, "more")


def test_a_routed_member_may_verify_an_action(rw: World) -> None:
    case, action = rw.extras["case"], rw.extras["grievance_action"]
    remediation.add_evidence(actor_of(rw.supplier_admin), action, EVIDENCE_TEXT)
    member = client_for(rw.admin_a)
    assert (
        member.post(
            reverse("grievances:verify_action", args=[case.pk, action.number]), {"method": "follow_up_audit"}
        ).status_code
        == 302
    )
    action.refresh_from_db()
    assert action.status == CapStatus.CLOSED and action.verified_by_org == rw.member_a


# --- Members' entries ------------------------------------------------------------------------------


def test_member_entries_reach_the_handlers_and_the_reporter_only_when_shown(
    rw: World, django_capture_on_commit_callbacks: Any
) -> None:
    case = rw.extras["case"]
    member = client_for(rw.admin_a)
    mail.outbox.clear()
    url = reverse("grievances:add_member_entry", args=[case.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = member.post(
            url, {"kind": "commitment", "text": COMMITMENT_TEXT, "owner": "CSR lead", "due_on": "2099-01-31"}
        )
    assert first.status_code == 302
    assert member.post(url, {"kind": "comment", "text": COMMENT_TEXT}).status_code == 302
    assert (
        member.post(
            url,
            {
                "kind": "contribution",
                "text": "fund for the fire exit",
                "contribution_type": "money",
                "amount": "1200,50",
                "currency": "usd",
            },
        ).status_code
        == 302
    )
    commitment, _comment, contribution = MemberEntry.objects.order_by("number")
    assert commitment.status == "open" and contribution.amount == 1200.5 and contribution.currency == "USD"
    assert any(rw.grievance_handler.email in m.to for m in mail.outbox)
    assert all(COMMITMENT_TEXT not in m.body for m in mail.outbox)

    handler = _unlocked(rw.grievance_handler, PASSPHRASE)
    page = handler.get(_detail(rw)).content.decode()
    assert COMMITMENT_TEXT in page and COMMENT_TEXT in page and "CSR lead" in page and rw.member_a.name in page
    # The member holds no case key: it sees its entries' kind, dates and status, not the sealed text.
    own = member.get(_detail(rw)).content.decode()
    assert "Commitment" in own and COMMITMENT_TEXT not in own
    # The supplier sees none of the members' entries.
    assert "Commitment" not in _unlocked(rw.supplier_admin, SUPPLIER_PASSPHRASE).get(_detail(rw)).content.decode()

    assert COMMITMENT_TEXT not in _follow_up(rw)
    show = reverse("grievances:show_member_entry", args=[case.pk, commitment.number])
    assert handler.post(show, {"shown": "on"}).status_code == 302
    reporter = _follow_up(rw)
    assert COMMITMENT_TEXT in reporter and COMMENT_TEXT not in reporter and rw.member_a.name not in reporter
    # Members update their own commitments only; another member gets 404.
    status = reverse("grievances:commitment_status", args=[case.pk, commitment.number])
    assert member.post(status, {"status": "done"}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "done"
    assert client_for(rw.admin_b).post(status, {"status": "dropped"}).status_code == 404
    assert client_for(rw.admin_b).get(_detail(rw)).status_code == 404
    # Only handlers choose what the reporter sees.
    assert member.post(show, {"shown": ""}).status_code == 403


def test_a_member_with_the_full_case_reads_the_entries(rw: World) -> None:
    services.set_up_key(actor_of(rw.admin_a), MEMBER_PASSPHRASE)
    handler = actor_of(rw.grievance_handler)
    case = rw.extras["case"]
    key = services.case_key_for(handler, case, services.unlock_key(handler, PASSPHRASE))
    services.grant_full_access(handler, case, key, rw.member_a)
    remediation.add_member_entry(actor_of(rw.admin_a), case, remediation.EntryInput(kind="comment", text=COMMENT_TEXT))
    page = _unlocked(rw.admin_a, MEMBER_PASSPHRASE).get(_detail(rw)).content.decode()
    assert COMMENT_TEXT in page and ACTION_TEXT in page


# --- API -------------------------------------------------------------------------------------------


def _token(user: Any, read_only: bool = False) -> dict[str, str]:
    _t, secret = account_services.create_token(actor_of(user), name="erp", read_only=read_only)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_api_remediation_view_and_writes(rw: World) -> None:
    case, action = rw.extras["case"], rw.extras["grievance_action"]
    client = Client()
    view = client.get(f"/api/v1/grievances/cases/{case.pk}/remediation", **_token(rw.supplier_admin))
    assert view.status_code == 200
    data = view.json()
    assert data["actions"][0]["status"] == "open" and data["topics"] == ["safety"] and data["member_entries"] == []
    assert ACTION_TEXT not in view.content.decode() and SECRET_TEXT not in view.content.decode()
    evidence = client.post(
        f"/api/v1/grievances/cases/{case.pk}/actions/{action.number}/evidence",
        {"note": EVIDENCE_TEXT},
        content_type="application/json",
        **_token(rw.supplier_admin),
    )
    assert evidence.status_code == 201 and evidence.json()["status"] == "progress"
    entry = client.post(
        f"/api/v1/grievances/cases/{case.pk}/member-entries",
        {"kind": "commitment", "text": COMMITMENT_TEXT, "due_on": "2099-05-01"},
        content_type="application/json",
        **_token(rw.admin_a),
    )
    assert entry.status_code == 201 and entry.json()["status"] == "open"
    mine = client.get(f"/api/v1/grievances/cases/{case.pk}/remediation", **_token(rw.admin_a)).json()
    assert [e["kind"] for e in mine["member_entries"]] == ["commitment"]
    # Read-only tokens write nothing; outsiders get 404.
    assert (
        client.post(
            f"/api/v1/grievances/cases/{case.pk}/member-entries",
            {"kind": "comment", "text": "x"},
            content_type="application/json",
            **_token(rw.admin_a, read_only=True),
        ).status_code
        == 403
    )
    for outsider in (rw.admin_b, rw.auditor):
        assert client.get(f"/api/v1/grievances/cases/{case.pk}/remediation", **_token(outsider)).status_code == 404
        assert (
            client.post(
                f"/api/v1/grievances/cases/{case.pk}/actions/{action.number}/evidence",
                {"note": "x"},
                content_type="application/json",
                **_token(outsider),
            ).status_code
            == 404
        )
    assert MemberEntry.objects.count() == 1

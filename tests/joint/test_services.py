"""The rules of joint action: roles, the last lead, confirmations, publishing, attachments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from covenant.core.errors import Conflict
from covenant.core.models import AuditEvent
from covenant.joint import selectors, services
from covenant.joint.models import Attachment, ParticipantStatus
from tests.conftest import World, actor_of, client_for, make_org
from tests.factories import PDF_BYTES, audits_world, declare_flood
from tests.joint.worlds import action_of, joint_world


def test_the_creator_leads_and_the_write_is_audited(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    lead = action.participants.get(org=world.member_a)
    assert (lead.role, lead.status) == ("lead", "accepted")
    assert AuditEvent.objects.filter(action="joint.action.created", object_id=str(action.pk)).exists()
    assert action.countries == ["KE"] and action.commodities == ["tea"]


def test_who_may_start_one(world: World) -> None:
    data = services.ActionInput(title="t", aim="a")
    with pytest.raises(PermissionDenied):
        services.create_action(actor_of(world.supplier_admin), data)
    with pytest.raises(PermissionDenied):
        services.create_action(actor_of(world.viewer_a), data)
    assert services.create_action(actor_of(world.cso_admin), data).created_by == world.cso


def test_bad_countries_commodities_topics_and_sites_are_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_action(
            actor_of(world.admin_a),
            services.ActionInput(
                title="t",
                aim="a",
                topics=["nope"],
                countries=["Atlantis"],
                commodities=["unobtainium"],
                sites=["XX2019001AAAAAA"],
            ),
        )
    text = " ".join(exc.value.messages)
    assert "nope" in text and "Atlantis" in text and "unobtainium" in text and "XX2019001AAAAAA" in text


def test_only_a_lead_invites_and_an_observer_adds_nothing(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    with pytest.raises(PermissionDenied):
        services.invite(actor_of(world.cso_admin), action, world.member_b, "participant")
    with pytest.raises(Http404):  # member B takes no part: the action does not exist for it
        services.add_progress_update(actor_of(world.admin_b), action, text="x", progress=5)
    participant = action.participants.get(org=world.cso)
    services.set_role(actor_of(world.admin_a), action, participant, "observer")
    with pytest.raises(PermissionDenied):
        services.add_progress_update(actor_of(world.cso_admin), action, text="x", progress=5)
    with pytest.raises(ValidationError):  # an audit firm cannot take part
        services.invite(actor_of(world.admin_a), action, world.audit_firm, "participant")


def test_the_last_lead_cannot_leave_or_step_down(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    with pytest.raises(Conflict):
        services.leave(actor_of(world.admin_a), action)
    own = action.participants.get(org=world.member_a)
    with pytest.raises(Conflict):
        services.set_role(actor_of(world.admin_a), action, own, "participant")
    # With a second lead, the first may go.
    services.set_role(actor_of(world.admin_a), action, action.participants.get(org=world.cso), "lead")
    services.leave(actor_of(world.admin_a), action)
    assert action.participants.get(org=world.member_a).status == ParticipantStatus.LEFT
    response = client_for(world.cso_admin).post(reverse("joint:leave", args=[action.public_id]))
    assert response.status_code == 302
    assert action.participants.get(org=world.cso).status == ParticipantStatus.ACCEPTED  # refused: last lead


def test_completing_asks_for_confirmation_of_the_preview(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    lead = actor_of(world.admin_a)
    services.add_milestone(lead, action, title="Study", due_on=date(2030, 1, 1), owner=world.member_a)
    with pytest.raises(Conflict):
        services.change_status(lead, action, "completed")
    preview = services.status_preview(action, "completed")
    assert preview["open_milestones"] == ["Study"]
    stale = services.fingerprint(preview)
    services.add_milestone(lead, action, title="Bargaining", due_on=date(2030, 2, 1), owner=world.member_a)
    with pytest.raises(Conflict):  # what it leaves open changed since the preview
        services.change_status(lead, action, "completed", confirm=stale)
    fresh = services.fingerprint(services.status_preview(action, "completed"))
    services.change_status(lead, action, "completed", confirm=fresh)
    assert action.status == "completed"
    with pytest.raises(Conflict):  # closed: no more additions
        services.add_progress_update(lead, action, text="x", progress=100)
    page = client_for(world.admin_a).get(reverse("joint:status", args=[action.public_id]) + "?status=stopped")
    assert "Study" in page.content.decode() and "Bargaining" in page.content.decode()


def test_publish_preview_then_confirm_and_names_only_by_choice(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    lead = actor_of(world.admin_a)
    client = client_for(world.admin_a)
    preview = client.get(reverse("joint:publish", args=[action.public_id])).content.decode()
    assert "Living wages canary-a" in preview and world.cso.name not in preview
    fingerprint = services.summary_fingerprint(services.publish_preview(action))
    services.set_named(actor_of(world.cso_admin), action, True)  # the summary changed after the preview
    with pytest.raises(Conflict):
        services.publish_summary(lead, action, confirm=fingerprint)
    assert client.get(reverse("joint:published")).content.decode().count("Living wages canary-a") == 0
    summary = services.publish_preview(action)
    assert summary.named == [world.cso.name] and summary.participant_count == 3
    response = client.post(
        reverse("joint:publish", args=[action.public_id]), {"confirm": services.summary_fingerprint(summary)}
    )
    assert response.status_code == 302
    public = client_for(None).get(reverse("joint:published")).content.decode()
    assert "Living wages canary-a" in public and world.cso.name in public
    assert world.member_a.name not in public and "Plantation Workers Union" not in public  # not opted in
    assert "Women pluckers" not in public  # the gender text is not part of the summary
    assert [s.title for s in selectors.published_summaries()] == ["Living wages canary-a"]
    services.unpublish_summary(lead, action)
    assert selectors.published_summaries() == []
    with pytest.raises(PermissionDenied):
        services.publish_summary(actor_of(world.cso_admin), action, confirm="x")


def test_budget_shares_are_own_unless_lead(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    with pytest.raises(PermissionDenied):
        services.add_budget_share(
            actor_of(world.cso_admin), action, org=world.member_a, amount=Decimal("10"), currency="EUR"
        )
    services.add_budget_share(actor_of(world.cso_admin), action, org=world.cso, amount=Decimal("10"), currency="eur")
    with pytest.raises(ValidationError):
        services.add_budget_share(
            actor_of(world.admin_a), action, org=world.member_a, amount=Decimal("1"), currency="E"
        )
    assert list(action.budget_shares.values_list("currency", flat=True)) == ["EUR"]


def test_documents_are_checked_and_private(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    with pytest.raises(ValidationError):
        services.add_document(actor_of(world.admin_a), action, title="x", filename="x.exe", data=b"MZ\x90\x00")
    document = services.add_document(actor_of(world.admin_a), action, title="Plan", filename="plan.pdf", data=PDF_BYTES)
    url = reverse("joint:document_file", args=[action.public_id, document.pk])
    response = client_for(world.cso_admin).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Cache-Control"] == "private, no-store"
    # Another action's id with this document's number: 404.
    other = action_of(world, "invited_action")
    assert (
        client_for(world.cso_admin).get(reverse("joint:document_file", args=[other.public_id, document.pk])).status_code
        == 404
    )


def test_gender_targets_and_progress(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    target = services.add_gender_target(
        actor_of(world.extras["union_admin"]), action, indicator="Workers reached", target_women=100, target_men=50
    )
    services.record_gender_actuals(actor_of(world.admin_a), action, target, actual_women=40, actual_men=30)
    services.add_progress_update(actor_of(world.cso_admin), action, text="Study done", progress=30)
    action.refresh_from_db()
    target.refresh_from_db()
    assert (target.actual_women, target.actual_men, action.progress) == (40, 30, 30)
    with pytest.raises(ValidationError):
        services.add_progress_update(actor_of(world.cso_admin), action, text="x", progress=101)


def test_an_event_may_be_attached_and_answered(world: World) -> None:
    joint_world(world)
    action = action_of(world)
    event = declare_flood(world.coordinator, "Floods in the highlands", ["KE"], date(2020, 1, 1))
    created = services.create_action(
        actor_of(world.admin_a), services.ActionInput(title="Flood response", aim="Protect workers", event_id=event.pk)
    )
    assert created.responds_to_event == event
    attachment = services.attach_event(actor_of(world.admin_a), action, event.pk)
    assert attachment.snapshot["title"] == "Floods in the highlands"
    with pytest.raises(Conflict):
        services.attach_event(actor_of(world.admin_a), action, event.pk)


def test_findings_attach_only_for_readers_and_stay_redacted(world: World) -> None:
    audits_world(joint_world(world))
    action = action_of(world)
    finding = world.extras["audit"].findings.get(collaborative=True)
    # The CSO takes part but may not read the audit: it cannot attach the finding.
    with pytest.raises(ValidationError):
        services.attach_finding(actor_of(world.cso_admin), action, finding.pk)
    attachment = services.attach_finding(actor_of(world.admin_a), action, finding.pk)
    assert set(attachment.snapshot) == {"scheme", "section", "topic", "severity", "country"}
    assert attachment.snapshot["country"] == "LK"
    page = client_for(world.cso_admin).get(reverse("joint:detail", args=[action.public_id])).content.decode()
    assert "no worker committee" not in page  # the finding's description never travels
    detail = client_for(world.cso_admin).get(f"/api/v1/joint-actions/{action.public_id}").json()
    assert detail["attachments"][0]["kind"] == "audit_finding"
    assert "no worker committee" not in str(detail)


def test_grievance_cases_attach_only_for_readers_and_show_no_content(world: World) -> None:
    from tests.grievances.builders import SECRET_TEXT, grievance_world

    grievance_world(joint_world(world))
    action = action_of(world)
    case = world.extras["case"]
    with pytest.raises(ValidationError):  # the CSO is no handler of this case
        services.attach_case(actor_of(world.cso_admin), action, case.reference)
    attachment = services.attach_case(actor_of(world.admin_a), action, case.reference.lower())
    assert set(attachment.snapshot) == {"topics", "country", "stage", "received"}
    assert attachment.snapshot["received"] == case.received_on.strftime("%Y-%m")
    for user in (world.cso_admin, world.extras["union_admin"]):
        page = client_for(user).get(reverse("joint:detail", args=[action.public_id])).content.decode()
        assert case.reference not in page and SECRET_TEXT not in page
        api = client_for(user).get(f"/api/v1/joint-actions/{action.public_id}").content.decode()
        assert case.reference not in api and SECRET_TEXT not in api
    assert Attachment.objects.count() == 1


def test_a_trade_union_can_lead_one(world: World) -> None:
    union = make_org("Tea Workers Union", "trade_union", country="KE")
    from tests.conftest import make_user

    admin = make_user(union, "admin", "admin@teaunion.example")
    action = services.create_action(actor_of(admin), services.ActionInput(title="Union-led", aim="Organise"))
    services.invite(actor_of(admin), action, world.member_a, "participant")
    assert selectors.invitations(actor_of(world.admin_a)).get().action == action

"""Responsible exit: triggers the member may use, confirmation, the plan's essential elements, counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from covenant.audits.models import CorrectiveAction
from covenant.plans import selectors, services
from covenant.plans.models import ExitDecision
from covenant.registry.models import SupplyLink
from tests.conftest import World, actor_of
from tests.factories import audits_world

FULL_PLAN: dict[str, Any] = {
    "notice_given_on": timezone.localdate(),
    "notice_days": 90,
    "wages_secured": True,
    "wages_note": "Three months' wages and the legal severance paid into an escrow account",
    "consulted": True,
    "consulted_with": "Plantation workers' union, branch committee",
    "remedy_considered": True,
    "timeline": "Orders phased out over six months",
}


def _exit(w: World, **extra: Any) -> ExitDecision:
    fields: dict[str, Any] = {
        "decision": "exit",
        "justification": "Forced labour found and the supplier refuses to act",
        "event_response": w.extras["response"],
        "confirm": True,
        **FULL_PLAN,
    }
    fields.update(extra)
    return services.record_exit(actor_of(w.admin_a), **fields)


def test_an_exit_with_a_full_plan_is_recorded_and_the_link_stays(plans: World) -> None:
    links_before = list(SupplyLink.objects.filter(org=plans.member_a).values_list("pk", "end_date"))
    mail.outbox.clear()
    item = _exit(plans)
    assert item.decision == "exit" and item.facility == plans.extras["cocoa"]
    assert item.event == plans.extras["event"] and item.trigger == "event"
    # Recording an exit ends no supply link: that is the register's own, previewed action.
    assert list(SupplyLink.objects.filter(org=plans.member_a).values_list("pk", "end_date")) == links_before


@pytest.mark.parametrize(
    ("left_out", "reason_field", "message"),
    [
        ({"notice_given_on": None}, "notice_not_possible", "Notice"),
        ({"notice_days": None}, "notice_not_possible", "Notice"),
        ({"wages_secured": False}, "wages_not_possible", "Wages and severance"),
        ({"consulted": None}, "consultation_not_possible", "Consultation"),
        ({"consulted_with": ""}, "consultation_not_possible", "Consultation"),
    ],
)
def test_an_exit_without_an_essential_element_is_refused_unless_the_member_says_why(
    plans: World, left_out: dict[str, Any], reason_field: str, message: str
) -> None:
    before = ExitDecision.objects.count()
    with pytest.raises(ValidationError) as caught:
        _exit(plans, **left_out)
    assert any(m.startswith(message) for m in caught.value.messages)
    assert ExitDecision.objects.count() == before
    item = _exit(plans, **left_out, **{reason_field: "The site was destroyed; nobody to give notice to"})
    assert getattr(item, reason_field)


def test_an_exit_with_no_plan_names_every_missing_element(plans: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.record_exit(
            actor_of(plans.admin_a),
            decision="exit",
            justification="x",
            event_response=plans.extras["response"],
            confirm=True,
        )
    text = " ".join(caught.value.messages)
    assert "Notice" in text and "Wages and severance" in text and "Consultation" in text


@pytest.mark.parametrize("decision", ["suspend", "exit"])
def test_suspend_and_exit_need_confirmation(plans: World, decision: str) -> None:
    before = ExitDecision.objects.count()
    with pytest.raises(ValidationError) as caught:
        _exit(plans, decision=decision, confirm=False)
    assert caught.value.error_list[0].code == "confirm_required"
    assert ExitDecision.objects.count() == before


def test_continue_needs_no_confirmation_and_keeps_no_plan(plans: World) -> None:
    item = _exit(plans, decision="continue", confirm=False)
    assert item.decision == "continue" and item.notice_days is None and item.wages_secured is None


def test_a_justification_is_required(plans: World) -> None:
    with pytest.raises(ValidationError, match="justification"):
        _exit(plans, justification="  ")


def test_another_members_response_is_not_a_trigger(plans: World) -> None:
    with pytest.raises(ValidationError, match="your own responses"):
        services.record_exit(
            actor_of(plans.admin_b),
            decision="continue",
            justification="probe",
            event_response=plans.extras["response"],
        )
    assert not ExitDecision.objects.filter(org=plans.member_b).exists()


def test_an_event_and_a_site_outside_its_area_is_refused(plans: World) -> None:
    actor = actor_of(plans.admin_a)
    with pytest.raises(ValidationError, match="area"):
        services.record_exit(
            actor, decision="continue", justification="x", event=plans.extras["event"], facility=plans.extras["shared"]
        )
    item = services.record_exit(
        actor, decision="continue", justification="x", event=plans.extras["event"], facility=plans.extras["cocoa"]
    )
    assert item.event_response == plans.extras["response"]


def test_a_failed_corrective_action_is_a_trigger_and_an_open_one_on_time_is_not(plans: World) -> None:
    audits_world(plans)
    action: CorrectiveAction = plans.extras["action"]
    actor = actor_of(plans.admin_a)
    CorrectiveAction.objects.filter(pk=action.pk).update(due_date=timezone.localdate() + timedelta(days=30))
    with pytest.raises(ValidationError, match="past its due date"):
        services.record_exit(actor, decision="continue", justification="x", corrective_action=action)
    CorrectiveAction.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - timedelta(days=30))
    item = services.record_exit(
        actor, decision="suspend", justification="CAP failed twice", corrective_action=action, confirm=True
    )
    assert item.trigger == "corrective_action" and item.facility == plans.extras["audit_site"]
    # Member B cannot read that audit: the action is no trigger of its.
    with pytest.raises(ValidationError):
        services.record_exit(actor_of(plans.admin_b), decision="continue", justification="x", corrective_action=action)


def test_the_preview_says_what_leaving_touches(plans: World) -> None:
    actor = actor_of(plans.admin_a)
    preview = selectors.exit_preview(actor, plans.extras["cocoa"], "exit")
    assert preview.link is not None and preview.link.org_id == plans.member_a.pk
    assert [e.decision for e in preview.earlier] == ["suspend"]


def test_the_other_admins_hear_of_an_exit(plans: World, django_capture_on_commit_callbacks: Any) -> None:
    from tests.conftest import make_user

    make_user(plans.member_a, "admin", "second.admin@noordhaven.example")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _exit(plans)
    recipients = {address for message in mail.outbox for address in message.to}
    assert "second.admin@noordhaven.example" in recipients
    assert plans.admin_a.email not in recipients  # who decided knows
    assert plans.admin_b.email not in recipients


def test_exit_counts_name_no_member_or_site(plans: World) -> None:
    _exit(plans)
    services.record_exit(
        actor_of(plans.admin_a), decision="continue", justification="x", event_response=plans.extras["response"]
    )
    counts = selectors.exit_counts()
    assert counts.total == 3 and counts.by_decision == {"continue": 1, "suspend": 1, "exit": 1}
    assert counts.members == 1
    assert counts.by_event == [(plans.extras["event"].title, {"continue": 1, "suspend": 1, "exit": 1})]
    later = selectors.exit_counts(since=timezone.localdate() + timedelta(days=1))
    assert later.total == 0

"""Urgent first: forced or child labour, violence, retaliation and imminent harm are triaged
urgent at intake (shorter clocks, listed first, an alert to handlers); a handler may change it
with a reason. And unread markers for new messages from reporters."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from covenant.core.actors import Actor
from covenant.core.models import AuditEvent
from covenant.grievances import selectors, services
from covenant.grievances.models import URGENT_TOPICS, Case, CaseRecipient, Topic
from tests.conftest import World, actor_of, client_for
from tests.grievances.builders import PASSPHRASE

URGENT_TEXT = "canary-urgent they keep our passports in the office safe"
REPLY = "canary-unread they took the passports again"


def _file(w: World, topics: list[str], what: str = URGENT_TEXT) -> services.Submitted:
    return services.submit(
        Actor.anonymous(),
        services.Intake(
            mechanism=w.extras["mechanism"],
            channel="web",
            language="en",
            what=what,
            topics=topics,
            facility=w.extras["shared"],
        ),
    )


def _age(case: Case, days: int) -> Case:
    past = timezone.localdate() - timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(received_on=past, stage_since=past)
    return Case.objects.select_related("mechanism").get(pk=case.pk)


def _key(w: World, case: Case) -> bytes:
    handler = actor_of(w.grievance_handler)
    key = services.case_key_for(handler, case, services.unlock_key(handler, PASSPHRASE))
    assert key is not None
    return key


@pytest.mark.parametrize("topic", sorted(URGENT_TOPICS))
def test_urgent_topics_are_triaged_urgent_at_intake(gw: World, topic: str) -> None:
    assert _file(gw, ["wages", topic]).case.urgent is True


def test_other_topics_are_not_urgent(gw: World) -> None:
    assert gw.extras["case"].urgent is False  # safety
    assert _file(gw, ["wages", "hours"]).case.urgent is False
    assert {Topic.RETALIATION, Topic.IMMINENT_HARM} <= set(Topic.values)  # offered on the form


def test_urgent_cases_run_on_shorter_clocks(gw: World, settings: Any) -> None:
    settings.GRIEVANCE_URGENT_DAYS = {"acknowledge": 1, "feedback": 14, "admissibility": 3}
    urgent = _age(_file(gw, ["forced_labour"]).case, 2)
    normal = _age(gw.extras["case"], 2)
    assert urgent.acknowledge_due() == urgent.received_on + timedelta(days=1)
    assert normal.acknowledge_due() == normal.received_on + timedelta(days=7)
    assert urgent.overdue() == ["acknowledge"] and normal.overdue() == []
    # The list's "overdue" filter, decided in the database, agrees with the model.
    handler = actor_of(gw.grievance_handler)
    assert list(selectors.case_list(handler, show="overdue")) == [urgent]
    # A mechanism's own shorter time frame still wins.
    settings.GRIEVANCE_URGENT_DAYS = {"acknowledge": 30}
    assert urgent.acknowledge_due() == urgent.received_on + timedelta(days=7)


def test_urgent_cases_are_listed_first_and_highlighted(gw: World) -> None:
    older_urgent = _age(_file(gw, ["child_labour"]).case, 3)
    handler = actor_of(gw.grievance_handler)
    assert selectors.case_list(handler).first() == older_urgent  # before the newer, ordinary case
    page = html.unescape(client_for(gw.grievance_handler).get(reverse("grievances:list")).content.decode())
    assert 'id="urgent-alert"' in page and '<mark class="urgent">urgent</mark>' in page
    assert page.index(older_urgent.reference) < page.index(gw.extras["case"].reference)
    urgent_only = client_for(gw.grievance_handler).get(reverse("grievances:list") + "?show=urgent").content.decode()
    assert older_urgent.reference in urgent_only and gw.extras["case"].reference not in urgent_only
    # Members see the case in their list without the handlers' triage marks.
    member_page = client_for(gw.admin_a).get(reverse("grievances:list")).content.decode()
    assert older_urgent.reference in member_page and 'class="urgent"' not in member_page


def test_urgent_alert_is_batched_names_references_only_and_is_sent_once(gw: World) -> None:
    urgent = _file(gw, ["imminent_harm"]).case
    assert mail.outbox == []  # nothing at the time of the report: its time would show on mail servers
    call_command("grievance_reminders", "--urgent", stdout=open("/dev/null", "w"))  # noqa: SIM115
    (message,) = mail.outbox
    assert urgent.reference in message.body and "urgent" in message.subject.lower()
    assert gw.extras["case"].reference not in message.body  # not urgent
    assert "canary" not in message.subject + message.body and "passports" not in message.body
    assert gw.grievance_handler.email in message.to
    assert services.send_urgent_alerts() == 0  # once per case
    assert Case.objects.get(pk=urgent.pk).urgent_alerted_on == timezone.localdate()


def test_handler_sets_urgent_with_a_reason_and_the_handlers_are_alerted(
    gw: World, django_capture_on_commit_callbacks: Any
) -> None:
    case = gw.extras["case"]
    handler = actor_of(gw.grievance_handler)
    key = _key(gw, case)
    with pytest.raises(ValidationError, match="reason"):
        services.set_urgent(handler, case, key, True, "")
    with django_capture_on_commit_callbacks(execute=True):
        services.set_urgent(handler, case, key, True, "canary-why the foreman threatened her")
    case.refresh_from_db()
    assert case.urgent and case.acknowledge_due() == case.received_on + timedelta(days=1)
    (message,) = mail.outbox
    assert case.reference in message.body and "canary" not in message.body
    (event,) = AuditEvent.objects.filter(object_id=str(case.pk), action="grievances.case.urgent")
    assert event.summary == {"urgent": True}
    # Members may not triage.
    assert (
        client_for(gw.admin_a)
        .post(reverse("grievances:set_urgent", args=[case.pk]), {"urgent": "on", "reason": "x"})
        .status_code
        == 403
    )


def test_new_reporter_messages_are_unread_until_a_handler_opens_the_case(gw: World) -> None:
    case = gw.extras["case"]
    opened = services.open_case(gw.extras["receipt"], "203.0.113.9")
    assert opened is not None
    services.reporter_reply(opened, REPLY)
    recipient = CaseRecipient.objects.get(case=case, org=gw.secretariat)
    assert recipient.unread is True
    assert not CaseRecipient.objects.filter(case=case, handler=False, unread=True).exists()
    client = client_for(gw.grievance_handler)
    assert '<mark class="new-message">' in client.get(reverse("grievances:list")).content.decode()
    # Opening it locked shows no message, so the marker stays.
    client.get(reverse("grievances:detail", args=[case.pk]))
    recipient.refresh_from_db()
    assert recipient.unread is True
    client.post(reverse("grievances:key"), {"action": "unlock", "passphrase": PASSPHRASE})
    page = html.unescape(client.get(reverse("grievances:detail", args=[case.pk])).content.decode())
    assert 'id="new-message"' in page and REPLY in page
    recipient.refresh_from_db()
    assert recipient.unread is False
    assert '<mark class="new-message">' not in client.get(reverse("grievances:list")).content.decode()
    # The member routed the case never sees the marker.
    assert "new message" not in client_for(gw.admin_a).get(reverse("grievances:list")).content.decode()

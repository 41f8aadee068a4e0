"""``covenant remind-saq``: 30 days before a SAQ expires and when it expires, once each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import mail
from django.core.management import call_command

from covenant.core.models import AuditEvent
from covenant.saq.models import SaqReminder
from covenant.saq.services import send_reminders
from tests.conftest import World


def test_due_then_expired_once_each_to_the_supplier_only(sw: World, django_capture_on_commit_callbacks: Any) -> None:
    saq = sw.extras["saq"]
    admin = sw.extras["saq_supplier_admin"]
    assert send_reminders(today=saq.valid_until - timedelta(days=31)) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=saq.valid_until - timedelta(days=10)) == 1
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "expires within a month" in mail.outbox[0].subject
    assert send_reminders(today=saq.valid_until - timedelta(days=5)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=saq.valid_until + timedelta(days=1)) == 1
    assert "expired" in mail.outbox[-1].subject and len(mail.outbox) == 2
    assert send_reminders(today=saq.valid_until + timedelta(days=2)) == 0
    assert set(SaqReminder.objects.values_list("stage", flat=True)) == {"due", "expired"}
    assert AuditEvent.objects.filter(action="saq.reminded", org_id=sw.extras["saq_supplier"].pk).count() == 2
    assert not any(sw.admin_a.email in m.to for m in mail.outbox)


def test_a_replaced_saq_is_not_reminded_and_the_command_runs(sw: World) -> None:
    from covenant.saq import services
    from tests.conftest import actor_of
    from tests.saq.world import fill, full_answers

    actor = actor_of(sw.extras["saq_supplier_admin"])
    new = services.submit(actor, fill(sw.extras["saq_draft"], full_answers(), actor=actor))
    old = sw.extras["saq"]
    assert send_reminders(today=old.valid_until - timedelta(days=10)) == 1
    assert list(SaqReminder.objects.values_list("saq_id", flat=True)) == [new.pk]
    call_command("remind_saq")

"""Cycles, drafts, evidence, submission (which locks), reopening and reminders: the rules, and that
each write is on the audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from covenant.assessments import services
from covenant.assessments.models import AssessmentStatus, Reminder
from covenant.core.errors import Conflict
from covenant.core.models import AuditEvent
from tests.assessments.builders import answers, deadline_in, open_cycle, submitted
from tests.conftest import World, actor_of, make_user
from tests.factories import PDF_BYTES


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_only_coordinators_and_officers_open_a_cycle_one_at_a_time(world: World) -> None:
    analyst = make_user(world.secretariat, "analyst", "analyst@sector.example")
    for who in (world.admin_a, analyst):
        with pytest.raises(PermissionDenied):
            services.open_cycle(actor_of(who), year=2026, deadline=deadline_in(30))
    cycle = open_cycle(world, 2026)
    assert cycle.version == "2026.1" and "assessments.cycle.opened" in _actions()
    with pytest.raises(Conflict):
        open_cycle(world, 2026)
    with pytest.raises(Conflict, match="Close the 2026 cycle first"):
        open_cycle(world, 2027)
    with pytest.raises(ValidationError):
        services.open_cycle(actor_of(world.coordinator), year=2028, deadline=timezone.localdate())
    with pytest.raises(ValidationError):
        services.open_cycle(actor_of(world.coordinator), year=2028, deadline=deadline_in(9), version="1999.9")


def test_members_are_told_when_a_cycle_opens(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        open_cycle(world, 2026)
    recipients = {r for m in mail.outbox for r in m.to}
    assert world.admin_a.email in recipients and world.admin_b.email in recipients
    assert world.supplier_admin.email not in recipients


def test_submit_checks_answers_computes_scores_and_locks(world: World) -> None:
    cycle = open_cycle(world)
    actor = actor_of(world.admin_a)
    assessment = services.start(actor, cycle)
    assert services.start(actor, cycle).pk == assessment.pk  # one per member and cycle
    services.save_draft(actor, assessment, answers(steps=(1, 2, 3)))
    with pytest.raises(ValidationError, match="Answer every question"):
        services.submit(actor, assessment)
    services.save_draft(actor, assessment, answers(steps=(4, 5, 6), level="bottom"))
    done = services.submit(actor, assessment)
    assert done.status == AssessmentStatus.SUBMITTED and done.submitted_by == world.admin_a
    assert done.scores == {"1": 4, "2": 4, "3": 4, "4": 0, "5": 0, "6": 0}
    assert set(done.prefill) == {"2.1.a", "2.1.b", "2.3.a", "3.1.a", "3.2.a", "4.1.a", "6.1.a"}
    assert all(f["as_of"] == timezone.localdate().isoformat() for f in done.prefill.values())
    for attempt in (
        lambda: services.save_draft(actor, done, {"1.1.a": "no"}),
        lambda: services.submit(actor, done),
        lambda: services.attach_evidence(actor, done, question="1.1", link="https://example.org/policy"),
    ):
        with pytest.raises(Conflict):
            attempt()
    done.refresh_from_db()
    assert done.answers["1.1.a"]["value"] == "yes"
    assert "assessments.assessment.submitted" in _actions()


def test_viewers_other_members_and_the_secretariat_cannot_write_a_members_assessment(world: World) -> None:
    cycle = open_cycle(world)
    assessment = services.start(actor_of(world.admin_a), cycle)
    for who in (world.viewer_a, world.admin_b, world.coordinator):
        with pytest.raises(PermissionDenied):
            services.save_draft(actor_of(who), assessment, {"1.1.a": "yes"})
    with pytest.raises(ValidationError):
        services.save_draft(actor_of(world.admin_a), assessment, {"1.1.a": "maybe", "9.9.z": "yes"})


def test_reopen_by_the_secretariat_with_a_reason_tells_the_member(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    cycle = open_cycle(world)
    member = actor_of(world.admin_a)
    done = submitted(member, cycle)
    with pytest.raises(PermissionDenied):
        services.reopen(member, done, reason="I want to change it")
    with pytest.raises(ValidationError):
        services.reopen(actor_of(world.coordinator), done, reason="  ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reopened = services.reopen(actor_of(world.coordinator), done, reason="Step 2 figures were of 2024")
    assert reopened.status == AssessmentStatus.REOPENED
    assert any("Step 2 figures were of 2024" in m.body and world.admin_a.email in m.to for m in mail.outbox)
    with pytest.raises(Conflict):
        services.reopen(actor_of(world.coordinator), reopened, reason="again")
    services.save_draft(member, reopened, {"2.2.a": "no"})
    again = services.submit(member, reopened)
    assert again.status == AssessmentStatus.SUBMITTED and again.answers["2.2.a"]["value"] == "no"
    event = AuditEvent.objects.get(action="assessments.assessment.reopened")
    assert event.org_id == world.member_a.pk


def test_a_closed_cycle_takes_no_more_answers(world: World) -> None:
    cycle = open_cycle(world)
    member = actor_of(world.admin_a)
    draft = services.start(member, cycle)
    services.close_cycle(actor_of(world.coordinator), cycle)
    with pytest.raises(Conflict):
        services.save_draft(member, draft, {"1.1.a": "yes"})
    with pytest.raises(Conflict):
        services.close_cycle(actor_of(world.coordinator), cycle)


def test_evidence_files_are_checked_kept_private_and_removed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    cycle = open_cycle(world)
    member = actor_of(world.admin_a)
    draft = services.start(member, cycle)
    with pytest.raises(ValidationError):
        services.attach_evidence(member, draft, question="1.1", filename="x.exe", data=b"MZ\x90\x00")
    with pytest.raises(ValidationError):
        services.attach_evidence(member, draft, question="nope", link="https://example.org")
    with pytest.raises(ValidationError):
        services.attach_evidence(member, draft, question="1.1")
    item = services.attach_evidence(member, draft, question="1.1.a", filename="policy.pdf", data=PDF_BYTES)
    assert default_storage.exists(item.file.name) and not item.file.name.startswith("static")
    with pytest.raises(PermissionDenied):
        services.remove_evidence(actor_of(world.admin_b), item)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_evidence(member, item)
    assert not default_storage.exists(item.file.name)
    assert {"assessments.evidence.added", "assessments.evidence.removed"} <= set(_actions())


def test_reminders_go_once_per_stage_to_admins_who_have_not_submitted(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    cycle = open_cycle(world, days=20)
    submitted(actor_of(world.admin_b), cycle)
    world.admin_a.language = "nl"
    world.admin_a.save(update_fields=["language"])
    other_admin = make_user(world.member_a, "admin", "second.admin@noordhaven.example")
    today = timezone.localdate()
    assert services.send_reminders(today) == 0  # 20 days before: nothing yet
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(today + timedelta(days=6)) == 1  # 14 days before
    assert services.send_reminders(today + timedelta(days=7)) == 0  # once
    # Administrators only (not the editor or the viewer), one message per language (each in theirs).
    assert sorted(m.to for m in mail.outbox) == sorted([[other_admin.email], [world.admin_a.email]])
    assert services.send_reminders(today + timedelta(days=18)) == 1  # 3 days before
    assert services.send_reminders(today + timedelta(days=21)) == 1  # overdue
    assert services.send_reminders(today + timedelta(days=40)) == 0
    assert sorted(Reminder.objects.values_list("stage", flat=True)) == ["14", "3", "overdue"]
    assert not Reminder.objects.filter(org=world.member_b).exists()
    assert AuditEvent.objects.filter(action="assessments.reminder.sent", org_id=world.member_a.pk).count() == 3

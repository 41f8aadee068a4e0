"""Tables of the member self-assessment: the yearly cycle, each member's assessment in it, the
evidence attached to answers, and the reminders sent (once each).

An assessment keeps the questionnaire version it was answered under (``version``) and, once
submitted, its scores and the platform's figures as they were then: a new questionnaire
version changes neither (``questionnaire.py``, ``docs/assessments.md``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CycleStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Cycle(models.Model):
    """One year's self-assessment round, opened and closed by the secretariat."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    opens_on = models.DateField(_("opens on"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(max_length=10, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    version = models.CharField(_("questionnaire version"), max_length=20)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_open(self) -> bool:
        return self.status == CycleStatus.OPEN


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REOPENED = "reopened", _("Reopened")


class Assessment(models.Model):
    """A member's self-assessment in one cycle. Private to the member (the secretariat sees
    statuses, and scores only where the deployment allows it; branch associations aggregates)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="self_assessments")
    version = models.CharField(max_length=20)  # the questionnaire version the answers were given under
    status = models.CharField(max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    # {item code: {"value": ..., "platform": bool}}: "platform" when the member took the figure shown.
    answers = models.JSONField(default=dict)
    # {item code: {"value", "text", "as_of"}}: the platform's figures, frozen at submission.
    prefill = models.JSONField(default=dict)
    # {"1": 0-4, ..., "6": 0-4}: computed at submission and stored.
    scores = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_reason = models.CharField(_("reason for reopening"), max_length=500, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cycle__year", "org__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "org"], name="one_assessment_per_member_and_cycle")]

    def __str__(self) -> str:
        return f"{self.org} {self.cycle.year}"

    @property
    def is_locked(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED

    def score_of(self, step: int) -> int | None:
        value = self.scores.get(str(step))
        return int(value) if value is not None else None


class Evidence(models.Model):
    """A file (private: downloaded through an access-checked view) or a link supporting one answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    question = models.CharField(_("question"), max_length=20)
    file = models.FileField(upload_to="self-assessment/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    link = models.URLField(_("link"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question", "uploaded_at"]

    def __str__(self) -> str:
        return self.filename or self.link


class ReminderStage(models.TextChoices):
    DAYS_14 = "14", _("14 days before the deadline")
    DAYS_3 = "3", _("3 days before the deadline")
    OVERDUE = "overdue", _("Overdue")


class Reminder(models.Model):
    """A reminder sent to one member for one cycle at one stage; at most one per stage."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reminders")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=10, choices=ReminderStage.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "org", "stage"], name="one_self_assessment_reminder_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.org_id} {self.stage}"

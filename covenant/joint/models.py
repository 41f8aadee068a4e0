"""Tables of joint action: organisations acting together on a shared risk (issue 17).

A joint action belongs to its accepted participants together; nobody else sees it (see
``selectors.py``). Members must share risks and plans here, never prices or volumes
(competition law), so there is no field for either.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


# Completed and stopped actions are closed: no more changes but a reopening status change.
CLOSED_STATUSES = frozenset({ActionStatus.COMPLETED, ActionStatus.STOPPED})


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", _("Observer")
    FACILITATOR = "facilitator", _("Facilitator")


class ParticipantStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")


class AttachmentKind(models.TextChoices):
    AUDIT_FINDING = "audit_finding", _("Collaborative audit finding")
    GRIEVANCE_CASE = "grievance_case", _("Grievance case")
    RISK_EVENT = "risk_event", _("Risk event")


class JointAction(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    aim = models.TextField(_("aim"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PROPOSED)
    topics = models.ManyToManyField("risk.Topic", related_name="+", blank=True, verbose_name=_("topics"))
    sites = models.ManyToManyField("registry.Facility", related_name="+", blank=True, verbose_name=_("sites"))
    # ISO 3166-1 alpha-2 codes (validated by the services through core.countries).
    countries = models.JSONField(_("countries"), default=list, blank=True)
    # Product names from risk's goods vocabulary (risk.interface.scanner().goods()).
    commodities = models.JSONField(_("commodities"), default=list, blank=True)
    gender_dimension = models.TextField(_("gender dimension"), blank=True)
    responds_to_event = models.ForeignKey(
        "risk.RiskEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responds to event"),
    )
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    created_by = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The published summary (title, aim, topics, countries, progress, participant count): set by
    # publish_summary, cleared by unpublish_summary. Names appear only for orgs that opted in.
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class Participant(models.Model):
    action = models.ForeignKey(JointAction, on_delete=models.CASCADE, related_name="participants")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="joint_participations")
    role = models.CharField(_("role"), max_length=12, choices=ParticipantRole.choices)
    status = models.CharField(_("status"), max_length=10, choices=ParticipantStatus.choices)
    invited_by = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The organisation lets the published summary name it.
    named_in_summary = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["action", "org"], name="joint_one_participation_per_org")]

    def __str__(self) -> str:
        return f"{self.org} ({self.role})"


class Milestone(models.Model):
    action = models.ForeignKey(JointAction, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    owner = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class BudgetShare(models.Model):
    action = models.ForeignKey(JointAction, on_delete=models.CASCADE, related_name="budget_shares")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(_("currency"), max_length=3)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount}"


class Document(models.Model):
    action = models.ForeignKey(JointAction, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    # Private under DATA_DIR; served only by the access-checked download view.
    file = models.FileField(upload_to="joint/%Y/%m/")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class GenderTarget(models.Model):
    action = models.ForeignKey(JointAction, on_delete=models.CASCADE, related_name="gender_targets")
    indicator = models.CharField(_("indicator"), max_length=200)
    target_women = models.PositiveIntegerField(_("target (women)"), default=0)
    target_men = models.PositiveIntegerField(_("target (men)"), default=0)
    actual_women = models.PositiveIntegerField(_("actual (women)"), default=0)
    actual_men = models.PositiveIntegerField(_("actual (men)"), default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.indicator


class ProgressUpdate(models.Model):
    action = models.ForeignKey(JointAction, on_delete=models.CASCADE, related_name="updates")
    author_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("text"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.progress} %"


class Attachment(models.Model):
    """A finding, case or event attached as a redacted snapshot, taken when attached by a
    participant who could read the object; other participants see the snapshot only."""

    action = models.ForeignKey(JointAction, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    reference = models.CharField(max_length=64)
    snapshot = models.JSONField(default=dict)
    attached_by = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-attached_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "kind", "reference"], name="joint_attach_once"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

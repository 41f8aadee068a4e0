"""Tables of supplier self-assessment: the questionnaire answers and workforce profile of a site,
the supplier's consent to share them, members' requests, and reminders sent."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

VALID_MONTHS = 12
DUE_DAYS = 30  # the first reminder, this many days before the SAQ expires


class SaqStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months (the 31st becomes the month's last day)."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class Saq(models.Model):
    """One self-assessment of one site by its supplier: a draft, then submitted and locked.

    Answers are ``{question code: answer}`` under ``version`` (``questionnaire.load(version)``);
    a new year's SAQ is a new draft, started from the last one's answers.
    """

    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="saqs")
    version = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=SaqStatus.choices, default=SaqStatus.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    completeness = models.PositiveSmallIntegerField(default=0)
    # Workforce profile: headcount by sex, and how many of them are migrant, agency, refugee and young workers.
    workers_women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    workers_men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    workers_other = models.PositiveIntegerField(_("other or undisclosed"), null=True, blank=True)
    migrant_workers = models.PositiveIntegerField(_("migrant workers"), null=True, blank=True)
    agency_workers = models.PositiveIntegerField(_("agency workers"), null=True, blank=True)
    refugee_workers = models.PositiveIntegerField(_("refugee workers"), null=True, blank=True)
    young_workers = models.PositiveIntegerField(_("young workers (under 18)"), null=True, blank=True)
    nationalities = models.JSONField(default=list, blank=True)  # [{"country": "MM", "count": 120}, ...]
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [models.Index(fields=["facility", "status", "submitted_at"], name="saq_site_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "owner"], condition=models.Q(status="draft"), name="one_saq_draft_per_site"
            )
        ]

    def __str__(self) -> str:
        return f"SAQ {self.pk} of {self.facility_id}"

    @property
    def headcount(self) -> int | None:
        parts = [self.workers_women, self.workers_men, self.workers_other]
        return sum(p or 0 for p in parts) if any(p is not None for p in parts) else None

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def employs_refugees(self) -> bool:
        return bool(self.refugee_workers)

    def share_of(self, count: int | None) -> float | None:
        """A count as a percentage of the headcount (None when either is unknown)."""
        total = self.headcount
        if count is None or not total:
            return None
        return round(100 * count / total, 1)


class SaqSharing(models.Model):
    """A supplier's standing choice: the SAQs of each of its sites are shared with every member
    that has an active supply link to that site (its customers there), and nobody else."""

    supplier = models.OneToOneField("orgs.Organisation", on_delete=models.CASCADE, related_name="saq_sharing")
    share_with_linked = models.BooleanField(
        _("Share each site's SAQ with every customer linked to that site"), default=False
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"SAQ sharing of {self.supplier_id}"


class SaqShare(models.Model):
    """The supplier lets one member read the SAQs of one site (the current one and later ones)
    until it withdraws the share."""

    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="saq_shares_given")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="saq_shares")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facility", "supplier", "org"], name="one_saq_share_per_member_site")
        ]
        indexes = [models.Index(fields=["org", "facility"], name="saq_share_org_site")]

    def __str__(self) -> str:
        return f"{self.facility_id} SAQ -> {self.org_id}"


class SaqRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the supplier")
    GRANTED = "granted", _("Granted")
    DECLINED = "declined", _("Declined")


class SaqRequest(models.Model):
    """A member linked to a site asks its supplier for the site's SAQ."""

    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="saq_requests")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=SaqRequestStatus.choices, default=SaqRequestStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.org_id} asks {self.supplier_id} for the SAQ of {self.facility_id}"


class SaqReminder(models.Model):
    """A reminder sent about one SAQ: ``due`` (30 days before it expires) or ``expired``, once each."""

    saq = models.ForeignKey(Saq, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=10)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["saq", "stage"], name="one_saq_reminder_per_stage")]

    def __str__(self) -> str:
        return f"{self.saq_id} {self.stage}"

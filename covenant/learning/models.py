"""Tables of the learning library: resources (the sector's library and members' tools), the OECD
steps each serves, and each person's progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from covenant.core.oecd import OecdStep


class ResourceKind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    TRAINING_DECK = "training_deck", _("Training deck")
    E_LEARNING = "e_learning", _("E-learning")
    TEMPLATE = "template", _("Template")
    TOOL = "tool", _("Tool")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # A published tool a newer, approved version replaced: kept, readable by whoever read it.
    SUPERSEDED = "superseded", _("Replaced by a newer version")


# Statuses others than the contributor (and the secretariat) may read.
SHARED_STATUSES = (ResourceStatus.PUBLISHED, ResourceStatus.SUPERSEDED)


class Resource(models.Model):
    """A guide, training deck, e-learning, template or tool.

    ``contributed_by`` empty: the sector's library, imported from ``learning/data/resources.json``
    by its ``key`` (the repository is its history). Otherwise a participant's tool: private to
    its organisation until the secretariat approves it; once published it is never edited, a
    change is a new submission (``replaces``) that supersedes it when approved.
    """

    key = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    topics = models.ManyToManyField("risk.Topic", blank=True, related_name="+", verbose_name=_("topics"))
    language = models.CharField(_("language"), max_length=10)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(upload_to="learning/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=100, blank=True)  # the content type the checks found
    file_size = models.PositiveIntegerField(default=0)
    licence = models.CharField(_("licence"), max_length=150)
    licence_url = models.URLField(_("licence link"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    sme_friendly = models.BooleanField(_("fits small and medium-sized firms"), default=False)
    status = models.CharField(max_length=20, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT)
    contributed_by = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="learning_resources"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replacements")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["contributed_by", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_sector_library(self) -> bool:
        return self.contributed_by_id is None

    @property
    def steps(self) -> list[int]:
        """The OECD steps, from prefetched rows when the selector prefetched them."""
        return sorted(row.step for row in self.step_rows.all())

    def step_labels(self) -> list[str]:
        return [str(OecdStep(step).label) for step in self.steps]


class ResourceStep(models.Model):
    """One OECD due-diligence step a resource serves (a resource may serve several)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="step_rows")
    step = models.PositiveSmallIntegerField(choices=OecdStep.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resource", "step"], name="learning_unique_resource_step")]

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.step}"


class ProgressStatus(models.TextChoices):
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")


class Progress(models.Model):
    """One person's progress with one resource. Private to the person: not their organisation's
    (an administrator does not see it), the secretariat sees counts only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_progress")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=20, choices=ProgressStatus.choices)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["user", "resource"], name="learning_unique_progress")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.resource_id} {self.status}"

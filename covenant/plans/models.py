"""Tables of action plans: the member's plan of approach (OECD step 3) and its responsible-exit decisions.

Everything here is private to the member that wrote it (``org``): no other member and no
secretariat staff read a row; the secretariat sees counts of decisions only
(``selectors.exit_counts``). Overdue is computed, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField


class PlanScope(models.TextChoices):
    SITE = "site", _("One site")
    AREA = "area", _("A country and commodity")
    CHAIN = "chain", _("The whole chain")


class RiskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("plan risk", "Open")
    ADDRESSED = "addressed", _("Addressed")
    CLOSED = "closed", pgettext_lazy("plan risk", "Closed")


class PlanRisk(models.Model):
    """A risk the member prioritised from its risk overview, with why and where it came from."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey("risk.Topic", on_delete=models.PROTECT, related_name="+", verbose_name=_("topic"))
    scope = models.CharField(_("scope"), max_length=10, choices=PlanScope.choices)
    facility = models.ForeignKey(
        "registry.Facility", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("site")
    )
    country = CountryField(_("country"), blank=True)
    commodity = models.CharField(_("commodity"), max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(_("priority"))
    why = models.TextField(_("why it is a priority"))
    # The risk overview's row when it was added: the score and band then, how many sites
    # were high or very high on the topic (chain and area scopes), and the day.
    source_score = models.FloatField(null=True, blank=True)
    source_band = models.CharField(max_length=10, blank=True)
    source_sites_high = models.PositiveIntegerField(null=True, blank=True)
    source_on = models.DateField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["org", "rank", "pk"]
        indexes = [models.Index(fields=["org", "status"], name="plan_risk_org_status")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.topic_id} ({self.scope})"

    @property
    def scope_label(self) -> str:
        if self.scope == PlanScope.SITE and self.facility is not None:
            return self.facility.name
        if self.scope == PlanScope.AREA:
            return " · ".join(str(p) for p in (self.country.name if self.country else "", self.commodity) if p)
        return str(_("The whole chain"))


class ActionKind(models.TextChoices):
    OWN = "own", _("Own action")
    WITH_SUPPLIERS = "with_suppliers", _("With suppliers")
    JOINT = "joint", _("Joint action")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class PlanAction(models.Model):
    """What the member does about one prioritised risk: alone, with its suppliers, or in a joint action."""

    risk = models.ForeignKey(PlanRisk, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    # Only a joint action the member takes part in (services.check_joint_action); kept if the
    # joint action goes away, so the plan still says an action was joint.
    joint_action = models.ForeignKey(
        "joint.JointAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("joint action"),
    )
    description = models.TextField(_("action"))
    target = models.CharField(_("target"), max_length=300, blank=True)
    target_value = models.DecimalField(_("target figure"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField(_("unit"), max_length=40, blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_text = models.CharField(_("owner"), max_length=200, blank=True)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    progress = models.TextField(_("progress notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["risk", "due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="plan_action_status_due")]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def owner_name(self) -> str:
        if self.owner_user is not None:
            return self.owner_user.full_name or self.owner_user.email
        return self.owner_text

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.status in OPEN_ACTION_STATUSES and self.due_on < timezone.localdate()


class Decision(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    SUSPEND = "suspend", _("Suspend")
    EXIT = "exit", _("Exit")


class Trigger(models.TextChoices):
    EVENT = "event", _("Response to a risk event")
    CORRECTIVE_ACTION = "corrective_action", _("Failed corrective action")


class ExitStatus(models.TextChoices):
    DECIDED = "decided", _("Decided")
    IN_PROGRESS = "in_progress", _("Being carried out")
    COMPLETED = "completed", _("Completed")
    REVERSED = "reversed", _("Reversed")


class ExitDecision(models.Model):
    """Whether the member stays with a site after a risk event or a failed corrective action, and why.

    For a suspension or an exit it holds the plan that makes leaving responsible (OECD step 3):
    notice, wages and severance, consultation of the workers' representatives, remedy. Each
    essential element left out carries the member's reason (``*_not_possible``). Recording an
    exit ends no supply link: the register's own, previewed action does that.
    """

    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    event = models.ForeignKey(
        "risk.RiskEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("event")
    )
    event_response = models.ForeignKey(
        "risk.EventResponse", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrective_action = models.ForeignKey(
        "audits.CorrectiveAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("corrective action"),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    justification = models.TextField(_("justification"))
    decided_on = models.DateField(_("decided on"))
    # The plan (suspend and exit).
    notice_given_on = models.DateField(_("notice given on"), null=True, blank=True)
    notice_days = models.PositiveIntegerField(_("notice period (days)"), null=True, blank=True)
    notice_not_possible = models.TextField(_("why no notice can be given"), blank=True)
    wages_secured = models.BooleanField(_("wages and severance secured"), null=True, blank=True)
    wages_note = models.TextField(_("how wages and severance are secured"), blank=True)
    wages_not_possible = models.TextField(_("why wages and severance cannot be secured"), blank=True)
    consulted = models.BooleanField(_("union or worker representatives consulted"), null=True, blank=True)
    consulted_with = models.CharField(_("consulted with"), max_length=300, blank=True)
    consultation_not_possible = models.TextField(_("why no consultation is possible"), blank=True)
    remedy_considered = models.BooleanField(_("remedy for affected workers considered"), null=True, blank=True)
    remedy_note = models.TextField(_("remedy"), blank=True)
    timeline = models.TextField(_("timeline"), blank=True)
    status = models.CharField(_("status"), max_length=15, choices=ExitStatus.choices, default=ExitStatus.DECIDED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["decision", "decided_on"], name="exit_decision_on")]

    def __str__(self) -> str:
        return f"{self.decision} {self.facility_id} {self.decided_on}"

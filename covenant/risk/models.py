"""Salient human-rights topics, and what is known about a site beyond its inherent risk."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Topic(models.Model):
    """A salient human-rights topic. Data, not code: the secretariat may add more."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100, blank=True)
    description = models.TextField(blank=True)
    # UN Guiding Principles salience, each 1-3 (scoring.SALIENCE ships the defaults; migration 0010).
    scale = models.PositiveSmallIntegerField(_("scale"), default=2)
    scope = models.PositiveSmallIntegerField(_("scope"), default=2)
    irremediability = models.PositiveSmallIntegerField(_("irremediability"), default=2)
    salience_note = models.CharField(_("salience source"), max_length=200, blank=True)
    # scale + scope + irremediability (3-9), kept in step by save(): it weights the topic's
    # risk and, within a band, orders the prioritised list (OECD: severity first).
    severity = models.PositiveSmallIntegerField(default=6)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.severity = self.scale + self.scope + self.irremediability
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """The name in the reader's language (topics are data, so not in the .po file)."""
        from django.utils.translation import get_language

        return self.name_nl if self.name_nl and (get_language() or "").startswith("nl") else self.name


# Evidence anyone may read: it moves the shared, stored picture (``SiteRisk``).
PUBLIC_SOURCES = ("event", "sanctions")
# Evidence with restricted readership: kept as signals, never stored in ``SiteRisk``, and
# applied only for a reader who may read the source object (see ``risk.interface``).
RESTRICTED_SOURCES = ("audit", "self_assessment", "grievance")


class SiteSignal(models.Model):
    """Site-specific evidence that moves a site's risk on one topic up or down.

    The one interface through which other capabilities (audits, self-assessments,
    grievances, risk events, sanctions screening) feed the risk picture: they call
    :func:`covenant.risk.interface.replace_signals` with their own ``source`` and
    ``source_ref``, and never touch scores themselves.
    """

    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="risk_signals")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="signals")
    source = models.CharField(max_length=30)  # audit | self_assessment | grievance | event | sanctions
    source_ref = models.CharField(max_length=64)  # e.g. the audit's id
    delta = models.FloatField(help_text="Points added to (or, if negative, taken from) the 0-10 score")
    explanation = models.CharField(max_length=300)  # English; pages render ``code``/``params`` (explain.py)
    # The line as a code with parameters (counts, dates, a scheme's name; never confidential
    # words), rendered in the reader's language; "" for lines kept as English text only.
    code = models.CharField(max_length=40, blank=True, default="")
    params = models.JSONField(blank=True, default=dict)
    observed_on = models.DateField(default=timezone.localdate)
    expires_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["facility", "topic"], name="signal_facility_topic"),
            models.Index(fields=["source", "source_ref"], name="signal_source"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.topic_id} {self.delta:+.1f} ({self.source})"


# --- Reference indicators and how they map to topics ------------------------------------


class IndicatorLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    COMMODITY = "commodity", _("Country and commodity")


class IndicatorStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Indicator(models.Model):
    """A published country or commodity indicator (ITUC, ILAB, World Bank, or one the secretariat uploads).

    Values are kept normalised to 0-10 (10 = worst) next to the raw value as published,
    so every explanation can quote the source's own words ("rating 5+").

    An uploaded set starts as a **draft**: scoring reads published indicators only
    (``reference.load_reference``), so the secretariat can preview its effect first.
    ``draft_weights`` holds weights waiting for publication (a draft's, or new weights
    for a published indicator); ``TopicWeight`` holds only the weights in force.
    """

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    level = models.CharField(_("level"), max_length=10, choices=IndicatorLevel.choices)
    source = models.CharField(_("source"), max_length=300)
    edition = models.CharField(_("edition"), max_length=40)
    url = models.URLField(_("web address"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=200)
    builtin = models.BooleanField(default=False, help_text="Shipped with Covenant (covenant/risk/data)")
    status = models.CharField(
        _("status"), max_length=10, choices=IndicatorStatus.choices, default=IndicatorStatus.PUBLISHED
    )
    draft_weights = models.JSONField(null=True, blank=True)  # topic code -> points, not in force until published
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.edition}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    country = models.CharField(max_length=2)
    commodity = models.CharField(max_length=100, blank=True)  # casefolded; blank for country indicators
    value = models.FloatField(help_text="0-10, 10 = highest risk")
    raw = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "country", "commodity"], name="unique_indicator_value")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.country} {self.commodity} {self.value}"


class TopicWeight(models.Model):
    """How many points (at most) an indicator adds to one topic's score."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="weights")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    points = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "topic"], name="unique_topic_weight")]

    def __str__(self) -> str:
        return f"{self.indicator_id} -> {self.topic_id}: {self.points}"


# --- Computed inherent risk ----------------------------------------------------------


class RiskProfile(models.Model):
    """Scores for one (country, sector, risky goods) combination: many sites share one."""

    key = models.CharField(max_length=64, unique=True)
    country = models.CharField(max_length=2)
    sector = models.CharField(max_length=100, blank=True)
    goods = models.JSONField(default=list)
    scores = models.JSONField(default=dict)  # topic code -> 0-10
    explanation = models.JSONField(default=dict)  # topic code -> [[label, points], ...]
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.country} {self.sector} {self.goods}"


class RiskVersion(models.Model):
    """One row: changes whenever the data the risk caches are built from changes.

    Database triggers (migration ``0009_risk_version``) bump it in the same statement's
    transaction as every insert, update, delete or truncate of profiles, topics and topic
    weights, whoever writes them (the engine's COPY, a service, the admin, a shell), so a
    cache keyed on it cannot miss a change. ``token`` is new at each bump (random): a bump
    rolled back and made again (a test's transaction, an aborted write) gives another token,
    where a counter would repeat. ``counter`` is for people reading the table.

    Per-site rows (``SiteRisk``) do not bump it: the caches hold no per-site data, and one
    row bumped by every upload would serialise the uploads' transactions.
    """

    counter = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return f"risk data version {self.counter}"


class Band(models.IntegerChoices):
    LOW = 0, _("low")
    MEDIUM = 1, _("medium")
    HIGH = 2, _("high")
    VERY_HIGH = 3, _("very high")


BAND_CODES = {0: "low", 1: "medium", 2: "high", 3: "very_high"}


class SiteRisk(models.Model):
    """One facility's risk: its profile (per-topic inherent scores), and the adjusted
    per-topic scores when site signals exist. ``score``/``band`` are the maximum over
    topics, each weighted by its severity (``scoring.summarise``); ``severity`` is the top
    topic's (3-9), which orders the prioritised list within a band (OECD: severity first)."""

    # A derived table, rebuilt whole by each recomputation: the database does not check
    # these two keys row by row (at 1,000,000 rows the deferred checks cost more than the
    # write itself). Deleting a facility still removes its row (Django cascades), and
    # profiles are only ever replaced together with every SiteRisk row.
    facility = models.OneToOneField(
        "registry.Facility", primary_key=True, on_delete=models.CASCADE, related_name="risk", db_constraint=False
    )
    profile = models.ForeignKey(RiskProfile, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    score = models.FloatField()
    band = models.PositiveSmallIntegerField(choices=Band.choices)
    severity = models.PositiveSmallIntegerField(default=0)
    top_topic = models.CharField(max_length=40, blank=True)
    adjusted = models.JSONField(null=True, blank=True)  # topic code -> 0-10, only where signals apply
    # The mean score over all topics (scoring.breadth_of): a later key of the prioritised list.
    breadth = models.FloatField(default=0.0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["band"], name="siterisk_band"),
            # Sites with signals are few; the overview reads them one by one.
            models.Index(fields=["facility"], condition=models.Q(adjusted__isnull=False), name="siterisk_adjusted"),
            # The rest share their profile's scores: the overview counts them per profile and
            # orders them by severity and score from this index alone (no table lookups).
            models.Index(
                fields=["facility", "profile", "severity", "score"],
                condition=models.Q(adjusted__isnull=True),
                name="siterisk_plain",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.score:.1f}"


# An override is reviewed at least every two years; by default a year after it is set.
OVERRIDE_REVIEW_MONTHS = 12
OVERRIDE_MAX_MONTHS = 24
# "Review due" this many days before the review date: the first reminder goes out then.
OVERRIDE_DUE_DAYS = 30


def add_months(day: date, months: int) -> date:
    year = day.year + (day.month - 1 + months) // 12
    month = (day.month - 1 + months) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_review_date() -> date:
    return add_months(timezone.localdate(), OVERRIDE_REVIEW_MONTHS)


class RiskOverride(models.Model):
    """A member's own judgement of a site's risk on a topic. Private to the member.

    It applies up to and including ``review_on``; after that it has expired and the
    computed score applies again (``evidence.active_overrides`` is the one filter). The
    ``reminded_*`` dates record for which review date each reminder went out, so a nightly
    run sends each once, and a renewal (a new review date) arms them again."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="risk_overrides")
    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    justification = models.TextField(_("justification"))
    review_on = models.DateField(_("review date"), default=default_review_date)
    reminded_due_for = models.DateField(null=True, blank=True)
    reminded_expired_for = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "facility", "topic"], name="one_override_per_topic")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.facility_id} {self.topic_id} = {self.score}"

    @property
    def expired(self) -> bool:
        return self.review_on < timezone.localdate()

    @property
    def review_state(self) -> str:
        """``expired``, ``due`` (within OVERRIDE_DUE_DAYS of the review date) or blank."""
        today = timezone.localdate()
        if self.review_on < today:
            return "expired"
        if self.review_on <= today + timedelta(days=OVERRIDE_DUE_DAYS):
            return "due"
        return ""


# --- Risk events ---------------------------------------------------------------------


class EventKind(models.TextChoices):
    ARMED_CONFLICT = "armed_conflict", _("Armed conflict")
    SANCTIONS = "sanctions", _("Sanctions")
    NATURAL_DISASTER = "natural_disaster", _("Natural disaster")
    CRACKDOWN = "crackdown", _("Crackdown on labour rights")
    REFUGEE_INFLUX = "refugee_influx", _("Refugee influx")
    OTHER = "other", _("Other")


class RiskEvent(models.Model):
    """Declared by the secretariat; raises the given topics for every site in its regions while active."""

    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    regions = models.JSONField(default=list)  # ISO 3166-1 alpha-2 and/or ISO 3166-2 codes
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    topics = models.ManyToManyField(Topic, related_name="+")
    raise_by = models.FloatField(default=2.0)
    guidance = models.TextField(_("guidance"))
    checklist = models.JSONField(default=list)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.ended_at is None and self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class EventAlert(models.Model):
    """A member was told that it has sites in an event's area. Private to the member."""

    event = models.ForeignKey(RiskEvent, on_delete=models.CASCADE, related_name="alerts")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="risk_alerts")
    site_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "org"], name="one_alert_per_member")]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.org_id}"


class ResponseStatus(models.TextChoices):
    # A context of its own: the grievance stage "Acknowledged" (shown to workers) is another word in many languages.
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("risk event response", "Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_AFFECTED = "not_affected", _("Not affected")


class EventResponse(models.Model):
    """What a member does about one of its sites in an event's area. Private to the member."""

    event = models.ForeignKey(RiskEvent, on_delete=models.CASCADE, related_name="responses")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=15, choices=ResponseStatus.choices)
    checklist_done = models.JSONField(default=list)  # indexes into the event's checklist
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "org", "facility"], name="one_response_per_site")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.org_id} {self.facility_id} {self.status}"


# --- Sanctions screening -------------------------------------------------------------


class SanctionsList(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    source = models.CharField(_("source"), max_length=300)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    fmt = models.CharField(max_length=10)  # ftm | csv
    version = models.PositiveIntegerField(default=1)
    entry_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=timezone.now)
    screened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SanctionsEntry(models.Model):
    sanctions_list = models.ForeignKey(SanctionsList, on_delete=models.CASCADE, related_name="entries")
    ext_id = models.CharField(max_length=120)
    schema = models.CharField(max_length=30, blank=True)  # FollowTheMoney schema (Company, Person, ...)
    name = models.CharField(max_length=300)
    aliases = models.JSONField(default=list)
    countries = models.JSONField(default=list)
    identifiers = models.JSONField(default=dict)
    programme = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sanctions_list", "ext_id"], name="unique_sanctions_entry")]

    def __str__(self) -> str:
        return self.name


class HitStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class ScreeningHit(models.Model):
    """A facility (or its owning company) looks like a sanctioned party."""

    entry = models.ForeignKey(SanctionsEntry, on_delete=models.CASCADE, related_name="hits")
    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="sanctions_hits")
    subject = models.CharField(max_length=10)  # facility | owner
    subject_name = models.CharField(max_length=300)
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=HitStatus.choices, default=HitStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["entry", "facility", "subject"], name="unique_screening_hit")]

    def __str__(self) -> str:
        return f"{self.subject_name} ~ {self.entry_id} ({self.score:.2f})"

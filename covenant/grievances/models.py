"""The joint grievance mechanism: cases, who receives them, and what happens to them.

Confidentiality rules (docs/grievance-protocol.md):
- anything a reporter or a handler writes is stored only encrypted with the case key
  (``*_enc`` fields and attachment files);
- no IP address, user agent, phone number or time of day is stored: case events carry
  dates only; conversation and replay keys are keyed hashes;
- the case key exists in the database only sealed to recipient organisations
  (:class:`CaseRecipient`) and wrapped under the receipt-derived key.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from covenant.core.remedy import CapStatus as CapStatus  # re-exported: the apps name it from here
from covenant.core.remedy import Verification as Verification


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    OPERATOR = "operator", _("Hotline operator")
    VOICE = "voice", _("Voice call")


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ADMISSIBILITY = "admissibility", _("Checking admissibility")
    INVESTIGATION = "investigation", _("Investigation")
    REMEDY_PLAN = "remedy_plan", _("Remedy plan")
    REMEDY_IMPLEMENTED = "remedy_implemented", _("Remedy implemented")
    CLOSED = "closed", _("Closed")
    APPEAL = "appeal", _("Appeal")


# The order a case normally moves in; an appeal reopens a closed case.
STAGE_FLOW: dict[str, tuple[str, ...]] = {
    Stage.RECEIVED: (Stage.ACKNOWLEDGED,),
    Stage.ACKNOWLEDGED: (Stage.ADMISSIBILITY,),
    Stage.ADMISSIBILITY: (Stage.INVESTIGATION, Stage.CLOSED),
    Stage.INVESTIGATION: (Stage.REMEDY_PLAN, Stage.CLOSED),
    Stage.REMEDY_PLAN: (Stage.REMEDY_IMPLEMENTED, Stage.CLOSED),
    Stage.REMEDY_IMPLEMENTED: (Stage.CLOSED,),
    Stage.CLOSED: (Stage.APPEAL,),
    Stage.APPEAL: (Stage.INVESTIGATION, Stage.CLOSED),
}


class Topic(models.TextChoices):
    WAGES = "wages", _("Pay and wages")
    HOURS = "hours", _("Working hours")
    SAFETY = "safety", _("Health and safety")
    HARASSMENT = "harassment", _("Harassment or violence")
    DISCRIMINATION = "discrimination", _("Discrimination")
    FORCED_LABOUR = "forced_labour", _("Forced work or debts")
    CHILD_LABOUR = "child_labour", _("Children working")
    UNION = "union", _("Joining a union")
    CONTRACT = "contract", _("Contract or dismissal")
    ENVIRONMENT = "environment", _("Land, water or pollution")
    RETALIATION = "retaliation", _("Punished for speaking up")
    IMMINENT_HARM = "imminent_harm", _("Someone is in danger now")
    OTHER = "other", _("Something else")


# Topics triaged urgent at intake (docs/grievances.md, "Urgent cases"): shorter clocks,
# listed first, an alert to handlers. "Harassment or violence" stands for violence.
URGENT_TOPICS = frozenset(
    {Topic.FORCED_LABOUR, Topic.CHILD_LABOUR, Topic.HARASSMENT, Topic.RETALIATION, Topic.IMMINENT_HARM}
)


class Outcome(models.TextChoices):
    """How a case ended; every closed case has one, and the reporter sees it."""

    REMEDIED = "remedied", _("Remedy agreed")
    PARTLY_REMEDIED = "partly_remedied", _("Remedy agreed for part of the complaint")
    NOT_SUBSTANTIATED = "not_substantiated", _("The complaint could not be confirmed")
    NOT_ADMISSIBLE = "not_admissible", _("Not admissible")
    NO_AGREEMENT = "no_agreement", _("No agreement reached")
    WITHDRAWN = "withdrawn", _("Withdrawn by the reporter")
    REFERRED = "referred", _("Referred to another body")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    PARTLY = "partly", _("Partly satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


class RemedyType(models.TextChoices):
    BACK_PAY = "back_pay", _("Back pay")
    REINSTATEMENT = "reinstatement", _("Reinstatement")
    COMPENSATION = "compensation", _("Compensation")
    APOLOGY = "apology", _("Apology")
    POLICY_CHANGE = "policy_change", _("Policy change")
    OTHER = "other", _("Other")


def default_stage_days() -> dict[str, int]:
    return {"admissibility": 14, "investigation": 45, "remedy_plan": 30, "remedy_implemented": 90, "appeal": 30}


class Mechanism(models.Model):
    """The sector initiative's joint grievance mechanism and its rules of procedure."""

    secretariat = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="grievance_mechanism"
    )
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_open = models.BooleanField(_("open for cases"), default=True)
    acknowledge_days = models.PositiveSmallIntegerField(_("days to acknowledge"), default=7)
    feedback_days = models.PositiveSmallIntegerField(_("days to give feedback"), default=90)
    stage_days = models.JSONField(_("time frame per stage (days)"), default=default_stage_days)
    who_may_complain = models.TextField(_("who may complain (extra text)"), blank=True)
    retention_days = models.PositiveIntegerField(_("days a closed case is kept"), default=3 * 365)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class ParticipationRole(models.TextChoices):
    MEMBER = "member", _("Receives cases about its linked sites")
    HANDLER = "handler", _("Handles cases with the secretariat")


def clock_days(mechanism: Mechanism, clock: str, urgent: bool) -> int:
    """Days a clock gives (``acknowledge``, ``feedback`` or a stage; 0: no clock). An urgent
    case gets the shorter of the mechanism's time frame and ``GRIEVANCE_URGENT_DAYS``."""
    if clock == "acknowledge":
        days = int(mechanism.acknowledge_days)
    elif clock == "feedback":
        days = int(mechanism.feedback_days)
    else:
        days = int((mechanism.stage_days or {}).get(clock) or 0)
    if urgent and days:
        shorter = settings.GRIEVANCE_URGENT_DAYS.get(clock)
        if shorter:
            days = min(days, int(shorter))
    return days


class Participation(models.Model):
    """A member company (or a civil-society co-handler) taking part in the joint mechanism."""

    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="participants")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="grievance_participation")
    role = models.CharField(max_length=10, choices=ParticipationRole.choices, default=ParticipationRole.MEMBER)
    active = models.BooleanField(default=True)
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mechanism", "org"], name="one_participation_per_org")]

    def __str__(self) -> str:
        return f"{self.org} in {self.mechanism} ({self.role})"


class OrgKey(models.Model):
    """An organisation's X25519 key pair; the private half only ever stored wrapped."""

    org = models.OneToOneField("orgs.Organisation", on_delete=models.CASCADE, related_name="grievance_key")
    public_key = models.BinaryField()
    private_by_passphrase = models.BinaryField()
    private_by_recovery = models.BinaryField()
    created_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"key of {self.org}"


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=12, unique=True)  # random, shown to handlers and members
    facility = models.ForeignKey(
        "registry.Facility", null=True, blank=True, on_delete=models.SET_NULL, related_name="grievances"
    )
    country = models.CharField(max_length=2, blank=True)
    topics = models.JSONField(default=list)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=8)
    anonymous = models.BooleanField(default=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.RECEIVED)
    # Dates only, never times (recipients must not be able to link a case to a shift or a phone call).
    received_on = models.DateField()
    stage_since = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)
    first_feedback_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    admissible = models.BooleanField(null=True, blank=True)
    satisfaction = models.CharField(max_length=15, choices=Satisfaction.choices, blank=True)
    retaliation_risk = models.BooleanField(default=False)
    # Triaged urgent (from the topics at intake, or by a handler): shorter clocks, listed first.
    urgent = models.BooleanField(default=False)
    urgent_alerted_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    assigned_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="grievance_cases")
    # Encrypted with the case key (see crypto.py): JSON {what, workplace, contact}.
    content_enc = models.BinaryField()
    inadmissible_reason_enc = models.BinaryField(null=True, blank=True)
    protective_measures_enc = models.BinaryField(null=True, blank=True)
    # Receipt: Argon2id lookup hash (hex) and the case key wrapped under the receipt-derived key.
    receipt_lookup = models.CharField(max_length=64, unique=True)
    receipt_wrapped_key = models.BinaryField()
    receipt_must_change = models.BooleanField(default=False)  # read out by a hotline operator
    reminded_on = models.DateField(null=True, blank=True)
    # The reporter agreed at intake that the site's supplier may read what they wrote (default no).
    supplier_consent = models.BooleanField(default=False)
    # The public half of the case's drop box (crypto.case_box_public): members and suppliers seal
    # their texts to it without holding the case key. Empty for cases filed before it existed.
    box_public_key = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "reference"]
        indexes = [models.Index(fields=["mechanism", "stage"], name="grievance_mech_stage")]

    def __str__(self) -> str:
        return self.reference

    @property
    def topic_labels(self) -> list[str]:
        return [str(Topic(t).label) for t in self.topics if t in Topic.values]

    # --- Clocks ---------------------------------------------------------------------------
    def acknowledge_due(self) -> date:
        return self.received_on + timedelta(days=clock_days(self.mechanism, "acknowledge", self.urgent))

    def feedback_due(self) -> date:
        return self.received_on + timedelta(days=clock_days(self.mechanism, "feedback", self.urgent))

    def stage_due(self) -> date | None:
        days = clock_days(self.mechanism, self.stage, self.urgent)
        return self.stage_since + timedelta(days=days) if days else None

    def overdue(self, today: date | None = None) -> list[str]:
        """Which clocks have run out (empty when none)."""
        today = today or timezone.localdate()
        if self.stage == Stage.CLOSED:
            return []
        late = []
        if self.acknowledged_on is None and today > self.acknowledge_due():
            late.append("acknowledge")
        if self.first_feedback_on is None and today > self.feedback_due():
            late.append("feedback")
        due = self.stage_due()
        if due is not None and today > due:
            late.append("stage")
        return late


class CaseRecipient(models.Model):
    """An organisation the case was routed to, with the case key sealed to it (when it may read it)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recipients")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="grievance_recipients")
    handler = models.BooleanField(default=False)  # secretariat or co-handling CSO: the full case
    full_access = models.BooleanField(default=False)  # a member given the full case
    # The site's supplier, given the remediation view: ``sealed_key`` holds the remediation key,
    # or the case key (``full_access``) when the reporter consented.
    supplier = models.BooleanField(default=False)
    sealed_key = models.BinaryField(null=True, blank=True)
    routed_on = models.DateField(default=timezone.localdate)
    # A handler organisation has not opened the case since the reporter last wrote (per
    # organisation: its handlers share one inbox). A flag, never a time.
    unread = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "org"], name="one_recipient_row_per_org")]

    def __str__(self) -> str:
        return f"{self.case} -> {self.org}"


class EntryKind(models.TextChoices):
    STAGE = "stage", _("Stage changed")
    TO_REPORTER = "to_reporter", _("Message to the reporter")
    FROM_REPORTER = "from_reporter", _("Message from the reporter")
    NOTE = "note", _("Internal note")
    REMEDY = "remedy", _("Remedy")


class CaseEntry(models.Model):
    """One step in a case's history. Internal notes are seen by handlers only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=15, choices=EntryKind.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    author_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateField()
    body_enc = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="one_entry_per_case_seq")]

    def __str__(self) -> str:
        return f"{self.case} #{self.seq} {self.kind}"

    @property
    def reporter_sees(self) -> bool:
        return self.kind in {EntryKind.STAGE, EntryKind.TO_REPORTER, EntryKind.FROM_REPORTER}


class Attachment(models.Model):
    """A photo: re-encoded without metadata, encrypted with the case key, stored under a random name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    entry = models.ForeignKey(CaseEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    path = models.CharField(max_length=200)
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    created_on = models.DateField()

    def __str__(self) -> str:
        return str(self.id)


class Translation(models.Model):
    """A handler's translation of the report (``entry`` empty) or of one entry, sealed with the
    case key like the original (``aad = case:<id>:translation:<id>``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="translations")
    entry = models.ForeignKey(CaseEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8)
    author_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateField()
    body_enc = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.case} translation ({self.language})"


class Remedy(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="remedies")
    type = models.CharField(max_length=20, choices=RemedyType.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    # None: not recorded (never the same as 0).
    beneficiaries_female = models.PositiveIntegerField(null=True, blank=True)
    beneficiaries_male = models.PositiveIntegerField(null=True, blank=True)
    beneficiaries_other = models.PositiveIntegerField(null=True, blank=True)
    implemented = models.BooleanField(default=False)
    recorded_on = models.DateField()
    description_enc = models.BinaryField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.case})"

    @property
    def beneficiaries(self) -> int | None:
        """The people counted, or None when no count was recorded."""
        recorded = (self.beneficiaries_female, self.beneficiaries_male, self.beneficiaries_other)
        counts = [c for c in recorded if c is not None]
        return sum(counts) if counts else None


class Conversation(models.Model):
    """An SMS or WhatsApp dialogue in progress. Keyed by an HMAC of the sender's number;
    what was said so far is encrypted under a key derived from the number itself, so the
    database alone cannot read it (nor find out who is talking)."""

    key = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    step = models.CharField(max_length=20)
    state_enc = models.BinaryField()
    updated_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.channel} {self.step}"


class SeenMessage(models.Model):
    """Provider message ids already processed (keyed hash), so a replay is refused."""

    key = models.CharField(max_length=64, unique=True)
    seen_on = models.DateField()

    def __str__(self) -> str:
        return self.key


# --- Remediation: corrective actions on the site, members' entries ----------------------------------


class CaseAction(models.Model):
    """A corrective action a case opens on its site: the supplier adds evidence, a handler or a
    routed member verifies it, and only then is it closed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveIntegerField()
    # What to do, under the case's remediation key (the supplier reads it; crypto.remediation_key).
    text_enc = models.BinaryField()
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=CapStatus.choices, default=CapStatus.OPEN)
    opened_on = models.DateField()
    verification_method = models.CharField(max_length=16, choices=Verification.choices, blank=True)
    verified_on = models.DateField(null=True, blank=True)
    verified_by_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Sealed to the case's drop box (handlers read it).
    verification_note_enc = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_action_number_per_case")]

    def __str__(self) -> str:
        return f"{self.case} action {self.number}"

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != CapStatus.CLOSED and self.due_on is not None and self.due_on < today


class ActionEvidence(models.Model):
    """What the supplier did about an action; the note sealed to the case's drop box."""

    action = models.ForeignKey(CaseAction, on_delete=models.CASCADE, related_name="evidence")
    org = models.ForeignKey("orgs.Organisation", null=True, on_delete=models.SET_NULL, related_name="+")
    added_on = models.DateField()
    note_enc = models.BinaryField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"evidence for {self.action}"


# The reporter reads these labels on the follow-up page, in the intake's languages; a context
# keeps the staff catalogue's "Comment" (a verb there) or "Dropped" from standing in for them.
class MemberEntryKind(models.TextChoices):
    COMMENT = "comment", pgettext_lazy("member entry", "Comment")
    COMMITMENT = "commitment", pgettext_lazy("member entry", "Commitment")
    CONTRIBUTION = "contribution", pgettext_lazy("member entry", "Contribution to remedy")


class CommitmentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("commitment", "Open")
    DONE = "done", pgettext_lazy("commitment", "Done")
    DROPPED = "dropped", pgettext_lazy("commitment", "Dropped")


class ContributionType(models.TextChoices):
    MONEY = "money", _("Money")
    IN_KIND = "in_kind", _("In kind")
    OTHER = "other", _("Other")


class MemberEntry(models.Model):
    """A routed member's comment, commitment or contribution to remedy. The text (and a
    commitment's owner) is sealed to the case's drop box: the handlers read it, and the reporter
    when a handler chooses to show it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="member_entries")
    number = models.PositiveIntegerField()
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=MemberEntryKind.choices)
    created_on = models.DateField()
    body_enc = models.BinaryField()  # JSON {text, owner}
    due_on = models.DateField(null=True, blank=True)  # commitments
    status = models.CharField(max_length=10, choices=CommitmentStatus.choices, blank=True)  # commitments
    contribution_type = models.CharField(max_length=10, choices=ContributionType.choices, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    shown_to_reporter = models.BooleanField(default=False)  # a handler's choice, per entry

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_member_entry_number_per_case")]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.number}"

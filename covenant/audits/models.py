"""Social audits of sites, shared with the supplier's consent, recognised once for all.

An :class:`Audit` belongs to a site and is owned by the site's supplier (the
organisation whose claim to the site was verified). Members see an audit only
through an explicit :class:`AuditShare` or the supplier's "share all my audits
with all members" choice (:class:`SupplierSharing`); the audit firm that entered
it sees it too. Schemes are data (:class:`SchemeVersion`), never code.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from covenant.core.remedy import CapStatus as CapStatus  # re-exported: the apps name it from here
from covenant.core.remedy import Verification as Verification


class AuditScheme(models.Model):
    """A family of audit protocols (SMETA, amfori BSCI, SA8000, RBA VAP, or one the secretariat adds)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    owner_name = models.CharField(_("scheme owner"), max_length=120, blank=True)
    is_custom = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SchemeVersion(models.Model):
    """One version of a scheme, with everything the rules need as data.

    ``sections``: ``[{"code", "name", "topic"}]`` where ``topic`` is a risk Topic code (or "").
    ``grades``: ``[{"code", "name", "severity", "non_compliance", "collaborative"}]``;
    ``severity`` is critical | major | minor | none and sets the default CAP deadline.
    ``ratings``: ``[{"code", "min", "max", "valid_months", "follow_up_months"}]`` (empty: no rating).
    ``validity_months``: how long an audit stays valid when the rating says nothing else.
    ``pillars``: what the version covers (e.g. labour, health_safety, environment, business_ethics).
    """

    scheme = models.ForeignKey(AuditScheme, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("version"), max_length=40)
    label = models.CharField(_("label"), max_length=120)
    sections = models.JSONField(default=list)
    grades = models.JSONField(default=list)
    ratings = models.JSONField(default=list, blank=True)
    validity_months = models.PositiveSmallIntegerField(default=24)
    pillars = models.JSONField(default=list)
    # How this version's sections cover the sector's reference protocol (data/reference_protocol.json):
    # ``{section_code: [reference clause codes]}``; the overlap percentage is derived from it.
    reference_map = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["scheme__name", "version"]
        constraints = [models.UniqueConstraint(fields=["scheme", "version"], name="unique_scheme_version")]

    def __str__(self) -> str:
        return self.label

    def section(self, code: str) -> dict[str, str] | None:
        return next((s for s in self.sections if str(s["code"]).lower() == code.strip().lower()), None)

    def grade(self, code: str) -> dict[str, object] | None:
        return next((g for g in self.grades if str(g["code"]).lower() == code.strip().lower()), None)

    @property
    def reference_overlap(self) -> float:
        """The share (percent) of the sector's reference protocol its sections cover (rules.overlap)."""
        from covenant.audits.protocol import overlap_of

        return overlap_of(self.reference_map)


class ApscaStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LAPSED = "lapsed", _("Lapsed")
    SANCTIONED = "sanctioned", _("Sanctioned")


class ApscaAuditor(models.Model):
    """One line of the APSCA register, as the secretariat imported it."""

    number = models.CharField(_("APSCA number"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, blank=True)  # ASCA, CSCA, RA, ...
    status = models.CharField(_("status"), max_length=12, choices=ApscaStatus.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class AuditType(models.TextChoices):
    INITIAL = "initial", _("Initial")
    FOLLOW_UP = "follow_up", _("Follow-up")
    VERIFICATION = "verification", _("Verification")


class Announcement(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    SEMI = "semi_announced", _("Semi-announced")
    UNANNOUNCED = "unannounced", _("Unannounced")


class AuditStatus(models.TextChoices):
    # A draft is the audit firm's alone: no member reads it, it counts nowhere and feeds no risk.
    # Submitting it makes it active, and locked: it changes only by the firm's revisions.
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Audit(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    facility = models.ForeignKey("registry.Facility", on_delete=models.PROTECT, related_name="audits")
    # The site's supplier at the time of the audit: it decides who sees the report. Empty while
    # the site has no verified supplier: the audit is held for the site, and the supplier whose
    # claim is verified later becomes its owner (services.hand_over_held_audits).
    owner = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="owned_audits"
    )
    # The member that commissioned the audit (it reads it through an AuditShare, kept on hand-over).
    commissioned_by = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="commissioned_audits"
    )
    # The audit firm: the one that entered the audit (it may keep reading and correcting it), or on a
    # supplier's self-reported audit the firm the supplier chose from the list (it gets no access:
    # see entering_firm_id). ``audit_firm_name`` is a snapshot of its name when entered.
    audit_firm_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="performed_audits"
    )
    audit_firm_name = models.CharField(_("audit firm"), max_length=200)
    scheme_version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="audits")
    audit_type = models.CharField(_("type"), max_length=12, choices=AuditType.choices, default=AuditType.INITIAL)
    announcement = models.CharField(
        _("announcement"), max_length=16, choices=Announcement.choices, default=Announcement.ANNOUNCED
    )
    start_date = models.DateField(_("first day on site"))
    end_date = models.DateField(_("last day on site"))
    workers_female = models.PositiveIntegerField(_("women on site"), null=True, blank=True)
    workers_male = models.PositiveIntegerField(_("men on site"), null=True, blank=True)
    workers_other = models.PositiveIntegerField(_("other workers on site"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=10, blank=True)
    # Derived when saved, so coverage is one indexed query (see rules.valid_until).
    valid_until = models.DateField()
    follow_up_due = models.DateField(null=True, blank=True)
    qualified_auditor = models.BooleanField(default=False)
    report = models.FileField(upload_to="audits/%Y/%m/", blank=True)
    report_name = models.CharField(max_length=255, blank=True)
    report_size = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=AuditStatus.choices, default=AuditStatus.ACTIVE)
    # Entered by the site's supplier itself, not by an audit firm: marked wherever it is shown,
    # and recognised only by members whose policy accepts self-reported audits.
    self_reported = models.BooleanField(_("self-reported"), default=False)
    # The current version; each earlier one is kept as an AuditRevision.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-end_date", "-created_at"]
        indexes = [
            # Per site: its audits' recognition state, without table lookups (with_states, the
            # "audited at all" probe of selectors.coverage).
            models.Index(
                fields=[
                    "facility",
                    "status",
                    "valid_until",
                    "end_date",
                    "scheme_version",
                    "qualified_auditor",
                    "owner",
                    "id",
                    "self_reported",
                ],
                name="audit_site_valid",
            ),
            models.Index(fields=["owner", "status"], name="audit_owner_status"),
            # The audits still valid, with what recognition needs: selectors.coverage reads the
            # quarter of 100,000 audits that are valid from this index alone.
            models.Index(
                fields=[
                    "valid_until",
                    "facility",
                    "end_date",
                    "scheme_version",
                    "qualified_auditor",
                    "owner",
                    "id",
                    "self_reported",
                ],
                condition=models.Q(status="active"),
                name="audit_valid_active",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="audit_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme_version} {self.end_date:%Y-%m-%d}"

    @property
    def workers_total(self) -> int | None:
        parts = [self.workers_female, self.workers_male, self.workers_other]
        return sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None

    def is_valid_on(self, day: date) -> bool:
        return self.status == AuditStatus.ACTIVE and self.valid_until >= day

    @property
    def entering_firm_id(self) -> int | None:
        """The audit firm that entered the audit and may read and correct it: none on a self-reported
        audit, whose firm the supplier only named."""
        return None if self.self_reported else self.audit_firm_org_id

    @property
    def is_locked(self) -> bool:
        """A submitted audit of an audit firm: it changes only by the firm's revisions, with a reason."""
        return not self.self_reported and self.status != AuditStatus.DRAFT


class AuditRevision(models.Model):
    """An earlier version of a firm's submitted audit, as it was before the firm changed it.

    ``snapshot`` holds that version whole (dates, rating, auditors, findings, report), so it
    stays readable; ``changed`` names what the new version changed and ``reason`` says why.
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()  # the version this snapshot is
    reason = models.TextField(_("reason"))
    changed = models.JSONField(default=list)
    snapshot = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_by_org = models.ForeignKey("orgs.Organisation", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["audit", "-number"]
        constraints = [models.UniqueConstraint(fields=["audit", "number"], name="one_revision_per_version")]

    def __str__(self) -> str:
        return f"{self.audit_id} v{self.number}"


class RegisterCheck(models.TextChoices):
    VERIFIED = "verified", _("On the APSCA register")
    UNKNOWN = "unknown", _("Not on the APSCA register")
    LAPSED = "lapsed", _("APSCA membership lapsed")
    SANCTIONED = "sanctioned", _("Sanctioned by APSCA")


class AuditAuditor(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="auditors")
    name = models.CharField(_("name"), max_length=200)
    apsca_number = models.CharField(_("APSCA number"), max_length=8, blank=True)
    level = models.CharField(_("level"), max_length=20, blank=True)
    is_lead = models.BooleanField(_("lead auditor"), default=False)
    register_check = models.CharField(max_length=12, choices=RegisterCheck.choices, default=RegisterCheck.UNKNOWN)

    class Meta:
        ordering = ["-is_lead", "name"]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField()
    section = models.CharField(_("section"), max_length=20)
    grade = models.CharField(_("grade"), max_length=30)
    severity = models.CharField(max_length=10)  # critical | major | minor | none, from the scheme's grade
    is_non_compliance = models.BooleanField(default=True)
    collaborative = models.BooleanField(_("collaborative action required"), default=False)
    description = models.TextField(_("description"))
    legal_reference = models.CharField(_("code or local law"), max_length=300, blank=True)

    class Meta:
        ordering = ["audit", "number"]
        constraints = [models.UniqueConstraint(fields=["audit", "number"], name="unique_finding_number")]

    def __str__(self) -> str:
        return f"{self.section} {self.grade}"

    @property
    def section_name(self) -> str:
        section = self.audit.scheme_version.section(self.section)
        return str(section["name"]) if section else ""

    @property
    def grade_name(self) -> str:
        grade = self.audit.scheme_version.grade(self.grade)
        return str(grade["name"]) if grade else self.grade


class FindingComment(models.Model):
    """The site's side (or the firm, or a reader) comments on one finding; the finding itself stays the firm's."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="comments")
    audit = models.ForeignKey("Audit", on_delete=models.CASCADE, related_name="finding_comments")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["finding", "created_at", "pk"]

    def __str__(self) -> str:
        return f"comment on {self.finding_id}"


class AuditRead(models.Model):
    """Who read an audit (its page, report or API), first and last time: the "read by" list."""

    audit = models.ForeignKey("Audit", on_delete=models.CASCADE, related_name="reads")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    first_read_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(default=timezone.now)
    reads = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-last_read_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["audit", "org", "user"], name="one_read_row_per_person")]

    def __str__(self) -> str:
        return f"{self.audit_id} read by {self.org_id}"


class CorrectiveAction(models.Model):
    """What the site does about one non-compliance. Overdue is computed, never stored."""

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="action")
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField(_("action"), blank=True)
    responsible = models.CharField(_("owner"), max_length=200, blank=True)
    # None for findings the site cannot close alone (collaborative action required).
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=CapStatus.choices, default=CapStatus.OPEN)
    verification_method = models.CharField(max_length=16, choices=Verification.choices, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_by_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="cap_status_due")]

    def __str__(self) -> str:
        return f"CAP {self.finding}"

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != CapStatus.CLOSED and self.due_date is not None and self.due_date < today

    @property
    def display_status(self) -> str:
        return "overdue" if self.is_overdue() else str(self.status)

    @property
    def last_extension(self) -> DeadlineExtension | None:
        """The latest approved extension (members see the deadline flagged as moved, and by whom)."""
        found = getattr(self, "approved_extensions", None)
        if found is None:
            found = list(
                self.extensions.filter(status=ExtensionStatus.APPROVED)
                .select_related("decided_by_org")
                .order_by("-decided_at", "-pk")[:1]
            )
        return found[0] if found else None


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class DeadlineExtension(models.Model):
    """The supplier asks to move a corrective action's deadline; the audit firm or a verifying member decides.

    Deadlines move only this way, so every change keeps its request, reason and decider."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="extensions")
    from_date = models.DateField(_("current deadline"))
    to_date = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action"], condition=models.Q(status="pending"), name="one_pending_extension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.from_date} -> {self.to_date}"


class ZeroToleranceAlert(models.Model):
    """A member was told of a zero-tolerance (critical) finding at a site it sources from.

    One per finding and member: the alert is raised once the member may read the audit, whenever
    that happens (entry, submission, a revision, a share)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="alerts")
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="audit_alerts")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["finding", "org"], name="one_alert_per_finding_member")]

    def __str__(self) -> str:
        return f"alert {self.finding_id} -> {self.org_id}"


class CapEvidence(models.Model):
    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="cap-evidence/%Y/%m/")
    filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class CapReminder(models.Model):
    """A reminder sent for one action at one stage; at most one per stage."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=10)  # before | after
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "stage"], name="one_reminder_per_stage")]

    def __str__(self) -> str:
        return f"{self.action_id} {self.stage}"


class SupplierSharing(models.Model):
    """A supplier's standing choice: every member of the initiative may read all its audits."""

    supplier = models.OneToOneField("orgs.Organisation", on_delete=models.CASCADE, related_name="audit_sharing")
    share_all_members = models.BooleanField(
        _("Share all our audits with every member of the initiative"), default=False
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"sharing of {self.supplier_id}"


class AuditShare(models.Model):
    """The supplier granted one member access to one audit."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="shares")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="audit_shares")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "org"], name="one_share_per_member")]
        indexes = [models.Index(fields=["org", "audit"], name="share_org_audit")]

    def __str__(self) -> str:
        return f"{self.audit_id} -> {self.org_id}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the supplier")
    GRANTED = "granted", _("Granted")
    DECLINED = "declined", _("Declined")


class AccessRequest(models.Model):
    """A member asks the supplier for the audits of one site."""

    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="audit_access_requests")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.org_id} asks {self.supplier_id} for {self.facility_id}"


class RecognitionPolicy(models.Model):
    """The sector benchmark (``org`` empty) or a member's stricter rules."""

    org = models.OneToOneField(
        "orgs.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="recognition_policy"
    )
    accepted_versions = models.ManyToManyField(SchemeVersion, blank=True, related_name="+")
    max_age_months = models.PositiveSmallIntegerField(_("maximum age (months)"), default=36)
    require_qualified_auditor = models.BooleanField(_("a qualified (APSCA) auditor is required"), default=True)
    required_pillars = models.JSONField(_("pillars required"), default=list, blank=True)
    # Audits a supplier entered itself count only where a policy says so (a member's own
    # policy decides for the member; without one, the sector's).
    accept_self_reported = models.BooleanField(_("self-reported audits count"), default=False)
    # The least share of the reference protocol a scheme version must cover (percent; empty: no minimum).
    min_overlap = models.PositiveSmallIntegerField(
        _("minimum overlap with the reference protocol (%)"), null=True, blank=True
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"recognition policy of {self.org_id or 'the sector'}"


class JointAuditStatus(models.TextChoices):
    PLANNING = "planning", _("Being planned")
    DONE = "done", _("Done")


class JointAudit(models.Model):
    """One audit that several members asked for, instead of one each."""

    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=JointAuditStatus.choices, default=JointAuditStatus.PLANNING)
    estimated_cost = models.DecimalField(_("estimated cost (EUR)"), max_digits=10, decimal_places=2, null=True)
    audit = models.ForeignKey(Audit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The member that opened it, the firm the co-funders chose, and when they want it done.
    opened_by = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    audit_firm = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheme_version = models.ForeignKey(
        SchemeVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_date = models.DateField(_("wanted by"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"joint audit of {self.facility_id}"


class AuditRequestStatus(models.TextChoices):
    COVERED = "covered", _("A recognised audit exists")
    JOINED = "joined", _("Joined into a joint audit")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class AuditRequest(models.Model):
    """A member asks for an audit of a site it sources from."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="audit_requests")
    facility = models.ForeignKey("registry.Facility", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=AuditRequestStatus.choices)
    offered_audit = models.ForeignKey(Audit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    joint = models.ForeignKey(JointAudit, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests")
    # A co-funder's agreed share of a joint audit's cost (percent); empty: an equal share.
    cost_share_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.org_id} asks an audit of {self.facility_id}"


class SectorCount(models.Model):
    """The sector's audit counters as counted at one moment (``selectors.sector_counters``).

    Counting 100,000 audits against every member's policy takes the database about a second, so
    the secretariat's page reads the latest count and asks for a new one in the background when
    it is older than ``AUDIT_SECTOR_COUNT_MAX_AGE`` (``services.count_sector``); earlier counts are
    kept, a series for monitoring. Counts only: no site, supplier or finding is in ``figures``."""

    counted_at = models.DateTimeField(default=timezone.now, db_index=True)
    seconds = models.FloatField(default=0)  # how long the count took
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["-counted_at"]

    def __str__(self) -> str:
        return f"sector count {self.counted_at:%Y-%m-%d %H:%M}"

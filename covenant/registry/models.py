"""The shared facility register and members' private links to it.

Facilities (and their aliases and identifiers) are shared by the whole sector.
Everything a member says about its own supply chain (its lists, the rows in
them, its links to facilities with tier, products and spend) belongs to that
member and is read only through the scoping rule.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from covenant.registry.messages import row_error_text


class FacilityStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another facility")
    REJECTED = "rejected", _("Rejected: not a site")


class Confirmation(models.TextChoices):
    """Why a facility is part of the shared register (or not yet).

    A facility created from one member's list (or added by hand) is provisional: it is in
    that member's chain and visible to the matcher at once, but others find it in register
    search and the public list only once it is confirmed.
    """

    PROVISIONAL = "provisional", _("Provisional")
    SECOND_LIST = "second_list", _("Confirmed: on a second organisation's list")
    CLAIM = "claim", _("Confirmed: the supplier's claim was verified")
    SECRETARIAT = "secretariat", _("Confirmed by the secretariat")
    REGISTER = "register", _("Part of the register")


class Facility(models.Model):
    public_id = models.CharField(_("facility id"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=300)
    address = models.CharField(_("address"), max_length=500, blank=True)
    country = models.CharField(_("country"), max_length=2, db_index=True)
    subdivision = models.CharField(_("region"), max_length=6, blank=True, help_text="ISO 3166-2")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    products = models.JSONField(_("products"), default=list, blank=True)
    workers = models.PositiveIntegerField(_("workers"), null=True, blank=True)
    owner = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilities",
        help_text=_("The supplier whose claim to this site was verified"),
    )
    status = models.CharField(max_length=10, choices=FacilityStatus.choices, default=FacilityStatus.ACTIVE)
    confirmation = models.CharField(
        _("confirmation"), max_length=12, choices=Confirmation.choices, default=Confirmation.REGISTER
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    introduced_by = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The organisation whose list (or form) created this facility"),
    )
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "facilities"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["country", "status"], name="facility_country_status"),
            models.Index(fields=["confirmation", "status"], name="facility_confirmation"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"

    @property
    def is_provisional(self) -> bool:
        return self.confirmation == Confirmation.PROVISIONAL

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lng is not None


class FacilityAlias(models.Model):
    """Another name (and address) under which the same site is known."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    address = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=20, default="list")  # list | review | merge | manual
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["facility", "name", "address"], name="unique_alias")]

    def __str__(self) -> str:
        return self.name


class IdentifierScheme(models.TextChoices):
    OS_ID = "os_id", "OS ID"
    DUNS = "duns", "DUNS"
    LEI = "lei", "LEI"
    GLN = "gln", "GLN"


class FacilityIdentifier(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=10, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "value"], name="unique_identifier")]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the secretariat")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class FacilityClaim(models.Model):
    """A supplier says: this site is ours. The secretariat checks and decides."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="claims")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="facility_claims")
    evidence = models.TextField(_("evidence"), help_text=_("e.g. business licence number, a contact at the site"))
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.org} claims {self.facility.public_id}"


class RegistryChange(models.Model):
    """An append-only log of changes the in-memory match index must follow.

    Each process that matches (web and worker) keeps the index in memory and
    replays these changes since the last one it applied, so an index never
    needs a full rebuild after a merge or a new facility.
    """

    class Kind(models.TextChoices):
        UPSERT = "upsert"
        REMOVE = "remove"
        MERGE = "merge"
        FEEDBACK = "feedback"

    seq = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    facility_id = models.CharField(max_length=15)  # public id
    other_id = models.CharField(max_length=15, blank=True)  # merge survivor
    feedback = models.ForeignKey("MatchFeedback", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.facility_id}"


class MatchFeedback(models.Model):
    """A reviewer's verdict: this list row is (or is not) that facility.

    Feeds the matcher's memory (the same row is never asked twice), its aliases
    and the re-fitting of its weights. Names and addresses only; no member data.
    """

    name = models.CharField(max_length=300)
    address = models.CharField(max_length=500, blank=True)
    country = models.CharField(max_length=2)
    facility_id = models.CharField(max_length=15)
    confirmed = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} {'=' if self.confirmed else '≠'} {self.facility_id}"


# --- What belongs to one member -------------------------------------------------------


class SpendBand(models.TextChoices):
    UNDER_10K = "<10k", _("under €10,000")
    TO_100K = "10k-100k", _("€10,000 – €100,000")
    TO_1M = "100k-1M", _("€100,000 – €1 million")
    OVER_1M = ">1M", _("over €1 million")


class SupplierList(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="supplier_lists")
    name = models.CharField(_("name"), max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="unique_list_name")]

    def __str__(self) -> str:
        return self.name


class UploadStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for column mapping")
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Matching")
    CONFIRM = "confirm", _("Waiting for you to confirm the links it ends")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class UploadMode(models.TextChoices):
    FULL = "full", _("The full list: sites missing from it are no longer suppliers")
    ADDITIONS = "additions", _("Additions: add these sites, keep all others")


class ListUpload(models.Model):
    """One version of a supplier list, as uploaded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="list_uploads")
    supplier_list = models.ForeignKey(SupplierList, on_delete=models.CASCADE, related_name="uploads")
    version = models.PositiveIntegerField()
    mode = models.CharField(_("this file is"), max_length=10, choices=UploadMode.choices, default=UploadMode.FULL)
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="lists/%Y/%m/")
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=UploadStatus.choices, default=UploadStatus.MAPPING)
    error = models.TextField(blank=True)
    counts = models.JSONField(default=dict)
    diff = models.JSONField(default=dict)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["supplier_list", "version"], name="unique_upload_version")]

    def __str__(self) -> str:
        return f"{self.supplier_list} v{self.version}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To check")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not the same site")


class DuplicatePair(models.Model):
    """Two register facilities that may be one site, found by scanning the whole register.

    ``a`` is the one with the lower primary key, so a pair is stored once. The secretariat
    merges them (through the merge preview) or dismisses the pair, which is then not proposed again.
    """

    a = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    # The candidate's features, explained in the reader's language when shown (registry_tags.explain).
    features = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="unique_duplicate_pair"),
            models.CheckConstraint(condition=models.Q(a__lt=models.F("b")), name="duplicate_pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="duplicate_status_score")]

    def __str__(self) -> str:
        return f"{self.a_id} ~ {self.b_id} ({self.score:.2f})"


class RowStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    REVIEW = "review", _("Needs review")
    NEW = "new", _("New facility")
    ERROR = "error", _("Error")


class ListRow(models.Model):
    upload = models.ForeignKey(ListUpload, on_delete=models.CASCADE, related_name="rows")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    row_number = models.PositiveIntegerField()
    name = models.CharField(max_length=300, blank=True)
    address = models.CharField(max_length=500, blank=True)
    country = models.CharField(max_length=2, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    details = models.JSONField(default=dict)  # tier, products, spend band, identifiers, ...
    status = models.CharField(max_length=10, choices=RowStatus.choices)
    error = models.CharField(max_length=300, blank=True)
    facility = models.ForeignKey(Facility, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField(null=True, blank=True)
    candidates = models.JSONField(default=list)  # [{"id", "score", "features"}] for review
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["upload", "row_number"]
        indexes = [models.Index(fields=["org", "status"], name="listrow_org_status")]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.name}"

    @property
    def error_text(self) -> str:
        """The error in the reader's language (stored by code; the English text is the fallback)."""
        code = self.details.get("code")
        return row_error_text(code, self.details.get("params") or {}, self.error) if code else self.error


def _active_on(on: date | None) -> models.Q:
    """A link is active until its end date, that day included (``end_date`` reads "until");
    one without an end date is open-ended. The start date plays no part."""
    return models.Q(end_date__isnull=True) | models.Q(end_date__gte=on or timezone.localdate())


class SupplyLinkQuerySet(models.QuerySet["SupplyLink"]):
    def active(self, on: date | None = None) -> SupplyLinkQuerySet:
        """The links active ``on`` a day (today if not given): the one home of that rule."""
        return self.filter(_active_on(on))


class SupplyLink(models.Model):
    """A member sources from a facility. Private to the member."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="supply_links")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="links")
    tier = models.PositiveSmallIntegerField(_("tier"), default=1)
    products = models.JSONField(_("products"), default=list, blank=True)
    spend_band = models.CharField(_("spend band"), max_length=10, choices=SpendBand.choices, blank=True)
    volume = models.CharField(_("volume"), max_length=100, blank=True)
    reference = models.CharField(_("your supplier number"), max_length=100, blank=True)
    start_date = models.DateField(_("since"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)
    source_upload = models.ForeignKey(ListUpload, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SupplyLinkQuerySet.as_manager()

    class Meta:
        ordering = ["facility__name"]
        constraints = [models.UniqueConstraint(fields=["org", "facility"], name="one_link_per_member_site")]
        indexes = [models.Index(fields=["facility", "end_date"], name="link_facility_active")]

    def __str__(self) -> str:
        return f"{self.org_id} -> {self.facility_id} (tier {self.tier})"

    @property
    def is_active(self) -> bool:
        """The same rule as :meth:`SupplyLinkQuerySet.active`, for one link in hand."""
        return self.end_date is None or self.end_date >= timezone.localdate()  # as _active_on


class SupplyEdge(models.Model):
    """Beyond tier 1: ``supplier`` supplies ``buyer`` (site to site), as mapped by one member."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="supply_edges")
    supplier = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="supplies_to")
    buyer = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="supplied_by")
    products = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "supplier", "buyer"], name="unique_edge"),
            models.CheckConstraint(condition=~models.Q(supplier=models.F("buyer")), name="edge_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} -> {self.buyer_id}"


class RegistryPreferences(models.Model):
    """What a member chose to share about its supply chain."""

    org = models.OneToOneField("orgs.Organisation", on_delete=models.CASCADE, related_name="registry_preferences")
    visible_to_peers = models.BooleanField(
        _("Show other members that we source from the same sites"),
        default=False,
        help_text=_("Other members then see your name on shared sites, so you can act together."),
    )
    disclose_publicly = models.BooleanField(
        _("Name us in the sector's public list of production locations"),
        default=False,
    )

    def __str__(self) -> str:
        return f"preferences of {self.org_id}"


class Publication(models.Model):
    """A published snapshot of the sector's disclosed production locations."""

    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    facility_count = models.PositiveIntegerField()
    data = models.JSONField()

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"disclosure of {self.published_at:%Y-%m-%d}"

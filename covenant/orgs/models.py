"""Organisations taking part in a sector initiative, and who works for them.

Every piece of tenant data in Covenant hangs off an :class:`Organisation`. A
person acts for exactly one organisation at a time (their *active membership*),
with a :class:`Role` inside it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

# Kinds and roles are shared with the layers below (the actor, the menu): see core/roles.py.
from covenant.core.roles import ADMIN_ROLES as ADMIN_ROLES
from covenant.core.roles import EDIT_ROLES as EDIT_ROLES
from covenant.core.roles import ROLES_BY_KIND as ROLES_BY_KIND
from covenant.core.roles import OrgKind as OrgKind
from covenant.core.roles import Role as Role
from covenant.core.roles import role_requires_mfa as role_requires_mfa


class ApscaFirmStatus(models.TextChoices):
    """An audit firm's standing with APSCA, as the secretariat recorded it from APSCA's member list."""

    FULL = "full", _("Full member")
    PROVISIONAL = "provisional", _("Provisional member")
    SUSPENDED = "suspended", _("Suspended")


class CompanySize(models.TextChoices):
    LARGE = "large", _("Large company")
    SME = "sme", _("Small or medium-sized enterprise")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    size = models.CharField(_("size"), max_length=10, choices=CompanySize.choices, blank=True)
    # ISO 3166-1 alpha-2 underneath; forms take names or codes through core.forms.CountryInput.
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(default=True)
    # Audit firms only: their APSCA membership (blank: not recorded, or not an audit firm).
    apsca_status = models.CharField(_("APSCA firm status"), max_length=12, choices=ApscaFirmStatus.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Members only: the branch associations they belong to (organisations of kind
    # branch_association), which see aggregates of their members and nothing of one member.
    branch_associations = models.ManyToManyField(
        "self", symmetrical=False, related_name="branch_members", blank=True, verbose_name=_("branch associations")
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size="") | models.Q(kind=OrgKind.MEMBER),
                name="org_size_only_for_members",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_secretariat(self) -> bool:
        return self.kind == OrgKind.SECRETARIAT


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "org"], name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.org} ({self.role})"

    @property
    def requires_mfa(self) -> bool:
        return role_requires_mfa(self.org.kind, self.role)


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation with a role.

    Only a SHA-256 of the token is stored: the link in the e-mail is the only
    copy of the secret, so a database leak does not hand out memberships.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} -> {self.org}"

    def status(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"

    @property
    def is_pending(self) -> bool:
        return self.status() == "pending"

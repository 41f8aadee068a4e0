"""Tables of finding partners: members' interests in a shared subject, and the matches made.

A *subject* is a site (``kind`` site, ``key`` the facility's public id) or a hotspot (``kind``
hotspot, ``key`` ``"<country>|<commodity>|<topic>"``). Who shares a subject is never stored:
it is read from the register and the risk picture each time (``selectors.py``), so an ended
link stops counting the day after its end date without anything being written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    SITE = "site", _("Site")
    HOTSPOT = "hotspot", _("Hotspot")


class Interest(models.Model):
    """A member's wish to act together with others on one subject. Private to the member: another
    member reads it only while both are interested in and share the subject (a match)."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="partner_interests")
    kind = models.CharField(_("subject"), max_length=10, choices=SubjectKind.choices)
    key = models.CharField(max_length=200)
    # For site subjects: the facility (moved to the survivor when records are merged, key too).
    facility = models.ForeignKey("registry.Facility", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Shown to the other side on a match only.
    note = models.CharField(_("note for partners"), max_length=300, blank=True)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind", "key"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_interest_per_subject",
            )
        ]
        indexes = [models.Index(fields=["kind", "key"], name="interest_subject")]

    def __str__(self) -> str:
        # No organisation in it: audit events show this text to the interested member's admins.
        return f"{self.kind} {self.key}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class Match(models.Model):
    """Two members found mutually interested in one subject: the log of reveals (each pair once
    per subject; ``last_made_at`` moves when it is made again after a withdrawal). Which
    matches show *now* is computed (both interested, both sharing); this table is the record
    and the secretariat's count."""

    kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    key = models.CharField(max_length=200)
    first = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    last_made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "first", "second"], name="one_match_per_pair_subject"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="match_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"

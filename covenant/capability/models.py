"""Capability building's tables. The quick scan itself stores nothing; a member may keep one as
a draft supply chain."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScanDraft(models.Model):
    """A quick scan a member kept as the start of its supply chain: one row per country ×
    product or sector, with the risk the scan found, for the member to complete with site
    names (the register takes sites, never a country alone: ``registry`` list import and
    add-a-site need a name). Private to the member."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="scan_drafts")
    name = models.CharField(_("name"), max_length=150)
    # [{"country", "item", "label", "sector", "products", "band", "score", "top_topic", "high_topics"}]
    rows = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

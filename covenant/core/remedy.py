"""The states of a corrective action, shared by the two apps that open them.

An audit's finding (``audits``) and a grievance case (``grievances``) each open corrective
actions on a site, with one rule: open, progress made once the site sent evidence, closed
only when someone other than the site verified it (a desk review of the evidence, or a
follow-up audit). The two apps may not import each other, so the rule's vocabulary lives here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CapStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PROGRESS = "progress", _("Progress made")
    CLOSED = "closed", _("Closed")


class Verification(models.TextChoices):
    DESK = "desk_review", _("Desk review")
    FOLLOW_UP = "follow_up_audit", _("Follow-up audit")

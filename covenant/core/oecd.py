"""The six steps of due diligence of the OECD Due Diligence Guidance for Responsible Business
Conduct (2018): the vocabulary the self-assessment, the learning library and the action plan share.

Step numbers are stored (1-6); names are shown in the reader's language.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OecdStep(models.IntegerChoices):
    POLICY = 1, _("1. Embed responsible business conduct into policies and management systems")
    IDENTIFY = 2, _("2. Identify and assess adverse impacts")
    CEASE_PREVENT = 3, _("3. Cease, prevent or mitigate adverse impacts")
    TRACK = 4, _("4. Track implementation and results")
    COMMUNICATE = 5, _("5. Communicate how impacts are addressed")
    REMEDY = 6, _("6. Provide for or cooperate in remediation")


# Short names for tables and charts, where the full step does not fit.
SHORT_NAMES = {
    OecdStep.POLICY: _("Policy"),
    OecdStep.IDENTIFY: _("Identify"),
    OecdStep.CEASE_PREVENT: _("Prevent"),
    OecdStep.TRACK: _("Track"),
    OecdStep.COMMUNICATE: _("Communicate"),
    OecdStep.REMEDY: _("Remedy"),
}


def short_name(step: int) -> str:
    return str(SHORT_NAMES[OecdStep(step)])

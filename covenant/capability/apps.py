from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from covenant.core import navigation
from covenant.core.navigation import NavItem
from covenant.core.roles import OrgKind


class CapabilityConfig(AppConfig):
    """Capability building (issue 16): the quick scan for small firms, later self-assessments,
    the learning library and the supplier questionnaire."""

    name = "covenant.capability"
    label = "capability"
    verbose_name = "Capability building"

    def ready(self) -> None:
        # Open to anyone; in the menu for members, who can keep a scan as a draft supply chain.
        navigation.register(NavItem(_("Quick scan"), "capability:quick_scan", position=165, kinds=(OrgKind.MEMBER,)))

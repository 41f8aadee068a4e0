from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Finding members who share a risk, safely (issue 17, item 1): counts only, names after both sides opt in."""

    name = "covenant.partners"
    label = "partners"
    verbose_name = "Finding partners"

    def ready(self) -> None:
        from covenant.core import navigation
        from covenant.core.navigation import NavItem
        from covenant.core.roles import OrgKind
        from covenant.partners.services import move_interests_on_merge
        from covenant.registry.interface import facility_merged

        navigation.register(
            NavItem(_("Partners"), "partners:home", position=137, kinds=(OrgKind.MEMBER,)),
            NavItem(_("Partners"), "partners:overview", position=138, kinds=(OrgKind.SECRETARIAT,)),
        )
        facility_merged.connect(move_interests_on_merge, dispatch_uid="partners.move_interests_on_merge")

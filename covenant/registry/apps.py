from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from covenant.core import dashboard, navigation
from covenant.core.navigation import NavItem
from covenant.core.roles import OrgKind


class RegistryConfig(AppConfig):
    name = "covenant.registry"
    label = "registry"
    verbose_name = "Facility register"

    def ready(self) -> None:
        from covenant.registry.dashboard import chain_card

        member, secretariat = (OrgKind.MEMBER,), (OrgKind.SECRETARIAT,)
        navigation.register(
            NavItem(_("Supply chain"), "registry:chain", position=20, kinds=member),
            NavItem(_("Lists"), "registry:lists", position=30, kinds=member),
            NavItem(_("Review"), "registry:review", position=40, kinds=member),
            NavItem(pgettext_lazy("navigation", "Register"), "registry:facilities", position=90),
            NavItem(_("Claims"), "registry:claims", position=140, kinds=(OrgKind.SECRETARIAT, OrgKind.SUPPLIER)),
            NavItem(_("New sites"), "registry:moderation", position=142, kinds=secretariat),
            NavItem(_("Duplicates"), "registry:duplicates", position=145, kinds=secretariat),
            NavItem(_("Disclosure"), "registry:disclosure", position=150, kinds=secretariat),
        )
        dashboard.register_card(member, "registry/_dashboard_card.html", chain_card, position=30)

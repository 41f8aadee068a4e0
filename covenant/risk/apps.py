from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from covenant.core import dashboard, navigation
from covenant.core.navigation import NavItem
from covenant.core.roles import OrgKind


class RiskConfig(AppConfig):
    name = "covenant.risk"
    label = "risk"
    verbose_name = "Risk"

    def ready(self) -> None:
        from covenant.registry.interface import facilities_changed, facility_merged
        from covenant.risk.receivers import move_signals_on_merge, score_changed_sites

        facility_merged.connect(move_signals_on_merge, dispatch_uid="risk.move_signals_on_merge")
        facilities_changed.connect(score_changed_sites, dispatch_uid="risk.score_changed_sites")

        # The supply chain page's band, score and topic columns, filters and sort: the register
        # sits below risk, so risk hands them to it.
        from covenant.registry.interface import register_chain_provider
        from covenant.risk.lists import CHAIN_RISK

        register_chain_provider(CHAIN_RISK)

        from covenant.risk.selectors import dashboard_card

        member, secretariat = (OrgKind.MEMBER,), (OrgKind.SECRETARIAT,)
        navigation.register(
            NavItem(pgettext_lazy("navigation", "Risk"), "risk:overview", position=50, kinds=member),
            NavItem(_("Risk events"), "risk:events", position=60),
            NavItem(_("Risk indicators"), "risk:indicators", position=70, kinds=secretariat),
            NavItem(_("Sanctions"), "risk:sanctions", position=80, kinds=secretariat),
        )
        dashboard.register_card(member, "risk/_dashboard_card.html", dashboard_card, position=50)

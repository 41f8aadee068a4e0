from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from covenant.core import dashboard, navigation
from covenant.core.navigation import NavItem
from covenant.core.roles import ALL_KINDS, OrgKind


class OrgsConfig(AppConfig):
    name = "covenant.orgs"
    label = "orgs"
    verbose_name = "Organisations"

    def ready(self) -> None:
        # The card functions read models: import them once the models are loaded.
        from covenant.orgs.dashboard import account_card, participants_card

        navigation.register(
            NavItem(_("Organisations"), "orgs:directory", position=170),
            NavItem(_("My organisation"), "orgs:my_organisation", position=10, place="account"),
        )
        dashboard.register_card(
            (OrgKind.SECRETARIAT,), "orgs/_dashboard_participants.html", participants_card, position=20
        )
        dashboard.register_card(ALL_KINDS, "orgs/_dashboard_account.html", account_card, position=90)

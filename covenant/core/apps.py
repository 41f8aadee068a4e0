from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from covenant.core import dashboard, navigation
from covenant.core.navigation import NavItem
from covenant.core.roles import OrgKind


def _no_figures(actor: object) -> dict[str, object]:
    return {}


class CoreConfig(AppConfig):
    name = "covenant.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from covenant.core.cache import create_cache_tables

        # The throttles' table (settings.CACHES["throttle"] without Redis) comes with `migrate`.
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="covenant.core.cache_tables")
        # Menu positions, for every app (each registers its own): main 10-170, account 10-30.
        # Dashboard cards: 10 what-you-can-do, 20 participants, 30 chain, 40 audits, 50 risk, 90 account.
        navigation.register(
            NavItem(_("Dashboard"), "core:dashboard", position=10),
            NavItem(_("Activity"), "core:audit_log", position=20, admin_only=True, place="account"),
        )
        dashboard.register_card(
            (OrgKind.SUPPLIER, OrgKind.AUDIT_FIRM, OrgKind.CSO), "core/_dashboard_intro.html", _no_figures, position=10
        )

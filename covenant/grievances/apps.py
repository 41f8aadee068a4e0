from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from covenant.core import navigation
from covenant.core.navigation import NavItem
from covenant.core.roles import OrgKind


class GrievancesConfig(AppConfig):
    name = "covenant.grievances"
    label = "grievances"
    verbose_name = "Joint grievance mechanism"

    def ready(self) -> None:
        from covenant.grievances.receivers import move_cases_on_merge
        from covenant.registry.interface import facility_merged

        facility_merged.connect(move_cases_on_merge, dispatch_uid="grievances.move_cases_on_merge")
        navigation.register(
            NavItem(
                _("Grievances"),
                "grievances:list",
                position=160,
                kinds=(OrgKind.SECRETARIAT, OrgKind.MEMBER, OrgKind.CSO),
            )
        )

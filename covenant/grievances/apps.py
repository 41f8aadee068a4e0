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

        from covenant.grievances.evidence import readable_case_refs, readable_case_refs_at
        from covenant.risk.interface import register_reader

        # A case's risk signals count (counts per topic, never words) for the members it is routed to only.
        register_reader("grievance", readable_case_refs, readable_case_refs_at)
        navigation.register(
            NavItem(
                _("Grievances"),
                "grievances:list",
                position=160,
                kinds=(OrgKind.SECRETARIAT, OrgKind.MEMBER, OrgKind.CSO, OrgKind.SUPPLIER),
            )
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from covenant.core import navigation
from covenant.core.navigation import NavItem
from covenant.core.roles import OrgKind


class PlansConfig(AppConfig):
    """The member's own plan of approach (issue 17, items 4, 5): actions per prioritised risk, and
    responsible-exit decisions.
    """

    name = "covenant.plans"
    label = "plans"
    verbose_name = "Action plans"

    def ready(self) -> None:
        from covenant.plans.receivers import move_plans_on_merge
        from covenant.registry.interface import facility_merged

        facility_merged.connect(move_plans_on_merge, dispatch_uid="plans.move_plans_on_merge")
        navigation.register(
            NavItem(_("Action plan"), "plans:plan", position=55, kinds=(OrgKind.MEMBER,)),
            # Counts only, never a member's name or site (selectors.exit_counts).
            NavItem(_("Exit decisions"), "plans:exit_summary", position=135, kinds=(OrgKind.SECRETARIAT,)),
        )

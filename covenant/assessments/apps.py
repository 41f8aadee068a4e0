from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """The member self-assessment on the OECD six steps, run as a yearly cycle (issue 16, item 1)."""

    name = "covenant.assessments"
    label = "assessments"
    verbose_name = "Member self-assessment"

    def ready(self) -> None:
        from covenant.assessments.dashboard import card
        from covenant.assessments.gaps import self_assessment_gaps
        from covenant.core import dashboard, navigation
        from covenant.core.navigation import NavItem
        from covenant.core.roles import OrgKind
        from covenant.learning.interface import register_gap_source

        navigation.register(
            NavItem(_("Self-assessment"), "assessments:home", position=153, kinds=(OrgKind.MEMBER,)),
            NavItem(_("Self-assessment"), "assessments:cycles", position=154, kinds=(OrgKind.SECRETARIAT,)),
            NavItem(_("Self-assessment"), "assessments:aggregates", position=156, kinds=(OrgKind.BRANCH_ASSOCIATION,)),
        )
        dashboard.register_card((OrgKind.MEMBER,), "assessments/_dashboard_card.html", card, position=57)
        register_gap_source(self_assessment_gaps)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from covenant.core import navigation
from covenant.core.navigation import NavItem
from covenant.core.roles import OrgKind


class SaqConfig(AppConfig):
    """The supplier self-assessment questionnaire (SAQ) and workforce profile of a site (issue 16, item 4):
    owned by the site's supplier, shared with customers by consent, valid 12 months.
    """

    name = "covenant.saq"
    label = "saq"
    verbose_name = "Supplier self-assessment"

    def ready(self) -> None:
        from covenant.learning.interface import register_gap_source
        from covenant.risk.interface import register_event_hook, register_event_sites, register_reader
        from covenant.saq.gaps import saq_gaps
        from covenant.saq.selectors import readable_refs, refugee_sites
        from covenant.saq.services import on_event

        # A SAQ's risk signals are shown (and move the score) only for those who may read the SAQ.
        register_reader("self_assessment", readable_refs)
        # Refugee influx: sites whose SAQ says they employ refugees are flagged wherever they are.
        register_event_hook(on_event)
        register_event_sites(refugee_sites)
        register_gap_source(saq_gaps)

        navigation.register(
            NavItem(_("Self-assessments (SAQ)"), "saq:list", position=107, kinds=(OrgKind.SUPPLIER,)),
            NavItem(_("Supplier SAQs"), "saq:shared", position=108, kinds=(OrgKind.MEMBER,)),
            NavItem(_("Supplier SAQs"), "saq:sector", position=109, kinds=(OrgKind.SECRETARIAT,)),
        )

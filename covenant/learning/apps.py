from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from covenant.core import navigation
from covenant.core.navigation import NavItem
from covenant.core.roles import OrgKind


class LearningConfig(AppConfig):
    """The learning library (issue 16, item 3): guides, training decks, e-learning and templates by topic
    and OECD step; member-contributed tools shared after the secretariat approves them; progress per
    person; recommendations from gaps.
    """

    name = "covenant.learning"
    label = "learning"
    verbose_name = "Learning library"

    def ready(self) -> None:
        # Audit firms read it too (the pages are open to every participant) but have no menu entry.
        kinds = (
            OrgKind.MEMBER,
            OrgKind.SUPPLIER,
            OrgKind.SECRETARIAT,
            OrgKind.BRANCH_ASSOCIATION,
            OrgKind.TRADE_UNION,
            OrgKind.CSO,
        )
        navigation.register(NavItem(_("Learning"), "learning:library", position=167, kinds=kinds))

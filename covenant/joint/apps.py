from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from covenant.core import navigation
from covenant.core.navigation import NavItem
from covenant.core.roles import OrgKind


class JointConfig(AppConfig):
    """Joint actions (issue 17, items 2, 3): members, unions, civil society and suppliers acting together
    on shared risks; visible to participants only.
    """

    name = "covenant.joint"
    label = "joint"
    verbose_name = "Joint action"

    def ready(self) -> None:
        from covenant.joint.receivers import move_sites_on_merge
        from covenant.registry.interface import facility_merged

        facility_merged.connect(move_sites_on_merge, dispatch_uid="joint.move_sites_on_merge")
        kinds = (OrgKind.MEMBER, OrgKind.CSO, OrgKind.TRADE_UNION, OrgKind.SUPPLIER, OrgKind.SECRETARIAT)
        navigation.register(NavItem(_("Joint actions"), "joint:list", position=117, kinds=kinds))

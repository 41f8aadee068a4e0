from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from covenant.core import dashboard, navigation
from covenant.core.navigation import NavItem
from covenant.core.roles import OrgKind


class AuditsConfig(AppConfig):
    name = "covenant.audits"
    label = "audits"
    verbose_name = "Audits and mutual recognition"

    def ready(self) -> None:
        from covenant.audits.receivers import hand_over_on_claim, move_audits_on_merge
        from covenant.registry.interface import claim_verified, facility_merged

        facility_merged.connect(move_audits_on_merge, dispatch_uid="audits.move_audits_on_merge")
        claim_verified.connect(hand_over_on_claim, dispatch_uid="audits.hand_over_on_claim")

        from covenant.audits.selectors import readable_audit_refs, readable_audit_refs_at
        from covenant.risk.interface import register_reader

        # An audit's risk signals are shown (and move the score) only for those who may read the audit.
        register_reader("audit", readable_audit_refs, readable_audit_refs_at)

        from covenant.audits.dashboard import audits_card

        chain_kinds = (OrgKind.MEMBER, OrgKind.SUPPLIER, OrgKind.AUDIT_FIRM)
        navigation.register(
            NavItem(_("Audits"), "audits:list", position=100, kinds=chain_kinds),
            NavItem(_("Audit coverage"), "audits:coverage", position=110, kinds=(OrgKind.MEMBER,)),
            NavItem(_("Joint audits"), "audits:joint", position=115, kinds=chain_kinds),
            NavItem(_("Corrective actions"), "audits:caps", position=120, kinds=chain_kinds),
            NavItem(_("Audits"), "audits:sector", position=130, kinds=(OrgKind.SECRETARIAT,)),
        )
        dashboard.register_card(
            (OrgKind.MEMBER, OrgKind.SUPPLIER), "audits/_dashboard_card.html", audits_card, position=40
        )

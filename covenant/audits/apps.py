from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "covenant.audits"
    label = "audits"
    verbose_name = "Audits and mutual recognition"

    def ready(self) -> None:
        from covenant.audits.receivers import move_audits_on_merge
        from covenant.registry.signals import facility_merged

        facility_merged.connect(move_audits_on_merge, dispatch_uid="audits.move_audits_on_merge")

        from covenant.audits.selectors import readable_audit_refs
        from covenant.risk.interface import register_reader

        # An audit's risk signals are shown (and move the score) only for those who may read the audit.
        register_reader("audit", readable_audit_refs)

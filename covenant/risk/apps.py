from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "covenant.risk"
    label = "risk"
    verbose_name = "Risk"

    def ready(self) -> None:
        from covenant.registry.signals import facilities_changed, facility_merged
        from covenant.risk.receivers import move_signals_on_merge, score_changed_sites

        facility_merged.connect(move_signals_on_merge, dispatch_uid="risk.move_signals_on_merge")
        facilities_changed.connect(score_changed_sites, dispatch_uid="risk.score_changed_sites")

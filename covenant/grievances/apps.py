from django.apps import AppConfig


class GrievancesConfig(AppConfig):
    name = "covenant.grievances"
    label = "grievances"
    verbose_name = "Joint grievance mechanism"

    def ready(self) -> None:
        from covenant.grievances.receivers import move_cases_on_merge
        from covenant.registry.signals import facility_merged

        facility_merged.connect(move_cases_on_merge, dispatch_uid="grievances.move_cases_on_merge")

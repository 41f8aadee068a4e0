from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "covenant.orgs"
    label = "orgs"
    verbose_name = "Organisations"

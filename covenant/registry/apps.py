from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "covenant.registry"
    label = "registry"
    verbose_name = "Facility register"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "covenant.core"
    label = "core"
    verbose_name = "Core"

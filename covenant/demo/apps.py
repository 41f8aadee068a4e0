from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo sector and its ``covenant demo`` command; no models.

    An app of its own because it sits above every other app: it seeds them all.
    """

    name = "covenant.demo"
    label = "demo"
    verbose_name = "Demo sector"

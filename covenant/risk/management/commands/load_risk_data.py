"""``covenant load-risk-data``: (re)load the shipped reference indicators, then recompute risk."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from covenant.core.actors import Actor
from covenant.risk import services


class Command(BaseCommand):
    help = "Load the reference indicators in covenant/risk/data and recompute every site's risk."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-recompute", action="store_true", help="Only load the data.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system(via="cli")
        n = services.load_reference_data(actor)
        self.stdout.write(f"Loaded {n} reference values.")
        if not options["no_recompute"]:
            result = services.recompute_all()
            self.stdout.write(f"Recomputed {result.sites} sites in {result.profiles} profiles.")

"""``covenant recompute-risk``: score every site again (run it nightly, e.g. from cron).

Signals and events carry dates; a nightly run moves stored scores across them, raises
new sites in active events' areas and alerts members newly exposed to them. With
``--screen`` it also screens the register again against every sanctions list (new and
renamed sites).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from covenant.risk import engine, services


class Command(BaseCommand):
    help = "Recompute risk for every active facility, bring events up to date, optionally re-screen."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--screen", action="store_true", help="Also screen the register against sanctions lists.")

    def handle(self, *args: Any, **options: Any) -> None:
        alerts = services.sync_events()
        result = engine.recompute_all()
        self.stdout.write(
            f"Recomputed {result.sites} sites in {result.profiles} profiles in {result.seconds:.1f} s; "
            f"{alerts} new event alerts."
        )
        if options["screen"]:
            hits = services.screen(workers=2)
            self.stdout.write(f"Screened the register: {hits} possible or decided hits.")

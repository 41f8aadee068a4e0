"""covenant find-duplicates: scan the whole register for likely duplicate facilities."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covenant.core.actors import Actor
from covenant.registry import services


class Command(BaseCommand):
    help = (
        "Match every active facility against the rest of the register and bring the secretariat's "
        "duplicates queue up to date (dismissed pairs are never proposed again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=None, help="Processes that match (default: MATCH_WORKERS).")

    def handle(self, *args: Any, **options: Any) -> None:
        scan = services.find_duplicates(Actor.system(via="cli"), workers=options["workers"])
        self.stdout.write(
            f"Duplicates: {scan.facilities} facilities scanned, {scan.found} likely pairs "
            f"({scan.new} new, {scan.updated} updated, {scan.dropped} dropped) in {scan.seconds:.1f} s"
        )

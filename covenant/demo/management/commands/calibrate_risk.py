"""``covenant calibrate-risk``: band limits from every reference profile, and the demo's bands per member.

Prints the distribution; ``--write`` stores the limits in covenant/risk/data/bands.json
(then run ``covenant recompute-risk``). See docs/risk.md, "Bands".
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from covenant.demo.calibration import run


class Command(BaseCommand):
    help = "Calibrate risk band limits on the shipped reference data and print the distribution."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--write", action="store_true", help="Store the limits in covenant/risk/data/bands.json.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(run(write=options["write"]))

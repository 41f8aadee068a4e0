"""``covenant count-sector-audits``: count the sector's audit figures now (run from cron, e.g. hourly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from covenant.audits.services import count_sector


class Command(BaseCommand):
    help = "Count the sector's audit figures (coverage, audits avoided, burden, CAPs, zero tolerance) and keep them."

    def handle(self, *args: Any, **options: Any) -> None:
        count = count_sector()
        self.stdout.write(f"Counted in {count.seconds:.2f} s at {count.counted_at:%Y-%m-%d %H:%M:%S}.")

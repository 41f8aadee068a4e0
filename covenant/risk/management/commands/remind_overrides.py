"""``covenant remind-overrides``: tell members about overrides near or past their review date (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covenant.risk.models import OVERRIDE_DUE_DAYS
from covenant.risk.services import send_override_reminders


class Command(BaseCommand):
    help = "E-mail members' admins and editors before their overrides' review dates and when they expire, once each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days-before", type=int, default=OVERRIDE_DUE_DAYS, help="first reminder this many days before"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        members = send_override_reminders(days_before=options["days_before"])
        self.stdout.write(f"{members} member(s) reminded.")

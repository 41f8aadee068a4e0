"""``covenant send-cap-reminders``: remind sites before and after CAP deadlines (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covenant.audits.services import send_cap_reminders


class Command(BaseCommand):
    help = "E-mail suppliers before and after corrective-action deadlines, once per action and stage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days-before", type=int, default=7, help="first reminder this many days before")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_cap_reminders(days_before=options["days_before"])
        self.stdout.write(f"{sent} reminder(s) sent.")

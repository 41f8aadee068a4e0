"""``covenant remind-saq``: tell suppliers about self-assessments that expire soon or expired (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covenant.saq.models import DUE_DAYS
from covenant.saq.services import send_reminders


class Command(BaseCommand):
    help = "E-mail suppliers' admins and editors 30 days before their SAQs expire and when they expire, once each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days-before", type=int, default=DUE_DAYS, help="first reminder this many days before")

    def handle(self, *args: Any, **options: Any) -> None:
        suppliers = send_reminders(days_before=options["days_before"])
        self.stdout.write(f"{suppliers} supplier(s) reminded.")

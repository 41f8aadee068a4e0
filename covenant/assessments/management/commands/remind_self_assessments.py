"""``covenant remind-self-assessments``: remind members of the open cycle's deadline (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from covenant.assessments.services import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail the administrators of members that have not submitted this year's self-assessment: "
        "14 and 3 days before the deadline and once when overdue, once each."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")

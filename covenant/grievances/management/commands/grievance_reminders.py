"""``covenant grievance-reminders``: the daily digest of new and overdue cases for handlers (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from covenant.grievances.services import send_reminders


class Command(BaseCommand):
    help = "E-mail grievance handlers a daily digest: new cases to acknowledge, overdue cases (references only)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders()
        self.stdout.write(f"{sent} reminder e-mail(s) sent.")

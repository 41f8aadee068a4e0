"""``covenant grievance-reminders``: the daily digest of new and overdue cases for handlers (run daily);
with ``--urgent``, the alert for cases triaged urgent at intake (run every few hours)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from covenant.grievances.services import send_reminders, send_urgent_alerts


class Command(BaseCommand):
    help = "E-mail grievance handlers a daily digest: new cases to acknowledge, overdue cases (references only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--urgent", action="store_true", help="Only alert handlers to new urgent cases (references only)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["urgent"]:
            self.stdout.write(f"{send_urgent_alerts()} urgent alert e-mail(s) sent.")
            return
        sent = send_reminders()
        self.stdout.write(f"{sent} reminder e-mail(s) sent.")

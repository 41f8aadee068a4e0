"""covenant worker: run background tasks (Django's Tasks API, database backend)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background-task worker (supplier-list matching, risk recomputation, e-mails)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Process what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")
        parser.add_argument("--reload", action="store_true", help="Restart on code changes (development).")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = ["--interval", str(options["interval"]), "--no-startup-delay"]
        argv.append("--reload" if options["reload"] else "--no-reload")
        if options["batch"]:
            argv.append("--batch")
        call_command("db_worker", *argv)

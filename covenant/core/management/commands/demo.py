"""covenant demo: migrate, seed the demo sector, and serve it with a worker beside it."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from covenant.demo.data import DEMO_PASSWORD, DEMO_TOTP_CODE
from covenant.demo.seed import SeedResult, seed


class Command(BaseCommand):
    help = "Set up the demo sector (idempotent) and serve it on http://127.0.0.1:8000 with a background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address and port to serve on.")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the fictional sector.")
        parser.add_argument("--sites", type=int, default=2000, help="Number of supplier sites.")
        parser.add_argument("--no-serve", action="store_true", help="Seed and print the logins, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo is not for production: unset COVENANT_ENV=production.")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        result = seed(options["seed"], options["sites"], log=self.stdout.write)
        self._print_logins(result, options["addr"])
        if options["no_serve"]:
            return
        self._serve(options["addr"])

    def _print_logins(self, result: SeedResult, addr: str) -> None:
        url = f"http://{addr}/"
        width = max(len(login.role) for login in result.logins)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Covenant demo: {url}"))
        self.stdout.write(f"Sign in with any of these; the password is {DEMO_PASSWORD}")
        for login in result.logins:
            note = f"  ({login.note})" if login.note else ""
            self.stdout.write(f"  {login.role.ljust(width)}  {login.email}  {login.org}{note}")
        self.stdout.write(
            f"Secretariat accounts use two-factor sign-in; in this demo the code {DEMO_TOTP_CODE} is accepted."
        )
        self.stdout.write("")

    def _serve(self, addr: str) -> None:
        # The bypass code is only accepted by allauth when DEBUG is on, and only
        # these two child processes get it.
        env = {**os.environ, "COVENANT_DEMO_TOTP_CODE": DEMO_TOTP_CODE}
        command = [sys.executable, "-m", "covenant.cli"]
        worker = subprocess.Popen([*command, "worker"], env=env)  # noqa: S603 (our own entry point)
        try:
            subprocess.run([*command, "runserver", addr, "--noreload"], env=env, check=False)  # noqa: S603
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()

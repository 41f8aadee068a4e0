"""covenant serve: the production web server (gunicorn)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Collect static files, optionally migrate, and serve Covenant with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "0.0.0.0:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "1")),
            help="Request threads per worker (more than 1: gunicorn's gthread workers).",
        )
        parser.add_argument("--migrate", action="store_true", help="Apply database migrations first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            "gunicorn",
            "covenant.wsgi:application",
            # preload_app, and the match index loaded in the master before the workers fork.
            "--config",
            "python:covenant.gunicorn_conf",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            # Request lines without client addresses: see docs/ARCHITECTURE.md (privacy).
            "--access-logformat",
            '"%(r)s" %(s)s %(b)s %(L)ss',
            # ... and without the secrets some URLs carry (invitation links, reset keys).
            "--logger-class",
            "covenant.accounts.accesslog.RedactingLogger",
        ]
        sys.stdout.flush()
        os.execvp(sys.executable, [sys.executable, "-m", *argv])  # noqa: S606 (replace this process by gunicorn)

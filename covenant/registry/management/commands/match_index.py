"""covenant match-index: bring the register's match index up to date and save it."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covenant.registry import matchindex


class Command(BaseCommand):
    help = "Build (or catch up) the in-memory match index from the register and save a snapshot for fast start-up."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Ignore the snapshot and build from the database.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["rebuild"]:
            matchindex.reset(ignore_snapshot=True)
        matcher = matchindex.get_matcher()
        path = matchindex.save_snapshot()
        seconds = time.perf_counter() - started
        self.stdout.write(f"Match index: {len(matcher.index)} facilities, saved to {path} in {seconds:.1f} s")

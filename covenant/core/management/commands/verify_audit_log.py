"""covenant verify-audit-log: check the audit trail's hash chain end to end.

With ``--checkpoint FILE`` it also checks the head checkpoints kept in FILE, then
appends the current head to it. Run it daily with FILE on other storage: the key
makes the chain unforgeable without it, and the checkpoints catch what the key
cannot (events cut off the end, or a rewrite by someone who holds the key).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from covenant.core.audit import (
    CheckpointFileError,
    check_checkpoints,
    format_checkpoint,
    parse_checkpoints,
    verify_chain,
)


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail and report the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help=(
                "also check that every head recorded in FILE (lines `seq hash time`) is still in the "
                "chain, then append the current head; keep FILE on other, append-only storage"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"Audit trail BROKEN after {report.checked} good events: {report.problem}")
        if not options["checkpoint"]:
            self.stdout.write(
                self.style.SUCCESS(f"Audit trail intact: {report.checked} events, head {report.head_hash}")
            )
            self.stdout.write("Keep the head hash somewhere else (or use --checkpoint FILE) to anchor the chain.")
            return
        path = Path(options["checkpoint"])
        try:
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            checkpoints = parse_checkpoints(text)
        except (OSError, UnicodeDecodeError, CheckpointFileError) as exc:
            raise CommandError(f"Cannot read the checkpoint file {path}: {exc}") from exc
        problem = check_checkpoints(checkpoints, report)
        if problem:
            raise CommandError(f"Audit trail does NOT match the checkpoint file {path}: {problem}")
        try:
            # Append only: the file's history is the evidence, so nothing in it is ever rewritten.
            with path.open("a", encoding="utf-8") as out:
                if text and not text.endswith("\n"):
                    out.write("\n")
                out.write(format_checkpoint(report.checked, report.head_hash, timezone.now()))
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise CommandError(f"The chain is intact but the checkpoint could not be written to {path}: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit trail intact: {report.checked} events, head {report.head_hash}; "
                f"{len(checkpoints)} earlier checkpoint(s) in {path} match; checkpoint #{report.checked} appended."
            )
        )
